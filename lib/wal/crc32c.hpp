// walkv wal — CRC32C (Castagnoli) with LevelDB's mask.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace walkv::wal {

// CRC32C of data, continuing from `crc` (0 to start). Uses SSE4.2 crc32
// instructions on three interleaved streams when the CPU has them, Boost.CRC
// otherwise.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t len) noexcept;
inline std::uint32_t crc32c(const void* data, std::size_t len) noexcept { return crc32c_extend(0, data, len); }
// The portable (Boost.CRC) implementation alone, whatever the CPU: lets tests
// check that both implementations agree.
std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t len) noexcept;

// LevelDB's mask: data that embeds CRCs must not yield valid CRCs.
inline std::uint32_t mask_crc(std::uint32_t crc) noexcept { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline std::uint32_t unmask_crc(std::uint32_t masked) noexcept {
  std::uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace walkv::wal
