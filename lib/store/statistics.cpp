// walkv store — StoreCounters (lib/store/statistics.hpp).
#include "store/statistics.hpp"

namespace walkv {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

}  // namespace

void StoreCounters::group_committed(std::uint64_t frames, std::uint64_t bytes) noexcept {
  group_commits_.fetch_add(1, kRelaxed);
  frames_written_.fetch_add(frames, kRelaxed);
  bytes_written_.fetch_add(bytes, kRelaxed);
}

void StoreCounters::fdatasync_attempted(std::uint64_t writers) noexcept {
  fdatasyncs_.fetch_add(1, kRelaxed);
  synced_writers_.fetch_add(writers, kRelaxed);
}

void StoreCounters::write_stalled(std::uint64_t ns) noexcept {
  write_stalls_.fetch_add(1, kRelaxed);
  write_stall_ns_.fetch_add(ns, kRelaxed);
}

void StoreCounters::compaction_done(std::uint64_t bytes, std::uint64_t ns) noexcept {
  compactions_.fetch_add(1, kRelaxed);
  bytes_compacted_.fetch_add(bytes, kRelaxed);
  compaction_ns_.fetch_add(ns, kRelaxed);
}

void StoreCounters::replayed(std::uint64_t bytes, std::uint64_t ns) noexcept {
  replay_bytes_.fetch_add(bytes, kRelaxed);
  replay_ns_.fetch_add(ns, kRelaxed);
}

Statistics StoreCounters::snapshot(bool poisoned) const noexcept {
  Statistics s;
  s.bytes_written = bytes_written_.load(kRelaxed);
  s.frames_written = frames_written_.load(kRelaxed);
  s.group_commits = group_commits_.load(kRelaxed);
  s.fdatasyncs = fdatasyncs_.load(kRelaxed);
  s.synced_writers = synced_writers_.load(kRelaxed);
  s.write_stalls = write_stalls_.load(kRelaxed);
  s.write_stall_ns = write_stall_ns_.load(kRelaxed);
  s.compactions = compactions_.load(kRelaxed);
  s.bytes_compacted = bytes_compacted_.load(kRelaxed);
  s.compaction_ns = compaction_ns_.load(kRelaxed);
  s.replay_bytes = replay_bytes_.load(kRelaxed);
  s.replay_ns = replay_ns_.load(kRelaxed);
  s.poisoned = poisoned;
  return s;
}

std::uint64_t nanoseconds_since(std::chrono::steady_clock::time_point start) noexcept {
  auto elapsed = std::chrono::steady_clock::now() - start;
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
}

}  // namespace walkv
