// walkv-compact DIR [--segment-size B] [--copy-compact OUT [--swap]] [--stats]
//               [--dry-run] [--json]
//
// Folds the store's log into its LMDB snapshot and deletes the segments that
// made obsolete; optionally writes a compacted copy of the snapshot and swaps
// it in. --stats and --dry-run change nothing and take no lock. Everything
// else takes the store's lock: a store held by a running process is refused
// (exit 2, naming its pid). See docs/tools.md and walkv-compact(1).
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <walkv/check.hpp>
#include <walkv/store.hpp>

#include "compact_args.hpp"
#include "compact_report.hpp"
#include "exit_code.hpp"
#include "file_system.hpp"
#include "printable.hpp"
#include "progress.hpp"

namespace {

using namespace walkv;
using namespace walkv::tools;

constexpr const char* kFooter = R"(Examples:
  walkv-compact /var/lib/gw/store --stats                  LMDB and log statistics (read-only)
  walkv-compact /var/lib/gw/store --dry-run                what would be done
  walkv-compact /var/lib/gw/store                          fold the log into the snapshot
  walkv-compact /var/lib/gw/store --copy-compact /var/lib/gw/compact --swap
                                                           also shrink data.mdb (the old one stays in OUT)

Exit status:
  0  done (or, with --stats / --dry-run, the store could be read)
  1  the log is corrupt: open refused it (see walkv-replay repair)
  2  usage error (also --swap with OUT on another file system than DIR: refused before anything is
     done), not a walkv store, store locked by another process (the message names its pid), I/O error)";

// Returns -1 when parsing succeeded, else the exit code (0 after --help/--version).
int parse_args(int argc, char** argv, CompactArgs& args) {
  CLI::App app{
      "Compacts a walkv store: folds its write-ahead log into the LMDB snapshot and deletes the segments that "
      "made obsolete; optionally writes a compacted copy of the snapshot (free pages dropped) and swaps it in.",
      kCompactTool};
  app.footer(kFooter);
  app.set_version_flag("--version", WALKV_VERSION);
  app.add_option("DIR", args.dir, "store directory")->required();
  app.add_option("--segment-size", args.segment_size,
                 "size of the new preallocated WAL segment in bytes (the store's Options::segment_size; "
                 "default 64 MiB, minimum 64 KiB)")
      ->check(CLI::Range(std::uint64_t{64} << 10, std::uint64_t{1} << 40));
  auto* copy = app.add_option("--copy-compact", args.copy_to,
                              "after folding, write a compacted copy of the LMDB snapshot to OUT/data.mdb "
                              "(OUT is created; it must not hold a data.mdb)")
                   ->option_text("OUT");
  app.add_flag("--swap", args.swap,
               "exchange the compacted copy with snapshot/data.mdb atomically (OUT must be on the store's file "
               "system, else refused with exit 2 before anything is done; the old snapshot is left as "
               "OUT/data.mdb)")
      ->needs(copy);
  app.add_flag("--stats", args.stats, "only print LMDB and log statistics (read-only, no lock)")->excludes(copy);
  app.add_flag("--dry-run", args.dry_run, "only say what would be done (read-only, no lock)");
  app.add_flag("--json", args.json, "JSON Lines: one object per line with a \"type\" field");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_error;
  }
  return -1;
}

int refuse_locked(const CompactArgs& args, std::uint64_t pid) {
  std::cerr << kCompactTool << ": store " << printable(args.dir) << " is in use by pid " << pid
            << "; walkv-compact needs the store's lock: stop that process (or compact from it with "
               "Store::compact) and try again\n";
  return exit_error;
}

// --swap exchanges OUT/data.mdb with snapshot/data.mdb by a rename, which
// cannot be atomic across file systems: refused before anything is done.
int refuse_swap_across_file_systems(const CompactArgs& args) {
  std::cerr << kCompactTool << ": --swap: " << printable(args.copy_to) << " is on another file system than "
            << printable(args.dir) << "; the swap is a rename, which cannot be atomic across file systems. "
            << "Nothing was changed: choose an OUT on the store's file system, or leave out --swap\n";
  return exit_error;
}

Status fold_log(const CompactArgs& args) {
  Options options;
  options.create_if_missing = false;
  options.compaction_trigger = 0;
  options.segment_size = args.segment_size;
  auto store = Store::open(args.dir, options);
  if (!store) return store.error();
  Status compacted = (*store)->compact();
  Status closed = (*store)->close();
  return compacted.ok() ? closed : compacted;
}

int compact(const CompactArgs& args, CompactReport& report) {
  Progress progress(kCompactTool, printable(args.dir));
  auto before = store_sizes(args.dir);
  if (!before) return report_failure(kCompactTool, "cannot measure " + args.dir, before.error());
  progress.step("folding the log into the snapshot");
  if (Status s = fold_log(args); !s.ok()) return report_failure(kCompactTool, "cannot compact " + args.dir, s);
  auto after = store_sizes(args.dir);
  if (!after) return report_failure(kCompactTool, "cannot measure " + args.dir, after.error());
  report.compaction(args.dir, *before, *after);
  if (args.copy_to.empty()) return exit_ok;
  progress.step(args.swap ? "copying and swapping the snapshot" : "copying the snapshot");
  auto copy = copy_compact_snapshot(args.dir, args.copy_to, args.swap);
  if (!copy) return report_failure(kCompactTool, "cannot copy the snapshot to " + args.copy_to, copy.error());
  report.copy(args.copy_to, *copy);
  return exit_ok;
}

int run(const CompactArgs& args) {
  if (!is_store(args.dir)) {
    std::cerr << kCompactTool << ": " << printable(args.dir) << " is not a walkv store (no snapshot/ and wal/)\n";
    return exit_error;
  }
  if (args.swap && !same_file_system(args.copy_to, args.dir + "/snapshot"))
    return refuse_swap_across_file_systems(args);
  CompactReport report(std::cout, args.json);
  auto stats = store_statistics(args.dir);
  if (!stats) return report_failure(kCompactTool, "cannot read " + args.dir, stats.error());
  if (args.stats) {
    report.stats(args.dir, *stats);
    return exit_ok;
  }
  if (args.dry_run) {
    report.plan(args, *stats);
    return exit_ok;
  }
  if (stats->locked) return refuse_locked(args, stats->holder_pid);
  return compact(args, report);
}

}  // namespace

int main(int argc, char** argv) {
  CompactArgs args;
  int parsed = parse_args(argc, argv, args);
  if (parsed >= 0) return parsed;
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << kCompactTool << ": " << e.what() << '\n';
    return exit_error;
  }
}
