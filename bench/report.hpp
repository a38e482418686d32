// walkv-bench — the Markdown report of one run (printed to stdout and saved
// next to the JSON).
#pragma once

#include <string>
#include <vector>

#include "ratios.hpp"
#include "results.hpp"
#include "targets.hpp"

namespace walkv_bench {

std::string markdown_report(const BenchResults& results, const std::vector<Ratio>& ratios,
                            const std::vector<TargetCheck>& targets, const std::string& chart_path);

}  // namespace walkv_bench
