// LogWriter: segment creation, rollover, reopening, and write-error handling.
#define BOOST_TEST_MODULE wal_log_writer
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "fault_fs.hpp"
#include "wal_fixture.hpp"

using namespace walkv;
using namespace walkv::wal;
using namespace walkv::wal::test;

namespace {

const StoreId kId = make_store_id(1);
constexpr std::uint64_t kSegment = 4096;

std::unique_ptr<LogWriter> open_writer(io::FileSystem& fs, const WalDir& dir, const AppendPosition& pos = {},
                                       std::uint64_t segment_size = kSegment) {
  auto writer = LogWriter::open(fs, dir.fd(), kId, segment_size, pos);
  BOOST_REQUIRE_MESSAGE(writer.has_value(), why(writer));
  return std::move(*writer);
}

ScanResult scan_clean(const WalDir& dir, std::uint64_t last) {
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  BOOST_REQUIRE_MESSAGE(s.result.has_value(), why(s.result));
  BOOST_TEST(s.result->report.corruptions.empty());
  BOOST_TEST(!s.result->torn_tail);
  BOOST_TEST(s.sequences == range(1, last));
  BOOST_TEST(s.payloads_match);
  return *s.result;
}

bool has_tmp_file(const WalDir& dir) {
  for (auto& e : std::filesystem::directory_iterator(dir.dir()))
    if (e.path().extension() == ".tmp") return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_across_rollovers) {
  WalDir dir;
  auto writer = open_writer(io::posix_fs(), dir);
  BOOST_TEST(writer->current_segment() == "0000000000000001.wal");
  append_range(*writer, 1, 300, 200);
  BOOST_TEST(writer->bytes_written() == 300 * frame_size(200));

  ScanResult r = scan_clean(dir, 300);
  BOOST_TEST(r.segments.size() > 10u);
  BOOST_TEST(r.report.segments == r.segments.size());
  BOOST_TEST(r.report.frames == 300u);
  BOOST_TEST(r.report.frames_replayed == 300u);
  BOOST_TEST(r.report.bytes_replayed == 300 * frame_size(200));
  BOOST_TEST(r.report.last_sequence == 300u);
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    BOOST_TEST(r.segments[i].number == i + 1);
    BOOST_TEST(r.segments[i].file_size == kSegment);
    BOOST_TEST(r.segments[i].name == segment_file_name(r.segments[i].first_sequence));
    if (i > 0) BOOST_TEST(r.segments[i].first_sequence == r.segments[i - 1].last_sequence + 1);
  }
  BOOST_TEST(r.append.has_segment);
  BOOST_TEST(r.append.segment_name == writer->current_segment());
  BOOST_TEST(r.append.segment_first_sequence == writer->current_first_sequence());
  BOOST_TEST(r.append.offset == writer->current_offset());
  BOOST_TEST(r.append.next_sequence == 301u);
  BOOST_TEST(!has_tmp_file(dir));
}

BOOST_AUTO_TEST_CASE(reopen_at_append_position_continues_the_log) {
  WalDir dir;
  write_log(io::posix_fs(), dir, kId, 50, 120);
  ScanResult first = scan_clean(dir, 50);
  auto writer = open_writer(io::posix_fs(), dir, first.append);
  BOOST_TEST(writer->current_offset() == first.append.offset);
  append_range(*writer, 51, 120, 120);
  BOOST_TEST(writer->sync().ok());
  scan_clean(dir, 120);
}

BOOST_AUTO_TEST_CASE(after_sequence_counts_but_does_not_replay) {
  WalDir dir;
  write_log(io::posix_fs(), dir, kId, 40, 64);
  Scanned s = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::tolerate_corrupted_tail, 25);
  BOOST_REQUIRE(s.result.has_value());
  BOOST_TEST(s.sequences == range(26, 40));
  BOOST_TEST(s.result->report.frames == 40u);
  BOOST_TEST(s.result->report.frames_replayed == 15u);
  BOOST_TEST(s.result->report.bytes_replayed == 15 * frame_size(64));
}

