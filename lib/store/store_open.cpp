// walkv store — open: directories, lock, snapshot, log replay, writer start.
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>

#include "store/apply.hpp"
#include "store/log_bounds.hpp"
#include "store/store_impl.hpp"
#include "wal/batch_codec.hpp"
#include "wal/log_reader.hpp"

namespace walkv {

namespace {

constexpr std::uint64_t kMinSegmentSize = 64u << 10;
constexpr std::uint32_t kLmdbMaxKeySize = 511;

Result<wal::StoreId> random_store_id() {
  wal::StoreId id{};
  if (::getrandom(id.data(), id.size(), 0) != static_cast<ssize_t>(id.size()))
    return error(Code::io_error, "getrandom failed for the store id");
  return id;
}

bool is_segment_name(const std::string& name, std::uint64_t* first_sequence) {
  return wal::parse_segment_file_name(name, first_sequence);
}

Status fsync_parent_directory(io::FileSystem& fs, const std::string& dir) {
  std::string path = dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const std::string parent = std::filesystem::path(path).parent_path().string();
  auto fd = fs.open_root(parent.empty() ? std::string(".") : parent);
  if (!fd) return fd.error();
  Status s = fs.fsync(*fd);
  fs.close(*fd);
  return s;
}

Status fsync_directory(io::FileSystem& fs, int root_fd, const std::string& name) {
  auto fd = fs.open_dir(root_fd, name, /*create=*/false);
  if (!fd) return fd.error();
  Status s = fs.fsync(*fd);
  fs.close(*fd);
  return s;
}

// The first sequence of the oldest segment the log still needs: that of the
// last segment of the log starting at or before applied + 1 (0: none). Every
// earlier segment holds only sequences <= applied, which the snapshot has.
std::uint64_t oldest_needed_segment(const wal::ScanResult& scan, std::uint64_t applied) {
  std::uint64_t keep = 0;
  for (const wal::SegmentInfo& segment : scan.segments) {
    const auto& discarded = scan.discarded_segments;
    if (std::find(discarded.begin(), discarded.end(), segment.name) != discarded.end()) continue;
    if (segment.first_sequence <= applied + 1) keep = std::max(keep, segment.first_sequence);
  }
  return keep;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status Store::Impl::open(const std::string& dir, bool read_only) {
  read_only_ = read_only;
  if (options_.segment_size < kMinSegmentSize)
    return Status(Code::invalid_argument, "segment_size below 64 KiB");
  if (options_.max_key_size == 0 || options_.max_key_size > kLmdbMaxKeySize)
    return Status(Code::invalid_argument, "max_key_size must be 1..511 (LMDB's key limit)");
  if (Status s = open_directories(dir, read_only); !s.ok()) return s;
  bool fresh = false;
  if (Status s = open_snapshot(read_only, &fresh); !s.ok()) return s;
  if (Status s = recover_log(read_only); !s.ok()) return s;
  if (read_only) return Status();

  open_epoch_ += 1;
  if (Status s = snapshot_->set_open_epoch(open_epoch_); !s.ok()) return s;
  bg_thread_ = std::thread([this] { background_loop(); });

  // Salvage modes that skipped damage mid-log fold what they kept into the
  // snapshot now, so the damaged segments are deleted and the next open in
  // the default mode finds a clean log.
  const bool damaged_mid_log = [&] {
    for (const auto& c : report_.corruptions)
      if (!c.torn_tail) return true;
    return false;
  }();
  if (damaged_mid_log && options_.recovery_mode == RecoveryMode::skip_corrupted) return compact();
  return Status();
}

Status Store::Impl::open_directories(const std::string& dir, bool read_only) {
  auto root = fs_.open_root(dir);
  if (!root && root.error().code() == Code::not_found && !read_only && options_.create_if_missing) {
    auto made = fs_.open_dir(AT_FDCWD, dir, /*create=*/true);
    if (!made) return made.error();
    fs_.close(*made);
    root = fs_.open_root(dir);
  }
  if (!root) {
    if (root.error().code() == Code::not_found)
      return Status(Code::not_found, "no walkv store at " + dir);
    return root.error();
  }
  root_fd_ = *root;
  char resolved[PATH_MAX];
  dir_ = ::realpath(dir.c_str(), resolved) ? std::string(resolved) : dir;

  if (!read_only) {
    auto lock = StoreLock::acquire(fs_, root_fd_, dir_);
    if (!lock) return lock.error();
    lock_.emplace(std::move(*lock));
  }

  auto has_snapshot = fs_.exists(root_fd_, "snapshot");
  if (!has_snapshot) return has_snapshot.error();
  if (*has_snapshot && options_.error_if_exists && !read_only)
    return Status(Code::invalid_argument, "store " + dir_ + " already exists (error_if_exists)");
  if (!*has_snapshot && (read_only || !options_.create_if_missing))
    return Status(Code::not_found, "no walkv store at " + dir_ + " (snapshot/ missing)");

  auto wal = fs_.open_dir(root_fd_, "wal", /*create=*/!read_only);
  if (!wal) {
    if (wal.error().code() == Code::not_found)
      return Status(Code::not_found, "no walkv store at " + dir_ + " (wal/ missing)");
    return wal.error();
  }
  wal_fd_ = *wal;
  if (!read_only) {
    auto snap = fs_.open_dir(root_fd_, "snapshot", /*create=*/true);
    if (!snap) return snap.error();
    fs_.close(*snap);
    if (Status s = fs_.fsync(root_fd_); !s.ok()) return s;
  }
  return Status();
}

Status Store::Impl::open_snapshot(bool read_only, bool* fresh) {
  // Relative to the store's directory descriptor: a symlink at snapshot/ or at
  // LMDB's files is refused, never followed.
  auto snap = Snapshot::open_at(root_fd_, dir_, "snapshot",
                                read_only ? Snapshot::Mode::read_only : Snapshot::Mode::read_write,
                                options_.initial_map_size);
  if (!snap) return snap.error();
  snapshot_ = std::move(*snap);
  auto initialized = snapshot_->initialized();
  if (!initialized) return initialized.error();
  if (!*initialized) {
    if (read_only) return Status(Code::not_found, "store " + dir_ + " was never initialised");
    // A store whose creation crashed before the snapshot meta was written has
    // no segment yet; segments without a snapshot mean the snapshot was lost.
    auto names = fs_.list(wal_fd_);
    if (!names) return names.error();
    for (const auto& name : *names) {
      std::uint64_t first = 0;
      if (is_segment_name(name, &first))
        return Status(Code::corruption, "store " + dir_ + ": wal/" + name +
                                            " exists but the snapshot has no store id "
                                            "(log ahead of a missing snapshot)");
    }
    // A new store: make the directory entries that lead to it durable before
    // it is initialised, so that a failure here is retried by the next open:
    // the store directory in its parent, and LMDB's files in snapshot/ (LMDB
    // never fsyncs a directory; Snapshot does so only when it creates
    // data.mdb, not when a later open finds it).
    if (Status s = fsync_parent_directory(fs_, dir_); !s.ok()) return s;
    if (Status s = fsync_directory(fs_, root_fd_, "snapshot"); !s.ok()) return s;
    auto id = random_store_id();
    if (!id) return id.error();
    if (Status s = snapshot_->initialize(*id); !s.ok()) return s;
    *fresh = true;
  }
  auto meta = snapshot_->meta();
  if (!meta) return meta.error();
  if (Status s = refuse_newer_format(*meta, dir_); !s.ok()) return s;
  store_id_ = meta->store_id;
  applied_sequence_ = meta->applied_sequence;
  open_epoch_ = meta->open_epoch;
  return Status();
}

Status Store::Impl::remove_temporary_files() {
  auto names = fs_.list(wal_fd_);
  if (!names) return names.error();
  bool removed = false;
  for (const auto& name : *names) {
    if (!ends_with(name, ".tmp")) continue;
    if (Status s = fs_.unlink(wal_fd_, name); !s.ok()) return s;
    removed = true;
  }
  return removed ? fs_.fsync(wal_fd_) : Status();
}

Status Store::Impl::recover_log(bool read_only) {
  if (!read_only) {
    if (Status s = remove_temporary_files(); !s.ok()) return s;
  }
  mem_ = std::make_shared<MemTable>();
  published_.publish(mem_, nullptr);
  wal::ScanOptions scan_options;
  // A read-only view must not fail on a live writer's half-written tail: it
  // stops at the first damage and shows the consistent prefix before it.
  scan_options.mode = read_only ? RecoveryMode::point_in_time : options_.recovery_mode;
  scan_options.after_sequence = applied_sequence_;
  // No other thread reaches mem_ before open returns (the background thread
  // starts after recovery), so the replay may rewrite its versions in place.
  MemTable& mem = *mem_;
  auto scan = wal::scan_log(fs_, wal_fd_, store_id_, scan_options,
                            [&mem](std::uint64_t, std::span<const std::uint8_t> payload) {
                              return wal::decode_batch(payload, [&mem](WriteBatch::Kind kind, std::string_view key,
                                                                       std::string_view value) {
                                apply_replayed_op(mem, kind, key, value);
                              });
                            });
  if (!scan) return scan.error();
  report_ = scan->report;
  report_.snapshot_sequence = applied_sequence_;

  // point_in_time may legitimately stop before the snapshot's sequence.
  if (options_.recovery_mode != RecoveryMode::point_in_time || scan->segments.empty()) {
    if (Status s = check_log_bounds(*scan, applied_sequence_, dir_); !s.ok()) return s;
  }
  const std::uint64_t last = std::max(report_.last_sequence, applied_sequence_);
  report_.last_sequence = last;
  last_sequence_.store(last);
  next_sequence_ = last + 1;
  log_bytes_since_snapshot_.store(report_.bytes_replayed);
  if (read_only) return Status();

  if (Status s = prepare_log_tail(*scan); !s.ok()) return s;
  // A crash between a compaction's snapshot commit and its deletion of the
  // segments that made obsolete leaves them behind: they go now (oldest
  // first, then an fsync of wal/), as the compaction would have done.
  if (const std::uint64_t keep = oldest_needed_segment(*scan, applied_sequence_); keep > 0) {
    if (Status s = delete_obsolete_segments(keep); !s.ok()) return s;
  }
  wal::AppendPosition pos = scan->append;
  if (!pos.has_segment) pos.next_sequence = next_sequence_;
  pos.next_sequence = next_sequence_;
  return start_writer(pos);
}

// Makes the log end exactly where recovery stopped: cuts the tail of the
// segment appends continue in, and removes any later segment (point-in-time
// discards, stale segments). Segments are copied to .broken first when asked.
Status Store::Impl::prepare_log_tail(const wal::ScanResult& scan) {
  if (report_.corruptions.empty() || !scan.append.has_segment) return Status();
  std::vector<std::string> later;
  auto names = fs_.list(wal_fd_);
  if (!names) return names.error();
  for (const auto& name : *names) {
    std::uint64_t first = 0;
    if (is_segment_name(name, &first) && first > scan.append.segment_first_sequence) later.push_back(name);
  }
  // Back up the append segment only when damaged bytes follow the append
  // position: after a repair that crashed past its truncation, the segment is
  // clean and its .broken copy (made before the truncation) must not be
  // replaced by the clean bytes.
  if (options_.keep_broken_segments && scan.torn_tail) {
    if (Status s = backup_segment(scan.append.segment_name); !s.ok()) return s;
  }
  auto fd = fs_.open_file(wal_fd_, scan.append.segment_name, io::OpenMode::read_write);
  if (!fd) return fd.error();
  Status s = fs_.ftruncate(*fd, scan.append.offset);
  if (s.ok()) s = fs_.fsync(*fd);
  fs_.close(*fd);
  if (!s.ok()) return s;
  for (const auto& name : later) {
    s = options_.keep_broken_segments ? fs_.rename(wal_fd_, name, name + ".broken") : fs_.unlink(wal_fd_, name);
    if (!s.ok()) return s;
  }
  return later.empty() ? Status() : fs_.fsync(wal_fd_);
}

Status Store::Impl::backup_segment(const std::string& name) {
  auto data = io::read_file(fs_, wal_fd_, name);
  if (!data) return data.error();
  return io::write_file_atomic(fs_, wal_fd_, name + ".broken", *data);
}

Status Store::Impl::start_writer(const wal::AppendPosition& pos) {
  auto writer = wal::LogWriter::open(fs_, wal_fd_, store_id_, options_.segment_size, pos);
  if (!writer) return writer.error();
  log_ = std::move(*writer);
  return Status();
}

}  // namespace walkv
