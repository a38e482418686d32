// walkv C API — sessions and checkpoints (include/walkv/c.h, "Sessions"),
// a thin layer over walkv::SessionStore (include/walkv/session.hpp).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "capi/capi_internal.hpp"

struct walkv_sessionoptions_t {
  walkv::SessionOptions options;
};

struct walkv_cleanup_policy_t {
  walkv::CleanupPolicy policy;
};

struct walkv_strlist_t {
  std::vector<std::string> items;
};

struct walkv_session_info_t {
  walkv::SessionInfo info;
};

struct walkv_session_list_t {
  std::vector<walkv_session_info_t> items;
};

struct walkv_checkpoint_t {
  walkv::Checkpoint checkpoint;
};

struct walkv_interrupted_t {
  walkv_session_info_t info;
  std::optional<walkv_checkpoint_t> checkpoint;
  walkv_strlist_t skipped;
  std::vector<walkv::SkippedCheckpoint> skipped_checkpoints;
  walkv::Status state_error;
};

struct walkv_interrupted_list_t {
  std::vector<walkv_interrupted_t> items;
};

struct walkv_sessions_t {
  std::unique_ptr<walkv::SessionStore> sessions;
  walkv_store_t* store = nullptr;
};

using namespace walkv::capi;

namespace {

walkv_interrupted_t wrap(walkv::InterruptedSession&& s) {
  walkv_interrupted_t out;
  out.info.info = std::move(s.info);
  if (s.checkpoint) out.checkpoint = walkv_checkpoint_t{std::move(*s.checkpoint)};
  out.skipped.items = std::move(s.skipped);
  out.skipped_checkpoints = std::move(s.skipped_checkpoints);
  out.state_error = std::move(s.state_error);
  return out;
}

walkv::InterruptedSession unwrap(const walkv_interrupted_t& s) {
  walkv::InterruptedSession out;
  out.info = s.info.info;
  if (s.checkpoint) out.checkpoint = s.checkpoint->checkpoint;
  out.skipped = s.skipped.items;
  out.skipped_checkpoints = s.skipped_checkpoints;
  out.state_error = s.state_error;
  return out;
}

walkv_interrupted_list_t* wrap_list(std::vector<walkv::InterruptedSession>&& sessions) {
  auto list = std::make_unique<walkv_interrupted_list_t>();
  list->items.reserve(sessions.size());
  for (auto& s : sessions) list->items.push_back(wrap(std::move(s)));
  return list.release();
}

walkv_session_list_t* wrap_list(std::vector<walkv::SessionInfo>&& infos) {
  auto list = std::make_unique<walkv_session_list_t>();
  list->items.reserve(infos.size());
  for (auto& info : infos) list->items.push_back(walkv_session_info_t{std::move(info)});
  return list.release();
}

// Hands `ids` to the caller through `out` (when wanted).
void give_strings(std::vector<std::string>&& ids, walkv_strlist_t** out) {
  if (out == nullptr) return;
  auto list = std::make_unique<walkv_strlist_t>();
  list->items = std::move(ids);
  *out = list.release();
}

walkv::EncryptionKey make_key(std::string_view id, const unsigned char* key) {
  walkv::EncryptionKey k;
  k.id = std::string(id);
  std::memcpy(k.key.data(), key, k.key.size());
  return k;
}

std::chrono::nanoseconds clamp_ns(uint64_t ns) {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<std::int64_t>::max());
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(ns, max)));
}

// Checks the (sessions, id) pair every per-session call takes.
bool check_session_args(walkv_sessions_t* sessions, const char* id, size_t id_len, std::string_view& out,
                        char** errptr, walkv_code_t& code, const char* id_name = "id") noexcept {
  if (sessions == nullptr) {
    code = null_argument(errptr, "sessions");
    return false;
  }
  if (!as_bytes(id, id_len, out)) {
    code = null_argument(errptr, id_name);
    return false;
  }
  return true;
}

}  // namespace