BOOST_AUTO_TEST_CASE(group_larger_than_a_segment_gets_a_larger_segment) {
  WalDir dir;
  auto writer = open_writer(io::posix_fs(), dir);
  // Into the empty first segment: it grows in place (a roll would reuse its name).
  std::string group = frames_for(1, 30, 200);
  BOOST_REQUIRE(group.size() > kSegment);
  BOOST_TEST(writer->append(group, 1).ok());
  BOOST_TEST(writer->current_segment() == "0000000000000001.wal");
  append_range(*writer, 31, 35, 200);
  // Into a segment that already holds frames: a new, larger segment.
  std::string big = frames_for(36, 80, 200);
  BOOST_TEST(writer->append(big, 36).ok());
  BOOST_TEST(writer->current_first_sequence() == 36u);
  BOOST_TEST(std::filesystem::file_size(dir.file(writer->current_segment())) >= kSegmentHeaderSize + big.size());
  append_range(*writer, 81, 90, 200);
  scan_clean(dir, 90);
}

BOOST_AUTO_TEST_CASE(roll_starts_a_new_segment) {
  WalDir dir;
  auto writer = open_writer(io::posix_fs(), dir);
  BOOST_TEST(writer->roll(1).ok());  // empty segment: nothing to do
  BOOST_TEST(dir.segment_names().size() == 1u);
  append_range(*writer, 1, 3, 32);
  BOOST_TEST((writer->roll(3).code() == Code::invalid_argument));
  BOOST_TEST(writer->roll(4).ok());
  BOOST_TEST(writer->current_segment() == segment_file_name(4));
  BOOST_TEST(writer->current_offset() == kSegmentHeaderSize);
  BOOST_TEST((dir.segment_names() == std::vector<std::string>{segment_file_name(1), segment_file_name(4)}));
  append_range(*writer, 4, 6, 32);
  ScanResult r = scan_clean(dir, 6);
  BOOST_TEST(r.segments.at(1).number == 2u);
}

BOOST_AUTO_TEST_CASE(out_of_order_appends_are_refused_unwritten) {
  WalDir dir;
  auto writer = open_writer(io::posix_fs(), dir);
  append_range(*writer, 1, 2, 32);
  const std::uint64_t offset = writer->current_offset();
  BOOST_TEST((writer->append(encode_frame(4, payload_for(4, 32)), 4).code() == Code::invalid_argument));
  // A group whose frames do not carry consecutive sequences.
  std::string gap = encode_frame(3, payload_for(3, 32)) + encode_frame(5, payload_for(5, 32));
  BOOST_TEST((writer->append(gap, 3).code() == Code::invalid_argument));
  BOOST_TEST((writer->append(std::string(24, 'x'), 3).code() == Code::invalid_argument));
  BOOST_TEST(writer->current_offset() == offset);
  append_range(*writer, 3, 3, 32);
  scan_clean(dir, 3);
}

BOOST_AUTO_TEST_CASE(reopen_restores_the_preallocation_of_a_cut_segment) {
  WalDir dir;
  write_log(io::posix_fs(), dir, kId, 5, 100);
  ScanResult r = scan_clean(dir, 5);
  truncate_file(dir.file(r.append.segment_name), r.append.offset - 20);  // cut into frame 5
  Scanned torn = scan(io::posix_fs(), dir.fd(), kId);
  BOOST_REQUIRE(torn.result.has_value());
  BOOST_TEST(torn.result->torn_tail);
  auto writer = open_writer(io::posix_fs(), dir, torn.result->append);
  BOOST_TEST(std::filesystem::file_size(dir.file(r.append.segment_name)) == kSegment);
  append_range(*writer, 5, 9, 100);
  scan_clean(dir, 9);
}

BOOST_AUTO_TEST_CASE(reopen_discards_frames_behind_the_append_position) {
  // Frames 7..10 stand for a group write that partly reached the disk while
  // frame 6's sector did not: appends continue at frame 6, and what followed
  // it must never be read again.
  WalDir dir;
  write_log(io::posix_fs(), dir, kId, 10, 100);
  const std::string seg = segment_file_name(1);
  auto offsets = frame_offsets(dir.file(seg));
  BOOST_REQUIRE(offsets.size() == 10u);
  AppendPosition pos{true, seg, 1, 1, offsets[5], 6};
  auto writer = open_writer(io::posix_fs(), dir, pos);
  // A frame 6 of the same size as the old one, so old frame 7 would line up.
  BOOST_TEST(writer->append(encode_frame(6, payload_for(6, 100)), 6).ok());
  scan_clean(dir, 6);
}

