// walkv-replay repair: a dry run (what the mode would cut, read-only, no
// lock) unless --yes, which applies it (takes the store's lock; damaged
// segments are first copied to wal/<segment>.broken).
#include <iostream>

#include <walkv/check.hpp>

#include "exit_code.hpp"
#include "progress.hpp"
#include "replay_args.hpp"
#include "replay_report.hpp"

namespace walkv::tools {

namespace {

int dry_run(const ReplayArgs& args, ReplayReport& report) {
  auto check = check_log(args.dir);
  if (!check) return report_failure(kReplayTool, "cannot verify " + args.dir, check.error());
  auto plan = plan_repair(args.dir, args.mode);
  if (!plan) {
    std::cout.flush();
    return report_failure(kReplayTool, std::string("repair refused (mode ") + recovery_mode_name(args.mode) + ")",
                          plan.error());
  }
  report.repair_plan(*plan, args.mode, check->locked ? check->holder_pid : 0);
  return exit_ok;
}

int apply(const ReplayArgs& args, ReplayReport& report) {
  auto before = check_log(args.dir);
  if (!before) return report_failure(kReplayTool, "cannot verify " + args.dir, before.error());
  report.check(args.dir, "verify", *before);
  auto repaired = repair_log(args.dir, args.mode);
  if (!repaired) {
    std::cout.flush();
    return report_failure(kReplayTool, std::string("repair refused (mode ") + recovery_mode_name(args.mode) + ")",
                          repaired.error());
  }
  report.repair(*repaired, args.mode);
  auto after = check_log(args.dir);
  if (!after) return report_failure(kReplayTool, "cannot verify " + args.dir, after.error());
  report.check(args.dir, "after repair", *after);
  const Verdict verdict = verdict_of(*after);
  const int exit_code = is_problem(verdict) ? exit_problems : exit_ok;
  report.verdict(verdict, exit_code);
  return exit_code;
}

}  // namespace

int run_repair(const ReplayArgs& args) {
  if (!require_store(args.dir)) return exit_error;
  ReplayReport report(std::cout, args.json ? OutputFormat::json_lines : OutputFormat::text);
  return args.yes ? apply(args, report) : dry_run(args, report);
}

}  // namespace walkv::tools
