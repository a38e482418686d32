// walkv store — applying write-batch operations to a memtable (write path and replay).
// Thread-safety: as MemTable's writers (one applier at a time).
#pragma once

#include <string_view>

#include <walkv/write_batch.hpp>

#include "memtable/memtable.hpp"

namespace walkv {

inline void apply_op(MemTable& table, WriteBatch::Kind kind, std::string_view key, std::string_view value) {
  switch (kind) {
    case WriteBatch::Kind::put: table.put(key, value); break;
    case WriteBatch::Kind::remove: table.remove(key); break;
    case WriteBatch::Kind::remove_prefix: table.remove_prefix(key); break;
  }
}

// As apply_op, for the replay of the log into a table no other thread can
// reach yet (MemTable::put_unshared's REQUIRES).
inline void apply_replayed_op(MemTable& table, WriteBatch::Kind kind, std::string_view key, std::string_view value) {
  switch (kind) {
    case WriteBatch::Kind::put: table.put_unshared(key, value); break;
    case WriteBatch::Kind::remove: table.remove_unshared(key); break;
    case WriteBatch::Kind::remove_prefix: table.remove_prefix(key); break;
  }
}

}  // namespace walkv
