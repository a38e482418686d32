// walkv snapshot — the lock that keeps transactions and map resizing apart.
//
// Thread-safety: thread-safe (it is a lock). Meets SharedLockable, so
// std::shared_lock / std::unique_lock work with it.
//
// mdb_env_set_mapsize may only run while this process has no transaction
// open, so every transaction holds the lock shared and a resize holds it
// exclusively. A plain std::shared_mutex (glibc: readers preferred) would let a
// steady stream of gateway reads starve a resize forever, and with it the
// compaction that needs the bigger map. Here a pending resize closes a gate:
// new shared lockers queue behind it, the ones inside drain, the resize runs.
// Consequence: shared locking is NOT recursive — a thread holding the lock
// shared must not take it shared again (it could wait behind a resize that
// waits for that thread).
#pragma once

#include <atomic>
#include <mutex>
#include <shared_mutex>

namespace walkv::snapshot_detail {

class ResizeLock {
 public:
  void lock_shared() {
    if (resize_pending_.load(std::memory_order_acquire)) {
      std::lock_guard wait_for_resize(gate_);
    }
    mu_.lock_shared();
  }
  void unlock_shared() { mu_.unlock_shared(); }

  void lock() {
    gate_.lock();
    resize_pending_.store(true, std::memory_order_release);
    mu_.lock();
  }
  void unlock() {
    mu_.unlock();
    resize_pending_.store(false, std::memory_order_release);
    gate_.unlock();
  }

 private:
  std::mutex gate_;  // held by a resizer from announcement to completion
  std::atomic<bool> resize_pending_{false};
  std::shared_mutex mu_;
};

}  // namespace walkv::snapshot_detail
