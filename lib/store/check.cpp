// walkv store — the checker and repair behind walkv-replay / walkv-compact.
#include <walkv/check.hpp>
#include <walkv/store.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <string>

#include "io/fs.hpp"
#include "snapshot/snapshot.hpp"
#include "store/log_bounds.hpp"
#include "store/open_with.hpp"
#include "store/pinned_log.hpp"
#include "store/store_lock.hpp"
#include "wal/batch_codec.hpp"
#include "wal/log_reader.hpp"

namespace walkv {

namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Closes a descriptor of the io layer when the scope ends.
struct FdGuard {
  io::FileSystem& fs;
  int fd;
  ~FdGuard() {
    if (fd >= 0) fs.close(fd);
  }
};

Result<std::uint64_t> file_size(io::FileSystem& fs, int dir_fd, const std::string& name) {
  auto fd = fs.open_file(dir_fd, name, io::OpenMode::read_only);
  if (!fd) return error(fd.error());
  FdGuard guard{fs, *fd};
  return fs.file_size(*fd);
}

}  // namespace

bool is_store(const std::string& dir) { return is_directory(dir + "/snapshot") && is_directory(dir + "/wal"); }

namespace {

// The damage a check reports beyond scan_log's: malformed batches, and a log
// that does not fit the snapshot (missing segments, snapshot ahead).
LogCheck check_of(const wal::ScanResult& scan, const PinnedLog& log, std::vector<Corruption> malformed,
                  const std::string& dir) {
  LogCheck check;
  check.open_epoch = log.meta.open_epoch;
  check.locked = log.holder.locked;
  check.holder_pid = log.holder.pid;
  check.report = scan.report;
  check.report.snapshot_sequence = log.meta.applied_sequence;
  for (auto& c : malformed) check.report.corruptions.push_back(std::move(c));
  if (Status s = check_log_bounds(scan, log.meta.applied_sequence, dir); !s.ok())
    check.report.corruptions.push_back(Corruption{"wal", 0, s.message(), false});
  check.torn_tail = scan.torn_tail;
  for (const auto& c : check.report.corruptions)
    if (!c.torn_tail) check.corrupt = true;
  return check;
}

// `segments`, when given, receives what the scan found of every segment.
Result<LogCheck> check_pinned(const std::string& dir, const PinnedLog& log, const ProgressFn& progress,
                              std::vector<wal::SegmentInfo>* segments = nullptr) {
  wal::ScanOptions options;
  options.mode = RecoveryMode::skip_corrupted;  // report every damaged place
  options.after_sequence = log.meta.applied_sequence;
  std::vector<Corruption> malformed;
  wal::FramePosition position;
  options.position = &position;
  wal::FrameSink sink = [&](std::uint64_t sequence, std::span<const std::uint8_t> payload) {
    Status s = wal::decode_batch(payload, [](WriteBatch::Kind, std::string_view, std::string_view) {});
    if (!s.ok()) {
      malformed.push_back(Corruption{"wal/" + position.segment, position.offset,
                                     "sequence " + std::to_string(sequence) + ": " + s.message(), false});
    }
    return Status();
  };
  auto scan = wal::scan_log(*log.fs, log.wal_fd, log.meta.store_id, options, with_progress(sink, progress));
  if (!scan) return error(scan.error());
  if (segments != nullptr) *segments = scan->segments;
  return check_of(*scan, log, std::move(malformed), dir);
}

}  // namespace

Result<LogCheck> check_log(const std::string& dir, const ProgressFn& progress) {
  auto log = pin_log(dir);
  if (!log) return error(log.error());
  return check_pinned(dir, **log, progress);
}

Result<RecoveryReport> plan_repair(const std::string& dir, RecoveryMode mode) {
  auto log = pin_log(dir);
  if (!log) return error(log.error());
  wal::ScanOptions options;
  options.mode = mode;
  options.after_sequence = (*log)->meta.applied_sequence;
  auto scan = wal::scan_log(*(*log)->fs, (*log)->wal_fd, (*log)->meta.store_id, options,
                            [](std::uint64_t, std::span<const std::uint8_t> payload) {
                              return wal::decode_batch(payload, [](WriteBatch::Kind, std::string_view,
                                                                   std::string_view) {});
                            });
  if (!scan) return error(scan.error());
  const std::uint64_t applied = (*log)->meta.applied_sequence;
  if (mode != RecoveryMode::point_in_time || scan->segments.empty()) {
    if (Status s = check_log_bounds(*scan, applied, dir); !s.ok()) return error(s);
  }
  RecoveryReport report = scan->report;
  report.snapshot_sequence = applied;
  report.last_sequence = std::max(report.last_sequence, applied);
  return report;
}

