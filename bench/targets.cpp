#include "targets.hpp"

#include <cstdio>

#include "ratios.hpp"

namespace walkv_bench {

namespace {

constexpr std::size_t kTargetValueSize = 4096;

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

const ThroughputCell* find_cell(const BenchResults& r, const std::string& workload, const std::string& engine,
                                int threads, std::size_t value_size = kTargetValueSize) {
  for (const auto& c : r.throughput)
    if (c.workload == workload && c.engine == engine && c.threads == threads && c.value_size == value_size) return &c;
  return nullptr;
}

const RecoveryCell* find_recovery(const BenchResults& r, const std::string& engine, std::uint64_t log_mb) {
  for (const auto& c : r.recovery)
    if (c.engine == engine && c.log_mb == log_mb) return &c;
  return nullptr;
}

std::string threads_text(int threads) { return std::to_string(threads) + (threads == 1 ? " thread" : " threads"); }

TargetCheck not_measured(std::string target) { return {std::move(target), "not measured in this run", std::nullopt}; }

// walkv's ops/s in a cell >= factor x the peer's.
TargetCheck versus_peer(const BenchResults& r, const std::string& workload, int threads, const std::string& peer,
                        const std::string& peer_title, double factor) {
  const std::string target = workload + " 4 KiB puts, " + threads_text(threads) + ": >= " + format("%g", factor) +
                             "x " + peer_title;
  const ThroughputCell* w = find_cell(r, workload, "walkv", threads);
  const ThroughputCell* p = find_cell(r, workload, peer, threads);
  if (w == nullptr || p == nullptr || p->ops_per_second <= 0) return not_measured(target);
  const double ratio = paired_ratio(*w, *p);
  return {target, format("%.2fx (medians %.0f vs %.0f ops/s)", ratio, w->ops_per_second, p->ops_per_second),
          ratio >= factor};
}

TargetCheck bandwidth_share(const BenchResults& r) {
  const std::string target = "durable 4 KiB puts, 64 threads: >= 50% of the sequential write bandwidth";
  const ThroughputCell* w = find_cell(r, "durable", "walkv", 64);
  if (w == nullptr || !r.device.measured) return not_measured(target);
  const double share = w->mb_per_second / r.device.sequential_write_mb_per_second;
  return {target,
          format("%.1f%% (%.1f of %.1f MB/s", 100 * share, w->mb_per_second, r.device.sequential_write_mb_per_second) +
              format("; 256 KiB appends + fdatasync reach %.1f MB/s)", r.device.synced_append_mb_per_second),
          share >= 0.5};
}

// Against the "device" row measured interleaved with walkv (same neighbours);
// the device measurement at the start of the run when that row is missing.
TargetCheck fdatasync_share(const BenchResults& r) {
  const std::string target = "durable 4 KiB puts, 1 thread: within 10% of the device's fdatasync rate";
  const ThroughputCell* w = find_cell(r, "durable", "walkv", 1);
  const ThroughputCell* device = find_cell(r, "durable", "device", 1);
  if (w == nullptr || (device == nullptr && !r.device.measured)) return not_measured(target);
  const double limit = device ? device->ops_per_second : r.device.fdatasync_per_second();
  const double share = device ? paired_ratio(*w, *device) : w->ops_per_second / limit;
  return {target,
          format("%.1f%% (medians %.0f and %.0f fdatasync/s", 100 * share, w->ops_per_second, limit) +
              (device ? ", device row)" : ", device measurement)"),
          share >= 0.9};
}

void recovery_targets(const BenchResults& r, std::vector<TargetCheck>& out) {
  for (std::uint64_t mb : r.config.recovery_mb) {
    const std::string size = std::to_string(mb) + " MB of log";
    const RecoveryCell* w = find_recovery(r, "walkv", mb);
    const RecoveryCell* rocks = find_recovery(r, "rocksdb", mb);
    const std::string replay = "replay of " + size + ": >= 1 GB/s";
    const std::string versus = "reopen after " + size + ": >= 5x faster than RocksDB";
    const std::string memory = "reopen after " + size + ": peak RSS <= 1.5x the live data";
    if (w == nullptr) {
      out.push_back(not_measured(replay));
      out.push_back(not_measured(versus));
      out.push_back(not_measured(memory));
      continue;
    }
    out.push_back({replay, format("%.0f MB/s (open %.3f s)", w->mb_per_second, w->open_seconds),
                   w->mb_per_second >= 1000});
    if (rocks == nullptr) {
      out.push_back(not_measured(versus));
    } else {
      const double ratio = rocks->open_seconds / w->open_seconds;
      out.push_back({versus, format("%.2fx (%.3f s vs %.3f s)", ratio, w->open_seconds, rocks->open_seconds),
                     ratio >= 5});
    }
    const double live_mb = static_cast<double>(w->live_bytes) / 1e6;
    const double growth = w->rss_growth_mb() / live_mb;
    out.push_back({memory,
                   format("%.2fx: RSS grew %.1f MB (peak %.1f MB incl. the process's own)", growth, w->rss_growth_mb(),
                          w->peak_rss_mb) +
                       format(" for %.1f MB live", live_mb),
                   growth <= 1.5});
  }
}

void get_targets(const BenchResults& r, std::vector<TargetCheck>& out) {
  const struct {
    const char* workload;
    const char* where;
    double limit_us;
  } gets[] = {{"get-recent", "the memtable", 1.0}, {"get-compacted", "the snapshot", 2.0}};
  for (const auto& g : gets) {
    for (int threads : r.config.get_threads) {
      const std::string target = std::string("get median from ") + g.where + ", " + threads_text(threads) + ": <= " +
                                 format("%g", g.limit_us) + " us";
      const ThroughputCell* w = find_cell(r, g.workload, "walkv", threads, r.config.value_size);
      if (w == nullptr) {
        out.push_back(not_measured(target));
        continue;
      }
      out.push_back({target, format("%.2f us (p99 %.2f us)", w->p50_us, w->p99_us), w->p50_us <= g.limit_us});
    }
  }
}

}  // namespace

std::vector<TargetCheck> check_targets(const BenchResults& r) {
  std::vector<TargetCheck> out;
  out.push_back(versus_peer(r, "durable", 16, "leveldb", "LevelDB", 2.5));
  out.push_back(versus_peer(r, "durable", 16, "rocksdb", "RocksDB", 4));
  out.push_back(bandwidth_share(r));
  out.push_back(fdatasync_share(r));
  out.push_back(versus_peer(r, "durable", 16, "file-per-session", "file per session", 20));
  for (int threads : r.config.unsynced_threads)
    out.push_back(versus_peer(r, "unsynced", threads, "rocksdb", "RocksDB", 2));
  recovery_targets(r, out);
  get_targets(r, out);
  return out;
}

}  // namespace walkv_bench
