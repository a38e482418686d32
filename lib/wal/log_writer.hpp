// walkv wal — LogWriter: appends encoded frames to preallocated segments.
//
// Thread-safety: NOT thread-safe. The store's group-commit leader is the only
// caller at any time (it holds the write token).
//
// Segments are created as "<name>.tmp": header written, fallocate to the
// segment size, fdatasync, rename to the final name, fsync of wal/ — so a
// segment file either does not exist or is complete (etcd's file pipeline).
// Rolling over fdatasyncs the old segment first, so a later segment never
// survives a power loss that an earlier one's tail did not (no holes).
//
// Zeros ahead of the tail: fallocate leaves *unwritten* extents, and the first
// fdatasync after data lands in one must also persist the extent's conversion
// to written (a metadata write on every group's flush). So an append that
// reaches past the zeroed region first writes kZeroAheadBytes of zeros beyond
// it (before the frames: frames are only ever written over zeros, never the
// reverse). One flush then converts the whole chunk and the groups that follow
// it inside the chunk flush data only — etcd pre-fills its segments for the
// same reason; RocksDB reuses written log files (recycle_log_file_num). Zeros
// are what the reader already takes as the end of the log, so the format is
// unchanged. Measured in docs/performance.md ("Zeros ahead of the tail").
// (They pay for unflushed appends too: a 64 KiB write of zeros fills the page
// cache faster than the 4 KiB frames that would otherwise each bring in
// their pages; measured in docs/performance.md.)
//
// Writeback behind unflushed appends: frames appended with Flush::later (no
// fdatasync follows) would all be written back by the fdatasync that rolls the
// segment — up to a whole segment, waited for by one writer. So every
// kWritebackBytes of them the writer starts their writeback without waiting
// (io::FileSystem::start_writeback, RocksDB's wal_bytes_per_sync), and that
// fdatasync finds little left to write.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "io/fs.hpp"
#include "wal/format.hpp"

namespace walkv::wal {

// Where appending continues: the end of the valid frames of the log's last
// segment (found by the reader), or "no segment yet".
struct AppendPosition {
  bool has_segment = false;
  std::string segment_name;          // e.g. "0000000000000001.wal"
  std::uint64_t segment_number = 0;
  std::uint64_t segment_first_sequence = 0;
  std::uint64_t offset = 0;          // append offset inside that segment
  std::uint64_t next_sequence = 1;   // sequence the next frame will carry
};

class LogWriter {
 public:
  // Bytes of zeros written ahead of the append offset at a time (see "Zeros
  // ahead of the tail" above).
  static constexpr std::uint64_t kZeroAheadBytes = 1u << 20;
  // Bytes of unflushed frames whose writeback is started at a time (see
  // "Writeback behind unflushed appends" above).
  static constexpr std::uint64_t kWritebackBytes = 1u << 20;

  // Opens the log for appending at `pos` (wal_dir_fd: the store's wal/
  // directory, which the writer does not own). With !pos.has_segment creates
  // segment 1 (first sequence pos.next_sequence). Otherwise every byte at and
  // after pos.offset in the segment is discarded (ftruncate to pos.offset,
  // fdatasync) — a torn frame or a partly persisted group write behind the
  // append position can never be read as frames later — and the file is
  // fallocated back to max(its size, segment_size).
  static Result<std::unique_ptr<LogWriter>> open(io::FileSystem& fs, int wal_dir_fd, const StoreId& store_id,
                                                 std::uint64_t segment_size, const AppendPosition& pos);
  ~LogWriter();

