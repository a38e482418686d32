// walkv store — check_snapshot (include/walkv/check.hpp): the LMDB snapshot's
// entry checksums verified, behind walkv-replay verify.
#include <walkv/check.hpp>

#include <memory>
#include <string>

#include "snapshot/snapshot.hpp"

namespace walkv {

static_assert(kFirstChecksummedSnapshotVersion == snapshot_format::kFirstChecksummedVersion);

namespace {

// The snapshot's format, refused when it is newer than this walkv reads (its
// layout would read as damage).
Result<std::uint32_t> readable_format(const Snapshot& snapshot, const std::string& dir) {
  auto meta = snapshot.meta();
  if (!meta) return error(meta.error());
  if (Status s = refuse_newer_format(*meta, dir); !s.ok()) return error(std::move(s));
  return meta->format_version;
}

}  // namespace

Result<SnapshotCheck> check_snapshot(const std::string& dir) {
  if (!is_store(dir)) return error(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
  auto snapshot = Snapshot::open(dir + "/snapshot", Snapshot::Mode::read_only, 0);
  if (!snapshot) return error(snapshot.error());
  auto version = readable_format(**snapshot, dir);
  if (!version) return error(version.error());
  SnapshotCheck check;
  check.format_version = *version;
  auto verified = (*snapshot)->verify([&check](std::string_view key, const Status& damage) {
    if (check.listed.size() < kMaxListedSnapshotDamage)
      check.listed.push_back(SnapshotDamage{std::string(key), damage.message()});
  });
  if (!verified) return error(verified.error());
  check.entries = verified->entries;
  check.damaged = verified->damaged;
  return check;
}

}  // namespace walkv
