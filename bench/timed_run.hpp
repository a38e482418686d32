// walkv-bench — runs one operation in N threads for a fixed time, timing
// every call, and counts the fdatasync/fsync calls made meanwhile and the
// bytes written to the scratch directory's device (device_writes.hpp).
//
// Thread-safety: run_timed is called from one thread; `op` runs concurrently
// in `threads` threads and must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "latency_histogram.hpp"
#include "random.hpp"
#include "sync_counter.hpp"

namespace walkv_bench {

struct RunMeasurement {
  std::uint64_t ops = 0;
  double seconds = 0;
  LatencyHistogram latency;
  SyncCounts syncs;  // made by anyone in the process during the run
  std::optional<std::uint64_t> device_bytes;  // written to the watched device during the run
  double ops_per_second() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

// Calls op(rng) in a loop in each of `threads` threads (each with its own Rng)
// until `duration` has passed. If an op throws, every thread stops and the
// first exception is rethrown here.
RunMeasurement run_timed(int threads, std::chrono::milliseconds duration, const std::function<void(Rng&)>& op);

}  // namespace walkv_bench
