// Test support: FaultFs (see fault_fs.hpp).
#include "fault_fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace walkv::test {

namespace {

constexpr std::size_t kTraceLimit = 200000;

std::size_t idx(FsOp op) { return static_cast<std::size_t>(op); }

Code code_for_errno(int err) {
  switch (err) {
    case ENOSPC:
    case EDQUOT: return Code::no_space;
    case ENOENT: return Code::not_found;
    default: return Code::io_error;
  }
}

const char* errno_name(int err) {
  switch (err) {
    case EIO: return "EIO";
    case ENOSPC: return "ENOSPC";
    case EDQUOT: return "EDQUOT";
    case EINTR: return "EINTR";
    case ENOENT: return "ENOENT";
    case EROFS: return "EROFS";
    default: return "errno";
  }
}

std::string proc_fd(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// A new open file description of the inode behind fd (not a dup: a dup would
// share the description and with it an OFD lock taken on it).
int reopen(int fd, int flags) { return ::open(proc_fd(fd).c_str(), flags | O_CLOEXEC); }

std::uint64_t size_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::runtime_error("FaultFs: fstat failed: " + std::string(std::strerror(errno)));
  return static_cast<std::uint64_t>(st.st_size);
}

std::string read_range(int fd, std::uint64_t offset, std::uint64_t len) {
  std::string out(len, '\0');
  std::uint64_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, out.data() + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::uint64_t>(n);
  }
  out.resize(done);
  return out;
}

void write_range(int fd, std::uint64_t offset, const std::string& bytes) {
  std::uint64_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("FaultFs: restoring bytes failed: " + std::string(std::strerror(errno)));
    done += static_cast<std::uint64_t>(n);
  }
}

}  // namespace

const char* fs_op_name(FsOp op) noexcept {
  switch (op) {
    case FsOp::open_root: return "open_root";
    case FsOp::open_dir: return "open_dir";
    case FsOp::open_file: return "open_file";
    case FsOp::close: return "close";
    case FsOp::pwrite: return "pwrite";
    case FsOp::pread: return "pread";
    case FsOp::fdatasync: return "fdatasync";
    case FsOp::fsync: return "fsync";
    case FsOp::fallocate: return "fallocate";
    case FsOp::ftruncate: return "ftruncate";
    case FsOp::file_size: return "file_size";
    case FsOp::rename: return "rename";
    case FsOp::unlink: return "unlink";
    case FsOp::list: return "list";
    case FsOp::exists: return "exists";
    case FsOp::lock: return "lock";
    case FsOp::is_locked: return "is_locked";
    case FsOp::map: return "map";
    case FsOp::any: return "any";
  }
  return "?";
}

FaultFs::FaultFs(io::FileSystem& base, bool real_syncs) : base_(base), real_syncs_(real_syncs) {}

FaultFs::~FaultFs() {
  for (auto& [key, j] : data_)
    if (j.fd >= 0) ::close(j.fd);
  for (auto& [key, fd] : dir_fds_) ::close(fd);
  if (scratch_fd_ >= 0) ::close(scratch_fd_);
  if (!scratch_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(scratch_, ec);
  }
}

// ---------------------------------------------------------------- counting and faults

std::uint64_t FaultFs::calls(FsOp op) const {
  std::lock_guard lock(mu_);
  return counts_[idx(op)];
}

std::uint64_t FaultFs::completed(FsOp op) const {
  std::lock_guard lock(mu_);
  return done_[idx(op)];
}

bool FaultFs::wait_completed(FsOp op, std::uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return done_[idx(op)] >= n; });
}

void FaultFs::fail(FsOp op, std::uint64_t nth, int err, bool until_healed) {
  std::lock_guard lock(mu_);
  rules_.push_back(Rule{op, counts_[idx(op)] + nth, err, until_healed, std::nullopt});
}

void FaultFs::short_write(std::uint64_t nth, std::size_t bytes, int err) {
  std::lock_guard lock(mu_);
  rules_.push_back(Rule{FsOp::pwrite, counts_[idx(FsOp::pwrite)] + nth, err, false, bytes});
}

void FaultFs::crash_at(std::uint64_t nth, int err) {
  std::lock_guard lock(mu_);
  crash_target_ = counts_[idx(FsOp::any)] + nth;
  crash_err_ = err;
}

bool FaultFs::crashed() const {
  std::lock_guard lock(mu_);
  return crashed_;
}

std::uint64_t FaultFs::injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

