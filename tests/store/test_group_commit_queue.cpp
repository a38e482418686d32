// GroupCommit on its own (lib/store/group_commit.hpp), with commit and
// publish functions that record what they see: the next group's commit
// overlaps the last group's publish, publishes keep queue order and never
// overlap, a writer returns only after its group was published, and a barrier
// commits only after every earlier group was published.
#define BOOST_TEST_MODULE walkv_group_commit_queue
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "store/group_commit.hpp"

using namespace walkv;
using Group = std::span<QueuedWriter* const>;

namespace {

// One writer's record: its id and whether its group was published.
struct Entry {
  int id = 0;
  std::atomic<bool> published{false};
};

// QueuedWriter holds a mutex: made in place, then pointed at its entry.
void point_at(QueuedWriter& w, Entry& entry) {
  w.kind = QueuedWriter::Kind::write;
  w.bytes = 1;
  w.payload = &entry;
}

int id_of(const QueuedWriter* w) { return static_cast<const Entry*>(w->payload)->id; }

// A flag that one thread raises and another waits for.
class Flag {
 public:
  void raise() {
    std::lock_guard<std::mutex> lock(mu_);
    raised_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return raised_; });
  }
  // True if raised within `limit`: how a test tells that something it expects
  // (or forbids) happened while the caller waited.
  bool wait_for(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return raised_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool raised_ = false;
};

}  // namespace

// Writer a's publish waits for writer b's commit to begin. If the leader
// published before handing the queue over, b could not commit until a's
// publish ended, and the wait would time out.
BOOST_AUTO_TEST_CASE(the_next_group_commits_while_the_last_one_publishes) {
  GroupCommit queue(1u << 20);
  Entry a_entry, b_entry;
  a_entry.id = 1;
  b_entry.id = 2;
  Flag a_committing, b_joining, b_committing;
  std::atomic<bool> overlapped{false};
  std::mutex order_mu;
  std::vector<int> published;

  const auto commit = [&](Group group) {
    if (id_of(group.front()) == 1) {
      a_committing.raise();
      b_joining.wait();  // b queues behind a, or after it
    } else {
      b_committing.raise();
    }
    return Status();
  };
  const auto publish = [&](Group group) {
    if (id_of(group.front()) == 1) overlapped = b_committing.wait_for(std::chrono::seconds(10));
    std::lock_guard<std::mutex> lock(order_mu);
    for (QueuedWriter* w : group) published.push_back(id_of(w));
  };

  Status a_status, b_status;
  std::thread a([&] {
    QueuedWriter w;
    point_at(w, a_entry);
    a_status = queue.join(w, commit, publish);
  });
  std::thread b([&] {
    QueuedWriter w;
    point_at(w, b_entry);
    a_committing.wait();  // a leads
    b_joining.raise();
    b_status = queue.join(w, commit, publish);
  });
  a.join();
  b.join();
  BOOST_TEST(a_status.ok());
  BOOST_TEST(b_status.ok());
  BOOST_TEST(overlapped.load());
  BOOST_TEST((published == std::vector<int>{1, 2}), "publishes in queue order");
}

// Many writers at once: commits and publishes each run one at a time, the
// publishes in the order of the commits, and every writer finds its group
// published when join returns.
BOOST_AUTO_TEST_CASE(publishes_keep_queue_order_and_precede_the_wake_up) {
  constexpr int kThreads = 8;
  constexpr int kJoinsPerThread = 300;
  GroupCommit queue(16);  // groups of up to 16 one-byte writers
  std::mutex log_mu;
  std::vector<int> committed, published;
  std::atomic<int> in_commit{0}, in_publish{0}, overlaps{0}, woken_unpublished{0};
  std::size_t largest_group = 0;

  const auto commit = [&](Group group) {
    if (in_commit.fetch_add(1) != 0) overlaps.fetch_add(1);
    // As long as a small write: the writers that arrive meanwhile form groups.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
    while (std::chrono::steady_clock::now() < until) {
    }
    largest_group = std::max(largest_group, group.size());
    {
      std::lock_guard<std::mutex> lock(log_mu);
      for (QueuedWriter* w : group) committed.push_back(id_of(w));
    }
    in_commit.fetch_sub(1);
    return Status();
  };
  const auto publish = [&](Group group) {
    if (in_publish.fetch_add(1) != 0) overlaps.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(log_mu);
      for (QueuedWriter* w : group) published.push_back(id_of(w));
    }
    for (QueuedWriter* w : group) static_cast<Entry*>(w->payload)->published = true;
    in_publish.fetch_sub(1);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kJoinsPerThread; ++i) {
        Entry entry;
        entry.id = t * kJoinsPerThread + i;
        QueuedWriter w;
        point_at(w, entry);
        if (!queue.join(w, commit, publish).ok() || !entry.published) woken_unpublished.fetch_add(1);
      }
    });
  for (auto& th : threads) th.join();

  BOOST_TEST(largest_group > 1u, "groups with members formed");
  BOOST_TEST(overlaps.load() == 0);
  BOOST_TEST(woken_unpublished.load() == 0);
  BOOST_TEST(committed.size() == static_cast<std::size_t>(kThreads * kJoinsPerThread));
  BOOST_TEST((published == committed), "publishes in the order of the commits");
}

// A failed commit is the status of every member, and its group is not published.
BOOST_AUTO_TEST_CASE(a_failed_commit_is_not_published) {
  GroupCommit queue(1u << 20);
  Entry entry;
  int publishes = 0;
  QueuedWriter w;
  point_at(w, entry);
  const Status s = queue.join(
      w, [](Group) { return Status(Code::io_error, "injected"); },
      [&](Group) { ++publishes; });
  BOOST_TEST((s.code() == Code::io_error));
  BOOST_TEST(publishes == 0);
}

// The memtable rotation runs as a barrier: it must see every earlier group
// published. Writer a's publish waits (up to 300 ms) for the barrier's commit
// to begin; it must not begin before a's publish ends.
BOOST_AUTO_TEST_CASE(a_barrier_commits_after_every_earlier_publish) {
  GroupCommit queue(1u << 20);
  Entry a_entry;
  a_entry.id = 1;
  Flag a_committing, barrier_joining, barrier_committing;
  std::atomic<bool> barrier_began_during_publish{false};
  std::atomic<bool> a_published_before_barrier{false};
  int barrier_publishes = 0;

  const auto commit = [&](Group group) {
    if (group.front()->kind == QueuedWriter::Kind::barrier) {
      a_published_before_barrier = a_entry.published.load();
      barrier_committing.raise();
    } else {
      a_committing.raise();
      barrier_joining.wait();
    }
    return Status();
  };
  const auto publish = [&](Group group) {
    if (group.front()->kind == QueuedWriter::Kind::barrier) ++barrier_publishes;
    barrier_began_during_publish = barrier_committing.wait_for(std::chrono::milliseconds(300));
    a_entry.published = true;
  };

  std::thread a([&] {
    QueuedWriter w;
    point_at(w, a_entry);
    (void)queue.join(w, commit, publish);
  });
  std::thread barrier([&] {
    QueuedWriter w;
    w.kind = QueuedWriter::Kind::barrier;
    a_committing.wait();  // a leads
    barrier_joining.raise();
    (void)queue.join(w, commit, publish);
  });
  a.join();
  barrier.join();
  BOOST_TEST(!barrier_began_during_publish.load());
  BOOST_TEST(a_published_before_barrier.load());
  BOOST_TEST(barrier_publishes == 0);
}
