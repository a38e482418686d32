// The group commit under many writer threads at once, against the real file
// system and FaultFs: fdatasyncs are shared, groups are applied in sequence
// order, every acknowledged sync write survives a power loss, and a failed
// fdatasync fails every group it could not vouch for without hanging any.
#define BOOST_TEST_MODULE walkv_group_commit
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <walkv/store.hpp>

#include "../support/fault_fs.hpp"
#include "../support/temp_dir.hpp"
#include "store/open_with.hpp"

using namespace walkv;
using walkv::test::FaultFs;
using walkv::test::FsOp;
using walkv::test::TempDir;

namespace {

const WriteOptions kSync{Durability::sync};
const WriteOptions kNone{Durability::none};
constexpr int kThreads = 8;
constexpr int kPutsPerThread = 200;

Options small_options() {
  Options o;
  o.segment_size = 256u << 10;  // several rollovers during the runs below
  o.compaction_trigger = 0;
  o.initial_map_size = 4u << 20;
  return o;
}

std::unique_ptr<Store> must_open(io::FileSystem& fs, const std::string& dir) {
  auto s = open_store_with(fs, dir, small_options(), /*read_only=*/false);
  if (!s) throw std::runtime_error("open " + dir + ": " + s.error().to_string());
  return std::move(*s);
}

std::string value_of(int thread, int i) { return "v" + std::to_string(thread) + "." + std::to_string(i); }

// Runs `body(thread)` on kThreads threads at once and joins them.
template <typename Body>
void on_threads(Body body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(body, t);
  for (auto& th : threads) th.join();
}

using Writes = std::vector<std::pair<std::string, std::string>>;

void expect_every_write_present(Store& store, const Writes& acknowledged) {
  for (const auto& [key, value] : acknowledged) {
    auto v = store.get(key);
    BOOST_REQUIRE(v.has_value());
    BOOST_REQUIRE_MESSAGE(v->has_value(), key << " was acknowledged as durable and is gone");
    BOOST_TEST(**v == value);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_sync_writers_share_fdatasyncs_and_all_land) {
  TempDir tmp;
  const std::string dir = tmp.sub("s");
  auto store = must_open(io::posix_fs(), dir);
  on_threads([&](int t) {
    for (int i = 0; i < kPutsPerThread; ++i)
      if (!store->put(kSync, "k" + std::to_string(t) + "." + std::to_string(i), value_of(t, i)).ok())
        throw std::runtime_error("put failed");
  });
  const Statistics s = store->statistics();
  const std::uint64_t total = kThreads * kPutsPerThread;
  BOOST_TEST(s.synced_writers == total);
  BOOST_TEST(s.frames_written == total);
  BOOST_TEST(s.fdatasyncs <= total);
  BOOST_TEST(store->last_sequence() == total);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kPutsPerThread; ++i) {
      auto v = store->get("k" + std::to_string(t) + "." + std::to_string(i));
      BOOST_REQUIRE(v.has_value());
      BOOST_REQUIRE(v->has_value());
      BOOST_TEST(**v == value_of(t, i));
    }
}

// If groups were applied out of sequence order (as a pipelined commit could
// do: an unsynced group overtaking a sync group still waiting for its
// fdatasync), the visible last sequence
// would step back, and the memtable would keep an older value of a hot key
// than the log's replay (which applies in sequence order) does.
BOOST_AUTO_TEST_CASE(groups_apply_in_sequence_order_as_replay_does) {
  TempDir tmp;
  const std::string dir = tmp.sub("s");
  std::map<std::string, std::string> before;
  {
    auto store = must_open(io::posix_fs(), dir);
    std::atomic<bool> writing{true};
    std::atomic<int> steps_back{0};
    std::thread monitor([&] {
      std::uint64_t seen = 0;
      while (writing.load()) {
        const std::uint64_t now = store->last_sequence();
        if (now < seen) steps_back.fetch_add(1);
        seen = std::max(seen, now);
      }
    });
    on_threads([&](int t) {
      for (int i = 0; i < kPutsPerThread; ++i) {
        const WriteOptions& wo = ((i + t) % 2 == 0) ? kNone : kSync;
        if (!store->put(wo, "hot" + std::to_string(i % 4), value_of(t, i)).ok())
          throw std::runtime_error("put failed");
      }
    });
    writing.store(false);
    monitor.join();
    BOOST_TEST(steps_back.load() == 0);
    for (int k = 0; k < 4; ++k) {
      auto v = store->get("hot" + std::to_string(k));
      BOOST_REQUIRE(v.has_value() && v->has_value());
      before["hot" + std::to_string(k)] = **v;
    }
    BOOST_REQUIRE(store->close().ok());
  }
  auto reopened = must_open(io::posix_fs(), dir);
  for (const auto& [key, value] : before) {
    auto v = reopened->get(key);
    BOOST_REQUIRE(v.has_value() && v->has_value());
    BOOST_TEST(**v == value, key);
  }
}

BOOST_AUTO_TEST_CASE(every_acknowledged_sync_write_survives_a_power_loss) {
  TempDir tmp;
  const std::string dir = tmp.sub("s");
  FaultFs fs;
  std::mutex mu;
  Writes acknowledged;
  {
    auto store = must_open(fs, dir);
    on_threads([&](int t) {
      for (int i = 0; i < kPutsPerThread / 4; ++i) {
        const std::string key = "k" + std::to_string(t) + "." + std::to_string(i);
        // Unsynced writes in between: their frames precede later sync writes'.
        if (store->put(i % 2 ? kSync : kNone, key, value_of(t, i)).ok() && i % 2) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.emplace_back(key, value_of(t, i));
        }
      }
    });
    fs.crash_at(1);  // nothing after the last acknowledgement reaches the disk
    store.reset();
  }
  fs.power_loss();
  fs.heal();
  auto reopened = must_open(fs, dir);
  BOOST_REQUIRE_EQUAL(acknowledged.size(), static_cast<std::size_t>(kThreads * kPutsPerThread / 8));
  expect_every_write_present(*reopened, acknowledged);
}

// A failed fdatasync poisons the store; the groups in flight behind it, whose
// frames it may have covered, fail too — none hangs, and every write that
// was acknowledged before it survives a power loss.
BOOST_AUTO_TEST_CASE(a_failed_fdatasync_fails_the_groups_in_flight_and_keeps_acknowledged_writes) {
  TempDir tmp;
  const std::string dir = tmp.sub("s");
  FaultFs fs;
  std::mutex mu;
  Writes acknowledged;
  int poisoned = 0;
  {
    auto store = must_open(fs, dir);
    fs.fail(FsOp::fdatasync, 40, EIO);  // the 40th fdatasync from now
    on_threads([&](int t) {
      for (int i = 0; i < kPutsPerThread / 4; ++i) {
        const std::string key = "k" + std::to_string(t) + "." + std::to_string(i);
        const Status s = store->put(kSync, key, value_of(t, i));
        std::lock_guard<std::mutex> lock(mu);
        if (s.ok()) acknowledged.emplace_back(key, value_of(t, i));
        else if (s.code() == Code::poisoned) ++poisoned;
        else throw std::runtime_error("unexpected: " + s.to_string());
      }
    });
    BOOST_TEST(store->statistics().poisoned);
    fs.crash_at(1);
    store.reset();
  }
  fs.power_loss();
  BOOST_TEST(poisoned > 0);
  BOOST_TEST(acknowledged.size() > 0u);
  fs.heal();
  auto reopened = must_open(fs, dir);
  BOOST_TEST(reopened->get("never written").has_value());
  expect_every_write_present(*reopened, acknowledged);
}