extern "C" {

// ---- names --------------------------------------------------------------------

const char* walkv_session_status_name(walkv_session_status_t status) noexcept {
  int value = static_cast<int>(status);
  if (value < WALKV_SESSION_ACTIVE || value > WALKV_SESSION_INTERRUPTED) return "unknown";
  return walkv::session_status_name(static_cast<walkv::SessionStatus>(value));
}

const char* walkv_skip_reason_name(walkv_skip_reason_t reason) noexcept {
  int value = static_cast<int>(reason);
  if (value < WALKV_SKIP_MALFORMED || value > WALKV_SKIP_INCOMPATIBLE_VERSION) return "unknown";
  return walkv::skip_reason_name(static_cast<walkv::SkipReason>(value));
}

// ---- cleanup policy -------------------------------------------------------------

walkv_cleanup_policy_t* walkv_cleanup_policy_create(void) noexcept { return new (std::nothrow) walkv_cleanup_policy_t(); }
void walkv_cleanup_policy_destroy(walkv_cleanup_policy_t* policy) noexcept { delete policy; }

void walkv_cleanup_policy_set_max_age_ns(walkv_cleanup_policy_t* policy, uint64_t nanoseconds) noexcept {
  if (policy != nullptr) policy->policy.max_age = clamp_ns(nanoseconds);
}
void walkv_cleanup_policy_clear_max_age(walkv_cleanup_policy_t* policy) noexcept {
  if (policy != nullptr) policy->policy.max_age.reset();
}
void walkv_cleanup_policy_set_max_count(walkv_cleanup_policy_t* policy, uint64_t count) noexcept {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<std::size_t>::max());
  if (policy != nullptr) policy->policy.max_count = static_cast<std::size_t>(std::min(count, max));
}
void walkv_cleanup_policy_clear_max_count(walkv_cleanup_policy_t* policy) noexcept {
  if (policy != nullptr) policy->policy.max_count.reset();
}
void walkv_cleanup_policy_set_keep_completed(walkv_cleanup_policy_t* policy, int value) noexcept {
  if (policy != nullptr) policy->policy.keep_completed = value != 0;
}
void walkv_cleanup_policy_set_keep_failed(walkv_cleanup_policy_t* policy, int value) noexcept {
  if (policy != nullptr) policy->policy.keep_failed = value != 0;
}

// ---- session options --------------------------------------------------------------

walkv_sessionoptions_t* walkv_sessionoptions_create(void) noexcept { return new (std::nothrow) walkv_sessionoptions_t(); }

void walkv_sessionoptions_destroy(walkv_sessionoptions_t* options) noexcept {
  if (options == nullptr) return;
  walkv::SessionOptions& o = options->options;
  if (o.encryption_key) std::fill(o.encryption_key->key.begin(), o.encryption_key->key.end(), 0);
  for (auto& k : o.decryption_keys) std::fill(k.key.begin(), k.key.end(), 0);
  delete options;
}

void walkv_sessionoptions_set_keep_checkpoints(walkv_sessionoptions_t* options, uint32_t count) noexcept {
  if (options != nullptr) options->options.keep_checkpoints = count;
}

void walkv_sessionoptions_set_durability(walkv_sessionoptions_t* options, walkv_durability_t d) noexcept {
  if (options != nullptr) options->options.durability = durability(d);
}

walkv_code_t walkv_sessionoptions_set_app_version(walkv_sessionoptions_t* options, const char* version,
                                                  size_t version_len) noexcept {
  std::string_view v;
  if (options == nullptr || !as_bytes(version, version_len, v)) return WALKV_INVALID_ARGUMENT;
  return guarded(nullptr, [&] {
    options->options.app_version = std::string(v);
    return WALKV_OK;
  });
}

walkv_code_t walkv_sessionoptions_set_cleanup(walkv_sessionoptions_t* options,
                                              const walkv_cleanup_policy_t* policy) noexcept {
  if (options == nullptr) return WALKV_INVALID_ARGUMENT;
  options->options.cleanup = policy != nullptr ? policy->policy : walkv::CleanupPolicy{};
  return WALKV_OK;
}

walkv_code_t walkv_sessionoptions_set_encryption_key(walkv_sessionoptions_t* options, const char* key_id,
                                                     size_t key_id_len, const unsigned char key[32]) noexcept {
  std::string_view id;
  if (options == nullptr || key == nullptr || !as_bytes(key_id, key_id_len, id)) return WALKV_INVALID_ARGUMENT;
  return guarded(nullptr, [&] {
    options->options.encryption_key = make_key(id, key);
    return WALKV_OK;
  });
}

