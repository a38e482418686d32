// scan_log: torn tails, corruption, segment-level damage and recovery modes.
#define BOOST_TEST_MODULE wal_log_reader
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "fault_fs.hpp"
#include "wal/read_window.hpp"
#include "wal_fixture.hpp"

using namespace walkv;
using namespace walkv::wal;
using namespace walkv::wal::test;

namespace {

const StoreId kId = make_store_id(1);
const StoreId kOtherId = make_store_id(2);
constexpr std::uint64_t kSegment = 4096;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Status refused(const Scanned& s) {
  BOOST_REQUIRE_MESSAGE(!s.result.has_value(), "the scan should have refused the log");
  return s.result.error();
}

const ScanResult& accepted(const Scanned& s) {
  BOOST_REQUIRE_MESSAGE(s.result.has_value(), why(s.result));
  return *s.result;
}

// A log of `count` frames of `len` bytes over several 4 KiB segments.
void make_log(const WalDir& dir, std::uint64_t count, std::size_t len) {
  write_log(io::posix_fs(), dir, kId, count, len, kSegment);
}

}  // namespace

BOOST_AUTO_TEST_CASE(empty_directory_is_an_empty_log) {
  WalDir dir;
  Scanned s = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::tolerate_corrupted_tail, 7);
  const ScanResult& r = accepted(s);
  BOOST_TEST(!r.append.has_segment);
  BOOST_TEST(r.append.next_sequence == 8u);
  BOOST_TEST(r.report.last_sequence == 7u);
  BOOST_TEST(r.report.segments == 0u);
}

BOOST_AUTO_TEST_CASE(empty_segment_reports_sequence_before_its_first) {
  WalDir dir;
  dir.write_segment(header_for(kId, 3, 100), "");
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  const ScanResult& r = accepted(s);
  BOOST_TEST(r.report.last_sequence == 99u);
  BOOST_TEST(r.append.next_sequence == 100u);
  BOOST_TEST(r.append.offset == kSegmentHeaderSize);
  BOOST_TEST(r.append.segment_number == 3u);
}

BOOST_AUTO_TEST_CASE(temporary_and_broken_files_are_ignored) {
  WalDir dir;
  make_log(dir, 10, 100);
  write_bytes(dir.file("0000000000000064.wal.tmp"), std::string(4096, 'x'));
  write_bytes(dir.file("0000000000000001.wal.broken"), std::string(100, 'y'));
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  BOOST_TEST(accepted(s).report.corruptions.empty());
  BOOST_TEST(s.sequences == range(1, 10));
}