void FaultFs::heal() {
  std::lock_guard lock(mu_);
  rules_.clear();
  crash_target_.reset();
  crashed_ = false;
}

FaultFs::Decision FaultFs::decide(FsOp op, const std::string& what) {
  counts_[idx(op)] += 1;
  counts_[idx(FsOp::any)] += 1;
  const std::uint64_t n = counts_[idx(FsOp::any)];
  Decision d;
  if (crashed_) {
    d.err = crash_err_;
  } else if (crash_target_ && n >= *crash_target_) {
    crashed_ = true;
    d.err = crash_err_;
  } else {
    for (Rule& r : rules_) {
      if (r.op != FsOp::any && r.op != op) continue;
      const std::uint64_t count = counts_[idx(r.op)];
      if ((r.sticky && count >= r.target) || (!r.fired && count == r.target)) {
        r.fired = true;
        d.err = r.err;
        d.short_bytes = r.short_bytes;
        break;
      }
    }
  }
  if (d.err != 0) injected_ += 1;
  if (trace_.size() < kTraceLimit) {
    std::string line = "#" + std::to_string(n) + " " + fs_op_name(op) + " " + what;
    if (d.short_bytes) line += " (short: " + std::to_string(*d.short_bytes) + " bytes)";
    if (d.err != 0) line += std::string(" -> injected ") + errno_name(d.err);
    trace_.push_back(std::move(line));
  }
  return d;
}

Status FaultFs::injected_status(FsOp op, const std::string& what, int err) const {
  return Status(code_for_errno(err),
                std::string("injected ") + fs_op_name(op) + " " + what + ": " + std::strerror(err));
}

std::string FaultFs::fd_name(int fd) const {
  auto it = names_.find(fd);
  return it != names_.end() ? it->second : "fd " + std::to_string(fd);
}

std::string FaultFs::child_name(int dir_fd, const std::string& name) const {
  if (dir_fd == AT_FDCWD || (!name.empty() && name[0] == '/')) return name;
  return fd_name(dir_fd) + "/" + name;
}

