// walkv memtable — the ordered in-memory table of writes since the last snapshot.
//
// Thread-safety: thread-safe. Writers (put/remove/remove_prefix) are
// serialised by an internal mutex (the store's group-commit leader is the only
// writer anyway). Point reads (get, get_into, covered) never block and never
// wait for a writer: they take no lock, only an epoch guard (epoch.hpp), and
// read immutable Versions that a writer swaps atomically. collect() and
// for_each() take a shared lock that a writer holds only to add a new key.
//
// Model: point entries (key -> value, or key -> tombstone) plus prefix
// tombstones. remove_prefix(p) records p and erases every point entry under p,
// so any point entry present is newer than every prefix tombstone covering it.
// The prefix tombstones are kept sorted and prefix-free (a tombstone covered by
// another is dropped as redundant), so at most one covers a given key and
// covered() is a binary search.
//
// Layout: each key's current state is an immutable Version (key and value
// bytes inline) in a slot of an open-addressing HashIndex; a lookup of a
// present key touches the slot and the version (two cache misses), then
// copies the value. An ordered set of the keys serves collect, for_each and
// remove_prefix; its nodes and key bytes come from an Arena (arena.hpp): a new
// key costs no malloc, an overwrite touches the set not at all, and dropping
// the table frees a few blocks instead of two allocations per key.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <set>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "memtable/arena.hpp"
#include "memtable/epoch.hpp"
#include "memtable/hash_index.hpp"
#include "memtable/version.hpp"
#include "memtable/version_arena.hpp"

namespace walkv {

class MemTable {
 public:
  enum class Found { absent, value, deleted };
  struct Lookup {
    Found found = Found::absent;
    std::string value;  // set when found == value
  };
  struct Entry {
    std::string key;
    std::optional<std::string> value;  // nullopt = point tombstone
  };

  MemTable() = default;
  ~MemTable();
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // Throw std::bad_alloc (the table is then unchanged).
  void put(std::string_view key, std::string_view value);
  void remove(std::string_view key);
  void remove_prefix(std::string_view prefix);

  // As put and remove, for a table that no reader and no other thread can
  // reach yet (the store's replay of the log, before open returns): when the
  // key's current version has room (Version::can_hold), it is rewritten in
  // place, which saves an allocation, a free and a retirement per overwrite
  // (a replay mostly overwrites: 62k records of 10k keys in the 256 MB
  // benchmark). Otherwise the new version comes from a VersionArena (huge
  // pages) while the arena holds less than twice the table's live bytes
  // plus one block, else from malloc as put / remove. The arena goes with
  // the table (normally at its compaction, soon after a long replay).
  // REQUIRES: no reader (get, for_each, ...) runs on this table, before this
  // call returns or ever after it, that started before this table was handed
  // to other threads; no other writer.
  void put_unshared(std::string_view key, std::string_view value);
  void remove_unshared(std::string_view key);

  // absent: this table says nothing about key (look further down);
  // deleted: a point or prefix tombstone here hides older layers.
  Lookup get(std::string_view key) const;
  // As get, but copies a found value into *value (reusing its capacity; left
  // unchanged unless the result is Found::value).
  Found get_into(std::string_view key, std::string* value) const;

  // Point entries whose key starts with prefix, ascending (a copy).
  std::vector<Entry> collect(std::string_view prefix) const;
  // The same entries without copying them: visit(std::string_view key,
  // const std::string_view* value) -> bool, ascending, until visit returns
  // false; value null = point tombstone. The views are valid only during the
  // visit. Each entry is the key's current version when the walk reaches it;
  // on a table no writer touches any more (the store's immutable memtable)
  // that is one fixed state, the same that collect() returns.
  // Holds the key set's shared lock for the whole walk (a writer adding a new
  // key waits for it; overwrites do not) and keeps this table's retired
  // versions from being freed until it ends. visit must not write to this
  // table (that would deadlock).
  template <class Visit>
  void for_each(std::string_view prefix, Visit&& visit) const;
  // As for_each, but visits every point entry whose key is >= first_key
  // (for_each_from("") visits them all): resumes a walk that stopped before
  // first_key.
  template <class Visit>
  void for_each_from(std::string_view first_key, Visit&& visit) const;
  // Prefix tombstones (a copy), ascending; none is a prefix of another.
  std::vector<std::string> prefix_tombstones() const;
  // True when a prefix tombstone of this table covers `key`.
  bool covered(std::string_view key) const;