walkv_code_t walkv_sessionoptions_add_decryption_key(walkv_sessionoptions_t* options, const char* key_id,
                                                     size_t key_id_len, const unsigned char key[32]) noexcept {
  std::string_view id;
  if (options == nullptr || key == nullptr || !as_bytes(key_id, key_id_len, id)) return WALKV_INVALID_ARGUMENT;
  return guarded(nullptr, [&] {
    options->options.decryption_keys.push_back(make_key(id, key));
    return WALKV_OK;
  });
}

// ---- result objects -----------------------------------------------------------------

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

walkv_code_t walkv_resume_notice(const walkv_interrupted_t* session, uint64_t now_ns, char** notice,
                                 char** errptr) noexcept {
  if (notice == nullptr) return null_argument(errptr, "notice");
  *notice = nullptr;
  if (session == nullptr) return null_argument(errptr, "session");
  return guarded(errptr, [&] {
    walkv::InterruptedSession s = unwrap(*session);
    std::string text = now_ns == 0 ? walkv::resume_notice(s) : walkv::resume_notice(s, now_ns);
    char* copy = copy_out(text);
    if (copy == nullptr) throw std::bad_alloc();
    *notice = copy;
    return WALKV_OK;
  });
}

// ---- the session store ------------------------------------------------------------------

walkv_code_t walkv_sessions_open(walkv_store_t* store, const walkv_sessionoptions_t* options,
                                 walkv_sessions_t** sessions, char** errptr) noexcept {
  if (sessions == nullptr) return null_argument(errptr, "sessions");
  *sessions = nullptr;
  if (store == nullptr) return null_argument(errptr, "store");
  return guarded(errptr, [&] {
    auto opened = walkv::SessionStore::open(*store->store, options != nullptr ? options->options
                                                                              : walkv::SessionOptions{});
    if (!opened) return report(errptr, opened.error());
    auto handle = std::make_unique<walkv_sessions_t>();
    handle->sessions = std::move(*opened);
    handle->store = store;
    store->attached_sessions.fetch_add(1);
    *sessions = handle.release();
    return WALKV_OK;
  });
}

void walkv_sessions_close(walkv_sessions_t* sessions) noexcept {
  if (sessions == nullptr) return;
  walkv_store_t* store = sessions->store;
  delete sessions;
  store->attached_sessions.fetch_sub(1);
}

walkv_code_t walkv_session_create(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* description,
                                  size_t description_len, char** errptr) noexcept {
  std::string_view i, d;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  if (!as_bytes(description, description_len, d)) return null_argument(errptr, "description");
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->create(i, d)); });
}

walkv_code_t walkv_session_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* state,
                                      size_t state_len, uint32_t step, uint32_t total_steps, const char* description,
                                      size_t description_len, const char* app_version, size_t app_version_len,
                                      uint64_t* number, char** errptr) noexcept {
  std::string_view i, s, d, v;
  walkv_code_t code = WALKV_OK;
  if (number != nullptr) *number = 0;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  if (!as_bytes(state, state_len, s)) return null_argument(errptr, "state");
  if (!as_bytes(description, description_len, d)) return null_argument(errptr, "description");
  if (!as_bytes(app_version, app_version_len, v)) return null_argument(errptr, "app_version");
  return guarded(errptr, [&] {
    walkv::CheckpointData data;
    data.state = std::string(s);
    data.step = step;
    data.total_steps = total_steps;
    data.description = std::string(d);
    data.app_version = std::string(v);
    auto written = sessions->sessions->checkpoint(i, data);
    if (!written) return report(errptr, written.error());
    if (number != nullptr) *number = *written;
    return WALKV_OK;
  });
}

walkv_code_t walkv_session_complete(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                    char** errptr) noexcept {
  std::string_view i;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->complete(i)); });
}

walkv_code_t walkv_session_fail(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* reason,
                                size_t reason_len, char** errptr) noexcept {
  std::string_view i, r;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  if (!as_bytes(reason, reason_len, r)) return null_argument(errptr, "reason");
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->fail(i, r)); });
}

namespace {

using IndexCall = walkv::Status (walkv::SessionStore::*)(std::string_view, std::string_view, std::string_view);

walkv_code_t index_call(IndexCall call, walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                        size_t name_len, const char* value, size_t value_len, char** errptr) noexcept {
  std::string_view i, n, v;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  if (!as_bytes(name, name_len, n)) return null_argument(errptr, "name");
  if (!as_bytes(value, value_len, v)) return null_argument(errptr, "value");
  return guarded(errptr, [&] { return report(errptr, (sessions->sessions.get()->*call)(i, n, v)); });
}

}  // namespace

