// tests/fault: how the log writer handles a failed I/O call in the middle of
// its work — the bugs these tests found in lib/wal/log_writer.cpp, now fixed
// (docs/durability.md, "Bugs found by these tests"):
//  1. A failed fdatasync of the current segment at a rollover (LogWriter::
//     make_room) or at compaction's roll (LogWriter::roll) returned io_error,
//     and the store went on writing into a new segment. On Linux the pages
//     that fdatasync failed to write are marked clean (fsyncgate): a later
//     power loss lost them while the newer segment survived — a hole, and the
//     next open refused the log ("sequence gap"). Now: Code::poisoned.
//  2. When the fsync of wal/ failed after a new segment's rename, the cleanup
//     unlinked "<name>.tmp", which no longer existed, and left the renamed,
//     empty "<name>" behind while the writer stayed in the old segment. The
//     log later continued past that sequence in the old segment, and the next
//     open refused it ("sequence gap") — even without a power loss. Now the
//     renamed segment is removed durably (or the store is poisoned).
//  3. An append whose pwrite failed with ENOSPC while the disk stayed full
//     could not zero its partial frame and poisoned the store, so it did not
//     "accept writes again once space returns" (brief §7). Now the partial
//     write is cut off (ftruncate frees space) or remembered and removed
//     before the next append.
// Then every I/O call of the scripted workload fails once (EIO, ENOSPC) while
// the workload goes on, and the reopened store must hold a prefix of it.
#define BOOST_TEST_MODULE fault_wal_write_failures
#include <boost/test/unit_test.hpp>

#include "crash_enumeration.hpp"

using namespace walkv;
using namespace walkv::test;

BOOST_AUTO_TEST_CASE(fdatasync_failure_at_rollover_poisons) {
  TempDir dir;
  FaultFs fs;
  auto s = must_open(fs, dir.sub("store"));
  // Only `none` writes: the first fdatasync is the rollover's, of the old segment.
  fs.fail(FsOp::fdatasync, 1, EIO);
  Status st;
  for (int i = 0; i < 100 && fs.injected() == 0; ++i) st = s->put(kNone, "k" + std::to_string(i), filler(3000, i));
  BOOST_REQUIRE(fs.injected() == 1u);
  BOOST_TEST((st.code() == Code::poisoned), st.to_string());
  BOOST_TEST((s->put(kSync, "after", "x").code() == Code::poisoned));
}

BOOST_AUTO_TEST_CASE(fdatasync_failure_when_compaction_rolls_the_log_poisons) {
  TempDir dir;
  FaultFs fs;
  auto s = must_open(fs, dir.sub("store"));
  BOOST_REQUIRE(s->put(kNone, "a", "1").ok());
  fs.fail(FsOp::fdatasync, 1, EIO);
  Status st = s->compact();
  BOOST_TEST((st.code() == Code::poisoned), st.to_string());
  BOOST_TEST((s->put(kSync, "after", "x").code() == Code::poisoned));
}

BOOST_AUTO_TEST_CASE(failed_directory_fsync_after_segment_rename_leaves_no_stale_segment) {
  TempDir dir;
  const std::string store = dir.sub("store");
  Model model;
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    BOOST_REQUIRE(s->put(kNone, "a", "1").ok());
    model["a"] = "1";
    fs.fail(FsOp::fsync, 1, EIO);  // the fsync of wal/ after the rename of the segment compaction rolls to
    BOOST_TEST(!s->compact().ok());
    // The writer stays in the old segment and the log moves past the sequence
    // the abandoned segment is named after; then a rollover starts a new one.
    for (int i = 0; i < 40; ++i) {
      const std::string key = "k" + std::to_string(100 + i);
      BOOST_REQUIRE(s->put(kNone, key, filler(3000, i)).ok());
      model[key] = filler(3000, i);
    }
    BOOST_REQUIRE(s->close().ok());
  }
  FaultFs fs;
  auto s = open_over(fs, store);
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
  BOOST_TEST(must_read_all(**s) == model);
}

