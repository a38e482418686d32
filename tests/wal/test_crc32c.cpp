// CRC32C: the hardware path (three interleaved streams, with block combining)
// against the portable Boost.CRC implementation, around every block boundary.
#define BOOST_TEST_MODULE crc32c
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "wal/crc32c.hpp"

using namespace walkv::wal;

namespace {

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(known_answers) {
  BOOST_TEST(crc32c("123456789", 9) == 0xE3069283u);
  const std::vector<std::uint8_t> zeros(32, 0);
  BOOST_TEST(crc32c(zeros.data(), zeros.size()) == 0x8A9136AAu);  // RFC 3720 B.4
  BOOST_TEST(crc32c_extend_portable(0, "123456789", 9) == 0xE3069283u);
}

// Every length up to just past 4 KiB covers the single-stream tail, both block
// sizes of the 3-way path and all their boundaries; offsets 0..7 cover
// misaligned loads.
BOOST_AUTO_TEST_CASE(hardware_equals_portable_every_length_and_alignment) {
  const auto data = random_bytes(4100 + 8, 42);
  std::size_t mismatches = 0;
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t len = 0; len <= 4100; ++len) {
      const std::uint8_t* p = data.data() + offset;
      // A non-zero starting CRC also checks that stream 0 carries the running value.
      const std::uint32_t seed = static_cast<std::uint32_t>(len * 2654435761u);
      if (crc32c_extend(0, p, len) != crc32c_extend_portable(0, p, len)) ++mismatches;
      if (crc32c_extend(seed, p, len) != crc32c_extend_portable(seed, p, len)) ++mismatches;
    }
  }
  BOOST_TEST(mismatches == 0u);
}

BOOST_AUTO_TEST_CASE(hardware_equals_portable_large) {
  const auto data = random_bytes((1u << 20) + 13 + 8, 7);
  for (std::size_t len : {std::size_t{64} << 10, (std::size_t{1} << 20) + 13}) {
    for (std::size_t offset : {0u, 3u}) {
      const std::uint8_t* p = data.data() + offset;
      BOOST_TEST(crc32c_extend(0, p, len) == crc32c_extend_portable(0, p, len), "len " << len << " offset " << offset);
    }
  }
}

BOOST_AUTO_TEST_CASE(extend_in_pieces_equals_whole) {
  const auto data = random_bytes(20000, 99);
  const std::uint32_t whole = crc32c(data.data(), data.size());
  BOOST_TEST(whole == crc32c_extend_portable(0, data.data(), data.size()));
  // One cut at many points, including around the 3-way chunk sizes.
  std::size_t mismatches = 0;
  for (std::size_t cut = 0; cut <= data.size(); cut += (cut < 4200 ? 1 : 97)) {
    const std::uint32_t head = crc32c(data.data(), cut);
    if (crc32c_extend(head, data.data() + cut, data.size() - cut) != whole) ++mismatches;
  }
  BOOST_TEST(mismatches == 0u);
  // Many uneven pieces.
  std::mt19937 rng(5);
  for (int round = 0; round < 50; ++round) {
    std::uint32_t crc = 0;
    std::size_t at = 0;
    while (at < data.size()) {
      const std::size_t piece = std::min<std::size_t>(rng() % 5000, data.size() - at);
      crc = crc32c_extend(crc, data.data() + at, piece);
      at += piece;
    }
    BOOST_TEST(crc == whole);
  }
}