Result<RecoveryReport> repair_log(const std::string& dir, RecoveryMode mode) {
  return repair_log_with(io::posix_fs(), dir, mode, Options{}.segment_size);
}

Result<RecoveryReport> repair_log_with(io::FileSystem& fs, const std::string& dir, RecoveryMode mode,
                                       std::uint64_t segment_size) {
  if (!is_store(dir)) return error(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
  Options options;
  options.create_if_missing = false;
  options.recovery_mode = mode;
  options.keep_broken_segments = true;
  options.compaction_trigger = 0;
  options.segment_size = segment_size;
  auto store = open_store_with(fs, dir, options);
  if (!store) return error(store.error());
  RecoveryReport report = (*store)->recovery_report();
  if (Status s = (*store)->close(); !s.ok()) return error(s);
  return report;
}

Result<StoreSizes> store_sizes(const std::string& dir) {
  if (!is_store(dir)) return error(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
  io::FileSystem& fs = io::posix_fs();
  auto root = fs.open_root(dir);
  if (!root) return error(root.error());
  FdGuard root_guard{fs, *root};
  auto wal_fd = fs.open_dir(*root, "wal", false);
  if (!wal_fd) return error(wal_fd.error());
  FdGuard wal_guard{fs, *wal_fd};
  StoreSizes sizes;
  auto names = fs.list(*wal_fd);
  if (!names) return error(names.error());
  for (const auto& name : *names) {
    std::uint64_t first = 0;
    if (!wal::parse_segment_file_name(name, &first)) continue;
    auto size = file_size(fs, *wal_fd, name);
    if (!size) return error(size.error());
    sizes.wal_bytes += *size;
    sizes.wal_segments += 1;
  }
  auto snapshot_dir = fs.open_dir(*root, "snapshot", false);
  if (!snapshot_dir) return error(snapshot_dir.error());
  FdGuard snapshot_guard{fs, *snapshot_dir};
  auto data = file_size(fs, *snapshot_dir, "data.mdb");
  if (data) sizes.snapshot_bytes = *data;
  else if (data.error().code() != Code::not_found) return error(data.error());
  return sizes;
}

namespace {

// Bytes of valid frames in the scanned segments.
std::uint64_t log_bytes(const std::vector<wal::SegmentInfo>& segments) {
  std::uint64_t bytes = 0;
  for (const auto& segment : segments)
    if (segment.end_offset > wal::kSegmentHeaderSize) bytes += segment.end_offset - wal::kSegmentHeaderSize;
  return bytes;
}

// The one place the internal SnapshotStats (LMDB's numbers) becomes the
// public StoreStatistics. Designated initializers: the compiler checks the
// names and their order, and -Wextra warns of a field left out.
StoreStatistics statistics_of(const PinnedLog& log, const StoreSizes& sizes,
                              const std::vector<wal::SegmentInfo>& segments, const LogCheck& check) {
  const SnapshotStats& lmdb = log.snapshot_stats;
  return StoreStatistics{.snapshot_bytes = sizes.snapshot_bytes,
                         .map_size = lmdb.map_size,
                         .used_bytes = lmdb.used_bytes,
                         .page_size = lmdb.page_size,
                         .depth = lmdb.depth,
                         .branch_pages = lmdb.branch_pages,
                         .leaf_pages = lmdb.leaf_pages,
                         .overflow_pages = lmdb.overflow_pages,
                         .entries = lmdb.entries,
                         .last_txnid = lmdb.last_txnid,
                         .applied_sequence = log.meta.applied_sequence,
                         .open_epoch = log.meta.open_epoch,
                         .wal_segments = sizes.wal_segments,
                         .wal_bytes = sizes.wal_bytes,
                         .log_bytes = log_bytes(segments),
                         .frames = check.report.frames,
                         .first_sequence = segments.empty() ? 0 : segments.front().first_sequence,
                         .last_sequence = check.report.last_sequence,
                         .frames_to_replay = check.report.frames_replayed,
                         .bytes_to_replay = check.report.bytes_replayed,
                         .locked = check.locked,
                         .holder_pid = check.holder_pid};
}

}  // namespace

Result<StoreStatistics> store_statistics(const std::string& dir) {
  auto sizes = store_sizes(dir);
  if (!sizes) return error(sizes.error());
  auto log = pin_log(dir, /*with_stats=*/true);
  if (!log) return error(log.error());
  std::vector<wal::SegmentInfo> segments;
  auto check = check_pinned(dir, **log, {}, &segments);
  if (!check) return error(check.error());
  return statistics_of(**log, *sizes, segments, *check);
}

}  // namespace walkv
