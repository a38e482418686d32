// walkv — Checkpointer: checkpoints for gateways that do not want a write per
// message.
//
// Call message() on every message with the session's current state. The
// state stays in memory until one of:
//   - the session has `every_messages` unsaved messages (default 10): the
//     calling thread writes a checkpoint at once;
//   - a tick finds the session dirty and its last write (or, if never written,
//     its first unsaved message) `flush_interval` or more ago (default 30 s):
//     the tick writes it. A session with nothing unsaved is never rewritten,
//     however long it stays idle.
//   - flush(id), flush_all(), complete(), fail() or close().
// identify() writes identity fields (index entries such as aliases or
// fingerprints) at once, with Durability::sync, whatever the dirty state.
//
// Ticks come from a background thread (a condition variable wait with a
// timeout of tick_period) or, with background = false, only from the caller's
// tick(now): tests drive time with an injected clock and never sleep.
//
// Thread-safety: every method may be called from any thread. Flushes of one
// session are serialised (a newer state is never overwritten by an older
// one); flushes of distinct sessions run in parallel and share the store's
// group commit. The SessionStore must outlive the Checkpointer; close() it
// (or destroy it) first.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/session.hpp>
#include <walkv/status.hpp>

namespace walkv {

struct CheckpointerOptions {
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  std::uint32_t every_messages = 10;                                   // >= 1
  std::chrono::nanoseconds flush_interval = std::chrono::seconds(30);  // > 0
  // Run tick(clock()) on a background thread every tick_period.
  bool background = true;
  // 0: flush_interval / 10, between 1 ms and 1 s.
  std::chrono::nanoseconds tick_period{0};
  // Time source for message stamps and background ticks (default:
  // steady_clock::now). Called without the Checkpointer's locks held.
  Clock clock{};
};

struct CheckpointerStats {
  std::uint64_t messages = 0;             // message() calls accepted
  std::uint64_t checkpoints = 0;          // checkpoints written
  std::uint64_t state_bytes = 0;          // state bytes in those checkpoints
  std::uint64_t by_count = 0;             // written because of every_messages
  std::uint64_t by_timer = 0;             // written by a tick
  std::uint64_t by_request = 0;           // flush/flush_all/complete/fail/close
  std::uint64_t identity_writes = 0;      // identify() calls written
  std::uint64_t failed = 0;               // failed writes
  std::uint64_t ticks = 0;                // ticks completed (background or tick())
};

class Checkpointer {
 public:
  // Errors: invalid_argument (every_messages 0, flush_interval not positive).
  static Result<std::unique_ptr<Checkpointer>> start(SessionStore& sessions, CheckpointerOptions options = {});

  // Closes (errors are lost; call close() to see them).
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Records a message of session `id` whose state is now `state`. Returns
  // true when this call wrote a checkpoint (the every_messages-th unsaved
  // message). Errors: those of SessionStore::checkpoint when it writes (an
  // unknown or finished session's state is then discarded; other errors keep
  // it for the next flush); not_supported after close().
  Result<bool> message(std::string_view id, CheckpointData state);

  // Writes index entry (name, value) at once (SessionStore::set_index, synced).
  Status identify(std::string_view id, std::string_view name, std::string_view value);

  // Flushes every dirty session that is due at `now`. Returns how many were
  // written; the first error met (the others are still attempted).
  Result<std::size_t> tick(std::chrono::steady_clock::time_point now);

  // Writes the session's unsaved state now (no-op when clean).
  Status flush(std::string_view id);
  // Writes every unsaved state now. Returns the first error.
  Status flush_all();
  // Flushes the session, then marks it completed / failed.
  Status complete(std::string_view id);
  Status fail(std::string_view id, std::string_view reason);
  // Discards the session's unsaved state (e.g. after SessionStore::drop).
  void forget(std::string_view id);

  // Stops the background thread and flushes everything dirty. Idempotent.
  // Returns the first error of the final flush.
  Status close();

  // Sessions with unsaved state.
  std::size_t dirty_count() const;
  CheckpointerStats stats() const;
  // Errors met by background ticks since the last call (at most 64 kept).
  std::vector<Status> take_errors();

 private:
  struct Impl;
  explicit Checkpointer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace walkv
