// walkv — store inspection and repair, the library side of walkv-replay and
// walkv-compact (the checker lives in the library, as in libmdbx; the
// compacting copy is LMDB's mdb_env_copy2 with MDB_CP_COMPACT, as mdb_copy -c).
//
// Thread-safety: the functions are reentrant. check_log, check_snapshot,
// dump_log, read_point_in_time, store_statistics, store_sizes and
// copy_compact_snapshot without swap take no lock and change nothing in the
// store, so they work while another process holds it; repair_log and a
// swapping copy_compact_snapshot take the store's lock.
//
// Point-in-time reads of a live store: the readers here first open every
// segment listed in wal/, then open the LMDB snapshot, then read the pinned
// segments only up to the last complete frame. Segments a compaction deletes
// afterwards stay readable through the open descriptors, and segments deleted
// before the listing held only sequences the snapshot already has; so what
// they show is the store as of one point in the write order, not a mix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/recovery.hpp>
#include <walkv/status.hpp>
#include <walkv/write_batch.hpp>

namespace walkv {

class Store;

// Called now and then during a long read with the frames read so far.
using ProgressFn = std::function<void(std::uint64_t frames)>;

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
// skip_corrupted internally, so that every damaged place is reported), on a
// point-in-time view (see above). `progress`, when set, is called every 4096
// frames. Errors: not_found (not a store), io_error, version_mismatch.
Result<LogCheck> check_log(const std::string& dir, const ProgressFn& progress = {});

// One entry of the LMDB snapshot that fails its checksum.
struct SnapshotDamage {
  std::string key;     // the entry's key, raw bytes (may be damaged itself)
  std::string reason;  // the corruption message a read of it returns (names the key)
};

// check_snapshot lists at most this many damaged entries (it counts them all).
inline constexpr std::size_t kMaxListedSnapshotDamage = 100;
// The first snapshot format version whose entries carry checksums.
inline constexpr std::uint32_t kFirstChecksummedSnapshotVersion = 2;

struct SnapshotCheck {
  // The snapshot's format (its meta's format_version): 1 has no checksums,
  // so its entries are counted, not verified; 2 and later have them.
  std::uint32_t format_version = 0;
  std::uint64_t entries = 0;           // entries read (all of the "data" database)
  std::uint64_t damaged = 0;           // entries that fail their checksum
  std::vector<SnapshotDamage> listed;  // the first kMaxListedSnapshotDamage of them, in key order
  // Whether the entries were verified (false: format 1, counted only).
  bool has_checksums() const noexcept { return format_version >= kFirstChecksummedSnapshotVersion; }
};

// Reads every entry of the LMDB snapshot of the store in `dir` in one read
// transaction and verifies its checksum (from snapshot format version 2 on:
// an XXH3-64 of key and value stored after each value), going on past a
// damaged entry so that all of them are counted: RocksDB's
// DB::VerifyChecksum, or `ldb checkconsistency`. Read-only, takes no lock,
// changes nothing: works while another process holds the store (as
// check_log; the entries are those of the last committed LMDB transaction).
// Errors: not_found (not a store, or a snapshot never initialised),
// version_mismatch (the snapshot's format is newer than this walkv reads;
// docs/format.md, "The LMDB snapshot"), corruption (the meta fails its checksum, or
// LMDB reports a damaged page so that the walk cannot go on), io_error.
Result<SnapshotCheck> check_snapshot(const std::string& dir);

// What repair_log(dir, mode) would do, without changing anything: open's
// recovery in `mode` run on a point-in-time view (see above). The report
// names what would be cut (bytes_truncated) and every damaged place.
// Errors: corruption when `mode` would refuse the log (naming segment and
// offset), not_found, io_error, version_mismatch.
Result<RecoveryReport> plan_repair(const std::string& dir, RecoveryMode mode);

// A range of sequence numbers, both ends included.
struct SequenceRange {
  std::uint64_t from = 0;
  std::uint64_t to = std::numeric_limits<std::uint64_t>::max();
  bool contains(std::uint64_t sequence) const noexcept { return sequence >= from && sequence <= to; }
};

// One operation of one frame of the log (walkv-replay dump).
struct LogRecord {
  std::uint64_t sequence = 0;   // the frame's (batch's) sequence number
  std::string_view segment;     // "wal/<name>"
  std::uint64_t offset = 0;     // byte offset of the frame in the segment
  std::uint32_t op_index = 0;   // position of the operation in its batch (0-based)
  WriteBatch::Kind kind = WriteBatch::Kind::put;
  std::string_view key;         // the key, or the prefix of remove_prefix
  std::string_view value;       // put only; empty otherwise
  bool in_snapshot = false;     // sequence <= the snapshot's applied sequence (already folded)
};

struct DumpSummary {
  std::uint64_t frames = 0;             // frames in the range that were visited
  std::uint64_t records = 0;            // operations visited
  std::uint64_t snapshot_sequence = 0;  // the snapshot's applied sequence
  // The last valid sequence the dump read: the log's last when it read to
  // the end; when it stopped early (a frame after range.to, or visit returned
  // false), the last one up to where it stopped (the frame it stopped in when
  // visit said stop; frames after range.to are not counted). 0: none read.
  std::uint64_t last_sequence = 0;
  std::vector<Corruption> corruptions;  // damage met (frames there are not visited)
  bool stopped = false;                 // visit returned false
};

// Visits every operation of every valid frame still in the log whose
// sequence is in `range`, in log order, on a point-in-time view (see above);
// damaged frames are skipped and listed in the summary (skip_corrupted), a
// malformed batch too. Stops early when visit returns false. The views in
// LogRecord are valid only during the call. Errors: not_found (not a store),
// io_error, version_mismatch.
Result<DumpSummary> dump_log(const std::string& dir, const SequenceRange& range,
                             const std::function<bool(const LogRecord& record)>& visit,
                             const ProgressFn& progress = {});

// Opens a read-only view of the store in `dir` (as Store::open_read_only,
// with `mode` for a damaged log; point_in_time shows the consistent prefix
// before the first damage) over pinned segments, and calls read(view). When
// the snapshot changed meanwhile (any LMDB write transaction committed between
// the pin and the end of read: a live writer's compaction commits several, so
// LMDB reads may have seen a later state), read is called again on a new
// view, up to `attempts` times: only the last call's
// results are consistent, so read must start by discarding what an earlier
// call collected. Returns read's status. Errors: those of
// Store::open_read_only, io_error when the snapshot kept moving.
Status read_point_in_time(const std::string& dir, RecoveryMode mode,
                          const std::function<Status(const Store& view)>& read, int attempts = 8);

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

// LMDB and log statistics of a store (walkv-compact --stats); the LMDB part is
// mdb_env_stat / mdb_env_info of the snapshot (as mdb_stat -e), the log part
// from a point-in-time check of the log.
struct StoreStatistics {
  // snapshot (LMDB "data" database and environment)
  std::uint64_t snapshot_bytes = 0;   // data.mdb file size
  std::uint64_t map_size = 0;         // bytes
  std::uint64_t used_bytes = 0;       // (last used page + 1) * page size
  std::uint32_t page_size = 0;
  std::uint32_t depth = 0;            // B-tree depth of "data"
  std::uint64_t branch_pages = 0;
  std::uint64_t leaf_pages = 0;
  std::uint64_t overflow_pages = 0;
  std::uint64_t entries = 0;          // keys in "data"
  std::uint64_t last_txnid = 0;
  std::uint64_t applied_sequence = 0; // the snapshot's
  std::uint64_t open_epoch = 0;
  // log
  std::uint64_t wal_segments = 0;
  std::uint64_t wal_bytes = 0;        // sum of segment file sizes (preallocated)
  std::uint64_t log_bytes = 0;        // bytes of valid frames in the log
  std::uint64_t frames = 0;           // valid frames
  std::uint64_t first_sequence = 0;   // first sequence the log holds (0: no segment)
  std::uint64_t last_sequence = 0;
  std::uint64_t frames_to_replay = 0; // after the snapshot's sequence
  std::uint64_t bytes_to_replay = 0;
  // lock
  bool locked = false;
  std::uint64_t holder_pid = 0;
};
// Errors: not_found (not a store), io_error, corruption (LMDB), version_mismatch.
Result<StoreStatistics> store_statistics(const std::string& dir);

struct CompactCopy {
  std::uint64_t bytes_before = 0;  // the store's snapshot/data.mdb size
  std::uint64_t bytes_after = 0;   // the compacted copy's size
  bool swapped = false;            // the copy replaced snapshot/data.mdb
};
// Writes a compacted copy of the store's LMDB snapshot (free pages dropped;
// mdb_env_copy2 with MDB_CP_COMPACT) to `out_dir`/data.mdb, fdatasync'd;
// `out_dir` is created (0700) when missing and must not hold a data.mdb. Takes
// no lock: works on a live store (a copy of one consistent LMDB state).
// With `swap`, first takes the store's lock (Code::locked naming the holder's
// pid when a process has the store open), makes the copy, and then exchanges
// it atomically with snapshot/data.mdb (renameat2 RENAME_EXCHANGE, then fsync
// of both directories): `out_dir`/data.mdb then holds the old snapshot.
// `out_dir` must be on the store's file system for a swap. A read-only view
// open meanwhile (walkv-replay) keeps reading the old file. Errors: not_found,
// invalid_argument (data.mdb exists in out_dir; another file system), locked,
// io_error, no_space.
Result<CompactCopy> copy_compact_snapshot(const std::string& dir, const std::string& out_dir, bool swap);

}  // namespace walkv
