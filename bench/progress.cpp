#include "progress.hpp"

#include <chrono>
#include <cstdio>

namespace walkv_bench {

void progress(const std::string& line) {
  static const auto start = std::chrono::steady_clock::now();
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "[%7.1fs] %s\n", t, line.c_str());
}

}  // namespace walkv_bench
