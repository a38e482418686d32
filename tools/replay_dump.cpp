// walkv-replay dump: every operation of the log in the --from/--to range,
// read-only, no lock, on a point-in-time view.
#include <iostream>

#include <walkv/check.hpp>

#include "dump_report.hpp"
#include "exit_code.hpp"
#include "printable.hpp"
#include "progress.hpp"
#include "replay_args.hpp"

namespace walkv::tools {

int run_dump(const ReplayArgs& args) {
  if (!require_store(args.dir)) return exit_error;
  if (args.range.from > args.range.to) {
    std::cerr << kReplayTool << ": --from " << args.range.from << " is after --to " << args.range.to << '\n';
    return exit_error;
  }
  DumpReport report(std::cout, args.json ? OutputFormat::json_lines : OutputFormat::text, args.values);
  Progress progress(kReplayTool, "dumping " + printable(args.dir));
  auto summary = dump_log(
      args.dir, args.range,
      [&report](const LogRecord& record) {
        report.record(record);
        return static_cast<bool>(std::cout);  // stop when stdout is gone (e.g. a closed pipe)
      },
      [&progress](std::uint64_t frames) { progress.frames(frames); });
  if (!summary) return report_failure(kReplayTool, "cannot dump " + args.dir, summary.error());
  report.summary(*summary);
  for (const Corruption& c : summary->corruptions)
    if (!c.torn_tail) return exit_problems;
  return exit_ok;
}

}  // namespace walkv::tools
