// walkv — sessions and checkpoints on top of a Store.
//
// Thread-safety: a SessionStore is thread-safe. Calls on distinct sessions run
// concurrently and share only the store's group commit. Calls on the same
// session are serialised by a per-session lock (striped), so concurrent
// checkpoints of one session never lose an update.
//
// Model (docs/sessions.md):
//   A session is a key namespace "s" + escape(id) + 0x00 inside the Store.
//   Its record holds id, created/updated time (Unix ns), status, owner epoch
//   (the Store::open_epoch of the process that last wrote it), step, total
//   steps, description and the latest checkpoint number.
//   A checkpoint holds number (1, 2, ...), application version, time, step,
//   total steps, description, state bytes and XXH3-64 of the state, verified on
//   every read. The last `keep_checkpoints` are kept; older ones are deleted in
//   the same atomic batch that writes the new one.
//   A session still `active` whose owner epoch is older than the current open
//   epoch belonged to a process that ended without completing it: it is
//   interrupted. SessionStore::open marks such sessions `interrupted`.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/options.hpp>
#include <walkv/status.hpp>
#include <walkv/store.hpp>

namespace walkv {

enum class SessionStatus : std::uint8_t { active = 0, completed = 1, failed = 2, interrupted = 3 };
const char* session_status_name(SessionStatus s) noexcept;

struct SessionOptions {
  std::uint32_t keep_checkpoints = 5;                  // >= 1
  std::chrono::nanoseconds max_age = std::chrono::hours(24);  // default for cleanup_stale()
  Durability durability = Durability::sync;            // for checkpoint/status writes
};

struct SessionInfo {
  std::string id;
  SessionStatus status = SessionStatus::active;
  std::uint64_t created_ns = 0;   // Unix time, ns
  std::uint64_t updated_ns = 0;   // Unix time, ns
  std::uint64_t owner_epoch = 0;
  std::uint32_t step = 0;
  std::uint32_t total_steps = 0;
  std::string description;
  std::uint64_t latest_checkpoint = 0;  // 0 = none yet
  std::string reason;                   // failure reason (status failed)
};

// What the caller supplies for a checkpoint.
struct CheckpointData {
  std::string state;         // opaque bytes (the application's serialized state)
  std::uint32_t step = 0;
  std::uint32_t total_steps = 0;
  std::string description;
  std::string app_version;   // semver of the caller's state format, e.g. "1.4.0"
};

struct Checkpoint {
  std::uint64_t number = 0;
  std::string app_version;
  std::uint64_t time_ns = 0;   // Unix time, ns
  std::uint32_t step = 0;
  std::uint32_t total_steps = 0;
  std::string description;
  std::string state;
  std::uint64_t state_hash = 0;  // XXH3-64 of state, verified when read
};

struct InterruptedSession {
  SessionInfo info;
  std::optional<Checkpoint> checkpoint;  // latest valid checkpoint, if any
  std::vector<std::string> skipped;      // "checkpoint N: reason" for newer damaged ones
};

class SessionStore {
 public:
  // Attaches to an open Store (which must outlive the SessionStore). Marks
  // sessions left active by an earlier epoch as interrupted (one atomic
  // batch) and remembers them for interrupted().
  // Errors: as Store::write / Store::scan; not_supported on a read-only Store
  // (use list_interrupted for inspection); invalid_argument when
  // keep_checkpoints is 0; corruption/version_mismatch for an undecodable record.
  static Result<std::unique_ptr<SessionStore>> open(Store& store, const SessionOptions& options = {});

  // Creates session `id` (status active, owned by this epoch). Ids are any
  // bytes (NUL, '/', ".." included), 1..256 bytes long; bytes 0x00 and 0x01
  // are stored escaped as two bytes, and the escaped id may be at most 500
  // bytes (so every key fits the store's key limit).
  // Errors: invalid_argument (empty id, id too long, or the session exists).
  // Every call taking an id refuses an invalid one with invalid_argument.
  Status create(std::string_view id, std::string_view description = {});

  // Writes the next checkpoint of `id` and updates its record (step, total,
  // description, updated time, owner epoch, status active) in one atomic batch
  // that also deletes checkpoints beyond keep_checkpoints. Returns its number.
  // An interrupted session becomes active again (as with resume).
  // Errors: invalid_argument (unknown session, or completed/failed), plus
  // Store::write's errors.
  Result<std::uint64_t> checkpoint(std::string_view id, const CheckpointData& data);

  // Marks the session completed / failed (with a reason). Checkpoints are kept
  // until cleanup_stale or drop. Errors: invalid_argument (unknown session).
  Status complete(std::string_view id);
  Status fail(std::string_view id, std::string_view reason);

  // Errors (info, list and everything that reads records): corruption naming
  // the session when its record does not decode; version_mismatch when it was
  // written by a newer walkv. drop() still removes such a session.
  Result<std::optional<SessionInfo>> info(std::string_view id) const;
  // All sessions, ordered by id (bytewise).
  Result<std::vector<SessionInfo>> list() const;

  // The latest checkpoint of `id` that passes its hash check (falling back to
  // older ones); nullopt when the session has none. `skipped` (optional)
  // receives "checkpoint N: reason" for each newer one that failed.
  Result<std::optional<Checkpoint>> latest_checkpoint(std::string_view id,
                                                      std::vector<std::string>* skipped = nullptr) const;
  // One checkpoint by number, verified. nullopt when absent.
  // Errors: corruption (hash mismatch or undecodable record).
  Result<std::optional<Checkpoint>> load_checkpoint(std::string_view id, std::uint64_t number) const;

  // Sessions found interrupted when this SessionStore was opened, plus any
  // already marked interrupted by an earlier open, each with its latest
  // valid checkpoint. Re-read on every call.
  Result<std::vector<InterruptedSession>> interrupted() const;

  // Takes over an interrupted (or active) session: status active, owner epoch
  // = this one. Returns its latest valid checkpoint (as interrupted() would).
  // Errors: invalid_argument (unknown session, or completed/failed).
  Result<InterruptedSession> resume(std::string_view id);

  // Deletes sessions of any status (record + checkpoints) whose updated time
  // is max_age or more in the past, in one atomic batch. Returns the ids
  // deleted, ordered by id. max_age 0 deletes every session.
  Result<std::vector<std::string>> cleanup_stale(std::chrono::nanoseconds max_age);
  Result<std::vector<std::string>> cleanup_stale() { return cleanup_stale(options_.max_age); }

  // Deletes one session and its checkpoints atomically (absent: no error).
  Status drop(std::string_view id);
  // Deletes every session whose id starts with `id_prefix`, atomically. The
  // prefix is raw bytes, not a path: "agent/issue1" also matches
  // "agent/issue10/x"; pass "agent/issue1/" to mean one directory-like level.
  // An empty prefix deletes every session.
  Status drop_prefix(std::string_view id_prefix);

  Store& store() noexcept { return store_; }

 private:
  SessionStore(Store& store, const SessionOptions& options);
  Store& store_;
  SessionOptions options_;
  struct Locks;
  std::unique_ptr<Locks> locks_;
 public:
  ~SessionStore();
};

// Read-only inspection (walkv-replay): the sessions of a store view that are
// interrupted or would be once the writing process is gone: status interrupted,
// or status active and owned by an epoch older than `live_epoch` (pass
// UINT64_MAX when no process holds the store). Works on read-only Stores.
Result<std::vector<InterruptedSession>> list_interrupted(const Store& store, std::uint64_t live_epoch);

// Every session of a store view (read-only friendly).
Result<std::vector<SessionInfo>> list_sessions(const Store& store);

}  // namespace walkv
