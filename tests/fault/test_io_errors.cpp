// ENOSPC, EIO and short writes injected through the io layer (brief §3, §7):
// a failed append leaves no partial frame and the store stays usable; a failed
// fdatasync poisons the store (no retry); a reopen recovers what is on disk.
#define BOOST_TEST_MODULE fault_io_errors
#include <boost/test/unit_test.hpp>

#include <walkv/check.hpp>

#include "crash_enumeration.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

std::vector<std::string> files_in(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (auto& e : stdfs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(name);
  }
  return out;
}

// Calls that change files (what "no retry" must not see after poisoning).
std::uint64_t mutating_calls(const FaultFs& fs) {
  return fs.calls(FsOp::pwrite) + fs.calls(FsOp::fdatasync) + fs.calls(FsOp::fsync) + fs.calls(FsOp::fallocate) +
         fs.calls(FsOp::ftruncate) + fs.calls(FsOp::rename) + fs.calls(FsOp::unlink);
}

// Reopens over a fresh FaultFs; the recovery must be clean (nothing torn,
// nothing cut) and the state `expected`.
void expect_clean_reopen(const std::string& dir, const Model& expected) {
  FaultFs fs;
  auto s = must_open(fs, dir);
  const auto& report = s->recovery_report();
  BOOST_TEST(report.corruptions.empty());
  BOOST_TEST(report.bytes_truncated == 0u);
  BOOST_TEST(must_read_all(*s) == expected);
}

// Every test's setup: a store path in a temporary directory, and the model
// of what the store must hold.
struct StoreFixture {
  TempDir tmp;
  const std::string store = tmp.sub("store");
  Model model;

  // A put that must succeed, recorded in the model.
  void must_put(Store& s, const WriteOptions& options, const std::string& key, const std::string& value) {
    BOOST_REQUIRE(s.put(options, key, value).ok());
    model[key] = value;
  }
};

}  // namespace

// A short write (part of the frame reaches the file) that then fails with
// ENOSPC: the call returns no_space, the partial frame is zeroed, the store
// accepts the next write, and a reopen (after a process crash) finds neither
// the failed frame nor a torn tail.
BOOST_FIXTURE_TEST_CASE(no_space_during_append_leaves_no_partial_frame, StoreFixture) {
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    must_put(*s, kSync, "a", "1");
    fs.short_write(1, 40, ENOSPC);
    Status st = s->put(kSync, "b", filler(1000, 1));
    BOOST_TEST((st.code() == Code::no_space), st.to_string());
    BOOST_TEST(!s->get("b")->has_value());
    BOOST_TEST(fs.injected() == 1u);
    // The space is back: the store was not poisoned.
    must_put(*s, kNone, "c", "3");
    fs.crash_at(1);  // kill -9: nothing more reaches the files, the page cache keeps what did
  }
  expect_clean_reopen(store, model);
}

// The same with a pwrite that fails before writing anything, for a `none`
// write and a multi-op batch.
BOOST_FIXTURE_TEST_CASE(no_space_during_append_of_a_batch_applies_none_of_it, StoreFixture) {
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    must_put(*s, kSync, "a", "1");
    WriteBatch b;
    b.put("b1", "x");
    b.remove("a");
    b.put("b2", "y");
    fs.fail(FsOp::pwrite, 1, ENOSPC);
    Status st = s->write(kNone, b);
    BOOST_TEST((st.code() == Code::no_space), st.to_string());
    BOOST_TEST(must_read_all(*s) == model);
    BOOST_REQUIRE(s->write(kSync, b).ok());
    apply_to_model(model, b);
    BOOST_TEST(must_read_all(*s) == model);
  }
  expect_clean_reopen(store, model);
}

// ENOSPC from fallocate while rolling over to a new segment: every write that
// needs the new segment fails with no_space (the store is not poisoned, no
// .tmp is left behind), earlier writes stay readable, and once space returns
// the rollover happens and writes succeed.
BOOST_FIXTURE_TEST_CASE(no_space_while_preallocating_a_segment_fails_writes_until_space_returns, StoreFixture) {
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    fs.fail(FsOp::fallocate, 1, ENOSPC, /*until_healed=*/true);
    int i = 0;
    Status st;
    for (; i < 100; ++i) {
      const std::string key = "k" + std::to_string(100 + i);
      st = s->put(i % 2 ? kSync : kNone, key, filler(3000, i));
      if (!st.ok()) break;
      model[key] = filler(3000, i);
    }
    BOOST_REQUIRE_MESSAGE(i < 100, "no rollover happened");
    BOOST_TEST((st.code() == Code::no_space), st.to_string());
    BOOST_TEST(files_in(store + "/wal", ".tmp").empty());
    BOOST_TEST(files_in(store + "/wal", ".wal").size() == 1u);
    // Still full: the next write that needs the segment fails the same way.
    Status again = s->put(kSync, "big", filler(3000, 999));
    BOOST_TEST((again.code() == Code::no_space), again.to_string());
    BOOST_TEST(must_read_all(*s) == model);

    fs.heal();  // space returns
    must_put(*s, kSync, "big", filler(3000, 999));
    BOOST_TEST(files_in(store + "/wal", ".wal").size() == 2u);
    BOOST_TEST(must_read_all(*s) == model);
  }
  expect_clean_reopen(store, model);
}

