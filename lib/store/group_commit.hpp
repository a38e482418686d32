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
  // Filled by join():
  Status status;
  bool done = false;
  std::condition_variable cv;
};

class GroupCommit {
 public:
  // `commit` receives a group (leader first, queue order) and returns the
  // status every member gets. A `barrier` writer always forms a group alone.
  using CommitFn = std::function<Status(std::span<QueuedWriter* const> group)>;

  explicit GroupCommit(std::size_t max_group_bytes) : max_group_bytes_(max_group_bytes) {}

  // Blocks until `w` was committed (by itself as leader or by another leader).
  Status join(QueuedWriter& w, const CommitFn& commit);

 private:
  std::size_t collect_group(std::vector<QueuedWriter*>& group);

  std::mutex mu_;
  std::deque<QueuedWriter*> queue_;
  const std::size_t max_group_bytes_;
};

}  // namespace walkv
