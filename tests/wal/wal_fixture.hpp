// Test fixture for the wal layer: a temporary store directory with a wal/
// subdirectory, deterministic payloads, and helpers to craft and damage
// segment files byte by byte.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "io/fs.hpp"
#include "wal/format.hpp"
#include "wal/log_reader.hpp"
#include "wal/log_writer.hpp"

namespace walkv::wal::test {

// The error text of a failed Result, "ok" otherwise (safe in test messages,
// which Boost evaluates whether or not the check fails).
template <class T>
std::string why(const walkv::Result<T>& r) {
  return r.has_value() ? std::string("ok") : r.error().to_string();
}

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "walkv-wal-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline void truncate_file(const std::string& path, std::uint64_t size) {
  std::filesystem::resize_file(path, size);
}

inline void xor_byte(const std::string& path, std::uint64_t offset, std::uint8_t mask = 0x40) {
  std::string data = read_bytes(path);
  data.at(offset) = static_cast<char>(data[offset] ^ mask);
  write_bytes(path, data);
}

inline void zero_range(const std::string& path, std::uint64_t offset, std::uint64_t len) {
  std::string data = read_bytes(path);
  std::memset(data.data() + offset, 0, len);
  write_bytes(path, data);
}

inline StoreId make_store_id(std::uint8_t seed) {
  StoreId id;
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(seed * 17 + i * 3 + 1);
  return id;
}

// Deterministic payload without zero bytes (so only deliberate damage
// produces all-zero sectors). A multiple of 8 bytes unless `len` is not.
inline std::string payload_for(std::uint64_t sequence, std::size_t len) {
  std::string p(len, '\0');
  for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<char>((sequence * 31 + i * 7) % 251 + 1);
  return p;
}

inline std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string encode_frame(std::uint64_t sequence, const std::string& payload) {
  std::string out;
  append_frame(out, sequence, as_bytes(payload), payload_crc(as_bytes(payload)));
  return out;
}

// A store directory with its wal/ subdirectory open through posix_fs.
class WalDir {
 public:
  explicit WalDir(io::FileSystem& fs = io::posix_fs()) : fs_(fs) {
    root_fd_ = fs_.open_root(tmp_.path()).value();
    wal_fd_ = fs_.open_dir(root_fd_, "wal", true).value();
  }
  ~WalDir() {
    (void)fs_.close(wal_fd_);
    (void)fs_.close(root_fd_);
  }
  WalDir(const WalDir&) = delete;
  WalDir& operator=(const WalDir&) = delete;

  int fd() const { return wal_fd_; }
  std::string file(const std::string& name) const { return tmp_.path() + "/wal/" + name; }
  std::string dir() const { return tmp_.path() + "/wal"; }

  // Segment file names, ordered by first sequence.
  std::vector<std::string> segment_names() const {
    std::map<std::uint64_t, std::string> by_first;
    for (auto& e : std::filesystem::directory_iterator(dir())) {
      std::uint64_t first = 0;
      std::string name = e.path().filename().string();
      if (parse_segment_file_name(name, &first)) by_first[first] = name;
    }
    std::vector<std::string> names;
    for (auto& [first, name] : by_first) names.push_back(name);
    return names;
  }

  // Writes a hand-made segment: header, then `frames`, then zeros to `size`.
  void write_segment(const SegmentHeader& h, const std::string& frames, std::uint64_t size = 4096) const {
    std::string data(std::max<std::uint64_t>(size, kSegmentHeaderSize + frames.size()), '\0');
    encode_segment_header(h, reinterpret_cast<std::uint8_t*>(data.data()));
    std::memcpy(data.data() + kSegmentHeaderSize, frames.data(), frames.size());
    write_bytes(file(segment_file_name(h.first_sequence)), data);
  }

 private:
  io::FileSystem& fs_;
  TempDir tmp_;
  int root_fd_ = -1;
  int wal_fd_ = -1;
};

inline SegmentHeader header_for(const StoreId& id, std::uint64_t number, std::uint64_t first_sequence) {
  SegmentHeader h;
  h.store_id = id;
  h.segment_number = number;
  h.first_sequence = first_sequence;
  return h;
}

// Frames for sequences [first, last] with payload_for(seq, len).
inline std::string frames_for(std::uint64_t first, std::uint64_t last, std::size_t len) {
  std::string out;
  for (std::uint64_t s = first; s <= last; ++s) out += encode_frame(s, payload_for(s, len));
  return out;
}

// What a scan delivered to its sink.
struct Scanned {
  Result<ScanResult> result;
  std::vector<std::uint64_t> sequences;
  bool payloads_match = true;  // every payload equals payload_for(seq, its size)
};

inline Scanned scan(io::FileSystem& fs, int wal_fd, const StoreId& id,
                    RecoveryMode mode = RecoveryMode::tolerate_corrupted_tail, std::uint64_t after = 0) {
  Scanned out;
  ScanOptions options;
  options.mode = mode;
  options.after_sequence = after;
  out.result = scan_log(fs, wal_fd, id, options, [&](std::uint64_t seq, std::span<const std::uint8_t> payload) {
    out.sequences.push_back(seq);
    std::string expect = payload_for(seq, payload.size());
    if (std::memcmp(expect.data(), payload.data(), payload.size()) != 0) out.payloads_match = false;
    return Status();
  });
  return out;
}

inline std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t s = first; s <= last; ++s) v.push_back(s);
  return v;
}

// Writes frames [first, last] one append each through `writer`.
inline void append_range(LogWriter& writer, std::uint64_t first, std::uint64_t last, std::size_t len) {
  for (std::uint64_t s = first; s <= last; ++s) {
    Status st = writer.append(encode_frame(s, payload_for(s, len)), s);
    BOOST_REQUIRE_MESSAGE(st.ok(), st.to_string());
  }
}

}  // namespace walkv::wal::test

namespace walkv::wal::test {

// Offsets of the frames in a segment file, walking the documented layout
// (64-byte header, frames of 16 + align8(length) until a zero length).
inline std::vector<std::uint64_t> frame_offsets(const std::string& path) {
  const std::string data = read_bytes(path);
  std::vector<std::uint64_t> offsets;
  std::uint64_t pos = kSegmentHeaderSize;
  while (pos + kFrameHeaderSize <= data.size()) {
    std::uint32_t length = 0;
    std::memcpy(&length, data.data() + pos, 4);
    if (length == 0) break;
    offsets.push_back(pos);
    pos += frame_size(length);
  }
  return offsets;
}

// Writes frames [1, count] with payloads of `len` bytes through a LogWriter.
inline void write_log(io::FileSystem& fs, const WalDir& dir, const StoreId& id, std::uint64_t count, std::size_t len,
                      std::uint64_t segment_size = 4096) {
  auto writer = LogWriter::open(fs, dir.fd(), id, segment_size, AppendPosition{});
  BOOST_REQUIRE_MESSAGE(writer.has_value(), why(writer));
  append_range(**writer, 1, count, len);
}

}  // namespace walkv::wal::test