walkv_code_t walkv_session_add_index(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                                     size_t name_len, const char* value, size_t value_len, char** errptr) noexcept {
  return index_call(&walkv::SessionStore::add_index, sessions, id, id_len, name, name_len, value, value_len, errptr);
}

walkv_code_t walkv_session_set_index(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                                     size_t name_len, const char* value, size_t value_len, char** errptr) noexcept {
  return index_call(&walkv::SessionStore::set_index, sessions, id, id_len, name, name_len, value, value_len, errptr);
}

walkv_code_t walkv_session_remove_index(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                                        size_t name_len, const char* value, size_t value_len,
                                        char** errptr) noexcept {
  std::string_view i, n;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  if (!as_bytes(name, name_len, n)) return null_argument(errptr, "name");
  return guarded(errptr, [&] {
    std::optional<std::string_view> v;
    if (value != nullptr) v = std::string_view(value, value_len);
    return report(errptr, sessions->sessions->remove_index(i, n, v));
  });
}

walkv_code_t walkv_sessions_find(walkv_sessions_t* sessions, const char* name, size_t name_len, const char* value,
                                 size_t value_len, walkv_strlist_t** ids, char** errptr) noexcept {
  if (ids == nullptr) return null_argument(errptr, "ids");
  *ids = nullptr;
  std::string_view n, v;
  if (sessions == nullptr) return null_argument(errptr, "sessions");
  if (!as_bytes(name, name_len, n)) return null_argument(errptr, "name");
  if (!as_bytes(value, value_len, v)) return null_argument(errptr, "value");
  return guarded(errptr, [&] {
    auto found = sessions->sessions->find(n, v);
    if (!found) return report(errptr, found.error());
    give_strings(std::move(*found), ids);
    return WALKV_OK;
  });
}

walkv_code_t walkv_session_info(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                walkv_session_info_t** info, char** errptr) noexcept {
  if (info == nullptr) return null_argument(errptr, "info");
  *info = nullptr;
  std::string_view i;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  return guarded(errptr, [&] {
    auto found = sessions->sessions->info(i);
    if (!found) return report(errptr, found.error());
    if (*found) *info = new walkv_session_info_t{std::move(**found)};
    return WALKV_OK;
  });
}

walkv_code_t walkv_sessions_list(walkv_sessions_t* sessions, const char* id_prefix, size_t id_prefix_len,
                                 walkv_session_list_t** list, char** errptr) noexcept {
  if (list == nullptr) return null_argument(errptr, "list");
  *list = nullptr;
  std::string_view p;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id_prefix, id_prefix_len, p, errptr, code, "id_prefix")) return code;
  return guarded(errptr, [&] {
    auto found = sessions->sessions->list(p);
    if (!found) return report(errptr, found.error());
    *list = wrap_list(std::move(*found));
    return WALKV_OK;
  });
}

walkv_code_t walkv_session_latest_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                             walkv_checkpoint_t** checkpoint, walkv_strlist_t** skipped,
                                             char** errptr) noexcept {
  if (checkpoint == nullptr) return null_argument(errptr, "checkpoint");
  *checkpoint = nullptr;
  if (skipped != nullptr) *skipped = nullptr;
  std::string_view i;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  return guarded(errptr, [&] {
    std::vector<std::string> passed_over;
    auto found = sessions->sessions->latest_checkpoint(i, &passed_over);
    if (!found) return report(errptr, found.error());
    std::unique_ptr<walkv_checkpoint_t> out;
    if (*found) out.reset(new walkv_checkpoint_t{std::move(**found)});
    give_strings(std::move(passed_over), skipped);
    *checkpoint = out.release();
    return WALKV_OK;
  });
}

walkv_code_t walkv_session_load_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                           uint64_t number, walkv_checkpoint_t** checkpoint,
                                           char** errptr) noexcept {
  if (checkpoint == nullptr) return null_argument(errptr, "checkpoint");
  *checkpoint = nullptr;
  std::string_view i;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  return guarded(errptr, [&] {
    auto found = sessions->sessions->load_checkpoint(i, number);
    if (!found) return report(errptr, found.error());
    if (*found) *checkpoint = new walkv_checkpoint_t{std::move(**found)};
    return WALKV_OK;
  });
}

