// walkv store — compaction: memtable → LMDB snapshot, then obsolete segments go.
//
// Steps (a crash at any step is safe, because replay skips sequences the
// snapshot already holds — etcd's consistent index):
//   1. as a barrier in the write queue: mem becomes imm, the log rolls to a new
//      segment whose first sequence follows imm's last;
//   2. imm is written into LMDB in write transactions of about 8 MiB
//      (Snapshot::apply), each committed durably; only the last records the
//      applied sequence (a crash before it leaves the old one, and replay
//      re-applies every frame after it over the partly applied snapshot);
//   3. imm is dropped; segments whose first sequence precedes the new segment's
//      are deleted and wal/ is fsync'd.
#include <chrono>
#include <map>

#include "store/store_impl.hpp"

namespace walkv {

Status Store::Impl::rotate_memtable() {
  {
    std::lock_guard<std::mutex> lock(tables_mu_);
    if (imm_) return Status();  // an earlier compaction failed after rotating: retry its imm
  }
  Status s = log_->roll(next_sequence_);
  if (s.code() == Code::poisoned) poison(s);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(tables_mu_);
  auto fresh = std::make_shared<MemTable>();
  published_.publish(fresh, mem_);  // may throw; then nothing changed
  imm_ = std::move(mem_);
  mem_ = std::move(fresh);
  imm_sequence_ = next_sequence_ - 1;
  imm_log_bytes_ = log_bytes_since_snapshot_.exchange(0);
  return Status();
}

Status Store::Impl::compact() { return compact_and_notify(/*background=*/false); }

Status Store::Impl::compact_and_notify(bool background) {
  if (read_only_) return Status(Code::not_supported, "store " + dir_ + " is open read-only");
  CompactionInfo info;
  info.background = background;
  Status s;
  {
    std::lock_guard<std::mutex> lock(compaction_mu_);
    const auto started = std::chrono::steady_clock::now();
    segments_deleted_ = 0;
    s = compact_locked();
    info.duration_ns = nanoseconds_since(started);
    info.bytes = imm_log_bytes_;  // kept across a failed attempt: the retry folds the same imm
    if (s.ok()) imm_log_bytes_ = 0;
    info.segments_deleted = segments_deleted_;
    info.applied_sequence = applied_sequence_;
  }
  notify_poisoned();
  if (!s.ok()) return s;
  counters_.compaction_done(info.bytes, info.duration_ns);
  if (options_.listener) options_.listener->on_compaction_done(info);
  return s;
}

Status Store::Impl::compact_locked() {
  if (poisoned_.load(std::memory_order_acquire)) return poisoned_status();
  QueuedWriter barrier;
  barrier.kind = QueuedWriter::Kind::barrier;
  Status s = join_queue(barrier);
  if (!s.ok()) return s;

  std::shared_ptr<MemTable> imm;
  std::uint64_t sequence = 0;
  {
    std::lock_guard<std::mutex> lock(tables_mu_);
    imm = imm_;
    sequence = imm_sequence_;
  }
  if (!imm) return Status();
  if (!imm->empty() || sequence > applied_sequence_) {
    if (s = snapshot_->apply(*imm, sequence); !s.ok()) return s;
    applied_sequence_ = sequence;
  }
  {
    std::lock_guard<std::mutex> lock(tables_mu_);
    published_.publish(mem_, nullptr);  // may throw; then nothing changed
    imm_.reset();
  }
  published_.synchronize();  // gets have let go of imm: it is freed with `imm` below
  return delete_obsolete_segments(sequence + 1);
}

// Deletes oldest first: a crash part-way leaves a prefix of the obsolete
// segments deleted, never a hole in the middle of the log.
Status Store::Impl::delete_obsolete_segments(std::uint64_t keep_from_sequence) {
  auto names = fs_.list(wal_fd_);
  if (!names) return names.error();
  std::map<std::uint64_t, std::string> obsolete;
  for (const auto& name : *names) {
    std::uint64_t first = 0;
    if (wal::parse_segment_file_name(name, &first) && first < keep_from_sequence) obsolete.emplace(first, name);
  }
  for (const auto& [first, name] : obsolete) {
    if (Status s = fs_.unlink(wal_fd_, name); !s.ok()) return s;
    segments_deleted_ += 1;
  }
  return obsolete.empty() ? Status() : fs_.fsync(wal_fd_);
}

void Store::Impl::maybe_schedule_compaction() {
  if (options_.compaction_trigger == 0) return;
  if (log_bytes_since_snapshot_.load(std::memory_order_relaxed) < options_.compaction_trigger) return;
  {
    std::lock_guard<std::mutex> lock(bg_mu_);
    if (bg_compact_wanted_) return;
    bg_compact_wanted_ = true;
  }
  bg_cv_.notify_all();
}

void Store::Impl::background_loop() {
  std::unique_lock<std::mutex> lock(bg_mu_);
  const auto interval = options_.sync_interval;
  while (!bg_stop_) {
    auto wanted = [this] { return bg_stop_ || bg_compact_wanted_; };
    bool woken = true;
    if (interval.count() > 0) woken = bg_cv_.wait_for(lock, interval, wanted);
    else bg_cv_.wait(lock, wanted);
    if (bg_stop_) break;
    if (bg_compact_wanted_) {
      bg_compact_wanted_ = false;
      lock.unlock();
      Status s = compact_and_notify(/*background=*/true);
      if (!s.ok()) notify_background_error(s);
      lock.lock();
      if (!s.ok()) bg_error_ = s;
    } else if (!woken) {
      lock.unlock();
      Status s = sync();
      if (!s.ok()) notify_background_error(s);
      lock.lock();
      if (!s.ok()) bg_error_ = s;
    }
  }
}

}  // namespace walkv
