// Test support: walking a segment file by the documented format (docs/format.md)
// so tests can damage precise bytes, as an outside tool would.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace walkv::test {

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Offsets of the frames of a segment file: 64-byte header, then frames of
// 16 + align8(length) bytes until a zero length word.
inline std::vector<std::uint64_t> frame_offsets(const std::filesystem::path& segment) {
  const std::string data = read_bytes(segment);
  std::vector<std::uint64_t> offsets;
  std::uint64_t pos = 64;
  while (pos + 16 <= data.size()) {
    std::uint32_t length = 0;
    std::memcpy(&length, data.data() + pos, 4);
    if (length == 0) break;
    offsets.push_back(pos);
    pos += 16 + ((static_cast<std::uint64_t>(length) + 7) & ~7ull);
  }
  offsets.push_back(pos);  // end of the last frame
  return offsets;
}

// Segment files of a store, oldest first.
inline std::vector<std::filesystem::path> segments(const std::string& store_dir) {
  std::vector<std::filesystem::path> out;
  for (auto& e : std::filesystem::directory_iterator(store_dir + "/wal"))
    if (e.path().extension() == ".wal") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

inline void flip_byte(const std::filesystem::path& p, std::uint64_t offset) {
  std::string data = read_bytes(p);
  data[offset] = static_cast<char>(data[offset] ^ 0x40);
  write_bytes(p, data);
}

}  // namespace walkv::test
