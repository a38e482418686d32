#include <walkv/session.hpp>

#include <algorithm>
#include <array>
#include <mutex>

#include <xxhash.h>

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"

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

namespace {

using session::ParsedKey;

std::uint64_t now_ns() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

Status unknown_session(std::string_view id) {
  return Status(Code::invalid_argument, "unknown session '" + session::printable_id(id) + "'");
}

Status with_context(const Status& status, std::string_view context) {
  return Status(status.code(), std::string(context) + ": " + status.message());
}

bool is_finished(SessionStatus status) {
  return status == SessionStatus::completed || status == SessionStatus::failed;
}

// ---- reading records ------------------------------------------------------

Result<SessionInfo> decode_record_at(const ParsedKey& key, std::string_view value) {
  auto info = session::decode_record(value);
  std::string context = "session '" + session::printable_id(key.id) + "'";
  if (!info) return error(with_context(info.error(), context));
  if (info->id != key.id) return error(Code::corruption, context + ": record holds another id");
  return info;
}

// Every session record, ordered by id. Errors: corruption / version_mismatch
// for an undecodable record (naming the session), plus Store::scan's.
Result<std::vector<SessionInfo>> read_all_records(const Store& store) {
  std::vector<SessionInfo> records;
  Status failure;
  Status scanned = store.scan(session::kSessionSpace, [&](std::string_view key, std::string_view value) {
    auto parsed = session::parse_key(key);
    if (!parsed || parsed->kind != ParsedKey::Kind::record) return true;
    auto info = decode_record_at(*parsed, value);
    if (!info) {
      failure = info.error();
      return false;
    }
    records.push_back(std::move(*info));
    return true;
  });
  if (!scanned) return error(scanned);
  if (!failure) return error(failure);
  return records;
}

Result<std::optional<SessionInfo>> read_record(const Store& store, std::string_view id) {
  auto value = store.get(session::record_key(id));
  if (!value) return error(value.error());
  if (!*value) return std::optional<SessionInfo>();
  auto info = decode_record_at(ParsedKey{std::string(id), ParsedKey::Kind::record, 0}, **value);
  if (!info) return error(info.error());
  return std::optional<SessionInfo>(std::move(*info));
}

// ---- reading checkpoints --------------------------------------------------

std::optional<std::uint64_t> number_of(std::string_view key, std::size_t prefix_size) {
  auto parsed = session::parse_key(key);
  if (!parsed || parsed->kind != ParsedKey::Kind::checkpoint || key.size() != prefix_size + 8) {
    return std::nullopt;
  }
  return parsed->number;
}

// The numbers of the checkpoints of `id`, ascending.
Result<std::vector<std::uint64_t>> checkpoint_numbers(const Store& store, std::string_view id) {
  std::string prefix = session::checkpoint_prefix(id);
  std::vector<std::uint64_t> numbers;
  Status scanned = store.scan(prefix, [&](std::string_view key, std::string_view) {
    if (auto number = number_of(key, prefix.size())) numbers.push_back(*number);
    return true;
  });
  if (!scanned) return error(scanned);
  return numbers;
}

struct StoredCheckpoint {
  std::uint64_t number;
  std::string value;
};

// The checkpoints of `id` as stored, ascending, from one consistent view.
Result<std::vector<StoredCheckpoint>> read_checkpoints(const Store& store, std::string_view id) {
  std::string prefix = session::checkpoint_prefix(id);
  std::vector<StoredCheckpoint> stored;
  Status scanned = store.scan(prefix, [&](std::string_view key, std::string_view value) {
    if (auto number = number_of(key, prefix.size())) stored.push_back({*number, std::string(value)});
    return true;
  });
  if (!scanned) return error(scanned);
  return stored;
}

Result<Checkpoint> decode_verified(std::string_view value, std::uint64_t number) {
  auto checkpoint = session::decode_checkpoint(value);
  if (!checkpoint) return error(checkpoint.error());
  if (Status verified = session::verify_checkpoint(*checkpoint, number); !verified) return error(verified);
  return checkpoint;
}

std::string skip_note(std::uint64_t number, const Status& why) {
  return "checkpoint " + std::to_string(number) + ": " + why.message();
}

// The newest checkpoint that decodes and verifies; notes each newer one that
// does not in `skipped` (may be null).
Result<std::optional<Checkpoint>> latest_valid(const Store& store, std::string_view id,
                                               std::vector<std::string>* skipped) {
  auto stored = read_checkpoints(store, id);
  if (!stored) return error(stored.error());
  for (auto it = stored->rbegin(); it != stored->rend(); ++it) {
    auto checkpoint = decode_verified(it->value, it->number);
    if (checkpoint) return std::optional<Checkpoint>(std::move(*checkpoint));
    if (skipped) skipped->push_back(skip_note(it->number, checkpoint.error()));
  }
  return std::optional<Checkpoint>();
}

Result<InterruptedSession> describe(const Store& store, SessionInfo info) {
  InterruptedSession described;
  auto checkpoint = latest_valid(store, info.id, &described.skipped);
  if (!checkpoint) return error(checkpoint.error());
  described.info = std::move(info);
  described.checkpoint = std::move(*checkpoint);
  return described;
}

bool is_interrupted(const SessionInfo& info, std::uint64_t live_epoch) {
  if (info.status == SessionStatus::interrupted) return true;
  return info.status == SessionStatus::active && info.owner_epoch < live_epoch;
}

bool is_stale(const SessionInfo& info, std::uint64_t now, std::chrono::nanoseconds max_age) {
  std::uint64_t age = info.updated_ns < now ? now - info.updated_ns : 0;
  auto limit = static_cast<std::uint64_t>(std::max<std::int64_t>(max_age.count(), 0));
  return age >= limit;
}

// ---- writing records -----------------------------------------------------

// Reads the record of `id`, lets `change` edit it and writes it back.
template <class Change>
Status update_record(Store& store, Durability durability, std::string_view id, Change&& change) {
  auto record = read_record(store, id);
  if (!record) return record.error();
  if (!*record) return unknown_session(id);
  SessionInfo& info = **record;
  change(info);
  info.updated_ns = now_ns();
  return store.put(WriteOptions{durability}, session::record_key(id), session::encode_record(info));
}

}  // namespace

