// walkv memtable — Version: one immutable state of a key (a value, a point
// tombstone, or "erased" by a prefix tombstone), allocated with its key and
// value bytes inline right after the header: a reader that reaches it checks
// the key and copies the value from one run of cache lines. A write makes a
// new Version and swaps it in; the old one is retired (epoch.hpp), never
// modified.
//
// Thread-safety: immutable once made.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>

namespace walkv {

class Version {
 public:
  enum class Kind : std::uint8_t { value, tombstone, erased };

  // value nullopt: a point tombstone. Throws std::bad_alloc.
  static Version* make(std::string_view key, std::optional<std::string_view> value) {
    return make(value ? Kind::value : Kind::tombstone, key, value.value_or(std::string_view()));
  }
  // The key erased by a prefix tombstone. Throws std::bad_alloc.
  static Version* make_erased(std::string_view key) { return make(Kind::erased, key, {}); }
  static void destroy(void* version) noexcept { ::operator delete(version); }

  Kind kind() const noexcept { return kind_; }
  std::string_view key() const noexcept { return {bytes(), key_size_}; }
  std::string_view value() const noexcept { return {bytes() + key_size_, value_size_}; }
  // Heap bytes, for the table's estimate.
  std::size_t footprint() const noexcept { return sizeof(Version) + key_size_ + value_size_; }

 private:
  static Version* make(Kind kind, std::string_view key, std::string_view value) {
    void* memory = ::operator new(sizeof(Version) + key.size() + value.size());
    auto* v = new (memory) Version(kind, key.size(), value.size());
    if (!key.empty()) std::memcpy(v->bytes(), key.data(), key.size());
    if (!value.empty()) std::memcpy(v->bytes() + key.size(), value.data(), value.size());
    return v;
  }
  Version(Kind kind, std::size_t key_size, std::size_t value_size) noexcept
      : key_size_(static_cast<std::uint32_t>(key_size)), value_size_(value_size), kind_(kind) {}
  char* bytes() noexcept { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const noexcept { return reinterpret_cast<const char*>(this + 1); }

  std::uint32_t key_size_;  // the store's keys are at most 511 bytes
  std::size_t value_size_;
  Kind kind_;
};

}  // namespace walkv
