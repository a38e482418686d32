// scan_log: verifies and replays the log, applying the recovery mode's rules
// to every damaged place (docs/format.md, "Recovery").
#include "wal/log_reader.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "wal/endian.hpp"
#include "wal/read_window.hpp"

namespace walkv::wal {
namespace {

struct SegmentFile {
  std::string name;
  std::uint64_t first_sequence = 0;  // from the name
};

// One segment file, open for the duration of its scan. Frames are read
// through a ReadWindow (frame_at); the damage paths, which look far ahead
// (written_end, next_frame_inside), read the segment through a read-only
// mapping, which costs nothing until they touch it.
class MappedSegment {
 public:
  explicit MappedSegment(io::FileSystem& fs) : fs_(fs) {}
  ~MappedSegment() {
    if (data_ != nullptr) fs_.unmap(data_, size_);
    if (fd_ >= 0) (void)fs_.close(fd_);
  }
  MappedSegment(const MappedSegment&) = delete;
  MappedSegment& operator=(const MappedSegment&) = delete;

  Status open(int dir_fd, const std::string& name) {
    auto fd = fs_.open_file(dir_fd, name, io::OpenMode::read_only);
    if (!fd) return fd.error();
    fd_ = *fd;
    auto size = fs_.file_size(fd_);
    if (!size) return size.error();
    if (*size == 0) return {};  // nothing to map (mmap refuses length 0)
    auto data = fs_.map(fd_, *size);
    if (!data) return data.error();
    data_ = *data;
    size_ = *size;
    window_.emplace(fs_, fd_, size_);
    return {};
  }

  // What lies at `pos` (< size()): a valid frame read through the window
  // when its header claims a frame that fits in the file and that frame
  // checks out; anything else is decoded again from the mapping, with the
  // rest of the file behind it as decode_frame requires. The payload view is
  // valid until the next call. Errors: the window's read error.
  Result<FrameView> frame_at(std::uint64_t pos) {
    auto head = window_->view(pos, kFrameHeaderSize);
    if (!head) return error(head.error());
    if (head->size() == kFrameHeaderSize) {
      const std::uint64_t claimed = claimed_frame_size(head->data());
      if (claimed > 0 && claimed <= size_ - pos) {
        auto whole = window_->view(pos, claimed);
        if (!whole) return error(whole.error());
        const FrameView fv = decode_frame(*whole, pos);
        if (fv.kind == FrameView::Kind::frame) return fv;
      }
    }
    return decode_frame(bytes().subspan(pos), pos);
  }
  std::span<const std::uint8_t> bytes() const noexcept { return {data_, static_cast<std::size_t>(size_)}; }
  std::uint64_t size() const noexcept { return size_; }

  // Releases the resident pages of [released_, end) of the mapping once at
  // least kReleaseStep bytes lie behind the last release: a scan whose
  // damage paths read far into the mapping (skip_corrupted over many damaged
  // frames) then holds about kReleaseStep of it resident, not all of it.
  // REQUIRES: nothing before `end` is read again during this scan (the
  // caller's FrameSink is done with every payload before `end`: the sink
  // contract says a payload view is valid only during its call). A later
  // read would still be correct (the file's pages come back), only slower.
  void release_before(std::uint64_t end) {
    // Whole 64 KiB blocks only (a multiple of any page size Linux uses up
    // to 64 KiB; the mapping starts on a page), so that consecutive ranges
    // meet on page boundaries and no page between them is left resident.
    end &= ~(kReleaseAlign - 1);
    if (data_ == nullptr || end <= released_ || end - released_ < kReleaseStep) return;
    fs_.release_pages(data_ + released_, end - released_);
    released_ = end;
  }

  static constexpr std::uint64_t kReleaseStep = 4u << 20;    // 4 MiB
  static constexpr std::uint64_t kReleaseAlign = 64u << 10;  // 64 KiB

