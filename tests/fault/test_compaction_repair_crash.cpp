// A crash at every I/O call of a compaction and of a repair (brief §4: "a
// crash at any step is safe"; "repair ... survives a second crash during
// itself"), after which the next open (or the next repair) finishes the job.
#define BOOST_TEST_MODULE fault_compaction_repair_crash
#include <boost/test/unit_test.hpp>

#include <walkv/check.hpp>

#include "../support/log_files.hpp"
#include "crash_enumeration.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

void copy_store(const std::string& from, const std::string& to) {
  stdfs::remove_all(to);
  stdfs::copy(from, to, stdfs::copy_options::recursive);
}

// A closed store whose log spans three segments, with removes and a prefix
// removal among the puts. Returns its model.
Model make_pristine(const std::string& dir) {
  Model m;
  FaultFs fs;
  auto s = must_open(fs, dir);
  for (int i = 0; i < 45; ++i) {
    const std::string key = "p/" + std::to_string(100 + i);
    BOOST_REQUIRE(s->put(i % 4 == 0 ? kSync : kNone, key, filler(3000, i)).ok());
    m[key] = filler(3000, i);
    if (i % 10 == 9) {
      const std::string gone = "p/" + std::to_string(100 + i - 5);
      BOOST_REQUIRE(s->remove(kNone, gone).ok());
      m.erase(gone);
    }
  }
  BOOST_REQUIRE(s->remove_prefix(kSync, "p/11").ok());
  apply_to_model(m, WriteBatch::Kind::remove_prefix, "p/11", "");
  BOOST_REQUIRE(s->close().ok());
  BOOST_REQUIRE(segments(dir).size() >= 3u);
  return m;
}

struct CompactionRun {
  std::vector<Model> states;  // pristine, then after each unsynced put
  bool compacted = false;
  std::uint64_t calls = 0;
};

// Opens `dir`, adds unsynced puts, then (after arming `arm`) compacts and
// closes. The store is abandoned at the first failure.
CompactionRun compact_with(FaultFs& fs, const std::string& dir, const Model& pristine,
                           const std::function<void(FaultFs&)>& arm) {
  CompactionRun run;
  run.states.push_back(pristine);
  auto s = must_open(fs, dir);
  for (int i = 0; i < 3; ++i) {
    const std::string key = "u/" + std::to_string(i);
    BOOST_REQUIRE(s->put(kNone, key, filler(700, i)).ok());
    Model m = run.states.back();
    m[key] = filler(700, i);
    run.states.push_back(std::move(m));
  }
  const std::uint64_t before = fs.calls();
  arm(fs);
  run.compacted = s->compact().ok() && s->close().ok();
  s.reset();
  run.calls = fs.calls() - before;
  return run;
}

// After a crashed compaction: the store opens with the expected state, a new
// compaction succeeds and leaves one segment, and a reopen replays nothing.
std::optional<std::string> check_after_compaction_crash(const std::string& dir, const CompactionRun& run,
                                                        std::size_t lo) {
  auto k = check_recovered(dir, run.states, lo, run.states.size() - 1);
  if (!k) return k.error().message();
  Model expected = run.states[*k];
  expected["post/crash"] = "usable";
  {
    FaultFs fs;
    auto s = open_over(fs, dir);
    if (!s) return "open for the second compaction: " + s.error().to_string();
    if (Status st = (*s)->compact(); !st.ok()) return "second compaction: " + st.to_string();
    if (segments(dir).size() != 1u) return "second compaction left " + std::to_string(segments(dir).size()) + " segments";
  }
  FaultFs fs;
  auto s = open_over(fs, dir);
  if (!s) return "open after the second compaction: " + s.error().to_string();
  if ((*s)->recovery_report().frames_replayed != 0u) return "the compacted log still replays frames";
  if (must_read_all(**s) != expected) return "state changed by the second compaction";
  return std::nullopt;
}

void compaction_crash_at_every_call(AfterCrash after) {
  TempDir dir;
  const std::string pristine = dir.sub("pristine"), work = dir.sub("work");
  const Model model = make_pristine(pristine);
  std::uint64_t total = 0;
  {
    copy_store(pristine, work);
    FaultFs fs;
    CompactionRun clean = compact_with(fs, work, model, [](FaultFs&) {});
    BOOST_REQUIRE(clean.compacted);
    total = clean.calls;
  }
  BOOST_TEST_MESSAGE(total << " I/O calls in compact() and close()");
  BOOST_REQUIRE(total > 5u);
  std::vector<std::string> failures;
  for (std::uint64_t n = 1; n <= total; ++n) {
    copy_store(pristine, work);
    FaultFs fs;
    CompactionRun run = compact_with(fs, work, model, [n](FaultFs& f) { f.crash_at(n); });
    const std::string at = fs.trace().size() >= 1 ? fs.trace_line(fs.calls() - run.calls + n) : "";
    apply_after_crash(fs, after);
    // A power loss may lose the unsynced puts; a process crash may not.
    const std::size_t lo = after == AfterCrash::process_crash ? run.states.size() - 1 : 0;
    if (auto why = check_after_compaction_crash(work, run, lo))
      failures.push_back(std::string(after_crash_name(after)) + " at " + at + ": " + *why);
  }
  std::string shown;
  for (std::size_t i = 0; i < failures.size() && i < 10; ++i) shown += "\n  " + failures[i];
  BOOST_CHECK_MESSAGE(failures.empty(), failures.size() << " of " << total << " crash points went wrong:" << shown);
}

}  // namespace

