#include "session/session_read.hpp"

#include <algorithm>
#include <chrono>

#include "session/app_version.hpp"
#include "session/session_codec.hpp"
#include "session/session_crypto.hpp"
#include "session/session_keys.hpp"

namespace walkv::session {
namespace {

Result<SessionInfo> decode_record_for(std::string_view id, std::string_view value) {
  auto info = decode_record(value);
  if (!info) return error(with_context(info.error(), session_label(id)));
  if (info->id != id) return error(Code::corruption, session_label(id) + ": record holds another id");
  return info;
}

std::optional<std::string> record_id(std::string_view key) {
  auto parsed = parse_key(key);
  if (!parsed || parsed->kind != ParsedKey::Kind::record) return std::nullopt;
  return std::move(parsed->id);
}

void sort_by_id(std::vector<DamagedSession>& sessions) {
  std::sort(sessions.begin(), sessions.end(),
            [](const DamagedSession& a, const DamagedSession& b) { return a.id < b.id; });
}

bool is_interrupted(const SessionInfo& info, std::uint64_t live_epoch) {
  if (info.status == SessionStatus::interrupted) return true;
  return info.status == SessionStatus::active && info.owner_epoch < live_epoch;
}

}  // namespace

std::uint64_t now_ns() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

Status with_context(const Status& status, std::string_view context) {
  return Status(status.code(), std::string(context) + ": " + status.message());
}

std::string session_label(std::string_view id) { return "session '" + printable_id(id) + "'"; }

Status unknown_session(std::string_view id) { return Status(Code::invalid_argument, "unknown " + session_label(id)); }

Result<std::optional<SessionInfo>> read_record(const Store& store, std::string_view id) {
  auto value = store.get(record_key(id));
  if (!value) return error(with_context(value.error(), session_label(id)));
  if (!*value) return std::optional<SessionInfo>();
  auto info = decode_record_for(id, **value);
  if (!info) return error(info.error());
  return std::optional<SessionInfo>(std::move(*info));
}

Result<RecordScan> scan_records(const Store& store, std::string_view id_prefix) {
  RecordScan scan;
  Status scanned = store.scan(
      id_prefix_key(id_prefix),
      [&](std::string_view key, std::string_view value) {
        auto id = record_id(key);
        if (!id) return true;
        auto info = decode_record_for(*id, value);
        if (info) {
          scan.sound.push_back(std::move(*info));
        } else {
          auto& list = info.error().code() == Code::version_mismatch ? scan.newer : scan.damaged;
          list.push_back(DamagedSession{std::move(*id), info.error()});
        }
        return true;
      },
      [&](std::string_view key, const Status& damage) {  // reported before the visits: sorted below
        if (auto id = record_id(key)) {
          scan.damaged.push_back(DamagedSession{*id, with_context(damage, session_label(*id))});
        }
        return true;
      });
  if (!scanned) return error(scanned);
  sort_by_id(scan.damaged);
  return scan;
}

Result<std::vector<SessionInfo>> read_records(const Store& store, std::string_view id_prefix) {
  auto scan = scan_records(store, id_prefix);
  if (!scan) return error(scan.error());
  if (!scan->newer.empty()) return error(scan->newer.front().problem);
  return std::move(scan->sound);
}

Result<std::vector<DamagedSession>> read_damaged_records(const Store& store, std::string_view id_prefix) {
  auto scan = scan_records(store, id_prefix);
  if (!scan) return error(scan.error());
  return std::move(scan->damaged);
}

Result<std::vector<RawRecord>> read_raw_records(const Store& store, std::string_view id_prefix) {
  auto scan = scan_records(store, id_prefix);
  if (!scan) return error(scan.error());
  std::vector<RawRecord> records;
  for (auto& info : scan->sound) {
    std::string id = info.id;
    records.push_back(RawRecord{std::move(id), std::move(info)});
  }
  for (auto* unreadable : {&scan->damaged, &scan->newer}) {
    for (auto& session : *unreadable) records.push_back(RawRecord{std::move(session.id), std::nullopt});
  }
  std::sort(records.begin(), records.end(), [](const RawRecord& a, const RawRecord& b) { return a.id < b.id; });
  return records;
}

Result<std::optional<std::string>> id_of_index_key(const Store& store, std::string_view index_key_bytes) {
  std::optional<std::string> found;
  auto try_id = [&](std::string_view key) {
    auto id = record_id(key);
    if (id && index_key_points_at(index_key_bytes, *id)) found = std::move(id);
    return !found;
  };
  Status scanned = store.scan(
      kRecordSpace, [&](std::string_view key, std::string_view) { return try_id(key); },
      [&](std::string_view key, const Status&) { return try_id(key); });
  if (!scanned) return error(scanned);
  return found;
}

Result<std::vector<std::string>> index_keys_pointing_at(const Store& store, std::string_view id) {
  std::vector<std::string> keys;
  Status scanned = store.scan(
      kIndexSpace,
      [&](std::string_view key, std::string_view value) {
        if (value == id) keys.emplace_back(key);
        return true;
      },
      [&](std::string_view key, const Status&) {  // the stored id is damaged: the key's hash tells
        if (index_key_points_at(key, id)) keys.emplace_back(key);
        return true;
      });
  if (!scanned) return error(scanned);
  return keys;
}

Result<std::vector<StoredCheckpoint>> read_checkpoints(const Store& store, std::string_view id) {
  std::string prefix = checkpoint_prefix(id);
  std::vector<StoredCheckpoint> stored;
  auto number_of = [&](std::string_view key) -> std::optional<std::uint64_t> {
    auto parsed = parse_key(key);
    if (parsed && parsed->kind == ParsedKey::Kind::checkpoint && parsed->id == id) return parsed->number;
    return std::nullopt;
  };
  std::vector<StoredCheckpoint> damaged;  // reported before the visits: merged below
  Status scanned = store.scan(
      prefix,
      [&](std::string_view key, std::string_view value) {
        if (auto number = number_of(key)) stored.push_back({*number, std::string(value), Status()});
        return true;
      },
      [&](std::string_view key, const Status& damage) {
        if (auto number = number_of(key)) damaged.push_back({*number, std::string(), damage});
        return true;
      });
  if (!scanned) return error(scanned);
  if (damaged.empty()) return stored;
  for (auto& d : damaged) stored.push_back(std::move(d));
  std::sort(stored.begin(), stored.end(),
            [](const StoredCheckpoint& a, const StoredCheckpoint& b) { return a.number < b.number; });
  return stored;
}

Validated validate(const StoredCheckpoint& stored, std::string_view app_version) {
  if (stored.damage.ok()) return validate(stored.value, stored.number, app_version);
  Validated result;
  result.skip = SkippedCheckpoint{stored.number, SkipReason::damaged, stored.damage.message()};
  return result;
}

Validated validate(std::string_view value, std::uint64_t number, std::string_view app_version) {
  Validated result;
  auto decoded = decode_checkpoint(value, &result.nonce);
  if (!decoded) {
    result.skip = SkippedCheckpoint{number, SkipReason::malformed, decoded.error().message()};
    return result;
  }
  result.decoded = *decoded;
  if (Status verified = verify_checkpoint(*decoded, number); !verified) {
    SkipReason reason = decoded->number != number ? SkipReason::number_mismatch : SkipReason::hash_mismatch;
    result.skip = SkippedCheckpoint{number, reason, verified.message()};
    return result;
  }
  if (auto problem = version_problem(decoded->app_version, app_version)) {
    result.skip = SkippedCheckpoint{number, SkipReason::incompatible_version, std::move(*problem)};
    return result;
  }
  result.checkpoint = std::move(*decoded);
  return result;
}

Status decrypt(const ReadContext& context, std::string_view id, Checkpoint& checkpoint, std::string_view nonce) {
  if (checkpoint.key_id.empty()) return Status::ok_status();
  std::string what = session_label(id) + " checkpoint " + std::to_string(checkpoint.number) +
                     " is encrypted with key '" + printable_id(checkpoint.key_id) + "'";
  if (context.keys == nullptr) return Status(Code::invalid_argument, what + "; no key was given to decrypt it");
  auto key = std::find_if(context.keys->begin(), context.keys->end(),
                          [&](const EncryptionKey& k) { return k.id == checkpoint.key_id; });
  if (key == context.keys->end()) {
    return Status(Code::invalid_argument, what + ", which is not among the keys given (SessionOptions::"
                                                 "encryption_key / decryption_keys)");
  }
  std::string plaintext;
  if (!unseal(*key, checkpoint.state, nonce, associated_data(id, checkpoint.number, checkpoint.key_id), plaintext)) {
    return Status(Code::invalid_argument, what + ", and that key does not decrypt it (wrong key bytes for this id)");
  }
  checkpoint.state = std::move(plaintext);
  return Status::ok_status();
}

Result<Resolution> resolve_latest(const ReadContext& context, std::string_view id) {
  auto stored = read_checkpoints(context.store, id);
  if (!stored) return error(stored.error());
  Resolution resolution;
  for (auto it = stored->rbegin(); it != stored->rend(); ++it) {
    Validated validated = validate(*it, context.app_version);
    if (validated.skip) {
      resolution.skipped.push_back(std::move(*validated.skip));
      continue;
    }
    Checkpoint checkpoint = std::move(*validated.checkpoint);
    if (Status opened = decrypt(context, id, checkpoint, validated.nonce); !opened) {
      checkpoint.state.clear();
      resolution.state_error = opened;
    }
    resolution.checkpoint = std::move(checkpoint);
    break;
  }
  return resolution;
}

std::string skip_note(const SkippedCheckpoint& skipped) {
  return "checkpoint " + std::to_string(skipped.number) + ": " + skipped.detail;
}

InterruptedSession to_interrupted(SessionInfo info, Resolution resolution) {
  InterruptedSession session;
  session.info = std::move(info);
  session.checkpoint = std::move(resolution.checkpoint);
  for (const auto& skipped : resolution.skipped) session.skipped.push_back(skip_note(skipped));
  session.skipped_checkpoints = std::move(resolution.skipped);
  session.state_error = std::move(resolution.state_error);
  return session;
}

Result<std::vector<InterruptedSession>> interrupted_sessions(const ReadContext& context, std::uint64_t live_epoch) {
  auto records = read_records(context.store, {});
  if (!records) return error(records.error());
  std::vector<InterruptedSession> found;
  for (auto& info : *records) {
    if (!is_interrupted(info, live_epoch)) continue;
    auto resolution = resolve_latest(context, info.id);
    if (!resolution) return error(resolution.error());
    found.push_back(to_interrupted(std::move(info), std::move(*resolution)));
  }
  return found;
}

}  // namespace walkv::session