// ENOSPC while creating a store (preallocating its first segment): open fails
// with no_space; once space returns, open succeeds (leftovers are cleaned).
BOOST_FIXTURE_TEST_CASE(no_space_while_creating_a_store_fails_open_until_space_returns, StoreFixture) {
  {
    FaultFs fs;
    fs.fail(FsOp::fallocate, 1, ENOSPC, true);
    auto s = open_over(fs, store);
    BOOST_REQUIRE(!s.has_value());
    BOOST_TEST((s.error().code() == Code::no_space), s.error().to_string());
  }
  FaultFs fs;
  auto s = must_open(fs, store);
  BOOST_REQUIRE(s->put(kSync, "k", "v").ok());
  BOOST_TEST(files_in(store + "/wal", ".tmp").empty());
}

// fdatasync fails (EIO): the write fails with Code::poisoned, so does every
// later write, sync and compaction, without touching a file again (no
// retry-and-trust); reads still work. Reopening recovers exactly what is on
// disk: after a process crash, the frame whose fdatasync failed did reach the
// page cache and is replayed.
BOOST_FIXTURE_TEST_CASE(fdatasync_failure_poisons_the_store_without_retry, StoreFixture) {
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    BOOST_REQUIRE(s->put(kSync, "a", "1").ok());
    fs.fail(FsOp::fdatasync, 1, EIO);
    Status st = s->put(kSync, "b", "2");
    BOOST_TEST((st.code() == Code::poisoned), st.to_string());
    BOOST_TEST(st.message().find("fdatasync") != std::string::npos, st.message());
    const std::uint64_t before = mutating_calls(fs);
    WriteBatch batch;
    batch.put("c", "3");
    for (Status later : {s->put(kSync, "c", "3"), s->put(kNone, "c", "3"), s->remove(kNone, "a"),
                         s->remove_prefix(kSync, ""), s->write(kSync, batch), s->sync(), s->compact()})
      BOOST_TEST((later.code() == Code::poisoned), later.to_string());
    BOOST_TEST(s->get("a")->value_or("") == "1");
    BOOST_TEST(!s->get("b")->has_value());
    // close() cannot make the unsynced writes durable and says so.
    Status closed = s->close();
    BOOST_TEST((closed.code() == Code::poisoned), closed.to_string());
    BOOST_TEST(mutating_calls(fs) == before);  // nothing retried, nothing written
  }
  // The frame of "b" is in the file (its fdatasync failed, the bytes did not vanish).
  auto check = check_log(store);
  BOOST_REQUIRE(check.has_value());
  BOOST_TEST(check->report.corruptions.empty());
  BOOST_TEST(check->report.last_sequence == 2u);
  expect_clean_reopen(store, Model{{"a", "1"}, {"b", "2"}});
}

// The same failure followed by a power loss: the bytes the failed fdatasync
// should have saved are gone (fsyncgate), everything synced before is there.
BOOST_FIXTURE_TEST_CASE(fdatasync_failure_then_power_loss_recovers_what_reached_the_disk, StoreFixture) {
  {
    FaultFs fs;
    {
      auto s = must_open(fs, store);
      BOOST_REQUIRE(s->put(kSync, "a", "1").ok());
      BOOST_REQUIRE(s->put(kNone, "b", "2").ok());
      fs.fail(FsOp::fdatasync, 1, EIO);
      BOOST_TEST((s->put(kSync, "c", "3").code() == Code::poisoned));
    }
    fs.power_loss();
  }
  expect_clean_reopen(store, Model{{"a", "1"}});
}

// Whatever errno fdatasync fails with (ENOSPC on some file systems), the store
// is poisoned: an unsynced write may be lost, so "retry later" is not offered.
BOOST_FIXTURE_TEST_CASE(fdatasync_no_space_also_poisons, StoreFixture) {
  FaultFs fs;
  auto s = must_open(fs, store);
  fs.fail(FsOp::fdatasync, 1, ENOSPC);
  BOOST_TEST((s->put(kSync, "a", "1").code() == Code::poisoned));
  BOOST_TEST((s->put(kSync, "a", "1").code() == Code::poisoned));
}

// A short write whose zeroing fails too (the disk died mid-write): the store
// is poisoned; the partial frame left on disk is a torn tail that the next
// open reports and cuts, and appends continue after it.
BOOST_FIXTURE_TEST_CASE(short_write_that_cannot_be_undone_poisons_and_leaves_a_torn_tail, StoreFixture) {
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    BOOST_REQUIRE(s->put(kSync, "a", "1").ok());
    fs.short_write(1, 24, EIO);
    fs.crash_at(2);  // the zeroing pwrite and everything after fail
    Status st = s->put(kSync, "b", filler(2000, 2));
    BOOST_TEST((st.code() == Code::poisoned), st.to_string());
    BOOST_TEST((s->put(kSync, "c", "3").code() == Code::poisoned));
  }
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    const auto& report = s->recovery_report();
    BOOST_REQUIRE(report.corruptions.size() == 1u);
    BOOST_TEST(report.corruptions[0].torn_tail);
    BOOST_TEST(report.bytes_truncated > 0u);
    BOOST_TEST(must_read_all(*s) == (Model{{"a", "1"}}));
    BOOST_REQUIRE(s->put(kSync, "d", "4").ok());
  }
  expect_clean_reopen(store, Model{{"a", "1"}, {"d", "4"}});
}

