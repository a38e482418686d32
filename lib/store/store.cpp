// walkv store — the public Store: write path (group commit), close.
#include <walkv/store.hpp>

#include <chrono>
#include <utility>

#include "store/apply.hpp"
#include "store/open_with.hpp"
#include "store/store_impl.hpp"
#include "wal/batch_codec.hpp"
#include "wal/format.hpp"

namespace walkv {

namespace {

// What a writer hands to the group-commit leader: its ops (applied to the
// memtable) and its frame, built in place — header space, then the payload —
// whose header the leader fills in once the sequence is known.
struct EncodedBatch {
  std::span<const wal::OpView> ops;
  std::string frame;
  std::uint32_t payload_length = 0;
  std::uint32_t payload_crc = 0;
  std::uint64_t sequence = 0;  // the frame's, once sealed

  void encode(std::span<const wal::OpView> batch_ops) {
    ops = batch_ops;
    frame.assign(wal::kFrameHeaderSize, '\0');
    wal::encode_ops_into(ops, frame);
    payload_length = static_cast<std::uint32_t>(frame.size() - wal::kFrameHeaderSize);
    frame.resize(wal::frame_size(payload_length));  // zero padding (none: the payload is whole words)
    payload_crc = wal::payload_crc({bytes() + wal::kFrameHeaderSize, payload_length});
  }
  void seal(std::uint64_t frame_sequence) noexcept {
    sequence = frame_sequence;
    wal::write_frame_header(bytes(), sequence, payload_length, payload_crc);
  }
  std::uint8_t* bytes() noexcept { return reinterpret_cast<std::uint8_t*>(frame.data()); }
};

// The group's frames, sealed with consecutive sequences from `sequence` on
// (left at the one after the last): a lone writer's own frame as it is (no
// copy), several writers' frames concatenated into `joined`. The members wait
// for the leader, so it may fill in their frames' headers.
const std::string& seal_frames(std::span<QueuedWriter* const> group, std::uint64_t& sequence, std::string& joined) {
  EncodedBatch* lone = nullptr;
  std::size_t writes = 0;
  std::size_t total = 0;
  for (QueuedWriter* w : group) {
    if (w->kind != QueuedWriter::Kind::write) continue;
    lone = static_cast<EncodedBatch*>(w->payload);
    lone->seal(sequence++);
    writes += 1;
    total += w->bytes;
  }
  if (writes == 1) return lone->frame;
  joined.reserve(total);
  for (const QueuedWriter* w : group)
    if (w->kind == QueuedWriter::Kind::write) joined += static_cast<const EncodedBatch*>(w->payload)->frame;
  return joined;
}

Status not_supported_read_only(const std::string& dir) {
  return Status(Code::not_supported, "store " + dir + " is open read-only");
}

}  // namespace

Store::Impl::Impl(io::FileSystem& fs, Options options) : fs_(fs), options_(std::move(options)) {}

Store::Impl::~Impl() { close(); }

// ---------------------------------------------------------------- writes

Status Store::Impl::validate(std::span<const wal::OpView> ops) const {
  std::size_t bytes = 0;
  for (const wal::OpView& op : ops) bytes += op.key.size() + op.value.size();  // as WriteBatch::byte_size
  if (bytes > options_.max_batch_size)
    return Status(Code::invalid_argument, "write batch of " + std::to_string(bytes) +
                                              " bytes exceeds max_batch_size " +
                                              std::to_string(options_.max_batch_size));
  for (const wal::OpView& op : ops) {
    if (op.kind != WriteBatch::Kind::remove_prefix && op.key.empty())
      return Status(Code::invalid_argument, "empty key");
    if (op.key.size() > options_.max_key_size)
      return Status(Code::invalid_argument, "key of " + std::to_string(op.key.size()) +
                                                " bytes exceeds max_key_size " +
                                                std::to_string(options_.max_key_size));
    if (op.value.size() > options_.max_value_size)
      return Status(Code::invalid_argument, "value of " + std::to_string(op.value.size()) +
                                                " bytes exceeds max_value_size " +
                                                std::to_string(options_.max_value_size));
  }
  return Status();
}

Status Store::Impl::write(const WriteOptions& wo, std::span<const wal::OpView> ops) {
  if (read_only_) return not_supported_read_only(dir_);
  if (closed_) return Status(Code::invalid_argument, "store " + dir_ + " is closed");
  if (Status s = validate(ops); !s.ok()) return s;
  if (poisoned_.load(std::memory_order_acquire)) return poisoned_status();

  // Encode and checksum outside the queue: the leader only frames and writes.
  EncodedBatch encoded;
  QueuedWriter w;
  w.sync = wo.durability == Durability::sync;
  if (ops.empty()) {
    w.kind = QueuedWriter::Kind::sync_only;
  } else {
    encoded.encode(ops);
    w.bytes = encoded.frame.size();
    w.payload = &encoded;
  }
  if (ops.empty() && !w.sync) return Status();
  Status s = join_queue(w);
  if (!s.ok()) notify_poisoned();
  return s;
}

Status Store::Impl::sync() {
  if (read_only_) return not_supported_read_only(dir_);
  if (poisoned_.load(std::memory_order_acquire)) return poisoned_status();
  QueuedWriter w;
  w.kind = QueuedWriter::Kind::sync_only;
  w.sync = true;
  Status s = join_queue(w);
  if (!s.ok()) notify_poisoned();
  return s;
}

Status Store::Impl::commit_group(std::span<QueuedWriter* const> group) {
  if (poisoned_.load(std::memory_order_acquire)) return poisoned_status();
  if (group.front()->kind == QueuedWriter::Kind::barrier) return rotate_memtable();
  bool sync = false;
  for (const QueuedWriter* w : group) sync = sync || w->sync;
  return commit_frames(group, sync);
}

Status Store::Impl::commit_frames(std::span<QueuedWriter* const> group, bool sync) {
  const std::uint64_t first = next_sequence_;
  std::uint64_t sequence = first;
  std::string joined;
  const std::string& frames = seal_frames(group, sequence, joined);
  if (!frames.empty()) {
    const std::uint64_t segment_before = log_->current_first_sequence();
    const auto started = std::chrono::steady_clock::now();
    Status s = log_->append(frames, first, sync ? wal::LogWriter::Flush::next : wal::LogWriter::Flush::later);
    if (s.code() == Code::poisoned) poison(s);
    if (!s.ok()) return s;
    if (log_->current_first_sequence() != segment_before) counters_.write_stalled(nanoseconds_since(started));
  }
  if (sync) {
    counters_.fdatasync_attempted(group.size());
    if (Status s = log_->sync(); !s.ok()) {
      // Not poisoned: the remains of an earlier failed append could not be
      // removed yet (no space); nothing was synced, and this group wrote nothing.
      if (s.code() != Code::poisoned && frames.empty()) return s;
      poison(s);
      return poisoned_status();
    }
  }
  counters_.group_committed(sequence - first, frames.size());
  next_sequence_ = sequence;
  return Status();
}

// Applies in sequence order (GroupCommit runs one publish at a time, in queue
// order); readers see the batch only once it is written (and, for sync
// writes, durable).
void Store::Impl::publish_group(std::span<QueuedWriter* const> group) {
  std::shared_ptr<MemTable> mem = tables().mem;
  std::uint64_t last = 0;
  std::uint64_t bytes = 0;
  for (const QueuedWriter* w : group) {
    if (w->kind != QueuedWriter::Kind::write) continue;
    const auto* batch = static_cast<const EncodedBatch*>(w->payload);
    for (const wal::OpView& op : batch->ops) apply_op(*mem, op.kind, op.key, op.value);
    last = batch->sequence;
    bytes += w->bytes;
  }
  if (last == 0) return;  // sync-only: nothing new to see
  last_sequence_.store(last, std::memory_order_release);
  log_bytes_since_snapshot_.fetch_add(bytes, std::memory_order_relaxed);
  maybe_schedule_compaction();
}

Status Store::Impl::join_queue(QueuedWriter& w) {
  return queue_.join(
      w, [this](std::span<QueuedWriter* const> group) { return commit_group(group); },
      [this](std::span<QueuedWriter* const> group) { publish_group(group); });
}

void Store::Impl::poison(const Status& cause) {
  std::lock_guard<std::mutex> lock(poison_mu_);
  if (poisoned_.load()) return;
  poison_ = Status(Code::poisoned, "store " + dir_ + " is poisoned and refuses writes until reopened: " +
                                       cause.to_string());
  poisoned_.store(true, std::memory_order_release);
  poison_notify_pending_.store(true, std::memory_order_release);
}

void Store::Impl::notify_poisoned() {
  if (!poison_notify_pending_.exchange(false, std::memory_order_acq_rel)) return;
  if (options_.listener) options_.listener->on_store_poisoned(poisoned_status());
}

void Store::Impl::notify_background_error(const Status& error) {
  if (options_.listener) options_.listener->on_background_error(error);
}

Statistics Store::Impl::statistics() const noexcept {
  return counters_.snapshot(poisoned_.load(std::memory_order_acquire));
}

Status Store::Impl::poisoned_status() const {
  std::lock_guard<std::mutex> lock(poison_mu_);
  return poison_;
}

// ---------------------------------------------------------------- close

Status Store::Impl::close() {
  if (closed_) return Status();
  closed_ = true;
  {
    std::lock_guard<std::mutex> lock(bg_mu_);
    bg_stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_thread_.joinable()) bg_thread_.join();

  // A poisoned store cannot make its unsynced writes durable: say so.
  Status first = poisoned_.load() ? poisoned_status() : Status();
  if (log_ && !poisoned_.load()) {
    QueuedWriter w;
    w.kind = QueuedWriter::Kind::sync_only;
    w.sync = true;
    first = join_queue(w);
  }
  notify_poisoned();
  log_.reset();
  snapshot_.reset();
  if (wal_fd_ >= 0) fs_.close(wal_fd_);
  if (root_fd_ >= 0) fs_.close(root_fd_);
  wal_fd_ = root_fd_ = -1;
  if (lock_) lock_->release();
  return first;
}

// ---------------------------------------------------------------- Store

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> open_store_with(io::FileSystem& fs, const std::string& dir, const Options& options,
                                               bool read_only) {
  auto impl = std::make_unique<Store::Impl>(fs, options);
  if (Status s = impl->open(dir, read_only); !s.ok()) return error(std::move(s));
  impl->counters_.replayed(impl->report_.bytes_replayed, impl->report_.replay_ns);
  if (options.listener) options.listener->on_recovery_done(impl->report_);
  return std::make_unique<Store>(std::move(impl));
}

Result<std::unique_ptr<Store>> Store::open(const std::string& dir, const Options& options) {
  return open_store_with(io::posix_fs(), dir, options, /*read_only=*/false);
}

Result<std::unique_ptr<Store>> Store::open_read_only(const std::string& dir, const Options& options) {
  return open_store_with(io::posix_fs(), dir, options, /*read_only=*/true);
}

// Single ops go to the write path by reference: no WriteBatch copy of the value.
Status Store::put(const WriteOptions& wo, std::string_view key, std::string_view value) {
  const wal::OpView op{WriteBatch::Kind::put, key, value};
  return impl_->write(wo, {&op, 1});
}

Status Store::remove(const WriteOptions& wo, std::string_view key) {
  const wal::OpView op{WriteBatch::Kind::remove, key, {}};
  return impl_->write(wo, {&op, 1});
}

Status Store::remove_prefix(const WriteOptions& wo, std::string_view prefix) {
  const wal::OpView op{WriteBatch::Kind::remove_prefix, prefix, {}};
  return impl_->write(wo, {&op, 1});
}

Status Store::write(const WriteOptions& wo, const WriteBatch& batch) {
  return impl_->write(wo, wal::op_views(batch));
}
Result<std::optional<std::string>> Store::get(std::string_view key) const { return impl_->get(key); }
Result<bool> Store::get(std::string_view key, std::string& value) const { return impl_->get(key, value); }
Status Store::scan(std::string_view prefix,
                   const std::function<bool(std::string_view, std::string_view)>& visit) const {
  return impl_->scan(prefix, visit, {});
}
Status Store::scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& visit,
                   const DamagedFn& on_damaged) const {
  return impl_->scan(prefix, visit, on_damaged);
}
Status Store::sync() { return impl_->sync(); }
Status Store::compact() { return impl_->compact(); }
Status Store::close() { return impl_->close(); }
const RecoveryReport& Store::recovery_report() const noexcept { return impl_->report_; }
Statistics Store::statistics() const noexcept { return impl_->statistics(); }
std::uint64_t Store::open_epoch() const noexcept { return impl_->open_epoch_; }
std::uint64_t Store::last_sequence() const noexcept {
  return impl_->last_sequence_.load(std::memory_order_acquire);
}
bool Store::read_only() const noexcept { return impl_->read_only_; }
const std::string& Store::directory() const noexcept { return impl_->dir_; }

}  // namespace walkv
