// walkv snapshot — the LMDB environment under <store>/snapshot/.
//
// Thread-safety: thread-safe. Any number of readers (get/scan) run alongside
// one apply() at a time (LMDB MVCC; the store serialises apply). Map growth
// (on MDB_MAP_FULL) waits until no read transaction is open in this process
// (an internal shared_mutex), as mdb_env_set_mapsize requires.
//
// Databases: "data" (key -> value) and "meta" (format_version, store_id,
// applied_sequence, open_epoch; little-endian integers). apply() writes data
// and applied_sequence in ONE write transaction, committed durably (LMDB's
// default sync on commit), so the snapshot and its sequence always agree.
// Values are copied out of LMDB before use (LMDB values are only 2-byte aligned).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include <walkv/status.hpp>

#include "memtable/memtable.hpp"
#include "wal/format.hpp"

struct MDB_env;

namespace walkv {

struct SnapshotMeta {
  std::uint32_t format_version = 0;
  wal::StoreId store_id{};
  std::uint64_t applied_sequence = 0;
  std::uint64_t open_epoch = 0;
};

struct SnapshotStats {
  std::uint64_t map_size = 0;     // bytes
  std::uint64_t used_bytes = 0;   // (last page + 1) * page size
  std::uint64_t entries = 0;      // keys in "data"
  std::uint32_t page_size = 0;
};

class Snapshot {
 public:
  enum class Mode { read_write, read_only };
  // Opens the LMDB environment in directory `path` (which must exist).
  // read_write: creates the environment when missing, runs mdb_reader_check.
  // Errors: io_error, corruption (LMDB reports MDB_CORRUPTED/MDB_INVALID),
  // not_found (read_only and no environment).
  static Result<std::unique_ptr<Snapshot>> open(const std::string& path, Mode mode,
                                                std::uint64_t initial_map_size);
  ~Snapshot();

  // True when the meta database holds a store id (the store was initialised).
  Result<bool> initialized() const;
  // Writes a fresh meta (format version, store_id, applied 0, epoch 0). REQUIRES: !initialized().
  Status initialize(const wal::StoreId& store_id);
  Result<SnapshotMeta> meta() const;
  // Durably records the open epoch in meta.
  Status set_open_epoch(std::uint64_t epoch);

  Result<std::optional<std::string>> get(std::string_view key) const;
  // Visits keys starting with prefix in ascending order until visit returns false.
  Status scan(std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // In one write transaction: for each prefix tombstone of `imm`, deletes every
  // key under it; then applies every point entry (put or delete); then sets
  // applied_sequence. Commits durably. On MDB_MAP_FULL doubles the map and retries.
  Status apply(const MemTable& imm, std::uint64_t applied_sequence);

  Result<SnapshotStats> stats() const;
  // mdb_env_copy2 with MDB_CP_COMPACT into directory `out_dir` (must exist, empty).
  Status copy_compact(const std::string& out_dir) const;

 private:
  Snapshot() = default;
  Status grow_map();

  MDB_env* env_ = nullptr;
  unsigned data_dbi_ = 0;
  unsigned meta_dbi_ = 0;
  bool read_only_ = false;
  mutable std::shared_mutex resize_mu_;  // shared: any transaction; exclusive: mdb_env_set_mapsize
};

}  // namespace walkv
