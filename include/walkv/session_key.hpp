// walkv — session ids built from parts (agent, repository, issue, ...).
//
// A gateway that names sessions after several things ("claude", "acme/api",
// "issue 17") needs an id that can be split again and a prefix that selects
// exactly the sessions under some leading parts: dropping issue 1 must never
// drop issue 10. make_session_id gives both:
//
//   make_session_id({"agent", "acme/api", "1"})  ==  "agent/acme%2Fapi/1"
//
// Encoding (stable; docs/sessions.md, "Namespaces"): in each part the bytes
// '%', '/' and the control bytes 0x00-0x1f and 0x7f become "%XX" (two
// upper-case hex digits); every other byte (UTF-8 included) is kept. Parts are
// joined with '/'. Because an encoded part never holds '/', the ids under the
// parts P are exactly make_session_id(P) itself and the ids starting with
// session_id_prefix(P) == make_session_id(P) + "/"; "agent/acme%2Fapi/1/" is
// not a prefix of "agent/acme%2Fapi/10". SessionStore::drop_under uses both.
//
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/status.hpp>

namespace walkv {

// The id made of `parts` (at least one; parts may be empty strings).
// Errors: none here; SessionStore refuses an id longer than 256 bytes.
std::string make_session_id(std::initializer_list<std::string_view> parts);
std::string make_session_id(const std::vector<std::string>& parts);

// make_session_id(parts) + "/": the prefix of every id with more parts than
// `parts` whose leading parts are `parts`.
std::string session_id_prefix(std::initializer_list<std::string_view> parts);
std::string session_id_prefix(const std::vector<std::string>& parts);

// The parts of an id made by make_session_id. Errors: invalid_argument when
// `id` holds a '%' not followed by two hex digits, or an escape that
// make_session_id would not have produced (so split and make round-trip).
Result<std::vector<std::string>> split_session_id(std::string_view id);

}  // namespace walkv