BOOST_AUTO_TEST_CASE(torn_last_frame_cut_at_every_byte) {
  // One clean log, copied and cut for every offset inside its last frame.
  std::vector<std::pair<std::string, std::string>> files;  // name, contents
  std::uint64_t frame_at = 0, frame_len = 0;
  {
    WalDir source;
    make_log(source, 30, 180);
    for (const auto& name : source.segment_names()) files.emplace_back(name, read_bytes(source.file(name)));
    auto offsets = frame_offsets(source.file(files.back().first));
    BOOST_REQUIRE(!offsets.empty());
    frame_at = offsets.back();
    frame_len = frame_size(180);
  }
  for (std::uint64_t cut = frame_at; cut < frame_at + frame_len; ++cut) {
    WalDir dir;
    for (const auto& [name, data] : files) write_bytes(dir.file(name), data);
    const std::string last = files.back().first;
    truncate_file(dir.file(last), cut);

    Scanned s = scan(io::posix_fs(), dir.fd(), kId);
    const ScanResult& r = accepted(s);
    BOOST_REQUIRE(s.sequences == range(1, 29));
    BOOST_REQUIRE(r.append.offset == frame_at);
    BOOST_REQUIRE(r.append.next_sequence == 30u);
    if (cut == frame_at) {
      BOOST_REQUIRE(r.report.corruptions.empty());  // nothing of the frame: a clean end
      BOOST_REQUIRE(!r.torn_tail);
    } else {
      BOOST_REQUIRE_MESSAGE(r.torn_tail, "cut " << cut);
      BOOST_REQUIRE(r.report.corruptions.size() == 1u);
      const Corruption& c = r.report.corruptions[0];
      BOOST_REQUIRE(c.torn_tail);
      BOOST_REQUIRE(c.segment == "wal/" + last);
      BOOST_REQUIRE(c.offset == frame_at);
      BOOST_REQUIRE(r.report.bytes_truncated > 0u);
      BOOST_REQUIRE(r.report.bytes_truncated <= cut - frame_at);
      // Strict mode refuses the same log.
      BOOST_REQUIRE(!scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::absolute_consistency).result.has_value());
    }
    // Appends continue at the reported position and the log reads clean.
    auto writer = LogWriter::open(io::posix_fs(), dir.fd(), kId, kSegment, r.append);
    BOOST_REQUIRE(writer.has_value());
    append_range(**writer, 30, 32, 40);
    Scanned again = scan(io::posix_fs(), dir.fd(), kId);
    BOOST_REQUIRE(accepted(again).report.corruptions.empty());
    BOOST_REQUIRE(again.sequences == range(1, 32));
    BOOST_REQUIRE(again.payloads_match);
  }
}

BOOST_AUTO_TEST_CASE(zero_sector_in_the_last_frame_is_a_torn_tail) {
  WalDir dir;
  make_log(dir, 3, 1500);
  const std::string seg = dir.segment_names().back();
  auto offsets = frame_offsets(dir.file(seg));
  const std::uint64_t last = offsets.back();
  const std::uint64_t sector = (last / 512 + 1) * 512;
  zero_range(dir.file(seg), sector, 512);
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  const ScanResult& r = accepted(s);
  BOOST_TEST(r.torn_tail);
  BOOST_REQUIRE(r.report.corruptions.size() == 1u);
  BOOST_TEST(contains(r.report.corruptions[0].reason, "zero sector"));
  BOOST_TEST(r.report.corruptions[0].offset == last);
  BOOST_TEST(r.report.bytes_truncated == frame_size(1500));
  BOOST_TEST(r.append.offset == last);
}

BOOST_AUTO_TEST_CASE(zeroed_preallocated_tail_is_a_clean_end) {
  WalDir dir;
  make_log(dir, 12, 100);
  const std::string seg = dir.segment_names().back();
  auto offsets = frame_offsets(dir.file(seg));
  // The last frame never reached the disk at all: all zeros, like the tail.
  zero_range(dir.file(seg), offsets.back(), frame_size(100));
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  const ScanResult& r = accepted(s);
  BOOST_TEST(r.report.corruptions.empty());
  BOOST_TEST(!r.torn_tail);
  BOOST_TEST(r.report.bytes_truncated == 0u);
  BOOST_TEST(s.sequences == range(1, 11));
}

BOOST_AUTO_TEST_CASE(bit_flip_mid_log_names_segment_and_offset) {
  WalDir dir;
  make_log(dir, 60, 150);
  auto names = dir.segment_names();
  BOOST_REQUIRE(names.size() >= 3u);
  // In an earlier segment, and in the last segment before its last frame.
  for (const std::string& seg : {names[1], names.back()}) {
    auto offsets = frame_offsets(dir.file(seg));
    BOOST_REQUIRE(offsets.size() >= 2u);
    const std::uint64_t at = offsets[offsets.size() - 2];
    xor_byte(dir.file(seg), at + kFrameHeaderSize + 77);
    for (RecoveryMode mode : {RecoveryMode::tolerate_corrupted_tail, RecoveryMode::absolute_consistency}) {
      Status st = refused(scan(io::posix_fs(), dir.fd(), kId, mode));
      BOOST_TEST((st.code() == Code::corruption));
      BOOST_TEST(contains(st.message(), "wal/" + seg), st.message());
      BOOST_TEST(contains(st.message(), "at offset " + std::to_string(at)), st.message());
      BOOST_TEST(contains(st.message(), "checksum mismatch"), st.message());
    }
    xor_byte(dir.file(seg), at + kFrameHeaderSize + 77);  // repair for the next round
  }
  BOOST_TEST(accepted(scan(io::posix_fs(), dir.fd(), kId)).report.corruptions.empty());
}

