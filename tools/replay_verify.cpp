// walkv-replay verify (the default) and sessions: read-only, no lock, on a
// point-in-time view of the store; verify also checks the LMDB snapshot's
// entry checksums (check_snapshot). Both list the sessions whose record is
// damaged (list_damaged_sessions), a problem (exit 1).
#include <algorithm>
#include <iostream>
#include <limits>

#include <walkv/check.hpp>
#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "exit_code.hpp"
#include "printable.hpp"
#include "progress.hpp"
#include "replay_args.hpp"
#include "replay_report.hpp"

namespace walkv::tools {

namespace {

OutputFormat format_of(const ReplayArgs& args) {
  return args.json ? OutputFormat::json_lines : OutputFormat::text;
}

Result<LogCheck> verify_log(const std::string& dir) {
  Progress progress(kReplayTool, "verifying " + printable(dir));
  return check_log(dir, [&progress](std::uint64_t frames) { progress.frames(frames); });
}

// Sessions as a restart would find them: the log as open would see it, or,
// when it is corrupt, the consistent prefix before the first damage.
// The damaged records are read from the same view (list_interrupted and
// list_sessions leave them out).
struct SessionsView {
  std::vector<InterruptedSession> interrupted;
  std::vector<SessionInfo> all;
  std::vector<DamagedSession> damaged;
};

Result<SessionsView> read_sessions(const std::string& dir, const LogCheck& check, bool with_all) {
  const std::uint64_t live_epoch = check.locked ? check.open_epoch : std::numeric_limits<std::uint64_t>::max();
  SessionsView view;
  Status s = read_point_in_time(dir, RecoveryMode::point_in_time, [&](const Store& store) {
    view = SessionsView{};  // an earlier attempt's results are not consistent
    auto interrupted = list_interrupted(store, live_epoch);
    if (!interrupted) return interrupted.error();
    view.interrupted = std::move(*interrupted);
    auto damaged = list_damaged_sessions(store);
    if (!damaged) return damaged.error();
    view.damaged = std::move(*damaged);
    if (!with_all) return Status();
    auto all = list_sessions(store);
    if (!all) return all.error();
    view.all = std::move(*all);
    return Status();
  });
  if (!s.ok()) return error(s);
  return view;
}

std::string view_name(const LogCheck& check) {
  return check.corrupt ? "as of the log up to its first damage" : "";
}

// Reports the interrupted sessions, then the damaged ones; the exit code
// their reading calls for.
int report_sessions(ReplayReport& report, const Result<SessionsView>& sessions, const LogCheck& check) {
  if (!sessions) return report_failure(kReplayTool, "cannot list sessions", sessions.error());
  report.sessions(sessions->interrupted, view_name(check));
  report.damaged_sessions(sessions->damaged);
  return exit_ok;
}

bool has_damaged_sessions(const Result<SessionsView>& sessions) { return sessions && !sessions->damaged.empty(); }

// Verifies the snapshot's checksums and reports them. Returns whether an
// entry is damaged; *exit_code is raised when the snapshot cannot be read.
bool verify_snapshot(ReplayReport& report, const std::string& dir, int* exit_code) {
  auto snapshot = check_snapshot(dir);
  if (!snapshot) {
    *exit_code = std::max(*exit_code, int{report_failure(kReplayTool, "cannot verify the snapshot of " + dir,
                                                         snapshot.error())});
    return false;
  }
  report.snapshot(*snapshot);
  return snapshot->damaged > 0;
}

// Reports the verdict; the exit code is the worst of the verdict's and
// `others_exit` (sessions, an unreadable snapshot).
int finish(ReplayReport& report, Verdict verdict, int others_exit) {
  const int exit_code = std::max(is_problem(verdict) ? int{exit_problems} : int{exit_ok}, others_exit);
  report.verdict(verdict, exit_code);
  return exit_code;
}

}  // namespace

bool require_store(const std::string& dir) {
  if (is_store(dir)) return true;
  std::cerr << kReplayTool << ": " << printable(dir) << " is not a walkv store (no snapshot/ and wal/)\n";
  return false;
}

int run_verify(const ReplayArgs& args) {
  if (!require_store(args.dir)) return exit_error;
  ReplayReport report(std::cout, format_of(args));
  auto check = verify_log(args.dir);
  if (!check) return report_failure(kReplayTool, "cannot verify " + args.dir, check.error());
  report.check(args.dir, "verify", *check);
  auto sessions = read_sessions(args.dir, *check, false);
  // The snapshot's lines follow the log's; the sessions come after both.
  int others_exit = exit_ok;
  const bool snapshot_damaged = verify_snapshot(report, args.dir, &others_exit);
  others_exit = std::max(others_exit, report_sessions(report, sessions, *check));
  return finish(report, verdict_of(*check, snapshot_damaged, has_damaged_sessions(sessions)), others_exit);
}

int run_sessions(const ReplayArgs& args) {
  if (!require_store(args.dir)) return exit_error;
  ReplayReport report(std::cout, format_of(args));
  auto check = verify_log(args.dir);
  if (!check) return report_failure(kReplayTool, "cannot verify " + args.dir, check.error());
  auto sessions = read_sessions(args.dir, *check, true);
  if (!sessions) return report_failure(kReplayTool, "cannot list sessions", sessions.error());
  report.sessions(sessions->interrupted, view_name(*check));
  report.all_sessions(sessions->all);
  report.damaged_sessions(sessions->damaged);
  return finish(report, verdict_of(*check, false, !sessions->damaged.empty()), exit_ok);
}

}  // namespace walkv::tools
