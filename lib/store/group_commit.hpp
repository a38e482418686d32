// walkv store — GroupCommit: the leader/follower write queue (LevelDB's
// BuildBatchGroup, RocksDB's WriteThread).
//
// Thread-safety: join() is called by any number of threads at once.
//
// Each writer enqueues itself and waits. The writer at the head of the queue
// becomes the leader: it takes the writers queued behind it (up to a byte
// budget) as its group, leaves the queue lock, and runs `commit` for the whole
// group — one write(2), at most one fdatasync. While it does, newcomers queue
// up behind the group; when the leader finishes, the next head leads the
// writers that gathered meanwhile. There is no artificial delay: batching comes
// from the time the previous fdatasync takes.
//
// Commit, then publish: a group is committed (written, flushed) and then
// published (made visible to readers: the memtable apply). The leader hands
// the queue to the next head between the two, so the next group's commit
// starts while this one publishes: the next leader's wake-up, which takes tens
// of microseconds on a virtual machine, overlaps the apply instead of
// following it (docs/performance.md, "Group commit: the next group starts
// while the last one publishes"). Publishes still run one at a time and in
// queue order — each leader takes the publish turn before it hands over — so
// readers see the groups in sequence order, as the log's replay applies them.
// A group's members are woken only after its publish: a writer that returns
// reads its own write. A barrier group takes the publish turn before its
// commit, so it runs after every earlier group was published.
//
// Waking: each writer sleeps on its own mutex and condition variable, never on
// the queue's (RocksDB's WriteThread::Writer::StateMutex). The finished leader
// hands the queue to the next head first, then wakes its group members outside
// the queue lock: a woken member takes only its own, uncontended mutex. (Waking
// them under the queue lock made every member wake, block on that lock, and be
// woken once more, one after the other.)
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>

#include <walkv/status.hpp>

namespace walkv {

struct QueuedWriter {
  enum class Kind { write, sync_only, barrier };
  Kind kind = Kind::write;
  std::size_t bytes = 0;   // encoded frame bytes (write)
  bool sync = false;       // needs fdatasync before acknowledgement
  void* payload = nullptr; // owner's data for `commit`

  // Set by join(), under state_mu:
  enum class State { waiting, leading, done };
  State state = State::waiting;
  Status status;  // when done
  std::mutex state_mu;
  std::condition_variable state_cv;
};

class GroupCommit {
 public:
  // `commit` receives a group (leader first, queue order) and returns the
  // status every member gets. A `barrier` writer always forms a group alone.
  // `publish` then runs for a group whose commit succeeded (never for a
  // barrier), after the next leader may have started its commit, and before
  // the members are woken. Both run on the leader's thread; commits never
  // overlap each other, nor do publishes.
  using CommitFn = std::function<Status(std::span<QueuedWriter* const> group)>;
  using PublishFn = std::function<void(std::span<QueuedWriter* const> group)>;

  explicit GroupCommit(std::size_t max_group_bytes) : max_group_bytes_(max_group_bytes) {}

  // Blocks until `w` was committed and published (by itself as leader or by
  // another leader). Returns the status of w's group.
  Status join(QueuedWriter& w, const CommitFn& commit, const PublishFn& publish);

 private:
  std::size_t collect_group(std::vector<QueuedWriter*>& group);
  // Pops `group` off the queue and returns the new head (nullptr if none).
  QueuedWriter* finish_group(std::size_t group_size);
  static void set_state(QueuedWriter& w, QueuedWriter::State state, const Status& status = Status());
  static QueuedWriter::State wait_for_turn(QueuedWriter& w);

  std::mutex mu_;
  std::deque<QueuedWriter*> queue_;
  // The publish turn: taken by a leader before it hands over, so publishes
  // run in queue order (see "Commit, then publish" above).
  std::mutex publish_turn_;
  const std::size_t max_group_bytes_;
};

}  // namespace walkv
