#include <walkv/session.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include <walkv/session_key.hpp>

#include "session/app_version.hpp"
#include "session/session_codec.hpp"
#include "session/session_crypto.hpp"
#include "session/session_keys.hpp"
#include "session/session_read.hpp"
#include "session/session_repair.hpp"

namespace walkv {

const char* session_status_name(SessionStatus s) noexcept {
  switch (s) {
    case SessionStatus::active: return "active";
    case SessionStatus::completed: return "completed";
    case SessionStatus::failed: return "failed";
    case SessionStatus::interrupted: return "interrupted";
  }
  return "unknown";
}

const char* skip_reason_name(SkipReason r) noexcept {
  switch (r) {
    case SkipReason::malformed: return "malformed";
    case SkipReason::number_mismatch: return "number_mismatch";
    case SkipReason::hash_mismatch: return "hash_mismatch";
    case SkipReason::incompatible_version: return "incompatible_version";
    case SkipReason::damaged: return "damaged";
  }
  return "unknown";
}

namespace {

using session::now_ns;
using session::session_label;
using session::unknown_session;
using session::with_context;

constexpr WriteOptions kSynced{Durability::sync};

bool is_finished(SessionStatus status) {
  return status == SessionStatus::completed || status == SessionStatus::failed;
}

Status finished_error(const SessionInfo& info, const char* what) {
  return Status(Code::invalid_argument,
                session_label(info.id) + " is " + session_status_name(info.status) + "; " + what);
}

void sort_indexes(std::vector<IndexEntry>& indexes) {
  std::sort(indexes.begin(), indexes.end(), [](const IndexEntry& a, const IndexEntry& b) {
    return std::tie(a.name, a.value) < std::tie(b.name, b.value);
  });
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
}

Status validate_indexes(const std::vector<IndexEntry>& indexes) {
  for (const auto& entry : indexes) {
    if (Status valid = session::validate_index(entry.name, entry.value); !valid) return valid;
  }
  return Status::ok_status();
}

// Adds to `batch` the index-key changes that turn `before` into `after`
// (both sorted) for session `id`.
void diff_indexes(WriteBatch& batch, std::string_view id, const std::vector<IndexEntry>& before,
                  const std::vector<IndexEntry>& after) {
  for (const auto& entry : before) {
    if (!std::binary_search(after.begin(), after.end(), entry, [](const IndexEntry& a, const IndexEntry& b) {
          return std::tie(a.name, a.value) < std::tie(b.name, b.value);
        })) {
      batch.remove(session::index_key(entry.name, entry.value, id));
    }
  }
  for (const auto& entry : after) {
    if (!std::binary_search(before.begin(), before.end(), entry, [](const IndexEntry& a, const IndexEntry& b) {
          return std::tie(a.name, a.value) < std::tie(b.name, b.value);
        })) {
      batch.put(session::index_key(entry.name, entry.value, id), id);
    }
  }
}

// Adds the removal of a whole session (record, checkpoints, index entries).
void remove_session(WriteBatch& batch, const SessionInfo& info) {
  batch.remove(session::record_key(info.id));
  batch.remove_prefix(session::checkpoint_prefix(info.id));
  for (const auto& entry : info.indexes) batch.remove(session::index_key(entry.name, entry.value, info.id));
}

// As remove_session, for a record that is absent or does not decode: its index
// entries are found by scanning the index space.
Status remove_damaged_session(const Store& store, WriteBatch& batch, std::string_view id) {
  batch.remove(session::record_key(id));
  batch.remove_prefix(session::checkpoint_prefix(id));
  auto keys = session::index_keys_pointing_at(store, id);
  if (!keys) return keys.error();
  for (const auto& key : *keys) batch.remove(key);
  return Status::ok_status();
}

}  // namespace

// ---- locks ------------------------------------------------------------------

// One mutex per session id, created while someone uses it, so calls on
// distinct sessions never wait for each other. Calls over many sessions take
// `bulk` exclusively; single-session calls hold it shared.
struct SessionStore::Locks {
  struct Slot {
    std::mutex mutex;
    std::size_t users = 0;
  };
  std::shared_mutex bulk;
  std::mutex slots_mutex;
  std::unordered_map<std::string, std::unique_ptr<Slot>> slots;

