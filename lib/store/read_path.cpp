// walkv store — the read path: point gets and prefix scans, merging the
// memtable, the immutable memtable being compacted and the LMDB snapshot.
#include <map>
#include <utility>

#include "store/store_impl.hpp"

namespace walkv {

Store::Impl::Tables Store::Impl::tables() const {
  std::lock_guard<std::mutex> lock(tables_mu_);
  return Tables{mem_, imm_};
}

Result<std::optional<std::string>> Store::Impl::get(std::string_view key) const {
  // Take the tables before the snapshot: a compaction that finishes in between
  // has put imm's data into the snapshot already.
  const Tables t = tables();
  for (const MemTable* table : {t.mem.get(), t.imm.get()}) {
    if (table == nullptr) continue;
    MemTable::Lookup r = table->get(key);
    if (r.found == MemTable::Found::value) return std::optional<std::string>(std::move(r.value));
    if (r.found == MemTable::Found::deleted) return std::optional<std::string>();
  }
  return snapshot_->get(key);
}

Result<bool> Store::Impl::get(std::string_view key, std::string& value) const {
  const Tables t = tables();  // before the snapshot, as in get above
  for (const MemTable* table : {t.mem.get(), t.imm.get()}) {
    if (table == nullptr) continue;
    const MemTable::Found found = table->get_into(key, &value);
    if (found == MemTable::Found::value) return true;
    if (found == MemTable::Found::deleted) return false;
  }
  // Snapshot::get copies out of LMDB into a string of its own (an allocation);
  // moving it into `value` at least saves the second copy.
  auto r = snapshot_->get(key);
  if (!r) return error(std::move(r.error()));
  if (!r->has_value()) return false;
  value = std::move(**r);
  return true;
}

Status Store::Impl::scan(std::string_view prefix,
                         const std::function<bool(std::string_view, std::string_view)>& visit) const {
  const Tables t = tables();
  auto hidden_by = [](const MemTable* table, std::string_view key) { return table && table->covered(key); };
  std::map<std::string, std::optional<std::string>, std::less<>> merged;
  Status s = snapshot_->scan(prefix, [&](std::string_view k, std::string_view v) {
    if (!hidden_by(t.mem.get(), k) && !hidden_by(t.imm.get(), k)) merged.emplace(std::string(k), std::string(v));
    return true;
  });
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
