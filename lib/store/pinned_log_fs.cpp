// walkv store — PinnedLogFs (lib/store/pinned_log_fs.hpp).
#include "store/pinned_log_fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "io/errno_status.hpp"
#include "wal/format.hpp"

namespace walkv {

namespace {

Result<int> duplicate(int fd, const std::string& name) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return error(io::errno_status(errno, "dup wal/" + name));
  return copy;
}

}  // namespace

Result<std::unique_ptr<PinnedLogFs>> PinnedLogFs::pin(const std::string& dir) {
  std::unique_ptr<PinnedLogFs> pinned(new PinnedLogFs());
  io::FileSystem& base = pinned->base_;
  auto root = base.open_root(dir);
  if (!root) return error(root.error());
  auto wal = base.open_dir(*root, "wal", /*create=*/false);
  base.close(*root);
  if (!wal) return error(wal.error());
  auto names = base.list(*wal);
  if (!names) {
    base.close(*wal);
    return error(names.error());
  }
  for (const std::string& name : *names) {
    std::uint64_t first = 0;
    if (!wal::parse_segment_file_name(name, &first)) continue;
    auto fd = base.open_file(*wal, name, io::OpenMode::read_only);
    if (!fd && fd.error().code() == Code::not_found) continue;  // compacted away meanwhile
    if (!fd) {
      base.close(*wal);
      return error(fd.error());
    }
    pinned->pinned_.emplace(name, *fd);
  }
  base.close(*wal);
  return pinned;
}

PinnedLogFs::~PinnedLogFs() {
  for (const auto& [fd, name] : open_segments_) base_.close(fd);
  for (int fd : wal_dirs_) base_.close(fd);
  for (const auto& [name, fd] : pinned_) base_.close(fd);
}

std::vector<std::string> PinnedLogFs::segment_names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, fd] : pinned_) names.push_back(name);
  return names;
}

bool PinnedLogFs::is_wal_dir(int fd) const {
  std::lock_guard<std::mutex> lock(mu_);
  return wal_dirs_.count(fd) != 0;
}

Status PinnedLogFs::read_only_refusal(const char* what) const {
  return Status(Code::not_supported, std::string(what) + " on a pinned read-only view of the log");
}

Result<int> PinnedLogFs::open_root(const std::string& path) { return base_.open_root(path); }

Result<int> PinnedLogFs::open_dir(int dir_fd, const std::string& name, bool create) {
  auto fd = base_.open_dir(dir_fd, name, create);
  if (fd && name == "wal") {
    std::lock_guard<std::mutex> lock(mu_);
    wal_dirs_.insert(*fd);
  }
  return fd;
}

Result<int> PinnedLogFs::open_file(int dir_fd, const std::string& name, io::OpenMode mode) {
  if (!is_wal_dir(dir_fd)) return base_.open_file(dir_fd, name, mode);
  if (mode != io::OpenMode::read_only) return error(read_only_refusal("opening a segment for writing"));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pinned_.find(name);
  if (it == pinned_.end()) return error(Code::not_found, "wal/" + name + " is not part of the pinned view");
  auto copy = duplicate(it->second, name);
  if (copy) open_segments_.emplace(*copy, name);
  return copy;
}

Status PinnedLogFs::close(int fd) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_segments_.erase(fd);
    wal_dirs_.erase(fd);
  }
  return base_.close(fd);
}

Status PinnedLogFs::pwrite(int, const void*, std::size_t, std::uint64_t) { return read_only_refusal("pwrite"); }
Result<std::size_t> PinnedLogFs::pread(int fd, void* data, std::size_t len, std::uint64_t offset) {
  return base_.pread(fd, data, len, offset);
}
Status PinnedLogFs::fdatasync(int) { return read_only_refusal("fdatasync"); }
Status PinnedLogFs::fsync(int) { return read_only_refusal("fsync"); }
Status PinnedLogFs::fallocate(int, std::uint64_t, std::uint64_t) { return read_only_refusal("fallocate"); }
Status PinnedLogFs::ftruncate(int, std::uint64_t) { return read_only_refusal("ftruncate"); }
Result<std::uint64_t> PinnedLogFs::file_size(int fd) { return base_.file_size(fd); }
Status PinnedLogFs::rename(int, const std::string&, const std::string&) { return read_only_refusal("rename"); }
Status PinnedLogFs::unlink(int, const std::string&) { return read_only_refusal("unlink"); }

Result<std::vector<std::string>> PinnedLogFs::list(int dir_fd) {
  if (!is_wal_dir(dir_fd)) return base_.list(dir_fd);
  return segment_names();
}

Result<bool> PinnedLogFs::exists(int dir_fd, const std::string& name) { return base_.exists(dir_fd, name); }
Status PinnedLogFs::lock(int) { return read_only_refusal("lock"); }
Result<bool> PinnedLogFs::is_locked(int fd) { return base_.is_locked(fd); }

Result<const std::uint8_t*> PinnedLogFs::map(int fd, std::uint64_t len) { return base_.map(fd, len); }
void PinnedLogFs::unmap(const std::uint8_t* addr, std::uint64_t len) { base_.unmap(addr, len); }

}  // namespace walkv
