// walkv-compact DIR [--segment-size BYTES] [--dry-run] [--json]
//
// Folds the store's log into its LMDB snapshot and deletes the segments that
// made obsolete, printing the sizes before and after. Takes the store's lock:
// a store held by a running process is refused (exit 2, naming its pid).
// Exit: 0 done, 1 the log is corrupt (open refused it), 2 usage, not a store,
// locked or I/O error.
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <walkv/check.hpp>
#include <walkv/store.hpp>

#include "compact_report.hpp"
#include "exit_code.hpp"
#include "printable.hpp"

namespace {

using namespace walkv;
using namespace walkv::tools;

constexpr const char* kTool = "walkv-compact";

struct CompactArgs {
  std::string dir;
  std::uint64_t segment_size = Options{}.segment_size;
  bool dry_run = false;
  bool json = false;
};

// Returns -1 when parsing succeeded, else the exit code (0 after --help/--version).
int parse_args(int argc, char** argv, CompactArgs& args) {
  CLI::App app{
      "Compacts a walkv store: folds its write-ahead log into the LMDB snapshot and deletes the "
      "segments that made obsolete. Prints the sizes before and after.\n"
      "Exit status: 0 done, 1 corrupt log, 2 usage error, not a store, locked or I/O error."};
  app.set_version_flag("--version", WALKV_VERSION);
  app.add_option("DIR", args.dir, "store directory")->required();
  app.add_option("--segment-size", args.segment_size,
                 "size of the new preallocated WAL segment in bytes (the store's own setting; "
                 "default 64 MiB, minimum 64 KiB)")
      ->check(CLI::Range(std::uint64_t{64} << 10, std::uint64_t{1} << 40));
  app.add_flag("--dry-run", args.dry_run, "only print the current sizes");
  app.add_flag("--json", args.json, "print one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_error;
  }
  return -1;
}

Status compact_store(const CompactArgs& args) {
  Options options;
  options.create_if_missing = false;
  options.segment_size = args.segment_size;
  auto store = Store::open(args.dir, options);
  if (!store) return store.error();
  Status compacted = (*store)->compact();
  Status closed = (*store)->close();
  return compacted.ok() ? closed : compacted;
}

int run(const CompactArgs& args) {
  if (!is_store(args.dir)) {
    std::cerr << kTool << ": " << printable(args.dir) << " is not a walkv store (no snapshot/ and wal/)\n";
    return exit_error;
  }
  auto before = store_sizes(args.dir);
  if (!before) return report_failure(kTool, "cannot measure " + args.dir, before.error());
  std::optional<StoreSizes> after;
  if (!args.dry_run) {
    Status compacted = compact_store(args);
    if (!compacted.ok()) return report_failure(kTool, "cannot compact " + args.dir, compacted);
    auto measured = store_sizes(args.dir);
    if (!measured) return report_failure(kTool, "cannot measure " + args.dir, measured.error());
    after = *measured;
  }
  if (args.json) {
    print_compaction_json(std::cout, args.dir, *before, after);
  } else {
    print_sizes_text(std::cout, "before", *before);
    if (after) print_sizes_text(std::cout, "after", *after);
  }
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CompactArgs args;
  int parsed = parse_args(argc, argv, args);
  if (parsed >= 0) return parsed;
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << kTool << ": " << e.what() << '\n';
    return exit_error;
  }
}
