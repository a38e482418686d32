// walkv-bench — the two child processes of the recovery workload, run as
// "walkv-bench --child <role> ..." (hidden flags, see main.cpp):
//   write-log: opens the engine unsynced with background folding off, puts
//              random 4 KiB values until `log_mb` MB are written, prints
//              "written <puts> <bytes> <live_keys> <live_bytes> <last_key>",
//              then waits to be SIGKILLed by the parent;
//   reopen:    measures its RSS, opens the engine (replay), reads
//              `key_index`, and prints one JSON line: open and first-read
//              times, baseline and peak RSS (VmHWM), peaks of its anonymous
//              and file-backed parts (sampled every 5 ms during the open),
//              replayed log bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine.hpp"

namespace walkv_bench {

struct ChildArgs {
  std::string role;  // "write-log" or "reopen"
  std::string engine;
  std::string dir;
  std::uint64_t log_mb = 0;
  std::size_t keys = 0;
  std::size_t value_size = 0;
  std::size_t key_index = 0;  // reopen: the key to read first

  std::vector<std::string> to_argv() const;
};

// The options both children open the engine with: unsynced, no background
// folding, LSM memtables big enough to keep the whole log unflushed.
EngineOptions recovery_engine_options(std::uint64_t log_mb);

// Runs the child role; returns the process exit code.
int run_child(const ChildArgs& args);

}  // namespace walkv_bench
