// walkv — sessions and checkpoints on top of a Store.
//
// Thread-safety: a SessionStore is thread-safe. Calls on distinct sessions run
// concurrently: each session has its own lock, taken only while that session
// is read and written, so they share nothing but the store's group commit.
// Calls on the same session are serialised by that lock, so concurrent
// checkpoints (and update()s) of one session never lose an update. Calls over
// many sessions (cleanup, drop_prefix, drop_under, create_many) exclude every
// single-session call while they run.
//
// Model (docs/sessions.md):
//   A session's record holds id, created/updated time (Unix ns), status,
//   owner epoch (the Store::open_epoch of the process that last wrote it),
//   step, total steps, description, latest checkpoint number, failure reason
//   and its secondary index entries (name, value).
//   A checkpoint holds number (1, 2, ...), application version, time, step,
//   total steps, description, state bytes and XXH3-64 of the stored state,
//   optionally encrypted (XChaCha20-Poly1305, key id stored with it). The last
//   `keep_checkpoints` are kept; older ones are deleted in the same atomic
//   batch that writes the new one.
//   Before a checkpoint is used for a resume it is validated: it must decode,
//   carry its own number, match its hash and have the same application major
//   version as SessionOptions::app_version; otherwise it is skipped with a
//   reason and the previous one is tried.
//   A session still `active` whose owner epoch is older than the current open
//   epoch belonged to a process that ended without completing it: it is
//   interrupted. SessionStore::open marks such sessions `interrupted`.
//
// Sessions use the store keys whose first byte is 's' (docs/sessions.md,
// "Key layout"); keep other keys out of that range.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
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

// A caller-supplied key for encrypting checkpoint state at rest.
struct EncryptionKey {
  std::string id;                          // 1..64 bytes, stored with every checkpoint it encrypts
  std::array<unsigned char, 32> key{};     // XChaCha20-Poly1305 key (e.g. from a KMS, never from walkv)
};

// What cleanup() deletes. A session is deleted when any rule applies:
//  - its last update (updated_ns) is max_age or more in the past;
//  - it is completed and !keep_completed, or failed and !keep_failed;
//  - more than max_count sessions remain after the rules above: the ones
//    updated longest ago go first (ties: larger id first).
struct CleanupPolicy {
  std::optional<std::chrono::nanoseconds> max_age = std::chrono::hours(24);  // nullopt: no age limit
  std::optional<std::size_t> max_count{};                                     // nullopt: no count limit
  bool keep_completed = true;
  bool keep_failed = true;
};

struct SessionOptions {
  std::uint32_t keep_checkpoints = 5;                  // >= 1
  // Durability of checkpoint writes (checkpoint, update, Checkpointer
  // flushes). Session identity changes (create, complete, fail, resume, index
  // entries, drops, cleanup) are always written with Durability::sync.
  Durability durability = Durability::sync;
  // The application's current state-format version (semver, "MAJOR.MINOR.PATCH",
  // an optional leading 'v'). Checkpoints written without an app_version get
  // this one; checkpoints of another major version are skipped before a resume.
  // Empty: no version check (every checkpoint's version is accepted).
  std::string app_version{};
  // Used by cleanup() without arguments.
  CleanupPolicy cleanup{};
  // When set, new checkpoints' state is encrypted with this key.
  std::optional<EncryptionKey> encryption_key{};
  // Further keys accepted for reading (key rotation). The encryption key is
  // accepted too. Ids must be distinct.
  std::vector<EncryptionKey> decryption_keys{};
};

// A secondary index entry of a session: `find(name, value)` returns it.
// name: 1..64 bytes; value: 1..256 bytes; both any bytes.
struct IndexEntry {
  std::string name;   // e.g. "alias", "fingerprint", "header:x-session"
  std::string value;
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
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
  std::vector<IndexEntry> indexes;      // ordered by (name, value)
  // Lowest checkpoint number that may still be stored (0 = none yet): the
  // retention deletes from here, so writing a checkpoint never reads the
  // older ones.
  std::uint64_t oldest_checkpoint = 0;
};

// What the caller supplies for a checkpoint. (Field order is kept stable for
// aggregate initialisation: {state, step, total_steps, description, app_version}.)
struct CheckpointData {
  std::string state;         // opaque bytes (the application's serialized state)
  std::uint32_t step = 0;
  std::uint32_t total_steps = 0;
  std::string description;
  std::string app_version;   // semver of the caller's state format; empty: SessionOptions::app_version
};

struct Checkpoint {
  std::uint64_t number = 0;
  std::string app_version;
  std::uint64_t time_ns = 0;   // Unix time, ns
  std::uint32_t step = 0;
  std::uint32_t total_steps = 0;
  std::string description;
  std::string state;             // plaintext (decrypted when key_id is set)
  std::uint64_t state_hash = 0;  // XXH3-64 of the stored state bytes (the ciphertext when encrypted)
  std::string key_id;            // empty: stored in clear
};

