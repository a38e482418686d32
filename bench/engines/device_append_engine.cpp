// walkv-bench — "device": the device's own limit as a row of the durable
// tables, measured interleaved with the engines (so it sees the same
// neighbours on a shared machine): each put appends the value with pwrite to
// one file preallocated with fallocate (as walkv's segments are) and
// fdatasyncs it, one writer at a time. Not a store: get finds nothing.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

constexpr std::uint64_t kFileSize = 256ull << 20;

[[noreturn]] void fail(const char* what) {
  throw EngineError(std::string("device append: ") + what + ": " + std::strerror(errno));
}

class DeviceAppendEngine final : public Engine {
 public:
  explicit DeviceAppendEngine(const std::string& dir) {
    fd_ = ::open((dir + "/append").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) fail("create");
    if (::fallocate(fd_, 0, 0, static_cast<off_t>(kFileSize)) != 0) fail("fallocate");
    if (::fdatasync(fd_) != 0) fail("fdatasync");
  }
  ~DeviceAppendEngine() override { close(); }

  void put(std::string_view, std::string_view value) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (offset_ + value.size() > kFileSize) offset_ = 0;  // wrap (rare: only at very high rates)
    std::size_t done = 0;
    while (done < value.size()) {
      ssize_t n = ::pwrite(fd_, value.data() + done, value.size() - done, static_cast<off_t>(offset_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("pwrite");
      done += static_cast<std::size_t>(n);
    }
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
  std::mutex mu_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;
};

}  // namespace

std::unique_ptr<Engine> open_device_append_engine(const std::string& dir, const EngineOptions&) {
  return std::make_unique<DeviceAppendEngine>(dir);
}

}  // namespace walkv_bench
