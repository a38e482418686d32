#include "recovery_child.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "key_space.hpp"

namespace walkv_bench {

namespace {

using Clock = std::chrono::steady_clock;

// A field of /proc/self/status in kB (VmRSS, VmHWM).
std::uint64_t status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  return 0;
}

// Samples RssAnon and RssFile every few milliseconds while it lives: VmHWM
// has the peak of their sum only, and a log replayed from a mapping counts
// its mapped pages (page cache, dropped at unmap) in RssFile.
class RssSampler {
 public:
  RssSampler() : thread_([this] { run(); }) {}
  ~RssSampler() { stop(); }
  void stop() {
    if (stop_.exchange(true)) return;
    thread_.join();
    sample();
  }
  std::uint64_t peak_anon_kb() const { return peak_anon_kb_; }
  std::uint64_t peak_file_kb() const { return peak_file_kb_; }

 private:
  void sample() {
    peak_anon_kb_ = std::max(peak_anon_kb_, status_kb("RssAnon"));
    peak_file_kb_ = std::max(peak_file_kb_, status_kb("RssFile"));
  }
  void run() {
    while (!stop_.load()) {
      sample();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::atomic<bool> stop_{false};
  std::uint64_t peak_anon_kb_ = 0;
  std::uint64_t peak_file_kb_ = 0;
  std::thread thread_;
};

int write_log(const ChildArgs& args) {
  const KeySpace keys(args.keys);
  const ValuePool values(args.value_size);
  auto engine = open_engine(args.engine, args.dir, recovery_engine_options(args.log_mb));
  Rng rng(0x106ull);
  const std::uint64_t target = args.log_mb * 1000000;
  std::vector<bool> written(keys.size(), false);
  std::uint64_t puts = 0, bytes = 0, live_keys = 0, live_bytes = 0;
  std::size_t last = 0;
  while (bytes < target) {
    last = rng.below(keys.size());
    engine->put(keys.key(last), values.random_value(rng, args.value_size));
    ++puts;
    bytes += keys.key(last).size() + args.value_size;
    if (!written[last]) {
      written[last] = true;
      ++live_keys;
      live_bytes += keys.key(last).size() + args.value_size;
    }
  }
  std::printf("written %llu %llu %llu %llu %zu\n", static_cast<unsigned long long>(puts),
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(live_keys),
              static_cast<unsigned long long>(live_bytes), last);
  std::fflush(stdout);
  for (;;) ::pause();  // the parent SIGKILLs us: no close, no flush
}

int reopen(const ChildArgs& args) {
  const KeySpace keys(args.keys);
  const std::uint64_t baseline_kb = status_kb("VmRSS");
  const std::uint64_t baseline_anon_kb = status_kb("RssAnon");
  const std::uint64_t baseline_file_kb = status_kb("RssFile");
  RssSampler sampler;
  const auto start = Clock::now();
  auto engine = open_engine(args.engine, args.dir, recovery_engine_options(args.log_mb));
  const auto opened = Clock::now();
  sampler.stop();
  std::string value;
  const bool found = engine->get(keys.key(args.key_index), &value);
  const auto first_read = Clock::now();
  nlohmann::json out = {
      {"open_seconds", std::chrono::duration<double>(opened - start).count()},
      {"first_read_seconds", std::chrono::duration<double>(first_read - start).count()},
      {"found", found && value.size() == args.value_size},
      {"baseline_rss_kb", baseline_kb},
      {"peak_rss_kb", status_kb("VmHWM")},
      {"baseline_rss_anon_kb", baseline_anon_kb},
      {"baseline_rss_file_kb", baseline_file_kb},
      {"peak_rss_anon_kb", sampler.peak_anon_kb()},
      {"peak_rss_file_kb", sampler.peak_file_kb()},
      {"log_bytes_replayed", engine->log_bytes_replayed()},
  };
  std::cout << out.dump() << std::endl;
  std::_Exit(0);  // the measurement is done; closing (e.g. an LSM flush) is not part of it
}

}  // namespace

std::vector<std::string> ChildArgs::to_argv() const {
  return {"--child", role,
          "--child-engine", engine,
          "--child-dir", dir,
          "--child-log-mb", std::to_string(log_mb),
          "--child-keys", std::to_string(keys),
          "--child-value-size", std::to_string(value_size),
          "--child-key-index", std::to_string(key_index)};
}

EngineOptions recovery_engine_options(std::uint64_t log_mb) {
  EngineOptions o;
  o.durable = false;
  o.auto_compaction = false;
  o.write_buffer_bytes = 2 * log_mb * 1000000 + (64u << 20);
  return o;
}

int run_child(const ChildArgs& args) {
  try {
    if (args.role == "write-log") return write_log(args);
    if (args.role == "reopen") return reopen(args);
    std::cerr << "walkv-bench: unknown child role " << args.role << "\n";
  } catch (const std::exception& e) {
    std::cerr << "walkv-bench child " << args.role << ": " << e.what() << "\n";
  }
  return 2;
}

}  // namespace walkv_bench
