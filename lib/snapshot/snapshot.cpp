// walkv snapshot — the LMDB environment (see snapshot.hpp for the contract).
#include "snapshot/snapshot.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <cstring>
#include <lmdb.h>

#include "io/errno_status.hpp"
#include "snapshot/lmdb_error.hpp"

namespace walkv {
namespace {

using snapshot_detail::lmdb_status;

constexpr const char* kDataDb = "data";
constexpr const char* kMetaDb = "meta";
constexpr std::string_view kFormatVersionKey = "format_version";
constexpr std::string_view kStoreIdKey = "store_id";
constexpr std::string_view kAppliedSequenceKey = "applied_sequence";
constexpr std::string_view kOpenEpochKey = "open_epoch";
constexpr std::string_view kMetaChecksumKey = "meta_checksum";

// Reader slots in lock.mdb: one per concurrent read (gateway threads plus
// pooled reset transactions plus read-only tools). 64 bytes each.
constexpr unsigned kMaxReaders = 1022;
// Reset read transactions kept for reuse; each holds a reader slot.
constexpr std::size_t kMaxIdleReadTxns = 64;
// Bounds the retry loops: a map can only double so many times, and a reader
// only chases a writer's growth a few times in a row in practice.
constexpr int kMaxAttempts = 64;

MDB_val as_val(std::string_view bytes) noexcept {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

std::string_view as_view(const MDB_val& v) noexcept {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

bool starts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.substr(0, prefix.size()) == prefix;
}

template <std::size_t N>
std::string encode_le(std::uint64_t v) {
  std::string out(N, '\0');
  for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

std::uint64_t decode_le(std::string_view bytes) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = bytes.size(); i-- > 0;) {
    v = (v << 8) | static_cast<std::uint8_t>(bytes[i]);
  }
  return v;
}

// A key as error messages show it: quoted when it is printable ASCII, else
// in hex; at most 64 bytes of it.
std::string key_for_message(std::string_view key) {
  constexpr std::size_t kShown = 64;
  const std::string_view shown = key.substr(0, kShown);
  const bool printable = std::all_of(shown.begin(), shown.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  std::string out;
  if (printable) {
    out = "\"" + std::string(shown) + "\"";
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    out = "0x";
    for (unsigned char c : shown) {
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (key.size() > kShown) out += "... (" + std::to_string(key.size()) + " bytes)";
  return out;
}

Status errno_status(int err, std::string_view what, std::string_view file) {
  std::string operation(what);
  operation += " ";
  operation += file;
  return io::errno_status(err, operation);
}

// Makes a newly created directory entry durable.
Status fsync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "open directory", dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return errno_status(err, "fsync directory", dir);
  return Status();
}

struct CursorCloser {
  void operator()(MDB_cursor* c) const noexcept { mdb_cursor_close(c); }
};
using CursorPtr = std::unique_ptr<MDB_cursor, CursorCloser>;

// Deletes every key under `prefix` in `dbi` (prefix non-empty, <= max key size).
int delete_prefix(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix) {
  MDB_cursor* raw = nullptr;
  if (int rc = mdb_cursor_open(txn, dbi, &raw); rc != 0) return rc;
  CursorPtr cursor(raw);
  MDB_val key = as_val(prefix);
  MDB_val value;
  int rc = mdb_cursor_get(raw, &key, &value, MDB_SET_RANGE);
  while (rc == 0 && starts_with(as_view(key), prefix)) {
    if (rc = mdb_cursor_del(raw, 0); rc != 0) return rc;
    // After a delete the cursor already rests on the following key; LMDB's
    // MDB_NEXT knows this and returns that key rather than skipping it.
    rc = mdb_cursor_get(raw, &key, &value, MDB_NEXT);
  }
  return rc == MDB_NOTFOUND ? 0 : rc;
}

int put_meta(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
             unsigned flags = 0) {
  MDB_val k = as_val(key);
  MDB_val v = as_val(value);
  return mdb_put(txn, dbi, &k, &v, flags);
}

}  // namespace

// ---- lifetime -------------------------------------------------------------

namespace {

using snapshot_detail::FileId;
using snapshot_detail::SharedEnv;

FileId file_id(const struct stat& st) noexcept {
  return FileId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

Status symlink_refused(const std::string& file) {
  return Status(Code::io_error, "LMDB snapshot: " + file + " is a symbolic link; refusing to follow it");
}

// The snapshot directory (opened O_NOFOLLOW relative to its parent) and the
// identities of the LMDB files in it, looked at without following symlinks.
// LMDB opens its files by path and follows symlinks, so they are checked here
// (the io layer opens everything else with O_NOFOLLOW).
class SnapshotFiles {
 public:
  SnapshotFiles() = default;
  SnapshotFiles(const SnapshotFiles&) = delete;
  SnapshotFiles& operator=(const SnapshotFiles&) = delete;
  ~SnapshotFiles() {
    if (dir_fd >= 0) ::close(dir_fd);
  }

  Status inspect(int parent_fd, const std::string& name, const std::string& path) {
    struct stat st;
    if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return Status(Code::not_found, "no LMDB snapshot at " + path + " (directory missing)");
      return errno_status(errno, "stat", path);
    }
    if (S_ISLNK(st.st_mode)) return symlink_refused(path);
    if (!S_ISDIR(st.st_mode)) return Status(Code::io_error, "LMDB snapshot: " + path + " is not a directory");
    do {
      dir_fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } while (dir_fd < 0 && errno == EINTR);
    if (dir_fd < 0) return errno_status(errno, "open directory", path);
    if (Status s = look_at("data.mdb", path, &data); !s.ok()) return s;
    return look_at("lock.mdb", path, &lock);
  }

  // Looks at `file` in the directory again: its identity, if it is a regular file.
  Status look_at(const char* file, const std::string& path, std::optional<FileId>* id) const {
    const std::string full = path + "/" + file;
    struct stat st;
    id->reset();
    if (::fstatat(dir_fd, file, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return Status();
      return errno_status(errno, "stat", full);
    }
    if (S_ISLNK(st.st_mode)) return symlink_refused(full);
    if (!S_ISREG(st.st_mode)) return Status(Code::io_error, "LMDB snapshot: " + full + " is not a regular file");
    *id = file_id(st);
    return Status();
  }

  int dir_fd = -1;
  std::optional<FileId> data;
  std::optional<FileId> lock;
};

Status set_cloexec(int fd, const std::string& file) {
  const int fd_flags = ::fcntl(fd, F_GETFD);
  if (fd_flags < 0 || ::fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) != 0)
    return errno_status(errno, "set close-on-exec on", file);
  return Status();
}

// Sets FD_CLOEXEC on every descriptor of this process that refers to one of
// `files` (LMDB's own descriptors of lock.mdb and data.mdb, which it does not
// expose). Without /proc nothing is done (LMDB opens lock.mdb O_CLOEXEC).
void set_cloexec_on_descriptors_of(const std::vector<FileId>& files) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int own = ::dirfd(dir);
  while (struct dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const int fd = std::atoi(entry->d_name);
    struct stat st;
    if (fd == own || ::fstat(fd, &st) != 0) continue;
    for (const FileId& id : files) {
      if (file_id(st) != id) continue;
      const int fd_flags = ::fcntl(fd, F_GETFD);
      if (fd_flags >= 0 && (fd_flags & FD_CLOEXEC) == 0) ::fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC);
    }
  }
  ::closedir(dir);
}

// Makes a newly created directory entry durable.
Status fsync_dir_fd(int fd, const std::string& dir) {
  int rc;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return errno_status(errno, "fsync directory", dir);
  return Status();
}

Status open_databases(SharedEnv& env) {
  const unsigned txn_flags = env.read_only ? MDB_RDONLY : 0;
  const unsigned dbi_flags = env.read_only ? 0 : MDB_CREATE;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env.env, nullptr, txn_flags, &txn);
    if (rc == MDB_MAP_RESIZED) {
      // Not shared yet: no transaction of this environment is open.
      if (rc = mdb_env_set_mapsize(env.env, 0); rc != 0)
        return lmdb_status(rc, "adopting the map size grown by another process", env.path);
      continue;
    }
    if (rc != 0) return lmdb_status(rc, "begin transaction", env.path);
    rc = mdb_dbi_open(txn, kDataDb, dbi_flags, &env.data_dbi);
    if (rc == 0) rc = mdb_dbi_open(txn, kMetaDb, dbi_flags, &env.meta_dbi);
    if (rc != 0) {
      mdb_txn_abort(txn);
      if (rc == MDB_NOTFOUND) {
        return Status(Code::not_found,
                      "LMDB snapshot " + env.path + " has no data/meta databases (never initialised)");
      }
      return lmdb_status(rc, "open databases", env.path);
    }
    // Committing (even a read-only transaction) makes the handles env-wide.
    if (rc = mdb_txn_commit(txn); rc != 0) return lmdb_status(rc, "commit database handles", env.path);
    return Status();
  }
  return Status(Code::io_error, "LMDB snapshot " + env.path + " kept being resized during open");
}

