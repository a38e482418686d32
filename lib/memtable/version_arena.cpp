// VersionArena: see version_arena.hpp.
#include "memtable/version_arena.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace walkv {
namespace {

// kBlockBytes of anonymous memory aligned to kBlockBytes (a huge page can
// only back an aligned range): map twice the size and cut off what lies
// outside the aligned block.
void* map_aligned_block() {
  constexpr std::size_t size = VersionArena::kBlockBytes;
  void* raw = ::mmap(nullptr, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + size - 1) & ~(std::uintptr_t{size} - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t tail = start + 2 * size - (aligned + size);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* block = reinterpret_cast<void*>(aligned);
  // A hint: fails harmlessly where transparent huge pages are not built in.
  (void)::madvise(block, size, MADV_HUGEPAGE);
  return block;
}

}  // namespace

VersionArena::~VersionArena() {
  for (void* block : blocks_) ::munmap(block, kBlockBytes);
}

void* VersionArena::allocate(std::size_t bytes) {
  if (bytes > kMaxAllocation) return nullptr;
  bytes = (bytes + kAlignment - 1) & ~(kAlignment - 1);
  if (cursor_ == nullptr || static_cast<std::size_t>(end_ - cursor_) < bytes) new_block();
  void* out = cursor_;
  cursor_ += bytes;
  return out;
}

void VersionArena::new_block() {
  blocks_.reserve(blocks_.size() + 1);  // may throw before the block is mapped
  void* block = map_aligned_block();
  blocks_.push_back(block);
  cursor_ = static_cast<char*>(block);
  end_ = cursor_ + kBlockBytes;
}

}  // namespace walkv
