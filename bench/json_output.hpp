// walkv-bench — the JSON file of one run: configuration, machine, device,
// every cell, the ratios and the target checks (nlohmann::json).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ratios.hpp"
#include "results.hpp"
#include "targets.hpp"

namespace walkv_bench {

nlohmann::json results_json(const BenchResults& results, const std::vector<Ratio>& ratios,
                            const std::vector<TargetCheck>& targets);

}  // namespace walkv_bench