// ---- locks ------------------------------------------------------------------

// Striped per-session mutexes. Single-session operations hold one stripe;
// operations over many sessions hold every stripe, taken in index order (no
// thread ever holds one stripe while waiting for another, so no deadlock).
// 32 stripes: plenty for the few threads that write at once, and within
// ThreadSanitizer's limit of 64 mutexes held by one thread.
struct SessionStore::Locks {
  static constexpr std::size_t kStripes = 32;
  std::array<std::mutex, kStripes> stripes;

  std::mutex& for_id(std::string_view id) {
    return stripes[XXH3_64bits(id.data(), id.size()) % kStripes];
  }

  class All {
   public:
    explicit All(Locks& locks) : locks_(locks) {
      for (auto& stripe : locks_.stripes) stripe.lock();
    }
    ~All() {
      for (auto it = locks_.stripes.rbegin(); it != locks_.stripes.rend(); ++it) it->unlock();
    }
    All(const All&) = delete;
    All& operator=(const All&) = delete;

   private:
    Locks& locks_;
  };
};

// ---- SessionStore -----------------------------------------------------------

SessionStore::SessionStore(Store& store, const SessionOptions& options)
    : store_(store), options_(options), locks_(std::make_unique<Locks>()) {}

SessionStore::~SessionStore() = default;

