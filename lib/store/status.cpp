#include <walkv/recovery.hpp>
#include <walkv/status.hpp>

namespace walkv {

const char* code_name(Code code) noexcept {
  switch (code) {
    case Code::ok: return "ok";
    case Code::io_error: return "io error";
    case Code::corruption: return "corruption";
    case Code::locked: return "locked";
    case Code::invalid_argument: return "invalid argument";
    case Code::not_supported: return "not supported";
    case Code::poisoned: return "poisoned";
    case Code::no_space: return "no space";
    case Code::not_found: return "not found";
    case Code::version_mismatch: return "version mismatch";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(code_name(code_)) + ": " + message_;
}

const char* recovery_mode_name(RecoveryMode mode) noexcept {
  switch (mode) {
    case RecoveryMode::tolerate_corrupted_tail: return "tolerate_corrupted_tail";
    case RecoveryMode::absolute_consistency: return "absolute_consistency";
    case RecoveryMode::point_in_time: return "point_in_time";
    case RecoveryMode::skip_corrupted: return "skip_corrupted";
  }
  return "unknown";
}

}  // namespace walkv
