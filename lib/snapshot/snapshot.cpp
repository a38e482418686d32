// walkv snapshot — the LMDB environment (see snapshot.hpp for the contract).
#include "snapshot/snapshot.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <lmdb.h>

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

Status errno_status(int err, std::string_view what, std::string_view file) {
  Code code = err == ENOSPC || err == EDQUOT ? Code::no_space
              : err == ENOENT               ? Code::not_found
                                            : Code::io_error;
  std::string message(what);
  message += " ";
  message += file;
  message += ": ";
  message += std::strerror(err);
  return Status(code, std::move(message));
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

Result<std::unique_ptr<Snapshot>> Snapshot::open(const std::string& path, Mode mode,
                                                 std::uint64_t initial_map_size) {
  std::unique_ptr<Snapshot> snap(new Snapshot());
  snap->path_ = path;
  snap->read_only_ = mode == Mode::read_only;
  if (Status s = snap->open_env(initial_map_size); !s.ok()) return error(std::move(s));
  if (Status s = snap->open_databases(); !s.ok()) return error(std::move(s));
  snap->max_key_size_ = static_cast<std::size_t>(mdb_env_get_maxkeysize(snap->env_));
  return snap;
}

Snapshot::~Snapshot() {
  for (MDB_txn* txn : idle_read_txns_) mdb_txn_abort(txn);
  if (env_ != nullptr) mdb_env_close(env_);
}

Status Snapshot::open_env(std::uint64_t initial_map_size) {
  const std::string data_file = path_ + "/data.mdb";
  // LMDB opens its directory and files by path and follows symlinks: refuse
  // a symlink planted at any of them (the io layer opens everything else with
  // O_NOFOLLOW).
  for (const std::string& file : {path_, data_file, path_ + "/lock.mdb"}) {
    struct stat lst;
    if (::lstat(file.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
      return Status(Code::io_error, "LMDB snapshot: " + file + " is a symbolic link; refusing to follow it");
  }
  struct stat st;
  const bool existed = ::stat(data_file.c_str(), &st) == 0;
  if (!existed && errno != ENOENT) return errno_status(errno, "stat", data_file);
  // Checked before mdb_env_open, which would otherwise leave a lock.mdb behind
  // in a directory that a read-only tool was only asked to look at.
  if (read_only_ && !existed) {
    return Status(Code::not_found, "no LMDB snapshot in " + path_ + " (data.mdb is missing)");
  }

  if (int rc = mdb_env_create(&env_); rc != 0) {
    env_ = nullptr;
    return error_status(rc, "mdb_env_create");
  }
  if (int rc = mdb_env_set_maxdbs(env_, 2); rc != 0) return error_status(rc, "mdb_env_set_maxdbs");
  if (int rc = mdb_env_set_maxreaders(env_, kMaxReaders); rc != 0) {
    return error_status(rc, "mdb_env_set_maxreaders");
  }
  if (!read_only_ && initial_map_size > 0) {
    if (int rc = mdb_env_set_mapsize(env_, initial_map_size); rc != 0) {
      return error_status(rc, "mdb_env_set_mapsize");
    }
  }
  // MDB_NOTLS: read transactions belong to calls, not threads (they are
  // pooled and renewed by whichever thread reads next).
  const unsigned flags = MDB_NOTLS | (read_only_ ? MDB_RDONLY : 0);
  if (int rc = mdb_env_open(env_, path_.c_str(), flags, 0600); rc != 0) {
    return error_status(rc, "mdb_env_open");
  }
  // LMDB opens lock.mdb and its meta descriptor O_CLOEXEC but leaves the
  // main data.mdb descriptor inheritable: no store descriptor may survive an
  // exec of the host process.
  mdb_filehandle_t data_fd = -1;
  if (mdb_env_get_fd(env_, &data_fd) == 0 && data_fd >= 0) {
    const int fd_flags = ::fcntl(data_fd, F_GETFD);
    if (fd_flags < 0 || ::fcntl(data_fd, F_SETFD, fd_flags | FD_CLOEXEC) != 0)
      return errno_status(errno, "set close-on-exec on", data_file);
  }
  if (read_only_) return Status();

  int stale_readers = 0;
  if (int rc = mdb_reader_check(env_, &stale_readers); rc != 0) {
    return error_status(rc, "mdb_reader_check");
  }
  // An explicitly configured size replaces the one the environment recorded;
  // size 0 adopts the recorded one (at least the used size), then we take the
  // larger of that and the requested initial size.
  if (int rc = mdb_env_set_mapsize(env_, 0); rc != 0) return error_status(rc, "mdb_env_set_mapsize");
  MDB_envinfo info;
  if (int rc = mdb_env_info(env_, &info); rc != 0) return error_status(rc, "mdb_env_info");
  if (info.me_mapsize < initial_map_size) {
    if (int rc = mdb_env_set_mapsize(env_, initial_map_size); rc != 0) {
      return error_status(rc, "mdb_env_set_mapsize");
    }
  }
  if (!existed) return fsync_directory(path_);
  return Status();
}

Status Snapshot::open_databases() {
  const unsigned txn_flags = read_only_ ? MDB_RDONLY : 0;
  const unsigned dbi_flags = read_only_ ? 0 : MDB_CREATE;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, txn_flags, &txn);
    if (rc == MDB_MAP_RESIZED) {
      if (Status s = adopt_map_size(); !s.ok()) return s;
      continue;
    }
    if (rc != 0) return error_status(rc, "begin transaction");
    rc = mdb_dbi_open(txn, kDataDb, dbi_flags, &data_dbi_);
    if (rc == 0) rc = mdb_dbi_open(txn, kMetaDb, dbi_flags, &meta_dbi_);
    if (rc != 0) {
      mdb_txn_abort(txn);
      if (rc == MDB_NOTFOUND) {
        return Status(Code::not_found,
                      "LMDB snapshot " + path_ + " has no data/meta databases (never initialised)");
      }
      return error_status(rc, "open databases");
    }
    // Committing (even a read-only transaction) makes the handles env-wide.
    if (rc = mdb_txn_commit(txn); rc != 0) return error_status(rc, "commit database handles");
    return Status();
  }
  return Status(Code::io_error, "LMDB snapshot " + path_ + " kept being resized during open");
}

// ---- map size -------------------------------------------------------------

Status Snapshot::grow_map() {
  std::unique_lock lock(resize_mu_);
  MDB_envinfo info;
  if (int rc = mdb_env_info(env_, &info); rc != 0) return error_status(rc, "mdb_env_info");
  const std::size_t grown = info.me_mapsize * 2;
  if (int rc = mdb_env_set_mapsize(env_, grown); rc != 0) {
    return error_status(rc, "growing the map to " + std::to_string(grown) + " bytes");
  }
  return Status();
}

Status Snapshot::adopt_map_size() const {
  std::unique_lock lock(resize_mu_);
  if (int rc = mdb_env_set_mapsize(env_, 0); rc != 0) {
    return error_status(rc, "adopting the map size grown by another process");
  }
  return Status();
}

// ---- transactions ---------------------------------------------------------

int Snapshot::acquire_read_txn(MDB_txn** out) const {
  MDB_txn* txn = nullptr;
  {
    std::lock_guard lock(idle_read_txns_mu_);
    if (!idle_read_txns_.empty()) {
      txn = idle_read_txns_.back();
      idle_read_txns_.pop_back();
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
  {
    std::lock_guard lock(idle_read_txns_mu_);
    if (idle_read_txns_.size() < kMaxIdleReadTxns) {
      idle_read_txns_.push_back(txn);
      return;
    }
  }
  mdb_txn_abort(txn);
}

template <class Fn>
Status Snapshot::with_read_txn(const char* what, Fn&& fn) const {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::shared_lock lock(resize_mu_);
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
      std::shared_lock lock(resize_mu_);
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
  const std::string id(reinterpret_cast<const char*>(store_id.data()), store_id.size());
  return with_write_txn("initialize meta", [&](MDB_txn* txn) {
    int rc = put_meta(txn, meta_dbi_, kFormatVersionKey, encode_le<4>(wal::kFormatVersion));
    // NOOVERWRITE: a racing initialize fails (MDB_KEYEXIST) instead of
    // replacing the store id.
    if (rc == 0) rc = put_meta(txn, meta_dbi_, kStoreIdKey, id, MDB_NOOVERWRITE);
    if (rc == 0) rc = put_meta(txn, meta_dbi_, kAppliedSequenceKey, encode_le<8>(0));
    if (rc == 0) rc = put_meta(txn, meta_dbi_, kOpenEpochKey, encode_le<8>(0));
    return rc;
  });
}

Result<SnapshotMeta> Snapshot::meta() const {
  SnapshotMeta meta;
  Status s = with_read_txn("read meta", [&](MDB_txn* txn) {
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
        return Status(Code::corruption, "LMDB snapshot " + path_ + " meta " + std::string(key) +
                                            " has " + std::to_string(v.mv_size) +
                                            " bytes, expected " + std::to_string(size));
      }
      *out = as_view(v);
      return Status();
    };
    std::string_view bytes;
    if (Status r = read(kStoreIdKey, meta.store_id.size(), &bytes); !r.ok()) return r;
    std::memcpy(meta.store_id.data(), bytes.data(), bytes.size());
    if (Status r = read(kFormatVersionKey, 4, &bytes); !r.ok()) return r;
    meta.format_version = static_cast<std::uint32_t>(decode_le(bytes));
    if (Status r = read(kAppliedSequenceKey, 8, &bytes); !r.ok()) return r;
    meta.applied_sequence = decode_le(bytes);
    if (Status r = read(kOpenEpochKey, 8, &bytes); !r.ok()) return r;
    meta.open_epoch = decode_le(bytes);
    return Status();
  });
  if (!s.ok()) return error(std::move(s));
  return meta;
}

Status Snapshot::set_open_epoch(std::uint64_t epoch) {
  return with_write_txn("write open_epoch", [&](MDB_txn* txn) {
    return put_meta(txn, meta_dbi_, kOpenEpochKey, encode_le<8>(epoch));
  });
}

// ---- data -----------------------------------------------------------------

Result<std::optional<std::string>> Snapshot::get(std::string_view key) const {
  if (Status s = check_key(key); !s.ok()) return error(std::move(s));
  std::optional<std::string> value;
  Status s = with_read_txn("get", [&](MDB_txn* txn) {
    MDB_val k = as_val(key);
    MDB_val v;
    int rc = mdb_get(txn, data_dbi_, &k, &v);
    if (rc == MDB_NOTFOUND) return Status();
    if (rc != 0) return error_status(rc, "get");
    value.emplace(as_view(v));  // copied out while the read transaction pins the page
    return Status();
  });
  if (!s.ok()) return error(std::move(s));
  return value;
}

Status Snapshot::scan(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
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
      value_copy.assign(as_view(v));
      if (!visit(key_copy, value_copy)) return Status();
      rc = mdb_cursor_get(raw, &k, &v, MDB_NEXT);
    }
    if (rc != 0 && rc != MDB_NOTFOUND) return error_status(rc, "scan");
    return Status();
  });
}