Result<std::unique_ptr<SessionStore>> SessionStore::open(Store& store, const SessionOptions& options) {
  if (store.read_only()) {
    return error(Code::not_supported, "sessions need a writable store; use list_interrupted on a read-only view");
  }
  if (options.keep_checkpoints == 0) return error(Code::invalid_argument, "keep_checkpoints must be at least 1");
  auto records = read_all_records(store);
  if (!records) return error(records.error());
  WriteBatch batch;
  for (auto& info : *records) {
    if (info.status != SessionStatus::active || info.owner_epoch >= store.open_epoch()) continue;
    info.status = SessionStatus::interrupted;
    batch.put(session::record_key(info.id), session::encode_record(info));
  }
  if (!batch.empty()) {
    if (Status written = store.write(WriteOptions{Durability::sync}, batch); !written) return error(written);
  }
  return std::unique_ptr<SessionStore>(new SessionStore(store, options));
}

Status SessionStore::create(std::string_view id, std::string_view description) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  std::lock_guard lock(locks_->for_id(id));
  auto existing = read_record(store_, id);
  if (!existing) return existing.error();
  if (*existing) {
    return Status(Code::invalid_argument, "session '" + session::printable_id(id) + "' already exists");
  }
  SessionInfo info;
  info.id = std::string(id);
  info.status = SessionStatus::active;
  info.created_ns = info.updated_ns = now_ns();
  info.owner_epoch = store_.open_epoch();
  info.description = std::string(description);
  auto leftovers = checkpoint_numbers(store_, id);  // of a session whose record was lost
  if (!leftovers) return leftovers.error();
  WriteBatch batch;
  if (!leftovers->empty()) batch.remove_prefix(session::session_namespace(id));
  batch.put(session::record_key(id), session::encode_record(info));
  return store_.write(WriteOptions{options_.durability}, batch);
}

Result<std::uint64_t> SessionStore::checkpoint(std::string_view id, const CheckpointData& data) {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  std::lock_guard lock(locks_->for_id(id));
  auto record = read_record(store_, id);
  if (!record) return error(record.error());
  if (!*record) return error(unknown_session(id));
  SessionInfo info = std::move(**record);
  if (is_finished(info.status)) {
    return error(Code::invalid_argument, "session '" + session::printable_id(id) + "' is " +
                                             session_status_name(info.status) + "; checkpoints need a live session");
  }
  auto numbers = checkpoint_numbers(store_, id);
  if (!numbers) return error(numbers.error());
  std::uint64_t newest = numbers->empty() ? 0 : numbers->back();
  std::uint64_t number = std::max(info.latest_checkpoint, newest) + 1;

  Checkpoint checkpoint{number,    data.app_version, now_ns(), data.step, data.total_steps,
                        data.description, data.state, session::state_hash(data.state)};
  info.status = SessionStatus::active;
  info.owner_epoch = store_.open_epoch();
  info.step = data.step;
  info.total_steps = data.total_steps;
  info.description = data.description;
  info.updated_ns = checkpoint.time_ns;
  info.latest_checkpoint = number;

  WriteBatch batch;
  batch.put(session::checkpoint_key(id, number), session::encode_checkpoint(checkpoint));
  batch.put(session::record_key(id), session::encode_record(info));
  for (std::uint64_t old : *numbers) {
    if (old + options_.keep_checkpoints <= number) batch.remove(session::checkpoint_key(id, old));
  }
  if (Status written = store_.write(WriteOptions{options_.durability}, batch); !written) return error(written);
  return number;
}

Status SessionStore::complete(std::string_view id) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  std::lock_guard lock(locks_->for_id(id));
  return update_record(store_, options_.durability, id, [&](SessionInfo& info) {
    info.status = SessionStatus::completed;
    info.owner_epoch = store_.open_epoch();
  });
}

Status SessionStore::fail(std::string_view id, std::string_view reason) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  std::lock_guard lock(locks_->for_id(id));
  return update_record(store_, options_.durability, id, [&](SessionInfo& info) {
    info.status = SessionStatus::failed;
    info.owner_epoch = store_.open_epoch();
    info.reason = std::string(reason);
  });
}

