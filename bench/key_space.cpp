#include "key_space.hpp"

#include <cstdio>
#include <cstring>

namespace walkv_bench {

namespace {

constexpr std::uint64_t kKeySeed = 0x5e55105e55105ull;
constexpr std::size_t kPoolBytes = 16u << 20;

}  // namespace

KeySpace::KeySpace(std::size_t count) {
  Rng rng(kKeySeed);
  keys_.reserve(count);
  char buf[32];
  for (std::size_t i = 0; i < count; ++i) {
    std::snprintf(buf, sizeof buf, "session-%016llx", static_cast<unsigned long long>(rng.next()));
    keys_.emplace_back(buf);
  }
}

ValuePool::ValuePool(std::size_t max_value_size) {
  bytes_.resize(kPoolBytes + max_value_size);
  Rng rng(0x7a1c0ffeeull);
  for (std::size_t i = 0; i + 8 <= bytes_.size(); i += 8) {
    const std::uint64_t r = rng.next();
    std::memcpy(bytes_.data() + i, &r, 8);
  }
}

std::string_view ValuePool::random_value(Rng& rng, std::size_t size) const {
  const std::size_t offset = rng.below(bytes_.size() - size + 1);
  return std::string_view(bytes_.data() + offset, size);
}

}  // namespace walkv_bench
