// walkv-bench — the workloads of issue 3:
//   1. durable puts (threads x value sizes),   2. unsynced puts,
//   3. gets from recent writes (walkv: memtable) and after compaction
//      (walkv: the LMDB snapshot),              4. recovery (recovery_workload.cpp),
//   5. compaction throughput and space amplification.
// Keys are chosen uniformly among the session ids; values are random bytes.
//
// On a shared machine the neighbours' load drifts, so the throughput
// workloads interleave the engines: each cell is measured in
// config.repetitions rounds, every engine once per round (rotated order), and
// reports the median rate of its rounds (latencies: all rounds merged). Ratios
// then compare engines measured minutes apart at most, never a whole run apart.
//
// Thread-safety: called from the main thread; they start their own threads.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "config.hpp"
#include "key_space.hpp"
#include "results.hpp"
#include "scratch_dir.hpp"

namespace walkv_bench {

struct WorkloadContext {
  const BenchConfig& config;
  const ScratchDir& scratch;
  const KeySpace& keys;
  const ValuePool& values;
  std::vector<std::string>& errors;  // "<workload> <engine>: <what failed>"; the engine is dropped
};

// Calls measure(engine) `rounds` times for every engine, rotating their order
// each round (the interleaving above). An engine whose measure throws is
// reported in ctx.errors as "<workload> <engine>: <what>" and left out from
// then on; the engines that failed are returned.
std::set<std::string> interleave_rounds(const WorkloadContext& ctx, const std::string& workload, int rounds,
                                        const std::vector<std::string>& engines,
                                        const std::function<void(const std::string&)>& measure);

// Workloads 1 and 2: a fresh store per measurement. Durable 1-thread cells
// also measure the "device" row (engines/device_append_engine.cpp).
std::vector<ThroughputCell> run_put_workload(const WorkloadContext& ctx, const std::vector<std::string>& engines,
                                             bool durable);

// Workload 3: every engine open at once with every key written once; gets
// ("get-recent"); then compact() and gets again ("get-compacted").
std::vector<ThroughputCell> run_get_workload(const WorkloadContext& ctx, const std::vector<std::string>& engines);

// Workload 5: every key written once, compact(); every key overwritten,
// compact(). Time of each compact() and disk usage after it.
std::vector<CompactionCell> run_compaction_workload(const WorkloadContext& ctx, const std::string& engine);

// Workload 4: see recovery_workload.cpp. Engines without a log are skipped;
// an engine that throws is reported in ctx.errors and left out from then on.
std::vector<RecoveryCell> run_recovery_workload(const WorkloadContext& ctx, const std::vector<std::string>& engines);

}  // namespace walkv_bench
