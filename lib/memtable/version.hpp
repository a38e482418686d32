// walkv memtable — Version: one immutable state of a key (a value, a point
// tombstone, or "erased" by a prefix tombstone), allocated with its key and
// value bytes inline right after the header: a reader that reaches it checks
// the key and copies the value from one run of cache lines. A write makes a
// new Version and swaps it in; the old one is retired (epoch.hpp), never
// modified. The one exception is a table no reader can reach yet (the
// store's replay): there rewrite() reuses a version's allocation.
//
// Thread-safety: immutable once a reader can reach it.
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
  // True when rewrite(value) can reuse this allocation: the key and value
  // fit, and fill at least half of it (so that reuse never holds more than
  // twice the bytes a fresh version would).
  bool can_hold(std::optional<std::string_view> value) const noexcept {
    const std::size_t need = key_size_ + (value ? value->size() : 0);
    return need <= capacity_ && 2 * need >= capacity_;
  }
  // Makes this version the key's new state in place: `value`, or a point
  // tombstone when nullopt. REQUIRES: can_hold(value), and no reader can
  // reach this version (nor ever reached it while it is being rewritten).
  void rewrite(std::optional<std::string_view> value) noexcept {
    kind_ = value ? Kind::value : Kind::tombstone;
    value_size_ = value ? value->size() : 0;
    if (value_size_ != 0) std::memcpy(bytes() + key_size_, value->data(), value_size_);
  }
  // The key erased by a prefix tombstone. Throws std::bad_alloc.
  static Version* make_erased(std::string_view key) { return make(Kind::erased, key, {}); }
  // As make, in `memory` that the caller owns (and frees after the version's
  // last use): at least allocation_size(key, value) bytes, aligned for a
  // Version. destroy() leaves that memory alone.
  static Version* make_at(void* memory, std::string_view key, std::optional<std::string_view> value) noexcept {
    const std::string_view bytes = value.value_or(std::string_view());
    return build(memory, /*owns_memory=*/false, value ? Kind::value : Kind::tombstone, key, bytes);
  }
  static std::size_t allocation_size(std::string_view key, std::optional<std::string_view> value) noexcept {
    return sizeof(Version) + key.size() + (value ? value->size() : 0);
  }
  // Frees a version made by make or make_erased; one made by make_at is left
  // to its memory's owner.
  static void destroy(void* version) noexcept {
    if (static_cast<Version*>(version)->owns_memory_) ::operator delete(version);
  }

  Kind kind() const noexcept { return kind_; }
  std::string_view key() const noexcept { return {bytes(), key_size_}; }
  std::string_view value() const noexcept { return {bytes() + key_size_, value_size_}; }
  // Heap bytes, for the table's estimate.
  std::size_t footprint() const noexcept { return sizeof(Version) + capacity_; }

 private:
  static Version* make(Kind kind, std::string_view key, std::string_view value) {
    void* memory = ::operator new(sizeof(Version) + key.size() + value.size());
    return build(memory, /*owns_memory=*/true, kind, key, value);
  }
  static Version* build(void* memory, bool owns_memory, Kind kind, std::string_view key,
                        std::string_view value) noexcept {
    auto* v = new (memory) Version(kind, key.size(), value.size(), key.size() + value.size(), owns_memory);
    if (!key.empty()) std::memcpy(v->bytes(), key.data(), key.size());
    if (!value.empty()) std::memcpy(v->bytes() + key.size(), value.data(), value.size());
    return v;
  }
  Version(Kind kind, std::size_t key_size, std::size_t value_size, std::size_t capacity, bool owns_memory) noexcept
      : key_size_(static_cast<std::uint32_t>(key_size)),
        value_size_(value_size),
        capacity_(capacity),
        kind_(kind),
        owns_memory_(owns_memory) {}
  char* bytes() noexcept { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const noexcept { return reinterpret_cast<const char*>(this + 1); }

  std::uint32_t key_size_;  // the store's keys are at most 511 bytes
  std::size_t value_size_;
  std::size_t capacity_;  // bytes allocated after the header
  Kind kind_;
  bool owns_memory_;      // made by make: destroy() frees it
};

}  // namespace walkv
