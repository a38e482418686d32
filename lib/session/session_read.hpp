// walkv session — reading records and checkpoints, and validating a
// checkpoint before it is used (decode, number, hash, application version,
// then decryption). Shared by SessionStore and the read-only listings.
//
// Thread-safety: pure functions over a thread-safe Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/session.hpp>
#include <walkv/status.hpp>
#include <walkv/store.hpp>

namespace walkv::session {

std::uint64_t now_ns();
Status with_context(const Status& status, std::string_view context);
Status unknown_session(std::string_view id);
// "session '<printable id>'"
std::string session_label(std::string_view id);

struct ReadContext {
  const Store& store;
  std::string_view app_version;                      // empty: no version check
  const std::vector<EncryptionKey>* keys = nullptr;  // nullptr: never decrypt (read-only listings)
};

// Errors: corruption naming the session when its record is damaged
// (DamagedSession), version_mismatch when a newer walkv wrote it.
Result<std::optional<SessionInfo>> read_record(const Store& store, std::string_view id);

// The records whose id starts with `id_prefix`, sorted into what they hold,
// each list ordered by id (one scan of the records).
struct RecordScan {
  std::vector<SessionInfo> sound;
  std::vector<DamagedSession> damaged;  // fails the snapshot's checksum, or does not decode
  std::vector<DamagedSession> newer;    // written by a newer walkv (version_mismatch)
};
Result<RecordScan> scan_records(const Store& store, std::string_view id_prefix);

// The sound records (damaged ones are left out: read_damaged_records lists
// them). Errors: version_mismatch naming the first record of a newer walkv.
Result<std::vector<SessionInfo>> read_records(const Store& store, std::string_view id_prefix);
Result<std::vector<DamagedSession>> read_damaged_records(const Store& store, std::string_view id_prefix);

// A record as found, decodable or not (drops must remove damaged sessions too).
struct RawRecord {
  std::string id;
  std::optional<SessionInfo> info;  // nullopt: damaged, or written by a newer walkv
};
Result<std::vector<RawRecord>> read_raw_records(const Store& store, std::string_view id_prefix);

// The id an index entry points at, found from its key alone, for an entry
// whose value (the id) the store reports damaged: the key ends with a hash
// of the id, so the session ids (read from the record keys, which a damaged
// record value leaves intact) are hashed until one matches. nullopt when
// none does. Errors: Store::scan's.
Result<std::optional<std::string>> id_of_index_key(const Store& store, std::string_view index_key);

// The index keys of every index entry pointing at `id` (a full index scan:
// for sessions whose record is damaged). An entry whose stored id the store
// reports damaged is matched by its key, which ends with a hash of the id.
Result<std::vector<std::string>> index_keys_pointing_at(const Store& store, std::string_view id);

struct StoredCheckpoint {
  std::uint64_t number = 0;
  std::string value;
  Status damage;  // not ok: the store reports the entry damaged (value empty)
};
// The checkpoints of `id` as stored, ascending, from one consistent view; an
// entry the store reports damaged is listed with its damage, so that readers
// can pass over it to an older checkpoint.
Result<std::vector<StoredCheckpoint>> read_checkpoints(const Store& store, std::string_view id);

struct Validated {
  std::optional<Checkpoint> checkpoint;  // set when valid (state still as stored)
  std::string nonce;
  std::optional<SkippedCheckpoint> skip;  // set when not valid
  std::optional<Checkpoint> decoded;      // set whenever the value decodes
};
Validated validate(std::string_view value, std::uint64_t number, std::string_view app_version);
// As validate(value, ...); a damaged entry is skipped with SkipReason::damaged.
Validated validate(const StoredCheckpoint& stored, std::string_view app_version);

// Replaces the stored state of an encrypted checkpoint with its plaintext.
// No-op for a checkpoint in clear. Errors: invalid_argument (no keys, no key
// with its id, or the key does not open it).
Status decrypt(const ReadContext& context, std::string_view id, Checkpoint& checkpoint, std::string_view nonce);

struct Resolution {
  std::optional<Checkpoint> checkpoint;
  std::vector<SkippedCheckpoint> skipped;  // newest first
  Status state_error;                      // decryption failed: checkpoint holds metadata, empty state
};
// The newest checkpoint of `id` that validates, decrypted.
Result<Resolution> resolve_latest(const ReadContext& context, std::string_view id);

std::string skip_note(const SkippedCheckpoint& skipped);
InterruptedSession to_interrupted(SessionInfo info, Resolution resolution);

Result<std::vector<InterruptedSession>> interrupted_sessions(const ReadContext& context, std::uint64_t live_epoch);

}  // namespace walkv::session
