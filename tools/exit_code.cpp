#include "exit_code.hpp"

#include <iostream>

namespace walkv::tools {

ExitCode exit_code_for(const Status& status) noexcept {
  if (status.ok()) return exit_ok;
  return status.code() == Code::corruption ? exit_problems : exit_error;
}

ExitCode report_failure(const char* tool, const std::string& what, const Status& status) {
  std::cerr << tool << ": " << what << ": " << status.to_string() << '\n';
  return exit_code_for(status);
}

}  // namespace walkv::tools
