// walkv snapshot — the process-wide registry of LMDB environments (shared_env.hpp).
#include "snapshot/shared_env.hpp"

#include <map>

#include <lmdb.h>

namespace walkv::snapshot_detail {
namespace {

struct Entry {
  std::unique_ptr<SharedEnv> env;
  std::size_t users = 0;
};

class Registry {
 public:
  std::mutex mu;
  std::map<FileId, Entry> envs;
};

Registry& registry() {
  // Never destroyed: a Snapshot released during static destruction still finds it.
  static Registry* r = new Registry();
  return *r;
}

}  // namespace

SharedEnv::~SharedEnv() {
  for (MDB_txn* txn : idle_read_txns) mdb_txn_abort(txn);
  if (env != nullptr) mdb_env_close(env);
}

SharedEnvRef& SharedEnvRef::operator=(SharedEnvRef&& other) noexcept {
  if (this != &other) {
    release();
    env_ = other.env_;
    other.env_ = nullptr;
  }
  return *this;
}

void SharedEnvRef::release() noexcept {
  if (env_ == nullptr) return;
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  auto it = r.envs.find(env_->data_file);
  env_ = nullptr;
  if (it == r.envs.end() || --it->second.users > 0) return;
  // Closed under the mutex: an open of the same file waits until it is closed.
  r.envs.erase(it);
}

Result<SharedEnvRef> acquire_shared_env(const FileId* existing, bool read_only, const std::string& path,
                                        const EnvOpener& open_new) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  if (existing != nullptr) {
    if (auto it = r.envs.find(*existing); it != r.envs.end()) {
      if (!read_only && it->second.env->read_only)
        return error(Code::not_supported,
                     "LMDB snapshot " + path +
                         " is open read-only in this process (a read-only view), and LMDB cannot open one file "
                         "twice in a process: close the read-only views before opening the store for writing");
      it->second.users += 1;
      return SharedEnvRef(it->second.env.get());
    }
  }
  auto opened = open_new();
  if (!opened) return error(opened.error());
  SharedEnv* env = opened->get();
  Entry& entry = r.envs[env->data_file];
  if (entry.env) {
    // Another path to a file already open here (a hard link): the caller
    // checked it was no symlink, but it is still one file; keep one environment.
    return error(Code::invalid_argument, "LMDB snapshot " + path + ": its data.mdb is already open in this " +
                                             "process as " + entry.env->path + " (a hard link)");
  }
  entry.env = std::move(*opened);
  entry.users = 1;
  return SharedEnvRef(env);
}

std::size_t shared_env_count() {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  return r.envs.size();
}

}  // namespace walkv::snapshot_detail