  // Approximate heap bytes used (keys + values + per-entry overhead).
  // Lock-free (an atomic maintained by the writers): cheap to poll.
  std::size_t approximate_bytes() const noexcept;
  std::size_t entry_count() const;
  // Bytes of the VersionArena blocks put_unshared / remove_unshared mapped
  // (not counted in approximate_bytes). Writer thread only.
  std::size_t unshared_arena_bytes() const noexcept { return replay_arena_.block_bytes(); }
  bool empty() const;

 private:
  using Tombstones = std::vector<std::string>;  // immutable once published

  // Calls visit(version) for key's current version (null when it has none)
  // inside an epoch guard and returns what it returns; `absent` when no
  // node, `deleted` when a prefix tombstone covers key.
  template <class Visit>
  Found find(std::string_view key, Visit&& visit) const;
  bool covered_by(const Tombstones* tombstones, std::string_view key) const noexcept;
  // Makes `next` the current version of its key (writer lock held).
  void install(Version* next);
  // put_unshared / remove_unshared: value nullopt = tombstone.
  void write_unshared(std::string_view key, std::optional<std::string_view> value);
  // A new version for write_unshared: from replay_arena_ within its bound.
  Version* make_unshared(std::string_view key, std::optional<std::string_view> value);
  void add_prefix_tombstone(std::string_view prefix);
  void add_bytes(std::size_t n) noexcept;
  void sub_bytes(std::size_t n) noexcept;

  // Declared first: destroyed last, after every version in it is destroyed
  // (the index's and the reclaimer's destructors read them).
  VersionArena replay_arena_;  // versions made by put_unshared / remove_unshared
  // Destroyed after the index that retires into it.
  mutable EpochReclaimer reclaimer_;
  HashIndex index_{reclaimer_};
  std::mutex write_mu_;
  mutable std::shared_mutex keys_mu_;  // keys_: exclusive to insert a key, shared to iterate
  Arena key_arena_;                    // keys_'s nodes and key bytes (writer only)
  // Every key written, erased ones included; the views point into key_arena_.
  std::set<std::string_view, std::less<>, ArenaAllocator<std::string_view>> keys_{
      ArenaAllocator<std::string_view>(key_arena_)};
  std::atomic<const Tombstones*> prefix_tombstones_{nullptr};
  std::atomic<std::size_t> bytes_{0};    // written by the writer, read lock-free
  std::atomic<std::size_t> entries_{0};  // keys whose version is a value or a point tombstone
};

// For tools that build against several versions of this header.
#define WALKV_MEMTABLE_HAS_FOR_EACH 1

template <class Visit>
void MemTable::for_each(std::string_view prefix, Visit&& visit) const {
  std::shared_lock lock(keys_mu_);
  EpochReclaimer::ReadGuard guard(reclaimer_);
  for (auto it = keys_.lower_bound(prefix); it != keys_.end() && it->substr(0, prefix.size()) == prefix; ++it) {
    const Version* v = index_.find(*it, HashIndex::hash_of(*it));
    if (v == nullptr || v->kind() == Version::Kind::erased) continue;
    if (v->kind() == Version::Kind::tombstone) {
      if (!visit(*it, static_cast<const std::string_view*>(nullptr))) return;
    } else {
      const std::string_view value = v->value();
      if (!visit(*it, &value)) return;
    }
  }
}

template <class Visit>
void MemTable::for_each_from(std::string_view first_key, Visit&& visit) const {
  std::shared_lock lock(keys_mu_);
  EpochReclaimer::ReadGuard guard(reclaimer_);
  for (auto it = keys_.lower_bound(first_key); it != keys_.end(); ++it) {
    const Version* v = index_.find(*it, HashIndex::hash_of(*it));
    if (v == nullptr || v->kind() == Version::Kind::erased) continue;
    if (v->kind() == Version::Kind::tombstone) {
      if (!visit(*it, static_cast<const std::string_view*>(nullptr))) return;
    } else {
      const std::string_view value = v->value();
      if (!visit(*it, &value)) return;
    }
  }
}

}  // namespace walkv