// Read-write only: stale readers, and the map size.
Status prepare_for_writing(SharedEnv& env, std::uint64_t initial_map_size) {
  int stale_readers = 0;
  if (int rc = mdb_reader_check(env.env, &stale_readers); rc != 0)
    return lmdb_status(rc, "mdb_reader_check", env.path);
  // An explicitly configured size replaces the one the environment recorded;
  // size 0 adopts the recorded one (at least the used size), then we take the
  // larger of that and the requested initial size.
  if (int rc = mdb_env_set_mapsize(env.env, 0); rc != 0) return lmdb_status(rc, "mdb_env_set_mapsize", env.path);
  MDB_envinfo info;
  if (int rc = mdb_env_info(env.env, &info); rc != 0) return lmdb_status(rc, "mdb_env_info", env.path);
  if (info.me_mapsize < initial_map_size) {
    if (int rc = mdb_env_set_mapsize(env.env, initial_map_size); rc != 0)
      return lmdb_status(rc, "mdb_env_set_mapsize", env.path);
  }
  return Status();
}

// Opens a new environment on the files `files` looked at, with its databases.
Result<std::unique_ptr<SharedEnv>> open_new_env(const SnapshotFiles& files, const std::string& path, bool read_only,
                                                std::uint64_t initial_map_size) {
  auto env = std::make_unique<SharedEnv>();
  env->path = path;
  env->read_only = read_only;
  if (int rc = mdb_env_create(&env->env); rc != 0) {
    env->env = nullptr;
    return error(lmdb_status(rc, "mdb_env_create", path));
  }
  if (int rc = mdb_env_set_maxdbs(env->env, 2); rc != 0) return error(lmdb_status(rc, "mdb_env_set_maxdbs", path));
  if (int rc = mdb_env_set_maxreaders(env->env, kMaxReaders); rc != 0)
    return error(lmdb_status(rc, "mdb_env_set_maxreaders", path));
  if (!read_only && initial_map_size > 0) {
    if (int rc = mdb_env_set_mapsize(env->env, initial_map_size); rc != 0)
      return error(lmdb_status(rc, "mdb_env_set_mapsize", path));
  }
  // MDB_NOTLS: read transactions belong to calls, not threads (they are
  // pooled and renewed by whichever thread reads next, of any Snapshot).
  const unsigned flags = MDB_NOTLS | (read_only ? MDB_RDONLY : 0);
  if (int rc = mdb_env_open(env->env, path.c_str(), flags, 0600); rc != 0)
    return error(lmdb_status(rc, "mdb_env_open", path));

  // LMDB leaves its main data.mdb descriptor inheritable: no store
  // descriptor may survive an exec of the host process.
  const std::string data_file = path + "/data.mdb";
  mdb_filehandle_t data_fd = -1;
  if (int rc = mdb_env_get_fd(env->env, &data_fd); rc != 0) return error(lmdb_status(rc, "mdb_env_get_fd", path));
  if (Status s = set_cloexec(data_fd, data_file); !s.ok()) return error(std::move(s));
  struct stat st;
  if (::fstat(data_fd, &st) != 0) return error(errno_status(errno, "stat", data_file));
  env->data_file = file_id(st);
  // The file LMDB opened by path is the one looked at without following symlinks.
  std::optional<FileId> data_now, lock_now;
  if (Status s = files.look_at("data.mdb", path, &data_now); !s.ok()) return error(std::move(s));
  if (Status s = files.look_at("lock.mdb", path, &lock_now); !s.ok()) return error(std::move(s));
  if (data_now != env->data_file || (files.data && *files.data != env->data_file))
    return error(Code::io_error, "LMDB snapshot: " + data_file + " changed while being opened");
  std::vector<FileId> lmdb_files{env->data_file};
  if (lock_now) lmdb_files.push_back(*lock_now);
  set_cloexec_on_descriptors_of(lmdb_files);

  if (!read_only) {
    if (Status s = prepare_for_writing(*env, initial_map_size); !s.ok()) return error(std::move(s));
  }
  if (Status s = open_databases(*env); !s.ok()) return error(std::move(s));
  if (!read_only && !files.data) {
    if (Status s = fsync_dir_fd(files.dir_fd, path); !s.ok()) return error(std::move(s));
  }
  return env;
}

}  // namespace