FaultFs::Key FaultFs::key_of(int fd) const {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::runtime_error("FaultFs: fstat failed: " + std::string(std::strerror(errno)));
  return Key{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

std::vector<std::string> FaultFs::trace() const {
  std::lock_guard lock(mu_);
  return trace_;
}

std::string FaultFs::trace_line(std::uint64_t n) const {
  std::lock_guard lock(mu_);
  return n >= 1 && n <= trace_.size() ? trace_[n - 1] : std::string();
}

// ---------------------------------------------------------------- journals

// Our own descriptor of the directory that holds `name` (relative to dir_fd;
// `name` may be a path), its key, and the last path component.
int FaultFs::dir_fd_for(int dir_fd, const std::string& name, std::string* leaf, Key* key) {
  std::string parent = ".";
  *leaf = name;
  if (auto slash = name.find_last_of('/'); slash != std::string::npos) {
    parent = slash == 0 ? "/" : name.substr(0, slash);
    *leaf = name.substr(slash + 1);
  }
  int fd = ::openat(dir_fd, parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("FaultFs: cannot open the parent of " + name);
  *key = key_of(fd);
  auto [it, inserted] = dir_fds_.emplace(*key, fd);
  if (!inserted) ::close(fd);
  return it->second;
}

FaultFs::DataJournal& FaultFs::journal_for(int fd) {
  const Key key = key_of(fd);
  auto it = data_.find(key);
  if (it == data_.end()) {
    DataJournal j;
    j.fd = reopen(fd, O_RDWR);
    if (j.fd < 0) throw std::runtime_error("FaultFs: cannot reopen " + fd_name(fd) + " for its journal");
    j.name = fd_name(fd);
    j.order = ++data_order_;
    it = data_.emplace(key, std::move(j)).first;
  }
  return it->second;
}

void FaultFs::journal_write(int fd, std::uint64_t offset, std::uint64_t len) {
  DataJournal& j = journal_for(fd);
  DataUndo u;
  u.old_size = size_of(j.fd);
  u.offset = offset;
  u.written = len;
  if (offset < u.old_size) u.old_bytes = read_range(j.fd, offset, std::min(len, u.old_size - offset));
  j.undo.push_back(std::move(u));
}

void FaultFs::journal_truncate(int fd, std::uint64_t len) {
  DataJournal& j = journal_for(fd);
  const std::uint64_t old_size = size_of(j.fd);
  DataUndo u;
  u.old_size = old_size;
  u.offset = len;
  u.written = len < old_size ? old_size - len : 0;
  j.undo.push_back(std::move(u));
  // The bytes cut off, as pieces: all-zero chunks (preallocated space) need
  // not be kept — growing the file back restores them as zeros.
  constexpr std::uint64_t kChunk = 64 * 1024;
  for (std::uint64_t off = len; off < old_size; off += kChunk) {
    std::string bytes = read_range(j.fd, off, std::min(kChunk, old_size - off));
    if (bytes.find_first_not_of('\0') == std::string::npos) continue;
    DataUndo piece;
    piece.old_size = old_size;
    piece.offset = off;
    piece.old_bytes = std::move(bytes);
    j.undo.push_back(std::move(piece));
  }
}

void FaultFs::journal_size(int fd) {
  DataJournal& j = journal_for(fd);
  DataUndo u;
  u.old_size = size_of(j.fd);
  j.undo.push_back(std::move(u));
}

// After fdatasync/fsync of fd: on success the pending changes are durable;
// on failure they are lost for good (fsyncgate), whatever later syncs say.
void FaultFs::synced(int fd, bool ok) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return;
  const Key key{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
  if (S_ISDIR(st.st_mode)) {
    // A failed directory fsync keeps the records (a later successful one
    // makes the directory's current state durable).
    if (!ok) return;
    for (auto it = ns_.begin(); it != ns_.end();) {
      if (it->dir == key) {
        drop_saved(it->saved);
        it = ns_.erase(it);
      } else {
        ++it;
      }
    }
    return;
  }
  auto it = data_.find(key);
  if (it == data_.end()) return;
  DataJournal& j = it->second;
  if (!ok) {
    for (auto& u : j.undo) j.lost.push_back(std::move(u));
    j.undo.clear();
    return;
  }
  // Bytes written (and synced) after pages were lost are durable: take their
  // range out of the lost pages.
  for (const DataUndo& u : j.undo) {
    if (u.written == 0) continue;
    const std::uint64_t w0 = u.offset, w1 = u.offset + u.written;
    std::vector<DataUndo> kept;
    for (DataUndo& l : j.lost) {
      const std::uint64_t l0 = l.offset, l1 = l.offset + l.old_bytes.size();
      if (w1 <= l0 || l1 <= w0) {
        kept.push_back(std::move(l));
        continue;
      }
      if (l0 < w0) kept.push_back(DataUndo{l.old_size, l0, 0, l.old_bytes.substr(0, w0 - l0)});
      if (w1 < l1) kept.push_back(DataUndo{l.old_size, w1, 0, l.old_bytes.substr(w1 - l0)});
    }
    j.lost = std::move(kept);
  }
  j.undo.clear();
  if (j.lost.empty()) {
    ::close(j.fd);
    data_.erase(it);
  }
}

void FaultFs::ensure_scratch() {
  if (scratch_fd_ >= 0) return;
  std::string templ = (std::filesystem::temp_directory_path() / "walkv-faultfs-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("FaultFs: mkdtemp failed");
  scratch_ = templ;
  scratch_fd_ = ::open(scratch_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (scratch_fd_ < 0) throw std::runtime_error("FaultFs: cannot open " + scratch_);
}

// A hard link to dir_fd/name in the scratch directory ("" when there is
// nothing to keep, e.g. the name does not exist or is a directory).
std::string FaultFs::keep_link(int dir_fd, const std::string& name) {
  ensure_scratch();
  std::string saved = "kept-" + std::to_string(++scratch_seq_);
  if (::linkat(dir_fd, name.c_str(), scratch_fd_, saved.c_str(), 0) != 0) return std::string();
  return saved;
}

void FaultFs::drop_saved(const std::string& saved) {
  if (!saved.empty() && scratch_fd_ >= 0) ::unlinkat(scratch_fd_, saved.c_str(), 0);
}

std::vector<std::string> FaultFs::unsynced_files() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [key, j] : data_)
    if (!j.undo.empty() || !j.lost.empty()) out.push_back(j.name);
  return out;
}

std::vector<std::string> FaultFs::unsynced_names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& r : ns_) {
    const char* kind = r.kind == NsKind::created_file  ? "create "
                       : r.kind == NsKind::created_dir ? "mkdir "
                       : r.kind == NsKind::renamed     ? "rename "
                                                       : "unlink ";
    out.push_back(kind + r.where + "/" + r.name + (r.kind == NsKind::renamed ? " -> " + r.to : std::string()));
  }
  return out;
}

// ---------------------------------------------------------------- power loss

void FaultFs::undo_data(DataJournal& j) {
  for (auto it = j.undo.rbegin(); it != j.undo.rend(); ++it) {
    if (!it->old_bytes.empty()) write_range(j.fd, it->offset, it->old_bytes);
    if (::ftruncate(j.fd, static_cast<off_t>(it->old_size)) != 0)
      throw std::runtime_error("FaultFs: restoring the size of " + j.name + " failed");
  }
  // Lost pages revert to their old bytes (sizes are left as they are now).
  for (auto it = j.lost.rbegin(); it != j.lost.rend(); ++it) {
    const std::uint64_t size = size_of(j.fd);
    if (it->offset >= size) continue;
    write_range(j.fd, it->offset, it->old_bytes.substr(0, size - it->offset));
  }
}

void FaultFs::undo_ns(const NsRecord& r) {
  switch (r.kind) {
    case NsKind::created_file:
      ::unlinkat(r.dir_fd, r.name.c_str(), 0);
      break;
    case NsKind::created_dir: {
      std::error_code ec;
      std::filesystem::remove_all(proc_fd(r.dir_fd) + "/" + r.name, ec);
      break;
    }
    case NsKind::renamed:
      ::renameat(r.dir_fd, r.to.c_str(), r.dir_fd, r.name.c_str());
      if (!r.saved.empty()) ::linkat(scratch_fd_, r.saved.c_str(), r.dir_fd, r.to.c_str(), 0);
      break;
    case NsKind::unlinked:
      if (!r.saved.empty()) {
        ::unlinkat(r.dir_fd, r.name.c_str(), 0);
        ::linkat(scratch_fd_, r.saved.c_str(), r.dir_fd, r.name.c_str(), 0);
      }
      break;
  }
}

void FaultFs::power_loss(PowerLoss mode) {
  std::lock_guard lock(mu_);
  if (mode != PowerLoss::keep_names)
    for (auto it = ns_.rbegin(); it != ns_.rend(); ++it) undo_ns(*it);
  if (mode != PowerLoss::keep_data)
    for (auto& [key, j] : data_) undo_data(j);
  for (auto& r : ns_) drop_saved(r.saved);
  ns_.clear();
  for (auto& [key, j] : data_)
    if (j.fd >= 0) ::close(j.fd);
  data_.clear();
  for (auto& [key, fd] : dir_fds_) ::close(fd);
  dir_fds_.clear();
  rules_.clear();
  crash_target_.reset();
  crashed_ = false;
}

// ---------------------------------------------------------------- io::FileSystem

Result<int> FaultFs::open_root(const std::string& path) {
  std::lock_guard lock(mu_);
  Decision d = decide(FsOp::open_root, path);
  if (d.err) return error(injected_status(FsOp::open_root, path, d.err));
  auto r = base_.open_root(path);
  if (r) {
    names_[*r] = path;
    done(FsOp::open_root);
  }
  return r;
}

Result<int> FaultFs::open_dir(int dir_fd, const std::string& name, bool create) {
  std::lock_guard lock(mu_);
  const std::string what = child_name(dir_fd, name);
  Decision d = decide(FsOp::open_dir, what + (create ? " (create)" : ""));
  if (d.err) return error(injected_status(FsOp::open_dir, what, d.err));
  bool existed = true;
  if (create) {
    struct stat st {};
    existed = ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  }
  auto r = base_.open_dir(dir_fd, name, create);
  if (r) {
    names_[*r] = what;
    done(FsOp::open_dir);
  }
  if (create && !existed) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      NsRecord rec;
      rec.kind = NsKind::created_dir;
      rec.dir_fd = dir_fd_for(dir_fd, name, &rec.name, &rec.dir);
      rec.where = child_name(dir_fd, name.find('/') == std::string::npos ? "." : name.substr(0, name.rfind('/')));
      ns_.push_back(std::move(rec));
    }
  }
  return r;
}

