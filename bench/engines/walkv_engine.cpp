// walkv-bench — walkv through its public API (include/walkv/store.hpp).
#include <walkv/store.hpp>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

void check(const walkv::Status& s, const char* what) {
  if (!s.ok()) throw EngineError(std::string("walkv ") + what + ": " + s.to_string());
}

class WalkvEngine final : public Engine {
 public:
  WalkvEngine(std::unique_ptr<walkv::Store> store, bool durable)
      : store_(std::move(store)) {
    write_options_.durability = durable ? walkv::Durability::sync : walkv::Durability::none;
  }

  void put(std::string_view key, std::string_view value) override {
    check(store_->put(write_options_, key, value), "put");
  }

  bool get(std::string_view key, std::string* value) override {
    // Into the caller's buffer (the workload reuses one per thread), as the
    // LMDB engine copies into it too.
    auto r = store_->get(key, *value);
    if (!r) throw EngineError("walkv get: " + r.error().to_string());
    return *r;
  }

  void compact() override { check(store_->compact(), "compact"); }
  void close() override { check(store_->close(), "close"); }

  std::uint64_t log_bytes_replayed() const override { return store_->recovery_report().bytes_replayed; }

 private:
  std::unique_ptr<walkv::Store> store_;
  walkv::WriteOptions write_options_;
};

}  // namespace

std::unique_ptr<Engine> open_walkv_engine(const std::string& dir, const EngineOptions& options) {
  walkv::Options o;
  if (!options.auto_compaction) o.compaction_trigger = 0;
  auto store = walkv::Store::open(dir, o);
  if (!store) throw EngineError("walkv open " + dir + ": " + store.error().to_string());
  return std::make_unique<WalkvEngine>(std::move(*store), options.durable);
}

}  // namespace walkv_bench