Result<std::unique_ptr<Snapshot>> Snapshot::open(const std::string& path, Mode mode,
                                                 std::uint64_t initial_map_size) {
  std::string dir = path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::size_t slash = dir.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
  const std::string name = slash == std::string::npos ? dir : dir.substr(slash + 1);
  int parent_fd;
  do {
    parent_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (parent_fd < 0 && errno == EINTR);
  if (parent_fd < 0) return error(errno_status(errno, "open directory", parent));
  auto snap = open_at(parent_fd, parent, name, mode, initial_map_size);
  ::close(parent_fd);
  return snap;
}

Result<std::unique_ptr<Snapshot>> Snapshot::open_at(int parent_fd, const std::string& parent_path,
                                                    const std::string& name, Mode mode,
                                                    std::uint64_t initial_map_size) {
  std::unique_ptr<Snapshot> snap(new Snapshot());
  snap->path_ = parent_path == "/" ? "/" + name : parent_path + "/" + name;
  snap->read_only_ = mode == Mode::read_only;
  SnapshotFiles files;
  if (Status s = files.inspect(parent_fd, name, snap->path_); !s.ok()) return error(std::move(s));
  // Checked before mdb_env_open, which would otherwise leave a lock.mdb behind
  // in a directory that a read-only tool was only asked to look at.
  if (snap->read_only_ && !files.data)
    return error(Code::not_found, "no LMDB snapshot in " + snap->path_ + " (data.mdb is missing)");
  auto shared = snapshot_detail::acquire_shared_env(
      files.data ? &*files.data : nullptr, snap->read_only_, snap->path_,
      [&] { return open_new_env(files, snap->path_, snap->read_only_, initial_map_size); });
  if (!shared) return error(shared.error());
  snap->shared_ = std::move(*shared);
  snap->env_ = snap->shared_->env;
  snap->data_dbi_ = snap->shared_->data_dbi;
  snap->meta_dbi_ = snap->shared_->meta_dbi;
  snap->max_key_size_ = static_cast<std::size_t>(mdb_env_get_maxkeysize(snap->env_));
  if (Status s = snap->read_format_version(); !s.ok()) return error(std::move(s));
  return snap;
}

// The environment (and the idle read transactions of its pool) stays open
// while another Snapshot of the same file uses it. This Snapshot's per-thread
// idle transactions go to that pool (or are aborted when it is full), while the
// environment is still open.
Snapshot::~Snapshot() {
  if (!shared_) return;
  for (TxnSlot& slot : txn_slots_) {
    MDB_txn* txn = slot.txn.exchange(nullptr, std::memory_order_acquire);
    if (txn == nullptr) continue;
    {
      std::lock_guard lock(shared_->idle_read_txns_mu);
      if (shared_->idle_read_txns.size() < kMaxIdleReadTxns) {
        try {
          shared_->idle_read_txns.push_back(txn);
          continue;
        } catch (...) {
          // no memory to keep it: abort it below
        }
      }
    }
    mdb_txn_abort(txn);
  }
}

// ---- map size -------------------------------------------------------------

Status Snapshot::grow_map() {
  std::unique_lock lock(resize_mu());
  MDB_envinfo info;
  if (int rc = mdb_env_info(env_, &info); rc != 0) return error_status(rc, "mdb_env_info");
  const std::size_t grown = info.me_mapsize * 2;
  if (int rc = mdb_env_set_mapsize(env_, grown); rc != 0) {
    return error_status(rc, "growing the map to " + std::to_string(grown) + " bytes");
  }
  return Status();
}

Status Snapshot::adopt_map_size() const {
  std::unique_lock lock(resize_mu());
  if (int rc = mdb_env_set_mapsize(env_, 0); rc != 0) {
    return error_status(rc, "adopting the map size grown by another process");
  }
  return Status();
}

// ---- transactions ---------------------------------------------------------

std::size_t Snapshot::txn_slot_of_this_thread() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kTxnSlots;
  return mine;
}

