// Whole-file helpers on top of FileSystem.
#include "io/fs.hpp"

namespace walkv::io {
namespace {

// Closes `fd`, keeping the first error: `status` if it failed, else close's.
Status close_keeping_first_error(FileSystem& fs, int fd, Status status) {
  Status closed = fs.close(fd);
  return status.ok() ? closed : status;
}

Status write_and_sync(FileSystem& fs, int fd, const std::string& data) {
  // Truncate first: a leftover .tmp from a crash may be longer than `data`.
  if (Status s = fs.ftruncate(fd, 0); !s.ok()) return s;
  if (Status s = fs.pwrite(fd, data.data(), data.size(), 0); !s.ok()) return s;
  return fs.fdatasync(fd);
}

}  // namespace

Status write_file_atomic(FileSystem& fs, int dir_fd, const std::string& name, const std::string& data) {
  const std::string tmp = name + ".tmp";
  auto fd = fs.open_file(dir_fd, tmp, OpenMode::create);
  if (!fd) return fd.error();
  Status s = close_keeping_first_error(fs, *fd, write_and_sync(fs, *fd, data));
  if (!s.ok()) {
    (void)fs.unlink(dir_fd, tmp);  // best effort: the write already failed
    return s;
  }
  if (Status r = fs.rename(dir_fd, tmp, name); !r.ok()) return r;
  // Without this fsync the rename itself may not survive a power loss.
  return fs.fsync(dir_fd);
}

Result<std::string> read_file(FileSystem& fs, int dir_fd, const std::string& name) {
  auto fd = fs.open_file(dir_fd, name, OpenMode::read_only);
  if (!fd) return error(fd.error());
  std::string data;
  Status s;
  if (auto size = fs.file_size(*fd); !size) {
    s = size.error();
  } else {
    data.resize(*size);
    auto n = fs.pread(*fd, data.data(), data.size(), 0);
    if (!n) s = n.error();
    else data.resize(*n);  // the file may have shrunk since the stat
  }
  s = close_keeping_first_error(fs, *fd, std::move(s));
  if (!s.ok()) return error(std::move(s));
  return data;
}

}  // namespace walkv::io
