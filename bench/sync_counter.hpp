// walkv-bench — counts fdatasync and fsync calls made by every engine in this
// process, so each workload can report writes per fdatasync without strace
// and without help from the engines.
//
// How: walkv-bench defines fdatasync() and fsync() itself (and exports them,
// see bench/meson.build), so the shared libraries' calls resolve to these
// definitions, which count and then issue the system call. Calls that bypass
// libc's symbols (O_DSYNC writes, e.g. LMDB's meta page; sync_file_range)
// are not counted.
//
// Thread-safety: lock-free counters.
#pragma once

#include <cstdint>

namespace walkv_bench {

struct SyncCounts {
  std::uint64_t fdatasync = 0;
  std::uint64_t fsync = 0;
  std::uint64_t total() const { return fdatasync + fsync; }
};

SyncCounts sync_counts();
SyncCounts operator-(const SyncCounts& after, const SyncCounts& before);

}  // namespace walkv_bench
