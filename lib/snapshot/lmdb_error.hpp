// walkv snapshot — mapping LMDB (and errno) return codes to walkv Status.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <lmdb.h>

#include <walkv/status.hpp>

#include "io/errno_status.hpp"

namespace walkv::snapshot_detail {

// LMDB returns either its own MDB_* codes (negative) or an errno value.
inline Code lmdb_code(int rc) noexcept {
  switch (rc) {
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
      return Code::corruption;
    case MDB_VERSION_MISMATCH:
      return Code::version_mismatch;
    case MDB_BAD_VALSIZE:
    case MDB_KEYEXIST:
      return Code::invalid_argument;
    default:
      return io::code_for_errno(rc);
  }
}

// "<what> on LMDB snapshot <path>: <LMDB's text>". LMDB's own codes are
// negative; for an errno value mdb_strerror would return std::strerror's
// text, which is not thread-safe, so io::errno_text gives it instead.
inline Status lmdb_status(int rc, std::string_view what, std::string_view path) {
  std::string message(what);
  message += " on LMDB snapshot ";
  message += path;
  message += ": ";
  message += rc < 0 ? std::string(mdb_strerror(rc)) : io::errno_text(rc);
  return Status(lmdb_code(rc), std::move(message));
}

}  // namespace walkv::snapshot_detail
