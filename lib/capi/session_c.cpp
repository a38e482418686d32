// walkv C API — sessions and checkpoints (include/walkv/c.h, "Sessions"),
// a thin layer over walkv::SessionStore (include/walkv/session.hpp).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "capi/arg_check.hpp"
#include "capi/session_handles.hpp"

using namespace walkv::capi;

namespace {

walkv::EncryptionKey make_key(std::string_view id, const unsigned char* key) {
  walkv::EncryptionKey k;
  k.id = std::string(id);
  std::memcpy(k.key.data(), key, k.key.size());
  return k;
}

// Starts the checks of a per-session call: the sessions handle, then the
// session id (or id prefix) named `id_name`.
ArgCheck& session_id(ArgCheck& args, walkv_sessions_t* sessions, const char* id, size_t id_len, std::string_view& out,
                     const char* id_name = "id") noexcept {
  return args.handle(sessions, "sessions").bytes(id, id_len, out, id_name);
}

std::chrono::nanoseconds clamp_ns(uint64_t ns) {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<std::int64_t>::max());
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(ns, max)));
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
  if (value < WALKV_SKIP_MALFORMED || value > WALKV_SKIP_DAMAGED) return "unknown";
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

walkv_code_t walkv_resume_notice(const walkv_interrupted_t* session, uint64_t now_ns, char** notice,
                                 char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(notice, "notice").handle(session, "session").ok()) return args.code();
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
  ArgCheck args(errptr);
  if (!args.out(sessions, "sessions").handle(store, "store").ok()) return args.code();
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
  if (sessions != nullptr) release(sessions);
}

walkv_code_t walkv_session_create(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* description,
                                  size_t description_len, char** errptr) noexcept {
  std::string_view i, d;
  ArgCheck args(errptr);
  if (!session_id(args, sessions, id, id_len, i).bytes(description, description_len, d, "description").ok())
    return args.code();
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->create(i, d)); });
}

walkv_code_t walkv_session_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* state,
                                      size_t state_len, uint32_t step, uint32_t total_steps, const char* description,
                                      size_t description_len, const char* app_version, size_t app_version_len,
                                      uint64_t* number, char** errptr) noexcept {
  std::string_view i, s, d, v;
  if (number != nullptr) *number = 0;
  ArgCheck args(errptr);
  session_id(args, sessions, id, id_len, i).bytes(state, state_len, s, "state");
  args.bytes(description, description_len, d, "description").bytes(app_version, app_version_len, v, "app_version");
  if (!args.ok()) return args.code();
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
  ArgCheck args(errptr);
  if (!session_id(args, sessions, id, id_len, i).ok()) return args.code();
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->complete(i)); });
}

walkv_code_t walkv_session_fail(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* reason,
                                size_t reason_len, char** errptr) noexcept {
  std::string_view i, r;
  ArgCheck args(errptr);
  if (!session_id(args, sessions, id, id_len, i).bytes(reason, reason_len, r, "reason").ok()) return args.code();
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->fail(i, r)); });
}

namespace {

using IndexCall = walkv::Status (walkv::SessionStore::*)(std::string_view, std::string_view, std::string_view);

walkv_code_t index_call(IndexCall call, walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                        size_t name_len, const char* value, size_t value_len, char** errptr) noexcept {
  std::string_view i, n, v;
  ArgCheck args(errptr);
  session_id(args, sessions, id, id_len, i).bytes(name, name_len, n, "name").bytes(value, value_len, v, "value");
  if (!args.ok()) return args.code();
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
  ArgCheck args(errptr);
  if (!session_id(args, sessions, id, id_len, i).bytes(name, name_len, n, "name").ok()) return args.code();
  return guarded(errptr, [&] {
    std::optional<std::string_view> v;
    if (value != nullptr) v = std::string_view(value, value_len);
    return report(errptr, sessions->sessions->remove_index(i, n, v));
  });
}

walkv_code_t walkv_sessions_find(walkv_sessions_t* sessions, const char* name, size_t name_len, const char* value,
                                 size_t value_len, walkv_strlist_t** ids, char** errptr) noexcept {
  std::string_view n, v;
  ArgCheck args(errptr);
  args.out(ids, "ids").handle(sessions, "sessions");
  args.bytes(name, name_len, n, "name").bytes(value, value_len, v, "value");
  if (!args.ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->find(n, v); },
      [&](std::vector<std::string>&& found) { give_strings(std::move(found), ids); });
}

walkv_code_t walkv_session_info(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                walkv_session_info_t** info, char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  args.out(info, "info");
  if (!session_id(args, sessions, id, id_len, i).ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->info(i); },
      [&](auto&& found) {
        if (found) *info = new walkv_session_info_t{std::move(*found)};
      });
}

walkv_code_t walkv_sessions_list(walkv_sessions_t* sessions, const char* id_prefix, size_t id_prefix_len,
                                 walkv_session_list_t** list, char** errptr) noexcept {
  std::string_view p;
  ArgCheck args(errptr);
  args.out(list, "list");
  if (!session_id(args, sessions, id_prefix, id_prefix_len, p, "id_prefix").ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->list(p); },
      [&](std::vector<walkv::SessionInfo>&& found) { *list = wrap_list(std::move(found)); });
}

