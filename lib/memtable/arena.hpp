// walkv memtable — Arena: bump allocation for what a table keeps until it is
// dropped (the ordered key set's nodes and key bytes), so that adding a key
// costs no malloc and dropping the table frees a few blocks, not one
// allocation per key. Nothing is freed individually: deallocate() is a no-op
// (the table never erases a key from its set, except to undo a failed put).
//
// Blocks start small (a table that holds a few keys stays small) and double up
// to kMaxBlock; an allocation larger than a quarter of the block size gets a
// block of its own.
//
// Thread-safety: none; the table allocates only under its writer lock. Memory
// handed out stays valid (and unmoved) until the Arena is destroyed, so
// readers may read it under the table's own synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>

namespace walkv {

class Arena {
 public:
  Arena() = default;
  ~Arena() {
    while (head_ != nullptr) {
      Block* next = head_->next;
      ::operator delete(head_);
      head_ = next;
    }
  }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Throws std::bad_alloc. align: a power of two, at most alignof(std::max_align_t).
  void* allocate(std::size_t bytes, std::size_t align) {
    if (void* p = bump(bytes, align)) return p;
    if (bytes > next_size_ / 4) return dedicated_block(bytes);  // the current block keeps bumping
    new_block();
    return bump(bytes, align);
  }

  // A copy of `bytes` in the arena. Throws std::bad_alloc.
  std::string_view copy(std::string_view bytes) {
    if (bytes.empty()) return {};
    char* out = static_cast<char*>(allocate(bytes.size(), 1));
    std::memcpy(out, bytes.data(), bytes.size());
    return {out, bytes.size()};
  }

  // Bytes of the blocks held (for estimates and tests).
  std::size_t block_bytes() const noexcept { return block_bytes_; }

 private:
  struct alignas(std::max_align_t) Block {
    Block* next;
  };
  static constexpr std::size_t kMinBlock = 1024;
  static constexpr std::size_t kMaxBlock = 256 * 1024;

  void* bump(std::size_t bytes, std::size_t align) noexcept {
    if (cursor_ == nullptr) return nullptr;
    const std::uintptr_t at = (reinterpret_cast<std::uintptr_t>(cursor_) + (align - 1)) & ~(std::uintptr_t{align} - 1);
    if (at > reinterpret_cast<std::uintptr_t>(end_) || bytes > reinterpret_cast<std::uintptr_t>(end_) - at) return nullptr;
    cursor_ = reinterpret_cast<char*>(at + bytes);
    return reinterpret_cast<void*>(at);
  }

  Block* link(std::size_t size) {
    void* memory = ::operator new(sizeof(Block) + size);
    block_bytes_ += size;
    return new (memory) Block{nullptr};
  }

  // A new current block: kMinBlock, doubling up to kMaxBlock.
  void new_block() {
    Block* block = link(next_size_);
    block->next = head_;
    head_ = block;
    cursor_ = reinterpret_cast<char*>(block + 1);
    end_ = cursor_ + next_size_;
    if (next_size_ < kMaxBlock) next_size_ *= 2;
  }

  // A block holding only `bytes` (max_align_t-aligned), kept in the list.
  void* dedicated_block(std::size_t bytes) {
    Block* block = link(bytes);
    if (head_ == nullptr) {
      head_ = block;
    } else {
      block->next = head_->next;
      head_->next = block;
    }
    return block + 1;
  }

  Block* head_ = nullptr;
  char* cursor_ = nullptr;
  char* end_ = nullptr;
  std::size_t next_size_ = kMinBlock;
  std::size_t block_bytes_ = 0;
};

// A std::allocator replacement that takes from an Arena and never frees: for
// node containers that live exactly as long as the Arena.
template <class T>
class ArenaAllocator {
 public:
  using value_type = T;
  explicit ArenaAllocator(Arena& arena) noexcept : arena_(&arena) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena_(other.arena()) {}

  T* allocate(std::size_t n) { return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T*, std::size_t) noexcept {}
  Arena* arena() const noexcept { return arena_; }

  template <class U>
  bool operator==(const ArenaAllocator<U>& other) const noexcept { return arena_ == other.arena(); }

 private:
  Arena* arena_;
};

}  // namespace walkv
