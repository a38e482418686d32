// walkv — Statistics: counters of what a Store has done since it was opened,
// read with Store::statistics() (as RocksDB's Statistics / DB properties, but
// a fixed set of counters, always on).
//
// Thread-safety: Statistics is a plain value. Store::statistics() may be
// called from any thread at any time; it reads each counter atomically, so a
// snapshot taken while writes run may mix counters from slightly different
// moments (each counter is exact on its own; relations between two counters,
// e.g. frames_written vs. bytes_written, hold once the writes have returned).
//
// Counters start at zero when the store is opened (they are not persisted).
#pragma once

#include <cstdint>

namespace walkv {

struct Statistics {
  // ---- write path (group commit)
  // Bytes of frames written to the log (frame headers and padding included;
  // segment headers and preallocation excluded).
  std::uint64_t bytes_written = 0;
  // Frames written to the log: one per non-empty write batch.
  std::uint64_t frames_written = 0;
  // Groups committed by a group-commit leader: each is one write(2) of its
  // frames and/or one fdatasync (a group of only Durability::none writes
  // counts too; a compaction barrier does not).
  std::uint64_t group_commits = 0;
  // fdatasync calls the group commit made to acknowledge writes
  // (Durability::sync writes, Store::sync, close, Options::sync_interval),
  // failed ones included. fdatasyncs made internally when a segment is
  // created or rolled over are not counted.
  std::uint64_t fdatasyncs = 0;
  // Writers (write, put, remove, sync calls) acknowledged by those
  // fdatasyncs; synced_writers / fdatasyncs is the group-commit batching.
  std::uint64_t synced_writers = 0;
  // Write groups that had to wait while the log rolled over to a new
  // preallocated segment (create, fallocate, fdatasync, rename, directory
  // fsync) because the current one was full, and the time that took.
  std::uint64_t write_stalls = 0;
  std::uint64_t write_stall_ns = 0;

  // ---- compaction (background and Store::compact)
  // Compactions that completed (each fold of the memtable into the LMDB
  // snapshot, including ones that found nothing to fold).
  std::uint64_t compactions = 0;
  // Log bytes (as counted in bytes_written, plus what open replayed) that the
  // completed compactions folded into the snapshot.
  std::uint64_t bytes_compacted = 0;
  // Wall time spent in completed compactions, nanoseconds.
  std::uint64_t compaction_ns = 0;

  // ---- open
  // Log bytes replayed by open (RecoveryReport::bytes_replayed) and the time
  // the replay took (RecoveryReport::replay_ns).
  std::uint64_t replay_bytes = 0;
  std::uint64_t replay_ns = 0;

  // ---- state
  // True once an fdatasync (or an unrecoverable write) failed: the store
  // refuses every write until it is reopened.
  bool poisoned = false;

  // synced_writers / fdatasyncs, or 0 when there was no fdatasync.
  double mean_writers_per_fdatasync() const noexcept {
    return fdatasyncs == 0 ? 0.0 : static_cast<double>(synced_writers) / static_cast<double>(fdatasyncs);
  }
};

}  // namespace walkv