int Snapshot::acquire_read_txn(MDB_txn** out) const {
  // This thread's own idle transaction first: no lock, no shared cache line.
  MDB_txn* txn = txn_slots_[txn_slot_of_this_thread()].txn.exchange(nullptr, std::memory_order_acquire);
  if (txn == nullptr) {
    std::lock_guard lock(shared_->idle_read_txns_mu);
    if (!shared_->idle_read_txns.empty()) {
      txn = shared_->idle_read_txns.back();
      shared_->idle_read_txns.pop_back();
    }
  }
  if (txn == nullptr) return mdb_txn_begin(env_, nullptr, MDB_RDONLY, out);
  if (int rc = mdb_txn_renew(txn); rc != 0) {
    mdb_txn_abort(txn);
    return rc;
  }
  *out = txn;
  return 0;
}

void Snapshot::release_read_txn(MDB_txn* txn) const {
  mdb_txn_reset(txn);
  MDB_txn* empty = nullptr;
  if (txn_slots_[txn_slot_of_this_thread()].txn.compare_exchange_strong(empty, txn, std::memory_order_release,
                                                                        std::memory_order_relaxed))
    return;
  {
    std::lock_guard lock(shared_->idle_read_txns_mu);
    if (shared_->idle_read_txns.size() < kMaxIdleReadTxns) {
      shared_->idle_read_txns.push_back(txn);
      return;
    }
  }
  mdb_txn_abort(txn);
}

template <class Fn>
Status Snapshot::with_read_txn(const char* what, Fn&& fn) const {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::shared_lock lock(resize_mu());
    MDB_txn* txn = nullptr;
    int rc = acquire_read_txn(&txn);
    if (rc == MDB_MAP_RESIZED) {
      lock.unlock();
      if (Status s = adopt_map_size(); !s.ok()) return s;
      continue;
    }
    if (rc != 0) return error_status(rc, what);
    struct Release {
      const Snapshot* self;
      MDB_txn* txn;
      ~Release() { self->release_read_txn(txn); }
    } release{this, txn};
    return fn(txn);
  }
  return Status(Code::io_error, std::string(what) + " on LMDB snapshot " + path_ +
                                    ": the map kept being resized by another process");
}

template <class Fn>
Status Snapshot::with_write_txn(const char* what, Fn&& fn) {
  if (read_only_) {
    return Status(Code::not_supported,
                  std::string(what) + ": LMDB snapshot " + path_ + " is open read-only");
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    int rc = 0;
    {
      std::shared_lock lock(resize_mu());
      MDB_txn* txn = nullptr;
      rc = mdb_txn_begin(env_, nullptr, 0, &txn);
      if (rc == 0) {
        rc = fn(txn);
        // mdb_txn_commit frees the transaction whether or not it succeeds.
        if (rc == 0) {
          rc = mdb_txn_commit(txn);
        } else {
          mdb_txn_abort(txn);
        }
        if (rc == 0) return Status();
      }
    }
    // The transaction is gone and the shared lock released: safe to remap.
    if (rc == MDB_MAP_FULL) {
      if (Status s = grow_map(); !s.ok()) return s;
    } else if (rc == MDB_MAP_RESIZED) {
      if (Status s = adopt_map_size(); !s.ok()) return s;
    } else {
      return error_status(rc, what);
    }
  }
  return Status(Code::io_error,
                std::string(what) + " on LMDB snapshot " + path_ + ": gave up growing the map");
}

