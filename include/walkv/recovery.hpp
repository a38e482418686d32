// walkv — recovery modes and the recovery report returned by Store::open and
// by the log checker (walkv-replay).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace walkv {

// What open does when the log is damaged. Same semantics as RocksDB's
// WALRecoveryMode values of the same names.
enum class RecoveryMode {
  // Default. A torn last frame (a frame of the last segment that runs past the
  // end of the file or contains an all-zero 512-byte sector) is cut off: its
  // bytes are zeroed on disk and counted in bytes_truncated. Any other damage
  // (checksum mismatch, bad length, sequence gap, missing segment) refuses the
  // open with Code::corruption naming the segment file and byte offset.
  // As RocksDB's kTolerateCorruptedTailRecords.
  tolerate_corrupted_tail,
  // Any damage, a torn tail included, refuses the open. As RocksDB's
  // kAbsoluteConsistency.
  absolute_consistency,
  // Replay stops at the first damaged frame, wherever it is; everything after it
  // (later segments too) is discarded and reported. The store is then a
  // consistent prefix of the write order. As RocksDB's kPointInTimeRecovery.
  point_in_time,
  // Damaged frames are skipped and reported; replay continues after them.
  // May apply later batches without earlier ones (holes). Use only to salvage.
  // As RocksDB's kSkipAnyCorruptedRecords.
  skip_corrupted,
};

// Stable lower-case name of a mode ("tolerate_corrupted_tail", ...).
const char* recovery_mode_name(RecoveryMode mode) noexcept;

// One damaged place in the log.
struct Corruption {
  std::string segment;   // segment file name relative to the store, e.g. "wal/0000000000000001.wal"
  std::uint64_t offset;  // byte offset of the damaged frame (or header) in that file
  std::string reason;    // e.g. "checksum mismatch", "torn write: frame runs past end of file"
  bool torn_tail;        // true when this is a torn last frame rather than corruption
};

struct RecoveryReport {
  std::uint64_t segments = 0;          // segment files examined
  std::uint64_t frames = 0;            // valid frames read (replayed or skipped as already applied)
  std::uint64_t frames_replayed = 0;   // frames applied to the memtable (sequence > snapshot's)
  std::uint64_t bytes_replayed = 0;    // bytes of the frames applied, headers included
  std::uint64_t snapshot_sequence = 0; // applied sequence recorded in the snapshot
  std::uint64_t last_sequence = 0;     // last sequence number after recovery
  std::uint64_t bytes_truncated = 0;   // bytes cut off as a torn tail (or discarded by point_in_time)
  std::uint64_t replay_ns = 0;         // wall time of the log replay, nanoseconds
  std::vector<Corruption> corruptions; // torn tail and corruption found, in log order
};

}  // namespace walkv
