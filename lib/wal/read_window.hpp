// walkv wal — ReadWindow: sequential reads of one file through a reused buffer.
//
// The log replay reads each frame through a window of the segment that pread
// fills, rather than through a mapping of the segment: a mapping takes a page
// fault for every few pages it first touches, and on a virtual machine with
// shadow page tables each fault costs microseconds, so that a 256 MB replay
// spent more time mapping pages than checking them; a copy from the page cache
// into a buffer that stays in the CPU cache costs a fraction of that (the
// measurements are in docs/performance.md, "Replay through a read window,
// versions in huge pages").
// LevelDB and RocksDB read their logs the same way (a reused block buffer).
//
// Thread-safety: NOT thread-safe; one scan owns a window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <walkv/status.hpp>

#include "io/fs.hpp"

namespace walkv::wal {

class ReadWindow {
 public:
  // Reads from `fd` (not owned), a file of `file_size` bytes that nobody
  // changes while the window reads it.
  ReadWindow(io::FileSystem& fs, int fd, std::uint64_t file_size) noexcept
      : fs_(fs), fd_(fd), file_size_(file_size) {}

  // The bytes [offset, offset + len) of the file, clipped to its end (shorter
  // than len only there; empty at or past it). Reads from the file only when
  // the window does not hold the whole range yet; then it refills the window
  // from `offset` rounded down to 4 KiB, reading at least kWindowBytes (the
  // buffer grows to hold a longer range). The view is valid until the next
  // call. Errors: what FileSystem::pread returns (io_error); std::bad_alloc
  // when a range longer than the buffer cannot be allocated.
  Result<std::span<const std::uint8_t>> view(std::uint64_t offset, std::uint64_t len);

  static constexpr std::size_t kWindowBytes = 256u << 10;  // 256 KiB: stays in L2 with its copies

 private:
  Status refill(std::uint64_t offset, std::uint64_t end);

  io::FileSystem& fs_;
  int fd_;
  std::uint64_t file_size_;
  std::unique_ptr<std::uint8_t[]> buffer_;  // 16-byte aligned: frames stay 8-byte aligned in it
  std::size_t capacity_ = 0;
  std::uint64_t start_ = 0;  // file offset of buffer_[0]
  std::size_t filled_ = 0;   // valid bytes in buffer_
};

}  // namespace walkv::wal
