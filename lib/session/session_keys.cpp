#include "session/session_keys.hpp"

#include <array>

namespace walkv::session {
namespace {

constexpr char kEscapeByte = '\x01';
constexpr char kTerminator = '\x00';
constexpr char kRecordTag = 'r';
constexpr char kCheckpointTag = 'c';
constexpr std::size_t kNumberSize = 8;

std::size_t escaped_size(std::string_view id) {
  std::size_t size = id.size();
  for (char c : id) {
    if (c == '\x00' || c == kEscapeByte) ++size;
  }
  return size;
}

void append_escaped(std::string& out, std::string_view id) {
  for (char c : id) {
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

// Decodes the escaped id at the start of `key` up to the terminator. Returns
// the id and sets `rest` to the bytes after the terminator.
std::optional<std::string> unescape_until_terminator(std::string_view key, std::string_view& rest) {
  std::string id;
  for (std::size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == kTerminator) {
      rest = key.substr(i + 1);
      return id;
    }
    if (c != kEscapeByte) {
      id += c;
      continue;
    }
    if (i + 1 == key.size()) return std::nullopt;
    char code = key[++i];
    if (code == '\x01') {
      id += '\x00';
    } else if (code == '\x02') {
      id += kEscapeByte;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
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

std::string session_namespace(std::string_view id) {
  std::string out;
  out.reserve(kSessionSpace.size() + escaped_size(id) + 2 + kNumberSize);
  out += kSessionSpace;
  append_escaped(out, id);
  out += kTerminator;
  return out;
}

std::string record_key(std::string_view id) {
  std::string key = session_namespace(id);
  key += kRecordTag;
  return key;
}

std::string checkpoint_prefix(std::string_view id) {
  std::string key = session_namespace(id);
  key += kCheckpointTag;
  return key;
}

std::string checkpoint_key(std::string_view id, std::uint64_t number) {
  std::string key = checkpoint_prefix(id);
  append_big_endian(key, number);
  return key;
}

std::string id_prefix_key(std::string_view id_prefix) {
  std::string key(kSessionSpace);
  append_escaped(key, id_prefix);
  return key;
}

std::optional<ParsedKey> parse_key(std::string_view key) {
  if (!key.starts_with(kSessionSpace)) return std::nullopt;
  std::string_view rest;
  auto id = unescape_until_terminator(key.substr(kSessionSpace.size()), rest);
  if (!id) return std::nullopt;
  ParsedKey parsed;
  parsed.id = std::move(*id);
  if (rest.size() == 1 && rest[0] == kRecordTag) {
    parsed.kind = ParsedKey::Kind::record;
  } else if (rest.size() == 1 + kNumberSize && rest[0] == kCheckpointTag) {
    parsed.kind = ParsedKey::Kind::checkpoint;
    parsed.number = read_big_endian(rest.substr(1));
  }
  return parsed;
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