walkv_code_t walkv_session_latest_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                             walkv_checkpoint_t** checkpoint, walkv_strlist_t** skipped,
                                             char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  args.out(checkpoint, "checkpoint").optional_out(skipped);
  if (!session_id(args, sessions, id, id_len, i).ok()) return args.code();
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
  std::string_view i;
  ArgCheck args(errptr);
  args.out(checkpoint, "checkpoint");
  if (!session_id(args, sessions, id, id_len, i).ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->load_checkpoint(i, number); },
      [&](auto&& found) {
        if (found) *checkpoint = new walkv_checkpoint_t{std::move(*found)};
      });
}

walkv_code_t walkv_sessions_interrupted(walkv_sessions_t* sessions, walkv_interrupted_list_t** list,
                                        char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(list, "list").handle(sessions, "sessions").ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->interrupted(); },
      [&](std::vector<walkv::InterruptedSession>&& found) { *list = wrap_list(std::move(found)); });
}

walkv_code_t walkv_session_resume(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                  walkv_interrupted_t** session, char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  args.out(session, "session");
  if (!session_id(args, sessions, id, id_len, i).ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->resume(i); },
      [&](walkv::InterruptedSession&& resumed) { *session = new walkv_interrupted_t(wrap(std::move(resumed))); });
}

walkv_code_t walkv_session_list_checkpoints(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                            walkv_checkpoint_summary_list_t** list, char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  args.out(list, "list");
  if (!session_id(args, sessions, id, id_len, i).ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->list_checkpoints(i); },
      [&](std::vector<walkv::CheckpointSummary>&& found) {
        *list = new walkv_checkpoint_summary_list_t{std::move(found)};
      });
}

walkv_code_t walkv_session_drop(walkv_sessions_t* sessions, const char* id, size_t id_len, char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  if (!session_id(args, sessions, id, id_len, i).ok()) return args.code();
  return guarded(errptr, [&] { return report(errptr, sessions->sessions->drop(i)); });
}

walkv_code_t walkv_sessions_drop_prefix(walkv_sessions_t* sessions, const char* id_prefix, size_t id_prefix_len,
                                        walkv_strlist_t** dropped, char** errptr) noexcept {
  if (dropped != nullptr) *dropped = nullptr;
  std::string_view p;
  ArgCheck args(errptr);
  if (!session_id(args, sessions, id_prefix, id_prefix_len, p, "id_prefix").ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->drop_prefix(p); },
      [&](std::vector<std::string>&& ids) { give_strings(std::move(ids), dropped); });
}

walkv_code_t walkv_sessions_drop_under(walkv_sessions_t* sessions, const char* const* parts, const size_t* part_lens,
                                       size_t count, walkv_strlist_t** dropped, char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.optional_out(dropped).handle(sessions, "sessions").ok()) return args.code();
  return guarded(errptr, [&] {
    std::vector<std::string> owned;
    if (walkv_code_t code = copy_parts(parts, part_lens, count, owned, errptr); code != WALKV_OK) return code;
    auto ids = sessions->sessions->drop_under(owned);
    if (!ids) return report(errptr, ids.error());
    give_strings(std::move(*ids), dropped);
    return WALKV_OK;
  });
}

walkv_code_t walkv_sessions_cleanup(walkv_sessions_t* sessions, const walkv_cleanup_policy_t* policy, uint64_t now_ns,
                                    walkv_strlist_t** deleted, char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.optional_out(deleted).handle(sessions, "sessions").ok()) return args.code();
  const walkv::CleanupPolicy& p = policy != nullptr ? policy->policy : sessions->sessions->options().cleanup;
  return fetch(
      errptr, [&] { return now_ns == 0 ? sessions->sessions->cleanup(p) : sessions->sessions->cleanup(p, now_ns); },
      [&](walkv::CleanupResult&& result) { give_strings(std::move(result.deleted), deleted); });
}

walkv_code_t walkv_sessions_cleanup_stale(walkv_sessions_t* sessions, uint64_t max_age_ns, walkv_strlist_t** deleted,
                                          char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.optional_out(deleted).handle(sessions, "sessions").ok()) return args.code();
  walkv::CleanupPolicy policy;
  policy.max_age = clamp_ns(max_age_ns);
  return fetch(
      errptr, [&] { return sessions->sessions->cleanup(policy); },
      [&](walkv::CleanupResult&& result) { give_strings(std::move(result.deleted), deleted); });
}

walkv_code_t walkv_store_list_interrupted(walkv_store_t* store, uint64_t live_epoch, walkv_interrupted_list_t** list,
                                          char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(list, "list").handle(store, "store").ok()) return args.code();
  return fetch(
      errptr, [&] { return walkv::list_interrupted(*store->store, live_epoch); },
      [&](std::vector<walkv::InterruptedSession>&& found) { *list = wrap_list(std::move(found)); });
}

walkv_code_t walkv_store_list_sessions(walkv_store_t* store, walkv_session_list_t** list, char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(list, "list").handle(store, "store").ok()) return args.code();
  return fetch(
      errptr, [&] { return walkv::list_sessions(*store->store); },
      [&](std::vector<walkv::SessionInfo>&& found) { *list = wrap_list(std::move(found)); });
}

}  // extern "C"
