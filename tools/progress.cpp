#include "progress.hpp"

#include <unistd.h>

#include <iostream>

namespace walkv::tools {

Progress::Progress(const char* tool, std::string what)
    : tool_(tool), what_(std::move(what)), enabled_(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  if (shown_) std::cerr << "\r\033[K" << std::flush;
}

void Progress::frames(std::uint64_t count) {
  if (!enabled_) return;
  std::cerr << '\r' << tool_ << ": " << what_ << ": " << count << " frames" << std::flush;
  shown_ = true;
}

void Progress::step(const std::string& what) {
  if (!enabled_) return;
  std::cerr << "\r\033[K" << tool_ << ": " << what_ << ": " << what << "..." << std::flush;
  shown_ = true;
}

}  // namespace walkv::tools