Status Snapshot::error_status(int rc, std::string_view what) const {
  return lmdb_status(rc, what, path_);
}

Status Snapshot::check_key(std::string_view key) const {
  if (!key.empty() && key.size() <= max_key_size_) return Status();
  return Status(Code::invalid_argument,
                "key of " + std::to_string(key.size()) + " bytes for LMDB snapshot " + path_ +
                    ": keys must be 1.." + std::to_string(max_key_size_) + " bytes");
}

// ---- meta -----------------------------------------------------------------

Result<bool> Snapshot::initialized() const {
  bool found = false;
  Status s = with_read_txn("read store_id", [&](MDB_txn* txn) {
    MDB_val k = as_val(kStoreIdKey);
    MDB_val v;
    int rc = mdb_get(txn, meta_dbi_, &k, &v);
    if (rc == MDB_NOTFOUND) return Status();
    if (rc != 0) return error_status(rc, "read store_id");
    found = true;
    return Status();
  });
  if (!s.ok()) return error(std::move(s));
  return found;
}

Status Snapshot::initialize(const wal::StoreId& store_id) {
  Result<bool> already = initialized();
  if (!already) return already.error();
  if (*already) {
    return Status(Code::invalid_argument, "LMDB snapshot " + path_ + " is already initialised");
  }
  SnapshotMeta fresh;
  fresh.format_version = snapshot_format::kVersion;
  fresh.store_id = store_id;
  const std::string id(reinterpret_cast<const char*>(store_id.data()), store_id.size());
  Status s = with_write_txn("initialize meta", [&](MDB_txn* txn) {
    int rc = put_meta(txn, meta_dbi_, kFormatVersionKey, encode_le<4>(fresh.format_version));
    // NOOVERWRITE: a racing initialize fails (MDB_KEYEXIST) instead of
    // replacing the store id.
    if (rc == 0) rc = put_meta(txn, meta_dbi_, kStoreIdKey, id, MDB_NOOVERWRITE);
    if (rc == 0) rc = write_meta(txn, fresh);
    return rc;
  });
  if (s.ok()) format_version_ = fresh.format_version;
  return s;
}

Status Snapshot::read_format_version() {
  return with_read_txn("read format_version", [&](MDB_txn* txn) {
    MDB_val k = as_val(kFormatVersionKey);
    MDB_val v;
    int rc = mdb_get(txn, meta_dbi_, &k, &v);
    if (rc == MDB_NOTFOUND) return Status();  // not initialised yet
    if (rc != 0) return error_status(rc, "read format_version");
    // A damaged size is left for meta() to report.
    if (v.mv_size == 4) format_version_ = static_cast<std::uint32_t>(decode_le(as_view(v)));
    return Status();
  });
}

Status Snapshot::read_meta(MDB_txn* txn, SnapshotMeta* meta) const {
  auto read = [&](std::string_view key, std::size_t size, std::string_view* out) -> Status {
    MDB_val k = as_val(key);
    MDB_val v;
    int rc = mdb_get(txn, meta_dbi_, &k, &v);
    if (rc == MDB_NOTFOUND) {
      Code code = key == kStoreIdKey ? Code::not_found : Code::corruption;
      return Status(code, "LMDB snapshot " + path_ + " meta has no " + std::string(key));
    }
    if (rc != 0) return error_status(rc, "read meta " + std::string(key));
    if (v.mv_size != size) {
      return Status(Code::corruption, "LMDB snapshot " + path_ + " meta " + std::string(key) + " has " +
                                          std::to_string(v.mv_size) + " bytes, expected " + std::to_string(size));
    }
    *out = as_view(v);
    return Status();
  };
  std::string_view bytes;
  if (Status r = read(kStoreIdKey, meta->store_id.size(), &bytes); !r.ok()) return r;
  const std::string_view store_id = bytes;
  std::memcpy(meta->store_id.data(), bytes.data(), bytes.size());
  if (Status r = read(kFormatVersionKey, 4, &bytes); !r.ok()) return r;
  meta->format_version = static_cast<std::uint32_t>(decode_le(bytes));
  if (meta->format_version == 0)
    return Status(Code::corruption, "LMDB snapshot " + path_ + " meta format_version is 0 (invalid)");
  // A newer version may lay its meta out differently: the caller refuses it.
  if (meta->format_version > snapshot_format::kVersion) return Status();
  if (Status r = read(kAppliedSequenceKey, 8, &bytes); !r.ok()) return r;
  meta->applied_sequence = decode_le(bytes);
  if (Status r = read(kOpenEpochKey, 8, &bytes); !r.ok()) return r;
  meta->open_epoch = decode_le(bytes);
  if (!snapshot_format::has_checksums(meta->format_version)) return Status();
  if (Status r = read(kMetaChecksumKey, 8, &bytes); !r.ok()) return r;
  if (decode_le(bytes) != snapshot_format::meta_checksum(store_id, meta->format_version, meta->applied_sequence,
                                                         meta->open_epoch)) {
    return Status(Code::corruption, "LMDB snapshot " + path_ +
                                        " meta fails its checksum (store id, format version, applied sequence "
                                        "or open epoch is damaged)");
  }
  return Status();
}

