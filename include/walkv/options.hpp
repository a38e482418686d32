// walkv — options for opening a store and for each write.
//
// Thread-safety: plain values, copied by the calls that take them.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <walkv/event_listener.hpp>
#include <walkv/recovery.hpp>

namespace walkv {

struct Options {
  // Create the store directory (mode 0700) and an empty store when `dir` holds
  // no store. When false, opening a missing store fails with Code::not_found.
  bool create_if_missing = true;
  // Fail with Code::invalid_argument when the store already exists.
  bool error_if_exists = false;

  // Size in bytes of each preallocated WAL segment (default 64 MiB, minimum
  // 64 KiB). A batch larger than this gets a segment of its own size.
  std::uint64_t segment_size = 64ull << 20;

  // Background compaction starts when the log written since the last snapshot
  // exceeds this many bytes (default 64 MiB). 0 disables automatic compaction;
  // Store::compact() still works.
  std::uint64_t compaction_trigger = 64ull << 20;

  // What open does with a damaged log; see RecoveryMode.
  RecoveryMode recovery_mode = RecoveryMode::tolerate_corrupted_tail;

  // When recovery cuts off or discards part of a segment, first copy the
  // segment to "wal/<name>.broken" (what walkv-replay --repair does).
  bool keep_broken_segments = false;

  // Store-wide background fdatasync period for writes made with
  // Durability::none (Redis's "appendfsync everysec"). After a power loss at
  // most this window of unsynced writes is lost. 0 (default) = no periodic sync.
  std::chrono::milliseconds sync_interval{0};

  // Limits, checked before anything is written (Code::invalid_argument).
  // max_key_size cannot exceed 511 bytes: LMDB's compiled-in key limit
  // (mdb_env_get_maxkeysize) bounds every key the snapshot can hold.
  std::uint32_t max_key_size = 511;
  std::uint32_t max_value_size = 64u << 20;   // bytes per value (64 MiB)
  std::uint32_t max_batch_size = 256u << 20;  // bytes per write batch (256 MiB)

  // Initial LMDB map size in bytes; the map doubles whenever it fills
  // (MDB_MAP_FULL is retried, never returned).
  std::uint64_t initial_map_size = 256ull << 20;

  // Told about background errors, completed compactions, poisoning and the
  // end of recovery (include/walkv/event_listener.hpp; as RocksDB's
  // Options::listeners). Null (default): no callbacks. Shared by every copy
  // of these options and every store opened with them; must be thread-safe.
  std::shared_ptr<EventListener> listener;
};

// How durable a write is when the call returns.
enum class Durability {
  // Returns after the frame was written and fdatasync'd. Survives power loss
  // and kernel crashes. Concurrent sync writers share one fdatasync (group
  // commit).
  sync,
  // Returns after write(2). Survives a crash of the process (kill -9), not a
  // power loss or kernel crash: the last writes may be lost, but never a write
  // older than a lost one (the log has no holes). Options::sync_interval bounds
  // the window.
  none,
};

struct WriteOptions {
  Durability durability = Durability::sync;
};

}  // namespace walkv
