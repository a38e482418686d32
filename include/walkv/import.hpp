// walkv — importing the session stores gateways kept before walkv.
//
// Two JSON layouts are read (docs/sessions.md, "Importing legacy stores"):
//   - a file (e.g. sessions.json) holding one object: session key -> entry;
//   - a directory (e.g. sessions.d/) with one file per session named
//     percent-encoded(key) + ".json", holding the entry.
// Each non-null entry becomes a session with id = key (bytes, exactly: keys
// such as "__proto__", "../x" or "a/b" are just ids), status interrupted,
// owner epoch 0, and checkpoint 1 whose state is the entry's JSON text. A
// numeric "updatedAt"/"createdAt" field (milliseconds since the Unix epoch,
// as the legacy stores wrote) becomes the session's updated/created time.
//
// Everything is written in ONE atomic batch (SessionStore::create_many);
// sessions that already exist are left untouched, so a second run imports
// nothing and changes nothing. The sources are only read: files are opened
// read-only, symbolic links inside a directory are refused (reported).
// Problems are reported, never dropped silently: a source that does not parse,
// a null entry, a file name that does not decode, a key that cannot be an id.
//
// Thread-safety: as SessionStore (the import holds every session lock while
// it writes).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/session.hpp>
#include <walkv/status.hpp>
#include <walkv/store.hpp>

namespace walkv {

struct LegacyImportOptions {
  // Application version of the imported states (the legacy JSON). Empty: the
  // SessionStore's SessionOptions::app_version.
  std::string app_version{};
};

struct LegacyProblem {
  enum class Kind { unparseable, null_entry, bad_file_name, invalid_key, not_a_file, too_large };
  Kind kind = Kind::unparseable;
  std::string source;  // the file (or directory entry) concerned
  std::string key;     // the session key, when known
  std::string detail;  // parser message, refusal reason
};
const char* legacy_problem_name(LegacyProblem::Kind kind) noexcept;

struct LegacyImportReport {
  std::size_t sources = 0;          // files and directories read
  std::size_t entries = 0;          // entries found (null entries included)
  std::size_t imported = 0;         // sessions created (by plan_legacy_import: that would be)
  std::size_t already_present = 0;  // sessions that existed: left untouched
  std::size_t duplicates = 0;       // keys found in more than one source (newest updatedAt kept)
  std::vector<std::string> imported_ids;  // ordered by id
  std::vector<LegacyProblem> problems;
  std::vector<std::string> ignored;  // directory entries that are not *.json (e.g. leftover *.tmp)
  bool has_problems() const noexcept { return !problems.empty(); }
};

// Imports `sources` (each a sessions.json-style file or a sessions.d-style
// directory) into `sessions`. Errors (nothing written): not_found / io_error
// for a source that cannot be read at all, invalid_argument for a source that
// is neither a file nor a directory, plus create_many's errors.
Result<LegacyImportReport> import_legacy_sessions(SessionStore& sessions, const std::vector<std::string>& sources,
                                                  const LegacyImportOptions& options = {});

// Reads the sources and reports what import_legacy_sessions would do against
// `store` (a read-only view is fine; nullptr stands for an empty store).
// Writes nothing anywhere. Errors: as import_legacy_sessions, plus
// Store::get's.
Result<LegacyImportReport> plan_legacy_import(const Store* store, const std::vector<std::string>& sources);

// The file-name decoding of the directory layout: "%XX" (either case) is the
// byte 0xXX, every other byte is itself. nullopt for a '%' not followed by
// two hex digits.
std::optional<std::string> decode_legacy_file_name(std::string_view name);

}  // namespace walkv
