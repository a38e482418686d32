// walkv-bench — walkv side by side with RocksDB, LevelDB, LMDB, SQLite and the
// file-per-session approach, plus the device they share (issue 3).
//
//   walkv-bench                 full run (see docs/performance.md), ~15 min
//   walkv-bench --quick         smoke run, seconds (the test suite runs it)
//
// Prints a Markdown report on stdout, progress on stderr, and writes
// <out>/walkv-bench-<time>.{json,md,-durable.png}.
// Exit: 0 ok (targets missed are reported, not failures), 1 an engine or
// workload failed, 2 usage or I/O error.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "chart.hpp"
#include "config.hpp"
#include "engine.hpp"
#include "json_output.hpp"
#include "ratios.hpp"
#include "recovery_child.hpp"
#include "report.hpp"
#include "run.hpp"
#include "scratch_dir.hpp"
#include "targets.hpp"

namespace wb = walkv_bench;

namespace {

std::vector<std::string> all_engine_names() {
  std::vector<std::string> names;
  for (const auto& e : wb::available_engines()) names.push_back(e.name);
  return names;
}

// Smaller everything, so the whole run takes seconds.
void apply_quick(wb::BenchConfig& c, bool duration_given, bool repetitions_given, bool keys_given,
                 bool recovery_given, bool recovery_repetitions_given) {
  if (!duration_given) c.duration = std::chrono::milliseconds(100);
  if (!repetitions_given) c.repetitions = 1;
  if (!recovery_repetitions_given) c.recovery_repetitions = 1;
  if (!keys_given) c.keys = 1000;
  if (!recovery_given) c.recovery_mb = {8};
  c.durable_value_sizes = {4096};
  c.device_write_mb = 16;
  c.checkpointer_sessions = 20;
  c.checkpointer_messages = 25;
}

// walkv first, each engine once, all known.
std::string validate_engines(wb::BenchConfig& c) {
  std::vector<std::string> ordered;
  for (const auto& name : c.engines) {
    if (wb::find_engine(name) == nullptr) return "unknown engine '" + name + "' (built in: see --list-engines)";
    if (std::find(ordered.begin(), ordered.end(), name) == ordered.end()) ordered.push_back(name);
  }
  std::stable_partition(ordered.begin(), ordered.end(), [](const std::string& n) { return n == "walkv"; });
  c.engines = ordered;
  return "";
}

std::string utc_stamp(const std::string& iso) {
  std::string s;
  for (char ch : iso)
    if (ch != '-' && ch != ':') s.push_back(ch);
  return s;
}

void list_engines() {
  for (const auto& e : wb::available_engines()) std::cout << e.name << "\t" << e.description << "\n";
}

std::string joined(int argc, char** argv) {
  std::string out = "walkv-bench";
  for (int i = 1; i < argc; ++i) out += std::string(" ") + argv[i];
  return out;
}

// Writes JSON, Markdown and chart; prints the Markdown. Returns false on I/O error.
bool write_outputs(const wb::BenchResults& results, const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::string prefix = out_dir + "/walkv-bench-" + utc_stamp(results.started_at);
  const auto ratios = wb::walkv_ratios(results);
  const auto targets = wb::check_targets(results);
  const std::string chart = wb::write_throughput_chart(results, prefix);
  const std::string markdown = wb::markdown_report(results, ratios, targets, chart);
  std::ofstream json_file(prefix + ".json");
  json_file << wb::results_json(results, ratios, targets).dump(2) << "\n";
  std::ofstream md_file(prefix + ".md");
  md_file << markdown;
  std::cout << markdown << "\nWritten: " << prefix << ".json, " << prefix << ".md"
            << (chart.empty() ? "" : ", " + chart) << "\n";
  return json_file.good() && md_file.good();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"walkv-bench: walkv against RocksDB, LevelDB, LMDB, SQLite and file-per-session, on this device"};
  wb::BenchConfig config;
  config.engines = all_engine_names();
  std::vector<std::string> workloads = wb::kAllWorkloads;
  std::string scratch_root = wb::default_scratch_root();
  std::string out_dir = "walkv-bench-results";
  long duration_ms = 600;
  bool list = false;

