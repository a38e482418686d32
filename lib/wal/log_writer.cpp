// LogWriter: appends encoded frames to preallocated segments.
#include "wal/log_writer.hpp"

#include <algorithm>
#include <cstring>

#include "wal/endian.hpp"

namespace walkv::wal {
namespace {

std::string wal_path(const std::string& name) { return "wal/" + name; }

// Walks the frame headers of a group: checks that it is whole frames with
// consecutive sequences from `first_sequence`; returns the number of frames.
Result<std::uint64_t> count_group_frames(const std::string& frames, std::uint64_t first_sequence) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(frames.data());
  std::size_t pos = 0;
  std::uint64_t count = 0;
  while (pos < frames.size()) {
    if (frames.size() - pos < kFrameHeaderSize)
      return error(Code::invalid_argument, "append: group ends inside a frame header");
    const std::uint32_t length = load_le32(data + pos);
    const std::uint64_t sequence = load_le64(data + pos + 8);
    if (length == 0 || length > kMaxFrameLength)
      return error(Code::invalid_argument, "append: frame with invalid length " + std::to_string(length));
    if (sequence != first_sequence + count)
      return error(Code::invalid_argument, "append: frame sequence " + std::to_string(sequence) + ", expected " +
                                               std::to_string(first_sequence + count));
    const std::size_t size = frame_size(length);
    if (size > frames.size() - pos) return error(Code::invalid_argument, "append: group ends inside a frame");
    pos += size;
    ++count;
  }
  return count;
}

// Writes zeros over [offset, offset+len) of fd.
Status write_zeros(io::FileSystem& fs, int fd, std::uint64_t offset, std::uint64_t len) {
  static const std::uint8_t kZeros[64 * 1024] = {};
  while (len > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(len, sizeof kZeros));
    if (Status s = fs.pwrite(fd, kZeros, n, offset); !s.ok()) return s;
    offset += n;
    len -= n;
  }
  return {};
}

}  // namespace

LogWriter::LogWriter(io::FileSystem& fs, int wal_dir_fd, const StoreId& id, std::uint64_t segment_size)
    : fs_(fs), dir_fd_(wal_dir_fd), store_id_(id), segment_size_(std::max<std::uint64_t>(segment_size, 4096)) {}

LogWriter::~LogWriter() {
  if (fd_ >= 0) (void)fs_.close(fd_);
}

Result<std::unique_ptr<LogWriter>> LogWriter::open(io::FileSystem& fs, int wal_dir_fd, const StoreId& store_id,
                                                   std::uint64_t segment_size, const AppendPosition& pos) {
  std::unique_ptr<LogWriter> writer(new LogWriter(fs, wal_dir_fd, store_id, segment_size));
  Status s = pos.has_segment ? writer->reopen_segment(pos) : writer->create_segment(1, pos.next_sequence, 0);
  if (!s.ok()) return error(std::move(s));
  writer->next_sequence_ = pos.next_sequence;
  return writer;
}

Status LogWriter::reopen_segment(const AppendPosition& pos) {
  const std::string path = wal_path(pos.segment_name);
  if (pos.offset < kSegmentHeaderSize || pos.offset % 8 != 0)
    return Status(Code::invalid_argument, "open " + path + ": invalid append offset " + std::to_string(pos.offset));
  auto fd = fs_.open_file(dir_fd_, pos.segment_name, io::OpenMode::read_write);
  if (!fd) return fd.error();
  fd_ = *fd;
  name_ = pos.segment_name;
  number_ = pos.segment_number;
  first_sequence_ = pos.segment_first_sequence;
  offset_ = pos.offset;
  writeback_from_ = offset_;  // discard_tail fdatasyncs what lies before it
  return discard_tail();
}

Status LogWriter::discard_tail() {
  auto size = fs_.file_size(fd_);
  if (!size) return size.error();
  // Whatever follows the append offset (a torn frame, or frames of a group
  // write that was only partly persisted) must never be read as frames once
  // new frames are appended in front of it: cut it off and preallocate again.
  if (*size > offset_) {
    if (Status s = fs_.ftruncate(fd_, offset_); !s.ok()) return s;
  }
  const std::uint64_t capacity = std::max(*size, segment_size_);
  if (Status s = fs_.fallocate(fd_, 0, capacity); !s.ok()) return s;
  if (*size > offset_) {
    if (Status s = fs_.fdatasync(fd_); !s.ok()) return s;
  }
  capacity_ = capacity;
  return {};
}

