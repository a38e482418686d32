// walkv C API — the result objects of session calls (include/walkv/c.h,
// "Session results"): string lists, session records, checkpoints, checkpoint
// summaries and interrupted sessions. Accessors return borrowed data that
// lives as long as the object.
#include "capi/session_handles.hpp"

using namespace walkv::capi;

extern "C" {


void walkv_strlist_destroy(walkv_strlist_t* list) noexcept { delete list; }
size_t walkv_strlist_count(const walkv_strlist_t* list) noexcept { return list != nullptr ? list->items.size() : 0; }
const char* walkv_strlist_at(const walkv_strlist_t* list, size_t index, size_t* len) noexcept {
  if (list == nullptr || index >= list->items.size()) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  return borrowed(list->items[index], len);
}

void walkv_session_info_destroy(walkv_session_info_t* info) noexcept { delete info; }
const char* walkv_session_info_id(const walkv_session_info_t* info, size_t* len) noexcept {
  return info != nullptr ? borrowed(info->info.id, len) : empty_string(len);
}
walkv_session_status_t walkv_session_info_status(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? static_cast<walkv_session_status_t>(info->info.status) : WALKV_SESSION_ACTIVE;
}
uint64_t walkv_session_info_created_ns(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? info->info.created_ns : 0;
}
uint64_t walkv_session_info_updated_ns(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? info->info.updated_ns : 0;
}
uint64_t walkv_session_info_owner_epoch(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? info->info.owner_epoch : 0;
}
uint32_t walkv_session_info_step(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? info->info.step : 0;
}
uint32_t walkv_session_info_total_steps(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? info->info.total_steps : 0;
}
const char* walkv_session_info_description(const walkv_session_info_t* info, size_t* len) noexcept {
  return info != nullptr ? borrowed(info->info.description, len) : empty_string(len);
}
uint64_t walkv_session_info_latest_checkpoint(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? info->info.latest_checkpoint : 0;
}
const char* walkv_session_info_reason(const walkv_session_info_t* info, size_t* len) noexcept {
  return info != nullptr ? borrowed(info->info.reason, len) : empty_string(len);
}

size_t walkv_session_info_index_count(const walkv_session_info_t* info) noexcept {
  return info != nullptr ? info->info.indexes.size() : 0;
}
walkv_code_t walkv_session_info_index_at(const walkv_session_info_t* info, size_t index, const char** name,
                                         size_t* name_len, const char** value, size_t* value_len) noexcept {
  if (info == nullptr || index >= info->info.indexes.size()) return WALKV_INVALID_ARGUMENT;
  const walkv::IndexEntry& entry = info->info.indexes[index];
  const char* n = borrowed(entry.name, name_len);
  const char* v = borrowed(entry.value, value_len);
  if (name != nullptr) *name = n;
  if (value != nullptr) *value = v;
  return WALKV_OK;
}

void walkv_session_list_destroy(walkv_session_list_t* list) noexcept { delete list; }
size_t walkv_session_list_count(const walkv_session_list_t* list) noexcept {
  return list != nullptr ? list->items.size() : 0;
}
const walkv_session_info_t* walkv_session_list_at(const walkv_session_list_t* list, size_t index) noexcept {
  return list != nullptr && index < list->items.size() ? &list->items[index] : nullptr;
}

void walkv_checkpoint_destroy(walkv_checkpoint_t* checkpoint) noexcept { delete checkpoint; }
uint64_t walkv_checkpoint_number(const walkv_checkpoint_t* c) noexcept { return c != nullptr ? c->checkpoint.number : 0; }
const char* walkv_checkpoint_app_version(const walkv_checkpoint_t* c, size_t* len) noexcept {
  return c != nullptr ? borrowed(c->checkpoint.app_version, len) : empty_string(len);
}
uint64_t walkv_checkpoint_time_ns(const walkv_checkpoint_t* c) noexcept { return c != nullptr ? c->checkpoint.time_ns : 0; }
uint32_t walkv_checkpoint_step(const walkv_checkpoint_t* c) noexcept { return c != nullptr ? c->checkpoint.step : 0; }
uint32_t walkv_checkpoint_total_steps(const walkv_checkpoint_t* c) noexcept {
  return c != nullptr ? c->checkpoint.total_steps : 0;
}
const char* walkv_checkpoint_description(const walkv_checkpoint_t* c, size_t* len) noexcept {
  return c != nullptr ? borrowed(c->checkpoint.description, len) : empty_string(len);
}
const char* walkv_checkpoint_state(const walkv_checkpoint_t* c, size_t* len) noexcept {
  return c != nullptr ? borrowed(c->checkpoint.state, len) : empty_string(len);
}
uint64_t walkv_checkpoint_state_hash(const walkv_checkpoint_t* c) noexcept {
  return c != nullptr ? c->checkpoint.state_hash : 0;
}
const char* walkv_checkpoint_key_id(const walkv_checkpoint_t* c, size_t* len) noexcept {
  return c != nullptr ? borrowed(c->checkpoint.key_id, len) : empty_string(len);
}

void walkv_interrupted_destroy(walkv_interrupted_t* session) noexcept { delete session; }
const walkv_session_info_t* walkv_interrupted_info(const walkv_interrupted_t* s) noexcept {
  return s != nullptr ? &s->info : nullptr;
}
const walkv_checkpoint_t* walkv_interrupted_checkpoint(const walkv_interrupted_t* s) noexcept {
  return s != nullptr && s->checkpoint ? &*s->checkpoint : nullptr;
}
const walkv_strlist_t* walkv_interrupted_skipped(const walkv_interrupted_t* s) noexcept {
  return s != nullptr ? &s->skipped : nullptr;
}
walkv_code_t walkv_interrupted_skipped_at(const walkv_interrupted_t* s, size_t index, uint64_t* number,
                                          walkv_skip_reason_t* reason) noexcept {
  if (s == nullptr || index >= s->skipped_checkpoints.size()) return WALKV_INVALID_ARGUMENT;
  const walkv::SkippedCheckpoint& skipped = s->skipped_checkpoints[index];
  if (number != nullptr) *number = skipped.number;
  if (reason != nullptr) *reason = static_cast<walkv_skip_reason_t>(skipped.reason);
  return WALKV_OK;
}
walkv_code_t walkv_interrupted_state_error(const walkv_interrupted_t* s, char** errptr) noexcept {
  if (s == nullptr) return null_argument(errptr, "session");
  return report(errptr, s->state_error);
}

void walkv_interrupted_list_destroy(walkv_interrupted_list_t* list) noexcept { delete list; }
size_t walkv_interrupted_list_count(const walkv_interrupted_list_t* list) noexcept {
  return list != nullptr ? list->items.size() : 0;
}
const walkv_interrupted_t* walkv_interrupted_list_at(const walkv_interrupted_list_t* list, size_t index) noexcept {
  return list != nullptr && index < list->items.size() ? &list->items[index] : nullptr;
}

void walkv_checkpoint_summary_list_destroy(walkv_checkpoint_summary_list_t* list) noexcept { delete list; }

size_t walkv_checkpoint_summary_list_count(const walkv_checkpoint_summary_list_t* list) noexcept {
  return list != nullptr ? list->items.size() : 0;
}

walkv_code_t walkv_checkpoint_summary_list_at(const walkv_checkpoint_summary_list_t* list, size_t index,
                                              walkv_checkpoint_summary_t* out) noexcept {
  if (list == nullptr || out == nullptr || index >= list->items.size()) return WALKV_INVALID_ARGUMENT;
  const walkv::CheckpointSummary& s = list->items[index];
  out->number = s.number;
  out->time_ns = s.time_ns;
  out->step = s.step;
  out->total_steps = s.total_steps;
  out->state_size = s.state_size;
  out->app_version = borrowed(s.app_version, &out->app_version_len);
  out->description = borrowed(s.description, &out->description_len);
  out->key_id = borrowed(s.key_id, &out->key_id_len);
  out->valid = s.problem ? 0 : 1;
  out->problem = s.problem ? static_cast<walkv_skip_reason_t>(s.problem->reason) : WALKV_SKIP_MALFORMED;
  return WALKV_OK;
}

}  // extern "C"
