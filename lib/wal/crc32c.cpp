// CRC32C (Castagnoli): SSE4.2 crc32 instructions on three interleaved streams
// when the CPU has them, Boost.CRC's table-driven implementation otherwise.
// No -march flags: the hardware path is compiled for SSE4.2 alone and only
// called after a runtime check.
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
// Hardware path: three interleaved streams.
//
// crc32q has a latency of about 3 cycles but a throughput of one per cycle, so
// a single dependent chain leaves the unit idle two cycles out of three. We
// therefore cut the buffer into three consecutive blocks of B bytes and run one
// chain per block in the same loop.
//
// Without the pre/post inversion, the CRC register update is linear over GF(2):
//   update(c, data) = update(c, zeros(len(data))) ^ update(0, data)
// Write shift_B(c) = update(c, zeros(B)). Stream 0 starts from the running
// register and streams 1 and 2 from 0; if they end in c0, c1, c2, the register
// after all 3*B bytes is
//   shift_B(shift_B(c0) ^ c1) ^ c2.
// shift_B is itself linear in the 32-bit register, so it is a sum over the
// register's four bytes of table[k][byte k], with table[k][b] = shift_B(b << 8k).

inline std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t word;
  std::memcpy(&word, p, 8);  // unaligned-safe load
  return word;
}

// shift_B as four byte-indexed tables.
struct ZeroShift {
  std::uint32_t table[4][256];

  __attribute__((target("sse4.2"))) explicit ZeroShift(std::size_t block) noexcept {
    // Basis: shift_B(1 << i), computed by literally feeding B zero bytes.
    std::uint32_t basis[32];
    for (int i = 0; i < 32; ++i) {
      std::uint64_t reg = std::uint64_t{1} << i;
      for (std::size_t n = 0; n < block / 8; ++n) reg = _mm_crc32_u64(reg, 0);
      basis[i] = static_cast<std::uint32_t>(reg);
    }
    // By linearity, the image of any byte value is the XOR of its bits' images.
    for (int k = 0; k < 4; ++k) {
      for (unsigned b = 0; b < 256; ++b) {
        std::uint32_t v = 0;
        for (int j = 0; j < 8; ++j)
          if (b & (1u << j)) v ^= basis[8 * k + j];
        table[k][b] = v;
      }
    }
  }

  std::uint32_t operator()(std::uint32_t c) const noexcept {
    return table[0][c & 0xff] ^ table[1][(c >> 8) & 0xff] ^ table[2][(c >> 16) & 0xff] ^ table[3][c >> 24];
  }
};

// Consumes as many 3*B-byte chunks as the buffer holds, three streams at a time.
template <std::size_t B>
__attribute__((target("sse4.2"))) std::uint64_t crc32c_3way(std::uint64_t state, const std::uint8_t*& p,
                                                             std::size_t& len) noexcept {
  static_assert(B % 8 == 0);
  static const ZeroShift shift(B);  // built once, thread-safe (function-local static)
  while (len >= 3 * B) {
    std::uint64_t c0 = state, c1 = 0, c2 = 0;
    for (std::size_t i = 0; i < B; i += 8) {
      c0 = _mm_crc32_u64(c0, load64(p + i));
      c1 = _mm_crc32_u64(c1, load64(p + B + i));
      c2 = _mm_crc32_u64(c2, load64(p + 2 * B + i));
    }
    state = shift(shift(static_cast<std::uint32_t>(c0)) ^ static_cast<std::uint32_t>(c1)) ^
            static_cast<std::uint32_t>(c2);
    p += 3 * B;
    len -= 3 * B;
  }
  return state;
}

// Block sizes per stream: long blocks amortise the combine on big buffers, short
// ones keep the bulk of a ~4 KiB frame on the 3-way path.
constexpr std::size_t kLongBlock = 1024;
constexpr std::size_t kShortBlock = 128;

__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::uint32_t crc, const void* data,
                                                              std::size_t len) noexcept {
  const auto* p = static_cast<const std::uint8_t*>(data);
  std::uint64_t state = ~crc;
  state = crc32c_3way<kLongBlock>(state, p, len);
  state = crc32c_3way<kShortBlock>(state, p, len);
  // Tail (less than 3 * kShortBlock bytes): a single stream.
  for (; len >= 8; p += 8, len -= 8) state = _mm_crc32_u64(state, load64(p));
  auto state32 = static_cast<std::uint32_t>(state);
  for (; len > 0; --len) state32 = _mm_crc32_u8(state32, *p++);
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
