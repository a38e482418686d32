// walkv-bench — a small fast generator (SplitMix64) for key choice and value
// offsets. Deterministic for a given seed, so a child process can rebuild the
// same key space.
//
// Thread-safety: one Rng per thread.
#pragma once

#include <cstdint>

namespace walkv_bench {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) (bound > 0; the modulo bias is negligible here).
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }

 private:
  std::uint64_t state_;
};

}  // namespace walkv_bench