  // Appends `frames` (whole encoded frames; the first carries sequence
  // `first_sequence`). `flush`: Flush::next when the caller calls sync()
  // right after, Flush::later when not (then, once kWritebackBytes of frames
  // are not yet flushed or written back, their writeback is started; see
  // "Writeback behind unflushed appends"). Rolls to a new segment first when they do not fit in
  // the current one (a segment larger than segment_size is made for a group
  // that is larger). `first_sequence` must be the sequence after the last
  // appended frame and the frames' sequences consecutive (else
  // invalid_argument, nothing written). A group that does not fit in an EMPTY
  // segment grows that segment instead (a rolled segment would have the same
  // name).
  //
  // Errors:
  //  - the pwrite fails (no_space, io_error) — of the frames, or of the zeros
  //    written ahead of them (then nothing of the group was written): the writer removes the range it
  //    may have partly written — overwriting it with zeros, or, when that
  //    needs space the file system does not have (no_space), cutting the file
  //    at the append offset — and returns the pwrite's error with the offset
  //    unchanged; the writer stays usable. When even that fails with no_space
  //    the range is remembered and removed before the next append, sync or
  //    roll (which fail with no_space until it is: "usable once space
  //    returns", docs/durability.md); any other failure to remove it returns
  //    Code::poisoned (the partial frames stay: a torn tail for the next open).
  //  - a rollover's fdatasync of the current segment fails: Code::poisoned
  //    (fsyncgate: its unsynced pages may be gone, so a later segment must
  //    never be started behind it).
  //  - creating the new segment fails: its error (no_space, io_error), nothing
  //    left behind, the writer stays in the current segment; Code::poisoned if
  //    a segment renamed into place could not be removed again.
  // Code::poisoned means the caller must poison the store.
  enum class Flush { next, later };
  Status append(const std::string& frames, std::uint64_t first_sequence, Flush flush = Flush::next);

  // fdatasync of the current segment (covers every earlier segment too: they
  // were synced when rolled). Removes the remains of a failed append first.
  // Errors: Code::poisoned when the fdatasync fails (the caller poisons the
  // store); no_space/io_error, nothing synced, when the remains of a failed
  // append cannot be removed yet (as in append).
  Status sync();

  // Starts a new segment whose first sequence is `next_sequence`, after
  // fdatasync of the current one. Used by compaction so that the new segment
  // holds only sequences > the snapshot being written. `next_sequence` must be
  // the sequence after the last appended frame (else invalid_argument). A no-op
  // when the current segment holds no frame yet (it already qualifies).
  // Errors as append's rollover: Code::poisoned for a failed fdatasync.
  Status roll(std::uint64_t next_sequence);

  // Bytes appended since open (frames only).
  std::uint64_t bytes_written() const noexcept { return bytes_written_; }
  const std::string& current_segment() const noexcept { return name_; }
  std::uint64_t current_first_sequence() const noexcept { return first_sequence_; }
  std::uint64_t current_offset() const noexcept { return offset_; }

 private:
  LogWriter(io::FileSystem& fs, int wal_dir_fd, const StoreId& id, std::uint64_t segment_size);
  Status create_segment(std::uint64_t number, std::uint64_t first_sequence, std::uint64_t min_size);
  Status fill_new_segment(int fd, std::uint64_t number, std::uint64_t first_sequence, std::uint64_t capacity);
  Status reopen_segment(const AppendPosition& pos);
  Status discard_tail();
  Status make_room(std::uint64_t len, std::uint64_t first_sequence);
  Status sync_before_new_segment();
  Status remove_renamed_segment(const std::string& name, const Status& cause);
  Status remove_partial_write(std::uint64_t len, const Status& cause);
  Status clear_failed_append();
  Status restore_preallocation();
  Status zero_ahead(std::uint64_t len);
  void start_writeback_behind();

  io::FileSystem& fs_;
  int dir_fd_;
  StoreId store_id_;
  std::uint64_t segment_size_;
  int fd_ = -1;
  std::string name_;
  std::uint64_t number_ = 0;
  std::uint64_t first_sequence_ = 0;
  std::uint64_t offset_ = 0;
  std::uint64_t capacity_ = 0;  // size of the current segment file
  std::uint64_t bytes_written_ = 0;
  std::uint64_t next_sequence_ = 1;  // sequence the next appended frame must carry
  // [offset_, dirty_end_) may hold part of a failed append while dirty_end_ > offset_.
  std::uint64_t dirty_end_ = 0;
  // [offset_, zeroed_end_) was written with zeros by this writer (see "Zeros
  // ahead of the tail" above); no meaning while zeroed_end_ <= offset_.
  std::uint64_t zeroed_end_ = 0;
  // [writeback_from_, offset_) was appended but neither synced nor handed to
  // start_writeback.
  std::uint64_t writeback_from_ = 0;
  // The file was cut at offset_ to drop a failed append: fallocate it back to
  // capacity_ before appending.
  bool tail_cut_ = false;
};

}  // namespace walkv::wal