BOOST_AUTO_TEST_CASE(power_loss_at_every_io_call_of_compaction) {
  compaction_crash_at_every_call(AfterCrash::power_loss);
}

BOOST_AUTO_TEST_CASE(process_crash_at_every_io_call_of_compaction) {
  compaction_crash_at_every_call(AfterCrash::process_crash);
}

// One failed call (EIO) during a compaction: compact() fails or succeeds, a
// retried compaction on the same open store completes (the rotated memtable
// is retried), and nothing is lost.
BOOST_AUTO_TEST_CASE(compaction_failing_at_any_io_call_can_be_retried) {
  TempDir dir;
  const std::string pristine = dir.sub("pristine"), work = dir.sub("work");
  const Model model = make_pristine(pristine);
  std::uint64_t total = 0;
  {
    copy_store(pristine, work);
    FaultFs fs;
    auto s = must_open(fs, work);
    const std::uint64_t before = fs.calls();
    BOOST_REQUIRE(s->compact().ok());
    total = fs.calls() - before;
  }
  for (std::uint64_t n = 1; n <= total; ++n) {
    copy_store(pristine, work);
    Model expected = model;
    {
      FaultFs fs;
      auto s = must_open(fs, work);
      BOOST_REQUIRE(s->put(kNone, "before", "1").ok());
      expected["before"] = "1";
      fs.fail(FsOp::any, n, EIO);
      Status first = s->compact();
      Status retry = s->compact();
      BOOST_CHECK_MESSAGE(retry.ok() || retry.code() == Code::poisoned,
                          "call " << n << ": retried compaction: " << retry.to_string());
      if (retry.ok()) {
        BOOST_CHECK_MESSAGE(segments(work).size() == 1u, "call " << n << ": " << segments(work).size() << " segments");
        BOOST_CHECK(s->put(kSync, "after", "2").ok());
        expected["after"] = "2";
        BOOST_CHECK(must_read_all(*s) == expected);
      }
    }
    FaultFs fs;
    auto s = must_open(fs, work);
    BOOST_CHECK_MESSAGE(must_read_all(*s) == expected, "call " << n << ": reopen state differs");
  }
}

// ---------------------------------------------------------------- repair

