// Test helpers that look at a session's keys directly in the Store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <walkv/store.hpp>

#include "session/session_keys.hpp"

namespace walkv::test {

// The checkpoint numbers stored for `id`, ascending, read straight from the store.
inline std::vector<std::uint64_t> stored_checkpoints(const Store& store, const std::string& id) {
  std::vector<std::uint64_t> numbers;
  auto status = store.scan(session::checkpoint_prefix(id), [&](std::string_view key, std::string_view) {
    numbers.push_back(session::parse_key(key)->number);
    return true;
  });
  if (!status) throw std::runtime_error(status.to_string());
  return numbers;
}

// How many store keys start with `prefix`.
inline std::size_t count_keys(const Store& store, std::string_view prefix) {
  std::size_t count = 0;
  auto status = store.scan(prefix, [&](std::string_view, std::string_view) {
    ++count;
    return true;
  });
  if (!status) throw std::runtime_error(status.to_string());
  return count;
}

}  // namespace walkv::test
