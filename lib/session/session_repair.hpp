// walkv session — rebuilding a damaged session record from what is still
// stored: the session's checkpoints and the index entries pointing at it.
//
// Thread-safety: pure functions over a thread-safe Store; the caller holds
// the session's lock so nothing writes the session meanwhile.
#pragma once

#include <string_view>

#include <walkv/session.hpp>
#include <walkv/status.hpp>
#include <walkv/store.hpp>

namespace walkv::session {

// ok when the record of `id` is damaged (DamagedSession) and may be rebuilt.
// Errors: invalid_argument (no record, or a sound one), version_mismatch (a
// record of a newer walkv), the store's read errors.
Status require_damaged_record(const Store& store, std::string_view id);

// The record SessionStore::repair writes for `id` (see its comment in
// include/walkv/session.hpp): interrupted, owner epoch 0, metadata from the
// newest decodable checkpoint, numbering from the stored ones, index entries
// from the index (in no particular order: the caller sorts them). `now_ns` stands in for the times when no checkpoint decodes.
// Errors: the store's scan errors.
Result<SessionInfo> rebuild_record(const Store& store, std::string_view id, std::uint64_t now_ns);

}  // namespace walkv::session
