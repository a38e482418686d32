#include "sync_counter.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

namespace {

std::atomic<std::uint64_t> g_fdatasync{0};
std::atomic<std::uint64_t> g_fsync{0};

}  // namespace

// Interposed libc entry points (exported from the executable).
extern "C" int fdatasync(int fd) {
  g_fdatasync.fetch_add(1, std::memory_order_relaxed);
  return static_cast<int>(::syscall(SYS_fdatasync, fd));
}

extern "C" int fsync(int fd) {
  g_fsync.fetch_add(1, std::memory_order_relaxed);
  return static_cast<int>(::syscall(SYS_fsync, fd));
}

namespace walkv_bench {

SyncCounts sync_counts() {
  return SyncCounts{g_fdatasync.load(std::memory_order_relaxed), g_fsync.load(std::memory_order_relaxed)};
}

SyncCounts operator-(const SyncCounts& after, const SyncCounts& before) {
  return SyncCounts{after.fdatasync - before.fdatasync, after.fsync - before.fsync};
}

}  // namespace walkv_bench