int Snapshot::write_meta(MDB_txn* txn, const SnapshotMeta& meta) const {
  int rc = put_meta(txn, meta_dbi_, kAppliedSequenceKey, encode_le<8>(meta.applied_sequence));
  if (rc == 0) rc = put_meta(txn, meta_dbi_, kOpenEpochKey, encode_le<8>(meta.open_epoch));
  if (rc != 0 || !snapshot_format::has_checksums(meta.format_version)) return rc;
  const std::string_view store_id(reinterpret_cast<const char*>(meta.store_id.data()), meta.store_id.size());
  return put_meta(txn, meta_dbi_, kMetaChecksumKey,
                  encode_le<8>(snapshot_format::meta_checksum(store_id, meta.format_version, meta.applied_sequence,
                                                              meta.open_epoch)));
}

template <class Change>
int Snapshot::update_meta(MDB_txn* txn, Change&& change, Status* failure) const {
  SnapshotMeta meta;
  *failure = read_meta(txn, &meta);
  if (failure->ok()) *failure = refuse_newer_format(meta, path_);
  if (!failure->ok()) return EINVAL;
  change(meta);
  return write_meta(txn, meta);
}

Result<SnapshotMeta> Snapshot::meta() const {
  SnapshotMeta meta;
  Status s = with_read_txn("read meta", [&](MDB_txn* txn) { return read_meta(txn, &meta); });
  if (!s.ok()) return error(std::move(s));
  return meta;
}

Status Snapshot::set_open_epoch(std::uint64_t epoch) {
  Status failure;
  Status s = with_write_txn("write open_epoch", [&](MDB_txn* txn) {
    return update_meta(txn, [&](SnapshotMeta& meta) { meta.open_epoch = epoch; }, &failure);
  });
  return failure.ok() ? s : failure;
}

Status refuse_newer_format(const SnapshotMeta& meta, const std::string& store) {
  if (meta.format_version <= snapshot_format::kVersion) return Status();
  return Status(Code::version_mismatch, "store " + store + " has snapshot format version " +
                                            std::to_string(meta.format_version) + "; this walkv reads up to " +
                                            std::to_string(snapshot_format::kVersion));
}

// ---- data -----------------------------------------------------------------

Result<std::optional<std::string>> Snapshot::get(std::string_view key) const {
  std::optional<std::string> value(std::in_place);
  auto found = get_into(key, *value);
  if (!found) return error(std::move(found.error()));
  if (!*found) value.reset();
  return value;
}

Result<bool> Snapshot::get_into(std::string_view key, std::string& value) const {
  if (Status s = check_key(key); !s.ok()) return error(std::move(s));
  bool found = false;
  Status s = with_read_txn("get", [&](MDB_txn* txn) {
    MDB_val k = as_val(key);
    MDB_val v;
    int rc = mdb_get(txn, data_dbi_, &k, &v);
    if (rc == MDB_NOTFOUND) return Status();
    if (rc != 0) return error_status(rc, "get");
    const std::optional<std::string_view> stored = stored_value(key, as_view(v));
    if (!stored) return damaged_entry(key);
    value.assign(*stored);  // copied out while the read transaction pins the page
    found = true;
    return Status();
  });
  if (!s.ok()) return error(std::move(s));
  return found;
}

std::optional<std::string_view> Snapshot::stored_value(std::string_view key, std::string_view stored) const noexcept {
  if (!snapshot_format::has_checksums(format_version_)) return stored;
  return snapshot_format::checked_value(key, stored);
}

Status Snapshot::damaged_entry(std::string_view key) const {
  return Status(Code::corruption, "LMDB snapshot " + path_ + ": the entry of key " + key_for_message(key) +
                                      " fails its checksum (data.mdb is damaged; walkv-replay verify lists "
                                      "every damaged entry)");
}

Status Snapshot::scan(std::string_view prefix,
                      const std::function<bool(std::string_view key, std::string_view value)>& visit,
                      const DamagedFn& damaged) const {
  // No stored key can start with a prefix longer than the longest key.
  if (prefix.size() > max_key_size_) return Status();
  return with_read_txn("scan", [&](MDB_txn* txn) {
    MDB_cursor* raw = nullptr;
    if (int rc = mdb_cursor_open(txn, data_dbi_, &raw); rc != 0) return error_status(rc, "scan");
    CursorPtr cursor(raw);
    MDB_val k = as_val(prefix);
    MDB_val v;
    // MDB_SET_RANGE refuses an empty key: an empty prefix starts at the first key.
    int rc = mdb_cursor_get(raw, &k, &v, prefix.empty() ? MDB_FIRST : MDB_SET_RANGE);
    std::string key_copy;
    std::string value_copy;
    while (rc == 0 && starts_with(as_view(k), prefix)) {
      key_copy.assign(as_view(k));
      const std::optional<std::string_view> stored = stored_value(key_copy, as_view(v));
      if (stored) {
        value_copy.assign(*stored);
        if (!visit(key_copy, value_copy)) return Status();
      } else if (Status error = damaged_entry(key_copy); !damaged || !damaged(key_copy, error)) {
        return error;
      }
      rc = mdb_cursor_get(raw, &k, &v, MDB_NEXT);
    }
    if (rc != 0 && rc != MDB_NOTFOUND) return error_status(rc, "scan");
    return Status();
  });
}

