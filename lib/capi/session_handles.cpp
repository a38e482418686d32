// walkv C API — conversions between the session handles and the C++ session
// types (lib/capi/session_handles.hpp).
#include "capi/session_handles.hpp"

namespace walkv::capi {

void retain(walkv_sessions_t* sessions) noexcept { sessions->references.fetch_add(1); }

void release(walkv_sessions_t* sessions) noexcept {
  if (sessions->references.fetch_sub(1) != 1) return;
  walkv_store_t* store = sessions->store;
  delete sessions;
  store->attached_sessions.fetch_sub(1);
}

walkv_interrupted_t wrap(InterruptedSession&& s) {
  walkv_interrupted_t out;
  out.info.info = std::move(s.info);
  if (s.checkpoint) out.checkpoint = walkv_checkpoint_t{std::move(*s.checkpoint)};
  out.skipped.items = std::move(s.skipped);
  out.skipped_checkpoints = std::move(s.skipped_checkpoints);
  out.state_error = std::move(s.state_error);
  return out;
}

InterruptedSession unwrap(const walkv_interrupted_t& s) {
  InterruptedSession out;
  out.info = s.info.info;
  if (s.checkpoint) out.checkpoint = s.checkpoint->checkpoint;
  out.skipped = s.skipped.items;
  out.skipped_checkpoints = s.skipped_checkpoints;
  out.state_error = s.state_error;
  return out;
}

walkv_interrupted_list_t* wrap_list(std::vector<InterruptedSession>&& sessions) {
  auto list = std::make_unique<walkv_interrupted_list_t>();
  list->items.reserve(sessions.size());
  for (auto& s : sessions) list->items.push_back(wrap(std::move(s)));
  return list.release();
}

walkv_session_list_t* wrap_list(std::vector<SessionInfo>&& infos) {
  auto list = std::make_unique<walkv_session_list_t>();
  list->items.reserve(infos.size());
  for (auto& info : infos) list->items.push_back(walkv_session_info_t{std::move(info)});
  return list.release();
}

void give_strings(std::vector<std::string>&& items, walkv_strlist_t** out) {
  if (out == nullptr) return;
  auto list = std::make_unique<walkv_strlist_t>();
  list->items = std::move(items);
  *out = list.release();
}

walkv_code_t copy_parts(const char* const* parts, const std::size_t* part_lens, std::size_t count,
                        std::vector<std::string>& out, char** errptr) {
  if (count == 0) return set_error(errptr, WALKV_INVALID_ARGUMENT, "an id needs at least one part");
  if (parts == nullptr || part_lens == nullptr) return null_argument(errptr, "parts");
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string_view part;
    if (!as_bytes(parts[i], part_lens[i], part)) return null_argument(errptr, "parts[i]");
    out.emplace_back(part);
  }
  return WALKV_OK;
}

}  // namespace walkv::capi
