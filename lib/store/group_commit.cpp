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

QueuedWriter* GroupCommit::finish_group(std::size_t group_size) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < group_size; ++i) queue_.pop_front();
  return queue_.empty() ? nullptr : queue_.front();
}

// The notify happens under w.state_mu: `w` lives on its thread's stack, and
// that thread can only return (and destroy it) after taking state_mu itself.
void GroupCommit::set_state(QueuedWriter& w, QueuedWriter::State state, const Status& status) {
  std::lock_guard<std::mutex> lock(w.state_mu);
  w.status = status;
  w.state = state;
  w.state_cv.notify_one();
}

QueuedWriter::State GroupCommit::wait_for_turn(QueuedWriter& w) {
  std::unique_lock<std::mutex> lock(w.state_mu);
  w.state_cv.wait(lock, [&] { return w.state != QueuedWriter::State::waiting; });
  return w.state;
}

Status GroupCommit::join(QueuedWriter& w, const CommitFn& commit, const PublishFn& publish) {
  bool leads = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(&w);
    leads = queue_.size() == 1;  // else an earlier leader hands over to us, or commits us
  }
  if (!leads && wait_for_turn(w) == QueuedWriter::State::done) return w.status;

  std::vector<QueuedWriter*> group;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collect_group(group);
  }
  const bool barrier = group.front()->kind == QueuedWriter::Kind::barrier;
  std::unique_lock<std::mutex> turn(publish_turn_, std::defer_lock);
  if (barrier) turn.lock();  // after every earlier group's publish
  Status status = commit(group);
  if (!barrier) turn.lock();  // before the hand-over: publishes keep queue order

  // Hand over first, so the next group's commit starts while this one
  // publishes and its members wake.
  if (QueuedWriter* next = finish_group(group.size())) set_state(*next, QueuedWriter::State::leading);
  if (status.ok() && !barrier) publish(group);
  turn.unlock();
  for (QueuedWriter* member : group)
    if (member != &w) set_state(*member, QueuedWriter::State::done, status);
  return status;
}

}  // namespace walkv