// Why a checkpoint was passed over.
enum class SkipReason : std::uint8_t {
  malformed,             // the value does not decode
  number_mismatch,       // it holds another checkpoint's number
  hash_mismatch,         // XXH3-64 of the stored state differs from the stored hash
  incompatible_version,  // another major application version (or not semver)
  damaged,               // the store reports its entry damaged (it fails the LMDB snapshot's checksum)
};
const char* skip_reason_name(SkipReason r) noexcept;

struct SkippedCheckpoint {
  std::uint64_t number = 0;
  SkipReason reason = SkipReason::malformed;
  std::string detail;  // e.g. "hash mismatch", "application version 2.0.0 is incompatible with 1.4.0"
};

// A session with the checkpoint a resume would use.
struct InterruptedSession {
  SessionInfo info;
  // The newest checkpoint that passed validation (nullopt: none did, or the
  // session has none).
  std::optional<Checkpoint> checkpoint;
  // "checkpoint N: reason" for each newer checkpoint passed over (newest first).
  std::vector<std::string> skipped;
  // The same, structured.
  std::vector<SkippedCheckpoint> skipped_checkpoints;
  // Not ok when `checkpoint` is encrypted and its state could not be
  // decrypted (no key with its id, or the key does not open it); its state is
  // then empty. resume() refuses such a session with this error.
  Status state_error;
};

// A human-readable notice a gateway can show its user, e.g.
//   Session "chat-7" was interrupted 12 minutes ago at step 4 of 10
//   ("awaiting tool result"). It can resume from checkpoint 4.
// naming skipped checkpoints and a missing checkpoint or key. `now_ns` is Unix
// time in ns (the default: the system clock).
std::string resume_notice(const InterruptedSession& session, std::uint64_t now_ns);
std::string resume_notice(const InterruptedSession& session);
// "just now", "1 second ago", "5 minutes ago", "3 hours ago", "2 days ago".
std::string describe_age(std::uint64_t then_ns, std::uint64_t now_ns);

// One line of list_checkpoints(): everything but the state.
struct CheckpointSummary {
  std::uint64_t number = 0;
  std::string app_version;
  std::uint64_t time_ns = 0;
  std::uint32_t step = 0;
  std::uint32_t total_steps = 0;
  std::string description;
  std::uint64_t state_size = 0;  // stored bytes
  std::string key_id;
  // Empty when the checkpoint passes validation; else why a resume would
  // skip it (malformed checkpoints show only their number).
  std::optional<SkippedCheckpoint> problem;
};

struct CleanupResult {
  std::vector<std::string> deleted;  // ordered by id
  std::vector<std::string> kept;     // ordered by id
};

// A session for create_many (imports). Owned by this epoch, or by epoch 0
// (no process) when its status is interrupted.
struct NewSession {
  std::string id;
  std::string description;
  SessionStatus status = SessionStatus::active;
  std::uint64_t created_ns = 0;   // 0: now
  std::uint64_t updated_ns = 0;   // 0: created_ns
  std::vector<IndexEntry> indexes;
  std::optional<CheckpointData> checkpoint;  // becomes checkpoint 1
};

// A session whose record cannot be read: its entry fails the LMDB snapshot's
// checksum, or it does not decode (or holds another id). Its checkpoints and
// index entries are still stored; repair() rebuilds the record from them and
// drop() removes it all.
struct DamagedSession {
  std::string id;
  Status problem;  // Code::corruption, naming the session and the damage
};

struct CreateManyResult {
  std::vector<std::string> created;  // in the order given
  std::vector<std::string> existing;  // already there, left untouched
};

class SessionStore {
 public:
  // Attaches to an open Store (which must outlive the SessionStore). Marks
  // sessions left active by an earlier epoch as interrupted (one atomic
  // batch) and remembers them for interrupted().
  // A session whose record is damaged (see DamagedSession) does not stop the
  // open: it is left as it is, out of list(), interrupted() and cleanup(),
  // and reported by damaged_sessions() until it is repaired or dropped (as
  // checkpoints are skipped with a reason, never silently: one damaged
  // record must not keep a gateway's thousands of sessions from resuming).
  // Errors: as Store::write / Store::scan; not_supported on a read-only Store
  // (use list_interrupted for inspection); invalid_argument when
  // keep_checkpoints is 0, app_version is not semver or a key id is empty,
  // longer than 64 bytes or given twice; io_error when libsodium cannot
  // start; version_mismatch for a record written by a newer walkv.
  static Result<std::unique_ptr<SessionStore>> open(Store& store, const SessionOptions& options = {});