Result<int> FaultFs::open_file(int dir_fd, const std::string& name, io::OpenMode mode) {
  std::lock_guard lock(mu_);
  const std::string what = child_name(dir_fd, name);
  Decision d = decide(FsOp::open_file, what);
  if (d.err) return error(injected_status(FsOp::open_file, what, d.err));
  const bool creating = mode == io::OpenMode::create || mode == io::OpenMode::create_new;
  bool existed = true;
  if (creating) {
    struct stat st {};
    existed = ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  }
  auto r = base_.open_file(dir_fd, name, mode);
  if (r) {
    names_[*r] = what;
    done(FsOp::open_file);
    if (creating && !existed) {
      NsRecord rec;
      rec.kind = NsKind::created_file;
      rec.dir_fd = dir_fd_for(dir_fd, name, &rec.name, &rec.dir);
      rec.where = fd_name(dir_fd);
      ns_.push_back(std::move(rec));
    }
  }
  return r;
}

Status FaultFs::close(int fd) {
  std::lock_guard lock(mu_);
  const std::string what = fd_name(fd);
  Decision d = decide(FsOp::close, what);
  names_.erase(fd);
  Status s = base_.close(fd);  // the descriptor is released even when the call "fails"
  if (d.err) return injected_status(FsOp::close, what, d.err);
  if (s.ok()) done(FsOp::close);
  return s;
}

