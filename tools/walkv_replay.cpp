// walkv-replay [verify] DIR | dump DIR | sessions DIR | repair DIR — inspects
// (and, with repair --yes, repairs) a walkv store's write-ahead log; verify
// also checks the LMDB snapshot's entry checksums. See docs/tools.md and
// walkv-replay(1).
//
// Everything but `repair --yes` is read-only and takes no lock, so it works
// on a store that a running process holds, on a point-in-time view.
// Exit: 0 clean (or only a torn tail), 1 damage found (log or snapshot), 2
// usage error, not a store, store locked (repair --yes), newer snapshot
// format, I/O error.
#include <iostream>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "exit_code.hpp"
#include "replay_args.hpp"

namespace {

using namespace walkv;
using namespace walkv::tools;

const std::map<std::string, RecoveryMode> kModes = {
    {"tolerate_corrupted_tail", RecoveryMode::tolerate_corrupted_tail},
    {"absolute_consistency", RecoveryMode::absolute_consistency},
    {"point_in_time", RecoveryMode::point_in_time},
    {"skip_corrupted", RecoveryMode::skip_corrupted},
};

constexpr const char* kDescription =
    "Inspects a walkv store's write-ahead log (and, with verify, its snapshot's checksums) without changing it "
    "(verify, dump, sessions), or repairs the log (repair --yes). Read-only commands take no lock: they work on "
    "a store a running process holds, on a consistent point-in-time view.";

constexpr const char* kFooter = R"(Examples:
  walkv-replay /var/lib/gw/store                      verify (the default command)
  walkv-replay dump /var/lib/gw/store --from 100 --to 200 --values
  walkv-replay dump /var/lib/gw/store --json --redact | jq .
  walkv-replay sessions /var/lib/gw/store
  walkv-replay repair /var/lib/gw/store --mode point_in_time          dry run: what would be cut
  walkv-replay repair /var/lib/gw/store --mode point_in_time --yes    do it (keeps wal/<segment>.broken)

Exit status:
  0  the log is clean, or has only a torn tail (which open cuts off), and no snapshot entry fails its
     checksum; repair done or nothing to do
  1  damage found (corruption in the log or the snapshot, or damaged session records), or repair refused it in this mode
  2  usage error, not a walkv store, store locked by another process (repair --yes), a snapshot format
     newer than this walkv reads, I/O error)";

void add_json(CLI::App& app, ReplayArgs& args) {
  app.add_flag("--json", args.json, "JSON Lines: one object per line with a \"type\" field");
}

void add_dir(CLI::App& app, ReplayArgs& args, bool required) {
  auto* dir = app.add_option("DIR", args.dir, "store directory");
  if (required) dir->required();
}

void add_mode(CLI::App& app, ReplayArgs& args) {
  app.add_option("--mode", args.mode,
                 "recovery mode: tolerate_corrupted_tail (default: cut a torn tail), absolute_consistency, "
                 "point_in_time (cut at the first damage), skip_corrupted (salvage around damage)")
      ->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case))
      ->option_text("MODE");
}

void add_dump(CLI::App& app, ReplayArgs& args) {
  auto* dump = app.add_subcommand("dump", "print every operation of the log: sequence, segment, offset, op, key, "
                                          "value size");
  add_dir(*dump, args, true);
  add_json(*dump, args);
  dump->add_option("--from", args.range.from, "first sequence to print (default: the first in the log)");
  dump->add_option("--to", args.range.to, "last sequence to print (default: the last)");
  auto* values = dump->add_flag_callback("--values", [&args] { args.values = ValueDisplay::escaped; },
                                         "print values (printable ASCII kept, other bytes as \\xNN)");
  auto* hex = dump->add_flag_callback("--hex", [&args] { args.values = ValueDisplay::hex; },
                                      "print values in hexadecimal");
  dump->add_flag_callback("--redact", [&args] { args.values = ValueDisplay::redacted; },
                          "never print values: only their size and XXH3-64 digest")
      ->excludes(values)
      ->excludes(hex);
  values->excludes(hex);
  dump->callback([&args] { args.command = ReplayCommand::dump; });
}

// Returns -1 when parsing succeeded, else the exit code (0 after --help/--version).
int parse_args(int argc, char** argv, ReplayArgs& args) {
  CLI::App app{kDescription, kReplayTool};
  app.footer(kFooter);
  app.set_version_flag("--version", WALKV_VERSION);
  app.require_subcommand(0, 1);
  add_dir(app, args, false);
  add_json(app, args);
  // Older spelling of `repair DIR --yes`.
  auto* repair_flag = app.add_flag("--repair", args.yes, "same as `repair DIR --yes`");
  app.add_option("--mode", args.mode, "recovery mode for --repair (see `repair --help`)")
      ->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case))
      ->option_text("MODE")
      ->needs(repair_flag);

  auto* verify = app.add_subcommand("verify", "verify every frame and the snapshot's checksums; show what open's "
                                              "recovery would do and the interrupted sessions (the default)");
  add_dir(*verify, args, true);
  add_json(*verify, args);
  add_dump(app, args);
  auto* sessions = app.add_subcommand("sessions", "list the interrupted sessions and every session with its status "
                                                  "and latest checkpoint");
  add_dir(*sessions, args, true);
  add_json(*sessions, args);
  sessions->callback([&args] { args.command = ReplayCommand::sessions; });
  auto* repair = app.add_subcommand("repair", "apply a recovery mode to the log on disk; a dry run unless --yes");
  add_dir(*repair, args, true);
  add_json(*repair, args);
  add_mode(*repair, args);
  repair->add_flag("--yes", args.yes, "change the files (takes the store's lock; keeps wal/<segment>.broken)");
  repair->callback([&args] { args.command = ReplayCommand::repair; });
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty() && args.dir.empty()) throw CLI::RequiredError("DIR");
    if (*repair_flag) args.command = ReplayCommand::repair;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_error;
  }
  return -1;
}

int run(const ReplayArgs& args) {
  switch (args.command) {
    case ReplayCommand::verify: return run_verify(args);
    case ReplayCommand::dump: return run_dump(args);
    case ReplayCommand::sessions: return run_sessions(args);
    case ReplayCommand::repair: return run_repair(args);
  }
  return exit_error;
}

}  // namespace

int main(int argc, char** argv) {
  ReplayArgs args;
  int parsed = parse_args(argc, argv, args);
  if (parsed >= 0) return parsed;
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << kReplayTool << ": " << e.what() << '\n';
    return exit_error;
  }
}