 private:
  io::FileSystem& fs_;
  int fd_ = -1;
  const std::uint8_t* data_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t released_ = 0;  // [0, released_) was handed to release_pages
  std::optional<ReadWindow> window_;  // set by open() when the file is not empty
};

// End of the written data at or after `from`: just past the last non-zero
// byte, rounded up to a frame boundary (8) and clipped to the file; `from`
// when only zeros follow. Used to count discarded bytes, never on the replay path.
std::uint64_t written_end(std::span<const std::uint8_t> bytes, std::uint64_t from) {
  std::uint64_t end = bytes.size();
  while (end > from && bytes[end - 1] == 0) --end;
  if (end == from) return from;
  return std::min<std::uint64_t>(align8(end), bytes.size());
}

std::string offset_text(std::uint64_t offset) { return " at offset " + std::to_string(offset); }

// What the scan does after a damaged place.
enum class Next {
  skip,          // continue after it (skip_corrupted)
  stop_segment,  // give up on this segment, continue with the next (skip_corrupted)
  stop_log,      // the log ends here; the rest is discarded
};

class LogScanner {
 public:
  LogScanner(io::FileSystem& fs, int dir_fd, const StoreId& id, const ScanOptions& options, const FrameSink& sink)
      : fs_(fs), dir_fd_(dir_fd), store_id_(id), options_(options), sink_(sink) {}

  Result<ScanResult> run() {
    const auto started = std::chrono::steady_clock::now();
    auto files = list_segments();
    if (!files) return error(files.error());
    result_.report.segments = files->size();
    for (std::size_t i = 0; i < files->size(); ++i) {
      const bool is_last = i + 1 == files->size();
      if (stopped_) {
        if (Status s = discard_segment((*files)[i].name); !s.ok()) return error(std::move(s));
        continue;
      }
      if (Status s = scan_segment((*files)[i], is_last); !s.ok()) return error(std::move(s));
    }
    finish();
    result_.report.replay_ns = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count());
    return std::move(result_);
  }

 private:
  Result<std::vector<SegmentFile>> list_segments() {
    auto names = fs_.list(dir_fd_);
    if (!names) return error(names.error());
    std::vector<SegmentFile> files;
    for (auto& name : *names) {
      SegmentFile f;
      // Only exact segment names: "*.tmp", "*.broken" and strangers are ignored.
      if (parse_segment_file_name(name, &f.first_sequence)) {
        f.name = std::move(name);
        files.push_back(std::move(f));
      }
    }
    std::sort(files.begin(), files.end(),
              [](const SegmentFile& a, const SegmentFile& b) { return a.first_sequence < b.first_sequence; });
    return files;
  }

  Status scan_segment(const SegmentFile& file, bool is_last) {
    MappedSegment seg(fs_);
    if (Status s = seg.open(dir_fd_, file.name); !s.ok()) return s;
    auto header = check_header(file, seg, is_last);
    if (!header) return header.error();
    if (!header->has_value()) return {};  // skipped, stale or the log stopped
    SegmentInfo info;
    info.name = file.name;
    info.number = (*header)->segment_number;
    info.first_sequence = (*header)->first_sequence;
    info.file_size = seg.size();
    info.end_offset = kSegmentHeaderSize;
    info.last_sequence = info.first_sequence - 1;
    if (!have_segment_) expected_sequence_ = info.first_sequence;
    have_segment_ = true;
    prev_number_ = info.number;
    Status s = scan_frames(seg, is_last, info);
    result_.segments.push_back(std::move(info));
    return s;
  }