  // Creates session `id` (status active, owned by this epoch) with optional
  // index entries, in one synced batch. Ids are any bytes (NUL, '/', ".."
  // included), 1..256 bytes long; bytes 0x00 and 0x01 are stored escaped as
  // two bytes, and the escaped id may be at most 500 bytes.
  // Errors: invalid_argument (empty id, id too long, bad index entry, or the
  // session exists). Every call taking an id refuses an invalid one with
  // invalid_argument.
  Status create(std::string_view id, std::string_view description = {},
                const std::vector<IndexEntry>& indexes = {});

  // Creates every session of `sessions` that does not exist yet (record,
  // index entries and checkpoint 1) in ONE atomic, synced batch; existing ones
  // are left untouched and listed. Errors: invalid_argument (an invalid id or
  // index entry, or an id given twice: nothing is written), store write errors.
  Result<CreateManyResult> create_many(const std::vector<NewSession>& sessions);

  // Writes the next checkpoint of `id` and updates its record (step, total,
  // description, updated time, owner epoch, status active) in one atomic batch
  // that also deletes checkpoints beyond keep_checkpoints. Returns its number.
  // An interrupted session becomes active again (as with resume).
  // Errors: invalid_argument (unknown session, or completed/failed), plus
  // Store::write's errors.
  Result<std::uint64_t> checkpoint(std::string_view id, const CheckpointData& data);

  // Read-modify-write under the session's lock: calls `change` with the
  // latest valid checkpoint (nullopt when none) and writes what it returns as
  // the next checkpoint. Concurrent update()s of one session see each other's
  // results: none is lost. `change` must not call this SessionStore.
  // Errors: those of latest_checkpoint and checkpoint.
  Result<std::uint64_t> update(std::string_view id,
                               const std::function<CheckpointData(const std::optional<Checkpoint>& latest)>& change);

  // Marks the session completed / failed (with a reason). Checkpoints are kept
  // until cleanup or drop. Errors: invalid_argument (unknown session).
  Status complete(std::string_view id);
  Status fail(std::string_view id, std::string_view reason);

  // ---- secondary indexes ----------------------------------------------------
  // Index entries are written in the same atomic, synced batch as the
  // session's record, so after any crash the index and the records agree.
  // Adds (name, value) to the session (no-op when present).
  Status add_index(std::string_view id, std::string_view name, std::string_view value);
  // Replaces every value of `name` on the session with `value`.
  Status set_index(std::string_view id, std::string_view name, std::string_view value);
  // Removes (name, value), or every value of `name` when value is nullopt.
  Status remove_index(std::string_view id, std::string_view name,
                      std::optional<std::string_view> value = std::nullopt);
  // The ids of the sessions holding (name, value), ordered by id. An index
  // entry whose stored id fails the snapshot's checksum is still found: its
  // key ends with a hash of the id, matched against the session ids.
  // Errors: invalid_argument (bad name/value), corruption (such an entry
  // matches no session), Store::scan's.
  Result<std::vector<std::string>> find(std::string_view name, std::string_view value) const;

  // Errors (info and every call on one session that reads its record):
  // corruption naming the session when its record is damaged (see
  // DamagedSession); version_mismatch when it was written by a newer walkv.
  // drop() still removes such a session; repair() rebuilds a damaged one.
  Result<std::optional<SessionInfo>> info(std::string_view id) const;
  // All sessions (or those whose id starts with `id_prefix`), ordered by id
  // (bytewise). Reads records only, never checkpoints. Sessions whose record
  // is damaged are left out: damaged_sessions() lists them.
  // Errors: version_mismatch (a record written by a newer walkv), Store::scan's.
  Result<std::vector<SessionInfo>> list(std::string_view id_prefix = {}) const;

  // Sessions whose record is damaged, ordered by id, each with what is wrong
  // (re-read on every call: one scan of the records). Empty on a sound store.
  // Errors: Store::scan's.
  Result<std::vector<DamagedSession>> damaged_sessions() const;

  // Rebuilds the record of a session listed by damaged_sessions() from what
  // is still stored, in one synced batch, and returns it (as RocksDB's
  // RepairDB salvages what the files still hold):
  //  - step, total steps and description come from the newest checkpoint
  //    that decodes; created_ns / updated_ns are the oldest / newest
  //    decodable checkpoint's time (now when none decodes);
  //  - latest_checkpoint / oldest_checkpoint are the highest / lowest number
  //    stored, so new checkpoints never reuse a number;
  //  - the index entries are those still pointing at the session (one scan of
  //    the index space);
  //  - the status is interrupted and the owner epoch 0: what the session was
  //    doing is lost with its record, so it shows in interrupted() and the
  //    gateway decides (resume, complete, fail or drop); the failure reason
  //    is empty.
  // Errors: invalid_argument (unknown session, or its record is not
  // damaged), version_mismatch (its record was written by a newer walkv),
  // Store::write's errors.
  Result<SessionInfo> repair(std::string_view id);