Result<Snapshot::Verification> Snapshot::verify(
    const std::function<void(std::string_view key, const Status& error)>& damaged) const {
  Verification found;
  Status s = with_read_txn("verify", [&](MDB_txn* txn) {
    MDB_cursor* raw = nullptr;
    if (int rc = mdb_cursor_open(txn, data_dbi_, &raw); rc != 0) return error_status(rc, "verify");
    CursorPtr cursor(raw);
    MDB_val k;
    MDB_val v;
    int rc = mdb_cursor_get(raw, &k, &v, MDB_FIRST);
    for (; rc == 0; rc = mdb_cursor_get(raw, &k, &v, MDB_NEXT)) {
      ++found.entries;
      if (stored_value(as_view(k), as_view(v))) continue;
      ++found.damaged;
      if (damaged) damaged(as_view(k), damaged_entry(as_view(k)));
    }
    if (rc != MDB_NOTFOUND) return error_status(rc, "verify");
    return Status();
  });
  if (!s.ok()) return error(std::move(s));
  return found;
}

// The entries stream from the table in key order (MemTable::for_each_from: no
// copy of the table; the store's immutable memtable has no writer any more)
// through one cursor per transaction, so a key that lands on the page of the
// previous one needs no search from the root (LMDB's cursor keeps its page).
// Once a key is above the last key of the database, so is every later one:
// those are appended (MDB_APPEND: no search at all, and a split leaves full
// pages behind), and a point tombstone for such a key has nothing to delete.
// A key outside LMDB's limits stops the walk and aborts the transaction, so
// nothing of its transaction is written.

namespace {

// Writes one entry through `cursor`: a put (value non-null) or a point
// tombstone (value null). `appending`: key is above every key in the database.
// `checksummed`: the value is followed by its checksum (format version >= 2),
// written straight into the space LMDB reserves for it (no extra copy).
int write_entry(MDB_cursor* cursor, std::string_view key, const std::string_view* value, bool appending,
                bool checksummed) {
  MDB_val k = as_val(key);
  if (value != nullptr) {
    const unsigned flags = appending ? MDB_APPEND : 0;
    if (!checksummed) {
      MDB_val v = as_val(*value);
      return mdb_cursor_put(cursor, &k, &v, flags);
    }
    MDB_val v{value->size() + snapshot_format::kChecksumBytes, nullptr};
    const int rc = mdb_cursor_put(cursor, &k, &v, flags | MDB_RESERVE);
    if (rc == 0) snapshot_format::write_entry(static_cast<char*>(v.mv_data), key, *value);
    return rc;
  }
  if (appending) return 0;
  MDB_val found;
  int rc = mdb_cursor_get(cursor, &k, &found, MDB_SET);
  if (rc == 0) rc = mdb_cursor_del(cursor, 0);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

}  // namespace

// One write transaction of apply(): the prefix tombstones (the first
// transaction only), then the table's entries from first_key on until about
// `budget` bytes of keys and values are written, then, when that reached the
// end of the table, applied_sequence. run() is the body with_write_txn runs
// and, after map growth, runs again: it starts over from the same first key.
class Snapshot::ApplyTxn {
 public:
  ApplyTxn(const Snapshot& snap, const MemTable& imm, const std::vector<std::string>* tombstones,
           std::string first_key, std::uint64_t budget, std::uint64_t applied_sequence)
      : snap_(snap), imm_(imm), tombstones_(tombstones), first_key_(std::move(first_key)), budget_(budget),
        applied_sequence_(applied_sequence) {}

  // An LMDB rc; EINVAL with failure() set when the table holds a key LMDB
  // cannot take, or when the meta the last transaction updates is damaged.
  int run(MDB_txn* txn) {
    reached_end_ = true;
    next_key_.clear();
    failure_ = Status();
    if (int rc = delete_prefixes(txn); rc != 0) return rc;
    if (int rc = write_entries(txn); rc != 0) return rc;
    if (!reached_end_) return 0;
    return snap_.update_meta(txn, [&](SnapshotMeta& meta) { meta.applied_sequence = applied_sequence_; }, &failure_);
  }

  const Status& failure() const noexcept { return failure_; }
  // The transaction wrote the table's last entry and applied_sequence.
  bool reached_end() const noexcept { return reached_end_; }
  // Where the next transaction starts (when !reached_end()).
  const std::string& next_key() const noexcept { return next_key_; }

 private:
  int delete_prefixes(MDB_txn* txn) const {
    if (tombstones_ == nullptr) return 0;
    for (const std::string& prefix : *tombstones_) {
      int rc = 0;
      if (prefix.empty()) {
        rc = mdb_drop(txn, snap_.data_dbi_, 0);  // empties the database, keeps the handle
      } else if (prefix.size() <= snap_.max_key_size_) {
        rc = delete_prefix(txn, snap_.data_dbi_, prefix);
      }
      if (rc != 0) return rc;
    }
    return 0;
  }

