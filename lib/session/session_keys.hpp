// walkv session — the key layout of sessions inside a Store.
//
//   record key (id)          = "sr" + escape(id) + 0x00
//   checkpoint key (id, n)   = "sc" + escape(id) + 0x00 + n as 8 bytes big-endian
//   index key (name, value, id)
//                            = "sx" + escape(name) + 0x00 + escape(value) + 0x00
//                              + XXH3-128(id) as 16 bytes big-endian; the value is the id
//   record prefix (p)        = "sr" + escape(p)          (no terminator)
//   checkpoint prefix (p)    = "sc" + escape(p)
//
// escape maps 0x00 -> 0x01 0x01 and 0x01 -> 0x01 0x02 and keeps every other
// byte. The escaped form never holds 0x00, so the terminator ends the id
// exactly (session "a" never shares a prefix with session "ab"); escaping is
// order preserving and prefix preserving, so a scan of "sr" yields the records
// ordered by id (without reading any checkpoint), "sr" + escape(p) selects
// exactly the ids that start with p, and checkpoint keys of one session sort
// oldest first.
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
inline constexpr std::string_view kRecordSpace = "sr";
inline constexpr std::string_view kCheckpointSpace = "sc";
inline constexpr std::string_view kIndexSpace = "sx";

// Longest id accepted, in bytes.
inline constexpr std::size_t kMaxIdSize = 256;
// Longest escaped id accepted: a checkpoint key (2 + escaped id + 1 + 8
// bytes) must fit in the store's 511-byte key limit.
inline constexpr std::size_t kMaxEscapedIdSize = 500;
// Index entries: name and value lengths, and their escaped total (an index
// key is 2 + escaped name + 1 + escaped value + 1 + 16 bytes).
inline constexpr std::size_t kMaxIndexNameSize = 64;
inline constexpr std::size_t kMaxIndexValueSize = 256;
inline constexpr std::size_t kMaxEscapedIndexSize = 491;
inline constexpr std::size_t kIdHashSize = 16;

std::string escape_id(std::string_view id);

// ok, or invalid_argument naming the problem (empty, too long).
Status validate_id(std::string_view id);
// ok, or invalid_argument (empty or oversized name/value).
Status validate_index(std::string_view name, std::string_view value);

std::string record_key(std::string_view id);
std::string checkpoint_prefix(std::string_view id);  // every checkpoint key of `id`
std::string checkpoint_key(std::string_view id, std::uint64_t number);
std::string index_key(std::string_view name, std::string_view value, std::string_view id);
// True when `key` is an index key of session `id`: it ends with the id's hash
// (what an entry whose stored id is damaged can still be matched by).
bool index_key_points_at(std::string_view key, std::string_view id);
// Every index key of (name, value).
std::string index_value_prefix(std::string_view name, std::string_view value);
// The record keys of every session whose id starts with `id_prefix`.
std::string id_prefix_key(std::string_view id_prefix);
// The checkpoint keys of every session whose id starts with `id_prefix`.
std::string checkpoint_id_prefix_key(std::string_view id_prefix);

// What a key under kSessionSpace names.
struct ParsedKey {
  enum class Kind { record, checkpoint, index, other };
  std::string id;            // record, checkpoint
  Kind kind = Kind::other;
  std::uint64_t number = 0;  // checkpoint
  std::string index_name;    // index
  std::string index_value;   // index
};
// nullopt when `key` is not a session key (wrong space, bad escape, no
// terminator, wrong length).
std::optional<ParsedKey> parse_key(std::string_view key);

// The id with non-printable bytes as \xNN, for error messages.
std::string printable_id(std::string_view id);

}  // namespace walkv::session