namespace {

struct RepairCase {
  Model expected;                       // the state after a repair
  std::map<std::string, std::string> broken;  // wal/<name>.broken -> the bytes it must hold
  RecoveryMode mode;
};

// A torn last frame (the last segment cut inside its last frame).
RepairCase make_torn_tail(const std::string& dir) {
  RepairCase c;
  c.mode = RecoveryMode::tolerate_corrupted_tail;
  FaultFs fs;
  {
    auto s = must_open(fs, dir);
    for (int i = 0; i < 30; ++i) {
      const std::string key = "t/" + std::to_string(100 + i);
      BOOST_REQUIRE(s->put(kSync, key, filler(3000, i)).ok());
      if (i < 29) c.expected[key] = filler(3000, i);
    }
    BOOST_REQUIRE(s->close().ok());
  }
  const auto segs = segments(dir);
  BOOST_REQUIRE(segs.size() == 2u);
  const auto offsets = frame_offsets(segs.back());
  BOOST_REQUIRE(offsets.size() >= 2u);
  // Garbage over the second half of the last frame (a write that tore).
  std::string data = read_bytes(segs.back());
  const std::uint64_t start = offsets[offsets.size() - 2], end = offsets.back();
  for (std::uint64_t i = start + (end - start) / 2; i < end; ++i) data[i] = static_cast<char>(0);
  write_bytes(segs.back(), data);
  c.broken["wal/" + segs.back().filename().string() + ".broken"] = data;
  return c;
}

// A bit flip in the middle segment: point_in_time keeps what precedes it and
// moves the later segment aside.
RepairCase make_mid_log_damage(const std::string& dir) {
  RepairCase c;
  c.mode = RecoveryMode::point_in_time;
  std::vector<std::string> keys;
  FaultFs fs;
  {
    auto s = must_open(fs, dir);
    for (int i = 0; i < 45; ++i) {
      const std::string key = "m/" + std::to_string(100 + i);
      BOOST_REQUIRE(s->put(kSync, key, filler(3000, i)).ok());
      keys.push_back(key);
    }
    BOOST_REQUIRE(s->close().ok());
  }
  const auto segs = segments(dir);
  BOOST_REQUIRE(segs.size() == 3u);
  const auto first_offsets = frame_offsets(segs[0]);
  const std::size_t in_first = first_offsets.size() - 1;
  const auto offsets = frame_offsets(segs[1]);
  flip_byte(segs[1], offsets[3] + 40);  // the payload of the 4th frame of segment 2
  for (std::size_t i = 0; i < in_first + 3; ++i) c.expected[keys[i]] = filler(3000, static_cast<int>(i));
  c.broken["wal/" + segs[1].filename().string() + ".broken"] = read_bytes(segs[1]);
  c.broken["wal/" + segs[2].filename().string() + ".broken"] = read_bytes(segs[2]);
  return c;
}

std::optional<std::string> check_after_repair_crash(const std::string& dir, const RepairCase& c) {
  {
    FaultFs fs;
    auto again = repair_log_with(fs, dir, c.mode, fault_options().segment_size);
    if (!again) return "repair after the crash: " + again.error().to_string();
  }
  for (const auto& [name, bytes] : c.broken) {
    const std::string path = dir + "/" + name;
    if (!stdfs::exists(path)) return name + " is missing";
    if (read_bytes(path) != bytes) return name + " does not hold the damaged segment's bytes";
  }
  auto check = check_log(dir);
  if (!check) return "check_log: " + check.error().to_string();
  if (check->torn_tail || check->corrupt) return "the log is still damaged after the repair";
  {
    FaultFs fs;
    auto third = repair_log_with(fs, dir, c.mode, fault_options().segment_size);  // idempotent
    if (!third) return "third repair: " + third.error().to_string();
    if (third->bytes_truncated != 0u || !third->corruptions.empty()) return "the third repair changed something";
  }
  FaultFs fs;
  auto s = open_over(fs, dir);  // the default recovery mode
  if (!s) return "open after repair: " + s.error().to_string();
  if (must_read_all(**s) != c.expected) return "repaired store holds " + describe(must_read_all(**s));
  return std::nullopt;
}

void repair_crash_at_every_call(const std::function<RepairCase(const std::string&)>& make, AfterCrash after) {
  TempDir dir;
  const std::string pristine = dir.sub("pristine"), work = dir.sub("work");
  const RepairCase c = make(pristine);
  std::uint64_t total = 0;
  {
    copy_store(pristine, work);
    FaultFs fs;
    auto r = repair_log_with(fs, work, c.mode, fault_options().segment_size);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_REQUIRE(!r->corruptions.empty());
    total = fs.calls();
    auto why = check_after_repair_crash(work, c);
    BOOST_REQUIRE_MESSAGE(!why, "clean repair: " << why.value_or(""));
  }
  BOOST_TEST_MESSAGE(total << " I/O calls in the repair");
  std::vector<std::string> failures;
  for (std::uint64_t n = 1; n <= total; ++n) {
    copy_store(pristine, work);
    FaultFs fs;
    fs.crash_at(n);
    (void)repair_log_with(fs, work, c.mode, fault_options().segment_size);  // fails, or succeeds when only a close failed
    const std::string at = fs.trace_line(n);
    apply_after_crash(fs, after);
    if (auto why = check_after_repair_crash(work, c))
      failures.push_back(std::string(after_crash_name(after)) + " at " + at + ": " + *why);
  }
  std::string shown;
  for (std::size_t i = 0; i < failures.size() && i < 10; ++i) shown += "\n  " + failures[i];
  BOOST_CHECK_MESSAGE(failures.empty(), failures.size() << " of " << total << " crash points went wrong:" << shown);
}

}  // namespace

BOOST_AUTO_TEST_CASE(power_loss_at_every_io_call_of_a_torn_tail_repair) {
  repair_crash_at_every_call(make_torn_tail, AfterCrash::power_loss);
}

BOOST_AUTO_TEST_CASE(process_crash_at_every_io_call_of_a_torn_tail_repair) {
  repair_crash_at_every_call(make_torn_tail, AfterCrash::process_crash);
}

BOOST_AUTO_TEST_CASE(power_loss_at_every_io_call_of_a_point_in_time_repair) {
  repair_crash_at_every_call(make_mid_log_damage, AfterCrash::power_loss);
}

BOOST_AUTO_TEST_CASE(process_crash_at_every_io_call_of_a_point_in_time_repair) {
  repair_crash_at_every_call(make_mid_log_damage, AfterCrash::process_crash);
}
