// walkv snapshot — mapping LMDB (and errno) return codes to walkv Status.
//
// Thread-safety: pure functions.
#pragma once

#include <cerrno>
#include <string>
#include <string_view>

#include <lmdb.h>

#include <walkv/status.hpp>

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
    case ENOSPC:
    case EDQUOT:
      return Code::no_space;
    case ENOENT:
      return Code::not_found;
    default:
      return Code::io_error;
  }
}

// "<what> on LMDB snapshot <path>: <LMDB's text>".
inline Status lmdb_status(int rc, std::string_view what, std::string_view path) {
  std::string message(what);
  message += " on LMDB snapshot ";
  message += path;
  message += ": ";
  message += mdb_strerror(rc);
  return Status(lmdb_code(rc), std::move(message));
}

}  // namespace walkv::snapshot_detail
