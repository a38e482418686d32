// Tool tests: running a built program and capturing what it prints.
#pragma once

#include <string>
#include <vector>

namespace walkv::tools_test {

struct ToolRun {
  int exit_code = -1;  // exit status, or 128 + signal number
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
  std::string all() const { return out + err; }
};

// Runs `program` with `args`, waits for it, and returns its exit code and output.
ToolRun run_tool(const std::string& program, const std::vector<std::string>& args);

// As run_tool, but the program's stderr is a terminal (a pseudo-terminal the
// test reads), so that tools show their progress line; stdout is a pipe.
ToolRun run_tool_with_tty_stderr(const std::string& program, const std::vector<std::string>& args);

// The path of a built program, from environment variable `name` (set by meson
// test); throws when it is not set.
std::string tool_path(const char* name);

}  // namespace walkv::tools_test
