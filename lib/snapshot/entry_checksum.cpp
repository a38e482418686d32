// walkv snapshot — entry and meta checksums (see entry_checksum.hpp).
#include "snapshot/entry_checksum.hpp"

#include <cstring>

#include <xxhash.h>

namespace walkv::snapshot_format {
namespace {

void store_le64(char* out, std::uint64_t v) noexcept {
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint64_t load_le64(const char* in) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 8; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

}  // namespace

std::uint64_t entry_checksum(std::string_view key, std::string_view value) noexcept {
  const XXH64_hash_t seed = XXH3_64bits(key.data(), key.size());
  return XXH3_64bits_withSeed(value.data(), value.size(), seed);
}

void write_entry(char* out, std::string_view key, std::string_view value) noexcept {
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  store_le64(out + value.size(), entry_checksum(key, value));
}

std::optional<std::string_view> checked_value(std::string_view key, std::string_view stored) noexcept {
  if (stored.size() < kChecksumBytes) return std::nullopt;
  const std::string_view value = stored.substr(0, stored.size() - kChecksumBytes);
  if (load_le64(stored.data() + value.size()) != entry_checksum(key, value)) return std::nullopt;
  return value;
}

std::uint64_t meta_checksum(std::string_view store_id, std::uint32_t format_version,
                            std::uint64_t applied_sequence, std::uint64_t open_epoch) noexcept {
  char fields[16 + 4 + 8 + 8] = {};
  std::memcpy(fields, store_id.data(), store_id.size() < 16 ? store_id.size() : 16);
  for (std::size_t i = 0; i < 4; ++i) fields[16 + i] = static_cast<char>((format_version >> (8 * i)) & 0xff);
  store_le64(fields + 20, applied_sequence);
  store_le64(fields + 28, open_epoch);
  return XXH3_64bits(fields, sizeof fields);
}

}  // namespace walkv::snapshot_format
