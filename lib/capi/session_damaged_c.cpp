// walkv C API — sessions whose record is damaged (include/walkv/c.h,
// "Damaged sessions"): listing them and rebuilding their records, a thin
// layer over SessionStore::damaged_sessions / repair and
// list_damaged_sessions (include/walkv/session.hpp), with the list type the
// listings hand out.
#include <string>
#include <vector>

#include "capi/arg_check.hpp"
#include "capi/session_handles.hpp"

// One damaged session as the C list hands it out: the problem is kept as its
// message only (always a corruption Status), NUL-terminated for C.
struct walkv_damaged_list_t {
  struct Entry {
    std::string id;
    std::string problem;
  };
  std::vector<Entry> items;
};

using namespace walkv::capi;

namespace {

walkv_damaged_list_t* wrap_damaged(std::vector<walkv::DamagedSession>&& sessions) {
  auto list = std::make_unique<walkv_damaged_list_t>();
  list->items.reserve(sessions.size());
  for (auto& s : sessions) list->items.push_back({std::move(s.id), s.problem.message()});
  return list.release();
}

}  // namespace

extern "C" {

walkv_code_t walkv_sessions_damaged(walkv_sessions_t* sessions, walkv_damaged_list_t** list,
                                    char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(list, "list").handle(sessions, "sessions").ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->damaged_sessions(); },
      [&](std::vector<walkv::DamagedSession>&& found) { *list = wrap_damaged(std::move(found)); });
}

walkv_code_t walkv_session_repair(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                  walkv_session_info_t** info, char** errptr) noexcept {
  std::string_view i;
  ArgCheck args(errptr);
  args.optional_out(info).handle(sessions, "sessions").bytes(id, id_len, i, "id");
  if (!args.ok()) return args.code();
  return fetch(
      errptr, [&] { return sessions->sessions->repair(i); },
      [&](walkv::SessionInfo&& repaired) {
        if (info != nullptr) *info = new walkv_session_info_t{std::move(repaired)};
      });
}

walkv_code_t walkv_store_list_damaged_sessions(walkv_store_t* store, walkv_damaged_list_t** list,
                                               char** errptr) noexcept {
  ArgCheck args(errptr);
  if (!args.out(list, "list").handle(store, "store").ok()) return args.code();
  return fetch(
      errptr, [&] { return walkv::list_damaged_sessions(*store->store); },
      [&](std::vector<walkv::DamagedSession>&& found) { *list = wrap_damaged(std::move(found)); });
}

void walkv_damaged_list_destroy(walkv_damaged_list_t* list) noexcept { delete list; }

size_t walkv_damaged_list_count(const walkv_damaged_list_t* list) noexcept {
  return list != nullptr ? list->items.size() : 0;
}

walkv_code_t walkv_damaged_list_at(const walkv_damaged_list_t* list, size_t index, const char** id, size_t* id_len,
                                   const char** problem) noexcept {
  if (list == nullptr || index >= list->items.size()) return WALKV_INVALID_ARGUMENT;
  const walkv_damaged_list_t::Entry& entry = list->items[index];
  const char* i = borrowed(entry.id, id_len);
  if (id != nullptr) *id = i;
  if (problem != nullptr) *problem = entry.problem.c_str();
  return WALKV_OK;
}

}  // extern "C"
