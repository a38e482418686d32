// walkv memtable — see memtable.hpp for the model.
#include "memtable/memtable.hpp"

#include <algorithm>
#include <memory>
#include <utility>

namespace walkv {
namespace {

// Rough heap cost of one entry beyond the key and value bytes: the version
// header, the ordered set's node and key copy (in the arena), two index
// slots. Only used to decide when to compact, so an estimate is enough.
constexpr std::size_t kEntryOverhead = 16 + 4 * sizeof(void*) + sizeof(std::string) + 4 * sizeof(void*);
constexpr std::size_t kPrefixTombstoneOverhead = sizeof(std::string);

// What a version adds to approximate_bytes(): an erased key counts nothing.
std::size_t entry_bytes(const Version& v) {
  return v.kind() == Version::Kind::erased ? 0 : kEntryOverhead + v.key().size() + v.value().size();
}

bool is_entry(const Version* v) { return v != nullptr && v->kind() != Version::Kind::erased; }

bool starts_with(std::string_view key, std::string_view prefix) noexcept {
  return key.substr(0, prefix.size()) == prefix;
}

void delete_tombstones(void* tombstones) noexcept { delete static_cast<const std::vector<std::string>*>(tombstones); }

using VersionPtr = std::unique_ptr<Version, void (*)(void*) noexcept>;

}  // namespace

MemTable::~MemTable() { delete prefix_tombstones_.load(std::memory_order_relaxed); }

void MemTable::add_bytes(std::size_t n) noexcept { bytes_.fetch_add(n, std::memory_order_relaxed); }
void MemTable::sub_bytes(std::size_t n) noexcept { bytes_.fetch_sub(n, std::memory_order_relaxed); }

// ---------------------------------------------------------------- writers

void MemTable::put(std::string_view key, std::string_view value) {
  std::lock_guard lock(write_mu_);
  install(Version::make(key, value));
}

void MemTable::remove(std::string_view key) {
  std::lock_guard lock(write_mu_);
  install(Version::make(key, std::nullopt));
}

void MemTable::put_unshared(std::string_view key, std::string_view value) { write_unshared(key, value); }

void MemTable::remove_unshared(std::string_view key) { write_unshared(key, std::nullopt); }

void MemTable::write_unshared(std::string_view key, std::optional<std::string_view> value) {
  std::lock_guard lock(write_mu_);
  // The writer owns every version in the index; with no reader, it may change one.
  auto* current = const_cast<Version*>(index_.find(key, HashIndex::hash_of(key)));
  if (current == nullptr || !current->can_hold(value)) {
    install(make_unshared(key, value));
    return;
  }
  const bool was_entry = is_entry(current);
  sub_bytes(entry_bytes(*current));
  current->rewrite(value);
  add_bytes(entry_bytes(*current));
  if (!was_entry) entries_.fetch_add(1, std::memory_order_relaxed);  // an erased key written again
}

Version* MemTable::make_unshared(std::string_view key, std::optional<std::string_view> value) {
  if (replay_arena_.block_bytes() < 2 * approximate_bytes() + VersionArena::kBlockBytes) {
    if (void* memory = replay_arena_.allocate(Version::allocation_size(key, value)))
      return Version::make_at(memory, key, value);
  }
  return Version::make(key, value);
}

// A new key goes into keys_ before the index: collect() skips a key the index
// does not know yet.
void MemTable::install(Version* raw) {
  VersionPtr next(raw, &Version::destroy);
  const std::string_view key = next->key();
  const std::size_t hash = HashIndex::hash_of(key);
  const bool new_key = index_.find(key, hash) == nullptr;  // the writer needs no guard: only it retires
  if (new_key) {
    // The key's bytes for the set come from the arena too (a failed emplace
    // leaves them there, unused, until the table goes).
    const std::string_view stable = key_arena_.copy(key);
    std::unique_lock lock(keys_mu_);
    keys_.emplace(stable);
  }
  Version* old = nullptr;
  try {
    old = index_.exchange(next.get(), hash);
  } catch (...) {
    if (new_key) {
      std::unique_lock lock(keys_mu_);
      keys_.erase(keys_.find(key));
    }
    throw;
  }
  const Version* installed = next.release();
  add_bytes(entry_bytes(*installed));
  if (is_entry(installed) && !is_entry(old)) entries_.fetch_add(1, std::memory_order_relaxed);
  if (!is_entry(installed) && is_entry(old)) entries_.fetch_sub(1, std::memory_order_relaxed);
  if (old == nullptr) return;
  sub_bytes(entry_bytes(*old));
  reclaimer_.retire(old, &Version::destroy, old->footprint());
}

void MemTable::remove_prefix(std::string_view prefix) {
  std::lock_guard lock(write_mu_);
  // The tombstone first: a reader then sees each erased key either still
  // with its old value (the removal not applied yet) or covered.
  add_prefix_tombstone(prefix);
  for (auto it = keys_.lower_bound(prefix); it != keys_.end() && starts_with(*it, prefix); ++it) {
    if (is_entry(index_.find(*it, HashIndex::hash_of(*it)))) install(Version::make_erased(*it));
  }
}

// Publishes a new sorted, prefix-free set: a new tombstone already covered by
// an existing one adds nothing; existing ones it covers are dropped.
void MemTable::add_prefix_tombstone(std::string_view prefix) {
  const Tombstones* current = prefix_tombstones_.load(std::memory_order_relaxed);
  if (covered_by(current, prefix)) return;
  auto next = std::make_unique<Tombstones>();
  if (current != nullptr) {
    next->reserve(current->size() + 1);
    for (const std::string& t : *current) {
      if (starts_with(t, prefix)) sub_bytes(kPrefixTombstoneOverhead + t.size());
      else next->push_back(t);
    }
  }
  next->insert(std::lower_bound(next->begin(), next->end(), prefix, std::less<>()), std::string(prefix));
  add_bytes(kPrefixTombstoneOverhead + prefix.size());
  prefix_tombstones_.store(next.release(), std::memory_order_release);
  if (current != nullptr) reclaimer_.retire(const_cast<Tombstones*>(current), &delete_tombstones);
}

// ---------------------------------------------------------------- readers

template <class Visit>
MemTable::Found MemTable::find(std::string_view key, Visit&& visit) const {
  EpochReclaimer::ReadGuard guard(reclaimer_);
  if (const Version* v = index_.find(key, HashIndex::hash_of(key))) {
    if (v->kind() == Version::Kind::value) {
      visit(v->value());
      return Found::value;
    }
    if (v->kind() == Version::Kind::tombstone) return Found::deleted;
  }
  return covered_by(prefix_tombstones_.load(std::memory_order_acquire), key) ? Found::deleted : Found::absent;
}

MemTable::Lookup MemTable::get(std::string_view key) const {
  Lookup out;
  out.found = find(key, [&out](std::string_view v) { out.value.assign(v); });
  return out;
}

MemTable::Found MemTable::get_into(std::string_view key, std::string* value) const {
  return find(key, [value](std::string_view v) { value->assign(v); });
}

std::vector<MemTable::Entry> MemTable::collect(std::string_view prefix) const {
  std::vector<Entry> out;
  for_each(prefix, [&out](std::string_view key, const std::string_view* value) {
    out.push_back(Entry{std::string(key),
                        value == nullptr ? std::nullopt : std::optional<std::string>(std::in_place, *value)});
    return true;
  });
  return out;
}

std::vector<std::string> MemTable::prefix_tombstones() const {
  EpochReclaimer::ReadGuard guard(reclaimer_);
  const Tombstones* t = prefix_tombstones_.load(std::memory_order_acquire);
  return t ? *t : Tombstones{};
}

bool MemTable::covered(std::string_view key) const {
  EpochReclaimer::ReadGuard guard(reclaimer_);
  return covered_by(prefix_tombstones_.load(std::memory_order_acquire), key);
}

// With a sorted, prefix-free set, the only tombstone that can be a prefix of
// `key` is the greatest one <= key: any tombstone strictly between a covering
// prefix p and key would have to start with p itself.
bool MemTable::covered_by(const Tombstones* tombstones, std::string_view key) const noexcept {
  if (tombstones == nullptr || tombstones->empty()) return false;
  auto it = std::upper_bound(tombstones->begin(), tombstones->end(), key, std::less<>());
  if (it == tombstones->begin()) return false;
  return starts_with(key, *std::prev(it));
}

std::size_t MemTable::approximate_bytes() const noexcept { return bytes_.load(std::memory_order_relaxed); }

std::size_t MemTable::entry_count() const { return entries_.load(std::memory_order_relaxed); }

bool MemTable::empty() const {
  if (entries_.load(std::memory_order_relaxed) != 0) return false;
  EpochReclaimer::ReadGuard guard(reclaimer_);
  const Tombstones* t = prefix_tombstones_.load(std::memory_order_acquire);
  return t == nullptr || t->empty();
}

}  // namespace walkv
