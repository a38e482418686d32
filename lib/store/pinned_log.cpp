// walkv store — PinnedLog (lib/store/pinned_log.hpp).
#include "store/pinned_log.hpp"

#include <walkv/check.hpp>

#include <memory>
#include <string>

namespace walkv {

PinnedLog::~PinnedLog() {
  if (wal_fd >= 0) fs->close(wal_fd);
}

Result<std::unique_ptr<PinnedLog>> pin_log(const std::string& dir, bool with_stats) {
  if (!is_store(dir)) return error(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
  auto log = std::make_unique<PinnedLog>();
  auto fs = PinnedLogFs::pin(dir);  // first the segments ...
  if (!fs) return error(fs.error());
  log->fs = std::move(*fs);
  auto root = log->fs->open_root(dir);
  if (!root) return error(root.error());
  auto wal = log->fs->open_dir(*root, "wal", /*create=*/false);
  auto holder = StoreLock::probe(*log->fs, *root);
  log->fs->close(*root);
  if (!wal) return error(wal.error());
  log->wal_fd = *wal;
  if (!holder) return error(holder.error());
  log->holder = *holder;

  // ... then the snapshot: its applied sequence covers every segment deleted before the pinning.
  auto snapshot = Snapshot::open(dir + "/snapshot", Snapshot::Mode::read_only, 0);
  if (!snapshot) return error(snapshot.error());
  auto meta = (*snapshot)->meta();
  if (!meta) return error(meta.error());
  // A newer layout would read as damage: refuse it, as open does.
  if (Status s = refuse_newer_format(*meta, dir); !s.ok()) return error(std::move(s));
  log->meta = *meta;
  if (with_stats) {
    auto stats = (*snapshot)->stats();
    if (!stats) return error(stats.error());
    log->snapshot_stats = *stats;
  }
  return log;
}

wal::FrameSink with_progress(const wal::FrameSink& sink, const std::function<void(std::uint64_t)>& progress) {
  if (!progress) return sink;
  auto frames = std::make_shared<std::uint64_t>(0);
  return [sink, progress, frames](std::uint64_t sequence, std::span<const std::uint8_t> payload) {
    if (++*frames % 4096 == 0) progress(*frames);
    return sink(sequence, payload);
  };
}

}  // namespace walkv
