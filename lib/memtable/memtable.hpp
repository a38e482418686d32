// walkv memtable — the ordered in-memory table of writes since the last snapshot.
//
// Thread-safety: thread-safe. Writers (put/remove/remove_prefix) are
// serialised by an internal mutex (the store's group-commit leader is the only
// writer anyway). Point reads (get, get_into, covered) never block and never
// wait for a writer: they take no lock, only an epoch guard (epoch.hpp), and
// read immutable Versions that a writer swaps atomically. collect() takes a
// shared lock that a writer holds only to add a new key or to erase a prefix.
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
// copies the value. An ordered set of the keys serves collect and
// remove_prefix.
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

#include "memtable/epoch.hpp"
#include "memtable/hash_index.hpp"
#include "memtable/version.hpp"

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

  // absent: this table says nothing about key (look further down);
  // deleted: a point or prefix tombstone here hides older layers.
  Lookup get(std::string_view key) const;
  // As get, but copies a found value into *value (reusing its capacity; left
  // unchanged unless the result is Found::value).
  Found get_into(std::string_view key, std::string* value) const;

  // Point entries whose key starts with prefix, ascending (a copy).
  std::vector<Entry> collect(std::string_view prefix) const;
  // Prefix tombstones (a copy), ascending; none is a prefix of another.
  std::vector<std::string> prefix_tombstones() const;
  // True when a prefix tombstone of this table covers `key`.
  bool covered(std::string_view key) const;

  // Approximate heap bytes used (keys + values + per-entry overhead).
  // Lock-free (an atomic maintained by the writers): cheap to poll.
  std::size_t approximate_bytes() const noexcept;
  std::size_t entry_count() const;
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
  void add_prefix_tombstone(std::string_view prefix);
  void add_bytes(std::size_t n) noexcept;
  void sub_bytes(std::size_t n) noexcept;

  // Declared first: destroyed last, after the index that retires into it.
  mutable EpochReclaimer reclaimer_;
  HashIndex index_{reclaimer_};
  std::mutex write_mu_;
  mutable std::shared_mutex keys_mu_;  // keys_: exclusive to insert a key, shared to iterate
  std::set<std::string, std::less<>> keys_;  // every key written, erased ones included
  std::atomic<const Tombstones*> prefix_tombstones_{nullptr};
  std::atomic<std::size_t> bytes_{0};    // written by the writer, read lock-free
  std::atomic<std::size_t> entries_{0};  // keys whose version is a value or a point tombstone
};

}  // namespace walkv
