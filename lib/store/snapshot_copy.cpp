// walkv store — copy_compact_snapshot (include/walkv/check.hpp): a compacted
// copy of the LMDB snapshot (mdb_env_copy2 with MDB_CP_COMPACT, as
// `mdb_copy -c`), optionally exchanged with the store's snapshot.
//
// LMDB does its own file I/O outside the io layer; the exchange of data.mdb
// (renameat2 across two directories, which io::FileSystem::rename does not
// cover) is done here for the same reason.
#include <walkv/check.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "io/errno_status.hpp"
#include "snapshot/snapshot.hpp"
#include "store/store_lock.hpp"

namespace walkv {

namespace {

Status fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io::errno_status(errno, "open " + path);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status() : io::errno_status(err, "fsync " + path);
}

Result<std::uint64_t> size_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return error(io::errno_status(errno, "stat " + path));
  return static_cast<std::uint64_t>(st.st_size);
}

Status prepare_out_dir(const std::string& out_dir) {
  if (::mkdir(out_dir.c_str(), 0700) != 0 && errno != EEXIST) return io::errno_status(errno, "mkdir " + out_dir);
  struct stat st {};
  if (::stat(out_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status(Code::invalid_argument, out_dir + " is not a directory");
  if (::access((out_dir + "/data.mdb").c_str(), F_OK) == 0)
    return Status(Code::invalid_argument, out_dir + "/data.mdb already exists; choose an empty directory");
  return Status();
}

// Exchanges snapshot/data.mdb with out_dir/data.mdb atomically, then makes
// both directory entries durable.
Status exchange_snapshot(const std::string& dir, const std::string& out_dir) {
  const std::string live = dir + "/snapshot/data.mdb";
  const std::string copy = out_dir + "/data.mdb";
  if (::renameat2(AT_FDCWD, copy.c_str(), AT_FDCWD, live.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno == EXDEV)
      return Status(Code::invalid_argument, out_dir + " is on another file system than " + dir +
                                                ": a swap needs both on one file system");
    return io::errno_status(errno, "exchange " + copy + " with " + live);
  }
  if (Status s = fsync_path(dir + "/snapshot"); !s.ok()) return s;
  return fsync_path(out_dir);
}

}  // namespace

Result<CompactCopy> copy_compact_snapshot(const std::string& dir, const std::string& out_dir, bool swap) {
  if (!is_store(dir)) return error(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
  std::optional<StoreLock> lock;
  int root_fd = -1;
  if (swap) {
    auto root = io::posix_fs().open_root(dir);
    if (!root) return error(root.error());
    root_fd = *root;
    auto taken = StoreLock::acquire(io::posix_fs(), root_fd, dir);
    if (!taken) {
      io::posix_fs().close(root_fd);
      return error(taken.error());
    }
    lock.emplace(std::move(*taken));
  }
  struct RootCloser {
    int fd;
    ~RootCloser() {
      if (fd >= 0) io::posix_fs().close(fd);
    }
  } root_closer{root_fd};

  if (Status s = prepare_out_dir(out_dir); !s.ok()) return error(s);
  CompactCopy result;
  auto before = size_of(dir + "/snapshot/data.mdb");
  if (!before) return error(before.error());
  result.bytes_before = *before;
  {
    auto snapshot = Snapshot::open(dir + "/snapshot", Snapshot::Mode::read_only, 0);
    if (!snapshot) return error(snapshot.error());
    if (Status s = (*snapshot)->copy_compact(out_dir); !s.ok()) return error(s);
  }  // the environment is closed before its file is exchanged
  auto after = size_of(out_dir + "/data.mdb");
  if (!after) return error(after.error());
  result.bytes_after = *after;
  if (swap) {
    if (Status s = exchange_snapshot(dir, out_dir); !s.ok()) return error(s);
    result.swapped = true;
  }
  return result;
}

}  // namespace walkv
