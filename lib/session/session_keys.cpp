#include "session/session_keys.hpp"

#include <array>

#include <xxhash.h>

namespace walkv::session {
namespace {

constexpr char kEscapeByte = '\x01';
constexpr char kTerminator = '\x00';
constexpr std::size_t kNumberSize = 8;

std::size_t escaped_size(std::string_view bytes) {
  std::size_t size = bytes.size();
  for (char c : bytes) {
    if (c == '\x00' || c == kEscapeByte) ++size;
  }
  return size;
}

void append_escaped(std::string& out, std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\x00') {
      out += "\x01\x01";
    } else if (c == kEscapeByte) {
      out += "\x01\x02";
    } else {
      out += c;
    }
  }
}

void append_big_endian(std::string& out, std::uint64_t number) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out += static_cast<char>((number >> shift) & 0xff);
  }
}

std::uint64_t read_big_endian(std::string_view bytes) {
  std::uint64_t number = 0;
  for (char c : bytes) number = (number << 8) | static_cast<unsigned char>(c);
  return number;
}

void append_id_hash(std::string& out, std::string_view id) {
  XXH128_hash_t hash = XXH3_128bits(id.data(), id.size());
  append_big_endian(out, hash.high64);
  append_big_endian(out, hash.low64);
}

// Decodes the escaped bytes at the start of `key` up to the terminator.
// Returns them and sets `rest` to the bytes after the terminator.
std::optional<std::string> unescape_until_terminator(std::string_view key, std::string_view& rest) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == kTerminator) {
      rest = key.substr(i + 1);
      return out;
    }
    if (c != kEscapeByte) {
      out += c;
      continue;
    }
    if (i + 1 == key.size()) return std::nullopt;
    char code = key[++i];
    if (code == '\x01') {
      out += '\x00';
    } else if (code == '\x02') {
      out += kEscapeByte;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string with_escaped(std::string_view space, std::string_view bytes, std::size_t extra) {
  std::string out;
  out.reserve(space.size() + escaped_size(bytes) + extra);
  out += space;
  append_escaped(out, bytes);
  return out;
}

}  // namespace

std::string escape_id(std::string_view id) {
  std::string out;
  out.reserve(escaped_size(id));
  append_escaped(out, id);
  return out;
}

Status validate_id(std::string_view id) {
  if (id.empty()) return Status(Code::invalid_argument, "session id is empty");
  if (id.size() > kMaxIdSize) {
    return Status(Code::invalid_argument,
                  "session id is " + std::to_string(id.size()) + " bytes, the limit is " +
                      std::to_string(kMaxIdSize));
  }
  if (escaped_size(id) > kMaxEscapedIdSize) {
    return Status(Code::invalid_argument,
                  "session id holds too many 0x00/0x01 bytes (escaped size over " +
                      std::to_string(kMaxEscapedIdSize) + " bytes)");
  }
  return Status::ok_status();
}

Status validate_index(std::string_view name, std::string_view value) {
  if (name.empty() || name.size() > kMaxIndexNameSize) {
    return Status(Code::invalid_argument, "index name is " + std::to_string(name.size()) +
                                              " bytes; it must be 1 to " + std::to_string(kMaxIndexNameSize));
  }
  if (value.empty() || value.size() > kMaxIndexValueSize) {
    return Status(Code::invalid_argument, "index value is " + std::to_string(value.size()) +
                                              " bytes; it must be 1 to " + std::to_string(kMaxIndexValueSize));
  }
  if (escaped_size(name) + escaped_size(value) > kMaxEscapedIndexSize) {
    return Status(Code::invalid_argument, "index name and value hold too many 0x00/0x01 bytes (escaped size over " +
                                              std::to_string(kMaxEscapedIndexSize) + " bytes)");
  }
  return Status::ok_status();
}

std::string record_key(std::string_view id) {
  std::string key = with_escaped(kRecordSpace, id, 1);
  key += kTerminator;
  return key;
}

std::string checkpoint_prefix(std::string_view id) {
  std::string key = with_escaped(kCheckpointSpace, id, 1 + kNumberSize);
  key += kTerminator;
  return key;
}

std::string checkpoint_key(std::string_view id, std::uint64_t number) {
  std::string key = checkpoint_prefix(id);
  append_big_endian(key, number);
  return key;
}

std::string index_value_prefix(std::string_view name, std::string_view value) {
  std::string key = with_escaped(kIndexSpace, name, escaped_size(value) + 2 + kIdHashSize);
  key += kTerminator;
  append_escaped(key, value);
  key += kTerminator;
  return key;
}

std::string index_key(std::string_view name, std::string_view value, std::string_view id) {
  std::string key = index_value_prefix(name, value);
  append_id_hash(key, id);
  return key;
}

bool index_key_points_at(std::string_view key, std::string_view id) {
  if (!key.starts_with(kIndexSpace) || key.size() < kIndexSpace.size() + kIdHashSize) return false;
  std::string hash;
  append_id_hash(hash, id);
  return key.ends_with(hash);
}

std::string id_prefix_key(std::string_view id_prefix) { return with_escaped(kRecordSpace, id_prefix, 0); }

std::string checkpoint_id_prefix_key(std::string_view id_prefix) {
  return with_escaped(kCheckpointSpace, id_prefix, 0);
}

std::optional<ParsedKey> parse_key(std::string_view key) {
  if (key.size() < 2 || !key.starts_with(kSessionSpace)) return std::nullopt;
  std::string_view space = key.substr(0, 2);
  std::string_view rest;
  auto first = unescape_until_terminator(key.substr(2), rest);
  if (!first) return std::nullopt;
  ParsedKey parsed;
  if (space == kRecordSpace && rest.empty()) {
    parsed.kind = ParsedKey::Kind::record;
    parsed.id = std::move(*first);
    return parsed;
  }
  if (space == kCheckpointSpace && rest.size() == kNumberSize) {
    parsed.kind = ParsedKey::Kind::checkpoint;
    parsed.id = std::move(*first);
    parsed.number = read_big_endian(rest);
    return parsed;
  }
  if (space == kIndexSpace) {
    std::string_view after_value;
    auto value = unescape_until_terminator(rest, after_value);
    if (!value || after_value.size() != kIdHashSize) return std::nullopt;
    parsed.kind = ParsedKey::Kind::index;
    parsed.index_name = std::move(*first);
    parsed.index_value = std::move(*value);
    return parsed;
  }
  return std::nullopt;
}

std::string printable_id(std::string_view id) {
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(id.size());
  for (char c : id) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

}  // namespace walkv::session
