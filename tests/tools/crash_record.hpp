// Crash loop: what crash_writer writes and how the test checks it.
//
// Each writer thread t owns keys "k<t>-<0..63>" (single puts) and pairs
// "p<t>-<0..15>-a" / "-b" (both written by one WriteBatch). Every write carries
// a counter that only grows (iteration * 10^9 + n), so after any crash the
// stored counter of a key must be >= the largest acknowledged one, and the two
// keys of a pair must hold the same counter (the batch is all or nothing).
// An acknowledgement is the line "<key> <counter>\n" (for a pair, key "p<t>-<i>").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace walkv::crash_test {

inline constexpr std::uint64_t kIterationStride = 1'000'000'000ull;
inline constexpr unsigned kKeysPerThread = 64;
inline constexpr unsigned kPairsPerThread = 16;

// The value written under `key` with `counter`: "<key>|<counter>|<filler>".
inline std::string make_value(const std::string& key, std::uint64_t counter) {
  std::string value = key + "|" + std::to_string(counter) + "|";
  std::size_t size = value.size() + 64 + (counter * 37) % 1500;
  for (std::size_t i = value.size(); i < size; ++i) value += static_cast<char>('a' + (counter + i) % 26);
  return value;
}

// The counter of a value made by make_value for `key`; nullopt if the value is
// not exactly what make_value writes.
inline std::optional<std::uint64_t> counter_of(const std::string& key, const std::string& value) {
  std::string prefix = key + "|";
  if (value.rfind(prefix, 0) != 0) return std::nullopt;
  std::size_t bar = value.find('|', prefix.size());
  if (bar == std::string::npos || bar == prefix.size()) return std::nullopt;
  std::uint64_t counter = 0;
  for (std::size_t i = prefix.size(); i < bar; ++i) {
    if (value[i] < '0' || value[i] > '9') return std::nullopt;
    counter = counter * 10 + static_cast<std::uint64_t>(value[i] - '0');
  }
  if (make_value(key, counter) != value) return std::nullopt;
  return counter;
}

}  // namespace walkv::crash_test