Status LogWriter::create_segment(std::uint64_t number, std::uint64_t first_sequence, std::uint64_t min_size) {
  const std::string name = segment_file_name(first_sequence);
  const std::string tmp = name + ".tmp";
  const std::uint64_t capacity = std::max(segment_size_, kSegmentHeaderSize + min_size);

  auto fd = fs_.open_file(dir_fd_, tmp, io::OpenMode::create);
  if (!fd) return fd.error();
  Status s = fill_new_segment(*fd, number, first_sequence, capacity);
  if (s.ok()) s = fs_.rename(dir_fd_, tmp, name);
  if (!s.ok()) {
    (void)fs_.close(*fd);
    (void)fs_.unlink(dir_fd_, tmp);  // best effort; a leftover .tmp is ignored and cleaned at open
    return s;
  }
  // Without the directory fsync the rename may not survive a power loss.
  if (s = fs_.fsync(dir_fd_); !s.ok()) {
    (void)fs_.close(*fd);
    return remove_renamed_segment(name, s);
  }
  if (fd_ >= 0) (void)fs_.close(fd_);
  fd_ = *fd;
  name_ = name;
  number_ = number;
  first_sequence_ = first_sequence;
  offset_ = kSegmentHeaderSize;
  capacity_ = capacity;
  dirty_end_ = offset_;
  zeroed_end_ = offset_;
  writeback_from_ = offset_;
  tail_cut_ = false;
  return {};
}

// The new segment is in place but its name is not known to be durable, and
// the writer stays in the current segment, whose later frames carry the
// sequences the new segment is named after: left there, the empty segment
// would be read as the log's continuation (a sequence gap) by the next open.
// So it goes again, durably; if that fails the caller must poison the store
// (then nothing is appended after the current segment's last frame, and an
// empty segment that follows it is a valid end of the log).
Status LogWriter::remove_renamed_segment(const std::string& name, const Status& cause) {
  Status s = fs_.unlink(dir_fd_, name);
  if (s.ok()) s = fs_.fsync(dir_fd_);
  if (s.ok()) return cause;
  return Status(Code::poisoned, cause.message() + "; then removing " + wal_path(name) + " failed: " + s.message());
}

Status LogWriter::fill_new_segment(int fd, std::uint64_t number, std::uint64_t first_sequence,
                                   std::uint64_t capacity) {
  SegmentHeader header;
  header.store_id = store_id_;
  header.segment_number = number;
  header.first_sequence = first_sequence;
  std::uint8_t bytes[kSegmentHeaderSize];
  encode_segment_header(header, bytes);
  // A .tmp left by a crash may hold anything: start from an empty file.
  if (Status s = fs_.ftruncate(fd, 0); !s.ok()) return s;
  if (Status s = fs_.pwrite(fd, bytes, sizeof bytes, 0); !s.ok()) return s;
  if (Status s = fs_.fallocate(fd, 0, capacity); !s.ok()) return s;
  return fs_.fdatasync(fd);
}

Status LogWriter::append(const std::string& frames, std::uint64_t first_sequence, Flush flush) {
  if (frames.empty()) return {};
  if (first_sequence != next_sequence_)
    return Status(Code::invalid_argument, "append to " + wal_path(name_) + ": first sequence " +
                                              std::to_string(first_sequence) + ", expected " +
                                              std::to_string(next_sequence_));
  auto count = count_group_frames(frames, first_sequence);
  if (!count) return count.error();
  if (Status s = clear_failed_append(); !s.ok()) return s;
  if (Status s = restore_preallocation(); !s.ok()) return s;
  if (Status s = make_room(frames.size(), first_sequence); !s.ok()) return s;
  if (Status s = zero_ahead(frames.size()); !s.ok()) return s;

  if (Status s = fs_.pwrite(fd_, frames.data(), frames.size(), offset_); !s.ok())
    return remove_partial_write(frames.size(), s);
  offset_ += frames.size();
  dirty_end_ = offset_;
  bytes_written_ += frames.size();
  next_sequence_ += *count;
  if (flush == Flush::later) start_writeback_behind();
  return {};
}

// Hands the unflushed frames to writeback once there are kWritebackBytes of them.
void LogWriter::start_writeback_behind() {
  if (offset_ - writeback_from_ < kWritebackBytes) return;
  fs_.start_writeback(fd_, writeback_from_, offset_ - writeback_from_);
  writeback_from_ = offset_;
}

