// walkv store — StoreCounters: the atomics behind Store::statistics()
// (include/walkv/statistics.hpp), and the calls to Options::listener
// (include/walkv/event_listener.hpp).
//
// Thread-safety: every member is an atomic updated with relaxed increments
// (counters only; nothing is ordered by them); snapshot() may run alongside.
// Listener calls are made by the caller's thread; the store makes them only
// outside its locks and outside the group-commit leader role.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include <walkv/event_listener.hpp>
#include <walkv/statistics.hpp>

namespace walkv {

class StoreCounters {
 public:
  // One committed write group: `frames` frames of `bytes` bytes written.
  void group_committed(std::uint64_t frames, std::uint64_t bytes) noexcept;
  // The fdatasync a group of `writers` members needed was attempted (failed ones too).
  void fdatasync_attempted(std::uint64_t writers) noexcept;
  // A write group waited `ns` for the log to roll over to a new segment.
  void write_stalled(std::uint64_t ns) noexcept;
  void compaction_done(std::uint64_t bytes, std::uint64_t ns) noexcept;
  void replayed(std::uint64_t bytes, std::uint64_t ns) noexcept;

  Statistics snapshot(bool poisoned) const noexcept;

 private:
  std::atomic<std::uint64_t> bytes_written_{0};
  std::atomic<std::uint64_t> frames_written_{0};
  std::atomic<std::uint64_t> group_commits_{0};
  std::atomic<std::uint64_t> fdatasyncs_{0};
  std::atomic<std::uint64_t> synced_writers_{0};
  std::atomic<std::uint64_t> write_stalls_{0};
  std::atomic<std::uint64_t> write_stall_ns_{0};
  std::atomic<std::uint64_t> compactions_{0};
  std::atomic<std::uint64_t> bytes_compacted_{0};
  std::atomic<std::uint64_t> compaction_ns_{0};
  std::atomic<std::uint64_t> replay_bytes_{0};
  std::atomic<std::uint64_t> replay_ns_{0};
};

// Nanoseconds elapsed since `start` on the steady clock.
std::uint64_t nanoseconds_since(std::chrono::steady_clock::time_point start) noexcept;

}  // namespace walkv
