#include "compact_report.hpp"

#include <nlohmann/json.hpp>

#include "printable.hpp"

namespace walkv::tools {
namespace {

using nlohmann::json;

void emit(std::ostream& out, const json& line) {
  out << line.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

json sizes_json(const StoreSizes& s) {
  return {{"wal_segments", s.wal_segments},
          {"wal_bytes", s.wal_bytes},
          {"snapshot_bytes", s.snapshot_bytes},
          {"total_bytes", s.total()}};
}

void sizes_text(std::ostream& out, const char* label, const StoreSizes& s) {
  out << label << ": wal " << s.wal_bytes << " bytes in " << s.wal_segments << " segment(s), snapshot "
      << s.snapshot_bytes << " bytes, total " << s.total() << " bytes\n";
}

json stats_json(const StoreStatistics& s) {
  return {{"snapshot",
           {{"file_bytes", s.snapshot_bytes},
            {"map_size", s.map_size},
            {"used_bytes", s.used_bytes},
            {"page_size", s.page_size},
            {"depth", s.depth},
            {"branch_pages", s.branch_pages},
            {"leaf_pages", s.leaf_pages},
            {"overflow_pages", s.overflow_pages},
            {"entries", s.entries},
            {"last_txnid", s.last_txnid},
            {"applied_sequence", s.applied_sequence},
            {"open_epoch", s.open_epoch}}},
          {"log",
           {{"segments", s.wal_segments},
            {"file_bytes", s.wal_bytes},
            {"log_bytes", s.log_bytes},
            {"frames", s.frames},
            {"first_sequence", s.first_sequence},
            {"last_sequence", s.last_sequence},
            {"frames_to_replay", s.frames_to_replay},
            {"bytes_to_replay", s.bytes_to_replay}}},
          {"locked", s.locked},
          {"holder_pid", s.holder_pid}};
}

}  // namespace

void CompactReport::plan(const CompactArgs& args, const StoreStatistics& s) {
  if (json_) {
    json line{{"type", "plan"},
              {"store", args.dir},
              {"fold_frames", s.frames_to_replay},
              {"fold_bytes", s.bytes_to_replay},
              {"copy_compact", args.copy_to.empty() ? json(nullptr) : json(args.copy_to)},
              {"swap", args.swap},
              {"locked", s.locked},
              {"holder_pid", s.holder_pid}};
    emit(out_, line);
    return;
  }
  out_ << "dry run: nothing is changed\n"
       << "would fold " << s.frames_to_replay << " frame(s), " << s.bytes_to_replay
       << " byte(s) of log into the snapshot (applied sequence " << s.applied_sequence << " -> "
       << s.last_sequence << ") and delete the segments that made obsolete (now " << s.wal_segments
       << " segment(s), " << s.wal_bytes << " bytes)\n";
  if (!args.copy_to.empty())
    out_ << "would write a compacted copy of the snapshot (" << s.snapshot_bytes << " bytes now) to "
         << printable(args.copy_to) << "/data.mdb\n";
  if (args.swap) out_ << "would swap the copy in for snapshot/data.mdb (the old one is left in the copy's place)\n";
  if (s.locked) out_ << "but the store is in use by pid " << s.holder_pid << ": it would be refused\n";
}

void CompactReport::compaction(const std::string& dir, const StoreSizes& before, const StoreSizes& after) {
  if (json_) {
    emit(out_, json{{"type", "compaction"}, {"store", dir}, {"before", sizes_json(before)}, {"after", sizes_json(after)}});
    return;
  }
  sizes_text(out_, "before", before);
  sizes_text(out_, "after", after);
}

void CompactReport::copy(const std::string& out_dir, const CompactCopy& c) {
  if (json_) {
    emit(out_, json{{"type", "copy"},
                    {"out", out_dir},
                    {"bytes_before", c.bytes_before},
                    {"bytes_after", c.bytes_after},
                    {"swapped", c.swapped}});
    return;
  }
  out_ << "compacted copy: " << printable(out_dir) << "/data.mdb, " << c.bytes_after << " bytes (snapshot was "
       << c.bytes_before << " bytes)\n";
  if (c.swapped)
    out_ << "swapped: snapshot/data.mdb is now the compacted copy; the old snapshot is in " << printable(out_dir)
         << "/data.mdb\n";
}

void CompactReport::stats(const std::string& dir, const StoreStatistics& s) {
  if (json_) {
    json line = stats_json(s);
    line["type"] = "stats";
    line["store"] = dir;
    emit(out_, line);
    return;
  }
  out_ << "store: " << printable(dir) << '\n'
       << "snapshot (LMDB): " << s.snapshot_bytes << " bytes on disk, map size " << s.map_size << ", used "
       << s.used_bytes << ", page size " << s.page_size << '\n'
       << "  data: " << s.entries << " entries, depth " << s.depth << ", " << s.branch_pages << " branch / "
       << s.leaf_pages << " leaf / " << s.overflow_pages << " overflow pages, last txn " << s.last_txnid << '\n'
       << "  applied sequence " << s.applied_sequence << ", open epoch " << s.open_epoch << '\n'
       << "log: " << s.wal_segments << " segment(s), " << s.wal_bytes << " bytes on disk, " << s.log_bytes
       << " bytes of frames\n"
       << "  " << s.frames << " frame(s), sequences " << s.first_sequence << ".." << s.last_sequence << ", "
       << s.frames_to_replay << " frame(s) / " << s.bytes_to_replay << " bytes to replay at open\n";
  if (s.locked) out_ << "in use by pid " << s.holder_pid << '\n';
}

}  // namespace walkv::tools