Status FaultFs::pwrite(int fd, const void* data, std::size_t len, std::uint64_t offset) {
  std::lock_guard lock(mu_);
  const std::string what = fd_name(fd) + " @" + std::to_string(offset) + "+" + std::to_string(len);
  Decision d = decide(FsOp::pwrite, what);
  if (d.err && !d.short_bytes) return injected_status(FsOp::pwrite, what, d.err);
  const std::size_t n = d.short_bytes ? std::min(*d.short_bytes, len) : len;
  if (n > 0) {
    journal_write(fd, offset, n);
    if (Status s = base_.pwrite(fd, data, n, offset); !s.ok()) return s;
  }
  if (d.err) return injected_status(FsOp::pwrite, what, d.err);
  done(FsOp::pwrite);
  return Status();
}

Result<std::size_t> FaultFs::pread(int fd, void* data, std::size_t len, std::uint64_t offset) {
  {
    std::lock_guard lock(mu_);
    const std::string what = fd_name(fd) + " @" + std::to_string(offset) + "+" + std::to_string(len);
    Decision d = decide(FsOp::pread, what);
    if (d.err) return error(injected_status(FsOp::pread, what, d.err));
  }
  auto r = base_.pread(fd, data, len, offset);
  if (r) {
    std::lock_guard lock(mu_);
    done(FsOp::pread);
  }
  return r;
}

Status FaultFs::fdatasync(int fd) {
  std::lock_guard lock(mu_);
  const std::string what = fd_name(fd);
  Decision d = decide(FsOp::fdatasync, what);
  Status s = d.err ? injected_status(FsOp::fdatasync, what, d.err) : real_syncs_ ? base_.fdatasync(fd) : Status();
  synced(fd, s.ok());
  if (s.ok()) done(FsOp::fdatasync);
  return s;
}

Status FaultFs::fsync(int fd) {
  std::lock_guard lock(mu_);
  const std::string what = fd_name(fd);
  Decision d = decide(FsOp::fsync, what);
  Status s = d.err ? injected_status(FsOp::fsync, what, d.err) : real_syncs_ ? base_.fsync(fd) : Status();
  synced(fd, s.ok());
  if (s.ok()) done(FsOp::fsync);
  return s;
}

Status FaultFs::fallocate(int fd, std::uint64_t offset, std::uint64_t len) {
  std::lock_guard lock(mu_);
  const std::string what = fd_name(fd) + " @" + std::to_string(offset) + "+" + std::to_string(len);
  Decision d = decide(FsOp::fallocate, what);
  if (d.err) return injected_status(FsOp::fallocate, what, d.err);
  journal_size(fd);
  Status s = base_.fallocate(fd, offset, len);
  if (s.ok()) done(FsOp::fallocate);
  return s;
}

Status FaultFs::ftruncate(int fd, std::uint64_t len) {
  std::lock_guard lock(mu_);
  const std::string what = fd_name(fd) + " to " + std::to_string(len);
  Decision d = decide(FsOp::ftruncate, what);
  if (d.err) return injected_status(FsOp::ftruncate, what, d.err);
  journal_truncate(fd, len);
  Status s = base_.ftruncate(fd, len);
  if (s.ok()) done(FsOp::ftruncate);
  return s;
}

Result<std::uint64_t> FaultFs::file_size(int fd) {
  std::lock_guard lock(mu_);
  const std::string what = fd_name(fd);
  Decision d = decide(FsOp::file_size, what);
  if (d.err) return error(injected_status(FsOp::file_size, what, d.err));
  auto r = base_.file_size(fd);
  if (r) done(FsOp::file_size);
  return r;
}

