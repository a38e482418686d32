// walkv memtable — the ordered in-memory table of writes since the last snapshot.
//
// Thread-safety: thread-safe. Writers (apply_*) are serialised by the store's
// group-commit leader but may run while any number of readers call get/collect;
// an internal std::shared_mutex orders them (readers never wait for I/O).
//
// Model: point entries (key -> value, or key -> tombstone) plus prefix
// tombstones. remove_prefix(p) records p and erases every point entry under p,
// so any point entry present is newer than every prefix tombstone covering it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
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
  // Prefix tombstones (a copy).
  std::vector<std::string> prefix_tombstones() const;
  // True when a prefix tombstone of this table covers `key`.
  bool covered(std::string_view key) const;

  // Approximate heap bytes used (keys + values + per-entry overhead).
  std::size_t approximate_bytes() const noexcept;
  std::size_t entry_count() const;
  bool empty() const;

 private:
  bool covered_locked(std::string_view key) const;

  mutable std::shared_mutex mu_;
  std::map<std::string, std::optional<std::string>, std::less<>> entries_;
  std::vector<std::string> prefix_tombstones_;
  std::size_t bytes_ = 0;
};

}  // namespace walkv
