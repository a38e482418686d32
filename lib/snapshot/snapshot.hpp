// walkv snapshot — the LMDB environment under <store>/snapshot/.
//
// Thread-safety: thread-safe. Any number of readers (get/scan) run alongside
// one apply() at a time (LMDB MVCC; the store serialises apply). Map growth
// (on MDB_MAP_FULL) waits until no read transaction is open in this process
// (an internal reader/resizer lock that does not let readers starve a resize),
// as mdb_env_set_mapsize requires. Consequently no Snapshot call may be made
// from inside a scan() visit.
//
// Databases: "data" (key -> value) and "meta" (format_version, store_id,
// applied_sequence, open_epoch; little-endian integers; from format version 2
// on also meta_checksum, and every value is followed by its checksum:
// entry_checksum.hpp). Reads verify the checksums and return Code::corruption
// on a mismatch, never the damaged bytes. apply() writes a
// table in several write transactions of about apply_txn_bytes() of keys and
// values each, every one committed durably (LMDB's default sync on commit);
// only the last one also sets applied_sequence. So the data is never older
// than applied_sequence says, but after a crash (or an error) part-way
// through an apply it may hold some writes NEWER than applied_sequence. That
// is safe for the store: recovery replays every log record after
// applied_sequence into the memtable, which shadows the snapshot, and the
// table being applied only holds operations of those records (sequences after
// the previous applied_sequence; the log keeps them until apply() returns), so
// every key the partial apply touched, a prefix tombstone's keys included, is
// written again by the replay — and by the next apply().
// Values are copied out of LMDB before use (LMDB values are only 2-byte aligned).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/status.hpp>

#include "memtable/memtable.hpp"
#include "snapshot/entry_checksum.hpp"
#include "snapshot/resize_lock.hpp"
#include "snapshot/shared_env.hpp"
#include "wal/format.hpp"

struct MDB_env;
struct MDB_txn;

namespace walkv {

struct SnapshotMeta {
  std::uint32_t format_version = 0;  // the snapshot's layout (snapshot_format::kVersion)
  wal::StoreId store_id{};
  std::uint64_t applied_sequence = 0;
  std::uint64_t open_epoch = 0;
};

struct SnapshotStats {
  std::uint64_t map_size = 0;     // bytes
  std::uint64_t used_bytes = 0;   // (last page + 1) * page size
  std::uint64_t entries = 0;      // keys in "data"
  std::uint32_t page_size = 0;
  // mdb_stat of "data" and mdb_env_info (walkv-compact --stats)
  std::uint32_t depth = 0;
  std::uint64_t branch_pages = 0;
  std::uint64_t leaf_pages = 0;
  std::uint64_t overflow_pages = 0;
  std::uint64_t last_txnid = 0;
};

// version_mismatch when `meta` is of a newer snapshot format than this walkv
// reads (its layout would read as damage), naming `store` and both versions;
// OK otherwise. Used wherever a store's snapshot is opened.
Status refuse_newer_format(const SnapshotMeta& meta, const std::string& store);

class Snapshot {
 public:
  enum class Mode { read_write, read_only };
  // Opens the LMDB environment in directory `path` (which must exist; its
  // parent is opened by path, then everything below it relative to that
  // descriptor, as open_at does).
  static Result<std::unique_ptr<Snapshot>> open(const std::string& path, Mode mode,
                                                std::uint64_t initial_map_size);
  // Opens the LMDB environment in directory `name` under the directory
  // `parent_fd` (whose path is `parent_path`, for LMDB and for messages).
  //
  // Symlinks: `name`, and its data.mdb and lock.mdb when present, are looked
  // at with fstatat(AT_SYMLINK_NOFOLLOW) relative to `parent_fd` before LMDB
  // (which opens its files by path and follows symlinks) sees them; a symlink
  // at any of them is refused: io_error "LMDB snapshot: <path> is a symbolic
  // link; refusing to follow it", and nothing is opened, created or changed.
  // After mdb_env_open the data file LMDB opened must be the one looked at
  // (same st_dev/st_ino), else io_error "... changed while being opened".
  //
  // One environment per file per process: LMDB must not open one file twice
  // in a process (shared_env.hpp), so a Snapshot of a data.mdb this process
  // already has open shares that environment (its map, reader slots and map
  // growth); the last Snapshot of it closes it. A read_only Snapshot may share
  // a read-write environment (it still refuses writes itself); a read_write
  // open of a file this process has open only read-only is not_supported
  // ("close the read-only views first"). A shared environment keeps its map
  // size: initial_map_size only applies to a new one.
  //
  // read_write: creates the environment (and the "data"/"meta" databases) when
  // missing, runs mdb_reader_check; the map is max(initial_map_size, the size
  // the environment last used). read_only (MDB_RDONLY): works while another
  // process holds the environment read-write; initial_map_size is ignored and
  // map growth by the writer is followed (MDB_MAP_RESIZED).
  // Every descriptor LMDB opens is close-on-exec (LMDB leaves data.mdb's
  // inheritable; FD_CLOEXEC is set right after mdb_env_open).
  // Errors: io_error, corruption (LMDB reports MDB_CORRUPTED/MDB_INVALID),
  // version_mismatch (MDB_VERSION_MISMATCH), not_found (no `name` directory,
  // or read_only and no data.mdb, or its databases were never created),
  // not_supported (see above).
  // Thread-safety: may be called from any thread, also for one file at once.
  static Result<std::unique_ptr<Snapshot>> open_at(int parent_fd, const std::string& parent_path,
                                                   const std::string& name, Mode mode,
                                                   std::uint64_t initial_map_size);
  ~Snapshot();

