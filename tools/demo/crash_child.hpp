// walkv-demo — the process that gets killed: opens the store, serves
// `options.sessions` sessions on `options.threads` threads until they are all
// done (or, normally, until SIGKILL arrives first).
#pragma once

#include <string>

#include "demo/demo_options.hpp"

namespace walkv::demo {

// The demo's session ids: "session-0000", "session-0001", ...
std::string session_id(unsigned index);

// Runs in the forked child; returns its exit code (0 when every session ended).
int run_crash_child(const DemoOptions& options, const std::string& ack_path);

}  // namespace walkv::demo
