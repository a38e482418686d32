#include "store/group_commit.hpp"

#include <vector>

namespace walkv {

std::size_t GroupCommit::collect_group(std::vector<QueuedWriter*>& group) {
  QueuedWriter* leader = queue_.front();
  group.push_back(leader);
  if (leader->kind == QueuedWriter::Kind::barrier) return 1;
  std::size_t bytes = leader->bytes;
  for (std::size_t i = 1; i < queue_.size(); ++i) {
    QueuedWriter* w = queue_[i];
    if (w->kind == QueuedWriter::Kind::barrier) break;
    if (bytes + w->bytes > max_group_bytes_ && bytes > 0) break;
    bytes += w->bytes;
    group.push_back(w);
  }
  return group.size();
}

Status GroupCommit::join(QueuedWriter& w, const CommitFn& commit) {
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&w);
  w.cv.wait(lock, [&] { return w.done || queue_.front() == &w; });
  if (w.done) return w.status;

  std::vector<QueuedWriter*> group;
  collect_group(group);
  lock.unlock();
  Status status = commit(group);
  lock.lock();

  for (QueuedWriter* member : group) {
    queue_.pop_front();
    member->status = status;
    member->done = true;
    if (member != &w) member->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  return status;
}

}  // namespace walkv
