#include "workloads.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "engine.hpp"
#include "engines/engines.hpp"
#include "progress.hpp"
#include "scratch_dir.hpp"
#include "timed_run.hpp"

namespace walkv_bench {

namespace {

using Clock = std::chrono::steady_clock;

// The rounds of one engine in one cell.
struct Rounds {
  std::vector<double> rates;
  std::uint64_t ops = 0;
  double seconds = 0;
  LatencyHistogram latency;
  SyncCounts syncs;
  std::optional<std::uint64_t> device_bytes = 0;  // nullopt once a round could not count them

  void add(const RunMeasurement& m) {
    device_bytes = device_bytes && m.device_bytes ? std::optional(*device_bytes + *m.device_bytes) : std::nullopt;
    rates.push_back(m.ops_per_second());
    ops += m.ops;
    seconds += m.seconds;
    latency.merge(m.latency);
    syncs.fdatasync += m.syncs.fdatasync;
    syncs.fsync += m.syncs.fsync;
  }
  double median_rate() const {
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    if (n == 0) return 0;
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
};

// What varies between the cells of a throughput workload.
struct CellSpec {
  std::string workload;
  int threads = 0;
  std::size_t value_size = 0;
};

ThroughputCell to_cell(const CellSpec& spec, const std::string& engine, const Rounds& r) {
  ThroughputCell c;
  c.workload = spec.workload;
  c.engine = engine;
  c.threads = spec.threads;
  c.value_size = spec.value_size;
  c.ops = r.ops;
  c.seconds = r.seconds;
  c.rounds = static_cast<int>(r.rates.size());
  c.round_rates = r.rates;
  c.ops_per_second = r.median_rate();
  c.mb_per_second = c.ops_per_second * static_cast<double>(spec.value_size) / 1e6;
  c.p50_us = r.latency.percentile(0.5) / 1000.0;
  c.p99_us = r.latency.percentile(0.99) / 1000.0;
  c.p999_us = r.latency.percentile(0.999) / 1000.0;
  c.sync_calls = r.syncs.total();
  c.device_bytes = r.device_bytes;
  return c;
}

void report_cell(const ThroughputCell& c) {
  char line[256];
  std::snprintf(line, sizeof line, "%-13s %-16s %2d threads %2zu KiB: %10.0f ops/s  p50 %9.1f us  p99 %9.1f us",
                c.workload.c_str(), c.engine.c_str(), c.threads, c.value_size / 1024, c.ops_per_second, c.p50_us,
                c.p99_us);
  progress(line);
}

// Measures every engine config.repetitions times (interleave_rounds).
// measure_once(engine) does one measurement.
std::vector<ThroughputCell> interleaved(const WorkloadContext& ctx, const CellSpec& spec,
                                        const std::vector<std::string>& engines,
                                        const std::function<RunMeasurement(const std::string&)>& measure_once) {
  std::map<std::string, Rounds> rounds;
  const std::set<std::string> failed =
      interleave_rounds(ctx, spec.workload, ctx.config.repetitions, engines,
                        [&](const std::string& engine) { rounds[engine].add(measure_once(engine)); });
  std::vector<ThroughputCell> cells;
  for (const auto& engine : engines) {
    if (failed.count(engine) || !rounds.count(engine)) continue;
    cells.push_back(to_cell(spec, engine, rounds[engine]));
    report_cell(cells.back());
  }
  return cells;
}

// A short unmeasured run first lets the engine reach its steady state (files
// created, threads started); then the measured one.
RunMeasurement warm_then_measure(const BenchConfig& config, int threads, const std::function<void(Rng&)>& op) {
  if (!config.quick) run_timed(threads, std::min(config.duration / 10, std::chrono::milliseconds(200)), op);
  return run_timed(threads, config.duration, op);
}

std::unique_ptr<Engine> open_for_puts(const std::string& name, const std::string& dir, const EngineOptions& o) {
  return name == "device" ? open_device_append_engine(dir, o) : open_engine(name, dir, o);
}

std::uint64_t entry_bytes(const WorkloadContext& ctx, std::size_t i, std::size_t value_size) {
  return ctx.keys.key(i).size() + value_size;
}

// Puts every key once (in key-space order), from this thread. Returns bytes.
std::uint64_t write_every_key(const WorkloadContext& ctx, Engine& engine, std::size_t value_size, Rng& rng) {
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < ctx.keys.size(); ++i) {
    engine.put(ctx.keys.key(i), ctx.values.random_value(rng, value_size));
    bytes += entry_bytes(ctx, i, value_size);
  }
  return bytes;
}

std::uint64_t live_bytes(const WorkloadContext& ctx, std::size_t value_size) {
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < ctx.keys.size(); ++i) bytes += entry_bytes(ctx, i, value_size);
  return bytes;
}

// Unsynced, no background folding, memtables big enough for every key: the
// "recent" gets then read the engines' memtables (or equivalent).
EngineOptions unflushed_options(const WorkloadContext& ctx) {
  EngineOptions o;
  o.durable = false;
  o.auto_compaction = false;
  o.write_buffer_bytes = 2 * live_bytes(ctx, ctx.config.value_size) + (16u << 20);
  return o;
}

struct OpenStore {
  std::string dir;
  std::unique_ptr<Engine> engine;
};

// Opens each engine in its own directory and writes every key once; engines
// that fail are reported and left out.
std::map<std::string, OpenStore> open_loaded(const WorkloadContext& ctx, const std::vector<std::string>& engines,
                                             std::vector<std::string>& loaded) {
  std::map<std::string, OpenStore> stores;
  for (const auto& name : engines) {
    try {
      OpenStore s;
      s.dir = ctx.scratch.fresh(name + "-get");
      s.engine = open_engine(name, s.dir, unflushed_options(ctx));
      Rng rng(0x6e7ull);
      write_every_key(ctx, *s.engine, ctx.config.value_size, rng);
      stores.emplace(name, std::move(s));
      loaded.push_back(name);
    } catch (const std::exception& e) {
      ctx.errors.push_back("get " + name + ": " + e.what());
      progress("FAILED " + ctx.errors.back());
    }
  }
  return stores;
}

std::vector<ThroughputCell> measure_gets(const WorkloadContext& ctx, std::map<std::string, OpenStore>& stores,
                                         const std::vector<std::string>& engines, const std::string& workload) {
  std::vector<ThroughputCell> cells;
  const std::size_t value_size = ctx.config.value_size;
  for (int threads : ctx.config.get_threads) {
    const CellSpec spec{workload, threads, value_size};
    auto got = interleaved(ctx, spec, engines, [&](const std::string& name) {
      Engine& engine = *stores.at(name).engine;
      return warm_then_measure(ctx.config, threads, [&](Rng& rng) {
        thread_local std::string value;
        const std::string& key = ctx.keys.random_key(rng);
        if (!engine.get(key, &value) || value.size() != value_size)
          throw EngineError(name + ": get of " + key + " did not return the value written");
      });
    });
    for (auto& c : got) cells.push_back(std::move(c));
  }
  return cells;
}

}  // namespace