  class Session {
   public:
    Session(Locks& locks, std::string_view id) : locks_(locks), bulk_(locks.bulk), id_(id) {
      {
        std::lock_guard guard(locks_.slots_mutex);
        auto& slot = locks_.slots[id_];
        if (!slot) slot = std::make_unique<Slot>();
        ++slot->users;
        slot_ = slot.get();
      }
      slot_->mutex.lock();
    }
    ~Session() {
      slot_->mutex.unlock();
      std::lock_guard guard(locks_.slots_mutex);
      if (--slot_->users == 0) locks_.slots.erase(id_);
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

   private:
    Locks& locks_;
    std::shared_lock<std::shared_mutex> bulk_;
    std::string id_;
    Slot* slot_ = nullptr;
  };

  using All = std::unique_lock<std::shared_mutex>;
};

// ---- SessionStore -----------------------------------------------------------

namespace {

Status validate_options(const SessionOptions& options) {
  if (options.keep_checkpoints == 0) return Status(Code::invalid_argument, "keep_checkpoints must be at least 1");
  if (!options.app_version.empty() && !session::major_version(options.app_version)) {
    return Status(Code::invalid_argument,
                  "app_version '" + session::printable_id(options.app_version) + "' is not a semantic version");
  }
  std::vector<const EncryptionKey*> keys;
  if (options.encryption_key) keys.push_back(&*options.encryption_key);
  for (const auto& key : options.decryption_keys) keys.push_back(&key);
  std::map<std::string, const EncryptionKey*> by_id;
  for (const EncryptionKey* key : keys) {
    if (key->id.empty() || key->id.size() > session::kMaxKeyIdSize) {
      return Status(Code::invalid_argument, "encryption key ids must be 1 to 64 bytes");
    }
    auto [it, inserted] = by_id.emplace(key->id, key);
    if (!inserted && it->second->key != key->key) {
      return Status(Code::invalid_argument, "encryption key id '" + session::printable_id(key->id) +
                                                "' is given twice with different key bytes");
    }
  }
  if (!keys.empty()) return session::init_sodium();
  return Status::ok_status();
}

}  // namespace

SessionStore::SessionStore(Store& store, const SessionOptions& options)
    : store_(store), options_(options), locks_(std::make_unique<Locks>()) {}

SessionStore::~SessionStore() {
  if (options_.encryption_key) session::wipe(*options_.encryption_key);
  for (auto& key : options_.decryption_keys) session::wipe(key);
}

Result<std::unique_ptr<SessionStore>> SessionStore::open(Store& store, const SessionOptions& options) {
  if (store.read_only()) {
    return error(Code::not_supported, "sessions need a writable store; use list_interrupted on a read-only view");
  }
  if (Status valid = validate_options(options); !valid) return error(valid);
  auto records = session::read_records(store, {});
  if (!records) return error(records.error());
  WriteBatch batch;
  for (auto& info : *records) {
    if (info.status != SessionStatus::active || info.owner_epoch >= store.open_epoch()) continue;
    info.status = SessionStatus::interrupted;  // updated_ns stays: the time of the last real activity
    batch.put(session::record_key(info.id), session::encode_record(info));
  }
  if (!batch.empty()) {
    if (Status written = store.write(kSynced, batch); !written) return error(written);
  }
  std::unique_ptr<SessionStore> sessions(new SessionStore(store, options));
  // Every key the store reads with: the encryption key first.
  auto& keys = sessions->options_.decryption_keys;
  if (sessions->options_.encryption_key) keys.insert(keys.begin(), *sessions->options_.encryption_key);
  return sessions;
}

namespace {

// The checkpoint value to store for `data` as checkpoint `number` of `id`.
std::string encode_new_checkpoint(const SessionOptions& options, std::string_view id, std::uint64_t number,
                                  const CheckpointData& data, std::uint64_t time_ns) {
  Checkpoint checkpoint;
  checkpoint.number = number;
  checkpoint.app_version = data.app_version.empty() ? options.app_version : data.app_version;
  checkpoint.time_ns = time_ns;
  checkpoint.step = data.step;
  checkpoint.total_steps = data.total_steps;
  checkpoint.description = data.description;
  std::string nonce;
  if (options.encryption_key) {
    const EncryptionKey& key = *options.encryption_key;
    checkpoint.key_id = key.id;
    auto sealed = session::seal(key, data.state, session::associated_data(id, number, key.id));
    checkpoint.state = std::move(sealed.ciphertext);
    nonce = std::move(sealed.nonce);
  } else {
    checkpoint.state = data.state;
  }
  checkpoint.state_hash = session::state_hash(checkpoint.state);
  return session::encode_checkpoint(checkpoint, nonce);
}

// Puts the record with its index entries for a new session into `batch`.
// Checkpoints left by an earlier session of the same id whose record was lost
// are removed first.
Status put_new_session(const Store& store, WriteBatch& batch, const SessionInfo& info) {
  auto leftovers = session::read_checkpoints(store, info.id);
  if (!leftovers) return leftovers.error();
  if (!leftovers->empty()) batch.remove_prefix(session::checkpoint_prefix(info.id));
  batch.put(session::record_key(info.id), session::encode_record(info));
  for (const auto& entry : info.indexes) batch.put(session::index_key(entry.name, entry.value, info.id), info.id);
  return Status::ok_status();
}

}  // namespace

Status SessionStore::create(std::string_view id, std::string_view description,
                            const std::vector<IndexEntry>& indexes) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  if (Status valid = validate_indexes(indexes); !valid) return valid;
  Locks::Session lock(*locks_, id);
  auto existing = session::read_record(store_, id);
  if (!existing) return existing.error();
  if (*existing) return Status(Code::invalid_argument, session_label(id) + " already exists");
  SessionInfo info;
  info.id = std::string(id);
  info.status = SessionStatus::active;
  info.created_ns = info.updated_ns = now_ns();
  info.owner_epoch = store_.open_epoch();
  info.description = std::string(description);
  info.indexes = indexes;
  sort_indexes(info.indexes);
  WriteBatch batch;
  if (Status put = put_new_session(store_, batch, info); !put) return put;
  return store_.write(kSynced, batch);
}

Result<CreateManyResult> SessionStore::create_many(const std::vector<NewSession>& sessions) {
  std::unordered_set<std::string> seen;
  for (const auto& s : sessions) {
    if (Status valid = session::validate_id(s.id); !valid) return error(with_context(valid, session_label(s.id)));
    if (Status valid = validate_indexes(s.indexes); !valid) return error(with_context(valid, session_label(s.id)));
    if (!seen.insert(s.id).second) return error(Code::invalid_argument, session_label(s.id) + " is given twice");
  }
  Locks::All lock(locks_->bulk);
  CreateManyResult result;
  WriteBatch batch;
  std::uint64_t now = now_ns();
  for (const auto& s : sessions) {
    auto existing = session::read_record(store_, s.id);
    if (!existing) return error(existing.error());
    if (*existing) {
      result.existing.push_back(s.id);
      continue;
    }
    SessionInfo info;
    info.id = s.id;
    info.status = s.status;
    info.created_ns = s.created_ns != 0 ? s.created_ns : now;
    info.updated_ns = s.updated_ns != 0 ? s.updated_ns : info.created_ns;
    info.owner_epoch = s.status == SessionStatus::interrupted ? 0 : store_.open_epoch();
    info.description = s.description;
    info.indexes = s.indexes;
    sort_indexes(info.indexes);
    if (s.checkpoint) {
      info.step = s.checkpoint->step;
      info.total_steps = s.checkpoint->total_steps;
      info.latest_checkpoint = 1;
      info.oldest_checkpoint = 1;
      batch.put(session::checkpoint_key(s.id, 1),
                encode_new_checkpoint(options_, s.id, 1, *s.checkpoint, info.updated_ns));
    }
    if (Status put = put_new_session(store_, batch, info); !put) return error(put);
    result.created.push_back(s.id);
  }
  if (!batch.empty()) {
    if (Status written = store_.write(kSynced, batch); !written) return error(written);
  }
  return result;
}

namespace {

// Writes checkpoint latest+1 of `info` (a live session) with its record, and
// removes the checkpoints that fall out of the kept window, in one batch.
Result<std::uint64_t> write_checkpoint(Store& store, const SessionOptions& options, SessionInfo info,
                                       const CheckpointData& data) {
  std::uint64_t number = info.latest_checkpoint + 1;
  std::uint64_t time = now_ns();
  WriteBatch batch;
  batch.put(session::checkpoint_key(info.id, number), encode_new_checkpoint(options, info.id, number, data, time));
  // Keep numbers (number - keep, number]; older ones start at oldest_checkpoint.
  std::uint64_t first_kept = number >= options.keep_checkpoints ? number - options.keep_checkpoints + 1 : 1;
  std::uint64_t oldest = info.oldest_checkpoint == 0 ? 1 : info.oldest_checkpoint;
  for (std::uint64_t old = oldest; old < first_kept; ++old) batch.remove(session::checkpoint_key(info.id, old));
  info.status = SessionStatus::active;
  info.owner_epoch = store.open_epoch();
  info.step = data.step;
  info.total_steps = data.total_steps;
  info.description = data.description;
  info.updated_ns = time;
  info.latest_checkpoint = number;
  info.oldest_checkpoint = std::max(oldest, first_kept);
  batch.put(session::record_key(info.id), session::encode_record(info));
  if (Status written = store.write(WriteOptions{options.durability}, batch); !written) return error(written);
  return number;
}

Result<SessionInfo> live_record(const Store& store, std::string_view id) {
  auto record = session::read_record(store, id);
  if (!record) return error(record.error());
  if (!*record) return error(unknown_session(id));
  if (is_finished((*record)->status)) return error(finished_error(**record, "checkpoints need a live session"));
  return std::move(**record);
}

}  // namespace

Result<std::uint64_t> SessionStore::checkpoint(std::string_view id, const CheckpointData& data) {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  Locks::Session lock(*locks_, id);
  auto info = live_record(store_, id);
  if (!info) return error(info.error());
  return write_checkpoint(store_, options_, std::move(*info), data);
}

Result<std::uint64_t> SessionStore::update(
    std::string_view id, const std::function<CheckpointData(const std::optional<Checkpoint>& latest)>& change) {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  Locks::Session lock(*locks_, id);
  auto info = live_record(store_, id);
  if (!info) return error(info.error());
  session::ReadContext context{store_, options_.app_version, &options_.decryption_keys};
  auto resolution = session::resolve_latest(context, id);
  if (!resolution) return error(resolution.error());
  if (!resolution->state_error) return error(resolution->state_error);
  CheckpointData next = change(resolution->checkpoint);
  return write_checkpoint(store_, options_, std::move(*info), next);
}

namespace {

// Reads the record of `id`, lets `change` edit it (and the batch) and writes
// both, synced. `change` returns a Status; a failure aborts without writing.
template <class Change>
Status update_record(Store& store, std::string_view id, Change&& change) {
  auto record = session::read_record(store, id);
  if (!record) return record.error();
  if (!*record) return unknown_session(id);
  SessionInfo& info = **record;
  WriteBatch batch;
  if (Status changed = change(info, batch); !changed) return changed;
  info.updated_ns = now_ns();
  batch.put(session::record_key(id), session::encode_record(info));
  return store.write(kSynced, batch);
}

}  // namespace

Status SessionStore::complete(std::string_view id) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  Locks::Session lock(*locks_, id);
  return update_record(store_, id, [&](SessionInfo& info, WriteBatch&) {
    info.status = SessionStatus::completed;
    info.owner_epoch = store_.open_epoch();
    return Status::ok_status();
  });
}

