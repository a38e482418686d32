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

// The id of the snapshot's last committed LMDB write transaction now (a
// short-lived read-only environment: LMDB must not have one file open twice
// in a process, so the caller's view is closed before this runs).
Result<std::uint64_t> last_txnid_now(const std::string& dir) {
  auto snapshot = Snapshot::open(dir + "/snapshot", Snapshot::Mode::read_only, 0);
  if (!snapshot) return error(snapshot.error());
  auto stats = (*snapshot)->stats();
  if (!stats) return error(stats.error());
  return stats->last_txnid;
}

// One attempt: pin, open the view, read, close the view. Returns read's status.
Status read_once(const std::string& dir, RecoveryMode mode, const std::function<Status(const Store& view)>& read) {
  auto fs = PinnedLogFs::pin(dir);
  if (!fs) return fs.error();
  Options options;
  options.create_if_missing = false;
  options.recovery_mode = mode;
  auto view = open_store_with(**fs, dir, options, /*read_only=*/true);
  if (!view) return view.error();
  Status status = read(**view);
  view->reset();  // before fs, and before last_txnid_now opens the environment again
  return status;
}

}  // namespace

Status read_point_in_time(const std::string& dir, RecoveryMode mode,
                          const std::function<Status(const Store& view)>& read, int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (!is_store(dir)) return Status(Code::not_found, dir + " is not a walkv store (no snapshot/ and wal/)");
    auto before = last_txnid_now(dir);
    if (!before) return before.error();
    if (Status s = read_once(dir, mode, read); !s.ok()) return s;
    auto after = last_txnid_now(dir);
    if (!after) return after.error();
    // A compaction commits several LMDB transactions (Snapshot::apply) and
    // changes applied_sequence only in the last, so the check is that no
    // write transaction at all committed from before the pin to after the read.
    if (*after == *before) return Status();
  }
  return Status(Code::io_error, "store " + dir + ": a live writer compacted during each of " +
                                    std::to_string(attempts) + " attempts to read a consistent view; try again");
}

}  // namespace walkv
