// walkv-bench — what the device under the scratch directory can do, measured
// in the same run as the stores (the targets are ratios to these numbers):
// the fdatasync rate of 4 KiB appends to a preallocated file, sequential write
// bandwidth with a final fdatasync, page-cache read bandwidth, and the
// bandwidth of 256 KiB appends each followed by fdatasync.
#pragma once

#include "config.hpp"
#include "results.hpp"
#include "scratch_dir.hpp"

namespace walkv_bench {

DeviceResult measure_device(const ScratchDir& scratch, const BenchConfig& config);

}  // namespace walkv_bench