walkv_code_t walkv_sessions_interrupted(walkv_sessions_t* sessions, walkv_interrupted_list_t** list,
                                        char** errptr) noexcept {
  if (list == nullptr) return null_argument(errptr, "list");
  *list = nullptr;
  if (sessions == nullptr) return null_argument(errptr, "sessions");
  return guarded(errptr, [&] {
    auto found = sessions->sessions->interrupted();
    if (!found) return report(errptr, found.error());
    *list = wrap_list(std::move(*found));
    return WALKV_OK;
  });
}

walkv_code_t walkv_session_resume(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                  walkv_interrupted_t** session, char** errptr) noexcept {
  if (session == nullptr) return null_argument(errptr, "session");
  *session = nullptr;
  std::string_view i;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  return guarded(errptr, [&] {
    auto resumed = sessions->sessions->resume(i);
    if (!resumed) return report(errptr, resumed.error());
    *session = new walkv_interrupted_t(wrap(std::move(*resumed)));
    return WALKV_OK;
  });
}

walkv_code_t walkv_session_drop(walkv_sessions_t* sessions, const char* id, size_t id_len, char** errptr) noexcept {
  std::string_view i;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id, id_len, i, errptr, code)) return code;
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->drop(i)); });
}

walkv_code_t walkv_sessions_drop_prefix(walkv_sessions_t* sessions, const char* id_prefix, size_t id_prefix_len,
                                        walkv_strlist_t** dropped, char** errptr) noexcept {
  if (dropped != nullptr) *dropped = nullptr;
  std::string_view p;
  walkv_code_t code = WALKV_OK;
  if (!check_session_args(sessions, id_prefix, id_prefix_len, p, errptr, code, "id_prefix")) return code;
  return guarded(errptr, [&] {
    auto ids = sessions->sessions->drop_prefix(p);
    if (!ids) return report(errptr, ids.error());
    give_strings(std::move(*ids), dropped);
    return WALKV_OK;
  });
}

walkv_code_t walkv_sessions_cleanup(walkv_sessions_t* sessions, const walkv_cleanup_policy_t* policy, uint64_t now_ns,
                                    walkv_strlist_t** deleted, char** errptr) noexcept {
  if (deleted != nullptr) *deleted = nullptr;
  if (sessions == nullptr) return null_argument(errptr, "sessions");
  return guarded(errptr, [&] {
    const walkv::CleanupPolicy& p = policy != nullptr ? policy->policy : sessions->sessions->options().cleanup;
    auto result = now_ns == 0 ? sessions->sessions->cleanup(p) : sessions->sessions->cleanup(p, now_ns);
    if (!result) return report(errptr, result.error());
    give_strings(std::move(result->deleted), deleted);
    return WALKV_OK;
  });
}

walkv_code_t walkv_sessions_cleanup_stale(walkv_sessions_t* sessions, uint64_t max_age_ns, walkv_strlist_t** deleted,
                                          char** errptr) noexcept {
  if (deleted != nullptr) *deleted = nullptr;
  if (sessions == nullptr) return null_argument(errptr, "sessions");
  return guarded(errptr, [&] {
    walkv::CleanupPolicy policy;
    policy.max_age = clamp_ns(max_age_ns);
    auto result = sessions->sessions->cleanup(policy);
    if (!result) return report(errptr, result.error());
    give_strings(std::move(result->deleted), deleted);
    return WALKV_OK;
  });
}

walkv_code_t walkv_store_list_interrupted(walkv_store_t* store, uint64_t live_epoch, walkv_interrupted_list_t** list,
                                          char** errptr) noexcept {
  if (list == nullptr) return null_argument(errptr, "list");
  *list = nullptr;
  if (store == nullptr) return null_argument(errptr, "store");
  return guarded(errptr, [&] {
    auto found = walkv::list_interrupted(*store->store, live_epoch);
    if (!found) return report(errptr, found.error());
    *list = wrap_list(std::move(*found));
    return WALKV_OK;
  });
}

walkv_code_t walkv_store_list_sessions(walkv_store_t* store, walkv_session_list_t** list, char** errptr) noexcept {
  if (list == nullptr) return null_argument(errptr, "list");
  *list = nullptr;
  if (store == nullptr) return null_argument(errptr, "store");
  return guarded(errptr, [&] {
    auto found = walkv::list_sessions(*store->store);
    if (!found) return report(errptr, found.error());
    *list = wrap_list(std::move(*found));
    return WALKV_OK;
  });
}

}  // extern "C"