  // True when the meta database holds a store id (the store was initialised).
  Result<bool> initialized() const;
  // Writes a fresh meta (format version snapshot_format::kVersion, store_id,
  // applied 0, epoch 0, meta checksum). REQUIRES: !initialized()
  // (invalid_argument otherwise). read_only: not_supported.
  Status initialize(const wal::StoreId& store_id);
  // The stored meta, as written (the caller compares format_version with what
  // it supports: a newer version is returned unchecked). not_found when not
  // initialized; corruption when a field has the wrong size, format_version is
  // 0, or (version >= 2) meta_checksum is missing or does not match.
  Result<SnapshotMeta> meta() const;
  // Durably records the open epoch in meta (and the meta checksum). Errors as
  // meta() (damaged meta is refused, never rewritten with a fresh checksum),
  // version_mismatch (a newer format version), not_supported (read_only).
  Status set_open_epoch(std::uint64_t epoch);
  // The layout this Snapshot reads and writes values in: the stored
  // format_version, read when it was opened (or set by initialize()); 0 while
  // not initialised.
  std::uint32_t format_version() const noexcept { return format_version_; }

  // Keys are 1..max_key_size() bytes; any other key is invalid_argument
  // (get, apply) — the store must refuse such keys before they reach the WAL.
  std::size_t max_key_size() const noexcept { return max_key_size_; }

  // The value stored under key, or nullopt. Errors: invalid_argument (a key
  // outside 1..max_key_size()), io_error (LMDB), corruption (the entry fails
  // its checksum, or LMDB reports a damaged page; the message names the key).
  Result<std::optional<std::string>> get(std::string_view key) const;
  // As get, but assigns a found value into `value` (reusing its capacity: no
  // allocation once it is large enough) and returns true; returns false when
  // key is absent. On false or an error `value` is left exactly as it was.
  // Thread-safety: as get; `value` must not be shared with another thread.
  Result<bool> get_into(std::string_view key, std::string& value) const;
  // Visits keys starting with prefix in ascending order until visit returns false.
  // One read transaction: the visit sees one consistent state. The views are
  // valid only during the call (aligned copies). visit must not call into this
  // Snapshot (a map resize queued meanwhile would wait for this scan, and the
  // nested call for the resize). An entry that fails its checksum is never
  // visited: damaged(key, error) is called for it instead (error: what a get
  // of it returns); the scan goes on when damaged returns true, and returns
  // that error when it returns false or is empty (the default), after the
  // entries before it were visited. Errors: as get.
  using DamagedFn = std::function<bool(std::string_view key, const Status& error)>;
  Status scan(std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit,
              const DamagedFn& damaged = {}) const;

  // What verify() found.
  struct Verification {
    std::uint64_t entries = 0;  // entries read (all of "data")
    std::uint64_t damaged = 0;  // entries that failed their checksum
  };
  // Reads every entry of "data" in one read transaction and checks its
  // checksum (as RocksDB's DB::VerifyChecksum), calling damaged(key, error)
  // for each entry that fails (error: the corruption Status a get of it
  // returns, naming the key), in key order, and going on past it. A version 1
  // snapshot has no checksums: every entry counts as sound. damaged must not
  // call into this Snapshot (as scan's visit). Errors: io_error, corruption
  // when LMDB itself reports a damaged page (the walk cannot go on).
  Result<Verification> verify(
      const std::function<void(std::string_view key, const Status& error)>& damaged) const;

  // For each prefix tombstone of `imm`, deletes every key under it; then
  // applies every point entry (put or delete) in key order; then sets
  // applied_sequence. In write transactions of about apply_txn_bytes() of keys
  // and values each (the prefix tombstones in the first, applied_sequence in
  // the last, which is also the only one when the table is empty), each
  // committed durably before the next begins. Until the last commits,
  // applied_sequence keeps its old value while the data already holds the
  // chunks committed so far: see the top of this file for why the store may
  // rely on that after a crash. On MDB_MAP_FULL doubles the map and redoes the
  // current transaction only (from its first key).
  // Errors: invalid_argument (a key outside 1..max_key_size(): nothing of its
  // transaction is written and applied_sequence is unchanged, but earlier
  // transactions of this apply stay committed — as after a crash),
  // not_found (never initialised: there is no meta to record it in),
  // corruption or version_mismatch (the stored meta that the last transaction
  // would update is damaged or newer: that transaction is not written),
  // not_supported (read_only), no_space, io_error.
  Status apply(const MemTable& imm, std::uint64_t applied_sequence);

