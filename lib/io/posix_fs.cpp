// The POSIX FileSystem: thin wrappers over system calls that retry EINTR,
// continue short transfers and turn errno into a Status naming the file.
#include <cerrno>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/errno_status.hpp"
#include "io/fs.hpp"

namespace walkv::io {
namespace {

Status errno_status(int err, const char* operation, const std::string& file) {
  return io::errno_status(err, std::string(operation) + " " + file);
}

// Remembers which file each open descriptor refers to, so that errors from
// descriptor-based calls (pwrite, fdatasync, ...) can name the file.
class FdNames {
 public:
  void add(int fd, std::string name) {
    std::lock_guard lock(mutex_);
    names_[fd] = std::move(name);
  }
  void remove(int fd) {
    std::lock_guard lock(mutex_);
    names_.erase(fd);
  }
  std::string name(int fd) const {
    std::lock_guard lock(mutex_);
    auto it = names_.find(fd);
    return it != names_.end() ? it->second : "fd " + std::to_string(fd);
  }
  // Path of `name` under directory `dir_fd`, for messages: `name` itself when
  // it is absolute or relative to the cwd (the path the caller gave).
  std::string child(int dir_fd, const std::string& name) const {
    if (dir_fd == AT_FDCWD || (!name.empty() && name.front() == '/')) return name;
    return this->name(dir_fd) + "/" + name;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<int, std::string> names_;
};

// Runs `call` until it does not fail with EINTR.
template <class Call>
auto retry_eintr(Call call) {
  for (;;) {
    auto r = call();
    if (r != -1 || errno != EINTR) return r;
  }
}

int open_flags(OpenMode mode) noexcept {
  switch (mode) {
    case OpenMode::read_only: return O_RDONLY;
    case OpenMode::read_write: return O_RDWR;
    case OpenMode::create: return O_RDWR | O_CREAT;
    case OpenMode::create_new: return O_RDWR | O_CREAT | O_EXCL;
  }
  return O_RDONLY;
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<int> open_root(const std::string& path) override {
    // No O_NOFOLLOW here: the store path may be a symlink, resolved once.
    int fd = retry_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return error(errno_status(errno, "open directory", path));
    names_.add(fd, path);
    return fd;
  }

  Result<int> open_dir(int dir_fd, const std::string& name, bool create) override {
    std::string path = names_.child(dir_fd, name);
    if (create && ::mkdirat(dir_fd, name.c_str(), 0700) != 0 && errno != EEXIST)
      return error(errno_status(errno, "create directory", path));
    int fd = retry_eintr(
        [&] { return ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW); });
    if (fd < 0) return error(errno_status(errno, "open directory", path));
    names_.add(fd, std::move(path));
    return fd;
  }

  Result<int> open_file(int dir_fd, const std::string& name, OpenMode mode) override {
    std::string path = names_.child(dir_fd, name);
    int flags = open_flags(mode) | O_CLOEXEC | O_NOFOLLOW;
    int fd = retry_eintr([&] { return ::openat(dir_fd, name.c_str(), flags, 0600); });
    if (fd < 0) return error(errno_status(errno, "open", path));
    names_.add(fd, std::move(path));
    return fd;
  }

  Status close(int fd) override {
    std::string name = names_.name(fd);
    names_.remove(fd);
    // Never retry close on EINTR: on Linux the descriptor is already released.
    if (::close(fd) != 0 && errno != EINTR) return errno_status(errno, "close", name);
    return {};
  }

  Status pwrite(int fd, const void* data, std::size_t len, std::uint64_t offset) override {
    const char* p = static_cast<const char*>(data);
    while (len > 0) {
      ssize_t n = retry_eintr([&] { return ::pwrite(fd, p, len, static_cast<off_t>(offset)); });
      if (n < 0) return errno_status(errno, "write", at(fd, offset));
      if (n == 0) return Status(Code::io_error, "write " + at(fd, offset) + ": wrote nothing");
      p += n;
      len -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
    }
    return {};
  }

