// walkv — status and result types.
//
// Thread-safety: Status and Result are plain values; distinct objects may be
// used from distinct threads without synchronisation.
//
// Every fallible walkv call returns either a Status (no value) or a
// Result<T> (a tl::expected<T, Status>). "Not found" is never an error: look-ups
// return std::optional. Messages name the file (and byte offset) involved.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace walkv {

// The error codes. Values are stable (they are also the C API's codes).
enum class Code : int {
  ok = 0,
  io_error = 1,          // a system call failed (errno text in the message)
  corruption = 2,        // on-disk data failed a checksum or a structural check
  locked = 3,            // another process or another open holds the store
  invalid_argument = 4,  // the caller passed something walkv refuses (e.g. an oversized key)
  not_supported = 5,     // the operation is not available (e.g. a write on a read-only view)
  poisoned = 6,          // an earlier fdatasync failed; the store refuses all writes until reopened
  no_space = 7,          // ENOSPC/EDQUOT: nothing was written; retry once space is available
  not_found = 8,         // a store or named object (not a key) does not exist, e.g. open without create_if_missing
  version_mismatch = 9,  // data written by an incompatible (newer major) format or application version
};

// Returns a short stable name for `code`, e.g. "corruption".
const char* code_name(Code code) noexcept;

class Status {
 public:
  // An ok status.
  Status() noexcept = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() noexcept { return Status(); }

  bool ok() const noexcept { return code_ == Code::ok; }
  explicit operator bool() const noexcept { return ok(); }
  Code code() const noexcept { return code_; }
  // The human-readable message (empty when ok).
  const std::string& message() const noexcept { return message_; }
  // "<code name>: <message>", or "ok".
  std::string to_string() const;

 private:
  Code code_ = Code::ok;
  std::string message_;
};

template <class T>
using Result = tl::expected<T, Status>;

// Builds the error side of a Result<T>: `return error(Code::corruption, "...")`.
inline tl::unexpected<Status> error(Code code, std::string message) {
  return tl::unexpected<Status>(Status(code, std::move(message)));
}
inline tl::unexpected<Status> error(Status status) { return tl::unexpected<Status>(std::move(status)); }

}  // namespace walkv
