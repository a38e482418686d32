// walkv store — the LOCK file: one open of a store at a time.
//
// Thread-safety: a StoreLock is owned by one Store; the static functions are
// reentrant.
//
// The lock is an OFD lock (fcntl F_OFD_SETLK) on <store>/LOCK, so it conflicts
// between processes AND between two opens in one process, and it dies with its
// holder (kill -9 included). The holder writes its pid into LOCK for the
// error message of whoever is refused.
#pragma once

#include <cstdint>

#include <walkv/status.hpp>

#include "io/fs.hpp"

namespace walkv {

class StoreLock {
 public:
  // Takes the lock of the store whose root directory is root_fd.
  // Errors: locked ("store <dir> is locked by pid N"), io_error.
  static Result<StoreLock> acquire(io::FileSystem& fs, int root_fd, const std::string& dir);
  // Whether some other open holds the lock now, and its recorded pid (0 if none).
  struct Holder { bool locked = false; std::uint64_t pid = 0; };
  static Result<Holder> probe(io::FileSystem& fs, int root_fd);

  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&& other) noexcept;
  ~StoreLock();
  // Releases the lock (closes the descriptor). Idempotent.
  void release();

 private:
  StoreLock(io::FileSystem* fs, int fd) : fs_(fs), fd_(fd) {}
  io::FileSystem* fs_ = nullptr;
  int fd_ = -1;
};

}  // namespace walkv
