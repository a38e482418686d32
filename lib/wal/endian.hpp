// walkv wal — little-endian loads and stores for the on-disk format.
// memcpy keeps them free of alignment requirements; on little-endian hosts
// they compile to plain moves.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace walkv::wal {

template <class T>
inline T byte_order_le(T v) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    return v;
  } else {
    T r = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xff));
    return r;
  }
}

inline std::uint32_t load_le32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return byte_order_le(v);
}
inline std::uint64_t load_le64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return byte_order_le(v);
}
inline void store_le32(std::uint8_t* p, std::uint32_t v) noexcept {
  v = byte_order_le(v);
  std::memcpy(p, &v, sizeof v);
}
inline void store_le64(std::uint8_t* p, std::uint64_t v) noexcept {
  v = byte_order_le(v);
  std::memcpy(p, &v, sizeof v);
}

}  // namespace walkv::wal
