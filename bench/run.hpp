// walkv-bench — one whole run: the device, then each selected workload against
// each selected engine (walkv first), collected into BenchResults. A failing
// engine is recorded in BenchResults::errors and the run goes on.
#pragma once

#include "config.hpp"
#include "results.hpp"

namespace walkv_bench {

BenchResults run_benchmark(const BenchConfig& config);

}  // namespace walkv_bench
