// walkv-compact — how the results are shown: text lines, or (--json) one
// JSON object per line with a "type": "plan" (--dry-run), "compaction",
// "copy", "stats".
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <walkv/check.hpp>

#include "compact_args.hpp"

namespace walkv::tools {

class CompactReport {
 public:
  CompactReport(std::ostream& out, bool json) : out_(out), json_(json) {}

  // --dry-run: what would be done.
  void plan(const CompactArgs& args, const StoreStatistics& stats);
  // The fold: sizes before and after.
  void compaction(const std::string& dir, const StoreSizes& before, const StoreSizes& after);
  void copy(const std::string& out_dir, const CompactCopy& copy);
  void stats(const std::string& dir, const StoreStatistics& stats);

 private:
  std::ostream& out_;
  bool json_;
};

}  // namespace walkv::tools
