// walkv io layer — every file operation of the library goes through a FileSystem.
//
// Thread-safety: implementations are thread-safe; distinct threads may call
// any method at once (on distinct or the same descriptors, as POSIX allows).
//
// Descriptors are plain ints owned by the caller (close them with close()).
// Every open is relative to a directory descriptor and uses
// O_CLOEXEC|O_NOFOLLOW; files are created 0600 and directories 0700.
// Errors map errno to Code: ENOSPC/EDQUOT -> no_space, ENOENT -> not_found,
// others -> io_error; the message names the operation, the file and errno text.
// EINTR is retried inside the implementation; short writes are continued.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <walkv/status.hpp>

namespace walkv::io {

enum class OpenMode {
  read_only,      // O_RDONLY
  read_write,     // O_RDWR, file must exist
  create,         // O_RDWR|O_CREAT (0600), existing file kept
  create_new,     // O_RDWR|O_CREAT|O_EXCL (0600)
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens directory `path` (absolute, or relative to the cwd); follows symlinks
  // (the store path is resolved once, here). Returns the descriptor.
  virtual Result<int> open_root(const std::string& path) = 0;
  // Creates directory `name` (0700) under dir_fd if missing; then opens it.
  virtual Result<int> open_dir(int dir_fd, const std::string& name, bool create) = 0;
  virtual Result<int> open_file(int dir_fd, const std::string& name, OpenMode mode) = 0;
  virtual Status close(int fd) = 0;

  // Writes all `len` bytes at `offset` (continues short writes).
  virtual Status pwrite(int fd, const void* data, std::size_t len, std::uint64_t offset) = 0;
  // Reads up to `len` bytes at `offset`; returns bytes read (< len only at EOF).
  virtual Result<std::size_t> pread(int fd, void* data, std::size_t len, std::uint64_t offset) = 0;
  virtual Status fdatasync(int fd) = 0;
  virtual Status fsync(int fd) = 0;
  // Reserves [offset, offset+len) (posix_fallocate semantics: blocks allocated, reads as zero).
  virtual Status fallocate(int fd, std::uint64_t offset, std::uint64_t len) = 0;
  virtual Status ftruncate(int fd, std::uint64_t len) = 0;
  virtual Result<std::uint64_t> file_size(int fd) = 0;

  // renameat within one directory; the caller fsyncs the directory after.
  virtual Status rename(int dir_fd, const std::string& from, const std::string& to) = 0;
  virtual Status unlink(int dir_fd, const std::string& name) = 0;
  // Names in the directory (no "." or ".."), unsorted. Returns not_found if missing.
  virtual Result<std::vector<std::string>> list(int dir_fd) = 0;
  // True if `name` exists under dir_fd (lstat semantics; a symlink counts).
  virtual Result<bool> exists(int dir_fd, const std::string& name) = 0;

  // Takes an exclusive OFD lock (fcntl F_OFD_SETLK) on the whole of `fd`
  // without waiting. Returns Code::locked when another open file description
  // holds it — in this or another process.
  virtual Status lock(int fd) = 0;
  // True when another open file description holds a lock that conflicts with
  // an exclusive lock on `fd` (fcntl F_OFD_GETLK); takes no lock itself.
  // (OFD locks do not report a pid, so callers read the pid recorded in LOCK.)
  virtual Result<bool> is_locked(int fd) = 0;

  // Maps [0, len) of `fd` read-only (MAP_SHARED). len > 0. Release with unmap.
  virtual Result<const std::uint8_t*> map(int fd, std::uint64_t len) = 0;
  virtual void unmap(const std::uint8_t* addr, std::uint64_t len) = 0;
  // Tells the file system that the process is done with [addr, addr+len) of a
  // mapping made by map(), for now: its pages may leave the process's resident
  // set (they stay in the page cache). The mapping stays valid; a later read
  // of the range sees the file's contents again (read back in on access).
  // Only whole pages inside the range are released, so a partial first or
  // last page stays. A hint: never fails, may do nothing. Used by the log
  // replay to drop what lies behind its cursor (as madvise(MADV_DONTNEED) on
  // a read-only MAP_SHARED mapping). The default does nothing (right for file
  // systems whose map() returns heap copies, and for wrappers that do not
  // forward it).
  virtual void release_pages(const std::uint8_t* addr, std::uint64_t len) {
    (void)addr;
    (void)len;
  }

  // Starts writing [offset, offset+len) of `fd` back to the device without
  // waiting for it (Linux sync_file_range(SYNC_FILE_RANGE_WRITE), as RocksDB's
  // wal_bytes_per_sync), so that a later fdatasync of the file has less left
  // to write and wait for. A hint: it makes nothing durable, never fails and
  // may do nothing. It never waits for the write, so it does not consume the
  // file's writeback error state: the fdatasync that follows still reports
  // an I/O error of these pages. The default does nothing.
  virtual void start_writeback(int fd, std::uint64_t offset, std::uint64_t len) {
    (void)fd;
    (void)offset;
    (void)len;
  }
};

// The process-wide POSIX implementation.
FileSystem& posix_fs();

// Convenience: writes `data` to `name` under dir_fd via `name.tmp`,
// fdatasync, rename, fsync(dir). Atomic replacement.
Status write_file_atomic(FileSystem& fs, int dir_fd, const std::string& name, const std::string& data);
// Reads the whole file `name` under dir_fd.
Result<std::string> read_file(FileSystem& fs, int dir_fd, const std::string& name);

}  // namespace walkv::io
