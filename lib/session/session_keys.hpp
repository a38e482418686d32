// walkv session — the key layout of sessions inside a Store.
//
//   namespace(id)        = "s" + escape(id) + 0x00
//   record key           = namespace(id) + "r"
//   checkpoint key (n)   = namespace(id) + "c" + n as 8 bytes big-endian
//   id prefix (p)        = "s" + escape(p)          (no terminator)
//
// escape maps 0x00 -> 0x01 0x01 and 0x01 -> 0x01 0x02 and keeps every other
// byte. The escaped form never holds 0x00, so the terminator ends the id
// exactly (session "a" never shares a prefix with session "ab"); escaping is
// order preserving, so a scan of "s" yields sessions ordered by id, and
// checkpoint keys of one session sort oldest first.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <walkv/status.hpp>

namespace walkv::session {

// Every session key starts with this byte.
inline constexpr std::string_view kSessionSpace = "s";

// Longest id accepted, in bytes.
inline constexpr std::size_t kMaxIdSize = 256;
// Longest escaped id accepted: a checkpoint key (escaped id + 11 bytes) must
// fit in the store's 511-byte key limit.
inline constexpr std::size_t kMaxEscapedIdSize = 500;

std::string escape_id(std::string_view id);

// ok, or invalid_argument naming the problem (empty, too long).
Status validate_id(std::string_view id);

std::string session_namespace(std::string_view id);
std::string record_key(std::string_view id);
std::string checkpoint_prefix(std::string_view id);
std::string checkpoint_key(std::string_view id, std::uint64_t number);
// The store prefix of every session whose id starts with `id_prefix`.
std::string id_prefix_key(std::string_view id_prefix);

// What a key under kSessionSpace names.
struct ParsedKey {
  enum class Kind { record, checkpoint, other };
  std::string id;
  Kind kind = Kind::other;
  std::uint64_t number = 0;  // for Kind::checkpoint
};
// nullopt when `key` is not a session key (wrong first byte, bad escape, no
// terminator).
std::optional<ParsedKey> parse_key(std::string_view key);

// The id with non-printable bytes as \xNN, for error messages.
std::string printable_id(std::string_view id);

}  // namespace walkv::session
