// CRC32C, segment header, segment names and frame encoding/classification.
#define BOOST_TEST_MODULE wal_format
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "wal/crc32c.hpp"
#include "wal/format.hpp"
#include "wal_fixture.hpp"

using namespace walkv;
using namespace walkv::wal;
using walkv::wal::test::as_bytes;
using walkv::wal::test::encode_frame;
using walkv::wal::test::payload_for;

namespace {

std::span<const std::uint8_t> span_of(const std::vector<std::uint8_t>& v, std::size_t from = 0) {
  return std::span<const std::uint8_t>(v).subspan(from);
}

// A log image: `lead` zero bytes (standing for what precedes the frame in the
// file), the frame, then `tail` zero bytes of preallocated space.
std::vector<std::uint8_t> image(std::size_t lead, const std::string& frame, std::size_t tail) {
  std::vector<std::uint8_t> v(lead + frame.size() + tail, 0);
  std::memcpy(v.data() + lead, frame.data(), frame.size());
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crc)

BOOST_AUTO_TEST_CASE(known_vectors) {
  BOOST_TEST(crc32c("123456789", 9) == 0xE3069283u);
  std::vector<std::uint8_t> zeros(32, 0), ones(32, 0xff);
  BOOST_TEST(crc32c(zeros.data(), zeros.size()) == 0x8A9136AAu);  // RFC 3720 B.4
  BOOST_TEST(crc32c(ones.data(), ones.size()) == 0x62A8AB43u);
  BOOST_TEST(crc32c("", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(extend_equals_whole_and_implementations_agree) {
  std::mt19937 rng(7);
  std::vector<std::uint8_t> data(4096 + 8);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (std::size_t len = 0; len <= 1100; len += 13) {
    for (std::size_t misalign = 0; misalign < 8; ++misalign) {
      const std::uint8_t* p = data.data() + misalign;
      const std::uint32_t whole = crc32c(p, len);
      BOOST_TEST(whole == crc32c_extend_portable(0, p, len));
      const std::size_t cut = len / 3;
      BOOST_TEST(whole == crc32c_extend(crc32c(p, cut), p + cut, len - cut));
      BOOST_TEST(whole == crc32c_extend_portable(crc32c_extend_portable(0, p, cut), p + cut, len - cut));
    }
  }
}

BOOST_AUTO_TEST_CASE(mask_round_trips_and_changes_value) {
  for (std::uint32_t v : {0u, 1u, 0xE3069283u, 0xffffffffu, 0x12345678u}) {
    BOOST_TEST(unmask_crc(mask_crc(v)) == v);
    BOOST_TEST(mask_crc(v) != v);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(segment_header)

SegmentHeader sample() {
  SegmentHeader h;
  for (std::size_t i = 0; i < h.store_id.size(); ++i) h.store_id[i] = static_cast<std::uint8_t>(0xa0 + i);
  h.segment_number = 0x0102030405060708ull;
  h.first_sequence = 0x1122334455667788ull;
  return h;
}

BOOST_AUTO_TEST_CASE(round_trip_and_layout) {
  std::uint8_t buf[kSegmentHeaderSize];
  encode_segment_header(sample(), buf);
  BOOST_TEST(std::memcmp(buf, "WALKVLOG", 8) == 0);
  BOOST_TEST(buf[8] == kFormatVersion);   // u32 version, little-endian
  BOOST_TEST(buf[12] == 64);              // u32 header size
  BOOST_TEST(buf[16] == 0xa0);            // store id
  BOOST_TEST(buf[32] == 0x08);            // segment number, little-endian
  BOOST_TEST(buf[40] == 0x88);            // first sequence, little-endian
  for (int i = 48; i < 60; ++i) BOOST_TEST(buf[i] == 0);
  auto h = decode_segment_header(buf, sizeof buf);
  BOOST_REQUIRE(h.has_value());
  BOOST_TEST(h->format_version == kFormatVersion);
  BOOST_TEST((h->store_id == sample().store_id));
  BOOST_TEST(h->segment_number == sample().segment_number);
  BOOST_TEST(h->first_sequence == sample().first_sequence);
}

BOOST_AUTO_TEST_CASE(every_bit_flip_is_refused) {
  std::uint8_t good[kSegmentHeaderSize];
  encode_segment_header(sample(), good);
  for (std::size_t bit = 0; bit < kSegmentHeaderSize * 8; ++bit) {
    std::uint8_t buf[kSegmentHeaderSize];
    std::memcpy(buf, good, sizeof buf);
    buf[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto h = decode_segment_header(buf, sizeof buf);
    BOOST_REQUIRE_MESSAGE(!h.has_value(), "bit " << bit);
    const bool version_field = bit / 8 >= 8 && bit / 8 < 12;
    const Code expected = version_field && bit != 64 ? Code::version_mismatch : Code::corruption;
    BOOST_TEST((h.error().code() == expected), "bit " << bit << ": " << h.error().to_string());
  }
}

BOOST_AUTO_TEST_CASE(short_buffer_is_corruption) {
  std::uint8_t buf[kSegmentHeaderSize];
  encode_segment_header(sample(), buf);
  auto h = decode_segment_header(buf, kSegmentHeaderSize - 1);
  BOOST_REQUIRE(!h.has_value());
  BOOST_TEST((h.error().code() == Code::corruption));
}

BOOST_AUTO_TEST_CASE(newer_major_version_is_version_mismatch) {
  SegmentHeader h = sample();
  h.format_version = kFormatVersion + 1;
  std::uint8_t buf[kSegmentHeaderSize];
  encode_segment_header(h, buf);
  auto d = decode_segment_header(buf, sizeof buf);
  BOOST_REQUIRE(!d.has_value());
  BOOST_TEST((d.error().code() == Code::version_mismatch));
  BOOST_TEST(d.error().message().find("format version 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_names) {
  BOOST_TEST(segment_file_name(1) == "0000000000000001.wal");
  BOOST_TEST(segment_file_name(0xabcdef0123456789ull) == "abcdef0123456789.wal");
  for (std::uint64_t v : {0ull, 1ull, 255ull, 0xffffffffffffffffull}) {
    std::uint64_t parsed = 42;
    BOOST_TEST(parse_segment_file_name(segment_file_name(v), &parsed));
    BOOST_TEST(parsed == v);
  }
  std::uint64_t ignored = 0;
  for (const char* bad : {"0000000000000001.wal.tmp", "0000000000000001.wal.broken", "000000000000001.wal",
                          "00000000000000001.wal", "000000000000000A.wal", "000000000000000g.wal",
                          "0000000000000001.log", "LOCK", "", "../000000000001.wal"}) {
    BOOST_TEST(!parse_segment_file_name(bad, &ignored), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(frames)

BOOST_AUTO_TEST_CASE(round_trip_sizes_1_to_5000_at_every_alignment) {
  std::vector<std::uint8_t> storage(5000 + 64 + 16);
  for (std::size_t len = 1; len <= 5000; ++len) {
    const std::string payload = payload_for(len, len);
    const std::uint64_t sequence = 1000 + len;
    const std::string frame = encode_frame(sequence, payload);
    BOOST_REQUIRE(frame.size() == frame_size(len));
    BOOST_REQUIRE(frame.size() % 8 == 0);
    for (std::size_t pad = kFrameHeaderSize + len; pad < frame.size(); ++pad) BOOST_REQUIRE(frame[pad] == 0);
    // Decoding never depends on the buffer's memory alignment.
    const std::size_t misalign = len % 8;
    std::memcpy(storage.data() + misalign, frame.data(), frame.size());
    std::span<const std::uint8_t> buf(storage.data() + misalign, frame.size());
    FrameView v = decode_frame(buf, 64);
    BOOST_REQUIRE(v.kind == FrameView::Kind::frame);
    BOOST_REQUIRE(v.sequence == sequence);
    BOOST_REQUIRE(v.size == frame.size());
    BOOST_REQUIRE(v.payload.size() == len);
    BOOST_REQUIRE(std::memcmp(v.payload.data(), payload.data(), len) == 0);
  }
}

BOOST_AUTO_TEST_CASE(checksum_covers_payload_length_and_sequence) {
  const std::string payload = payload_for(3, 40);
  const std::string frame = encode_frame(3, payload);
  // Frame CRC = mask(crc32c(payload ++ le32 length ++ le64 sequence)).
  std::string covered = payload + std::string("\x28\0\0\0", 4) + std::string("\x03\0\0\0\0\0\0\0", 8);
  std::uint32_t stored;
  std::memcpy(&stored, frame.data() + 4, 4);
  BOOST_TEST(stored == mask_crc(crc32c(covered.data(), covered.size())));
  for (std::size_t byte = 0; byte < frame.size() - 0; ++byte) {
    if (byte >= 4 && byte < 8) continue;  // the checksum itself
    if (byte >= kFrameHeaderSize + payload.size()) continue;  // padding is not covered
    std::string damaged = frame;
    damaged[byte] = static_cast<char>(damaged[byte] ^ 0x01);
    auto img = image(0, damaged, 64);
    FrameView v = decode_frame(span_of(img), 64);
    BOOST_TEST((v.kind != FrameView::Kind::frame), "byte " << byte);
  }
}

BOOST_AUTO_TEST_CASE(zeros_are_the_end_of_the_log) {
  std::vector<std::uint8_t> zeros(100, 0);
  BOOST_TEST((decode_frame(span_of(zeros), 64).kind == FrameView::Kind::end_of_log));
  for (std::size_t n : {0, 1, 3, 4, 7, 8, 15}) {
    BOOST_TEST((decode_frame(span_of(zeros).first(n), 64).kind == FrameView::Kind::end_of_log), n);
  }
}

BOOST_AUTO_TEST_CASE(zero_length_with_checksum_is_corrupt) {
  std::vector<std::uint8_t> buf(64, 0);
  buf[5] = 1;
  FrameView v = decode_frame(span_of(buf), 64);
  BOOST_TEST((v.kind == FrameView::Kind::corrupt));
}

BOOST_AUTO_TEST_CASE(frame_cut_anywhere_runs_past_end) {
  const std::string frame = encode_frame(9, payload_for(9, 300));
  auto img = image(0, frame, 0);
  for (std::size_t cut = 1; cut < frame.size(); ++cut) {
    FrameView v = decode_frame(span_of(img).first(cut), 64);
    BOOST_REQUIRE_MESSAGE(v.kind == FrameView::Kind::torn, "cut " << cut);
    BOOST_TEST(v.size == 0u);  // cannot be stepped over
    BOOST_TEST(std::string(v.reason).find("past end") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(huge_length_is_torn_without_reading_it) {
  std::string frame = encode_frame(9, payload_for(9, 16));
  frame[3] = static_cast<char>(0x80);  // length > kMaxFrameLength
  auto img = image(0, frame, 0);
  BOOST_TEST((decode_frame(span_of(img), 64).kind == FrameView::Kind::torn));
  frame[3] = 0x7f;  // sane by the limit but far past the buffer
  img = image(0, frame, 0);
  FrameView v = decode_frame(span_of(img), 64);
  BOOST_TEST((v.kind == FrameView::Kind::torn));
}

BOOST_AUTO_TEST_CASE(bit_flip_without_zero_sector_is_corrupt) {
  const std::string frame = encode_frame(5, payload_for(5, 2000));
  std::string damaged = frame;
  damaged[1000] = static_cast<char>(damaged[1000] ^ 0x10);
  auto img = image(64, damaged, 1024);
  FrameView v = decode_frame(span_of(img, 64), 64);
  BOOST_TEST((v.kind == FrameView::Kind::corrupt));
  BOOST_TEST(v.size == frame.size());
  BOOST_TEST(std::string(v.reason) == "checksum mismatch");
}

BOOST_AUTO_TEST_CASE(whole_zero_sector_inside_frame_is_torn) {
  // The frame spans file offsets [64, 64+2016); sector [1024, 1536) lies inside.
  std::string damaged = encode_frame(5, payload_for(5, 2000));
  std::memset(damaged.data() + (1024 - 64), 0, 512);
  auto img = image(64, damaged, 1024);
  FrameView v = decode_frame(span_of(img, 64), 64);
  BOOST_TEST((v.kind == FrameView::Kind::torn));
  BOOST_TEST(std::string(v.reason).find("zero sector") != std::string::npos);
  BOOST_TEST(v.size == damaged.size());
}

BOOST_AUTO_TEST_CASE(zero_run_not_covering_an_aligned_sector_is_corrupt) {
  // 600 zero bytes, but no 512-byte-aligned sector is all zero.
  std::string damaged = encode_frame(5, payload_for(5, 2000));
  std::memset(damaged.data() + (1100 - 64), 0, 600);
  auto img = image(64, damaged, 1024);
  BOOST_TEST((decode_frame(span_of(img, 64), 64).kind == FrameView::Kind::corrupt));
}

BOOST_AUTO_TEST_CASE(lost_last_sector_of_a_frame_crossing_a_boundary_is_torn) {
  // Frame at file offset 480 of 120 bytes: its last 88 bytes fall in sector
  // [512, 1024), which never reached the disk (still preallocated zeros).
  std::string damaged = encode_frame(5, payload_for(5, 104));
  std::memset(damaged.data() + 32, 0, damaged.size() - 32);
  auto img = image(480, damaged, 1024);
  FrameView v = decode_frame(span_of(img, 480), 480);
  BOOST_TEST((v.kind == FrameView::Kind::torn));
  // The same frame with a bit flip instead: the sector holds frame data.
  std::string flipped = encode_frame(5, payload_for(5, 104));
  flipped[60] = static_cast<char>(flipped[60] ^ 2);
  img = image(480, flipped, 1024);
  BOOST_TEST((decode_frame(span_of(img, 480), 480).kind == FrameView::Kind::corrupt));
}

BOOST_AUTO_TEST_CASE(sector_holding_the_next_frame_is_not_zero) {
  // A damaged frame followed by another frame in the same sector is corrupt.
  std::string first = encode_frame(5, payload_for(5, 104));
  first[60] = static_cast<char>(first[60] ^ 2);
  const std::string both = first + encode_frame(6, payload_for(6, 8));
  auto img = image(480, both, 0);
  BOOST_TEST((decode_frame(span_of(img, 480), 480).kind == FrameView::Kind::corrupt));
}

BOOST_AUTO_TEST_SUITE_END()
