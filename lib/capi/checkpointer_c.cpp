// walkv C API — the Checkpointer (include/walkv/c.h, "Checkpointer"), a thin
// layer over walkv::Checkpointer (include/walkv/checkpointer.hpp).
#include <algorithm>
#include <limits>

#include "capi/arg_check.hpp"
#include "capi/session_handles.hpp"
#include "capi/statistics_c.hpp"

using namespace walkv::capi;

namespace {

// Starts the checks of a per-session call: the checkpointer, then the session id.
ArgCheck& checkpointer_id(ArgCheck& args, walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                          std::string_view& out) noexcept {
  return args.handle(checkpointer, "checkpointer").bytes(id, id_len, out, "id");
}

walkv::CheckpointerOptions checkpointer_options(uint32_t every_messages, uint64_t flush_interval_ns) {
  walkv::CheckpointerOptions options;
  if (every_messages != 0) options.every_messages = every_messages;
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (flush_interval_ns != 0) {
    options.flush_interval = std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(flush_interval_ns, max)));
  }
  return options;
}

}  // namespace

extern "C" {

walkv_code_t walkv_checkpointer_start(walkv_sessions_t* sessions, uint32_t every_messages, uint64_t flush_interval_ns,
                                      walkv_checkpointer_t** checkpointer, char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(checkpointer, "checkpointer").handle(sessions, "sessions").ok()) return args.code();
  return guarded(errptr, [&] {
    auto started =
        walkv::Checkpointer::start(*sessions->sessions, checkpointer_options(every_messages, flush_interval_ns));
    if (!started) return report(errptr, started.error());
    auto handle = std::make_unique<walkv_checkpointer_t>();
    handle->checkpointer = std::move(*started);
    handle->sessions = sessions;
    retain(sessions);
    *checkpointer = handle.release();
    return WALKV_OK;
  });
}

walkv_code_t walkv_checkpointer_message(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                        const char* state, size_t state_len, uint32_t step, uint32_t total_steps,
                                        const char* description, size_t description_len, int* written,
                                        char** errptr) noexcept {
  if (written != nullptr) *written = 0;
  std::string_view i, s, d;
  ArgCheck args(errptr);
  checkpointer_id(args, checkpointer, id, id_len, i).bytes(state, state_len, s, "state");
  args.bytes(description, description_len, d, "description");
  if (!args.ok()) return args.code();
  walkv::CheckpointData data;
  return fetch(
      errptr,
      [&] {
        data.state = std::string(s);
        data.step = step;
        data.total_steps = total_steps;
        data.description = std::string(d);
        return checkpointer->checkpointer->message(i, std::move(data));
      },
      [&](bool wrote) {
        if (written != nullptr) *written = wrote ? 1 : 0;
      });
}

walkv_code_t walkv_checkpointer_identify(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                         const char* name, size_t name_len, const char* value, size_t value_len,
                                         char** errptr) noexcept {
  std::string_view i, n, v;
  ArgCheck args(errptr);
  checkpointer_id(args, checkpointer, id, id_len, i).bytes(name, name_len, n, "name");
  args.bytes(value, value_len, v, "value");
  if (!args.ok()) return args.code();
  return guarded(errptr, [&] { return report(errptr, checkpointer->checkpointer->identify(i, n, v)); });
}

walkv_code_t walkv_checkpointer_flush(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                      char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  if (!checkpointer_id(args, checkpointer, id, id_len, i).ok()) return args.code();
  return guarded(errptr, [&] { return report(errptr, checkpointer->checkpointer->flush(i)); });
}

walkv_code_t walkv_checkpointer_flush_all(walkv_checkpointer_t* checkpointer, char** errptr) noexcept {
  if (checkpointer == nullptr) return null_argument(errptr, "checkpointer");
  return guarded(errptr, [&] { return report(errptr, checkpointer->checkpointer->flush_all()); });
}

walkv_code_t walkv_checkpointer_complete(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                         char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  if (!checkpointer_id(args, checkpointer, id, id_len, i).ok()) return args.code();
  return guarded(errptr, [&] { return report(errptr, checkpointer->checkpointer->complete(i)); });
}

walkv_code_t walkv_checkpointer_fail(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                     const char* reason, size_t reason_len, char** errptr) noexcept {
  std::string_view i, r;
  ArgCheck args(errptr);
  if (!checkpointer_id(args, checkpointer, id, id_len, i).bytes(reason, reason_len, r, "reason").ok())
    return args.code();
  return guarded(errptr, [&] { return report(errptr, checkpointer->checkpointer->fail(i, r)); });
}

size_t walkv_checkpointer_dirty_count(const walkv_checkpointer_t* checkpointer) noexcept {
  return checkpointer != nullptr ? checkpointer->checkpointer->dirty_count() : 0;
}

walkv_code_t walkv_checkpointer_stats(const walkv_checkpointer_t* checkpointer,
                                      walkv_checkpointer_stats_t* stats) noexcept {
  if (checkpointer == nullptr || stats == nullptr) return WALKV_INVALID_ARGUMENT;
  *stats = to_c(checkpointer->checkpointer->stats());
  return WALKV_OK;
}

walkv_code_t walkv_checkpointer_take_errors(walkv_checkpointer_t* checkpointer, walkv_strlist_t** errors,
                                            char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(errors, "errors").handle(checkpointer, "checkpointer").ok()) return args.code();
  return guarded(errptr, [&] {
    std::vector<std::string> texts;
    for (const walkv::Status& s : checkpointer->checkpointer->take_errors()) texts.push_back(s.to_string());
    give_strings(std::move(texts), errors);
    return WALKV_OK;
  });
}

walkv_code_t walkv_checkpointer_close(walkv_checkpointer_t* checkpointer, char** errptr) noexcept {
  if (checkpointer == nullptr) return WALKV_OK;
  walkv_code_t code = guarded(errptr, [&] { return report(errptr, checkpointer->checkpointer->close()); });
  walkv_sessions_t* sessions = checkpointer->sessions;
  delete checkpointer;
  release(sessions);
  return code;
}

}  // extern "C"