BOOST_AUTO_TEST_CASE(damaged_length_mid_log_is_refused) {
  WalDir dir;
  make_log(dir, 40, 100);
  const std::string seg = dir.segment_names().front();
  auto offsets = frame_offsets(dir.file(seg));
  xor_byte(dir.file(seg), offsets[3] + 3, 0x80);  // length beyond any file
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST(contains(st.message(), "wal/" + seg + " at offset " + std::to_string(offsets[3])), st.message());
}

BOOST_AUTO_TEST_CASE(damaged_length_in_the_last_segment_is_not_a_torn_tail) {
  // A length made larger reaches into the zero preallocated tail (a "zero
  // sector") or past the end of the file: both look torn, but the next frame
  // lies inside the claimed extent, so the length itself is damaged.
  for (std::uint8_t byte : {1, 3}) {  // +2048 bytes (zero sector), +1 GiB (past end of file)
    WalDir dir;
    make_log(dir, 10, 100);
    const std::string seg = dir.segment_names().back();
    auto offsets = frame_offsets(dir.file(seg));
    xor_byte(dir.file(seg), offsets[2] + byte, byte == 1 ? 0x08 : 0x40);
    Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
    BOOST_TEST(contains(st.message(), "at offset " + std::to_string(offsets[2]) + ": damaged length"), st.message());

    // skip_corrupted resumes at the next frame.
    Scanned s = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::skip_corrupted);
    std::vector<std::uint64_t> expect = range(1, 10);
    expect.erase(expect.begin() + 2);
    BOOST_TEST(s.sequences == expect);
    BOOST_TEST(accepted(s).report.bytes_truncated == frame_size(100));
  }
}

BOOST_AUTO_TEST_CASE(damaged_length_of_the_last_frame_reads_as_torn) {
  // Nothing follows it, so it cannot be told from a torn write.
  WalDir dir;
  make_log(dir, 10, 100);
  const std::string seg = dir.segment_names().back();
  auto offsets = frame_offsets(dir.file(seg));
  xor_byte(dir.file(seg), offsets.back() + 1, 0x08);
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  BOOST_TEST(accepted(s).torn_tail);
  BOOST_TEST(s.sequences == range(1, 9));
}

BOOST_AUTO_TEST_CASE(torn_frame_outside_the_last_segment_is_corruption) {
  WalDir dir;
  make_log(dir, 60, 150);
  const std::string seg = dir.segment_names().front();
  auto offsets = frame_offsets(dir.file(seg));
  truncate_file(dir.file(seg), offsets.back() + 20);
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST((st.code() == Code::corruption));
  BOOST_TEST(contains(st.message(), "not in the last segment"), st.message());
}

BOOST_AUTO_TEST_CASE(sequence_gap_is_corruption) {
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40) + frames_for(5, 6, 40));
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST(contains(st.message(), "sequence gap: expected 4, found 5"), st.message());
  // The first frame must carry the header's first sequence.
  WalDir other;
  other.write_segment(header_for(kId, 1, 1), frames_for(2, 3, 40));
  BOOST_TEST(contains(refused(scan(io::posix_fs(), other.fd(), kId)).message(), "sequence gap"));
}

BOOST_AUTO_TEST_CASE(sequence_gap_between_segments_is_corruption) {
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40));
  dir.write_segment(header_for(kId, 2, 5), frames_for(5, 6, 40));
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST(contains(st.message(), "wal/0000000000000005.wal at offset 0: sequence gap"), st.message());
}

