// tests/fault: what open cleans up, and how its errors name the store.
//
// A crash between a compaction's snapshot commit and its deletion of the
// segments that made obsolete (brief §4, §7) leaves segments whose every
// sequence is at or below the snapshot's applied sequence. Replaying them is
// idempotent (tests/store), and open also deletes them — oldest first, then an
// fsync of wal/ — so that they do not pile up across crashes. Here a compaction
// crashes at each I/O call of its deletion step (each unlink, the fsync of
// wal/), then the store is reopened after a process crash or a power loss.
#define BOOST_TEST_MODULE fault_open_cleanup
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "../support/log_files.hpp"
#include "crash_enumeration.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

std::vector<std::string> segment_names(const std::string& store) {
  std::vector<std::string> names;
  for (const auto& p : segments(store)) names.push_back(p.filename().string());
  return names;
}

// A store whose log spans several 64 KiB segments, closed; returns its contents.
Model make_store_with_segments(const std::string& store) {
  FaultFs fs;
  auto s = must_open(fs, store);
  Model model;
  for (int i = 0; i < 60; ++i) {
    const std::string key = "k" + std::to_string(i);
    BOOST_REQUIRE(s->put(kNone, key, filler(3000, i)).ok());
    model[key] = filler(3000, i);
  }
  BOOST_REQUIRE(s->close().ok());
  return model;
}

// The calls of a compaction's deletion step: the 1-based numbers (counted from
// the start of Store::compact) of its unlinks of segments and of the fsync of
// wal/ after them, found by running the compaction once over a copy.
struct DeletionStep {
  std::vector<std::uint64_t> calls;
  std::vector<std::string> segments_after;  // what a clean compaction leaves
  std::size_t segments_before = 0;
};

DeletionStep probe_deletion_step(const std::string& pristine, const std::string& work) {
  stdfs::remove_all(work);
  stdfs::copy(pristine, work, stdfs::copy_options::recursive);
  DeletionStep step;
  step.segments_before = segment_names(work).size();
  FaultFs fs;
  auto s = must_open(fs, work);
  const std::uint64_t before = fs.calls();
  BOOST_REQUIRE(s->compact().ok());
  const auto trace = fs.trace();
  bool unlinked = false;
  for (std::uint64_t n = before + 1; n <= trace.size(); ++n) {
    const std::string& line = trace[n - 1];
    const bool is_unlink = line.find(" unlink ") != std::string::npos && line.find(".wal") != std::string::npos;
    const bool is_fsync = line.find(" fsync ") != std::string::npos;
    if (is_unlink) unlinked = true;
    if (is_unlink || (unlinked && is_fsync)) step.calls.push_back(n - before);
  }
  s.reset();
  step.segments_after = segment_names(work);
  return step;
}

void crash_during_segment_deletion(AfterCrash after) {
  TempDir dir;
  const std::string pristine = dir.sub("pristine"), work = dir.sub("work");
  const Model model = make_store_with_segments(pristine);
  const DeletionStep step = probe_deletion_step(pristine, work);
  BOOST_REQUIRE_MESSAGE(step.segments_before >= 3u, step.segments_before << " segments");
  BOOST_REQUIRE(step.segments_after.size() == 1u);
  // the compaction rolls to a new segment, unlinks every earlier one, then fsyncs wal/ once
  BOOST_REQUIRE_EQUAL(step.calls.size(), step.segments_before + 1);

  for (const std::uint64_t n : step.calls) {
    BOOST_TEST_CONTEXT(after_crash_name(after) << " at call " << n << " of the compaction") {
      stdfs::remove_all(work);
      stdfs::copy(pristine, work, stdfs::copy_options::recursive);
      {
        FaultFs fs;
        auto s = must_open(fs, work);
        fs.crash_at(n);
        BOOST_TEST(!s->compact().ok());
        BOOST_TEST(fs.crashed());
        s.reset();
        apply_after_crash(fs, after);
      }
      FaultFs fs;
      {
        auto s = must_open(fs, work);
        BOOST_TEST(segment_names(work) == step.segments_after);
        BOOST_TEST(fs.unsynced_names().empty(), "open left namespace changes unsynced");
        BOOST_TEST(must_read_all(*s) == model);
        BOOST_REQUIRE(s->close().ok());
      }
      // A power loss now keeps it that way: the deletions were made durable.
      fs.power_loss();
      BOOST_TEST(segment_names(work) == step.segments_after);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(process_crash_while_compaction_deletes_segments_then_open_deletes_the_rest) {
  crash_during_segment_deletion(AfterCrash::process_crash);
}

BOOST_AUTO_TEST_CASE(power_loss_while_compaction_deletes_segments_then_open_deletes_the_rest) {
  crash_during_segment_deletion(AfterCrash::power_loss);
}

// Deletion at open goes oldest first: a crash in the middle of it leaves a
// suffix of the obsolete segments, which the next open deletes.
BOOST_AUTO_TEST_CASE(crash_while_open_deletes_obsolete_segments_is_finished_by_the_next_open) {
  TempDir dir;
  const std::string pristine = dir.sub("pristine"), work = dir.sub("work"), left = dir.sub("left");
  const Model model = make_store_with_segments(pristine);
  // Obsolete segments as a compaction crash leaves them: compact, then put
  // the old segments back.
  stdfs::copy(pristine, left, stdfs::copy_options::recursive);
  {
    FaultFs fs;
    auto s = must_open(fs, left);
    BOOST_REQUIRE(s->compact().ok());
    BOOST_REQUIRE(s->close().ok());
  }
  const std::vector<std::string> needed = segment_names(left);
  BOOST_REQUIRE(needed.size() == 1u);
  for (const auto& p : segments(pristine)) stdfs::copy_file(p, stdfs::path(left) / "wal" / p.filename());
  const std::size_t obsolete = segment_names(left).size() - 1;
  BOOST_REQUIRE(obsolete >= 2u);

  for (std::size_t k = 1; k <= obsolete; ++k) {
    BOOST_TEST_CONTEXT("crash at the unlink of obsolete segment " << k) {
      stdfs::remove_all(work);
      stdfs::copy(left, work, stdfs::copy_options::recursive);
      {
        FaultFs fs;
        fs.fail(FsOp::unlink, k, EIO);
        auto s = open_over(fs, work);
        BOOST_TEST(!s.has_value());
      }
      const auto remaining = segment_names(work);
      // the k-1 oldest went first; the other obsolete ones and the needed one are left
      BOOST_TEST(remaining.size() == obsolete - (k - 1) + 1);
      BOOST_TEST(std::is_sorted(remaining.begin(), remaining.end()));
      FaultFs fs;
      auto s = must_open(fs, work);
      BOOST_TEST(segment_names(work) == needed);
      BOOST_TEST(must_read_all(*s) == model);
    }
  }
}

// Open's errors name the directory as the caller gave it, not a descriptor
// ("fd -100//path" before).
BOOST_AUTO_TEST_CASE(open_errors_name_the_path_the_caller_gave) {
  TempDir dir;
  const std::string path = dir.sub("missing-parent/store");
  auto s = Store::open(path, fault_options());
  BOOST_REQUIRE(!s.has_value());
  const std::string text = s.error().to_string();
  BOOST_TEST(text.find(path) != std::string::npos, text);
  BOOST_TEST(text.find("fd ") == std::string::npos, text);
  BOOST_TEST(text.find("//") == std::string::npos, text);
}