std::set<std::string> interleave_rounds(const WorkloadContext& ctx, const std::string& workload, int rounds,
                                        const std::vector<std::string>& engines,
                                        const std::function<void(const std::string&)>& measure) {
  std::set<std::string> failed;
  const std::size_t n = engines.size();
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::string& engine = engines[(k + static_cast<std::size_t>(round)) % n];
      if (failed.count(engine)) continue;
      try {
        measure(engine);
      } catch (const std::exception& e) {
        failed.insert(engine);
        ctx.errors.push_back(workload + " " + engine + ": " + e.what());
        progress("FAILED " + ctx.errors.back());
      }
    }
  }
  return failed;
}

std::vector<ThroughputCell> run_put_workload(const WorkloadContext& ctx, const std::vector<std::string>& engines,
                                             bool durable) {
  const std::string workload = durable ? "durable" : "unsynced";
  const auto& thread_counts = durable ? ctx.config.durable_threads : ctx.config.unsynced_threads;
  const std::vector<std::size_t> sizes =
      durable ? ctx.config.durable_value_sizes : std::vector<std::size_t>{ctx.config.value_size};
  std::vector<ThroughputCell> cells;
  for (std::size_t value_size : sizes) {
    for (int threads : thread_counts) {
      std::vector<std::string> names = engines;
      if (durable && threads == 1) names.push_back("device");
      const CellSpec spec{workload, threads, value_size};
      auto got = interleaved(ctx, spec, names, [&](const std::string& name) {
        const std::string dir = ctx.scratch.fresh(name + "-" + workload);
        EngineOptions options;
        options.durable = durable;
        auto engine = open_for_puts(name, dir, options);
        const RunMeasurement m = warm_then_measure(ctx.config, threads, [&](Rng& rng) {
          engine->put(ctx.keys.random_key(rng), ctx.values.random_value(rng, value_size));
        });
        engine->close();
        engine.reset();
        ctx.scratch.remove(dir);
        return m;
      });
      for (auto& c : got) cells.push_back(std::move(c));
    }
  }
  return cells;
}

