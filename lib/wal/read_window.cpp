// ReadWindow: see read_window.hpp.
#include "wal/read_window.hpp"

#include <algorithm>

namespace walkv::wal {
namespace {

constexpr std::uint64_t kReadAlign = 4096;

}  // namespace

Result<std::span<const std::uint8_t>> ReadWindow::view(std::uint64_t offset, std::uint64_t len) {
  if (offset >= file_size_) return std::span<const std::uint8_t>();
  const std::uint64_t end = offset + std::min(len, file_size_ - offset);
  if (offset < start_ || end > start_ + filled_) {
    if (Status s = refill(offset, end); !s.ok()) return error(std::move(s));
  }
  return std::span<const std::uint8_t>(buffer_.get() + (offset - start_), static_cast<std::size_t>(end - offset));
}

// Reads [offset rounded down, at least `end`) into the buffer.
Status ReadWindow::refill(std::uint64_t offset, std::uint64_t end) {
  const std::uint64_t from = offset & ~(kReadAlign - 1);
  const std::uint64_t want = std::min(std::max<std::uint64_t>(end - from, kWindowBytes), file_size_ - from);
  if (want > capacity_) {
    buffer_.reset(new std::uint8_t[want]);  // default-initialised: pread fills what is used
    capacity_ = static_cast<std::size_t>(want);
  }
  filled_ = 0;
  auto got = fs_.pread(fd_, buffer_.get(), static_cast<std::size_t>(want), from);
  if (!got) return got.error();
  start_ = from;
  filled_ = *got;
  if (start_ + filled_ < end)
    return Status(Code::io_error, "read: the file ended at " + std::to_string(start_ + filled_) +
                                      " before its size " + std::to_string(file_size_));
  return {};
}

}  // namespace walkv::wal
