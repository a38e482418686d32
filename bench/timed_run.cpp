#include "timed_run.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "device_writes.hpp"

namespace walkv_bench {

namespace {

using Clock = std::chrono::steady_clock;

struct Shared {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::mutex error_mu;
  std::exception_ptr error;
};

struct PerThread {
  std::uint64_t ops = 0;
  LatencyHistogram latency;
};

void worker(Shared& shared, PerThread& mine, std::uint64_t seed, const std::function<void(Rng&)>& op) {
  Rng rng(seed);
  shared.ready.fetch_add(1);
  while (!shared.go.load(std::memory_order_acquire)) std::this_thread::yield();
  try {
    while (!shared.stop.load(std::memory_order_relaxed)) {
      const auto start = Clock::now();
      op(rng);
      const auto end = Clock::now();
      mine.latency.record(static_cast<std::uint64_t>(std::chrono::nanoseconds(end - start).count()));
      ++mine.ops;
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(shared.error_mu);
    if (!shared.error) shared.error = std::current_exception();
    shared.stop.store(true);
  }
}

std::uint64_t next_run_seed() {
  static std::atomic<std::uint64_t> runs{0};
  return 0x600dcafe0000ull + (runs.fetch_add(1) << 16);
}

}  // namespace

RunMeasurement run_timed(int threads, std::chrono::milliseconds duration, const std::function<void(Rng&)>& op) {
  Shared shared;
  std::vector<PerThread> per_thread(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  const std::uint64_t seed = next_run_seed();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back(worker, std::ref(shared), std::ref(per_thread[static_cast<std::size_t>(t)]),
                      seed + static_cast<std::uint64_t>(t), std::cref(op));
  while (shared.ready.load() < threads) std::this_thread::yield();

  const SyncCounts syncs_before = sync_counts();
  const std::optional<std::uint64_t> device_before = device_bytes_written();
  const auto start = Clock::now();
  shared.go.store(true, std::memory_order_release);
  const auto deadline = start + duration;
  while (!shared.stop.load() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  shared.stop.store(true);
  for (auto& t : pool) t.join();
  const auto end = Clock::now();

  if (shared.error) std::rethrow_exception(shared.error);
  RunMeasurement m;
  m.seconds = std::chrono::duration<double>(end - start).count();
  m.syncs = sync_counts() - syncs_before;
  const std::optional<std::uint64_t> device_after = device_bytes_written();
  if (device_before && device_after) m.device_bytes = *device_after - *device_before;
  for (const auto& p : per_thread) {
    m.ops += p.ops;
    m.latency.merge(p.latency);
  }
  return m;
}

}  // namespace walkv_bench
