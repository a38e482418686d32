#include "session/app_version.hpp"

#include "session/session_keys.hpp"

namespace walkv::session {
namespace {

constexpr std::size_t kMaxDigits = 9;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..kMaxDigits digits at `pos`; advances pos.
std::optional<std::uint32_t> read_number(std::string_view text, std::size_t& pos) {
  std::size_t start = pos;
  std::uint32_t value = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    if (pos - start == kMaxDigits) return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(text[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

bool printable_tail(std::string_view tail) {
  if (tail.size() < 2) return false;  // "-" or "+" alone
  for (char c : tail) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<std::uint32_t> major_version(std::string_view version) {
  std::size_t pos = 0;
  if (!version.empty() && (version[0] == 'v' || version[0] == 'V')) pos = 1;
  auto major = read_number(version, pos);
  if (!major) return std::nullopt;
  for (int part = 0; part < 2 && pos < version.size() && version[pos] == '.'; ++part) {
    ++pos;
    if (!read_number(version, pos)) return std::nullopt;
  }
  if (pos == version.size()) return major;
  if (version[pos] != '-' && version[pos] != '+') return std::nullopt;
  if (!printable_tail(version.substr(pos))) return std::nullopt;
  return major;
}

std::optional<std::string> version_problem(std::string_view checkpoint_version, std::string_view current) {
  if (current.empty()) return std::nullopt;
  auto current_major = major_version(current);
  if (checkpoint_version.empty()) return std::string("no application version (expected major ") +
                                          (current_major ? std::to_string(*current_major) : std::string("?")) + ")";
  auto major = major_version(checkpoint_version);
  if (!major) {
    return "application version '" + printable_id(checkpoint_version) + "' is not a semantic version";
  }
  if (current_major && *major == *current_major) return std::nullopt;
  return "application version " + printable_id(checkpoint_version) + " is incompatible with " +
         printable_id(current) + " (major " + std::to_string(*major) + ", expected " +
         (current_major ? std::to_string(*current_major) : std::string("?")) + ")";
}

}  // namespace walkv::session
