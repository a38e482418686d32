// walkv C API — the session handle types behind include/walkv/c.h
// ("Sessions", "Checkpointer") and the conversions between them and the C++
// session types. Internal: never installed.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <walkv/checkpointer.hpp>
#include <walkv/session.hpp>

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

struct walkv_checkpoint_summary_list_t {
  std::vector<walkv::CheckpointSummary> items;
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

// A SessionStore shared by the caller's handle and every checkpointer started
// on it: the last of them to let go destroys it and detaches from the store,
// so walkv_sessions_close() before walkv_checkpointer_close() is safe.
struct walkv_sessions_t {
  std::unique_ptr<walkv::SessionStore> sessions;
  walkv_store_t* store = nullptr;
  std::atomic<std::size_t> references{1};
};

struct walkv_checkpointer_t {
  std::unique_ptr<walkv::Checkpointer> checkpointer;
  walkv_sessions_t* sessions = nullptr;  // one reference held
};

namespace walkv::capi {

// Takes one more reference to `sessions`.
void retain(walkv_sessions_t* sessions) noexcept;
// Drops one reference; the last one destroys the SessionStore and detaches
// it from its store.
void release(walkv_sessions_t* sessions) noexcept;

walkv_interrupted_t wrap(InterruptedSession&& session);
InterruptedSession unwrap(const walkv_interrupted_t& session);
walkv_interrupted_list_t* wrap_list(std::vector<InterruptedSession>&& sessions);
walkv_session_list_t* wrap_list(std::vector<SessionInfo>&& infos);

// Hands `items` to the caller through `out` (nothing when `out` is NULL).
void give_strings(std::vector<std::string>&& items, walkv_strlist_t** out);

// Copies `count` (>= 1) C byte strings into `out`. Errors (stored in
// errptr): invalid_argument for count 0 or a NULL pointer with a non-zero
// length.
walkv_code_t copy_parts(const char* const* parts, const std::size_t* part_lens, std::size_t count,
                        std::vector<std::string>& out, char** errptr);

// Runs `call` (returning Result<T>) behind the exception barrier and gives
// its value to `deliver` on success; the error's code and message otherwise.
template <class Call, class Deliver>
walkv_code_t fetch(char** errptr, Call&& call, Deliver&& deliver) noexcept {
  return guarded(errptr, [&] {
    auto result = call();
    if (!result) return report(errptr, result.error());
    deliver(std::move(*result));
    return WALKV_OK;
  });
}

}  // namespace walkv::capi