BOOST_AUTO_TEST_CASE(missing_middle_segment_is_corruption) {
  WalDir dir;
  make_log(dir, 60, 150);
  auto names = dir.segment_names();
  BOOST_REQUIRE(names.size() >= 3u);
  std::filesystem::remove(dir.file(names[1]));
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST((st.code() == Code::corruption));
  BOOST_TEST(contains(st.message(), "missing segment 2"), st.message());
  BOOST_TEST(contains(st.message(), "wal/" + names[2]), st.message());
}

BOOST_AUTO_TEST_CASE(hole_the_snapshot_covers_is_not_damage) {
  // A crash while compaction deleted old segments may leave a hole among them;
  // every frame the hole held is in the snapshot (after_sequence).
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40));
  dir.write_segment(header_for(kId, 3, 7), frames_for(7, 9, 40));
  Scanned covered = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::tolerate_corrupted_tail, 6);
  BOOST_TEST(accepted(covered).report.corruptions.empty());
  BOOST_TEST(covered.sequences == range(7, 9));
  BOOST_TEST(covered.result->report.last_sequence == 9u);
  // One sequence short of covering the hole: frame 6 is lost.
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::tolerate_corrupted_tail, 5));
  BOOST_TEST(contains(st.message(), "missing segment 2"), st.message());
}

BOOST_AUTO_TEST_CASE(duplicate_segment_number_is_corruption) {
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40));
  dir.write_segment(header_for(kId, 1, 4), frames_for(4, 6, 40));
  dir.write_segment(header_for(kId, 2, 7), frames_for(7, 8, 40));
  BOOST_TEST(contains(refused(scan(io::posix_fs(), dir.fd(), kId)).message(), "duplicate segment 1"));
}

BOOST_AUTO_TEST_CASE(foreign_last_segment_reads_as_end_of_log) {
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40));
  dir.write_segment(header_for(kId, 2, 4), frames_for(4, 6, 40));
  dir.write_segment(header_for(kOtherId, 3, 7), frames_for(7, 9, 40));
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  const ScanResult& r = accepted(s);
  BOOST_TEST(s.sequences == range(1, 6));
  BOOST_REQUIRE(r.report.corruptions.size() == 1u);
  BOOST_TEST(contains(r.report.corruptions[0].reason, "stale segment ignored"));
  BOOST_TEST(!r.report.corruptions[0].torn_tail);
  BOOST_TEST((r.discarded_segments == std::vector<std::string>{segment_file_name(7)}));
  BOOST_TEST(r.append.segment_name == segment_file_name(4));
  BOOST_TEST(r.append.next_sequence == 7u);
}

BOOST_AUTO_TEST_CASE(earlier_numbered_last_segment_reads_as_end_of_log) {
  // A leftover from an earlier life of the log (say a recycled file).
  WalDir dir;
  dir.write_segment(header_for(kId, 5, 1), frames_for(1, 3, 40));
  dir.write_segment(header_for(kId, 6, 4), frames_for(4, 6, 40));
  dir.write_segment(header_for(kId, 2, 9), frames_for(9, 9, 40));
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  const ScanResult& r = accepted(s);
  BOOST_TEST(s.sequences == range(1, 6));
  BOOST_REQUIRE(r.report.corruptions.size() == 1u);
  BOOST_TEST(contains(r.report.corruptions[0].reason, "stale segment ignored"));
}

BOOST_AUTO_TEST_CASE(foreign_segment_in_the_middle_is_corruption) {
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40));
  dir.write_segment(header_for(kOtherId, 2, 4), frames_for(4, 6, 40));
  dir.write_segment(header_for(kId, 3, 7), frames_for(7, 9, 40));
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST(contains(st.message(), "foreign segment"), st.message());
}

