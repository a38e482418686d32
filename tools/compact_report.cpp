#include "compact_report.hpp"

#include <nlohmann/json.hpp>

namespace walkv::tools {
namespace {

nlohmann::json sizes_json(const StoreSizes& s) {
  return {{"wal_segments", s.wal_segments},
          {"wal_bytes", s.wal_bytes},
          {"snapshot_bytes", s.snapshot_bytes},
          {"total_bytes", s.total()}};
}

}  // namespace

void print_sizes_text(std::ostream& out, const std::string& label, const StoreSizes& s) {
  out << label << ": wal " << s.wal_bytes << " bytes in " << s.wal_segments << " segment(s), snapshot "
      << s.snapshot_bytes << " bytes, total " << s.total() << " bytes\n";
}

void print_compaction_json(std::ostream& out, const std::string& dir, const StoreSizes& before,
                           const std::optional<StoreSizes>& after) {
  nlohmann::json line{{"store", dir}, {"before", sizes_json(before)}, {"after", nullptr}};
  if (after) line["after"] = sizes_json(*after);
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace walkv::tools