// Writes zeros from the end of the zeroed region (at least offset_) to
// kZeroAheadBytes past the group's end, capped at the segment's capacity, when
// the group of `len` bytes would reach past that region. A failure leaves only
// zeros behind the offset (as fallocate did), so it is returned as is.
Status LogWriter::zero_ahead(std::uint64_t len) {
  const std::uint64_t from = std::max(zeroed_end_, offset_);
  if (offset_ + len <= from) return {};
  const std::uint64_t to = std::min(capacity_, offset_ + len + kZeroAheadBytes);
  if (Status s = write_zeros(fs_, fd_, from, to - from); !s.ok()) return s;
  zeroed_end_ = to;
  return {};
}

// Part of a failed group write may be on disk at offset_: a later append at
// the same offset must not leave a valid-looking remnant behind its own
// frames, and a crash must not find a whole frame of a write that failed.
Status LogWriter::remove_partial_write(std::uint64_t len, const Status& cause) {
  dirty_end_ = std::max(dirty_end_, offset_ + len);
  Status removed = clear_failed_append();
  // Out of space even for that: remembered, removed before the next append or sync.
  if (removed.ok() || removed.code() == Code::no_space) return cause;
  return Status(Code::poisoned, cause.message() + "; then removing the partial frames failed: " + removed.message());
}

// Makes [offset_, dirty_end_) read as the end of the log again: zeros over
// it, or, when writing needs space that is not there (copy-on-write or
// thin-provisioned storage), the file cut at offset_ (which frees space).
Status LogWriter::clear_failed_append() {
  if (dirty_end_ <= offset_) return {};
  Status s = write_zeros(fs_, fd_, offset_, dirty_end_ - offset_);
  if (!s.ok() && s.code() == Code::no_space && fs_.ftruncate(fd_, offset_).ok()) {
    tail_cut_ = true;
    zeroed_end_ = offset_;
    s = Status();
  }
  if (s.ok()) dirty_end_ = offset_;
  return s;
}

// Preallocates the space a cut (clear_failed_append) gave back, so appends
// need no metadata update again.
Status LogWriter::restore_preallocation() {
  if (!tail_cut_) return {};
  if (capacity_ > offset_) {
    if (Status s = fs_.fallocate(fd_, offset_, capacity_ - offset_); !s.ok()) return s;
  }
  tail_cut_ = false;
  return {};
}

Status LogWriter::make_room(std::uint64_t len, std::uint64_t first_sequence) {
  if (offset_ + len <= capacity_) return {};
  if (offset_ == kSegmentHeaderSize) {
    // An empty segment cannot be rolled (the new one would have the same
    // name): grow it for the group instead.
    const std::uint64_t capacity = kSegmentHeaderSize + len;
    if (Status s = fs_.fallocate(fd_, capacity_, capacity - capacity_); !s.ok()) return s;
    capacity_ = capacity;
    return {};
  }
  if (Status s = sync_before_new_segment(); !s.ok()) return s;
  return create_segment(number_ + 1, first_sequence, len);
}

// A later segment must never survive a power loss that this one's tail did
// not (no holes). If the fdatasync fails its dirty pages may already be gone
// (fsyncgate): no retry, the store must be poisoned.
Status LogWriter::sync_before_new_segment() {
  if (Status s = fs_.fdatasync(fd_); !s.ok())
    return Status(Code::poisoned, "before starting a new segment: " + s.message());
  return {};
}

Status LogWriter::sync() {
  if (Status s = clear_failed_append(); !s.ok()) return s;
  if (Status s = fs_.fdatasync(fd_); !s.ok()) return Status(Code::poisoned, s.message());
  writeback_from_ = offset_;
  return {};
}

Status LogWriter::roll(std::uint64_t next_sequence) {
  if (next_sequence != next_sequence_)
    return Status(Code::invalid_argument, "roll " + wal_path(name_) + ": next sequence " +
                                              std::to_string(next_sequence) + ", expected " +
                                              std::to_string(next_sequence_));
  if (Status s = clear_failed_append(); !s.ok()) return s;
  // An empty segment already holds only sequences >= next_sequence.
  if (offset_ == kSegmentHeaderSize) return {};
  if (Status s = sync_before_new_segment(); !s.ok()) return s;
  return create_segment(number_ + 1, next_sequence, 0);
}

}  // namespace walkv::wal