  // Returns the header when the segment belongs to the log; nullopt when it is
  // skipped or ignored (already reported); an error when the mode refuses.
  Result<std::optional<SegmentHeader>> check_header(const SegmentFile& file, const MappedSegment& seg,
                                                     bool is_last) {
    auto header = decode_segment_header(seg.bytes().data(), seg.size());
    if (!header) {
      if (header.error().code() == Code::version_mismatch)
        return error(Code::version_mismatch, path(file.name) + ": " + header.error().message());
      return segment_damage(file, seg, header.error().message());
    }
    const SegmentHeader& h = *header;
    if (h.store_id != store_id_) {
      if (is_last) return stale(file, "stale segment ignored: it belongs to another store");
      return segment_damage(file, seg, "foreign segment: it belongs to another store");
    }
    if (h.first_sequence != file.first_sequence)
      return segment_damage(file, seg, "segment header's first sequence " + std::to_string(h.first_sequence) +
                                           " does not match its name");
    if (have_segment_ && h.segment_number <= prev_number_) {
      if (is_last)
        return stale(file, "stale segment ignored: number " + std::to_string(h.segment_number) +
                               " is not after " + std::to_string(prev_number_));
      return segment_damage(file, seg,
                            (h.segment_number == prev_number_ ? "duplicate segment " : "out-of-order segment ") +
                                std::to_string(h.segment_number));
    }
    if (have_segment_ && h.first_sequence > expected_sequence_ && covered_by_snapshot(h.first_sequence)) {
      // Everything a hole before this segment could have held is already in
      // the snapshot (a crash while compaction deleted old segments): no damage.
      expected_sequence_ = h.first_sequence;
      return std::optional<SegmentHeader>(h);
    }
    if (have_segment_ && h.segment_number != prev_number_ + 1 && !salvage_forward_gap(h.first_sequence)) {
      if (auto next = damage(file.name, 0, "missing segment " + std::to_string(prev_number_ + 1), false, true); !next)
        return error(next.error());
      if (stopped_) return discard_this(file, seg);
      // skip_corrupted salvages what follows the hole; the hole explains a
      // forward sequence gap, reported once.
      if (h.first_sequence > expected_sequence_) expected_sequence_ = h.first_sequence;
    }
    if (have_segment_ && salvage_forward_gap(h.first_sequence)) expected_sequence_ = h.first_sequence;
    if (have_segment_ && h.first_sequence != expected_sequence_) {
      const bool forward = h.first_sequence > expected_sequence_;
      if (auto next = damage(file.name, 0, gap_text(h.first_sequence), false, forward); !next)
        return error(next.error());
      if (stopped_ || !forward) return discard_this(file, seg);
      expected_sequence_ = h.first_sequence;
    }
    return std::optional<SegmentHeader>(h);
  }

  Result<std::optional<SegmentHeader>> segment_damage(const SegmentFile& file, const MappedSegment& seg,
                                                      const std::string& reason) {
    if (auto next = damage(file.name, 0, reason, false, false); !next) return error(next.error());
    return discard_this(file, seg);  // point_in_time stops here; skip_corrupted skips it
  }

  std::optional<SegmentHeader> stale(const SegmentFile& file, const std::string& reason) {
    report(Corruption{path(file.name), 0, reason, false});
    result_.discarded_segments.push_back(file.name);
    return std::nullopt;
  }

  std::optional<SegmentHeader> discard_this(const SegmentFile& file, const MappedSegment& seg) {
    lost_frames_ = true;
    result_.report.bytes_truncated += written_end(seg.bytes(), 0);
    result_.discarded_segments.push_back(file.name);
    return std::nullopt;
  }

