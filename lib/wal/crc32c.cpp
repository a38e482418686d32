// CRC32C (Castagnoli): SSE4.2 crc32 instructions when the CPU has them,
// Boost.CRC's table-driven implementation otherwise. No -march flags: the
// hardware path is compiled for SSE4.2 alone and only called after a runtime check.
#include "wal/crc32c.hpp"

#include <cstring>

#include <boost/crc.hpp>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace walkv::wal {
namespace {

// Reflected CRC32C; the initial remainder is set per call so that a
// computation can continue from an earlier result.
using BoostCrc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

std::uint32_t reverse_bits(std::uint32_t v) noexcept {
  std::uint32_t r = 0;
  for (int i = 0; i < 32; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

std::uint32_t crc32c_portable(std::uint32_t crc, const void* data, std::size_t len) noexcept {
  // The running remainder behind a finished `crc` is ~crc (final XOR is all
  // ones); Boost takes an initial remainder in unreflected bit order.
  BoostCrc32c engine(reverse_bits(~crc));
  engine.process_bytes(data, len);
  return engine.checksum();
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::uint32_t crc, const void* data,
                                                              std::size_t len) noexcept {
  const auto* p = static_cast<const std::uint8_t*>(data);
  std::uint64_t state = ~crc;
  while (len >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // unaligned-safe load
    state = _mm_crc32_u64(state, word);
    p += 8;
    len -= 8;
  }
  auto state32 = static_cast<std::uint32_t>(state);
  while (len > 0) {
    state32 = _mm_crc32_u8(state32, *p++);
    --len;
  }
  return ~state32;
}

bool cpu_has_sse42() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#endif

}  // namespace

std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t len) noexcept {
#if defined(__x86_64__)
  static const bool hardware = cpu_has_sse42();
  if (hardware) return crc32c_sse42(crc, data, len);
#endif
  return crc32c_portable(crc, data, len);
}

std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t len) noexcept {
  return crc32c_portable(crc, data, len);
}

}  // namespace walkv::wal