Status SessionStore::fail(std::string_view id, std::string_view reason) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  Locks::Session lock(*locks_, id);
  return update_record(store_, id, [&](SessionInfo& info, WriteBatch&) {
    info.status = SessionStatus::failed;
    info.owner_epoch = store_.open_epoch();
    info.reason = std::string(reason);
    return Status::ok_status();
  });
}

// ---- indexes ------------------------------------------------------------------

namespace {

template <class Edit>
Status edit_indexes(Store& store, std::string_view id, Edit&& edit) {
  return update_record(store, id, [&](SessionInfo& info, WriteBatch& batch) {
    std::vector<IndexEntry> before = info.indexes;
    sort_indexes(before);
    edit(info.indexes);
    sort_indexes(info.indexes);
    diff_indexes(batch, id, before, info.indexes);
    return Status::ok_status();
  });
}

}  // namespace

Status SessionStore::add_index(std::string_view id, std::string_view name, std::string_view value) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  if (Status valid = session::validate_index(name, value); !valid) return valid;
  Locks::Session lock(*locks_, id);
  return edit_indexes(store_, id, [&](std::vector<IndexEntry>& indexes) {
    indexes.push_back(IndexEntry{std::string(name), std::string(value)});
  });
}

Status SessionStore::set_index(std::string_view id, std::string_view name, std::string_view value) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  if (Status valid = session::validate_index(name, value); !valid) return valid;
  Locks::Session lock(*locks_, id);
  return edit_indexes(store_, id, [&](std::vector<IndexEntry>& indexes) {
    std::erase_if(indexes, [&](const IndexEntry& e) { return e.name == name; });
    indexes.push_back(IndexEntry{std::string(name), std::string(value)});
  });
}

