// walkv-bench — RocksDB with its default options (as shipped by Debian), one
// Put per put with WriteOptions::sync = durable.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/version.h>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

void check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) throw EngineError(std::string("rocksdb ") + what + ": " + s.ToString());
}

rocksdb::Slice as_slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

class RocksdbEngine final : public Engine {
 public:
  RocksdbEngine(const std::string& dir, const EngineOptions& options) {
    rocksdb::Options o;
    o.create_if_missing = true;
    if (options.write_buffer_bytes != 0) o.write_buffer_size = options.write_buffer_bytes;
    if (!options.auto_compaction) o.disable_auto_compactions = true;
    rocksdb::DB* db = nullptr;
    check(rocksdb::DB::Open(o, dir, &db), "open");
    db_.reset(db);
    write_options_.sync = options.durable;
  }
  ~RocksdbEngine() override { close(); }

  void put(std::string_view key, std::string_view value) override {
    check(db_->Put(write_options_, as_slice(key), as_slice(value)), "put");
  }

  bool get(std::string_view key, std::string* value) override {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), as_slice(key), value);
    if (s.IsNotFound()) return false;
    check(s, "get");
    return true;
  }

  void compact() override {
    check(db_->Flush(rocksdb::FlushOptions()), "flush");
    check(db_->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr), "compact_range");
  }

  void close() override {
    if (!db_) return;
    check(db_->Close(), "close");
    db_.reset();
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace

std::string rocksdb_version() {
  return std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." + std::to_string(ROCKSDB_PATCH);
}

std::unique_ptr<Engine> open_rocksdb_engine(const std::string& dir, const EngineOptions& options) {
  return std::make_unique<RocksdbEngine>(dir, options);
}

}  // namespace walkv_bench
