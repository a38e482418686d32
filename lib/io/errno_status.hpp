// walkv io layer — errno values as Status, the one mapping every layer uses.
//
// Thread-safety: all functions are thread-safe (unlike std::strerror, which
// POSIX allows to return a buffer shared between threads).
#pragma once

#include <string>
#include <string_view>

#include <walkv/status.hpp>

namespace walkv::io {

// The Code for an errno value: ENOSPC and EDQUOT -> no_space, ENOENT ->
// not_found, anything else -> io_error.
Code code_for_errno(int err) noexcept;

// The system's text for an errno value, e.g. "No space left on device".
std::string errno_text(int err);

// Status(code_for_errno(err), "<what>: <errno text>"); `what` names the
// operation and the file, e.g. "fdatasync wal/0000000000000001.wal".
Status errno_status(int err, std::string_view what);

}  // namespace walkv::io