std::vector<ThroughputCell> run_get_workload(const WorkloadContext& ctx, const std::vector<std::string>& engines) {
  std::vector<std::string> loaded;
  auto stores = open_loaded(ctx, engines, loaded);
  std::vector<ThroughputCell> cells = measure_gets(ctx, stores, loaded, "get-recent");
  std::vector<std::string> compacted;
  for (const auto& name : loaded) {
    try {
      stores.at(name).engine->compact();
      compacted.push_back(name);
    } catch (const std::exception& e) {
      ctx.errors.push_back("get " + name + ": " + e.what());
    }
  }
  for (auto& c : measure_gets(ctx, stores, compacted, "get-compacted")) cells.push_back(std::move(c));
  for (auto& [name, store] : stores) {
    try {
      store.engine->close();
    } catch (const std::exception& e) {
      ctx.errors.push_back("get " + name + ": " + e.what());
    }
    store.engine.reset();
    ctx.scratch.remove(store.dir);
  }
  return cells;
}

std::vector<CompactionCell> run_compaction_workload(const WorkloadContext& ctx, const std::string& engine_name) {
  const EngineInfo* info = find_engine(engine_name);
  const std::string dir = ctx.scratch.fresh(engine_name + "-compaction");
  auto engine = open_engine(engine_name, dir, unflushed_options(ctx));
  Rng rng(0xc0c0ull);
  std::vector<CompactionCell> cells;
  for (const char* round : {"load", "overwrite"}) {
    CompactionCell c;
    c.engine = engine_name;
    c.round = round;
    c.engine_compacts = info != nullptr && info->has_compaction;
    c.bytes_written = write_every_key(ctx, *engine, ctx.config.value_size, rng);
    const auto start = Clock::now();
    engine->compact();
    c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    c.mb_per_second = c.seconds > 0 ? static_cast<double>(c.bytes_written) / 1e6 / c.seconds : 0;
    c.disk_bytes = allocated_bytes(dir);
    c.disk_parts = allocated_bytes_by_entry(dir);
    c.live_bytes = live_bytes(ctx, ctx.config.value_size);
    c.space_amplification = static_cast<double>(c.disk_bytes) / static_cast<double>(c.live_bytes);
    char line[256];
    std::snprintf(line, sizeof line, "compaction    %-16s %-9s: %8s MB/s  space amplification %.2f",
                  engine_name.c_str(), round,
                  c.engine_compacts ? std::to_string(static_cast<long>(c.mb_per_second)).c_str() : "n/a",
                  c.space_amplification);
    progress(line);
    cells.push_back(c);
  }
  engine->close();
  engine.reset();
  ctx.scratch.remove(dir);
  return cells;
}

}  // namespace walkv_bench
