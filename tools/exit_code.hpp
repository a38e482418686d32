// walkv tools — the exit codes every tool shares (design brief §6).
#pragma once

#include <walkv/status.hpp>

namespace walkv::tools {

enum ExitCode : int {
  exit_ok = 0,        // the store is fine (a torn tail counts as fine: recovery cuts it)
  exit_problems = 1,  // damage found (corruption)
  exit_error = 2,     // usage error, not a store, locked, or an I/O error
};

// The exit code for a failed library call: corruption -> 1, anything else -> 2.
ExitCode exit_code_for(const Status& status) noexcept;

// Prints "<tool>: <what>: <status>" to stderr and returns exit_code_for(status).
ExitCode report_failure(const char* tool, const std::string& what, const Status& status);

}  // namespace walkv::tools
