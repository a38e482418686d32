// The segment and frame format (docs/format.md).
#include "wal/format.hpp"

#include <algorithm>
#include <cstring>

#include "wal/crc32c.hpp"
#include "wal/endian.hpp"

namespace walkv::wal {
namespace {

// Segment header field offsets.
constexpr std::size_t kMagicAt = 0;
constexpr std::size_t kVersionAt = 8;
constexpr std::size_t kHeaderSizeAt = 12;
constexpr std::size_t kStoreIdAt = 16;
constexpr std::size_t kNumberAt = 32;
constexpr std::size_t kFirstSequenceAt = 40;
constexpr std::size_t kHeaderCrcAt = 60;

// Frame header field offsets.
constexpr std::size_t kLengthAt = 0;
constexpr std::size_t kCrcAt = 4;
constexpr std::size_t kSequenceAt = 8;

bool all_zero(const std::uint8_t* p, std::size_t n) noexcept {
  // Word-at-a-time: this runs over whole sectors on the damage path.
  while (n >= 8) {
    if (load_le64(p) != 0) return false;
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    if (*p++ != 0) return false;
    --n;
  }
  return true;
}

std::uint32_t frame_crc(std::uint32_t pcrc, std::uint32_t length, std::uint64_t sequence) noexcept {
  std::uint8_t tail[12];
  store_le32(tail, length);
  store_le64(tail + 4, sequence);
  return mask_crc(crc32c_extend(pcrc, tail, sizeof tail));
}

// True when a 512-byte sector that the frame [0, frame_len) of buf touches,
// other than the one holding its first byte, is all zero on disk. Such a
// sector is a write that never reached the disk: frames are appended to
// preallocated zeros, and a later write to the same sector rewrites the whole
// sector, this frame's bytes included. The whole sector is examined (as far
// as buf reaches), not only the frame's part of it, so the zero padding and
// zero payload bytes at a frame's end cannot fake a lost sector.
bool touches_zero_sector(std::span<const std::uint8_t> buf, std::uint64_t file_offset,
                         std::size_t frame_len) noexcept {
  std::uint64_t sector = (file_offset / kSectorSize + 1) * kSectorSize;
  const std::uint64_t frame_end = file_offset + frame_len;
  const std::uint64_t buf_end = file_offset + buf.size();
  for (; sector < frame_end; sector += kSectorSize) {
    std::uint64_t end = std::min<std::uint64_t>(sector + kSectorSize, buf_end);
    if (all_zero(buf.data() + (sector - file_offset), end - sector)) return true;
  }
  return false;
}

FrameView classify(FrameView::Kind kind, const char* reason, std::size_t size = 0) noexcept {
  FrameView v{};
  v.kind = kind;
  v.reason = reason;
  v.size = size;
  return v;
}

}  // namespace

void encode_segment_header(const SegmentHeader& h, std::uint8_t out[kSegmentHeaderSize]) noexcept {
  std::memset(out, 0, kSegmentHeaderSize);
  std::memcpy(out + kMagicAt, kSegmentMagic, sizeof kSegmentMagic);
  store_le32(out + kVersionAt, h.format_version);
  store_le32(out + kHeaderSizeAt, static_cast<std::uint32_t>(kSegmentHeaderSize));
  std::memcpy(out + kStoreIdAt, h.store_id.data(), h.store_id.size());
  store_le64(out + kNumberAt, h.segment_number);
  store_le64(out + kFirstSequenceAt, h.first_sequence);
  store_le32(out + kHeaderCrcAt, mask_crc(crc32c(out, kHeaderCrcAt)));
}

Result<SegmentHeader> decode_segment_header(const std::uint8_t* in, std::size_t len) {
  if (len < kSegmentHeaderSize)
    return error(Code::corruption, "segment header: file of " + std::to_string(len) + " bytes is shorter than a header");
  if (std::memcmp(in + kMagicAt, kSegmentMagic, sizeof kSegmentMagic) != 0)
    return error(Code::corruption, "segment header: bad magic");
  SegmentHeader h;
  h.format_version = load_le32(in + kVersionAt);
  // Checked before the checksum: a newer major format may checksum differently.
  if (h.format_version > kFormatVersion)
    return error(Code::version_mismatch, "segment header: format version " + std::to_string(h.format_version) +
                                             " is newer than the supported version " + std::to_string(kFormatVersion));
  if (h.format_version == 0) return error(Code::corruption, "segment header: format version 0");
  if (load_le32(in + kHeaderSizeAt) != kSegmentHeaderSize)
    return error(Code::corruption, "segment header: bad header size " + std::to_string(load_le32(in + kHeaderSizeAt)));
  if (unmask_crc(load_le32(in + kHeaderCrcAt)) != crc32c(in, kHeaderCrcAt))
    return error(Code::corruption, "segment header: checksum mismatch");
  std::memcpy(h.store_id.data(), in + kStoreIdAt, h.store_id.size());
  h.segment_number = load_le64(in + kNumberAt);
  h.first_sequence = load_le64(in + kFirstSequenceAt);
  return h;
}

std::string segment_file_name(std::uint64_t first_sequence) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name(16, '0');
  for (int i = 15; i >= 0; --i, first_sequence >>= 4) name[static_cast<std::size_t>(i)] = kHex[first_sequence & 0xf];
  return name + ".wal";
}

