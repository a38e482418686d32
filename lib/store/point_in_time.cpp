// walkv store — read_point_in_time (include/walkv/check.hpp): a read-only
// Store view over pinned segments, re-read until no compaction committed
// while the caller read it.
#include <walkv/check.hpp>
#include <walkv/store.hpp>

#include "snapshot/snapshot.hpp"
#include "store/open_with.hpp"
#include "store/pinned_log_fs.hpp"

namespace walkv {

namespace {

// The snapshot's applied sequence now (a short-lived read-only environment:
// LMDB must not have one file open twice in a process, so the caller's view
// is closed before this runs).
Result<std::uint64_t> applied_sequence_now(const std::string& dir) {
  auto snapshot = Snapshot::open(dir + "/snapshot", Snapshot::Mode::read_only, 0);
  if (!snapshot) return error(snapshot.error());
  auto meta = (*snapshot)->meta();
  if (!meta) return error(meta.error());
  return meta->applied_sequence;
}

struct ViewResult {
  Status read_status;
  std::uint64_t applied_sequence = 0;
};

// One attempt: pin, open the view, read, close the view.
Result<ViewResult> read_once(const std::string& dir, RecoveryMode mode,
                             const std::function<Status(const Store& view)>& read) {
  if (!is_store(dir)) return error(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
  auto fs = PinnedLogFs::pin(dir);
  if (!fs) return error(fs.error());
  Options options;
  options.create_if_missing = false;
  options.recovery_mode = mode;
  auto view = open_store_with(**fs, dir, options, /*read_only=*/true);
  if (!view) return error(view.error());
  ViewResult result;
  result.applied_sequence = (*view)->recovery_report().snapshot_sequence;
  result.read_status = read(**view);
  view->reset();  // before fs, and before applied_sequence_now opens the environment again
  return result;
}

}  // namespace

Status read_point_in_time(const std::string& dir, RecoveryMode mode,
                          const std::function<Status(const Store& view)>& read, int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto result = read_once(dir, mode, read);
    if (!result) return result.error();
    if (!result->read_status.ok()) return result->read_status;
    auto applied = applied_sequence_now(dir);
    if (!applied) return applied.error();
    // apply() writes the data and the applied sequence in one transaction and
    // only when it folds new frames, so an unchanged sequence means LMDB did
    // not change while read ran.
    if (*applied == result->applied_sequence) return Status();
  }
  return Status(Code::io_error, "store " + dir + ": a live writer compacted during each of " +
                                    std::to_string(attempts) + " attempts to read a consistent view; try again");
}

}  // namespace walkv
