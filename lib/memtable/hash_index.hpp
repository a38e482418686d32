// walkv memtable — HashIndex: each key's current Version, found by key by
// readers that take no lock. Open addressing with linear probing over slots of
// (hash, current version); the version holds the key. A slot is claimed once
// for one key (hash, then version with release) and never emptied, so a reader
// that reaches an empty slot has seen every key inserted before it started;
// later writes to that key swap the slot's version. Growing builds a new slot
// array, publishes it, and retires the old one through the EpochReclaimer.
//
// Thread-safety: find() from any thread inside an EpochReclaimer::ReadGuard;
// exchange() from one writer at a time (the MemTable's writer lock).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <new>
#include <string_view>

#include "memtable/epoch.hpp"
#include "memtable/version.hpp"

namespace walkv {

class HashIndex {
 public:
  explicit HashIndex(EpochReclaimer& reclaimer) : reclaimer_(reclaimer), table_(Table::make(kInitialCapacity)) {}
  // Frees the slot arrays and every current version.
  ~HashIndex();
  HashIndex(const HashIndex&) = delete;
  HashIndex& operator=(const HashIndex&) = delete;

  static std::size_t hash_of(std::string_view key) noexcept { return std::hash<std::string_view>{}(key); }

  // The current version of `key`, or null when the key was never written.
  const Version* find(std::string_view key, std::size_t hash) const noexcept {
    const Table* t = table_.load(std::memory_order_acquire);
    for (std::size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
      const Version* v = t->slots[i].current.load(std::memory_order_acquire);
      if (v == nullptr) return nullptr;
      if (t->slots[i].hash.load(std::memory_order_relaxed) == hash && v->key() == key) return v;
    }
  }

  // Makes `next` (whose key hashes to `hash`) the current version of its key;
  // returns the one it replaces (the caller retires it), or null for a new
  // key. Throws std::bad_alloc (the index is then unchanged).
  Version* exchange(Version* next, std::size_t hash);

 private:
  struct Slot {
    std::atomic<std::size_t> hash{0};
    std::atomic<Version*> current{nullptr};
  };
  // A header followed by mask + 1 slots, in one allocation.
  struct Table {
    std::size_t mask;
    Slot* slots;

    static Table* make(std::size_t capacity);
    static void destroy(void* table) noexcept { ::operator delete(table); }
  };
  static constexpr std::size_t kInitialCapacity = 64;  // a power of two

  static Slot& slot_for(Table& t, std::string_view key, std::size_t hash) noexcept;
  Table* grow(Table* old);

  EpochReclaimer& reclaimer_;
  std::atomic<Table*> table_;
  std::size_t count_ = 0;  // claimed slots (writer only)
};

inline HashIndex::~HashIndex() {
  Table* t = table_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i <= t->mask; ++i)
    if (Version* v = t->slots[i].current.load(std::memory_order_relaxed)) Version::destroy(v);
  Table::destroy(t);
}

inline HashIndex::Table* HashIndex::Table::make(std::size_t capacity) {
  void* memory = ::operator new(sizeof(Table) + capacity * sizeof(Slot));
  auto* t = new (memory) Table{capacity - 1, nullptr};
  t->slots = reinterpret_cast<Slot*>(static_cast<char*>(memory) + sizeof(Table));
  for (std::size_t i = 0; i < capacity; ++i) new (&t->slots[i]) Slot();
  return t;
}

// The slot holding `key`, or the empty slot where it belongs.
inline HashIndex::Slot& HashIndex::slot_for(Table& t, std::string_view key, std::size_t hash) noexcept {
  for (std::size_t i = hash & t.mask;; i = (i + 1) & t.mask) {
    const Version* v = t.slots[i].current.load(std::memory_order_relaxed);
    if (v == nullptr || (t.slots[i].hash.load(std::memory_order_relaxed) == hash && v->key() == key))
      return t.slots[i];
  }
}

inline Version* HashIndex::exchange(Version* next, std::size_t hash) {
  Table* t = table_.load(std::memory_order_relaxed);
  Slot* slot = &slot_for(*t, next->key(), hash);
  Version* old = slot->current.load(std::memory_order_relaxed);
  if (old == nullptr && 2 * (count_ + 1) > t->mask + 1) {
    t = grow(t);
    slot = &slot_for(*t, next->key(), hash);
  }
  if (old == nullptr) {
    slot->hash.store(hash, std::memory_order_relaxed);
    ++count_;
  }
  slot->current.store(next, std::memory_order_release);
  return old;
}

// Twice the capacity; readers switch to it when it is published.
inline HashIndex::Table* HashIndex::grow(Table* old) {
  Table* t = Table::make(2 * (old->mask + 1));
  for (std::size_t i = 0; i <= old->mask; ++i) {
    Version* v = old->slots[i].current.load(std::memory_order_relaxed);
    if (v == nullptr) continue;
    const std::size_t hash = old->slots[i].hash.load(std::memory_order_relaxed);
    Slot& slot = slot_for(*t, v->key(), hash);
    slot.hash.store(hash, std::memory_order_relaxed);
    slot.current.store(v, std::memory_order_relaxed);
  }
  table_.store(t, std::memory_order_release);
  reclaimer_.retire(old, &Table::destroy, (old->mask + 1) * sizeof(Slot));
  return t;
}

}  // namespace walkv