  // The latest checkpoint of `id` that passes validation (falling back to
  // older ones); nullopt when the session has none. `skipped` (optional)
  // receives "checkpoint N: reason" for each newer one that failed.
  // Errors: invalid_argument when the checkpoint found is encrypted and no
  // key given opens it (never garbage, never a silent fallback).
  Result<std::optional<Checkpoint>> latest_checkpoint(std::string_view id,
                                                      std::vector<std::string>* skipped = nullptr) const;
  // One checkpoint by number, validated. nullopt when absent.
  // Errors: corruption (hash mismatch or undecodable record),
  // version_mismatch (another major application version), invalid_argument
  // (encrypted: missing or wrong key).
  Result<std::optional<Checkpoint>> load_checkpoint(std::string_view id, std::uint64_t number) const;
  // The session's stored checkpoints, newest first, without their state.
  Result<std::vector<CheckpointSummary>> list_checkpoints(std::string_view id) const;

  // Sessions found interrupted when this SessionStore was opened, plus any
  // already marked interrupted by an earlier open, each with the checkpoint a
  // resume would use. Re-read on every call. See resume_notice(). Sessions
  // whose record is damaged are left out (damaged_sessions() lists them).
  // Errors: version_mismatch (a record written by a newer walkv), Store::scan's.
  Result<std::vector<InterruptedSession>> interrupted() const;

  // Takes over an interrupted (or active) session: status active, owner epoch
  // = this one. Returns the checkpoint it resumes from and why newer ones were
  // skipped. Errors: invalid_argument (unknown session, completed/failed, or
  // the checkpoint cannot be decrypted: the session is then left as it was).
  Result<InterruptedSession> resume(std::string_view id);

  // Deletes, in one atomic synced batch, every session the policy selects
  // (record, checkpoints and index entries). `now_ns` (Unix ns) defaults to
  // the system clock. Sessions whose record is damaged are neither deleted
  // nor counted (their age and status are unknown): repair or drop them.
  // Errors: version_mismatch (a record written by a newer walkv), store
  // scan and write errors.
  Result<CleanupResult> cleanup(const CleanupPolicy& policy, std::uint64_t now_ns);
  Result<CleanupResult> cleanup(const CleanupPolicy& policy);
  Result<CleanupResult> cleanup() { return cleanup(options_.cleanup); }

  // Deletes one session with its checkpoints and index entries atomically
  // (absent: no error).
  Status drop(std::string_view id);
  // Deletes every session whose id starts with `id_prefix`, atomically, and
  // returns their ids. The prefix is raw bytes, not a path: "agent/issue1"
  // also matches "agent/issue10/x"; build ids with make_session_id and use
  // drop_under for exact namespaces. An empty prefix deletes every session.
  Result<std::vector<std::string>> drop_prefix(std::string_view id_prefix);
  // Deletes the session make_session_id(parts) and every session under it
  // (session_id_prefix(parts)), atomically: drop_under({"a", "r", "1"}) never
  // touches {"a", "r", "10"}. Returns the ids deleted.
  Result<std::vector<std::string>> drop_under(const std::vector<std::string>& parts);

  const SessionOptions& options() const noexcept { return options_; }
  Store& store() noexcept { return store_; }

  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

 private:
  SessionStore(Store& store, const SessionOptions& options);
  Store& store_;
  SessionOptions options_;
  struct Locks;
  std::unique_ptr<Locks> locks_;
};

// Read-only inspection (walkv-replay): the sessions of a store view that are
// interrupted or would be once the writing process is gone: status interrupted,
// or status active and owned by an epoch older than `live_epoch` (pass
// UINT64_MAX when no process holds the store). Works on read-only Stores.
// Validates hashes (no version check: pass app_version to check one);
// encrypted states are not decrypted (state empty, state_error set).
Result<std::vector<InterruptedSession>> list_interrupted(const Store& store, std::uint64_t live_epoch,
                                                         std::string_view app_version = {});

// Damaged records are left out of list_interrupted and list_sessions, as in
// SessionStore::list(); list_damaged_sessions reports them. These three are
// thread-safe (they only read the Store). Errors of list_interrupted and
// list_sessions: version_mismatch (a record written by a newer walkv),
// Store::scan's.

// Every session of a store view (read-only friendly).
Result<std::vector<SessionInfo>> list_sessions(const Store& store);

// The sessions of a store view whose record is damaged, ordered by id
// (read-only friendly). Errors: Store::scan's.
Result<std::vector<DamagedSession>> list_damaged_sessions(const Store& store);

}  // namespace walkv
