// walkv store — the checker and repair behind walkv-replay / walkv-compact.
#include <walkv/check.hpp>
#include <walkv/store.hpp>

#include <sys/stat.h>

#include <string>

#include "io/fs.hpp"
#include "snapshot/snapshot.hpp"
#include "store/log_bounds.hpp"
#include "store/open_with.hpp"
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

Result<LogCheck> check_log(const std::string& dir) {
  if (!is_store(dir)) return error(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
  io::FileSystem& fs = io::posix_fs();
  auto root = fs.open_root(dir);
  if (!root) return error(root.error());
  FdGuard root_guard{fs, *root};
  auto wal_fd = fs.open_dir(*root, "wal", false);
  if (!wal_fd) return error(wal_fd.error());
  FdGuard wal_guard{fs, *wal_fd};

  auto snapshot = Snapshot::open(dir + "/snapshot", Snapshot::Mode::read_only, 0);
  if (!snapshot) return error(snapshot.error());
  auto meta = (*snapshot)->meta();
  if (!meta) return error(meta.error());

  LogCheck check;
  check.open_epoch = meta->open_epoch;
  auto holder = StoreLock::probe(fs, *root);
  if (!holder) return error(holder.error());
  check.locked = holder->locked;
  check.holder_pid = holder->pid;

  wal::ScanOptions options;
  options.mode = RecoveryMode::skip_corrupted;  // report every damaged place
  options.after_sequence = meta->applied_sequence;
  std::vector<Corruption> malformed;
  auto scan = wal::scan_log(fs, *wal_fd, meta->store_id, options,
                            [&](std::uint64_t sequence, std::span<const std::uint8_t> payload) {
                              Status s = wal::decode_batch(payload, [](WriteBatch::Kind, std::string_view,
                                                                       std::string_view) {});
                              if (!s.ok())
                                malformed.push_back(Corruption{"wal", 0,
                                                               "sequence " + std::to_string(sequence) + ": " +
                                                                   s.message(),
                                                               false});
                              return Status();
                            });
  if (!scan) return error(scan.error());
  check.report = scan->report;
  check.report.snapshot_sequence = meta->applied_sequence;
  for (auto& c : malformed) check.report.corruptions.push_back(std::move(c));
  if (Status s = check_log_bounds(*scan, meta->applied_sequence, dir); !s.ok())
    check.report.corruptions.push_back(Corruption{"wal", 0, s.message(), false});
  check.torn_tail = scan->torn_tail;
  for (const auto& c : check.report.corruptions)
    if (!c.torn_tail) check.corrupt = true;
  return check;
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

}  // namespace walkv
