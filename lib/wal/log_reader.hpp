// walkv wal — reading the log: verification and replay.
//
// Thread-safety: the functions are reentrant; they only read files.
//
// Rules (docs/format.md §Recovery):
// - segments are ordered by the first sequence in their names; segment numbers
//   must be consecutive and each header must carry this store's id, otherwise
//   corruption ("missing segment", "duplicate segment", "foreign segment").
// - frames' sequences are consecutive across the whole log; a gap is corruption.
//   Exception: a hole between segments (missing segments, sequence gap) whose
//   lost frames all have sequences <= ScanOptions::after_sequence is not damage
//   — the snapshot holds them (a crash while compaction deleted old segments).
// - a zero length word ends a segment. In the LAST segment a frame that runs past
//   the end of the file or contains an all-zero 512-byte sector is a torn write;
//   anywhere else that is corruption. Any checksum mismatch elsewhere is corruption.
// - the mode (RecoveryMode) decides what happens after a damaged frame.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <walkv/recovery.hpp>
#include <walkv/status.hpp>

#include "io/fs.hpp"
#include "wal/format.hpp"
#include "wal/log_writer.hpp"

namespace walkv::wal {

struct SegmentInfo {
  std::string name;                 // file name inside wal/
  std::uint64_t number = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t file_size = 0;
  std::uint64_t end_offset = 0;     // end of the last valid frame (or header)
  std::uint64_t frames = 0;         // valid frames
  std::uint64_t last_sequence = 0;  // last valid frame's sequence (first_sequence-1 when empty)
};

// LevelDB-style corruption reporter: told about every damaged place, in order.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void corruption(const Corruption& c) = 0;
};

// Where a frame lies in the log.
struct FramePosition {
  std::string segment;      // file name inside wal/
  std::uint64_t offset = 0;  // byte offset of the frame's header in that file
};

struct ScanOptions {
  RecoveryMode mode = RecoveryMode::tolerate_corrupted_tail;
  std::uint64_t after_sequence = 0;  // frames with sequence <= this are counted but not passed to apply
  Reporter* reporter = nullptr;      // optional
  // Optional: during each sink call, the position of the frame passed to it
  // (as LevelDB's log::Reader::LastRecordOffset). The payload is a copy in
  // a read buffer, so its address says nothing about where the frame lies.
  FramePosition* position = nullptr;
};

struct ScanResult {
  RecoveryReport report;             // segments, frames, frames_replayed, bytes_replayed, last_sequence,
                                     // bytes_truncated (torn/discarded bytes), corruptions; replay_ns
  std::vector<SegmentInfo> segments;
  AppendPosition append;             // where a writer continues (after the last valid frame of the
                                     // last segment that is part of the log)
  // Damaged bytes follow append.offset in the append segment (a torn last
  // frame, or where point_in_time / skip_corrupted stopped). LogWriter::open
  // discards everything after append.offset, so appending is safe either way.
  bool torn_tail = false;
  // Segment files (names inside wal/) that are not part of the log: a stale
  // last segment (another store's, or an earlier number) and, with
  // point_in_time or skip_corrupted, segments after / with damage. The caller
  // must move them aside (e.g. to "<name>.broken") before appending, or a
  // later segment could sort between them.
  std::vector<std::string> discarded_segments;
};

// Called for each valid frame with sequence > after_sequence, in order. The
// payload view is valid only during the call. A non-ok return stops the scan
// and is returned.
using FrameSink = std::function<Status(std::uint64_t sequence, std::span<const std::uint8_t> payload)>;

// Reads the whole log under wal_dir_fd (read-only; never changes a file).
// Frames are read with FileSystem::pread through a ReadWindow (read_window.hpp);
// what lies past a damaged place through FileSystem::map. Leftover "*.tmp"
// files are ignored.
// Returns corruption (naming "wal/<segment>" and the byte offset) when the mode
// refuses what it found; in that case nothing after the damage was applied.
// A failed read is io_error (what FileSystem::pread or map returned).
Result<ScanResult> scan_log(io::FileSystem& fs, int wal_dir_fd, const StoreId& store_id,
                            const ScanOptions& options, const FrameSink& sink);

}  // namespace walkv::wal
