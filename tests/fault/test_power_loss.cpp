// Power loss and process crashes at every I/O call of a scripted workload
// (brief §3, §7: "power loss: only unacknowledged or unsynced writes may be
// lost, and never a hole"), plus the periodic sync window and a durable close.
#define BOOST_TEST_MODULE fault_power_loss
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>

#include "crash_enumeration.hpp"

using namespace walkv;
using namespace walkv::test;

// Every crash point of the workload, then power loss: each write acknowledged
// with `sync` (and everything before it) is present, no unacknowledged batch
// is half-applied, and the state is a prefix of the write order.
BOOST_AUTO_TEST_CASE(power_loss_at_every_io_call_of_the_workload) {
  TempDir dir;
  auto r = crash_at_every_call(dir.path(), scripted_workload(), AfterCrash::power_loss);
  BOOST_TEST(r.calls > 100u);
  require_no_failures(r);
}

// Every crash point, the page cache surviving (kill -9): every acknowledged
// write, `none` included, is present.
BOOST_AUTO_TEST_CASE(process_crash_at_every_io_call_of_the_workload) {
  TempDir dir;
  auto r = crash_at_every_call(dir.path(), scripted_workload(), AfterCrash::process_crash);
  require_no_failures(r);
}

// A second power loss while the store recovers from the first one (every
// 10th first crash point here; every one in the slow suite): recovery never
// makes the state worse.
BOOST_AUTO_TEST_CASE(second_power_loss_during_recovery) {
  TempDir dir;
  auto r = second_crash_during_recovery(dir.path(), scripted_workload(), 10);
  require_no_failures(r);
}

// After every write acknowledged as durable (and every sync, compaction and
// close) nothing of the store is left unsynced except LOCK (which holds only
// the pid): no rename, create or unlink waits for a directory fsync.
BOOST_AUTO_TEST_CASE(durable_acknowledgement_leaves_nothing_unsynced) {
  TempDir dir;
  const auto steps = scripted_workload();
  FaultFs fs;
  auto s = must_open(fs, dir.sub("store"));
  auto is_lock = [](const std::string& n) { return n.size() >= 5 && n.substr(n.size() - 5) == "/LOCK"; };
  for (const Step& step : steps) {
    BOOST_REQUIRE(run_step(*s, step).ok());
    if (!step.durable_ack()) continue;
    for (const auto& f : fs.unsynced_files())
      BOOST_CHECK_MESSAGE(is_lock(f), "after " << step.label << ": unsynced data in " << f);
    for (const auto& n : fs.unsynced_names())
      BOOST_CHECK_MESSAGE(is_lock(n), "after " << step.label << ": unsynced " << n);
  }
}

// After close() a power loss loses nothing: every file of the store except
// LOCK is synced, and every create/rename/unlink is covered by a directory fsync.
BOOST_AUTO_TEST_CASE(close_makes_everything_durable) {
  TempDir dir;
  const std::string store = dir.sub("store");
  const auto steps = scripted_workload();
  FaultFs fs;
  Outcome out = run_until_failure(fs, store, steps);
  BOOST_REQUIRE_MESSAGE(out.acked == steps.size(), out.failure);
  for (const auto& f : fs.unsynced_files())
    BOOST_CHECK_MESSAGE(f.size() >= 5 && f.substr(f.size() - 5) == "/LOCK", "unsynced data in " << f);
  for (const auto& n : fs.unsynced_names())
    BOOST_CHECK_MESSAGE(n.size() >= 5 && n.substr(n.size() - 5) == "/LOCK", "unsynced namespace change: " << n);
  fs.power_loss();
  FaultFs fresh;
  auto s = must_open(fresh, store);
  BOOST_TEST(must_read_all(*s) == model_states(steps).back());
}

// Creating a store: the store directory itself must survive a power loss once
// the first sync write is acknowledged (its parent directory is fsync'd).
BOOST_AUTO_TEST_CASE(new_store_directory_survives_power_loss) {
  TempDir dir;
  const std::string store = dir.sub("fresh");
  {
    FaultFs fs;
    {
      auto s = must_open(fs, store);
      BOOST_REQUIRE(s->put(kSync, "k", "v").ok());
      fs.crash_at(1);  // nothing after the acknowledged write reaches the disk
    }
    fs.power_loss();
  }
  FaultFs fs;
  auto s = must_open(fs, store);
  BOOST_TEST(s->get("k")->value_or("<lost>") == "v");
}

// Options::sync_interval (Redis's appendfsync everysec): a power loss loses at
// most the writes since the last periodic fdatasync. The test waits for the
// background fdatasync through the FaultFs (no sleeps).
BOOST_AUTO_TEST_CASE(sync_interval_bounds_what_power_loss_loses) {
  TempDir dir;
  const std::string store = dir.sub("store");
  Options o = fault_options();
  o.sync_interval = std::chrono::milliseconds(20);
  {
    FaultFs fs;
    {
      auto s = must_open(fs, store, o);
      for (int i = 0; i < 20; ++i) BOOST_REQUIRE(s->put(kNone, "k" + std::to_string(i), filler(50, i)).ok());
      const std::uint64_t synced = fs.completed(FsOp::fdatasync);
      BOOST_REQUIRE_MESSAGE(fs.wait_completed(FsOp::fdatasync, synced + 1, std::chrono::seconds(30)),
                            "no periodic fdatasync within 30 s");
      fs.crash_at(1);  // later writes and close() never reach the disk
      BOOST_TEST(!s->put(kNone, "late", "x").ok());
    }
    fs.power_loss();
  }
  FaultFs fs;
  auto s = must_open(fs, store, o);
  for (int i = 0; i < 20; ++i) BOOST_TEST(s->get("k" + std::to_string(i))->value_or("<lost>") == filler(50, i));
  BOOST_TEST(!s->get("late")->has_value());
}

// Without sync_interval and without a sync write, a power loss may lose the
// `none` writes — but only a suffix of them (never a hole).
BOOST_AUTO_TEST_CASE(unsynced_writes_are_lost_as_a_suffix_only) {
  TempDir dir;
  const std::string store = dir.sub("store");
  std::vector<Step> steps;
  steps.push_back(put_step("s", "synced", Durability::sync));
  for (int i = 0; i < 40; ++i) steps.push_back(put_step("n" + std::to_string(100 + i), filler(2500, i), Durability::none));
  // 40 x 2.5 KiB crosses a 64 KiB segment: the rollover syncs the old segment.
  const auto states = model_states(steps);
  FaultFs fs;
  std::size_t acked = 0;
  {
    auto s = must_open(fs, store);
    for (const auto& st : steps) {
      BOOST_REQUIRE(run_step(*s, st).ok());
      ++acked;
    }
    fs.crash_at(1);
  }
  fs.power_loss();
  auto k = check_recovered(store, states, 1, acked);
  BOOST_REQUIRE_MESSAGE(k.has_value(), (k ? "" : k.error().message()));
  BOOST_TEST_MESSAGE("kept " << *k << " of " << acked << " steps");
  BOOST_TEST(*k < acked);  // the unsynced tail of the second segment was dropped
  BOOST_TEST(*k > 1u);     // the first segment was synced at the rollover
}