Status SessionStore::remove_index(std::string_view id, std::string_view name, std::optional<std::string_view> value) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  if (Status valid = session::validate_index(name, value.value_or("x")); !valid) return valid;
  Locks::Session lock(*locks_, id);
  return edit_indexes(store_, id, [&](std::vector<IndexEntry>& indexes) {
    std::erase_if(indexes, [&](const IndexEntry& e) { return e.name == name && (!value || e.value == *value); });
  });
}

Result<std::vector<std::string>> SessionStore::find(std::string_view name, std::string_view value) const {
  if (Status valid = session::validate_index(name, value); !valid) return error(valid);
  std::vector<std::string> ids;
  std::vector<std::pair<std::string, Status>> damaged;  // entries whose stored id fails its checksum
  Status scanned = store_.scan(
      session::index_value_prefix(name, value),
      [&](std::string_view, std::string_view id) {
        ids.emplace_back(id);
        return true;
      },
      [&](std::string_view key, const Status& damage) {
        damaged.emplace_back(std::string(key), damage);
        return true;
      });
  if (!scanned) return error(scanned);
  // The key itself names the session (it ends with a hash of the id).
  for (const auto& [key, damage] : damaged) {
    auto id = session::id_of_index_key(store_, key);
    if (!id) return error(id.error());
    if (!*id) return error(damage);
    ids.push_back(std::move(**id));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// ---- reading ------------------------------------------------------------------

Result<std::optional<SessionInfo>> SessionStore::info(std::string_view id) const {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  return session::read_record(store_, id);
}

Result<std::vector<SessionInfo>> SessionStore::list(std::string_view id_prefix) const {
  if (id_prefix.size() > session::kMaxIdSize) return std::vector<SessionInfo>();
  return session::read_records(store_, id_prefix);
}

Result<std::vector<DamagedSession>> SessionStore::damaged_sessions() const {
  return session::read_damaged_records(store_, {});
}

Result<std::optional<Checkpoint>> SessionStore::latest_checkpoint(std::string_view id,
                                                                 std::vector<std::string>* skipped) const {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  session::ReadContext context{store_, options_.app_version, &options_.decryption_keys};
  auto resolution = session::resolve_latest(context, id);
  if (!resolution) return error(resolution.error());
  if (skipped) {
    for (const auto& s : resolution->skipped) skipped->push_back(session::skip_note(s));
  }
  if (!resolution->state_error) return error(resolution->state_error);
  return std::move(resolution->checkpoint);
}

Result<std::optional<Checkpoint>> SessionStore::load_checkpoint(std::string_view id, std::uint64_t number) const {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  auto value = store_.get(session::checkpoint_key(id, number));
  if (!value) return error(value.error());
  if (!*value) return std::optional<Checkpoint>();
  session::Validated validated = session::validate(**value, number, options_.app_version);
  std::string context = session_label(id) + " checkpoint " + std::to_string(number);
  if (validated.skip) {
    Code code = validated.skip->reason == SkipReason::incompatible_version ? Code::version_mismatch
                                                                            : Code::corruption;
    return error(code, context + ": " + validated.skip->detail);
  }
  session::ReadContext read{store_, options_.app_version, &options_.decryption_keys};
  if (Status opened = session::decrypt(read, id, *validated.checkpoint, validated.nonce); !opened) {
    return error(opened);
  }
  return std::move(validated.checkpoint);
}

Result<std::vector<CheckpointSummary>> SessionStore::list_checkpoints(std::string_view id) const {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  auto stored = session::read_checkpoints(store_, id);
  if (!stored) return error(stored.error());
  std::vector<CheckpointSummary> summaries;
  for (auto it = stored->rbegin(); it != stored->rend(); ++it) {
    session::Validated validated = session::validate(*it, options_.app_version);
    CheckpointSummary summary;
    summary.number = it->number;
    if (validated.decoded) {
      const Checkpoint& c = *validated.decoded;
      summary.app_version = c.app_version;
      summary.time_ns = c.time_ns;
      summary.step = c.step;
      summary.total_steps = c.total_steps;
      summary.description = c.description;
      summary.state_size = c.state.size();
      summary.key_id = c.key_id;
    }
    summary.problem = std::move(validated.skip);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

Result<std::vector<InterruptedSession>> SessionStore::interrupted() const {
  session::ReadContext context{store_, options_.app_version, &options_.decryption_keys};
  return session::interrupted_sessions(context, store_.open_epoch());
}

Result<InterruptedSession> SessionStore::resume(std::string_view id) {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  Locks::Session lock(*locks_, id);
  auto record = session::read_record(store_, id);
  if (!record) return error(record.error());
  if (!*record) return error(unknown_session(id));
  SessionInfo info = std::move(**record);
  if (is_finished(info.status)) return error(finished_error(info, "it cannot be resumed"));
  session::ReadContext context{store_, options_.app_version, &options_.decryption_keys};
  auto resolution = session::resolve_latest(context, id);
  if (!resolution) return error(resolution.error());
  if (!resolution->state_error) return error(resolution->state_error);
  info.status = SessionStatus::active;
  info.owner_epoch = store_.open_epoch();
  info.updated_ns = now_ns();
  if (Status written = store_.put(kSynced, session::record_key(id), session::encode_record(info)); !written) {
    return error(written);
  }
  return session::to_interrupted(std::move(info), std::move(*resolution));
}

Result<SessionInfo> SessionStore::repair(std::string_view id) {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  Locks::Session lock(*locks_, id);
  if (Status damaged = session::require_damaged_record(store_, id); !damaged) return error(damaged);
  auto info = session::rebuild_record(store_, id, now_ns());
  if (!info) return error(info.error());
  sort_indexes(info->indexes);
  if (Status written = store_.put(kSynced, session::record_key(id), session::encode_record(*info)); !written) {
    return error(written);
  }
  return info;
}

// ---- deletion -------------------------------------------------------------------

Result<CleanupResult> SessionStore::cleanup(const CleanupPolicy& policy) { return cleanup(policy, now_ns()); }

Result<CleanupResult> SessionStore::cleanup(const CleanupPolicy& policy, std::uint64_t now) {
  Locks::All lock(locks_->bulk);
  auto records = session::read_records(store_, {});
  if (!records) return error(records.error());
  std::vector<const SessionInfo*> deleted;
  std::vector<const SessionInfo*> remaining;
  auto age_limit = policy.max_age ? static_cast<std::uint64_t>(std::max<std::int64_t>(policy.max_age->count(), 0))
                                  : std::uint64_t{0};
  for (const auto& info : *records) {
    std::uint64_t age = info.updated_ns < now ? now - info.updated_ns : 0;
    bool expired = policy.max_age && age >= age_limit;
    bool unwanted = (info.status == SessionStatus::completed && !policy.keep_completed) ||
                    (info.status == SessionStatus::failed && !policy.keep_failed);
    (expired || unwanted ? deleted : remaining).push_back(&info);
  }
  if (policy.max_count && remaining.size() > *policy.max_count) {
    std::sort(remaining.begin(), remaining.end(), [](const SessionInfo* a, const SessionInfo* b) {
      if (a->updated_ns != b->updated_ns) return a->updated_ns > b->updated_ns;
      return a->id < b->id;
    });
    deleted.insert(deleted.end(), remaining.begin() + static_cast<std::ptrdiff_t>(*policy.max_count),
                   remaining.end());
    remaining.resize(*policy.max_count);
  }
  WriteBatch batch;
  for (const SessionInfo* info : deleted) remove_session(batch, *info);
  if (!batch.empty()) {
    if (Status written = store_.write(kSynced, batch); !written) return error(written);
  }
  CleanupResult result;
  for (const SessionInfo* info : deleted) result.deleted.push_back(info->id);
  for (const SessionInfo* info : remaining) result.kept.push_back(info->id);
  std::sort(result.deleted.begin(), result.deleted.end());
  std::sort(result.kept.begin(), result.kept.end());
  return result;
}

namespace {

// Adds the removal of session `id` (whatever state its record is in) and
// tells whether it had a record.
Status remove_one(const Store& store, WriteBatch& batch, std::string_view id, bool& existed) {
  auto value = store.get(session::record_key(id));
  if (!value) return value.error();
  existed = value->has_value();
  if (!existed) {  // no record, so no index entries (they are written with it); maybe orphan checkpoints
    batch.remove_prefix(session::checkpoint_prefix(id));
    return Status::ok_status();
  }
  auto decoded = session::decode_record(**value);
  if (decoded && decoded->id == id) {
    remove_session(batch, *decoded);
    return Status::ok_status();
  }
  return remove_damaged_session(store, batch, id);
}

}  // namespace

Status SessionStore::drop(std::string_view id) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  Locks::Session lock(*locks_, id);
  WriteBatch batch;
  bool existed = false;
  if (Status removed = remove_one(store_, batch, id, existed); !removed) return removed;
  return store_.write(kSynced, batch);
}

namespace {

// Adds the removal of every session whose id starts with `prefix` (records,
// checkpoints, and the index entries their records list) and appends their ids.
Status remove_prefix_sessions(const Store& store, WriteBatch& batch, std::string_view prefix,
                              std::vector<std::string>& ids) {
  auto records = session::read_raw_records(store, prefix);
  if (!records) return records.error();
  batch.remove_prefix(session::id_prefix_key(prefix));
  batch.remove_prefix(session::checkpoint_id_prefix_key(prefix));
  for (const auto& record : *records) {
    if (record.info) {
      for (const auto& entry : record.info->indexes) {
        batch.remove(session::index_key(entry.name, entry.value, record.id));
      }
    } else if (Status removed = remove_damaged_session(store, batch, record.id); !removed) {
      return removed;
    }
    ids.push_back(record.id);
  }
  return Status::ok_status();
}

}  // namespace

Result<std::vector<std::string>> SessionStore::drop_prefix(std::string_view id_prefix) {
  std::vector<std::string> ids;
  if (id_prefix.size() > session::kMaxIdSize) return ids;  // no id can start with it
  Locks::All lock(locks_->bulk);
  WriteBatch batch;
  if (Status removed = remove_prefix_sessions(store_, batch, id_prefix, ids); !removed) return error(removed);
  if (Status written = store_.write(kSynced, batch); !written) return error(written);
  return ids;
}

Result<std::vector<std::string>> SessionStore::drop_under(const std::vector<std::string>& parts) {
  if (parts.empty()) return error(Code::invalid_argument, "drop_under needs at least one part");
  std::string exact = make_session_id(parts);
  std::string prefix = session_id_prefix(parts);
  std::vector<std::string> ids;
  Locks::All lock(locks_->bulk);
  WriteBatch batch;
  if (session::validate_id(exact).ok()) {
    bool existed = false;
    if (Status removed = remove_one(store_, batch, exact, existed); !removed) return error(removed);
    if (existed) ids.push_back(exact);
  }
  if (prefix.size() <= session::kMaxIdSize) {
    if (Status removed = remove_prefix_sessions(store_, batch, prefix, ids); !removed) return error(removed);
  }
  if (Status written = store_.write(kSynced, batch); !written) return error(written);
  return ids;
}

// ---- read-only inspection ---------------------------------------------------

Result<std::vector<InterruptedSession>> list_interrupted(const Store& store, std::uint64_t live_epoch,
                                                         std::string_view app_version) {
  session::ReadContext context{store, app_version, nullptr};
  return session::interrupted_sessions(context, live_epoch);
}

Result<std::vector<SessionInfo>> list_sessions(const Store& store) { return session::read_records(store, {}); }

Result<std::vector<DamagedSession>> list_damaged_sessions(const Store& store) {
  return session::read_damaged_records(store, {});
}

}  // namespace walkv