BOOST_AUTO_TEST_CASE(damaged_segment_header_is_corruption) {
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40));
  dir.write_segment(header_for(kId, 2, 4), frames_for(4, 6, 40));
  xor_byte(dir.file(segment_file_name(4)), 33);
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST(contains(st.message(), "wal/0000000000000004.wal at offset 0: segment header: checksum mismatch"),
             st.message());
}

BOOST_AUTO_TEST_CASE(empty_segment_file_is_corruption) {
  // Segments are created through .tmp + rename after fdatasync: an empty file
  // under a segment name is damage, not a crash in progress.
  WalDir dir;
  dir.write_segment(header_for(kId, 1, 1), frames_for(1, 3, 40));
  write_bytes(dir.file(segment_file_name(4)), "");
  Status st = refused(scan(io::posix_fs(), dir.fd(), kId));
  BOOST_TEST(contains(st.message(), "wal/0000000000000004.wal at offset 0"), st.message());
  BOOST_TEST(contains(st.message(), "shorter than a header"), st.message());
}

BOOST_AUTO_TEST_CASE(newer_format_is_refused_with_version_mismatch) {
  WalDir dir;
  SegmentHeader h = header_for(kId, 1, 1);
  h.format_version = kFormatVersion + 1;
  dir.write_segment(h, frames_for(1, 2, 40));
  for (RecoveryMode mode : {RecoveryMode::tolerate_corrupted_tail, RecoveryMode::skip_corrupted,
                            RecoveryMode::point_in_time}) {
    Status st = refused(scan(io::posix_fs(), dir.fd(), kId, mode));
    BOOST_TEST((st.code() == Code::version_mismatch));
    BOOST_TEST(contains(st.message(), "wal/0000000000000001.wal"));
  }
}

BOOST_AUTO_TEST_CASE(point_in_time_stops_at_the_first_damage) {
  WalDir dir;
  make_log(dir, 90, 150);
  auto names = dir.segment_names();
  BOOST_REQUIRE(names.size() >= 4u);
  auto offsets = frame_offsets(dir.file(names[1]));
  const std::uint64_t at = offsets[2];
  xor_byte(dir.file(names[1]), at + kFrameHeaderSize + 5);
  std::uint64_t first_in_seg1 = 0;
  BOOST_REQUIRE(parse_segment_file_name(names[1], &first_in_seg1));

  Scanned s = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::point_in_time);
  const ScanResult& r = accepted(s);
  BOOST_TEST(s.sequences == range(1, first_in_seg1 + 1));  // a consistent prefix
  BOOST_REQUIRE(r.report.corruptions.size() == 1u);
  BOOST_TEST(r.report.corruptions[0].segment == "wal/" + names[1]);
  BOOST_TEST(r.report.corruptions[0].offset == at);
  BOOST_TEST(r.report.last_sequence == first_in_seg1 + 1);
  BOOST_TEST(r.append.segment_name == names[1]);
  BOOST_TEST(r.append.offset == at);
  BOOST_TEST(r.append.next_sequence == first_in_seg1 + 2);
  BOOST_TEST(r.torn_tail);
  BOOST_TEST((r.discarded_segments == std::vector<std::string>(names.begin() + 2, names.end())));
  // The damaged frame and everything after it, later segments included.
  std::uint64_t later = 0;
  for (std::size_t i = 2; i < names.size(); ++i) later += frame_offsets(dir.file(names[i])).size() * frame_size(150) + 64;
  const std::uint64_t in_seg1 = (offsets.size() - 2) * frame_size(150);
  BOOST_TEST(r.report.bytes_truncated == later + in_seg1);

  // After moving the discarded segments aside, appends continue and the log is clean.
  for (const auto& name : r.discarded_segments) std::filesystem::rename(dir.file(name), dir.file(name + ".broken"));
  auto writer = LogWriter::open(io::posix_fs(), dir.fd(), kId, kSegment, r.append);
  BOOST_REQUIRE(writer.has_value());
  append_range(**writer, first_in_seg1 + 2, first_in_seg1 + 40, 150);
  Scanned again = scan(io::posix_fs(), dir.fd(), kId);
  BOOST_TEST(accepted(again).report.corruptions.empty());
  BOOST_TEST(again.sequences == range(1, first_in_seg1 + 40));
}

