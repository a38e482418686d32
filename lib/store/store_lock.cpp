#include "store/store_lock.hpp"

#include <unistd.h>

#include <charconv>
#include <string>
#include <utility>

namespace walkv {

namespace {

constexpr const char* kLockFile = "LOCK";

std::uint64_t parse_pid(const std::string& text) {
  std::uint64_t pid = 0;
  std::from_chars(text.data(), text.data() + text.size(), pid);
  return pid;
}

Result<std::uint64_t> recorded_pid(io::FileSystem& fs, int fd) {
  char buf[32] = {};
  auto got = fs.pread(fd, buf, sizeof(buf) - 1, 0);
  if (!got) return error(got.error());
  return parse_pid(std::string(buf, *got));
}

}  // namespace

Result<StoreLock> StoreLock::acquire(io::FileSystem& fs, int root_fd, const std::string& dir) {
  auto fd = fs.open_file(root_fd, kLockFile, io::OpenMode::create);
  if (!fd) return error(fd.error());
  StoreLock lock(&fs, *fd);
  Status s = fs.lock(*fd);
  if (s.code() == Code::locked) {
    auto pid = recorded_pid(fs, *fd);
    return error(Code::locked, "store " + dir + " is locked by pid " +
                                   (pid && *pid ? std::to_string(*pid) : std::string("unknown")) +
                                   " (another open of this store, in this or another process)");
  }
  if (!s.ok()) return error(s);
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (Status t = fs.ftruncate(*fd, 0); !t.ok()) return error(t);
  if (Status w = fs.pwrite(*fd, pid.data(), pid.size(), 0); !w.ok()) return error(w);
  return lock;
}

Result<StoreLock::Holder> StoreLock::probe(io::FileSystem& fs, int root_fd) {
  auto fd = fs.open_file(root_fd, kLockFile, io::OpenMode::read_only);
  if (!fd) {
    if (fd.error().code() == Code::not_found) return Holder{};
    return error(fd.error());
  }
  Holder holder;
  auto locked = fs.is_locked(*fd);
  if (locked && *locked) {
    holder.locked = true;
    auto pid = recorded_pid(fs, *fd);
    holder.pid = pid ? *pid : 0;
  }
  fs.close(*fd);
  if (!locked) return error(locked.error());
  return holder;
}

StoreLock::StoreLock(StoreLock&& other) noexcept
    : fs_(std::exchange(other.fs_, nullptr)), fd_(std::exchange(other.fd_, -1)) {}

StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    release();
    fs_ = std::exchange(other.fs_, nullptr);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

StoreLock::~StoreLock() { release(); }

void StoreLock::release() {
  if (fd_ >= 0 && fs_ != nullptr) fs_->close(fd_);
  fd_ = -1;
}

}  // namespace walkv
