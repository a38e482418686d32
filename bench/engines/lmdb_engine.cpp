// walkv-bench — LMDB: one write transaction per put (durable: LMDB's default
// sync at commit; unsynced: MDB_NOSYNC, pages still written by write(2) at
// commit). Reads use a read-only transaction per get.
#include <lmdb.h>

#include <string>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

constexpr std::size_t kMapSize = 16ull << 30;  // address space only; the file grows as needed

void check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw EngineError(std::string("lmdb ") + what + ": " + mdb_strerror(rc));
}

MDB_val as_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

class Txn {
 public:
  Txn(MDB_env* env, unsigned flags) { check(mdb_txn_begin(env, nullptr, flags, &txn_), "txn_begin"); }
  ~Txn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  MDB_txn* get() const { return txn_; }
  void commit() {
    int rc = mdb_txn_commit(txn_);
    txn_ = nullptr;
    check(rc, "txn_commit");
  }

 private:
  MDB_txn* txn_ = nullptr;
};

class LmdbEngine final : public Engine {
 public:
  LmdbEngine(const std::string& dir, bool durable) {
    check(mdb_env_create(&env_), "env_create");
    check(mdb_env_set_mapsize(env_, kMapSize), "env_set_mapsize");
    check(mdb_env_set_maxreaders(env_, 256), "env_set_maxreaders");
    check(mdb_env_open(env_, dir.c_str(), durable ? 0u : MDB_NOSYNC, 0600), "env_open");
    Txn txn(env_, 0);
    check(mdb_dbi_open(txn.get(), nullptr, 0, &dbi_), "dbi_open");
    txn.commit();
  }
  ~LmdbEngine() override { close(); }

  void put(std::string_view key, std::string_view value) override {
    Txn txn(env_, 0);
    MDB_val k = as_val(key), v = as_val(value);
    check(mdb_put(txn.get(), dbi_, &k, &v, 0), "put");
    txn.commit();
  }

  bool get(std::string_view key, std::string* value) override {
    Txn txn(env_, MDB_RDONLY);
    MDB_val k = as_val(key), v{};
    int rc = mdb_get(txn.get(), dbi_, &k, &v);
    if (rc == MDB_NOTFOUND) return false;
    check(rc, "get");
    value->assign(static_cast<const char*>(v.mv_data), v.mv_size);
    return true;
  }

  void compact() override {}  // a B+tree: nothing to fold

  void close() override {
    if (env_ == nullptr) return;
    mdb_env_sync(env_, 1);
    mdb_env_close(env_);
    env_ = nullptr;
  }

 private:
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace

std::string lmdb_version() {
  int major = 0, minor = 0, patch = 0;
  mdb_version(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::unique_ptr<Engine> open_lmdb_engine(const std::string& dir, const EngineOptions& options) {
  return std::make_unique<LmdbEngine>(dir, options.durable);
}

}  // namespace walkv_bench