BOOST_AUTO_TEST_CASE(failed_write_is_zeroed_and_the_writer_stays_usable) {
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir);
  append_range(*writer, 1, 4, 300);
  const std::uint64_t offset = writer->current_offset();
  fs.fail_pwrites = 1;
  fs.partial_bytes = 200;  // half a frame reaches the file
  Status s = writer->append(frames_for(5, 6, 300), 5);
  BOOST_TEST((s.code() == Code::no_space));
  BOOST_TEST(writer->current_offset() == offset);
  scan_clean(dir, 4);  // the partial frame is gone: a clean end, not a torn one
  append_range(*writer, 5, 8, 300);
  scan_clean(dir, 8);
}

BOOST_AUTO_TEST_CASE(failure_to_remove_a_partial_write_poisons) {
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir);
  append_range(*writer, 1, 2, 64);
  fs.fail_pwrites = 2;  // the write, then the zeroing
  fs.fail_code = Code::io_error;
  Status s = writer->append(frames_for(3, 3, 64), 3);
  BOOST_TEST((s.code() == Code::poisoned));
  BOOST_TEST(s.message().find("injected pwrite failure") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_space_for_a_new_segment_fails_the_append_only) {
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir);
  append_range(*writer, 1, 18, 200);  // 18 * 216 + 64 = 3952: the next frame rolls
  const std::string before = writer->current_segment();
  fs.fail_fallocates = 1;
  Status s = writer->append(frames_for(19, 19, 200), 19);
  BOOST_TEST((s.code() == Code::no_space));
  BOOST_TEST(writer->current_segment() == before);
  BOOST_TEST(!has_tmp_file(dir));
  BOOST_TEST(dir.segment_names().size() == 1u);
  append_range(*writer, 19, 25, 200);  // space is back
  BOOST_TEST(writer->current_segment() != before);
  scan_clean(dir, 25);
}

BOOST_AUTO_TEST_CASE(sync_failure_is_reported) {
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir);
  append_range(*writer, 1, 1, 64);
  fs.fail_fdatasyncs = 1;
  BOOST_TEST((writer->sync().code() == Code::poisoned));
}

BOOST_AUTO_TEST_CASE(no_space_while_creating_the_first_segment) {
  FaultFs fs;
  WalDir dir(fs);
  fs.fail_fallocates = 1;
  auto writer = LogWriter::open(fs, dir.fd(), kId, kSegment, AppendPosition{});
  BOOST_REQUIRE(!writer.has_value());
  BOOST_TEST((writer.error().code() == Code::no_space));
  BOOST_TEST(!has_tmp_file(dir));
  BOOST_TEST(dir.segment_names().empty());
}

namespace {

// The byte ranges written with zeros and with frames, merged where adjacent,
// in write order.
struct WriteRanges {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> zeros, data;  // [begin, end)
};

WriteRanges ranges_of(const std::vector<FaultFs::Write>& writes, std::size_t from = 0) {
  WriteRanges r;
  for (std::size_t i = from; i < writes.size(); ++i) {
    auto& list = writes[i].zeros ? r.zeros : r.data;
    const std::uint64_t begin = writes[i].offset, end = begin + writes[i].len;
    if (!list.empty() && list.back().second == begin)
      list.back().second = end;
    else
      list.emplace_back(begin, end);
  }
  return r;
}

using Range = std::pair<std::uint64_t, std::uint64_t>;
using Ranges = std::vector<Range>;

}  // namespace

BOOST_AUTO_TEST_CASE(appends_write_zeros_ahead_of_the_tail_once_per_chunk) {
  constexpr std::uint64_t kChunk = LogWriter::kZeroAheadBytes;
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir, {}, 8 * kChunk);
  const std::uint64_t start = writer->current_offset();

  std::size_t seen = fs.writes.size();
  append_range(*writer, 1, 1, 200);
  WriteRanges first = ranges_of(fs.writes, seen);
  const std::uint64_t zeroed_end = start + frame_size(200) + kChunk;
  BOOST_TEST((first.zeros == Ranges{{start, zeroed_end}}));
  BOOST_TEST((first.data == Ranges{{start, start + frame_size(200)}}));
  // The zeros went first: the frame was written over them, not the reverse.
  BOOST_TEST(fs.writes.back().zeros == false);

  // Frames that stay inside the zeroed chunk write only themselves.
  seen = fs.writes.size();
  const std::uint64_t frame = frame_size(4000);
  const std::uint64_t fitting = (zeroed_end - writer->current_offset()) / frame;
  append_range(*writer, 2, 1 + fitting, 4000);
  BOOST_TEST(ranges_of(fs.writes, seen).zeros.empty());

  // The next one reaches past it: zeros from the old end to a chunk past the new tail.
  seen = fs.writes.size();
  const std::uint64_t offset = writer->current_offset();
  append_range(*writer, 2 + fitting, 2 + fitting, 4000);
  BOOST_TEST((ranges_of(fs.writes, seen).zeros == Ranges{{zeroed_end, offset + frame + kChunk}}));
  scan_clean(dir, 2 + fitting);
}

