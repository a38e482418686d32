// walkv-bench — the data every workload writes: keys are session ids (a fixed
// set, like a gateway's live sessions), values are incompressible random bytes.
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "random.hpp"

namespace walkv_bench {

class KeySpace {
 public:
  // `count` session ids "session-<16 hex digits>", the same in every process.
  explicit KeySpace(std::size_t count);
  std::size_t size() const { return keys_.size(); }
  const std::string& key(std::size_t i) const { return keys_[i]; }
  const std::string& random_key(Rng& rng) const { return keys_[rng.below(keys_.size())]; }

 private:
  std::vector<std::string> keys_;
};

class ValuePool {
 public:
  // Random bytes enough for values up to `max_value_size`.
  explicit ValuePool(std::size_t max_value_size);
  // `size` incompressible bytes starting at a random place of the pool.
  std::string_view random_value(Rng& rng, std::size_t size) const;

 private:
  std::string bytes_;
};

}  // namespace walkv_bench
