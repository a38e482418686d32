#include <walkv/session_key.hpp>

#include <array>

namespace walkv {
namespace {

constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                       '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

bool needs_escape(unsigned char byte) { return byte == '%' || byte == '/' || byte < 0x20 || byte == 0x7f; }

void append_part(std::string& out, std::string_view part) {
  for (char c : part) {
    auto byte = static_cast<unsigned char>(c);
    if (needs_escape(byte)) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
}

template <class Parts>
std::string join(const Parts& parts) {
  std::string out;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) out += '/';
    first = false;
    append_part(out, part);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is not what make_session_id writes
}

}  // namespace

std::string make_session_id(std::initializer_list<std::string_view> parts) { return join(parts); }
std::string make_session_id(const std::vector<std::string>& parts) { return join(parts); }
std::string session_id_prefix(std::initializer_list<std::string_view> parts) { return join(parts) + "/"; }
std::string session_id_prefix(const std::vector<std::string>& parts) { return join(parts) + "/"; }

Result<std::vector<std::string>> split_session_id(std::string_view id) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    if (c == '/') {
      parts.emplace_back();
      continue;
    }
    auto byte = static_cast<unsigned char>(c);
    if (c != '%') {
      if (needs_escape(byte)) {
        return error(Code::invalid_argument, "session id holds a byte that make_session_id escapes, unescaped");
      }
      parts.back() += c;
      continue;
    }
    int high = i + 2 < id.size() ? hex_value(id[i + 1]) : -1;
    int low = i + 2 < id.size() ? hex_value(id[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return error(Code::invalid_argument, "session id holds '%' without two upper-case hex digits at byte " +
                                               std::to_string(i));
    }
    auto decoded = static_cast<unsigned char>(high * 16 + low);
    if (!needs_escape(decoded)) {
      return error(Code::invalid_argument, "session id escapes a byte make_session_id keeps, at byte " +
                                               std::to_string(i));
    }
    parts.back() += static_cast<char>(decoded);
    i += 2;
  }
  return parts;
}

}  // namespace walkv
