// walkv-compact — the parsed command line.
#pragma once

#include <cstdint>
#include <string>

#include <walkv/options.hpp>

namespace walkv::tools {

inline constexpr const char* kCompactTool = "walkv-compact";

struct CompactArgs {
  std::string dir;
  std::uint64_t segment_size = Options{}.segment_size;
  std::string copy_to;  // --copy-compact OUT (empty: none)
  bool swap = false;    // --swap
  bool stats = false;   // --stats: only print statistics
  bool dry_run = false;
  bool json = false;
};

}  // namespace walkv::tools
