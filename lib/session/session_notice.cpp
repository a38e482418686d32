// resume_notice and describe_age: what a gateway shows its user about an
// interrupted session.
#include <walkv/session.hpp>

#include "session/session_read.hpp"

namespace walkv {
namespace {

std::string count_of(std::uint64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s") + " ago";
}

// Control bytes as \xNN; everything else (UTF-8 included) as it is.
std::string displayable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

std::string step_text(std::uint32_t step, std::uint32_t total) {
  if (step == 0 && total == 0) return {};
  std::string text = " at step " + std::to_string(step);
  if (total != 0) text += " of " + std::to_string(total);
  return text;
}

}  // namespace

std::string describe_age(std::uint64_t then_ns, std::uint64_t now_ns) {
  if (then_ns >= now_ns) return "just now";
  std::uint64_t seconds = (now_ns - then_ns) / 1'000'000'000ull;
  if (seconds == 0) return "just now";
  if (seconds < 60) return count_of(seconds, "second");
  if (seconds < 3600) return count_of(seconds / 60, "minute");
  if (seconds < 86400) return count_of(seconds / 3600, "hour");
  return count_of(seconds / 86400, "day");
}

std::string resume_notice(const InterruptedSession& s, std::uint64_t now_ns) {
  const SessionInfo& info = s.info;
  std::uint32_t step = s.checkpoint ? s.checkpoint->step : info.step;
  std::uint32_t total = s.checkpoint ? s.checkpoint->total_steps : info.total_steps;
  const std::string& description = s.checkpoint ? s.checkpoint->description : info.description;

  std::string notice = "Session \"" + displayable(info.id) + "\" was interrupted " +
                       describe_age(info.updated_ns, now_ns) + step_text(step, total);
  if (!description.empty()) notice += " (\"" + displayable(description) + "\")";
  notice += ".";
  if (s.checkpoint && s.state_error.ok()) {
    notice += " It can resume from checkpoint " + std::to_string(s.checkpoint->number) + ".";
  } else if (s.checkpoint) {
    notice += " Checkpoint " + std::to_string(s.checkpoint->number) +
              " cannot be decrypted, so it cannot resume yet: " + s.state_error.message() + ".";
  } else {
    notice += " No checkpoint can be used; it has to start over.";
  }
  if (!s.skipped_checkpoints.empty()) {
    notice += s.checkpoint ? " Skipped newer checkpoint" : " Skipped checkpoint";
    notice += s.skipped_checkpoints.size() == 1 ? " " : "s ";
    for (std::size_t i = 0; i < s.skipped_checkpoints.size(); ++i) {
      const auto& skipped = s.skipped_checkpoints[i];
      if (i != 0) notice += ", ";
      notice += std::to_string(skipped.number) + " (" + displayable(skipped.detail) + ")";
    }
    notice += ".";
  }
  return notice;
}

std::string resume_notice(const InterruptedSession& s) { return resume_notice(s, session::now_ns()); }

}  // namespace walkv
