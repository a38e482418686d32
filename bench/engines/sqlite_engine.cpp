// walkv-bench — SQLite in WAL mode: synchronous=FULL for durable runs, OFF for
// unsynced ones; one INSERT OR REPLACE (its own transaction) per put. Writers
// share one connection under a mutex (SQLite admits one writer at a time; a
// mutex is fairer to it than busy-retry loops); each reading thread gets its
// own connection.
#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw EngineError(std::string("sqlite ") + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

// One connection with its prepared statements; used by one thread at a time.
class Connection {
 public:
  Connection(const std::string& path, bool durable) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    check(db_, rc, "open");
    check(db_, sqlite3_busy_timeout(db_, 10000), "busy_timeout");
    exec("PRAGMA journal_mode=WAL");
    exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
    exec("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL)");
    check(db_, sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)", -1, &put_, nullptr),
          "prepare put");
    check(db_, sqlite3_prepare_v2(db_, "SELECT v FROM kv WHERE k = ?1", -1, &get_, nullptr), "prepare get");
  }
  ~Connection() {
    sqlite3_finalize(put_);
    sqlite3_finalize(get_);
    sqlite3_close(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const char* sql) { check(db_, sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), sql); }

  void put(std::string_view key, std::string_view value) {
    sqlite3_bind_blob(put_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(put_, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    int rc = sqlite3_step(put_);
    sqlite3_reset(put_);
    check(db_, rc, "put");
  }

  bool get(std::string_view key, std::string* value) {
    sqlite3_bind_blob(get_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    int rc = sqlite3_step(get_);
    bool found = rc == SQLITE_ROW;
    if (found) {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(get_, 0));
      value->assign(data, static_cast<std::size_t>(sqlite3_column_bytes(get_, 0)));
    }
    sqlite3_reset(get_);
    check(db_, rc, "get");
    return found;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
};

class SqliteEngine final : public Engine {
 public:
  SqliteEngine(const std::string& dir, bool durable)
      : path_(dir + "/kv.sqlite"), durable_(durable), writer_(std::make_unique<Connection>(path_, durable)) {}

  void put(std::string_view key, std::string_view value) override {
    std::lock_guard<std::mutex> lock(writer_mu_);
    writer_->put(key, value);
  }

  bool get(std::string_view key, std::string* value) override { return reader()->get(key, value); }

  void compact() override {
    std::lock_guard<std::mutex> lock(writer_mu_);
    writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  void close() override {
    std::lock_guard<std::mutex> lock(readers_mu_);
    readers_.clear();
    writer_.reset();
  }

 private:
  // The calling thread's connection: a thread-local cache in front of the
  // map, so concurrent readers do not meet on a mutex per get.
  Connection* reader() {
    thread_local std::uint64_t cached_engine = 0;
    thread_local Connection* cached = nullptr;
    if (cached_engine == id_) return cached;
    std::lock_guard<std::mutex> lock(readers_mu_);
    auto& conn = readers_[std::this_thread::get_id()];
    if (!conn) conn = std::make_unique<Connection>(path_, durable_);
    cached_engine = id_;
    cached = conn.get();
    return cached;
  }

  static std::uint64_t next_id() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
  }

  const std::uint64_t id_ = next_id();  // never reused, unlike addresses
  std::string path_;
  bool durable_;
  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> readers_;
};

}  // namespace

std::string sqlite_version() { return sqlite3_libversion(); }

std::unique_ptr<Engine> open_sqlite_engine(const std::string& dir, const EngineOptions& options) {
  return std::make_unique<SqliteEngine>(dir, options.durable);
}

}  // namespace walkv_bench
