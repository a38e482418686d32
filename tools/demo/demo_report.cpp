#include "demo/demo_report.hpp"

#include <iomanip>

namespace walkv::demo {
namespace {

void print_crash(std::ostream& out, const DemoReport& r) {
  out << "crash\n";
  if (r.crash.killed) {
    out << "  child killed with SIGKILL " << r.crash.lifetime_ms << " ms after it started ("
        << r.crash.delay_ms << " ms after its first acknowledgements)\n";
  } else {
    out << "  child ended by itself after " << r.crash.lifetime_ms << " ms, before the kill (exit status "
        << r.crash.exit_status << ")\n";
  }
  out << "  acknowledged:          " << r.verify.acknowledged << " durable checkpoints in " << r.verify.sessions
      << " sessions\n";
}

void print_recovery(std::ostream& out, const DemoReport& r) {
  const RecoveryReport& rec = r.recovery;
  out << "recovery\n"
      << "  replay:                " << rec.frames_replayed << " frames, " << rec.bytes_replayed / 1e6 << " MB in "
      << rec.replay_ns / 1e6 << " ms (whole open " << r.open_ms << " ms)";
  if (rec.replay_ns > 0) out << ", " << (rec.bytes_replayed / 1e6) / (rec.replay_ns / 1e9) << " MB/s";
  out << '\n';
  if (rec.bytes_truncated != 0) {
    out << "  torn tail cut:         " << rec.bytes_truncated << " bytes (a write the kill interrupted)\n";
  }
  out << "  interrupted sessions:  " << r.interrupted << '\n'
      << "  recovered intact:      " << r.verify.verified << " acknowledged checkpoints (+"
      << r.verify.superseded << " older ones pruned by keep_checkpoints, +" << r.verify.beyond_acknowledged
      << " written but not yet acknowledged)\n"
      << "  lost:                  " << r.verify.lost << '\n';
  for (const std::string& problem : r.verify.problems) out << "    LOST " << problem << '\n';
}

void print_resume(std::ostream& out, const DemoReport& r) {
  out << "resume\n"
      << "  resumed:               " << r.resume.resumed << " sessions (" << r.resume.from_checkpoint
      << " from a checkpoint), each continued by one message, then completed\n";
  if (!r.resume.example.empty()) out << "  e.g.                  " << r.resume.example << '\n';
}

}  // namespace

void print_demo_report(std::ostream& out, const DemoReport& r) {
  std::ios_base::fmtflags flags = out.flags();
  out << std::fixed << std::setprecision(2);
  print_crash(out, r);
  print_recovery(out, r);
  print_resume(out, r);
  out.flags(flags);
}

}  // namespace walkv::demo
