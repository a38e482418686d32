// walkv C API — the handle types behind include/walkv/c.h and the helpers
// every binding file shares (error reporting, the exception barrier, byte
// string checks). Internal: never installed.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/c.h>
#include <walkv/options.hpp>
#include <walkv/session.hpp>
#include <walkv/status.hpp>
#include <walkv/store.hpp>
#include <walkv/write_batch.hpp>

struct walkv_options_t {
  walkv::Options options;
  // walkv_options_set_recovery_mode got a value outside the enumeration:
  // walkv_open refuses the options (invalid_argument).
  bool bad_recovery_mode = false;
};

struct walkv_writeoptions_t {
  walkv::WriteOptions options;
};

struct walkv_store_t {
  std::unique_ptr<walkv::Store> store;
  // Open walkv_sessions_t handles that refer to this store: walkv_close
  // refuses while any is open (a SessionStore keeps a Store reference).
  std::atomic<std::size_t> attached_sessions{0};
};

struct walkv_writebatch_t {
  walkv::WriteBatch batch;
};

namespace walkv::capi {

static_assert(static_cast<int>(Code::ok) == WALKV_OK);
static_assert(static_cast<int>(Code::io_error) == WALKV_IO_ERROR);
static_assert(static_cast<int>(Code::corruption) == WALKV_CORRUPTION);
static_assert(static_cast<int>(Code::locked) == WALKV_LOCKED);
static_assert(static_cast<int>(Code::invalid_argument) == WALKV_INVALID_ARGUMENT);
static_assert(static_cast<int>(Code::not_supported) == WALKV_NOT_SUPPORTED);
static_assert(static_cast<int>(Code::poisoned) == WALKV_POISONED);
static_assert(static_cast<int>(Code::no_space) == WALKV_NO_SPACE);
static_assert(static_cast<int>(Code::not_found) == WALKV_NOT_FOUND);
static_assert(static_cast<int>(Code::version_mismatch) == WALKV_VERSION_MISMATCH);

// Stores "<code name>: <message>" in *errptr (freeing what was there) when
// errptr is not NULL, and returns `code`. Never throws; when the message
// cannot be allocated, *errptr is left as it was.
walkv_code_t set_error(char** errptr, walkv_code_t code, std::string_view message) noexcept;

// The code of `status`, with its message stored as set_error does (nothing
// is stored for an ok status).
walkv_code_t report(char** errptr, const Status& status) noexcept;

// Copies `bytes` into a malloc'd buffer followed by a NUL byte (for
// walkv_free). nullptr when out of memory.
char* copy_out(std::string_view bytes) noexcept;

// The exception barrier: runs `body` (which returns a walkv_code_t) and turns
// anything it throws into an error code and message. Every C entry point that
// can allocate goes through it, so no exception crosses the C boundary.
template <class Body>
walkv_code_t guarded(char** errptr, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return set_error(errptr, WALKV_IO_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return set_error(errptr, WALKV_IO_ERROR, e.what());
  } catch (...) {
    return set_error(errptr, WALKV_IO_ERROR, "unknown exception");
  }
}

// A (pointer, length) pair from C as a string_view; false for NULL data with
// a non-zero length.
inline bool as_bytes(const char* data, std::size_t len, std::string_view& out) noexcept {
  if (data == nullptr) {
    if (len != 0) return false;
    out = {};
    return true;
  }
  out = std::string_view(data, len);
  return true;
}

inline walkv_code_t null_argument(char** errptr, const char* name) noexcept {
  std::string_view n(name);
  char buf[96];
  std::size_t len = 0;
  for (char c : n.substr(0, 60)) buf[len++] = c;
  for (char c : std::string_view(" must not be NULL")) buf[len++] = c;
  return set_error(errptr, WALKV_INVALID_ARGUMENT, std::string_view(buf, len));
}

// Returns a borrowed string's bytes and stores its length in *len (when set).
inline const char* borrowed(const std::string& s, std::size_t* len) noexcept {
  if (len != nullptr) *len = s.size();
  return s.c_str();
}

inline const char* empty_string(std::size_t* len) noexcept {
  if (len != nullptr) *len = 0;
  return "";
}

inline WriteOptions write_options(const walkv_writeoptions_t* options) noexcept {
  return options != nullptr ? options->options : WriteOptions{};
}

inline Durability durability(walkv_durability_t d) noexcept {
  return d == WALKV_DURABILITY_NONE ? Durability::none : Durability::sync;
}

}  // namespace walkv::capi
