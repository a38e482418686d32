// walkv memtable — see memtable.hpp for the model.
#include "memtable/memtable.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

namespace walkv {
namespace {

// Rough heap cost of one entry beyond the key and value bytes: the std::map
// node (red-black links and colour, std::string and std::optional headers)
// plus the index's hash node and bucket. Only used to decide when to compact,
// so an estimate is enough.
constexpr std::size_t kEntryOverhead = 4 * sizeof(void*) + sizeof(std::string) +
                                       sizeof(std::optional<std::string>) + 6 * sizeof(void*);
constexpr std::size_t kPrefixTombstoneOverhead = sizeof(std::string);

std::size_t entry_bytes(std::string_view key, const std::optional<std::string>& value) {
  return kEntryOverhead + key.size() + (value ? value->size() : 0);
}

bool starts_with(std::string_view key, std::string_view prefix) noexcept {
  return key.substr(0, prefix.size()) == prefix;
}

}  // namespace

void MemTable::add_bytes(std::size_t n) noexcept { bytes_.fetch_add(n, std::memory_order_relaxed); }
void MemTable::sub_bytes(std::size_t n) noexcept { bytes_.fetch_sub(n, std::memory_order_relaxed); }

void MemTable::put(std::string_view key, std::string_view value) {
  std::unique_lock lock(mu_);
  set_locked(key, std::optional<std::string>(std::in_place, value));
}

void MemTable::remove(std::string_view key) {
  std::unique_lock lock(mu_);
  set_locked(key, std::nullopt);
}

void MemTable::set_locked(std::string_view key, std::optional<std::string> value) {
  if (auto found = index_.find(key); found != index_.end()) {
    std::optional<std::string>& slot = found->second->second;
    sub_bytes(entry_bytes(key, slot));
    slot = std::move(value);
    add_bytes(entry_bytes(key, slot));
    return;
  }
  const std::size_t bytes = entry_bytes(key, value);
  auto it = entries_.emplace_hint(entries_.lower_bound(key), std::string(key), std::move(value));
  try {
    index_.emplace(std::string_view(it->first), it);
  } catch (...) {
    entries_.erase(it);  // an entry the index cannot find would be invisible to get()
    throw;
  }
  add_bytes(bytes);
}

void MemTable::remove_prefix(std::string_view prefix) {
  std::unique_lock lock(mu_);
  auto it = entries_.lower_bound(prefix);
  while (it != entries_.end() && starts_with(it->first, prefix)) {
    sub_bytes(entry_bytes(it->first, it->second));
    index_.erase(std::string_view(it->first));
    it = entries_.erase(it);
  }
  add_prefix_tombstone_locked(prefix);
}

// Keeps prefix_tombstones_ sorted and prefix-free: a new tombstone already
// covered by an existing one adds nothing; existing ones it covers are dropped.
void MemTable::add_prefix_tombstone_locked(std::string_view prefix) {
  if (covered_locked(prefix)) return;
  auto first = std::lower_bound(prefix_tombstones_.begin(), prefix_tombstones_.end(), prefix,
                                std::less<>());
  auto last = first;
  while (last != prefix_tombstones_.end() && starts_with(*last, prefix)) {
    sub_bytes(kPrefixTombstoneOverhead + last->size());
    ++last;
  }
  first = prefix_tombstones_.erase(first, last);
  prefix_tombstones_.emplace(first, prefix);
  add_bytes(kPrefixTombstoneOverhead + prefix.size());
}

MemTable::Lookup MemTable::get(std::string_view key) const {
  std::shared_lock lock(mu_);
  Lookup out;
  if (auto it = index_.find(key); it != index_.end()) {
    const std::optional<std::string>& slot = it->second->second;
    if (slot) {
      out.found = Found::value;
      out.value = *slot;
    } else {
      out.found = Found::deleted;
    }
  } else if (covered_locked(key)) {
    out.found = Found::deleted;
  }
  return out;
}

std::vector<MemTable::Entry> MemTable::collect(std::string_view prefix) const {
  std::shared_lock lock(mu_);
  std::vector<Entry> out;
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && starts_with(it->first, prefix);
       ++it) {
    out.push_back(Entry{it->first, it->second});
  }
  return out;
}

std::vector<std::string> MemTable::prefix_tombstones() const {
  std::shared_lock lock(mu_);
  return prefix_tombstones_;
}

bool MemTable::covered(std::string_view key) const {
  std::shared_lock lock(mu_);
  return covered_locked(key);
}

// With a sorted, prefix-free set, the only tombstone that can be a prefix of
// `key` is the greatest one <= key: any tombstone strictly between a covering
// prefix p and key would have to start with p itself.
bool MemTable::covered_locked(std::string_view key) const {
  auto it = std::upper_bound(prefix_tombstones_.begin(), prefix_tombstones_.end(), key,
                             std::less<>());
  if (it == prefix_tombstones_.begin()) return false;
  return starts_with(key, *std::prev(it));
}

std::size_t MemTable::approximate_bytes() const noexcept {
  return bytes_.load(std::memory_order_relaxed);
}

std::size_t MemTable::entry_count() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

bool MemTable::empty() const {
  std::shared_lock lock(mu_);
  return entries_.empty() && prefix_tombstones_.empty();
}

}  // namespace walkv
