// walkv — Store: a crash-safe, log-structured key-value store.
//
// Thread-safety: a Store is fully thread-safe. Any number of threads may call
// put/get/remove/write/scan/sync/compact at once. Concurrent writers are
// batched by a leader/follower queue (group commit): one write(2) and at most
// one fdatasync serve every writer that joined the group. Readers never wait
// for fdatasync. close() must not race with other calls on the same Store.
//
// Layout of a store directory (see docs/architecture.md, docs/format.md):
//   LOCK                  OFD lock held by the owning process; contains its pid
//   wal/<seq>.wal         preallocated, CRC-framed write-ahead log segments
//   snapshot/data.mdb     LMDB environment: data + applied sequence, one txn
//
// Keys and values are arbitrary bytes; keys never become file names.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <walkv/options.hpp>
#include <walkv/recovery.hpp>
#include <walkv/statistics.hpp>
#include <walkv/status.hpp>
#include <walkv/write_batch.hpp>

namespace walkv {

class Store {
 public:
  // Opens (creating, per options) the store in directory `dir`.
  // The path is resolved once (symlinks included); every file is then opened
  // relative to the directory's descriptor with O_NOFOLLOW|O_CLOEXEC.
  // Takes the store's lock, replays the log after the snapshot's applied
  // sequence according to options.recovery_mode, and starts a new open epoch.
  // Memory: the replay reads the log with pread through a 256 KiB buffer
  // and keeps the latest version of each key it replays in the memtable
  // until the first compaction after the open: the log's live data (RSS
  // grew 1.09x of it after 256 MB and 1 GB of 4 KiB values,
  // docs/performance.md). Versions come from 2 MiB blocks that the kernel
  // may back with transparent huge pages, bounded by twice the live data
  // plus 2 MiB, so a log that deletes keys or changes value sizes may hold
  // up to about three times its live data until that compaction.
  // Errors: locked (another open holds the store; the message names its pid),
  // not_found (no store and !create_if_missing), invalid_argument,
  // corruption (names segment file and byte offset; or the snapshot's meta
  // fails its checksum), version_mismatch (a log segment or the snapshot of a
  // newer format, docs/format.md), io_error, no_space.
  static Result<std::unique_ptr<Store>> open(const std::string& dir, const Options& options = {});

  // Opens a read-only, point-in-time view of the store in `dir` without taking
  // its lock: the snapshot plus the log as it is on disk now, replayed in
  // memory (a torn tail is ignored, never repaired). Works while another
  // process holds the store. Writes return Code::not_supported.
  static Result<std::unique_ptr<Store>> open_read_only(const std::string& dir,
                                                       const Options& options = {});

  // Closes the store (same as close()).
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores `value` under `key`. Errors: invalid_argument (empty or oversized
  // key, oversized value), poisoned, no_space, io_error, not_supported.
  Status put(const WriteOptions& wo, std::string_view key, std::string_view value);

  // Removes `key` (absent keys are fine). Errors as put.
  Status remove(const WriteOptions& wo, std::string_view key);

  // Removes every key starting with `prefix`, atomically. Errors as put.
  Status remove_prefix(const WriteOptions& wo, std::string_view prefix);

  // Applies `batch` atomically: after any crash either all of it or none of it
  // is visible. An empty batch is a no-op (with Durability::sync it still
  // waits for earlier writes to be durable). Errors as put.
  Status write(const WriteOptions& wo, const WriteBatch& batch);

  // Returns the value of `key`, or std::nullopt when absent. Sees every write
  // that returned before the call started. Errors: io_error, corruption (the
  // key's entry in the LMDB snapshot fails its checksum: bit rot in
  // snapshot/data.mdb, never returned as a value; the message names the key;
  // writing the key again replaces it. docs/format.md, "The LMDB snapshot").
  Result<std::optional<std::string>> get(std::string_view key) const;

  // As get(key), but copies the value into the caller's `value` instead of
  // returning a new string (as LevelDB's DB::Get(ReadOptions, key,
  // std::string* value)). Returns true when `key` has a value (now in
  // `value`), false when it is absent (never written, removed, or under a
  // removed prefix). `value` is changed only when the result is true: on false
  // or an error it is left exactly as it was. A found value from recent writes
  // (the memtable) is copied into `value`'s existing capacity, so a buffer
  // reused across calls costs no allocation once it is large enough; a value
  // read from the LMDB snapshot replaces `value`'s storage (one allocation).
  // Thread-safety: as get(key); `value` must not be shared with another thread
  // during the call. Sees every write that returned before the call started.
  // Errors: io_error, corruption; invalid_argument for a key the snapshot
  // cannot hold (empty, or longer than Options::max_key_size), as get(key).
  Result<bool> get(std::string_view key, std::string& value) const;

  // Calls visit(key, value) for every key starting with `prefix`, in
  // ascending byte order, on a consistent view taken at the start of the call.
  // Stops early when visit returns false. The string_views are valid only
  // during the call to visit. Do not call Store methods that write from visit.
  // Errors: io_error, corruption (an entry of the LMDB snapshot in the range
  // fails its checksum, as get, and no newer write hides it; nothing is
  // visited then).
  Status scan(std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Called by scan for an entry of the LMDB snapshot that fails its checksum
  // (bit rot in snapshot/data.mdb) and that no newer write hides, with the
  // corruption Status a get of the key returns. Return true to go on without
  // the entry, false to make scan return that error.
  using DamagedFn = std::function<bool(std::string_view key, const Status& error)>;
  // As scan(prefix, visit), but damaged entries go to on_damaged (as
  // LevelDB's log reader hands corruption to its Reporter) instead of failing
  // the whole scan: a caller can still read what is sound, e.g. fall back to
  // an older record. on_damaged is called for every damaged key in the range
  // before visit sees any key; an empty on_damaged behaves as scan(prefix,
  // visit). Errors: io_error; corruption when on_damaged returns false.
  Status scan(std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit,
              const DamagedFn& on_damaged) const;

  // Makes every write that returned before the call durable (fdatasync).
  // Errors: poisoned, io_error.
  Status sync();

  // Folds the memtable into the LMDB snapshot (write transactions of about
  // 8 MiB each; the last also records the applied sequence, so a crash part-way
  // leaves the old sequence and replay re-applies the rest), then deletes the
  // segments it made obsolete.
  // Returns after that is done. Errors: poisoned, io_error, no_space.
  Status compact();

  // Stops background work, makes written data durable (fdatasync) and releases
  // the lock. Idempotent. Returns the first error met while closing.
  Status close();

  // Counters of what this store did since it was opened: bytes and frames
  // written, fdatasyncs and writers per fdatasync, write stalls, compactions,
  // replay (include/walkv/statistics.hpp). Thread-safe; never fails; cheap
  // (relaxed atomic loads). Read-only views report their replay only.
  Statistics statistics() const noexcept;

  // The report of the recovery that open performed.
  const RecoveryReport& recovery_report() const noexcept;

  // The open epoch: 1 for the first open of a store, +1 at every later open
  // (read-only views report the last writer's epoch). Sessions owned by an
  // older epoch belong to a process that is gone.
  std::uint64_t open_epoch() const noexcept;

  // The sequence number of the last write applied (0 for an empty store).
  std::uint64_t last_sequence() const noexcept;

  // True for a view made with open_read_only.
  bool read_only() const noexcept;

  // The directory as resolved at open.
  const std::string& directory() const noexcept;

  // The implementation is opaque: only the library can make one. (Internal
  // code such as lib/store/open_with.hpp uses this constructor to open a store
  // over a fault-injecting file system in tests.)
  class Impl;
  explicit Store(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace walkv