BOOST_AUTO_TEST_CASE(point_in_time_stops_at_a_missing_segment) {
  WalDir dir;
  make_log(dir, 60, 150);
  auto names = dir.segment_names();
  std::filesystem::remove(dir.file(names[1]));
  std::uint64_t first_in_seg1 = 0;
  BOOST_REQUIRE(parse_segment_file_name(names[1], &first_in_seg1));
  Scanned s = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::point_in_time);
  const ScanResult& r = accepted(s);
  BOOST_TEST(s.sequences == range(1, first_in_seg1 - 1));
  BOOST_TEST(r.append.segment_name == names[0]);
  BOOST_TEST(r.discarded_segments.size() == names.size() - 2);
  BOOST_TEST(contains(r.report.corruptions.at(0).reason, "missing segment 2"));
}

BOOST_AUTO_TEST_CASE(skip_corrupted_skips_damaged_frames_and_continues) {
  WalDir dir;
  make_log(dir, 60, 150);
  auto names = dir.segment_names();
  auto offsets = frame_offsets(dir.file(names[1]));
  std::uint64_t first_in_seg1 = 0;
  BOOST_REQUIRE(parse_segment_file_name(names[1], &first_in_seg1));
  xor_byte(dir.file(names[1]), offsets[2] + kFrameHeaderSize + 9);  // frame first+2
  Scanned s = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::skip_corrupted);
  const ScanResult& r = accepted(s);
  std::vector<std::uint64_t> expect = range(1, 60);
  expect.erase(expect.begin() + static_cast<long>(first_in_seg1 + 1));
  BOOST_TEST(s.sequences == expect);
  BOOST_TEST(s.payloads_match);
  BOOST_REQUIRE(r.report.corruptions.size() == 1u);  // the gap it leaves is not reported again
  BOOST_TEST(r.report.corruptions[0].offset == offsets[2]);
  BOOST_TEST(r.report.bytes_truncated == frame_size(150));
  BOOST_TEST(r.append.next_sequence == 61u);
  BOOST_TEST(!r.torn_tail);
}

BOOST_AUTO_TEST_CASE(skip_corrupted_abandons_a_segment_with_an_insane_length) {
  WalDir dir;
  make_log(dir, 60, 150);
  auto names = dir.segment_names();
  auto offsets = frame_offsets(dir.file(names[1]));
  std::uint64_t first_in_seg2 = 0;
  BOOST_REQUIRE(parse_segment_file_name(names[2], &first_in_seg2));
  std::uint64_t first_in_seg1 = 0;
  BOOST_REQUIRE(parse_segment_file_name(names[1], &first_in_seg1));
  xor_byte(dir.file(names[1]), offsets[4] + 3, 0x80);
  // The next frame is damaged too, so nothing tells where frames resume.
  xor_byte(dir.file(names[1]), offsets[5] + kFrameHeaderSize + 1);
  Scanned s = scan(io::posix_fs(), dir.fd(), kId, RecoveryMode::skip_corrupted);
  accepted(s);
  std::vector<std::uint64_t> expect = range(1, first_in_seg1 + 3);
  for (std::uint64_t q = first_in_seg2; q <= 60; ++q) expect.push_back(q);
  BOOST_TEST(s.sequences == expect);
  BOOST_TEST(s.result->report.corruptions.size() == 1u);
}

