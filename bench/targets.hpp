// walkv-bench — issue 3's targets checked against this run's own numbers
// (ratios to peers and to the device measured in the same run).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results.hpp"

namespace walkv_bench {

struct TargetCheck {
  std::string target;    // e.g. "durable 4 KiB puts, 16 threads >= 2.5x LevelDB"
  std::string measured;  // e.g. "3.1x (62000 vs 20000 ops/s)"
  std::optional<bool> met;  // nullopt: not measured in this run (engine or workload left out)
};

std::vector<TargetCheck> check_targets(const BenchResults& results);

}  // namespace walkv_bench
