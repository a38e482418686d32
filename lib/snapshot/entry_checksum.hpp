// walkv snapshot — how entries and meta are checksummed in the LMDB snapshot.
//
// LMDB keeps no checksum of its pages, so a flipped bit in data.mdb would
// come back from a read as a different value. From snapshot format version 2
// on, every value in the "data" database is stored followed by an 8-byte
// XXH3-64 of its key and value (little-endian), and the meta database holds a
// "meta_checksum" over its fields; a read that finds a mismatch returns
// Code::corruption instead of the damaged bytes (as RocksDB verifies each
// block's checksum on read, ReadOptions::verify_checksums). Version 1
// snapshots (walkv before this layout) store bare values and no meta
// checksum; they are still read and written in their own layout.
// docs/format.md ("The LMDB snapshot") is the byte-exact description.
//
// What the checksums cannot see: LMDB's page structure itself. A flip in a
// stored key makes that entry fail its checksum when a scan reaches it (and
// Snapshot::verify lists it), but a point get of the original key finds no
// entry and returns "absent"; damage to a branch page or a page header is
// whatever LMDB makes of it (usually MDB_CORRUPTED or MDB_PAGE_NOTFOUND).
//
// Thread-safety: pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace walkv::snapshot_format {

// The snapshot format this walkv writes: 2 = values followed by their
// checksum, plus a meta checksum. Version 1 = bare values. A snapshot whose
// version is newer is refused (Code::version_mismatch) by the store.
inline constexpr std::uint32_t kVersion = 2;
// The first version whose values and meta carry checksums.
inline constexpr std::uint32_t kFirstChecksummedVersion = 2;
// Bytes of the checksum stored after each value (version >= 2).
inline constexpr std::size_t kChecksumBytes = 8;

inline constexpr bool has_checksums(std::uint32_t format_version) noexcept {
  return format_version >= kFirstChecksummedVersion;
}

// XXH3-64 of `value`, seeded with the XXH3-64 of `key`: a value moved under
// another key fails too.
std::uint64_t entry_checksum(std::string_view key, std::string_view value) noexcept;

// Writes `value` and then its entry_checksum (little-endian) to `out`, which
// holds value.size() + kChecksumBytes bytes (LMDB's MDB_RESERVE space).
void write_entry(char* out, std::string_view key, std::string_view value) noexcept;

// The value of a stored entry: its bytes without the checksum, or nullopt
// when the entry is shorter than the checksum or the checksum does not match.
std::optional<std::string_view> checked_value(std::string_view key, std::string_view stored) noexcept;

// The meta checksum: XXH3-64 over store_id (16 bytes), format_version (4),
// applied_sequence (8) and open_epoch (8), each as stored (little-endian).
std::uint64_t meta_checksum(std::string_view store_id, std::uint32_t format_version,
                            std::uint64_t applied_sequence, std::uint64_t open_epoch) noexcept;

}  // namespace walkv::snapshot_format
