// walkv snapshot — one LMDB environment per data file per process.
//
// LMDB must not have one file open twice in one process: its locks are POSIX
// record locks, which belong to the process and are dropped when ANY of its
// descriptors of the file closes, and its reader table is keyed by pid, so a
// second MDB_env of a file breaks the first one's readers (MDB_BAD_RSLOT)
// (LMDB's documentation, "Caveats": "Do not have open an LMDB database twice
// in the same process at the same time"). So every Snapshot that opens a
// data.mdb this process already has open shares that environment: the
// registry below maps the file's identity (st_dev, st_ino) to one SharedEnv,
// reference counted; the last SharedEnvRef released closes it.
//
// Thread-safety: acquire_shared_env and SharedEnvRef's destructor may run on
// any thread at once (one registry mutex; an environment is opened and closed
// under it, so a file never has two environments even for a moment). A
// SharedEnv's members are used as snapshot.cpp documents: env, dbis and mode
// are immutable after opening; resize_mu and the idle pool lock themselves.
#pragma once

#include <sys/types.h>

#include <compare>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <walkv/status.hpp>

#include "snapshot/resize_lock.hpp"

struct MDB_env;
struct MDB_txn;

namespace walkv::snapshot_detail {

// The identity of a file: (st_dev, st_ino).
struct FileId {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  auto operator<=>(const FileId&) const = default;
};

// An open LMDB environment and what every Snapshot of it shares.
struct SharedEnv {
  SharedEnv() = default;
  SharedEnv(const SharedEnv&) = delete;
  SharedEnv& operator=(const SharedEnv&) = delete;
  // Aborts the pooled read transactions and closes the environment.
  ~SharedEnv();

  MDB_env* env = nullptr;
  bool read_only = false;  // opened with MDB_RDONLY
  std::string path;        // the directory it was opened in (for messages)
  unsigned data_dbi = 0;
  unsigned meta_dbi = 0;
  FileId data_file;  // data.mdb's identity
  // shared: any transaction; exclusive: mdb_env_set_mapsize (resize_lock.hpp)
  ResizeLock resize_mu;
  // Reset read transactions kept for reuse (mdb_txn_renew).
  std::mutex idle_read_txns_mu;
  std::vector<MDB_txn*> idle_read_txns;
};

// A counted reference to a SharedEnv of the registry. Move-only; releasing
// the last reference of an environment closes it.
class SharedEnvRef {
 public:
  SharedEnvRef() = default;
  explicit SharedEnvRef(SharedEnv* env) : env_(env) {}
  SharedEnvRef(SharedEnvRef&& other) noexcept : env_(other.env_) { other.env_ = nullptr; }
  SharedEnvRef& operator=(SharedEnvRef&& other) noexcept;
  SharedEnvRef(const SharedEnvRef&) = delete;
  SharedEnvRef& operator=(const SharedEnvRef&) = delete;
  ~SharedEnvRef() { release(); }

  SharedEnv* get() const noexcept { return env_; }
  SharedEnv* operator->() const noexcept { return env_; }
  explicit operator bool() const noexcept { return env_ != nullptr; }

 private:
  void release() noexcept;
  SharedEnv* env_ = nullptr;
};

// Opens a new environment (with its databases). Called with the registry
// mutex held: it must not acquire or release a SharedEnvRef.
using EnvOpener = std::function<Result<std::unique_ptr<SharedEnv>>()>;

// The environment of the data file `existing` (when the file exists) that
// this process already has open, shared; otherwise a new one from `open_new`,
// registered under its data_file. `read_only` is how the caller will use it:
// a read-only caller may share a read-write environment (it only reads), but
// a read-write caller cannot use an environment opened MDB_RDONLY — that is
// Code::not_supported, naming `path` ("close the read-only views first").
Result<SharedEnvRef> acquire_shared_env(const FileId* existing, bool read_only, const std::string& path,
                                        const EnvOpener& open_new);

// Environments this process has open (for tests).
std::size_t shared_env_count();

}  // namespace walkv::snapshot_detail
