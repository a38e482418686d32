// walkv C API — ArgCheck: the argument checks at the top of a C entry point,
// made in order and stopped at the first bad argument, whose error
// (invalid_argument "<name> must not be NULL") is stored in errptr:
//
//   std::string_view i;
//   ArgCheck args(errptr);
//   if (!args.out(info, "info").handle(sessions, "sessions").bytes(id, id_len, i, "id").ok())
//     return args.code();
//
// Internal: never installed.
#pragma once

#include <cstddef>
#include <string_view>

#include "capi/capi_internal.hpp"

namespace walkv::capi {

class ArgCheck {
 public:
  explicit ArgCheck(char** errptr) noexcept : errptr_(errptr) {}

  // A required out-parameter: must not be NULL; *out is set to NULL, so the
  // caller sees NULL whatever fails later.
  template <class T>
  ArgCheck& out(T** out, const char* name) noexcept {
    handle(out, name);
    if (ok()) *out = nullptr;
    return *this;
  }

  // An optional out-parameter: may be NULL; else *out is set to NULL.
  template <class T>
  ArgCheck& optional_out(T** out) noexcept {
    if (ok() && out != nullptr) *out = nullptr;
    return *this;
  }

  // A handle (or any pointer) that must not be NULL.
  ArgCheck& handle(const void* pointer, const char* name) noexcept {
    if (ok() && pointer == nullptr) code_ = null_argument(errptr_, name);
    return *this;
  }

  // A (data, length) byte string from C, as a string_view in `view`: NULL
  // data is accepted only with length 0 (as_bytes).
  ArgCheck& bytes(const char* data, std::size_t len, std::string_view& view, const char* name) noexcept {
    if (ok() && !as_bytes(data, len, view)) code_ = null_argument(errptr_, name);
    return *this;
  }

  bool ok() const noexcept { return code_ == WALKV_OK; }
  // WALKV_OK, or the code of the first bad argument.
  walkv_code_t code() const noexcept { return code_; }

 private:
  char** errptr_;
  walkv_code_t code_ = WALKV_OK;
};

}  // namespace walkv::capi
