// walkv-bench — Engine: the one small interface every store under test
// implements (walkv and its peers), so every workload runs the same code
// against each of them.
//
// Thread-safety: put and get may be called from any number of threads at
// once; open, compact and close are called from one thread with no put or get
// in flight. Failures throw EngineError (the benchmark stops: a number measured
// on a failing store means nothing).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace walkv_bench {

struct EngineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How an engine is opened for one workload. Every engine maps these onto its
// own knobs; everything else stays at the engine's defaults.
struct EngineOptions {
  // true: put returns only once the value survives power loss (fdatasync).
  // false: put returns after the data reached the kernel (survives kill -9).
  bool durable = true;
  // false: no background folding of recent writes (walkv compaction_trigger=0),
  // so the recovery and compaction workloads control when it happens.
  bool auto_compaction = true;
  // LSM memtable size in bytes (RocksDB, LevelDB); 0 keeps the default. The
  // recovery workload raises it so the log it writes is still to be replayed.
  std::uint64_t write_buffer_bytes = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Stores value under key, with the durability chosen at open.
  virtual void put(std::string_view key, std::string_view value) = 0;
  // Copies the value of key into *value; false when the key is absent.
  virtual bool get(std::string_view key, std::string* value) = 0;
  // Folds recent writes into the engine's read-optimised form (walkv: compact
  // into LMDB; LSMs: flush and full compaction; SQLite: WAL checkpoint).
  virtual void compact() = 0;
  // Makes everything durable and closes. Called once before destruction.
  virtual void close() = 0;
  // Bytes of log the engine replayed when it opened, when it reports them.
  virtual std::uint64_t log_bytes_replayed() const { return 0; }
};

// What the workloads need to know about an engine.
struct EngineInfo {
  std::string name;         // as given to --engines
  std::string description;  // what exactly runs, e.g. "RocksDB 7.8.3, WriteOptions::sync"
  bool has_log = false;     // replays a write-ahead log at open (recovery workload)
  bool has_compaction = false;  // compact() does real work (compaction workload)
};

// Engines compiled into this binary, walkv first.
const std::vector<EngineInfo>& available_engines();
const EngineInfo* find_engine(std::string_view name);

// Opens (creating) engine `name` in directory `dir`, which exists.
std::unique_ptr<Engine> open_engine(std::string_view name, const std::string& dir, const EngineOptions& options);

}  // namespace walkv_bench
