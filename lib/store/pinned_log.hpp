// walkv store — PinnedLog: a store's log pinned (PinnedLogFs) together with
// the snapshot meta read *after* the pinning, and whether a process holds the
// store: the consistent starting point of check_log, dump_log and
// store_statistics (include/walkv/check.hpp).
//
// Thread-safety: one PinnedLog is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <walkv/status.hpp>

#include "snapshot/snapshot.hpp"
#include "store/pinned_log_fs.hpp"
#include "store/store_lock.hpp"
#include "wal/log_reader.hpp"

namespace walkv {

struct PinnedLog {
  std::unique_ptr<PinnedLogFs> fs;
  int wal_fd = -1;               // wal/, opened through fs (so its list() is the pinned one)
  SnapshotMeta meta;
  SnapshotStats snapshot_stats;  // filled when asked for
  StoreLock::Holder holder;

  PinnedLog() = default;
  PinnedLog(const PinnedLog&) = delete;
  PinnedLog& operator=(const PinnedLog&) = delete;
  ~PinnedLog();
};

// Pins the log of the store in `dir`, then reads the snapshot's meta (and its
// statistics when `with_stats`) and probes the lock. Errors: not_found (not a
// store), io_error, corruption / version_mismatch (LMDB).
Result<std::unique_ptr<PinnedLog>> pin_log(const std::string& dir, bool with_stats = false);

// A FrameSink wrapper that calls progress every 4096 frames (when set).
wal::FrameSink with_progress(const wal::FrameSink& sink, const std::function<void(std::uint64_t)>& progress);

}  // namespace walkv
