// walkv session — application versions (semver) and the compatibility rule
// checked before a checkpoint is used: same major version.
//
// Accepted form: optional 'v' or 'V', MAJOR, optionally ".MINOR" and
// ".PATCH" (decimal digits, at most 9 each), optionally "-prerelease" and/or
// "+build" (any printable ASCII). Anything else is not a version.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace walkv::session {

// The major version of `version`, or nullopt when it is not a version.
std::optional<std::uint32_t> major_version(std::string_view version);

// nullopt when a checkpoint written with `checkpoint_version` may be used by
// an application at `current` (empty current: always); else why not, e.g.
// "application version 2.0.0 is incompatible with 1.4.0 (major 2, expected 1)".
std::optional<std::string> version_problem(std::string_view checkpoint_version, std::string_view current);

}  // namespace walkv::session
