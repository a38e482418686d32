// Fuzz target: the frame decoder (wal::decode_frame), the segment header
// decoder and segment file names (lib/wal/format.hpp).
//
// Input: byte 0 picks the frame's position in its file (64 + 8*k, so frames
// start anywhere inside a 512-byte sector); the rest is the file from there
// to its end. Properties:
//  - decode_frame never reads outside the buffer (ASan) and its result is
//    consistent: a valid frame lies inside the buffer, re-encodes to the same
//    header and payload; a damaged one is either steppable (size = the frame's
//    size, within the buffer) or not (size 0);
//  - any payload and sequence encode to a frame that decodes back to them;
//  - a decodable segment header re-encodes to a header that decodes the same;
//  - a parsable segment file name is the name segment_file_name gives.
#include <cstring>
#include <string>

#include "fuzz_target.hpp"
#include "wal/format.hpp"

using namespace walkv::wal;

namespace {

std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void check_decoded(std::span<const std::uint8_t> buf, std::uint64_t offset) {
  const FrameView v = decode_frame(buf, offset);
  FUZZ_CHECK(v.reason != nullptr);
  switch (v.kind) {
    case FrameView::Kind::frame: {
      FUZZ_CHECK(!v.payload.empty());
      FUZZ_CHECK(v.payload.data() == buf.data() + kFrameHeaderSize);
      FUZZ_CHECK(v.size == frame_size(v.payload.size()));
      FUZZ_CHECK(v.size <= buf.size());
      FUZZ_CHECK(v.size % 8 == 0);
      std::string again;
      append_frame(again, v.sequence, v.payload, payload_crc(v.payload));
      FUZZ_CHECK(again.size() == v.size);
      // Padding is not covered by the checksum; everything else must match.
      FUZZ_CHECK(std::memcmp(again.data(), buf.data(), kFrameHeaderSize + v.payload.size()) == 0);
      break;
    }
    case FrameView::Kind::end_of_log:
      FUZZ_CHECK(v.size == 0);
      FUZZ_CHECK(v.payload.empty());
      break;
    case FrameView::Kind::torn:
    case FrameView::Kind::corrupt:
      FUZZ_CHECK(v.payload.empty());
      FUZZ_CHECK(v.size <= buf.size());
      if (v.size != 0) {
        FUZZ_CHECK(buf.size() >= 4);
        std::uint32_t length = 0;
        for (int i = 3; i >= 0; --i) length = (length << 8) | buf[static_cast<std::size_t>(i)];
        FUZZ_CHECK(v.size == frame_size(length));
      }
      break;
    default:
      FUZZ_CHECK(false);
  }
}

void check_round_trip(std::span<const std::uint8_t> payload, std::uint64_t sequence, std::uint64_t offset) {
  if (payload.empty()) return;  // a frame has a payload; length 0 marks the end of the log
  std::string framed;
  append_frame(framed, sequence, payload, payload_crc(payload));
  FUZZ_CHECK(framed.size() == frame_size(payload.size()));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(framed.data());
  const FrameView v = decode_frame({bytes, framed.size()}, offset);
  FUZZ_CHECK(v.kind == FrameView::Kind::frame);
  FUZZ_CHECK(v.sequence == sequence);
  FUZZ_CHECK(v.size == framed.size());
  FUZZ_CHECK(v.payload.size() == payload.size());
  FUZZ_CHECK(std::memcmp(v.payload.data(), payload.data(), payload.size()) == 0);
  // Cut anywhere inside, the frame is never valid (it runs past the end).
  const std::size_t cut = static_cast<std::size_t>(sequence % framed.size());
  if (cut > 0) {
    const FrameView t = decode_frame({bytes, cut}, offset);
    FUZZ_CHECK(t.kind != FrameView::Kind::frame);
  }
}

void check_header(const std::uint8_t* data, std::size_t size) {
  auto h = decode_segment_header(data, size);
  if (!h) {
    FUZZ_CHECK(h.error().code() == walkv::Code::corruption || h.error().code() == walkv::Code::version_mismatch);
    return;
  }
  FUZZ_CHECK(size >= kSegmentHeaderSize);
  FUZZ_CHECK(h->format_version >= 1 && h->format_version <= kFormatVersion);
  std::uint8_t again[kSegmentHeaderSize];
  encode_segment_header(*h, again);
  auto h2 = decode_segment_header(again, sizeof again);
  FUZZ_CHECK(h2.has_value());
  FUZZ_CHECK(h2->format_version == h->format_version);
  FUZZ_CHECK(h2->store_id == h->store_id);
  FUZZ_CHECK(h2->segment_number == h->segment_number);
  FUZZ_CHECK(h2->first_sequence == h->first_sequence);
}

void check_name(const std::uint8_t* data, std::size_t size) {
  const std::string name(reinterpret_cast<const char*>(data), std::min<std::size_t>(size, 24));
  std::uint64_t first = 0;
  if (parse_segment_file_name(name, &first)) FUZZ_CHECK(segment_file_name(first) == name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint64_t offset = kSegmentHeaderSize + 8u * (data[0] % 64u);
  const std::span<const std::uint8_t> file{data + 1, size - 1};
  check_decoded(file, offset);
  // The same bytes as a payload, with the sequence taken from the input.
  const std::uint64_t sequence = size >= 9 ? load64(data + 1) : size;
  check_round_trip(file, sequence, offset);
  check_header(data + 1, size - 1);
  check_name(data + 1, size - 1);
  return 0;
}
