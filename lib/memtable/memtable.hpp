// walkv memtable — the ordered in-memory table of writes since the last snapshot.
//
// Thread-safety: thread-safe. Writers (apply_*) are serialised by the store's
// group-commit leader but may run while any number of readers call get/collect;
// an internal std::shared_mutex orders them (readers never wait for I/O).
//
// Model: point entries (key -> value, or key -> tombstone) plus prefix
// tombstones. remove_prefix(p) records p and erases every point entry under p,
// so any point entry present is newer than every prefix tombstone covering it.
// The prefix tombstones are kept sorted and prefix-free (a tombstone covered by
// another is dropped as redundant), so at most one covers a given key and
// covered() is a binary search.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

  void put(std::string_view key, std::string_view value);
  void remove(std::string_view key);
  void remove_prefix(std::string_view prefix);

  // absent: this table says nothing about key (look further down);
  // deleted: a point or prefix tombstone here hides older layers.
  Lookup get(std::string_view key) const;

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
  bool covered_locked(std::string_view key) const;
  void add_prefix_tombstone_locked(std::string_view prefix);
  // Inserts or replaces the point entry for key (nullopt = tombstone).
  void set_locked(std::string_view key, std::optional<std::string> value);
  void add_bytes(std::size_t n) noexcept;
  void sub_bytes(std::size_t n) noexcept;

  using Entries = std::map<std::string, std::optional<std::string>, std::less<>>;

  mutable std::shared_mutex mu_;
  Entries entries_;
  // Point-lookup index over entries_ (keys view the map's own key strings,
  // which never move): get() costs a hash probe instead of a ~log2(n)-deep
  // pointer chase through a tree whose nodes sit among large values.
  std::unordered_map<std::string_view, Entries::iterator> index_;
  std::vector<std::string> prefix_tombstones_;
  std::atomic<std::size_t> bytes_{0};  // written under mu_ (exclusive), read lock-free
};

}  // namespace walkv