BOOST_AUTO_TEST_CASE(no_space_that_persists_during_append_leaves_the_store_usable) {
  TempDir dir;
  FaultFs fs;
  auto s = must_open(fs, dir.sub("store"));
  BOOST_REQUIRE(s->put(kSync, "a", "1").ok());
  fs.fail(FsOp::pwrite, 1, ENOSPC, /*until_healed=*/true);
  Status st = s->put(kSync, "b", "2");
  BOOST_TEST((st.code() == Code::no_space), st.to_string());
  fs.heal();
  BOOST_TEST(s->put(kSync, "c", "3").ok());
}

namespace {

// One I/O call of the workload fails (once); the workload goes on. Each step
// either succeeded (it must be there), failed without poisoning (it must not
// be there: nothing of it remains), or was the first to fail with poisoned
// (it may be there: its frame was written, its fdatasync failed). Then the
// store is reopened after a process crash or a power loss.
void single_failure_at_every_call(int err, AfterCrash after) {
  TempDir dir;
  const std::string store = dir.sub("store");
  const auto steps = scripted_workload();
  std::uint64_t total = 0;
  {
    FaultFs fs;
    BOOST_REQUIRE(run_until_failure(fs, store, steps).acked == steps.size());
    total = fs.calls();
  }
  std::vector<std::string> failures;
  for (std::uint64_t n = 1; n <= total; ++n) {
    stdfs::remove_all(store);
    FaultFs fs;
    fs.fail(FsOp::any, n, err);
    // effective: the steps whose effect may be on disk, in order; `maybe` marks the poisoned one.
    std::vector<const Step*> effective;
    bool maybe_last = false;
    std::size_t durable = 0;  // effective steps guaranteed by a durable acknowledgement
    bool poisoned = false;
    bool broken = false;
    std::string notes;
    {
      auto opened = open_over(fs, store);
      if (!opened) {
        notes = "open failed: " + opened.error().to_string() + "; ";
        opened = open_over(fs, store);
      }
      if (!opened) {
        failures.push_back("failure at " + fs.trace_line(n) + ": reopen after a failed open: " +
                           opened.error().to_string());
        continue;
      }
      std::unique_ptr<Store> s = std::move(*opened);
      for (const Step& step : steps) {
        Status st = run_step(*s, step);
        if (st.ok()) {
          if (poisoned && step.kind != Step::Kind::close) {
            failures.push_back("failure at " + fs.trace_line(n) + ": " + step.label + " succeeded after poisoning");
            broken = true;
            break;
          }
          if (step.kind == Step::Kind::write) effective.push_back(&step);
          if (step.durable_ack()) durable = effective.size();
        } else if (st.code() == Code::poisoned) {
          if (!poisoned && step.kind == Step::Kind::write) {
            effective.push_back(&step);
            maybe_last = true;
          }
          poisoned = true;
        } else {
          notes += step.label + ": " + st.to_string() + "; ";
        }
      }
    }
    if (broken) continue;
    apply_after_crash(fs, after);
    std::vector<Model> states(1);
    for (const Step* step : effective) {
      Model m = states.back();
      apply_to_model(m, step->batch);
      states.push_back(std::move(m));
    }
    const std::size_t all = effective.size();
    const std::size_t lo = after == AfterCrash::process_crash ? (maybe_last ? all - 1 : all) : durable;
    auto k = check_recovered(store, states, lo, all);
    if (!k) failures.push_back("failure at " + fs.trace_line(n) + " (" + notes + "): " + k.error().message());
  }
  std::string shown;
  for (std::size_t i = 0; i < failures.size() && i < 30; ++i) shown += "\n  " + failures[i];
  BOOST_CHECK_MESSAGE(failures.empty(), failures.size() << " of " << total << " failure points went wrong:" << shown);
}

}  // namespace

BOOST_AUTO_TEST_CASE(eio_at_every_io_call_then_process_crash) {
  single_failure_at_every_call(EIO, AfterCrash::process_crash);
}

BOOST_AUTO_TEST_CASE(eio_at_every_io_call_then_power_loss) {
  single_failure_at_every_call(EIO, AfterCrash::power_loss);
}

BOOST_AUTO_TEST_CASE(enospc_at_every_io_call_then_power_loss) {
  single_failure_at_every_call(ENOSPC, AfterCrash::power_loss);
}
