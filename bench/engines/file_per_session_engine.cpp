// walkv-bench — the seed systems' approach: one file per session, replaced
// atomically. Durable put: write "<name>.tmp.<n>", fdatasync, rename over
// "<name>", fsync the directory. Unsynced put: the same without the two syncs.
// File names are the hex of the key (keys are bytes).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

[[noreturn]] void fail(const char* what, const std::string& name) {
  throw EngineError(std::string("file-per-session ") + what + " " + name + ": " + std::strerror(errno));
}

std::string hex_name(std::string_view key) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(key.size() * 2);
  for (unsigned char c : key) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

void write_all(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", name);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

class FilePerSessionEngine final : public Engine {
 public:
  FilePerSessionEngine(const std::string& dir, bool durable) : dir_(dir), durable_(durable) {
    dir_fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd_ < 0) fail("open directory", dir);
  }
  ~FilePerSessionEngine() override { close(); }

  void put(std::string_view key, std::string_view value) override {
    const std::string name = hex_name(key);
    const std::string tmp = name + ".tmp." + std::to_string(tmp_counter_.fetch_add(1));
    int fd = ::openat(dir_fd_, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) fail("create", tmp);
    write_all(fd, value, tmp);
    if (durable_ && ::fdatasync(fd) != 0) fail("fdatasync", tmp);
    if (::close(fd) != 0) fail("close", tmp);
    if (::renameat(dir_fd_, tmp.c_str(), dir_fd_, name.c_str()) != 0) fail("rename", tmp);
    if (durable_ && ::fsync(dir_fd_) != 0) fail("fsync directory", dir_);
  }

  bool get(std::string_view key, std::string* value) override {
    const std::string name = hex_name(key);
    int fd = ::openat(dir_fd_, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT) return false;
    if (fd < 0) fail("open", name);
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail("fstat", name);
    value->resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < value->size()) {
      ssize_t n = ::pread(fd, value->data() + done, value->size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("read", name);
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return true;
  }

  void compact() override {}  // nothing to fold

  void close() override {
    if (dir_fd_ < 0) return;
    ::fsync(dir_fd_);
    ::close(dir_fd_);
    dir_fd_ = -1;
  }

 private:
  std::string dir_;
  bool durable_;
  int dir_fd_ = -1;
  std::atomic<std::uint64_t> tmp_counter_{0};
};

}  // namespace

std::unique_ptr<Engine> open_file_per_session_engine(const std::string& dir, const EngineOptions& options) {
  return std::make_unique<FilePerSessionEngine>(dir, options.durable);
}

}  // namespace walkv_bench
