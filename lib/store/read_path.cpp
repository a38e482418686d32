// walkv store — the read path: point gets and prefix scans, merging the
// memtable, the immutable memtable being compacted and the LMDB snapshot.
#include <map>
#include <optional>
#include <utility>

#include "store/store_impl.hpp"

namespace walkv {

Store::Impl::Tables Store::Impl::tables() const {
  std::lock_guard<std::mutex> lock(tables_mu_);
  return Tables{mem_, imm_};
}

// Readers reach mem/imm through published_ (read_tables.hpp): an epoch guard,
// no mutex and no shared_ptr copy, so reader threads share no cache line that
// they write. The guard covers only the lock-free memtable lookups.
MemTable::Found Store::Impl::get_from_tables(std::string_view key, std::string* value) const {
  const PublishedTables::Reader tables(published_);
  for (const MemTable* table : {tables.mem(), tables.imm()}) {
    if (table == nullptr) continue;
    const MemTable::Found found = table->get_into(key, value);
    if (found != MemTable::Found::absent) return found;
  }
  return MemTable::Found::absent;
}

// Both gets ask the memtables before beginning the snapshot's read
// transaction: a compaction that finishes in between has put imm's data into
// the snapshot already (it publishes the tables without imm only after its
// LMDB commit), so nothing is missed.
Result<std::optional<std::string>> Store::Impl::get(std::string_view key) const {
  std::optional<std::string> value(std::in_place);
  switch (get_from_tables(key, &*value)) {
    case MemTable::Found::value: return value;
    case MemTable::Found::deleted: return std::optional<std::string>();
    case MemTable::Found::absent: break;
  }
  auto found = snapshot_->get_into(key, *value);
  if (!found) return error(std::move(found.error()));
  if (!*found) value.reset();
  return value;
}

Result<bool> Store::Impl::get(std::string_view key, std::string& value) const {
  switch (get_from_tables(key, &value)) {
    case MemTable::Found::value: return true;
    case MemTable::Found::deleted: return false;
    case MemTable::Found::absent: break;
  }
  return snapshot_->get_into(key, value);  // copies into value's capacity; untouched on a miss
}

// A snapshot entry that fails its checksum matters only when no newer write
// hides it: a key written (or removed) again since reads as that write.
Status Store::Impl::scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& visit,
                         const Store::DamagedFn& on_damaged) const {
  const Tables t = tables();
  auto hidden_by = [](const MemTable* table, std::string_view key) { return table && table->covered(key); };
  auto hidden = [&](std::string_view key) { return hidden_by(t.mem.get(), key) || hidden_by(t.imm.get(), key); };
  // A damaged entry is also shadowed by a newer point write (or removal) of its key.
  auto written_in = [](const MemTable* table, std::string_view key) {
    return table && table->get(key).found != MemTable::Found::absent;
  };
  auto shadowed = [&](std::string_view key) {
    return hidden(key) || written_in(t.mem.get(), key) || written_in(t.imm.get(), key);
  };
  std::map<std::string, std::optional<std::string>, std::less<>> merged;
  Status s = snapshot_->scan(
      prefix,
      [&](std::string_view k, std::string_view v) {
        if (!hidden(k)) merged.emplace(std::string(k), std::string(v));
        return true;
      },
      [&](std::string_view k, const Status& error) { return shadowed(k) || (on_damaged && on_damaged(k, error)); });
  if (!s.ok()) return s;
  if (t.imm) {
    for (auto& e : t.imm->collect(prefix)) {
      if (hidden_by(t.mem.get(), e.key)) merged.erase(e.key);
      else merged.insert_or_assign(std::move(e.key), std::move(e.value));
    }
  }
  for (auto& e : t.mem->collect(prefix)) merged.insert_or_assign(std::move(e.key), std::move(e.value));
  for (const auto& [key, value] : merged) {
    if (value && !visit(key, *value)) break;
  }
  return Status();
}

}  // namespace walkv
