// walkv — EventListener: callbacks the store makes when something an operator
// should hear about happens (as RocksDB's EventListener; the library itself
// never prints anything). Set one in Options::listener.
//
// Thread-safety: callbacks are made from the thread where the event happened
// (a writer's thread, the background compaction thread, or the thread calling
// Store::open / compact / close), possibly from several threads at once, so
// an implementation must be thread-safe. Callbacks are made outside the
// store's internal locks and outside the group-commit leader role: a callback
// may call the Store (e.g. read statistics(), or even write), but should
// return quickly, as the thread that made it waits for it. A callback must not
// throw (the store is noexcept on these paths; an exception terminates).
// A callback is never made after Store::close() returned.
#pragma once

#include <cstdint>

#include <walkv/recovery.hpp>
#include <walkv/status.hpp>

namespace walkv {

// What one completed compaction did.
struct CompactionInfo {
  std::uint64_t bytes = 0;             // log bytes folded into the snapshot
  std::uint64_t duration_ns = 0;       // wall time of the compaction
  std::uint64_t applied_sequence = 0;  // the snapshot's applied sequence afterwards
  std::uint64_t segments_deleted = 0;  // obsolete log segments deleted
  bool background = false;             // started by Options::compaction_trigger, not Store::compact
};

class EventListener {
 public:
  virtual ~EventListener() = default;

  // Background work (automatic compaction, the Options::sync_interval sync)
  // failed with `error`. The error is not returned to any caller; the next
  // attempt happens at the next trigger.
  virtual void on_background_error(const Status& error) { (void)error; }

  // A compaction completed (background or Store::compact).
  virtual void on_compaction_done(const CompactionInfo& info) { (void)info; }

  // The store became poisoned (an fdatasync failed, or a failed write could
  // not be undone): every later write returns Code::poisoned until the store
  // is reopened. `cause` is the poisoned status writers get. Called once per
  // open store.
  virtual void on_store_poisoned(const Status& cause) { (void)cause; }

  // Store::open or Store::open_read_only replayed the log: `report` is what
  // Store::recovery_report() returns. Called once, before open returns.
  virtual void on_recovery_done(const RecoveryReport& report) { (void)report; }
};

}  // namespace walkv