Result<std::optional<SessionInfo>> SessionStore::info(std::string_view id) const {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  return read_record(store_, id);
}

Result<std::vector<SessionInfo>> SessionStore::list() const { return read_all_records(store_); }

Result<std::optional<Checkpoint>> SessionStore::latest_checkpoint(std::string_view id,
                                                                 std::vector<std::string>* skipped) const {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  return latest_valid(store_, id, skipped);
}

Result<std::optional<Checkpoint>> SessionStore::load_checkpoint(std::string_view id, std::uint64_t number) const {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  auto value = store_.get(session::checkpoint_key(id, number));
  if (!value) return error(value.error());
  if (!*value) return std::optional<Checkpoint>();
  auto checkpoint = decode_verified(**value, number);
  if (!checkpoint) {
    return error(with_context(checkpoint.error(), "session '" + session::printable_id(id) + "' checkpoint " +
                                                      std::to_string(number)));
  }
  return std::optional<Checkpoint>(std::move(*checkpoint));
}

Result<std::vector<InterruptedSession>> SessionStore::interrupted() const {
  return list_interrupted(store_, store_.open_epoch());
}

Result<InterruptedSession> SessionStore::resume(std::string_view id) {
  if (Status valid = session::validate_id(id); !valid) return error(valid);
  std::lock_guard lock(locks_->for_id(id));
  auto record = read_record(store_, id);
  if (!record) return error(record.error());
  if (!*record) return error(unknown_session(id));
  SessionInfo info = std::move(**record);
  if (is_finished(info.status)) {
    return error(Code::invalid_argument, "session '" + session::printable_id(id) + "' is " +
                                             session_status_name(info.status) + " and cannot be resumed");
  }
  info.status = SessionStatus::active;
  info.owner_epoch = store_.open_epoch();
  info.updated_ns = now_ns();
  Status written = store_.put(WriteOptions{options_.durability}, session::record_key(id), session::encode_record(info));
  if (!written) return error(written);
  return describe(store_, std::move(info));
}

Result<std::vector<std::string>> SessionStore::cleanup_stale(std::chrono::nanoseconds max_age) {
  Locks::All lock(*locks_);
  auto records = read_all_records(store_);
  if (!records) return error(records.error());
  std::uint64_t now = now_ns();
  std::vector<std::string> removed;
  WriteBatch batch;
  for (auto& info : *records) {
    if (!is_stale(info, now, max_age)) continue;
    batch.remove_prefix(session::session_namespace(info.id));
    removed.push_back(std::move(info.id));
  }
  if (!batch.empty()) {
    if (Status written = store_.write(WriteOptions{options_.durability}, batch); !written) return error(written);
  }
  return removed;
}

Status SessionStore::drop(std::string_view id) {
  if (Status valid = session::validate_id(id); !valid) return valid;
  std::lock_guard lock(locks_->for_id(id));
  return store_.remove_prefix(WriteOptions{options_.durability}, session::session_namespace(id));
}

Status SessionStore::drop_prefix(std::string_view id_prefix) {
  if (id_prefix.size() > session::kMaxIdSize) return Status::ok_status();  // no id can start with it
  Locks::All lock(*locks_);
  return store_.remove_prefix(WriteOptions{options_.durability}, session::id_prefix_key(id_prefix));
}

// ---- read-only inspection ---------------------------------------------------

Result<std::vector<InterruptedSession>> list_interrupted(const Store& store, std::uint64_t live_epoch) {
  auto records = read_all_records(store);
  if (!records) return error(records.error());
  std::vector<InterruptedSession> found;
  for (auto& info : *records) {
    if (!is_interrupted(info, live_epoch)) continue;
    auto described = describe(store, std::move(info));
    if (!described) return error(described.error());
    found.push_back(std::move(*described));
  }
  return found;
}

Result<std::vector<SessionInfo>> list_sessions(const Store& store) { return read_all_records(store); }

}  // namespace walkv
