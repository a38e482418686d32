// walkv store — the memtable and immutable memtable as point readers see them:
// published without a lock, reached without a reference count.
//
// Store::Impl keeps mem_/imm_ as shared_ptrs under tables_mu_ for the write
// path, scan and compaction (Store::Impl::tables()). A get, the hot path, must
// not take that mutex nor copy two shared_ptrs (four atomic read-modify-writes
// on reference counts that every reader thread shares, so their cache lines
// bounce between cores). So every change of mem_/imm_ is also published here as
// an immutable Pair that owns a reference to each table; a reader loads the
// current Pair inside an epoch guard (memtable/epoch.hpp: one increment of a
// per-thread-sharded counter, never a wait) and uses the raw table pointers
// while the guard lives. A replaced Pair is retired to the reclaimer and freed
// — dropping its references — once no reader that could hold it remains.
//
// Thread-safety: Reader from any thread, any number at once; it never blocks.
// publish() and synchronize() from any thread (an internal mutex serialises
// them; neither ever waits for tables_mu_). A Reader must not outlive the
// PublishedTables.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "memtable/epoch.hpp"
#include "memtable/memtable.hpp"

namespace walkv {

class PublishedTables {
 public:
  struct Pair {
    std::shared_ptr<MemTable> mem;
    std::shared_ptr<MemTable> imm;  // being compacted, or null
  };

  // The tables current when it was made, valid while it lives. Keep it short:
  // a synchronize() waits until every Reader older than it has gone, so hold
  // one only around the (lock-free) memtable lookups, never across I/O or a
  // call that may block.
  class Reader {
   public:
    explicit Reader(const PublishedTables& tables) noexcept
        : guard_(tables.reclaimer_), pair_(tables.current_.load(std::memory_order_seq_cst)) {}
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    // Null before the first publish() and when that table is null.
    const MemTable* mem() const noexcept { return pair_ ? pair_->mem.get() : nullptr; }
    const MemTable* imm() const noexcept { return pair_ ? pair_->imm.get() : nullptr; }

   private:
    EpochReclaimer::ReadGuard guard_;  // entered before pair_ is loaded
    const Pair* pair_;
  };

  PublishedTables() = default;
  // Frees the current Pair and every retired one (no Reader may remain).
  ~PublishedTables() { delete current_.load(std::memory_order_relaxed); }
  PublishedTables(const PublishedTables&) = delete;
  PublishedTables& operator=(const PublishedTables&) = delete;

  // Makes {mem, imm} what new Readers see and retires the previous Pair.
  // Throws std::bad_alloc, and then nothing changed.
  void publish(std::shared_ptr<MemTable> mem, std::shared_ptr<MemTable> imm) {
    auto next = std::make_unique<const Pair>(Pair{std::move(mem), std::move(imm)});
    std::lock_guard<std::mutex> lock(writer_mu_);
    const Pair* previous = current_.exchange(next.release(), std::memory_order_seq_cst);
    if (previous == nullptr) return;
    // retire() leaks rather than frees when it cannot allocate its bookkeeping.
    reclaimer_.retire(const_cast<Pair*>(previous), &delete_pair);
    // Usually no reader is inside: free it now rather than at a later publish.
    if (reclaimer_.reclaim()) reclaimer_.reclaim();
  }

  // Returns once every Pair retired before the call is freed, i.e. the tables
  // it referenced are released (the memory of an imm that compaction dropped).
  // Waits (yielding) only for Readers that started before the call; Readers
  // never wait, so this ends once the current ones leave their lookups.
  void synchronize() {
    std::lock_guard<std::mutex> lock(writer_mu_);
    // An object retired in epoch e is freed by the advance from e+1 to e+2.
    for (int advanced = 0; advanced < 2;) {
      if (reclaimer_.reclaim()) {
        advanced += 1;
      } else {
        std::this_thread::yield();
      }
    }
  }

 private:
  static void delete_pair(void* pair) noexcept { delete static_cast<const Pair*>(pair); }

  mutable EpochReclaimer reclaimer_;  // frees what is still retired when destroyed
  std::atomic<const Pair*> current_{nullptr};
  std::mutex writer_mu_;  // publish() and synchronize(): the reclaimer's one writer
};

}  // namespace walkv