// Appends nobody flushes next hand their frames to writeback a chunk at a
// time, from where the last flush or writeback ended; flushed ones never do.
BOOST_AUTO_TEST_CASE(unflushed_appends_start_writeback_every_chunk) {
  constexpr std::uint64_t kChunk = LogWriter::kWritebackBytes;
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir, {}, 8 * kChunk);
  const std::uint64_t frame = frame_size(4000);
  const std::uint64_t per_chunk = (kChunk + frame - 1) / frame;  // frames to reach a chunk

  // Flushed appends: never.
  append_range(*writer, 1, per_chunk + 1, 4000);
  BOOST_REQUIRE(writer->sync().ok());
  BOOST_TEST(fs.writebacks.empty());

  // Unflushed: nothing until a chunk has gathered, then exactly that range.
  const std::uint64_t from = writer->current_offset();
  std::uint64_t sequence = per_chunk + 2;
  for (std::uint64_t i = 0; i + 1 < per_chunk; ++i, ++sequence)
    BOOST_REQUIRE(writer->append(frames_for(sequence, sequence, 4000), sequence, LogWriter::Flush::later).ok());
  BOOST_TEST(fs.writebacks.empty());
  BOOST_REQUIRE(writer->append(frames_for(sequence, sequence, 4000), sequence, LogWriter::Flush::later).ok());
  ++sequence;
  BOOST_TEST((fs.writebacks == Ranges{{from, writer->current_offset()}}));

  // A flush in between: the next chunk is counted from where it ended.
  BOOST_REQUIRE(writer->append(frames_for(sequence, sequence, 4000), sequence, LogWriter::Flush::later).ok());
  ++sequence;
  BOOST_REQUIRE(writer->sync().ok());
  const std::uint64_t synced = writer->current_offset();
  for (std::uint64_t i = 0; i < per_chunk; ++i, ++sequence)
    BOOST_REQUIRE(writer->append(frames_for(sequence, sequence, 4000), sequence, LogWriter::Flush::later).ok());
  BOOST_TEST(fs.writebacks.size() == 2u);
  BOOST_TEST((fs.writebacks.back() == Range{synced, writer->current_offset()}));
  scan_clean(dir, sequence - 1);
}

BOOST_AUTO_TEST_CASE(zeros_ahead_stop_at_the_end_of_the_segment) {
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir);  // 4096-byte segments, far smaller than a chunk
  append_range(*writer, 1, 40, 200);
  for (const FaultFs::Write& w : fs.writes) BOOST_TEST(w.offset + w.len <= kSegment);
  ScanResult r = scan_clean(dir, 40);
  for (const SegmentInfo& segment : r.segments) BOOST_TEST(segment.file_size == kSegment);
}

BOOST_AUTO_TEST_CASE(failed_zeros_ahead_fail_the_append_and_leave_the_log_clean) {
  FaultFs fs;
  WalDir dir(fs);
  auto writer = open_writer(fs, dir, {}, 8 * LogWriter::kZeroAheadBytes);
  const std::uint64_t start = writer->current_offset();
  fs.fail_pwrites = 1;  // the first write of the zeros
  fs.fail_code = Code::io_error;
  Status s = writer->append(frames_for(1, 1, 200), 1);
  BOOST_TEST((s.code() == Code::io_error));
  BOOST_TEST(writer->current_offset() == start);
  BOOST_TEST(fs.writes.back().zeros);  // the frame itself was never written
  append_range(*writer, 1, 3, 200);
  scan_clean(dir, 3);
}
