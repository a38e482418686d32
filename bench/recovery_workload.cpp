// walkv-bench — workload 4, recovery: a child process writes N MB of log
// (unsynced puts) and is SIGKILLed; a second child reopens the store and reads
// one key. Both are fresh processes (child_process.hpp), so the reopen child's
// peak RSS (VmHWM) is the reopen's own. Engines without a log (LMDB, SQLite in
// this setup, file per session) are skipped: they have nothing to replay.
//
// Each engine and size is measured config.recovery_repetitions times, the
// engines interleaved (interleave_rounds) as in the throughput cells,
// and the round with the median open time is reported: one reopen of the same
// log varied by ±15% between runs on a quiet machine.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "engine.hpp"
#include "progress.hpp"
#include "recovery_child.hpp"
#include "workloads.hpp"

namespace walkv_bench {

namespace {

struct Written {
  std::uint64_t puts = 0, bytes = 0, live_keys = 0, live_bytes = 0;
  std::size_t last_key = 0;
};

Written write_then_kill(const ChildArgs& args) {
  ChildProcess writer(args.to_argv());
  std::istringstream line(writer.read_line());
  std::string word;
  Written w;
  line >> word >> w.puts >> w.bytes >> w.live_keys >> w.live_bytes >> w.last_key;
  if (word != "written") throw EngineError("recovery writer child: unexpected output '" + line.str() + "'");
  writer.kill_hard();
  return w;
}

nlohmann::json reopen(const ChildArgs& args) {
  ChildProcess child(args.to_argv());
  const std::string line = child.read_line();
  child.wait();
  auto out = nlohmann::json::parse(line);
  if (!out.value("found", false))
    throw EngineError(args.engine + ": after kill -9 and reopen, the last key written is missing");
  return out;
}

RecoveryCell measure_once(const WorkloadContext& ctx, const std::string& engine, std::uint64_t mb) {
  ChildArgs args;
  args.engine = engine;
  args.dir = ctx.scratch.fresh(engine + "-recovery");
  args.log_mb = mb;
  args.keys = ctx.keys.size();
  args.value_size = ctx.config.value_size;

  args.role = "write-log";
  const Written w = write_then_kill(args);
  args.role = "reopen";
  args.key_index = w.last_key;
  const nlohmann::json r = reopen(args);

  RecoveryCell c;
  c.engine = engine;
  c.log_mb = mb;
  c.bytes_written = w.bytes;
  c.puts = w.puts;
  c.live_keys = w.live_keys;
  c.live_bytes = w.live_bytes;
  c.open_seconds = r.at("open_seconds").get<double>();
  c.first_read_seconds = r.at("first_read_seconds").get<double>();
  c.mb_per_second = static_cast<double>(c.bytes_written) / 1e6 / c.open_seconds;
  c.baseline_rss_mb = r.at("baseline_rss_kb").get<double>() * 1024.0 / 1e6;
  c.peak_rss_mb = r.at("peak_rss_kb").get<double>() * 1024.0 / 1e6;
  c.log_bytes_replayed = r.at("log_bytes_replayed").get<std::uint64_t>();
  const auto growth_mb = [&r](const char* peak, const char* baseline) {
    const double kb = r.at(peak).get<double>() - r.at(baseline).get<double>();
    return std::max(0.0, kb) * 1024.0 / 1e6;
  };
  c.anon_growth_mb = growth_mb("peak_rss_anon_kb", "baseline_rss_anon_kb");
  c.file_growth_mb = growth_mb("peak_rss_file_kb", "baseline_rss_file_kb");
  char text[256];
  std::snprintf(text, sizeof text, "recovery      %-16s %5llu MB: open %7.3f s (%8.1f MB/s)  peak RSS %7.1f MB",
                engine.c_str(), static_cast<unsigned long long>(mb), c.open_seconds, c.mb_per_second,
                c.peak_rss_mb);
  progress(text);
  ctx.scratch.remove(args.dir);
  return c;
}

// The round with the median open time (the lower middle one for an even
// count), carrying every round's open time in the order measured.
RecoveryCell median_round(const std::vector<RecoveryCell>& rounds) {
  std::vector<std::size_t> order(rounds.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return rounds[a].open_seconds < rounds[b].open_seconds; });
  RecoveryCell median = rounds[order[(order.size() - 1) / 2]];
  median.open_seconds_rounds.clear();
  for (const auto& r : rounds) median.open_seconds_rounds.push_back(r.open_seconds);
  return median;
}

}  // namespace

std::vector<RecoveryCell> run_recovery_workload(const WorkloadContext& ctx, const std::vector<std::string>& engines) {
  std::vector<std::string> logged;
  for (const auto& engine : engines) {
    const EngineInfo* info = find_engine(engine);
    if (info != nullptr && info->has_log) logged.push_back(engine);
  }
  std::map<std::string, std::map<std::uint64_t, std::vector<RecoveryCell>>> rounds;  // engine → MB → rounds
  for (std::uint64_t mb : ctx.config.recovery_mb) {
    const std::set<std::string> failed =
        interleave_rounds(ctx, "recovery", ctx.config.recovery_repetitions, logged, [&](const std::string& engine) {
          rounds[engine][mb].push_back(measure_once(ctx, engine, mb));
        });
    // An engine that failed at one size is left out of the later ones too.
    std::erase_if(logged, [&](const std::string& engine) { return failed.count(engine) != 0; });
    for (const auto& engine : failed) rounds.erase(engine);
  }
  std::vector<RecoveryCell> cells;
  for (const auto& engine : logged)
    for (std::uint64_t mb : ctx.config.recovery_mb) cells.push_back(median_round(rounds[engine][mb]));
  return cells;
}

}  // namespace walkv_bench
