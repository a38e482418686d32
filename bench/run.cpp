#include "run.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>

#include "checkpointer_workload.hpp"
#include "device.hpp"
#include "device_writes.hpp"
#include "engine.hpp"
#include "key_space.hpp"
#include "machine.hpp"
#include "progress.hpp"
#include "scratch_dir.hpp"
#include "workloads.hpp"

namespace walkv_bench {

namespace {

const char* const kDeviceRow =
    "device: the durable 1-thread reference row: pwrite append + fdatasync to one zero-filled file (written extents, as walkv's log tail), one writer, "
    "measured interleaved with the engines";

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::size_t largest_value(const BenchConfig& c) {
  std::size_t largest = c.value_size;
  for (std::size_t s : c.durable_value_sizes) largest = std::max(largest, s);
  return largest;
}

// Runs one workload for one engine; a failure is recorded, not fatal.
void guarded(BenchResults& results, const std::string& workload, const std::string& engine,
             const std::function<void()>& body) {
  try {
    body();
  } catch (const std::exception& e) {
    results.errors.push_back(workload + " " + engine + ": " + e.what());
    progress("FAILED " + results.errors.back());
  }
}

template <class Cell>
void append(std::vector<Cell>& to, std::vector<Cell> cells) {
  for (auto& c : cells) to.push_back(std::move(c));
}

}  // namespace

BenchResults run_benchmark(const BenchConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  BenchResults results;
  results.started_at = utc_now();
  results.config = config;
  const ScratchDir scratch(config.scratch_dir, config.keep_scratch);
  results.machine = describe_machine(scratch.path());
  results.machine.device_stat_file = watch_device_of(scratch.path()).value_or("");
  for (const auto& name : config.engines) results.engine_descriptions.push_back(name + ": " + find_engine(name)->description);

  const KeySpace keys(config.keys);
  const ValuePool values(largest_value(config));
  const WorkloadContext ctx{config, scratch, keys, values, results.errors};

  if (config.wants("device")) {
    progress("device measurements in " + scratch.path());
    guarded(results, "device", "-", [&] { results.device = measure_device(scratch, config); });
  }
  if (config.wants("durable")) {
    results.engine_descriptions.push_back(kDeviceRow);
    append(results.throughput, run_put_workload(ctx, config.engines, true));
  }
  if (config.wants("unsynced")) append(results.throughput, run_put_workload(ctx, config.engines, false));
  if (config.wants("get")) append(results.throughput, run_get_workload(ctx, config.engines));
  if (config.wants("recovery"))
    guarded(results, "recovery", "-", [&] { append(results.recovery, run_recovery_workload(ctx, config.engines)); });
  for (const auto& engine : config.engines) {
    if (config.wants("compaction"))
      guarded(results, "compaction", engine,
              [&] { append(results.compaction, run_compaction_workload(ctx, engine)); });
  }
  if (config.wants("checkpointer"))
    guarded(results, "checkpointer", "walkv", [&] { results.checkpointer = run_checkpointer_workload(ctx); });
  results.machine.load_average_end = load_average();
  results.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return results;
}

}  // namespace walkv_bench
