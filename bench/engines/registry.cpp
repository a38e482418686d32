// walkv-bench — the engines compiled into this binary. Peers (RocksDB, LevelDB,
// SQLite) are present when meson's bench_peers feature found them
// (WALKV_BENCH_HAVE_<PEER> is then defined).
#include <functional>

#include "engines/engines.hpp"

namespace walkv_bench {

namespace {

using Opener = std::function<std::unique_ptr<Engine>(const std::string&, const EngineOptions&)>;

struct Registered {
  EngineInfo info;
  Opener open;
};

std::vector<Registered> build_registry() {
  std::vector<Registered> engines;
  engines.push_back({{"walkv", "walkv (this tree), Durability::sync / none", true, true}, open_walkv_engine});
#ifdef WALKV_BENCH_HAVE_ROCKSDB
  engines.push_back({{"rocksdb", "RocksDB " + rocksdb_version() + ", WriteOptions::sync, default options", true, true},
                     open_rocksdb_engine});
#endif
#ifdef WALKV_BENCH_HAVE_LEVELDB
  engines.push_back({{"leveldb", "LevelDB " + leveldb_version() + ", WriteOptions::sync, default options", true, true},
                     open_leveldb_engine});
#endif
  engines.push_back({{"lmdb", "LMDB " + lmdb_version() + ", one write transaction per put", false, false},
                     open_lmdb_engine});
#ifdef WALKV_BENCH_HAVE_SQLITE
  // has_compaction false: SQLite checkpoints its WAL by itself every 1000 pages
  // while writing, so the explicit checkpoint of compact() finds little to do.
  engines.push_back({{"sqlite", "SQLite " + sqlite_version() + ", WAL mode, synchronous=FULL / OFF", false, false},
                     open_sqlite_engine});
#endif
  engines.push_back({{"file-per-session",
                      "one file per session: write tmp, fdatasync, rename, fsync directory", false, false},
                     open_file_per_session_engine});
  return engines;
}

const std::vector<Registered>& registry() {
  static const std::vector<Registered> engines = build_registry();
  return engines;
}

}  // namespace

const std::vector<EngineInfo>& available_engines() {
  static const std::vector<EngineInfo> infos = [] {
    std::vector<EngineInfo> out;
    for (const auto& r : registry()) out.push_back(r.info);
    return out;
  }();
  return infos;
}

const EngineInfo* find_engine(std::string_view name) {
  for (const auto& info : available_engines())
    if (info.name == name) return &info;
  return nullptr;
}

std::unique_ptr<Engine> open_engine(std::string_view name, const std::string& dir, const EngineOptions& options) {
  for (const auto& r : registry())
    if (r.info.name == name) return r.open(dir, options);
  throw EngineError("unknown engine '" + std::string(name) + "'");
}

}  // namespace walkv_bench
