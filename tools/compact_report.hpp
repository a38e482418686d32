// walkv-compact — how the store's sizes before and after compaction are shown:
// text lines, or one JSON object with "before" and "after" (null on --dry-run).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <walkv/check.hpp>

namespace walkv::tools {

void print_sizes_text(std::ostream& out, const std::string& label, const StoreSizes& sizes);
void print_compaction_json(std::ostream& out, const std::string& dir, const StoreSizes& before,
                           const std::optional<StoreSizes>& after);

}  // namespace walkv::tools