  Result<std::size_t> pread(int fd, void* data, std::size_t len, std::uint64_t offset) override {
    char* p = static_cast<char*>(data);
    std::size_t done = 0;
    while (done < len) {
      ssize_t n = retry_eintr([&] { return ::pread(fd, p + done, len - done, static_cast<off_t>(offset + done)); });
      if (n < 0) return error(errno_status(errno, "read", at(fd, offset + done)));
      if (n == 0) break;  // end of file
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

  Status fdatasync(int fd) override {
    if (retry_eintr([&] { return ::fdatasync(fd); }) != 0) return errno_status(errno, "fdatasync", names_.name(fd));
    return {};
  }

  Status fsync(int fd) override {
    if (retry_eintr([&] { return ::fsync(fd); }) != 0) return errno_status(errno, "fsync", names_.name(fd));
    return {};
  }

  Status fallocate(int fd, std::uint64_t offset, std::uint64_t len) override {
    if (len == 0) return {};
    int err;
    do {
      // posix_fallocate returns the error instead of setting errno.
      err = ::posix_fallocate(fd, static_cast<off_t>(offset), static_cast<off_t>(len));
    } while (err == EINTR);
    if (err != 0) return errno_status(err, "fallocate", at(fd, offset) + " length " + std::to_string(len));
    return {};
  }

  Status ftruncate(int fd, std::uint64_t len) override {
    if (retry_eintr([&] { return ::ftruncate(fd, static_cast<off_t>(len)); }) != 0)
      return errno_status(errno, "truncate", names_.name(fd) + " to " + std::to_string(len));
    return {};
  }

  Result<std::uint64_t> file_size(int fd) override {
    struct stat st{};
    if (::fstat(fd, &st) != 0) return error(errno_status(errno, "stat", names_.name(fd)));
    return static_cast<std::uint64_t>(st.st_size);
  }

  Status rename(int dir_fd, const std::string& from, const std::string& to) override {
    if (::renameat(dir_fd, from.c_str(), dir_fd, to.c_str()) != 0)
      return errno_status(errno, "rename", names_.child(dir_fd, from) + " to " + to);
    return {};
  }

  Status unlink(int dir_fd, const std::string& name) override {
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0) return errno_status(errno, "unlink", names_.child(dir_fd, name));
    return {};
  }

  Result<std::vector<std::string>> list(int dir_fd) override;

  Result<bool> exists(int dir_fd, const std::string& name) override {
    struct stat st{};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
    if (errno == ENOENT) return false;
    return error(errno_status(errno, "stat", names_.child(dir_fd, name)));
  }

  Status lock(int fd) override {
    struct flock fl = whole_file_write_lock();
    if (retry_eintr([&] { return ::fcntl(fd, F_OFD_SETLK, &fl); }) == 0) return {};
    int err = errno;
    if (err == EAGAIN || err == EACCES)
      return Status(Code::locked, "lock " + names_.name(fd) + ": held by another open file description");
    return errno_status(err, "lock", names_.name(fd));
  }

  Result<bool> is_locked(int fd) override {
    struct flock fl = whole_file_write_lock();
    if (retry_eintr([&] { return ::fcntl(fd, F_OFD_GETLK, &fl); }) != 0)
      return error(errno_status(errno, "query lock", names_.name(fd)));
    return fl.l_type != F_UNLCK;
  }

  Result<const std::uint8_t*> map(int fd, std::uint64_t len) override {
    if (len == 0) return error(Code::invalid_argument, "map " + names_.name(fd) + ": zero length");
    void* p = ::mmap(nullptr, static_cast<std::size_t>(len), PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return error(errno_status(errno, "mmap", names_.name(fd)));
    return static_cast<const std::uint8_t*>(p);
  }

  void unmap(const std::uint8_t* addr, std::uint64_t len) override {
    if (addr != nullptr && len > 0) ::munmap(const_cast<std::uint8_t*>(addr), static_cast<std::size_t>(len));
  }

  // sync_file_range(SYNC_FILE_RANGE_WRITE): queues the dirty pages of the
  // range for writeback and returns without waiting (and without flushing the
  // device cache or metadata). Elsewhere nothing: this is a hint.
  void start_writeback(int fd, std::uint64_t offset, std::uint64_t len) override {
#if defined(__linux__)
    (void)::sync_file_range(fd, static_cast<off_t>(offset), static_cast<off_t>(len), SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
    (void)offset;
    (void)len;
#endif
  }

  // madvise(MADV_DONTNEED) on the whole pages inside the range. On a
  // read-only MAP_SHARED file mapping this only unmaps the pages from this
  // process (they stay in the page cache); a later access faults them back
  // in from the file. Errors (EINVAL for a range that is not a mapping: a
  // caller's bug) are ignored: this is a hint.
  void release_pages(const std::uint8_t* addr, std::uint64_t len) override {
    if (addr == nullptr || len == 0) return;
    static const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(addr);
    const std::uintptr_t first = (begin + page - 1) & ~(page - 1);   // round up
    const std::uintptr_t last = (begin + len) & ~(page - 1);         // round down
    if (last <= first) return;
    (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
  }

 private:
  static struct flock whole_file_write_lock() noexcept {
    struct flock fl{};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;  // to the end of the file, however large it grows
    fl.l_pid = 0;  // required for OFD locks
    return fl;
  }

  std::string at(int fd, std::uint64_t offset) const {
    return names_.name(fd) + " at offset " + std::to_string(offset);
  }

  FdNames names_;
};

Result<std::vector<std::string>> PosixFileSystem::list(int dir_fd) {
  // A fresh open file description of the same directory: fdopendir takes
  // ownership of it, and its read position is not shared with dir_fd (so
  // concurrent listings of one directory do not disturb each other).
  int own_fd = retry_eintr([&] { return ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
  if (own_fd < 0) return error(errno_status(errno, "list directory", names_.name(dir_fd)));
  DIR* dir = ::fdopendir(own_fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(own_fd);
    return error(errno_status(err, "list directory", names_.name(dir_fd)));
  }
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return error(errno_status(err, "list directory", names_.name(dir_fd)));
  return names;
}

}  // namespace

FileSystem& posix_fs() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace walkv::io
