// Test helpers shared by the snapshot tests (test_snapshot.cpp,
// test_snapshot_checksums.cpp): opening a Snapshot read-write and a fixed
// store id. Boost.Test assertions: include after <boost/test/unit_test.hpp>.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "snapshot/snapshot.hpp"

namespace walkv::test {

// The error text of a failed Result, for assertion messages (which Boost
// evaluates even when the assertion holds).
template <class T>
std::string describe(const walkv::Result<T>& r) {
  return r.has_value() ? "ok" : r.error().to_string();
}

inline constexpr std::uint64_t kMiB = 1024 * 1024;

inline std::unique_ptr<Snapshot> open_rw(const std::string& dir, std::uint64_t map = kMiB) {
  auto snap = Snapshot::open(dir, Snapshot::Mode::read_write, map);
  BOOST_REQUIRE_MESSAGE(snap.has_value(), describe(snap));
  return std::move(*snap);
}

inline wal::StoreId test_store_id() {
  wal::StoreId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(0xa0 + i);
  return id;
}

}  // namespace walkv::test