BOOST_AUTO_TEST_CASE(reporter_hears_every_damage) {
  struct Collect : Reporter {
    std::vector<Corruption> seen;
    void corruption(const Corruption& c) override { seen.push_back(c); }
  } collect;
  WalDir dir;
  make_log(dir, 60, 150);
  auto names = dir.segment_names();
  auto offsets = frame_offsets(dir.file(names[0]));
  xor_byte(dir.file(names[0]), offsets[1] + 20);
  xor_byte(dir.file(names[0]), offsets[5] + 20);
  ScanOptions options;
  options.mode = RecoveryMode::skip_corrupted;
  options.reporter = &collect;
  auto r = scan_log(io::posix_fs(), dir.fd(), kId, options, [](std::uint64_t, std::span<const std::uint8_t>) {
    return Status();
  });
  BOOST_REQUIRE(r.has_value());
  BOOST_REQUIRE(collect.seen.size() == 2u);
  BOOST_TEST(collect.seen[0].offset == offsets[1]);
  BOOST_TEST(collect.seen[1].offset == offsets[5]);
  BOOST_TEST(r->report.corruptions.size() == 2u);
}

BOOST_AUTO_TEST_CASE(sink_error_stops_the_scan) {
  WalDir dir;
  make_log(dir, 20, 50);
  int calls = 0;
  auto r = scan_log(io::posix_fs(), dir.fd(), kId, ScanOptions{}, [&](std::uint64_t seq, std::span<const std::uint8_t>) {
    ++calls;
    return seq == 5 ? Status(Code::corruption, "bad batch") : Status();
  });
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message() == "bad batch");
  BOOST_TEST(calls == 5);
}

// Frames are read through a ReadWindow: one longer than the window, and
// frames that straddle its refills, come back whole.
BOOST_AUTO_TEST_CASE(frames_longer_than_the_read_window_are_replayed_whole) {
  WalDir dir;
  const std::size_t big = ReadWindow::kWindowBytes + 5000;
  std::string frames = frames_for(1, 2, big) + frames_for(3, 40, 10000) + frames_for(41, 41, big);
  dir.write_segment(header_for(kId, 1, 1), frames, kSegmentHeaderSize + frames.size() + 4096);
  Scanned s = scan(io::posix_fs(), dir.fd(), kId);
  const ScanResult& r = accepted(s);
  BOOST_TEST(s.sequences == range(1, 41), boost::test_tools::per_element());
  BOOST_TEST(s.payloads_match);
  BOOST_TEST(r.report.corruptions.empty());
  BOOST_TEST(r.append.offset == kSegmentHeaderSize + frames.size());
}

BOOST_AUTO_TEST_CASE(a_read_error_during_the_scan_is_returned) {
  WalDir dir;
  make_log(dir, 20, 100);
  FaultFs fs;
  fs.fail_preads = 1;
  Scanned s = scan(fs, dir.fd(), kId);
  BOOST_REQUIRE(!s.result.has_value());
  BOOST_TEST((s.result.error().code() == Code::io_error));
  BOOST_TEST(s.sequences.empty());
}

BOOST_AUTO_TEST_CASE(the_position_names_each_frames_segment_and_offset) {
  WalDir dir;
  make_log(dir, 30, 700);  // several 4 KiB segments
  std::vector<std::pair<std::string, std::uint64_t>> expected;
  for (const std::string& name : dir.segment_names())
    for (std::uint64_t offset : frame_offsets(dir.file(name))) expected.emplace_back(name, offset);
  FramePosition position;
  ScanOptions options;
  options.position = &position;
  std::vector<std::pair<std::string, std::uint64_t>> seen;
  auto r = scan_log(io::posix_fs(), dir.fd(), kId, options, [&](std::uint64_t, std::span<const std::uint8_t>) {
    seen.emplace_back(position.segment, position.offset);
    return Status();
  });
  BOOST_REQUIRE_MESSAGE(r.has_value(), why(r));
  BOOST_TEST(expected.size() == 30u);
  BOOST_TEST((seen == expected));
}
