// walkv memtable — epoch-based reclamation: lets readers follow pointers that a
// writer may replace at any time, without a lock and without ever waiting.
//
// A reader holds a ReadGuard while it follows pointers it loaded from shared
// atomics. The (single) writer unlinks an object first — readers that start
// afterwards can no longer reach it — and then retire()s it. A retired object
// is freed only once every reader that could still hold it has left: readers
// register in the epoch current when they enter (one counter per epoch parity,
// sharded over cache lines so reader threads do not share one); the writer
// moves to the next epoch, freeing what was retired two epochs ago, only when
// no reader of the previous epoch remains. Readers never wait: entering is an
// increment and a re-check of the epoch; the writer never waits either (it
// tries again at its next retirement).
//
// Thread-safety: ReadGuard from any thread; retire() and reclaim() from one
// writer at a time (the caller serialises them). The destructor frees
// everything retired and needs no reader to remain.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace walkv {

class EpochReclaimer {
 public:
  using Deleter = void (*)(void*) noexcept;

  // Registered for as long as it lives; not movable.
  class ReadGuard {
   public:
    explicit ReadGuard(const EpochReclaimer& owner) noexcept;
    ~ReadGuard() { counter_->fetch_sub(1, std::memory_order_release); }
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;

   private:
    std::atomic<std::uint64_t>* counter_;
  };

  EpochReclaimer() = default;
  ~EpochReclaimer();
  EpochReclaimer(const EpochReclaimer&) = delete;
  EpochReclaimer& operator=(const EpochReclaimer&) = delete;

  // Frees `object` with `deleter` once no reader can hold it. `bytes` only
  // paces reclamation (try to reclaim once enough is pending).
  void retire(void* object, Deleter deleter, std::size_t bytes = 0);

  // Moves to the next epoch when no reader of the previous one remains,
  // freeing what that allows. Returns true when it advanced.
  bool reclaim();

 private:
  struct Retired {
    void* object;
    Deleter deleter;
  };
  struct alignas(64) Shard {
    std::atomic<std::uint64_t> readers[2] = {0, 0};  // by epoch parity
  };
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kPendingObjects = 64;
  static constexpr std::size_t kPendingBytes = 1u << 20;

  static std::size_t shard_of_this_thread() noexcept;
  static void free_all(std::vector<Retired>& list) noexcept;

  mutable std::array<Shard, kShards> shards_{};
  alignas(64) std::atomic<std::uint64_t> epoch_{2};
  // Writer only: what was retired in an epoch of each parity.
  std::vector<Retired> retired_[2];
  std::size_t retired_bytes_[2] = {0, 0};
};

inline std::size_t EpochReclaimer::shard_of_this_thread() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return mine;
}

// Dekker-style with the writer's reclaim(): either the writer sees this
// increment, or this thread sees the writer's newer epoch and retries.
inline EpochReclaimer::ReadGuard::ReadGuard(const EpochReclaimer& owner) noexcept {
  Shard& shard = owner.shards_[shard_of_this_thread()];
  for (;;) {
    const std::uint64_t epoch = owner.epoch_.load(std::memory_order_seq_cst);
    counter_ = &shard.readers[epoch & 1];
    counter_->fetch_add(1, std::memory_order_seq_cst);
    if (owner.epoch_.load(std::memory_order_seq_cst) == epoch) return;
    counter_->fetch_sub(1, std::memory_order_release);
  }
}

inline EpochReclaimer::~EpochReclaimer() {
  free_all(retired_[0]);
  free_all(retired_[1]);
}

inline void EpochReclaimer::free_all(std::vector<Retired>& list) noexcept {
  for (const Retired& r : list) r.deleter(r.object);
  list.clear();
}

inline void EpochReclaimer::retire(void* object, Deleter deleter, std::size_t bytes) {
  const std::uint64_t epoch = epoch_.load(std::memory_order_relaxed);
  try {
    retired_[epoch & 1].push_back(Retired{object, deleter});
  } catch (...) {
    // No memory to remember it: leak the object rather than free it under a reader.
    return;
  }
  retired_bytes_[epoch & 1] += bytes;
  const std::size_t objects = retired_[0].size() + retired_[1].size();
  if (objects >= kPendingObjects || retired_bytes_[0] + retired_bytes_[1] >= kPendingBytes) reclaim();
}

// Epoch e: objects retired in e-1 are in retired_[(e+1)&1]; readers that could
// hold them registered in e-1 or earlier (parity (e+1)&1; those of e-2 were
// gone when e began). None left: free them and begin e+1, whose retirements
// go to the emptied list and whose readers use the drained counters.
inline bool EpochReclaimer::reclaim() {
  const std::uint64_t epoch = epoch_.load(std::memory_order_relaxed);
  const std::size_t previous = (epoch + 1) & 1;
  for (const Shard& shard : shards_)
    if (shard.readers[previous].load(std::memory_order_seq_cst) != 0) return false;
  free_all(retired_[previous]);
  retired_bytes_[previous] = 0;
  epoch_.store(epoch + 1, std::memory_order_seq_cst);
  return true;
}

}  // namespace walkv
