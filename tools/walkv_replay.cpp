// walkv-replay DIR [--repair [--mode M]] [--json]
//
// Verifies every frame of every segment of a walkv store without changing
// anything, prints what open's recovery would do and the sessions a restart
// would find interrupted. With --repair, applies the recovery to the log on
// disk (damaged segments are first copied to wal/<segment>.broken).
// Works on a store that a running process holds (takes no lock unless --repair).
// Exit: 0 clean or only a torn tail, 1 corruption, 2 usage, not a store, I/O error.
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include <walkv/check.hpp>
#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "exit_code.hpp"
#include "printable.hpp"
#include "replay_report.hpp"

namespace {

using namespace walkv;
using namespace walkv::tools;

constexpr const char* kTool = "walkv-replay";

struct ReplayArgs {
  std::string dir;
  bool repair = false;
  bool json = false;
  RecoveryMode mode = RecoveryMode::tolerate_corrupted_tail;
};

const std::map<std::string, RecoveryMode> kModes = {
    {"tolerate_corrupted_tail", RecoveryMode::tolerate_corrupted_tail},
    {"absolute_consistency", RecoveryMode::absolute_consistency},
    {"point_in_time", RecoveryMode::point_in_time},
    {"skip_corrupted", RecoveryMode::skip_corrupted},
};

// Returns -1 when parsing succeeded, else the exit code (0 after --help/--version).
int parse_args(int argc, char** argv, ReplayArgs& args) {
  CLI::App app{
      "Verifies a walkv store's write-ahead log without changing it, shows what recovery would do "
      "and lists the sessions a restart would find interrupted.\n"
      "Exit status: 0 clean or only a torn tail, 1 corruption found, 2 usage or I/O error."};
  app.set_version_flag("--version", WALKV_VERSION);
  app.add_option("DIR", args.dir, "store directory")->required();
  bool dry_run = false;
  auto* repair = app.add_flag("--repair", args.repair,
                              "apply the recovery to the log on disk (keeps wal/<segment>.broken copies)");
  app.add_flag("--dry-run", dry_run, "only verify (the default)")->excludes(repair);
  app.add_option("--mode", args.mode, "recovery mode used by --repair (default tolerate_corrupted_tail)")
      ->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case))
      ->needs(repair);
  app.add_flag("--json", args.json, "JSON Lines output");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_error;
  }
  return -1;
}

// Where a long run can be followed: one line on stderr, only on a terminal.
void progress(const std::string& what) {
  if (isatty(STDERR_FILENO)) std::cerr << kTool << ": " << what << "...\n";
}

// The read-only view the sessions are listed from: the log as open would see
// it, or, when the log is corrupt, the consistent prefix before the damage.
int show_interrupted_sessions(const ReplayArgs& args, const LogCheck& check, ReplayReport& report) {
  Options options;
  options.create_if_missing = false;
  std::string view;
  if (check.corrupt) {
    options.recovery_mode = RecoveryMode::point_in_time;
    view = "as of the log up to its first damage";
  }
  progress("reading sessions");
  auto store = Store::open_read_only(args.dir, options);
  if (!store) return report_failure(kTool, "cannot list sessions", store.error());
  std::uint64_t live_epoch = check.locked ? check.open_epoch : std::numeric_limits<std::uint64_t>::max();
  auto sessions = list_interrupted(**store, live_epoch);
  if (!sessions) return report_failure(kTool, "cannot list sessions", sessions.error());
  report.sessions(*sessions, view);
  return exit_ok;
}

// Applies the repair, then verifies again. Returns the check after repair.
Result<LogCheck> repair_and_recheck(const ReplayArgs& args, ReplayReport& report) {
  progress("repairing");
  auto repaired = repair_log(args.dir, args.mode);
  if (!repaired) return error(repaired.error());
  report.repair(*repaired, args.mode);
  progress("verifying again");
  auto again = check_log(args.dir);
  if (again) report.check(args.dir, "after repair", *again);
  return again;
}

int run(const ReplayArgs& args) {
  if (!is_store(args.dir)) {
    std::cerr << kTool << ": " << printable(args.dir) << " is not a walkv store (no snapshot/ and wal/)\n";
    return exit_error;
  }
  ReplayReport report(std::cout, args.json ? OutputFormat::json_lines : OutputFormat::text);
  progress("verifying " + args.dir);
  auto check = check_log(args.dir);
  if (!check) return report_failure(kTool, "cannot verify " + args.dir, check.error());
  report.check(args.dir, "verify", *check);

  LogCheck final_check = *check;
  if (args.repair) {
    auto after = repair_and_recheck(args, report);
    if (!after) {
      std::cout.flush();
      return report_failure(kTool, "repair refused", after.error());
    }
    final_check = *after;
  }
  int sessions_exit = show_interrupted_sessions(args, final_check, report);
  LogVerdict verdict = verdict_of(final_check);
  int exit_code = verdict == LogVerdict::corrupt ? exit_problems : exit_ok;
  if (sessions_exit > exit_code) exit_code = sessions_exit;
  report.verdict(verdict, exit_code);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  ReplayArgs args;
  int parsed = parse_args(argc, argv, args);
  if (parsed >= 0) return parsed;
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << kTool << ": " << e.what() << '\n';
    return exit_error;
  }
}
