// walkv-memtable-bench — MemTable::get alone, without the store around it:
// the before/after measurement of docs/performance.md ("Memtable").
//
//   walkv-memtable-bench [--readers N] [--writer] [--seconds S] [--keys K] [--value-size B]
//
// Fills a table with K keys of B incompressible bytes, then N reader threads
// get random keys for S seconds (with --writer, one more thread overwrites
// random keys meanwhile). Prints gets/s, p50/p99/p99.9 get latency and the
// writer's puts. Links the library's internal memtable (lib/memtable).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "latency_histogram.hpp"
#include "memtable/memtable.hpp"
#include "random.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  int readers = 1;
  bool writer = false;
  double seconds = 2;
  std::size_t keys = 10000;
  std::size_t value_size = 4096;
};

std::string random_bytes(std::size_t n, walkv_bench::Rng& rng) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng.next());
  return out;
}

std::string_view slice(const std::string& pool, std::size_t size, walkv_bench::Rng& rng) {
  return std::string_view(pool).substr(rng.below(pool.size() - size), size);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"walkv-memtable-bench: MemTable::get latency, alone"};
  Config c;
  app.add_option("--readers", c.readers, "reader threads")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_flag("--writer", c.writer, "one more thread overwrites random keys meanwhile");
  app.add_option("--seconds", c.seconds, "measured time")->capture_default_str();
  app.add_option("--keys", c.keys, "keys in the table")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--value-size", c.value_size, "value bytes")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  walkv_bench::Rng rng(1);
  const std::string pool = random_bytes(c.value_size + (1u << 20), rng);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < c.keys; ++i) keys.push_back("session-" + std::to_string(i * 2654435761u));
  walkv::MemTable table;
  for (const auto& k : keys) table.put(k, slice(pool, c.value_size, rng));

  std::atomic<bool> stop{false};
  std::atomic<long> bad{0};
  std::vector<walkv_bench::LatencyHistogram> latency(static_cast<std::size_t>(c.readers));
  std::vector<std::thread> threads;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.seconds));
  for (int r = 0; r < c.readers; ++r) {
    threads.emplace_back([&, r] {
      walkv_bench::Rng mine(static_cast<std::uint64_t>(r) + 7);
      while (Clock::now() < deadline) {
        const std::string& key = keys[mine.below(keys.size())];
        const auto t0 = Clock::now();
        const walkv::MemTable::Lookup got = table.get(key);
        const auto t1 = Clock::now();
        if (got.value.size() != c.value_size) bad.fetch_add(1);
        latency[static_cast<std::size_t>(r)].record(
            static_cast<std::uint64_t>(std::chrono::nanoseconds(t1 - t0).count()));
      }
    });
  }
  long puts = 0;
  std::thread writer;
  if (c.writer) {
    writer = std::thread([&] {
      walkv_bench::Rng mine(99);
      while (!stop.load(std::memory_order_relaxed)) {
        table.put(keys[mine.below(keys.size())], slice(pool, c.value_size, mine));
        ++puts;
      }
    });
  }
  for (auto& t : threads) t.join();
  stop = true;
  if (writer.joinable()) writer.join();
  walkv_bench::LatencyHistogram all;
  for (const auto& l : latency) all.merge(l);
  std::printf("readers %d%s: %.0f gets/s, p50 %.0f ns, p99 %.0f ns, p99.9 %.0f ns; writer puts %ld\n", c.readers,
              c.writer ? " + writer" : "", static_cast<double>(all.count()) / c.seconds, all.percentile(0.5),
              all.percentile(0.99), all.percentile(0.999), puts);
  return bad.load() == 0 ? 0 : 1;
}
