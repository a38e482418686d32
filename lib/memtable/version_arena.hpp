// walkv memtable — VersionArena: the memory of the versions the log replay
// makes (MemTable::put_unshared), taken from 2 MiB blocks that the kernel may
// back with transparent huge pages (madvise(MADV_HUGEPAGE)), as RocksDB's
// memtable_huge_page_size backs its memtable arena with huge pages.
//
// Why: a replay first touches the table's whole working set at once, a page
// at a time. On virtual machines a page fault costs microseconds: reopening
// after 256 MB of log spent about a third of its time faulting in 41 MB of
// heap (docs/performance.md, "Replay through a read window, versions in huge
// pages"). With huge pages one fault maps 2 MiB. Where transparent huge
// pages are off ("never"), the blocks are ordinary memory and nothing is lost.
//
// Nothing is freed individually: the blocks go when the arena does (with its
// table). The table bounds how much it allocates here
// (MemTable::make_unshared).
//
// Thread-safety: none; the table allocates only under its writer lock.
// Memory handed out stays valid and unmoved until the arena is destroyed.
#pragma once

#include <cstddef>
#include <vector>

namespace walkv {

class VersionArena {
 public:
  static constexpr std::size_t kBlockBytes = std::size_t{2} << 20;       // one x86-64 huge page
  static constexpr std::size_t kMaxAllocation = kBlockBytes / 8;       // larger ones: malloc
  static constexpr std::size_t kAlignment = alignof(std::max_align_t);  // 16

  VersionArena() = default;
  ~VersionArena();
  VersionArena(const VersionArena&) = delete;
  VersionArena& operator=(const VersionArena&) = delete;

  // `bytes` of kAlignment-aligned memory, or nullptr when bytes >
  // kMaxAllocation (the caller allocates those itself). Throws
  // std::bad_alloc when a new block cannot be mapped.
  void* allocate(std::size_t bytes);

  // Bytes of the blocks mapped so far.
  std::size_t block_bytes() const noexcept { return blocks_.size() * kBlockBytes; }

 private:
  void new_block();

  std::vector<void*> blocks_;
  char* cursor_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace walkv
