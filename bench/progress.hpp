// walkv-bench — one progress line per measured cell on stderr (stdout carries
// only the Markdown report).
#pragma once

#include <string>

namespace walkv_bench {

void progress(const std::string& line);

}  // namespace walkv_bench
