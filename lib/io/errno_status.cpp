#include "io/errno_status.hpp"

#include <cerrno>
#include <system_error>

namespace walkv::io {

Code code_for_errno(int err) noexcept {
  switch (err) {
    case ENOSPC:
    case EDQUOT: return Code::no_space;
    case ENOENT: return Code::not_found;
    default: return Code::io_error;
  }
}

// std::generic_category's message goes through strerror_r in libstdc++ and
// libc++, so no thread shares its buffer.
std::string errno_text(int err) { return std::generic_category().message(err); }

Status errno_status(int err, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += errno_text(err);
  return Status(code_for_errno(err), std::move(message));
}

}  // namespace walkv::io
