// walkv-bench — LevelDB with its default options, one Put per put with
// WriteOptions::sync = durable.
#include <leveldb/db.h>
#include <leveldb/options.h>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

void check(const leveldb::Status& s, const char* what) {
  if (!s.ok()) throw EngineError(std::string("leveldb ") + what + ": " + s.ToString());
}

leveldb::Slice as_slice(std::string_view s) { return leveldb::Slice(s.data(), s.size()); }

class LeveldbEngine final : public Engine {
 public:
  LeveldbEngine(const std::string& dir, const EngineOptions& options) {
    leveldb::Options o;
    o.create_if_missing = true;
    if (options.write_buffer_bytes != 0) o.write_buffer_size = options.write_buffer_bytes;
    leveldb::DB* db = nullptr;
    check(leveldb::DB::Open(o, dir, &db), "open");
    db_.reset(db);
    write_options_.sync = options.durable;
  }
  ~LeveldbEngine() override { close(); }

  void put(std::string_view key, std::string_view value) override {
    check(db_->Put(write_options_, as_slice(key), as_slice(value)), "put");
  }

  bool get(std::string_view key, std::string* value) override {
    leveldb::Status s = db_->Get(leveldb::ReadOptions(), as_slice(key), value);
    if (s.IsNotFound()) return false;
    check(s, "get");
    return true;
  }

  // CompactRange over everything also writes the memtable out first.
  void compact() override { db_->CompactRange(nullptr, nullptr); }

  void close() override { db_.reset(); }  // LevelDB closes in its destructor

 private:
  std::unique_ptr<leveldb::DB> db_;
  leveldb::WriteOptions write_options_;
};

}  // namespace

std::string leveldb_version() {
  return std::to_string(leveldb::kMajorVersion) + "." + std::to_string(leveldb::kMinorVersion);
}

std::unique_ptr<Engine> open_leveldb_engine(const std::string& dir, const EngineOptions& options) {
  return std::make_unique<LeveldbEngine>(dir, options);
}

}  // namespace walkv_bench