Status Snapshot::apply(const MemTable& imm, std::uint64_t applied_sequence) {
  const std::vector<std::string> tombstones = imm.prefix_tombstones();
  const std::vector<MemTable::Entry> entries = imm.collect("");
  // Refused before the transaction so that nothing of a bad table is written.
  for (const MemTable::Entry& e : entries) {
    if (Status s = check_key(e.key); !s.ok()) return s;
  }
  return with_write_txn("apply", [&](MDB_txn* txn) {
    for (const std::string& prefix : tombstones) {
      int rc = 0;
      if (prefix.empty()) {
        rc = mdb_drop(txn, data_dbi_, 0);  // empties the database, keeps the handle
      } else if (prefix.size() <= max_key_size_) {
        rc = delete_prefix(txn, data_dbi_, prefix);
      }
      if (rc != 0) return rc;
    }
    for (const MemTable::Entry& e : entries) {
      MDB_val k = as_val(e.key);
      int rc = 0;
      if (e.value) {
        MDB_val v = as_val(*e.value);
        rc = mdb_put(txn, data_dbi_, &k, &v, 0);
      } else {
        rc = mdb_del(txn, data_dbi_, &k, nullptr);
        if (rc == MDB_NOTFOUND) rc = 0;
      }
      if (rc != 0) return rc;
    }
    return put_meta(txn, meta_dbi_, kAppliedSequenceKey, encode_le<8>(applied_sequence));
  });
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
      std::shared_lock lock(resize_mu_);
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