Status FaultFs::rename(int dir_fd, const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  const std::string what = child_name(dir_fd, from) + " -> " + to;
  Decision d = decide(FsOp::rename, what);
  if (d.err) return injected_status(FsOp::rename, what, d.err);
  const std::string saved = keep_link(dir_fd, to);  // the file `to` replaces, if any
  Status s = base_.rename(dir_fd, from, to);
  if (!s.ok()) {
    drop_saved(saved);
    return s;
  }
  NsRecord rec;
  rec.kind = NsKind::renamed;
  rec.dir_fd = dir_fd_for(dir_fd, from, &rec.name, &rec.dir);
  rec.to = to;
  rec.saved = saved;
  rec.where = fd_name(dir_fd);
  ns_.push_back(std::move(rec));
  const std::string old_path = child_name(dir_fd, from), new_path = child_name(dir_fd, to);
  for (auto& [fd, path] : names_)
    if (path == old_path) path = new_path;
  done(FsOp::rename);
  return s;
}

Status FaultFs::unlink(int dir_fd, const std::string& name) {
  std::lock_guard lock(mu_);
  const std::string what = child_name(dir_fd, name);
  Decision d = decide(FsOp::unlink, what);
  if (d.err) return injected_status(FsOp::unlink, what, d.err);
  const std::string saved = keep_link(dir_fd, name);
  Status s = base_.unlink(dir_fd, name);
  if (!s.ok()) {
    drop_saved(saved);
    return s;
  }
  NsRecord rec;
  rec.kind = NsKind::unlinked;
  rec.dir_fd = dir_fd_for(dir_fd, name, &rec.name, &rec.dir);
  rec.saved = saved;
  rec.where = fd_name(dir_fd);
  ns_.push_back(std::move(rec));
  done(FsOp::unlink);
  return s;
}

Result<std::vector<std::string>> FaultFs::list(int dir_fd) {
  {
    std::lock_guard lock(mu_);
    const std::string what = fd_name(dir_fd);
    Decision d = decide(FsOp::list, what);
    if (d.err) return error(injected_status(FsOp::list, what, d.err));
  }
  auto r = base_.list(dir_fd);
  std::lock_guard lock(mu_);
  if (r) done(FsOp::list);
  return r;
}

Result<bool> FaultFs::exists(int dir_fd, const std::string& name) {
  {
    std::lock_guard lock(mu_);
    const std::string what = child_name(dir_fd, name);
    Decision d = decide(FsOp::exists, what);
    if (d.err) return error(injected_status(FsOp::exists, what, d.err));
  }
  auto r = base_.exists(dir_fd, name);
  std::lock_guard lock(mu_);
  if (r) done(FsOp::exists);
  return r;
}

Status FaultFs::lock(int fd) {
  {
    std::lock_guard lock(mu_);
    const std::string what = fd_name(fd);
    Decision d = decide(FsOp::lock, what);
    if (d.err) return injected_status(FsOp::lock, what, d.err);
  }
  Status s = base_.lock(fd);
  std::lock_guard lock(mu_);
  if (s.ok()) done(FsOp::lock);
  return s;
}

Result<bool> FaultFs::is_locked(int fd) {
  {
    std::lock_guard lock(mu_);
    const std::string what = fd_name(fd);
    Decision d = decide(FsOp::is_locked, what);
    if (d.err) return error(injected_status(FsOp::is_locked, what, d.err));
  }
  auto r = base_.is_locked(fd);
  std::lock_guard lock(mu_);
  if (r) done(FsOp::is_locked);
  return r;
}

Result<const std::uint8_t*> FaultFs::map(int fd, std::uint64_t len) {
  {
    std::lock_guard lock(mu_);
    const std::string what = fd_name(fd) + " length " + std::to_string(len);
    Decision d = decide(FsOp::map, what);
    if (d.err) return error(injected_status(FsOp::map, what, d.err));
  }
  auto r = base_.map(fd, len);
  std::lock_guard lock(mu_);
  if (r) done(FsOp::map);
  return r;
}

void FaultFs::unmap(const std::uint8_t* addr, std::uint64_t len) { base_.unmap(addr, len); }

void FaultFs::release_pages(const std::uint8_t* addr, std::uint64_t len) {
  {
    std::lock_guard lock(mu_);
    ++page_releases_;
    page_release_bytes_ += len;
  }
  base_.release_pages(addr, len);
}

std::uint64_t FaultFs::page_releases() const {
  std::lock_guard lock(mu_);
  return page_releases_;
}

std::uint64_t FaultFs::page_release_bytes() const {
  std::lock_guard lock(mu_);
  return page_release_bytes_;
}

}  // namespace walkv::test
