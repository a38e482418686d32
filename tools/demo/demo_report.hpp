// walkv-demo — the short report printed after the crash and the recovery.
#pragma once

#include <cstddef>
#include <ostream>

#include <walkv/recovery.hpp>

#include "demo/checkpoint_verifier.hpp"
#include "demo/crash_timing.hpp"
#include "demo/demo_options.hpp"
#include "demo/resume.hpp"

namespace walkv::demo {

struct DemoReport {
  const DemoOptions& options;
  CrashOutcome crash;
  RecoveryReport recovery;
  double open_ms = 0;            // the whole Store::open, replay included
  std::size_t interrupted = 0;   // sessions SessionStore::open found interrupted
  VerifyResult verify;
  ResumeResult resume;
};

void print_demo_report(std::ostream& out, const DemoReport& report);

}  // namespace walkv::demo
