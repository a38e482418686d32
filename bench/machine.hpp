// walkv-bench — a description of the machine and of the scratch filesystem,
// printed with every run (absolute numbers only mean something with it).
#pragma once

#include <string>

#include "results.hpp"

namespace walkv_bench {

MachineInfo describe_machine(const std::string& scratch_dir);

// The three load averages of /proc/loadavg, e.g. "0.52 0.61 0.70".
std::string load_average();

}  // namespace walkv_bench