  // apply()'s transaction size: keys plus values written per write
  // transaction. Smaller transactions keep LMDB's dirty-page list short, let
  // later transactions of one apply reuse the pages earlier ones freed (one big
  // transaction overwriting everything needs new pages for all of it while the
  // old ones are still referenced: the file doubles), and spread the commits'
  // flushes out; each costs a durable commit (two syncs).
  static constexpr std::uint64_t kDefaultApplyTxnBytes = std::uint64_t{8} << 20;
  std::uint64_t apply_txn_bytes() const noexcept { return apply_txn_bytes_; }
  // REQUIRES: no apply() of this Snapshot runs meanwhile (not synchronised;
  // set it before the Snapshot is shared). A transaction holds at least one
  // entry, so 0 (or 1) commits every entry on its own.
  void set_apply_txn_bytes(std::uint64_t bytes) noexcept { apply_txn_bytes_ = bytes; }
  // A test and observability hook: called after each of apply()'s transactions
  // commits, with how many have committed so far in this apply (1, 2, ...),
  // on apply()'s thread, outside any transaction and lock (it may call into
  // this Snapshot). Empty (the default): nothing is called.
  // REQUIRES: as set_apply_txn_bytes.
  void set_apply_commit_hook(std::function<void(std::uint64_t committed)> hook) {
    apply_commit_hook_ = std::move(hook);
  }

  Result<SnapshotStats> stats() const;
  // mdb_env_copy2 with MDB_CP_COMPACT into directory `out_dir` (must exist, empty).
  Status copy_compact(const std::string& out_dir) const;

 private:
  Snapshot() = default;
  Status grow_map();
  // Another process grew the map (MDB_MAP_RESIZED): adopt its size.
  Status adopt_map_size() const;
  Status check_key(std::string_view key) const;
  // The corruption error for an entry of `key` that fails its checksum.
  Status damaged_entry(std::string_view key) const;
  // The value of a stored entry (without its checksum, when the format has
  // one), or nullopt when it fails its checksum.
  std::optional<std::string_view> stored_value(std::string_view key, std::string_view stored) const noexcept;
  // Sets format_version_ from the stored meta (left 0 when there is none, or
  // when its size is damaged: meta() reports that).
  Status read_format_version();
  // meta() inside `txn`.
  Status read_meta(MDB_txn* txn, SnapshotMeta* meta) const;
  // Reads meta inside the write transaction `txn`, lets `change` modify it,
  // and writes applied_sequence, open_epoch and (version >= 2) meta_checksum
  // back. An LMDB rc; EINVAL with *failure set when the stored meta is
  // damaged or of a newer version.
  template <class Change>
  int update_meta(MDB_txn* txn, Change&& change, Status* failure) const;
  // Writes meta's applied_sequence, open_epoch and (version >= 2) its
  // checksum. An LMDB rc.
  int write_meta(MDB_txn* txn, const SnapshotMeta& meta) const;
  // One write transaction of apply() (snapshot.cpp).
  class ApplyTxn;
  // Runs fn(txn) -> Status in a read transaction, holding resize_mu() shared.
  template <class Fn>
  Status with_read_txn(const char* what, Fn&& fn) const;
  // Runs fn(txn) -> LMDB rc in a write transaction and commits it, growing the
  // map and retrying the whole transaction on MDB_MAP_FULL.
  template <class Fn>
  Status with_write_txn(const char* what, Fn&& fn);
  // Read transactions are reset and kept for reuse (mdb_txn_renew is much
  // cheaper than mdb_txn_begin, which must find a reader slot under a mutex).
  // First in a per-thread slot of this Snapshot (txn_slots_: a thread takes and
  // returns its own transaction with one atomic exchange on a cache line no
  // other reader thread writes, keeping its LMDB reader slot on its core too),
  // else in the environment's pool (a mutex every thread shares).
  int acquire_read_txn(MDB_txn** txn) const;
  void release_read_txn(MDB_txn* txn) const;
  struct alignas(64) TxnSlot {
    std::atomic<MDB_txn*> txn{nullptr};  // a reset read transaction, or null
  };
  static constexpr std::size_t kTxnSlots = 16;
  static std::size_t txn_slot_of_this_thread() noexcept;
  Status error_status(int rc, std::string_view what) const;

  snapshot_detail::ResizeLock& resize_mu() const noexcept { return shared_->resize_mu; }

  std::string path_;
  snapshot_detail::SharedEnvRef shared_;  // the environment, shared per file (shared_env.hpp)
  MDB_env* env_ = nullptr;                // shared_->env
  unsigned data_dbi_ = 0;
  unsigned meta_dbi_ = 0;
  bool read_only_ = false;
  std::uint32_t format_version_ = 0;  // see format_version()
  std::size_t max_key_size_ = 0;
  std::uint64_t apply_txn_bytes_ = kDefaultApplyTxnBytes;
  std::function<void(std::uint64_t)> apply_commit_hook_;
  // Idle read transactions by thread (see acquire_read_txn); the destructor
  // hands them to the environment's pool.
  mutable std::array<TxnSlot, kTxnSlots> txn_slots_{};
};

}  // namespace walkv
