// walkv-bench — a PNG chart of durable-put throughput against threads (one
// panel per value size, one line per engine), drawn by gnuplot when it is
// installed. The data (.dat) and script (.gp) are written next to it either way.
#pragma once

#include <string>

#include "results.hpp"

namespace walkv_bench {

// Returns the PNG's path, or "" when there is nothing to draw or no gnuplot.
std::string write_throughput_chart(const BenchResults& results, const std::string& path_prefix);

}  // namespace walkv_bench
