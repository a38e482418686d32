#include "session/session_repair.hpp"

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "session/session_read.hpp"

namespace walkv::session {
namespace {

// Step, total steps, description and times from the decodable checkpoints.
void take_checkpoint_metadata(SessionInfo& info, const std::vector<StoredCheckpoint>& stored) {
  bool newest_seen = false;
  for (auto it = stored.rbegin(); it != stored.rend(); ++it) {
    if (!it->damage.ok()) continue;
    auto checkpoint = decode_checkpoint(it->value);
    if (!checkpoint) continue;
    if (!newest_seen) {
      newest_seen = true;
      info.step = checkpoint->step;
      info.total_steps = checkpoint->total_steps;
      info.description = checkpoint->description;
      info.updated_ns = checkpoint->time_ns;
    }
    info.created_ns = checkpoint->time_ns;  // the last one met is the oldest
  }
}

Result<std::vector<IndexEntry>> indexes_pointing_at(const Store& store, std::string_view id) {
  auto keys = index_keys_pointing_at(store, id);
  if (!keys) return error(keys.error());
  std::vector<IndexEntry> indexes;
  for (const auto& key : *keys) {
    auto parsed = parse_key(key);
    if (parsed && parsed->kind == ParsedKey::Kind::index) {
      indexes.push_back(IndexEntry{std::move(parsed->index_name), std::move(parsed->index_value)});
    }
  }
  return indexes;
}

}  // namespace

Status require_damaged_record(const Store& store, std::string_view id) {
  auto value = store.get(record_key(id));
  if (!value) {
    // A get fails with corruption only for an entry that fails its checksum.
    return value.error().code() == Code::corruption ? Status::ok_status() : value.error();
  }
  if (!*value) return Status(Code::invalid_argument, "unknown " + session_label(id));
  auto info = decode_record(**value);
  if (!info && info.error().code() == Code::version_mismatch) return with_context(info.error(), session_label(id));
  if (info && info->id == id) {
    return Status(Code::invalid_argument, "the record of " + session_label(id) + " is not damaged");
  }
  return Status::ok_status();
}

Result<SessionInfo> rebuild_record(const Store& store, std::string_view id, std::uint64_t now_ns) {
  auto stored = read_checkpoints(store, id);
  if (!stored) return error(stored.error());
  auto indexes = indexes_pointing_at(store, id);
  if (!indexes) return error(indexes.error());
  SessionInfo info;
  info.id = std::string(id);
  info.status = SessionStatus::interrupted;
  info.owner_epoch = 0;
  info.created_ns = info.updated_ns = now_ns;
  take_checkpoint_metadata(info, *stored);
  if (!stored->empty()) {
    info.oldest_checkpoint = stored->front().number;
    info.latest_checkpoint = stored->back().number;
  }
  info.indexes = std::move(*indexes);
  return info;
}

}  // namespace walkv::session
