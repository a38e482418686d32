// walkv-demo — choosing the moment of the crash: wait until the child has
// acknowledged its first checkpoints, wait a random extra delay, then SIGKILL.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include <walkv/status.hpp>

#include "demo/demo_options.hpp"

namespace walkv::demo {

struct CrashOutcome {
  bool killed = false;            // true: died of our SIGKILL; false: exited by itself first
  int exit_status = 0;            // the child's exit status when !killed
  unsigned delay_ms = 0;          // extra delay chosen after the first acknowledgements
  std::uint64_t lifetime_ms = 0;  // from fork to death
};

// Waits for `min_acks` acknowledgement lines (bounded: errors with io_error if
// none come within a minute), then a random delay in the options' window,
// then kills the child and reaps it.
Result<CrashOutcome> crash_child_after_acks(pid_t child, const std::string& ack_path, std::size_t min_acks,
                                            const DemoOptions& options);

}  // namespace walkv::demo
