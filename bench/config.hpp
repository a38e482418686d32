// walkv-bench — what one run measures (filled from the command line, main.cpp).
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace walkv_bench {

// Workload names accepted by --workloads.
inline const std::vector<std::string> kAllWorkloads = {"device", "durable", "unsynced", "get", "recovery",
                                                       "compaction", "checkpointer"};

struct BenchConfig {
  bool quick = false;
  std::chrono::milliseconds duration{600};  // per engine, per repetition of a cell
  int repetitions = 5;  // of each cell, engines interleaved (rotated) within each repetition
  std::vector<std::string> engines;          // in run order, walkv first
  std::set<std::string> workloads;           // subset of kAllWorkloads

  std::size_t keys = 10000;        // session ids
  std::size_t value_size = 4096;   // unsynced, get, recovery, compaction
  std::vector<int> durable_threads{1, 16, 64};
  std::vector<std::size_t> durable_value_sizes{1024, 4096, 16384};
  std::vector<int> unsynced_threads{1, 2};
  std::vector<int> get_threads{1, 2};
  std::vector<std::uint64_t> recovery_mb{256, 1024};
  // Write + kill + reopen rounds per engine and log size, engines interleaved;
  // the round with the median open time is reported.
  int recovery_repetitions = 3;
  std::uint64_t device_write_mb = 256;  // sequential write bandwidth sample
  // Workload 6 (checkpointer_workload.hpp).
  int checkpointer_sessions = 100;
  int checkpointer_messages = 95;
  std::size_t checkpointer_state_bytes = 2048;

  std::string scratch_dir;  // stores and device files live here (one filesystem)
  std::string out_dir;      // JSON, Markdown and PNG of the run
  bool keep_scratch = false;

  bool wants(const std::string& workload) const { return workloads.count(workload) != 0; }
};

}  // namespace walkv_bench