  Status scan_frames(MappedSegment& seg, bool is_last, SegmentInfo& info) {
    const std::span<const std::uint8_t> bytes = seg.bytes();
    std::uint64_t pos = kSegmentHeaderSize;
    bool damaged_after_end = false;  // damage seen after the last valid frame
    while (pos < bytes.size()) {
      // Everything before pos is finished: frames whose sink call returned,
      // or damage stepped over. Nothing below reads behind pos (the header
      // was checked before; written_end and next_frame_inside look forward).
      seg.release_before(pos);
      auto read = seg.frame_at(pos);
      if (!read) return read.error();
      const FrameView& fv = *read;
      if (fv.kind == FrameView::Kind::end_of_log) break;
      if (fv.kind == FrameView::Kind::frame && salvage_forward_gap(fv.sequence)) expected_sequence_ = fv.sequence;
      if (fv.kind == FrameView::Kind::frame && fv.sequence == expected_sequence_) {
        if (Status s = accept(fv, pos, info); !s.ok()) return s;
        pos += fv.size;
        damaged_after_end = false;
        continue;
      }
      damaged_after_end = true;
      const auto resume_at =
          fv.kind == FrameView::Kind::frame ? std::optional<std::uint64_t>() : next_frame_inside(bytes, pos, fv);
      auto next = frame_damage(fv, resume_at, info.name, pos, is_last);
      if (!next) return next.error();
      lost_frames_ = true;
      if (*next == Next::skip && fv.kind == FrameView::Kind::frame && fv.sequence > expected_sequence_) {
        expected_sequence_ = fv.sequence;  // skip_corrupted accepts frames after a gap
        continue;
      }
      if (*next == Next::skip) {
        const std::uint64_t step = resume_at ? *resume_at - pos : fv.size;
        result_.report.bytes_truncated += step;
        pos += step;
        continue;
      }
      result_.report.bytes_truncated += written_end(bytes, pos) - pos;
      break;  // stop_segment or stop_log
    }
    if (is_last || stopped_) result_.torn_tail = damaged_after_end;
    return {};
  }

  // True when every sequence before `first_sequence` is at or below
  // after_sequence, i.e. already applied by the caller's snapshot.
  bool covered_by_snapshot(std::uint64_t first_sequence) const {
    return first_sequence <= options_.after_sequence + 1;
  }

  // skip_corrupted, after frames were lost to damage: their sequences are
  // unknown, so a jump forward is expected and not reported again.
  bool salvage_forward_gap(std::uint64_t sequence) const {
    return options_.mode == RecoveryMode::skip_corrupted && lost_frames_ && sequence > expected_sequence_;
  }

  // A torn write is the last thing written: no valid frame can start inside
  // the extent its length word claims (a frame that follows a torn one after
  // a power loss starts exactly at its end). Finding the next sequence inside
  // that extent means the length word is damaged and the frame is corrupt —
  // which must not be cut off as a torn tail with the valid frames after it.
  // Returns the offset of that next frame (skip_corrupted resumes there).
  std::optional<std::uint64_t> next_frame_inside(std::span<const std::uint8_t> bytes, std::uint64_t pos,
                                                 const FrameView& fv) const {
    const std::uint64_t claimed_end = fv.size > 0 ? pos + fv.size : bytes.size();
    const std::uint64_t wanted = expected_sequence_ + 1;
    for (std::uint64_t at = pos + 8; at + kFrameHeaderSize <= claimed_end; at += 8) {
      if (load_le64(bytes.data() + at + 8) != wanted) continue;  // cheap pre-check on the sequence word
      const FrameView next = decode_frame(bytes.subspan(at), at);
      if (next.kind == FrameView::Kind::frame && next.sequence == wanted) return at;
    }
    return std::nullopt;
  }

  // `resume_at`: where a valid frame was found inside a torn-looking frame.
  Result<Next> frame_damage(const FrameView& fv, std::optional<std::uint64_t> resume_at, const std::string& name,
                            std::uint64_t pos, bool is_last) {
    if (fv.kind == FrameView::Kind::frame) {
      // A valid frame out of order: forward gaps may be salvaged, a replayed
      // or older sequence never is.
      return damage(name, pos, gap_text(fv.sequence), false, true);
    }
    if (resume_at) {
      // A damaged length, not a write that stopped short.
      return damage(name, pos, "damaged length: the next frame lies inside this frame's claimed length", false, true);
    }
    const bool torn = fv.kind == FrameView::Kind::torn;
    std::string reason = fv.reason;
    if (torn && !is_last) reason += " (not in the last segment)";
    // The frame can be stepped over only when it lies within the file
    // (decode_frame leaves size 0 otherwise).
    return damage(name, pos, reason, torn && is_last, fv.size > 0);
  }

