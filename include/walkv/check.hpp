// walkv — store inspection and repair, the library side of walkv-replay and
// walkv-compact (the checker lives in the library, as in libmdbx).
//
// Thread-safety: the functions are reentrant. check_log and store_sizes take
// no lock and change nothing, so they work while another process holds the
// store; repair_log takes the store's lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <walkv/recovery.hpp>
#include <walkv/status.hpp>

namespace walkv {

// True when `dir` looks like a walkv store (has snapshot/ and wal/).
bool is_store(const std::string& dir);

struct LogCheck {
  RecoveryReport report;        // what open's recovery would do (nothing is changed)
  bool torn_tail = false;       // the last segment ends with a torn frame
  bool corrupt = false;         // damage other than a torn tail was found
  bool locked = false;          // another process holds the store right now
  std::uint64_t holder_pid = 0; // its pid when locked (from LOCK), else 0
  std::uint64_t open_epoch = 0; // the snapshot's open epoch
};

// Verifies every frame of every segment of the store in `dir` (mode
// skip_corrupted internally, so that every damaged place is reported).
// Errors: not_found (not a store), io_error, version_mismatch.
Result<LogCheck> check_log(const std::string& dir);

// Applies recovery `mode` to the log on disk and closes the store again:
// a torn tail is cut off, and for point_in_time / skip_corrupted damaged
// frames are cut or skipped. Before changing a segment, copies it to
// "wal/<segment>.broken" (fdatasync'd, directory fsync'd). Idempotent: running
// it twice changes nothing the second time. Errors: locked, corruption (mode
// refuses what it found), io_error.
Result<RecoveryReport> repair_log(const std::string& dir,
                                  RecoveryMode mode = RecoveryMode::tolerate_corrupted_tail);

struct StoreSizes {
  std::uint64_t wal_bytes = 0;        // sum of segment file sizes (allocated length)
  std::uint64_t wal_segments = 0;
  std::uint64_t snapshot_bytes = 0;   // data.mdb file size
  std::uint64_t total() const noexcept { return wal_bytes + snapshot_bytes; }
};
Result<StoreSizes> store_sizes(const std::string& dir);

}  // namespace walkv