  int write_entries(MDB_txn* txn) {
    MDB_cursor* raw = nullptr;
    if (int rc = mdb_cursor_open(txn, snap_.data_dbi_, &raw); rc != 0) return rc;
    CursorPtr cursor(raw);
    // Looked up in each transaction: what earlier ones appended is the last key now.
    MDB_val k;
    MDB_val v;
    int rc = mdb_cursor_get(raw, &k, &v, MDB_LAST);
    if (rc != 0 && rc != MDB_NOTFOUND) return rc;
    bool appending = rc == MDB_NOTFOUND;                                            // empty: every key is above
    const std::string last = appending ? std::string() : std::string(as_view(k));  // copied: k points into a page
    const bool checksummed = snapshot_format::has_checksums(snap_.format_version_);
    rc = 0;
    std::uint64_t written = 0;
    imm_.for_each_from(first_key_, [&](std::string_view key, const std::string_view* value) {
      if (written > 0 && written >= budget_) {  // full: the next transaction starts at this key
        next_key_.assign(key);
        reached_end_ = false;
        return false;
      }
      if (Status bad = snap_.check_key(key); !bad.ok()) {
        failure_ = std::move(bad);
        rc = EINVAL;
        return false;
      }
      appending = appending || key > last;
      rc = write_entry(raw, key, value, appending, checksummed);
      written += key.size() + (value != nullptr ? value->size() : 0);
      return rc == 0;
    });
    return rc;
  }

  const Snapshot& snap_;
  const MemTable& imm_;
  const std::vector<std::string>* tombstones_;  // null after the first transaction
  const std::string first_key_;                 // "" = the table's first key
  const std::uint64_t budget_;
  const std::uint64_t applied_sequence_;
  bool reached_end_ = true;
  std::string next_key_;
  Status failure_;
};

// Every transaction commits with LMDB's default sync, never MDB_NOSYNC or
// MDB_NOMETASYNC: LMDB reuses pages freed two transactions earlier, so after
// an unsynced commit the next transactions of this apply could overwrite pages
// that the last durable meta page still references, and a power loss would
// leave the snapshot pointing at them: corrupt.
Status Snapshot::apply(const MemTable& imm, std::uint64_t applied_sequence) {
  const std::vector<std::string> tombstones = imm.prefix_tombstones();
  std::string first_key;
  for (std::uint64_t committed = 0;;) {
    ApplyTxn chunk(*this, imm, committed == 0 ? &tombstones : nullptr, std::move(first_key), apply_txn_bytes_,
                   applied_sequence);
    Status s = with_write_txn("apply", [&](MDB_txn* txn) { return chunk.run(txn); });
    if (!chunk.failure().ok()) return chunk.failure();
    if (!s.ok()) return s;
    ++committed;
    if (apply_commit_hook_) apply_commit_hook_(committed);
    if (chunk.reached_end()) return Status();
    first_key = chunk.next_key();
  }
}

// ---- maintenance ----------------------------------------------------------

Result<SnapshotStats> Snapshot::stats() const {
  SnapshotStats stats;
  Status s = with_read_txn("stats", [&](MDB_txn* txn) {
    MDB_envinfo info;
    if (int rc = mdb_env_info(env_, &info); rc != 0) return error_status(rc, "mdb_env_info");
    MDB_stat st;
    if (int rc = mdb_stat(txn, data_dbi_, &st); rc != 0) return error_status(rc, "mdb_stat");
    stats.map_size = info.me_mapsize;
    stats.page_size = st.ms_psize;
    stats.used_bytes = (static_cast<std::uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
    stats.entries = st.ms_entries;
    stats.depth = st.ms_depth;
    stats.branch_pages = st.ms_branch_pages;
    stats.leaf_pages = st.ms_leaf_pages;
    stats.overflow_pages = st.ms_overflow_pages;
    stats.last_txnid = info.me_last_txnid;
    return Status();
  });
  if (!s.ok()) return error(std::move(s));
  return stats;
}

Status Snapshot::copy_compact(const std::string& out_dir) const {
  const std::string out_file = out_dir + "/data.mdb";
  // Opened here rather than by mdb_env_copy2 so the copy is 0600 and synced.
  int fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return errno_status(errno, "create", out_file);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    int rc = 0;
    {
      std::shared_lock lock(resize_mu());
      rc = mdb_env_copyfd2(env_, fd, MDB_CP_COMPACT);
    }
    if (rc == MDB_MAP_RESIZED) {
      if (Status s = adopt_map_size(); !s.ok()) return s;
      if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
        return errno_status(errno, "truncate", out_file);
      }
      continue;
    }
    if (rc != 0) return error_status(rc, "compacting copy to " + out_file);
    if (::fdatasync(fd) != 0) return errno_status(errno, "fdatasync", out_file);
    return fsync_directory(out_dir);
  }
  return Status(Code::io_error, "compacting copy to " + out_file +
                                    ": the map kept being resized by another process");
}

}  // namespace walkv
