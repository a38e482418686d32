// walkv-bench — "device": the device's own limit as a row of the durable
// tables, measured interleaved with the engines (so it sees the same
// neighbours on a shared machine): each put appends the value with pwrite to
// one preallocated, zero-filled file and fdatasyncs it, one writer at a time.
// Zero-filled, not just fallocated: walkv writes zeros ahead of its log tail
// (LogWriter::kZeroAheadBytes), so its flushes, like these, land in written
// extents and persist no extent conversion — this row is the device's best
// rate for a 4 KiB append + fdatasync. (The device measurement at the start of
// the run shows both kinds of file.) Not a store: get finds nothing.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

constexpr std::uint64_t kFileSize = 64ull << 20;  // appends wrap around to the start

[[noreturn]] void fail(const char* what) {
  throw EngineError(std::string("device append: ") + what + ": " + std::strerror(errno));
}

class DeviceAppendEngine final : public Engine {
 public:
  explicit DeviceAppendEngine(const std::string& dir) {
    fd_ = ::open((dir + "/append").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) fail("create");
    if (::fallocate(fd_, 0, 0, static_cast<off_t>(kFileSize)) != 0) fail("fallocate");
    const std::string zeros(1u << 20, '\0');
    for (std::uint64_t offset = 0; offset < kFileSize; offset += zeros.size()) write_all(zeros, offset);
    if (::fdatasync(fd_) != 0) fail("fdatasync");
  }
  ~DeviceAppendEngine() override { close(); }

  void put(std::string_view, std::string_view value) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (offset_ + value.size() > kFileSize) offset_ = 0;  // wrap
    write_all(value, offset_);
    offset_ += value.size();
    if (::fdatasync(fd_) != 0) fail("fdatasync");
  }

  bool get(std::string_view, std::string*) override { return false; }
  void compact() override {}
  void close() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  void write_all(std::string_view data, std::uint64_t offset) {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("pwrite");
      done += static_cast<std::size_t>(n);
    }
  }

  std::mutex mu_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;
};

}  // namespace

std::unique_ptr<Engine> open_device_append_engine(const std::string& dir, const EngineOptions&) {
  return std::make_unique<DeviceAppendEngine>(dir);
}

}  // namespace walkv_bench