  app.add_flag("--quick", config.quick,
               "smoke run: 1 round of 100 ms per cell, 4 KiB only, 1,000 keys, one reopen of 8 MB of log (seconds in total)");
  app.add_option("--out", out_dir, "directory for the JSON, Markdown and PNG of the run")->capture_default_str();
  auto* dir_opt = app.add_option("--dir", scratch_root,
                                 "scratch directory for the stores and the device test (same filesystem; not tmpfs)")
                      ->capture_default_str();
  auto* duration_opt =
      app.add_option("--duration-ms", duration_ms, "measured time per engine and round of a cell")->capture_default_str();
  auto* repetitions_opt = app.add_option("--repetitions", config.repetitions,
                                         "rounds per cell, engines interleaved; the median round is reported")
                              ->check(CLI::PositiveNumber)
                              ->capture_default_str();
  app.add_option("--engines", config.engines, "engines to run (comma-separated)")->delimiter(',')->capture_default_str();
  app.add_option("--workloads", workloads, "device,durable,unsynced,get,recovery,compaction,checkpointer")
      ->delimiter(',')
      ->check(CLI::IsMember(wb::kAllWorkloads))
      ->capture_default_str();
  auto* keys_opt = app.add_option("--keys", config.keys, "session ids (keys)")->capture_default_str();
  app.add_option("--value-size", config.value_size, "value bytes for unsynced, get, recovery, compaction")
      ->capture_default_str();
  app.add_option("--durable-threads", config.durable_threads, "writer threads of the durable cells")
      ->delimiter(',')->capture_default_str();
  app.add_option("--durable-value-sizes", config.durable_value_sizes, "value bytes of the durable cells")
      ->delimiter(',')->capture_default_str();
  app.add_option("--unsynced-threads", config.unsynced_threads, "writer threads of the unsynced cells")
      ->delimiter(',')->capture_default_str();
  app.add_option("--get-threads", config.get_threads, "reader threads of the get cells")
      ->delimiter(',')->capture_default_str();
  auto* recovery_opt = app.add_option("--recovery-mb", config.recovery_mb, "MB of log written before kill -9")
                           ->delimiter(',')->capture_default_str();
  auto* recovery_repetitions_opt =
      app.add_option("--recovery-repetitions", config.recovery_repetitions,
                     "write, kill -9 and reopen rounds per engine and size; the median reopen is reported")
          ->check(CLI::PositiveNumber)
          ->capture_default_str();
  app.add_option("--device-write-mb", config.device_write_mb, "MiB written for the sequential bandwidth")
      ->capture_default_str();
  app.add_flag("--keep-scratch", config.keep_scratch, "leave the scratch directory behind");
  app.add_flag("--list-engines", list, "list the engines built into this binary and exit");
  app.set_version_flag("--version", WALKV_VERSION);

  wb::ChildArgs child;  // internal: the recovery workload's child processes
  app.add_option("--child", child.role)->group("");
  app.add_option("--child-engine", child.engine)->group("");
  app.add_option("--child-dir", child.dir)->group("");
  app.add_option("--child-log-mb", child.log_mb)->group("");
  app.add_option("--child-keys", child.keys)->group("");
  app.add_option("--child-value-size", child.value_size)->group("");
  app.add_option("--child-key-index", child.key_index)->group("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!child.role.empty()) return wb::run_child(child);
  if (list) {
    list_engines();
    return 0;
  }

  config.duration = std::chrono::milliseconds(duration_ms);
  config.workloads = {workloads.begin(), workloads.end()};
  if (config.quick)
    apply_quick(config, duration_opt->count() > 0, repetitions_opt->count() > 0, keys_opt->count() > 0,
                recovery_opt->count() > 0, recovery_repetitions_opt->count() > 0);
  if (std::string problem = validate_engines(config); !problem.empty()) {
    std::cerr << "walkv-bench: " << problem << "\n";
    return 2;
  }
  if (wb::is_tmpfs(scratch_root))
    std::cerr << "walkv-bench: warning: " << scratch_root << " is a tmpfs: the numbers will not be the device's"
              << (dir_opt->count() ? "" : " (pass --dir)") << "\n";
  config.scratch_dir = scratch_root;
  config.out_dir = out_dir;

  wb::BenchResults results;
  try {
    results = wb::run_benchmark(config);
  } catch (const std::exception& e) {
    std::cerr << "walkv-bench: " << e.what() << "\n";
    return 2;
  }
  results.command_line = joined(argc, argv);
  if (!write_outputs(results, out_dir)) {
    std::cerr << "walkv-bench: cannot write results to " << out_dir << "\n";
    return 2;
  }
  return results.errors.empty() ? 0 : 1;
}
