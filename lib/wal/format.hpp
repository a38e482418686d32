// walkv wal — the on-disk format of segments and frames (docs/format.md is the
// byte-exact specification; this header is its code).
//
// Thread-safety: pure functions on caller-owned buffers.
//
// Segment file wal/<first sequence as 16 lower-case hex digits>.wal:
//   [0, 64)    SegmentHeader (little-endian)
//   [64, ...)  frames, each 8-byte aligned; a zero length word ends the log.
// Frame (all little-endian):
//   u32 length     payload bytes, > 0
//   u32 crc        masked CRC32C of: payload, then the 4 length bytes, then the 8 sequence bytes
//   u64 sequence   the batch's sequence number (one per frame; consecutive across the log)
//   payload        `length` bytes (a Cap'n Proto flat message: the write batch)
//   padding        zeros up to the next multiple of 8
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <walkv/status.hpp>

namespace walkv::wal {

inline constexpr char kSegmentMagic[8] = {'W', 'A', 'L', 'K', 'V', 'L', 'O', 'G'};
inline constexpr std::uint32_t kFormatVersion = 1;  // major format version
inline constexpr std::size_t kSegmentHeaderSize = 64;
inline constexpr std::size_t kFrameHeaderSize = 16;
inline constexpr std::size_t kSectorSize = 512;
inline constexpr std::uint32_t kMaxFrameLength = 0x7fffffffu;

using StoreId = std::array<std::uint8_t, 16>;

struct SegmentHeader {
  std::uint32_t format_version = kFormatVersion;
  StoreId store_id{};
  std::uint64_t segment_number = 0;  // 1 for the first segment of a store, +1 per new segment
  std::uint64_t first_sequence = 0;  // sequence of the first frame this segment will hold
};
// Header layout: magic[8] | u32 version | u32 header size (64) | store_id[16] |
// u64 segment_number | u64 first_sequence | 12 zero bytes | u32 masked crc32c of bytes [0,60).

// Encodes `h` into exactly kSegmentHeaderSize bytes.
void encode_segment_header(const SegmentHeader& h, std::uint8_t out[kSegmentHeaderSize]) noexcept;
// Decodes and validates (magic, size, checksum). Errors: corruption (with reason),
// version_mismatch (format_version > kFormatVersion).
Result<SegmentHeader> decode_segment_header(const std::uint8_t* in, std::size_t len);

// Segment file name for a first sequence: "%016llx.wal".
std::string segment_file_name(std::uint64_t first_sequence);
// Parses a segment file name; false if `name` is not one.
bool parse_segment_file_name(const std::string& name, std::uint64_t* first_sequence);

inline constexpr std::size_t align8(std::size_t n) noexcept { return (n + 7) & ~std::size_t{7}; }
// Total bytes a frame with `payload_len` bytes occupies on disk.
inline constexpr std::size_t frame_size(std::size_t payload_len) noexcept {
  return kFrameHeaderSize + align8(payload_len);
}

// CRC32C of the payload alone: computed by writers before they join the group
// commit queue, then folded into the frame header (with the length and the
// sequence) once the sequence is known.
std::uint32_t payload_crc(std::span<const std::uint8_t> payload) noexcept;

// Writes the kFrameHeaderSize-byte header of a frame whose payload of `length`
// bytes (zero-padded to frame_size) follows it: for frames built in place,
// the header space reserved before the payload. `pcrc` must be payload_crc of
// that payload.
void write_frame_header(std::uint8_t* header, std::uint64_t sequence, std::uint32_t length,
                        std::uint32_t pcrc) noexcept;

// Appends one encoded frame (header, payload, zero padding) to `out`.
// `pcrc` must be payload_crc(payload).
void append_frame(std::string& out, std::uint64_t sequence, std::span<const std::uint8_t> payload,
                  std::uint32_t pcrc);

// The bytes a frame claims to occupy, from its header's length word alone
// (frame_size(length)), before any check; 0 when the length word is zero.
// Lets a reader fetch a whole frame before decode_frame checks it.
std::uint64_t claimed_frame_size(const std::uint8_t* header) noexcept;

// Result of looking at the bytes at one frame position.
struct FrameView {
  enum class Kind {
    frame,        // a valid frame: sequence, payload, size set
    end_of_log,   // a zero length word with a zero checksum word (nothing was written
                  // here), or fewer than 4 bytes left in the buffer, all zero
    torn,         // runs past the end of `buf` (or its length exceeds kMaxFrameLength), or
                  // fails its checksum and touches an all-zero 512-byte sector (see docs/format.md)
    corrupt,      // anything else: checksum mismatch, zero length beside a non-zero checksum
  };
  Kind kind;
  std::uint64_t sequence = 0;
  std::span<const std::uint8_t> payload;
  std::size_t size = 0;   // bytes the frame occupies; for torn/corrupt set only when the whole
                          // frame lies inside `buf` (it can be stepped over), else 0
  const char* reason = "";  // static text for torn/corrupt
};
// Decodes the frame at buf[0..]. `file_offset` is the position of buf[0] in its
// file (needed to find 512-byte sector boundaries). `buf` must extend to the end
// of the file (so that "runs past the end" is decidable). Never reads outside buf.
FrameView decode_frame(std::span<const std::uint8_t> buf, std::uint64_t file_offset) noexcept;

}  // namespace walkv::wal