  Status accept(const FrameView& fv, std::uint64_t pos, SegmentInfo& info) {
    ++result_.report.frames;
    if (fv.sequence > options_.after_sequence) {
      if (options_.position != nullptr) {
        options_.position->segment = info.name;
        options_.position->offset = pos;
      }
      if (Status s = sink_(fv.sequence, fv.payload); !s.ok()) return s;
      ++result_.report.frames_replayed;
      result_.report.bytes_replayed += fv.size;
    }
    lost_frames_ = false;
    ++info.frames;
    info.last_sequence = fv.sequence;
    info.end_offset = pos + fv.size;
    expected_sequence_ = fv.sequence + 1;
    return {};
  }

  // Applies the recovery mode to one damaged place: reports it and says how
  // to go on, or returns the corruption error when the mode refuses it.
  // `torn_tail` marks a torn frame in the last segment; `skippable` says the
  // scan can step over the damage and continue.
  Result<Next> damage(const std::string& name, std::uint64_t offset, const std::string& reason, bool torn_tail,
                      bool skippable) {
    Corruption c{path(name), offset, reason, torn_tail};
    const RecoveryMode mode = options_.mode;
    const bool refuse = mode == RecoveryMode::absolute_consistency ||
                        (mode == RecoveryMode::tolerate_corrupted_tail && !torn_tail);
    report(c);
    if (refuse)
      return error(Code::corruption, c.segment + offset_text(offset) + ": " + reason + " (recovery mode " +
                                         recovery_mode_name(mode) + ")");
    if (mode == RecoveryMode::skip_corrupted) return skippable ? Next::skip : Next::stop_segment;
    stopped_ = true;
    return Next::stop_log;
  }

  Status discard_segment(const std::string& name) {
    MappedSegment seg(fs_);
    if (Status s = seg.open(dir_fd_, name); !s.ok()) return s;
    result_.report.bytes_truncated += written_end(seg.bytes(), 0);
    result_.discarded_segments.push_back(name);
    return {};
  }

  void report(const Corruption& c) {
    if (options_.reporter != nullptr) options_.reporter->corruption(c);
    result_.report.corruptions.push_back(c);
  }

  void finish() {
    AppendPosition& append = result_.append;
    RecoveryReport& report = result_.report;
    if (result_.segments.empty()) {
      report.last_sequence = options_.after_sequence;
    } else {
      const SegmentInfo& last = result_.segments.back();
      append.has_segment = true;
      append.segment_name = last.name;
      append.segment_number = last.number;
      append.segment_first_sequence = last.first_sequence;
      append.offset = last.end_offset;
      report.last_sequence = expected_sequence_ - 1;
    }
    append.next_sequence = report.last_sequence + 1;
  }

  std::string gap_text(std::uint64_t found) const {
    return "sequence gap: expected " + std::to_string(expected_sequence_) + ", found " + std::to_string(found);
  }
  static std::string path(const std::string& name) { return "wal/" + name; }

  io::FileSystem& fs_;
  int dir_fd_;
  const StoreId& store_id_;
  const ScanOptions& options_;
  const FrameSink& sink_;
  ScanResult result_;
  bool have_segment_ = false;         // a segment of the log has been accepted
  std::uint64_t prev_number_ = 0;     // number of the last accepted segment
  std::uint64_t expected_sequence_ = 0;
  bool stopped_ = false;              // the log ended at a damaged place (point_in_time)
  bool lost_frames_ = false;          // skip_corrupted dropped frames since the last valid one
};

}  // namespace

Result<ScanResult> scan_log(io::FileSystem& fs, int wal_dir_fd, const StoreId& store_id, const ScanOptions& options,
                            const FrameSink& sink) {
  return LogScanner(fs, wal_dir_fd, store_id, options, sink).run();
}

}  // namespace walkv::wal
