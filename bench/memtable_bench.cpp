// walkv-memtable-bench — MemTable alone, without the store around it: the
// before/after measurements of docs/performance.md ("Memtable", "Unsynced puts").
//
//   walkv-memtable-bench [--readers N] [--writer] [--seconds S] [--keys K] [--value-size B]
//   walkv-memtable-bench --puts [--puts-per-table P] [--seconds S] [--keys K] [--value-size B]
//
// Gets (default): fills a table with K keys of B incompressible bytes, then N
// reader threads get random keys for S seconds (with --writer, one more thread
// overwrites random keys meanwhile). Prints gets/s, p50/p99/p99.9 get latency
// and the writer's puts.
// --puts: the store's write path between two compactions, on one thread: a
// fresh table takes P puts of random keys among K (default 16,384 puts of
// 4 KiB: one 64 MiB log's worth, so about half the puts add a new key and half
// overwrite one), then every entry is walked in key order as compaction does
// (collect(), the copy; and for_each() where the table has it), then the table
// is destroyed; repeated for S seconds. Prints ns per put and p50/p99 put
// latency, and per table the walk and destruction times.
// Links the library's internal memtable (lib/memtable).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
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
  bool puts = false;
  std::size_t puts_per_table = 16384;
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

double ns_since(Clock::time_point t0) { return std::chrono::duration<double, std::nano>(Clock::now() - t0).count(); }

// --puts: see the header comment.
int run_puts(const Config& c, const std::vector<std::string>& keys, const std::string& pool) {
  walkv_bench::Rng rng(3);
  walkv_bench::LatencyHistogram latency;
  double put_ns = 0, collect_ns = 0, for_each_ns = 0, destroy_ns = 0;
  long puts = 0, tables = 0, bad = 0;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.seconds));
  while (Clock::now() < deadline) {
    auto table = std::make_unique<walkv::MemTable>();
    const auto fill = Clock::now();
    for (std::size_t i = 0; i < c.puts_per_table; ++i) {
      const std::string& key = keys[rng.below(keys.size())];
      const std::string_view value = slice(pool, c.value_size, rng);
      const auto t0 = Clock::now();
      table->put(key, value);
      latency.record(static_cast<std::uint64_t>(std::chrono::nanoseconds(Clock::now() - t0).count()));
    }
    put_ns += ns_since(fill);
    puts += static_cast<long>(c.puts_per_table);
    auto t0 = Clock::now();
    const auto entries = table->collect("");
    collect_ns += ns_since(t0);
#ifdef WALKV_MEMTABLE_HAS_FOR_EACH
    std::size_t walked = 0;
    t0 = Clock::now();
    table->for_each("", [&](std::string_view, const std::string_view* value) {
      walked += value != nullptr ? value->size() : 0;
      return true;
    });
    for_each_ns += ns_since(t0);
    std::size_t collected = 0;
    for (const auto& e : entries) collected += e.value ? e.value->size() : 0;
    if (walked != collected) ++bad;
#endif
    if (entries.size() != table->entry_count()) ++bad;
    t0 = Clock::now();
    table.reset();
    destroy_ns += ns_since(t0);
    ++tables;
  }
  const double n = static_cast<double>(tables);
  std::printf("puts: %ld tables of %zu puts over %zu keys: %.0f ns/put (p50 %.0f ns, p99 %.0f ns); "
              "per table: collect %.2f ms, for_each %s, destroy %.2f ms\n",
              tables, c.puts_per_table, keys.size(), put_ns / static_cast<double>(puts), latency.percentile(0.5),
              latency.percentile(0.99), collect_ns / n / 1e6,
              for_each_ns > 0 ? (std::to_string(for_each_ns / n / 1e6).substr(0, 5) + " ms").c_str() : "n/a",
              destroy_ns / n / 1e6);
  return bad == 0 ? 0 : 1;
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
  app.add_flag("--puts", c.puts, "measure puts into fresh tables (and walking, destroying them) instead of gets");
  app.add_option("--puts-per-table", c.puts_per_table, "with --puts: puts into each fresh table")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  walkv_bench::Rng rng(1);
  const std::string pool = random_bytes(c.value_size + (1u << 20), rng);
  std::vector<std::string> keys;
  if (c.puts) {
    // The key shape of walkv-bench (bench/key_space.cpp): 24 bytes.
    for (std::size_t i = 0; i < c.keys; ++i) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "session-%016llx", static_cast<unsigned long long>(rng.next()));
      keys.emplace_back(buf);
    }
    return run_puts(c, keys, pool);
  }
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
