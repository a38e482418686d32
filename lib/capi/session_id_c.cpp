// walkv C API — namespaced session ids (include/walkv/c.h, "Session ids"),
// over include/walkv/session_key.hpp.
#include <walkv/session_key.hpp>

#include "capi/session_handles.hpp"

using namespace walkv::capi;

namespace {

using MakeFn = std::string (*)(const std::vector<std::string>&);

walkv_code_t make_id(MakeFn make, const char* const* parts, const size_t* part_lens, size_t count, char** id,
                     size_t* id_len, char** errptr) noexcept {
  if (id == nullptr) return null_argument(errptr, "id");
  *id = nullptr;
  if (id_len != nullptr) *id_len = 0;
  return guarded(errptr, [&] {
    std::vector<std::string> owned;
    if (walkv_code_t code = copy_parts(parts, part_lens, count, owned, errptr); code != WALKV_OK) return code;
    std::string made = make(owned);
    char* copy = copy_out(made);
    if (copy == nullptr) throw std::bad_alloc();
    *id = copy;
    if (id_len != nullptr) *id_len = made.size();
    return WALKV_OK;
  });
}

}  // namespace

extern "C" {

walkv_code_t walkv_session_id_make(const char* const* parts, const size_t* part_lens, size_t count, char** id,
                                   size_t* id_len, char** errptr) noexcept {
  return make_id(static_cast<MakeFn>(&walkv::make_session_id), parts, part_lens, count, id, id_len, errptr);
}

walkv_code_t walkv_session_id_prefix(const char* const* parts, const size_t* part_lens, size_t count, char** prefix,
                                     size_t* prefix_len, char** errptr) noexcept {
  return make_id(static_cast<MakeFn>(&walkv::session_id_prefix), parts, part_lens, count, prefix, prefix_len, errptr);
}

walkv_code_t walkv_session_id_split(const char* id, size_t id_len, walkv_strlist_t** parts, char** errptr) noexcept {
  if (parts == nullptr) return null_argument(errptr, "parts");
  *parts = nullptr;
  std::string_view i;
  if (!as_bytes(id, id_len, i)) return null_argument(errptr, "id");
  return fetch(
      errptr, [&] { return walkv::split_session_id(i); },
      [&](std::vector<std::string>&& split) { give_strings(std::move(split), parts); });
}

}  // extern "C"