bool parse_segment_file_name(const std::string& name, std::uint64_t* first_sequence) {
  if (name.size() != 20 || name.compare(16, 4, ".wal") != 0) return false;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    char c = name[i];
    unsigned digit;
    if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
    else return false;  // upper case is not a name this writer produces
    value = (value << 4) | digit;
  }
  *first_sequence = value;
  return true;
}

std::uint32_t payload_crc(std::span<const std::uint8_t> payload) noexcept {
  return crc32c(payload.data(), payload.size());
}

void write_frame_header(std::uint8_t* header, std::uint64_t sequence, std::uint32_t length,
                        std::uint32_t pcrc) noexcept {
  store_le32(header + kLengthAt, length);
  store_le32(header + kCrcAt, frame_crc(pcrc, length, sequence));
  store_le64(header + kSequenceAt, sequence);
}

void append_frame(std::string& out, std::uint64_t sequence, std::span<const std::uint8_t> payload,
                  std::uint32_t pcrc) {
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::uint8_t header[kFrameHeaderSize];
  write_frame_header(header, sequence, length, pcrc);
  const std::size_t start = out.size();
  out.resize(start + frame_size(payload.size()));  // zero-fills the padding
  char* p = out.data() + start;
  std::memcpy(p, header, sizeof header);
  if (!payload.empty()) std::memcpy(p + kFrameHeaderSize, payload.data(), payload.size());
}

std::uint64_t claimed_frame_size(const std::uint8_t* header) noexcept {
  const std::uint32_t length = load_le32(header + kLengthAt);
  return length == 0 ? 0 : frame_size(length);
}

FrameView decode_frame(std::span<const std::uint8_t> buf, std::uint64_t file_offset) noexcept {
  using Kind = FrameView::Kind;
  if (buf.size() < 4) {
    // Not even a length word left (a file cut at an odd place).
    if (all_zero(buf.data(), buf.size())) return classify(Kind::end_of_log, "");
    return classify(Kind::torn, "torn write: frame runs past end of file");
  }
  const std::uint32_t length = load_le32(buf.data() + kLengthAt);
  if (length == 0) {
    // Length and checksum share one aligned 8-byte word, hence one sector: a
    // write that never landed leaves both zero. A zero length beside a
    // non-zero checksum is damage. (Bytes after the end are never trusted:
    // LogWriter discards them before appending.)
    if (all_zero(buf.data(), std::min<std::size_t>(buf.size(), 8))) return classify(Kind::end_of_log, "");
    return classify(Kind::corrupt, "zero length with a non-zero checksum");
  }
  if (buf.size() < kFrameHeaderSize) return classify(Kind::torn, "torn write: frame runs past end of file");
  if (length > kMaxFrameLength) return classify(Kind::torn, "torn write: frame runs past end of file");
  const std::size_t size = frame_size(length);
  if (size > buf.size()) return classify(Kind::torn, "torn write: frame runs past end of file");

  const std::uint32_t stored_crc = load_le32(buf.data() + kCrcAt);
  const std::uint64_t sequence = load_le64(buf.data() + kSequenceAt);
  std::span<const std::uint8_t> payload = buf.subspan(kFrameHeaderSize, length);
  if (frame_crc(payload_crc(payload), length, sequence) != stored_crc) {
    if (touches_zero_sector(buf, file_offset, size))
      return classify(Kind::torn, "torn write: frame contains a zero sector", size);
    return classify(Kind::corrupt, "checksum mismatch", size);
  }
  FrameView v{};
  v.kind = Kind::frame;
  v.sequence = sequence;
  v.payload = payload;
  v.size = size;
  return v;
}

}  // namespace walkv::wal
