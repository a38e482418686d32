#include "ratios.hpp"

#include <algorithm>

namespace walkv_bench {

std::string cell_label(const ThroughputCell& c) {
  return c.workload + " " + std::to_string(c.value_size / 1024) + " KiB, " + std::to_string(c.threads) +
         (c.threads == 1 ? " thread" : " threads");
}

std::string recovery_label(const RecoveryCell& c) { return "reopen after " + std::to_string(c.log_mb) + " MB"; }

std::string compaction_label(const CompactionCell& c) { return "compaction (" + c.round + ")"; }

double paired_ratio(const ThroughputCell& w, const ThroughputCell& p) {
  if (w.round_rates.empty() || w.round_rates.size() != p.round_rates.size())
    return p.ops_per_second > 0 ? w.ops_per_second / p.ops_per_second : 0;
  std::vector<double> ratios;
  for (std::size_t i = 0; i < w.round_rates.size(); ++i)
    if (p.round_rates[i] > 0) ratios.push_back(w.round_rates[i] / p.round_rates[i]);
  if (ratios.empty()) return 0;
  std::sort(ratios.begin(), ratios.end());
  const std::size_t n = ratios.size();
  return n % 2 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
}

namespace {

bool same_cell(const ThroughputCell& a, const ThroughputCell& b) {
  return a.workload == b.workload && a.threads == b.threads && a.value_size == b.value_size;
}

void add_throughput_ratios(const BenchResults& r, std::vector<Ratio>& out) {
  for (const auto& w : r.throughput) {
    if (w.engine != "walkv") continue;
    for (const auto& p : r.throughput) {
      if (p.engine == "walkv" || !same_cell(w, p) || p.ops_per_second <= 0) continue;
      out.push_back({cell_label(w), p.engine, w.ops_per_second, p.ops_per_second, paired_ratio(w, p)});
    }
  }
}

void add_recovery_ratios(const BenchResults& r, std::vector<Ratio>& out) {
  for (const auto& w : r.recovery) {
    if (w.engine != "walkv" || w.open_seconds <= 0) continue;
    for (const auto& p : r.recovery) {
      if (p.engine == "walkv" || p.log_mb != w.log_mb) continue;
      out.push_back({recovery_label(w), p.engine, w.open_seconds, p.open_seconds, p.open_seconds / w.open_seconds});
    }
  }
}

void add_compaction_ratios(const BenchResults& r, std::vector<Ratio>& out) {
  for (const auto& w : r.compaction) {
    if (w.engine != "walkv") continue;
    for (const auto& p : r.compaction) {
      if (p.engine == "walkv" || p.round != w.round || !p.engine_compacts || p.mb_per_second <= 0) continue;
      out.push_back({compaction_label(w), p.engine, w.mb_per_second, p.mb_per_second, w.mb_per_second / p.mb_per_second});
    }
  }
}

}  // namespace

std::vector<Ratio> walkv_ratios(const BenchResults& results) {
  std::vector<Ratio> out;
  add_throughput_ratios(results, out);
  add_recovery_ratios(results, out);
  add_compaction_ratios(results, out);
  return out;
}

}  // namespace walkv_bench
