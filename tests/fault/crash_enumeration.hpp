// tests/fault: crashing a scripted workload at every I/O call and checking
// what a reopen recovers against the model (shared by the default and the
// slow power-loss tests).
#pragma once

#include "fault_fixture.hpp"

namespace walkv::test {

enum class AfterCrash {
  process_crash,  // kill -9: the page cache keeps every completed write
  power_loss,     // FaultFs::power_loss(PowerLoss::drop_unsynced)
  power_loss_keep_names,
  power_loss_keep_data,
};

inline const char* after_crash_name(AfterCrash a) {
  switch (a) {
    case AfterCrash::process_crash: return "process crash";
    case AfterCrash::power_loss: return "power loss";
    case AfterCrash::power_loss_keep_names: return "power loss (namespace kept)";
    case AfterCrash::power_loss_keep_data: return "power loss (data kept)";
  }
  return "?";
}

inline void apply_after_crash(FaultFs& fs, AfterCrash a) {
  switch (a) {
    case AfterCrash::process_crash: break;
    case AfterCrash::power_loss: fs.power_loss(PowerLoss::drop_unsynced); break;
    case AfterCrash::power_loss_keep_names: fs.power_loss(PowerLoss::keep_names); break;
    case AfterCrash::power_loss_keep_data: fs.power_loss(PowerLoss::keep_data); break;
  }
}

// Reopens `dir` (over a fresh FaultFs) and checks the recovered state: it must
// be the model after some step k with lo <= k <= hi. Then checks the store is
// usable (a sync write that survives a clean reopen). Returns k, or an error
// description.
inline Result<std::size_t> check_recovered(const std::string& dir, const std::vector<Model>& states, std::size_t lo,
                                           std::size_t hi) {
  std::size_t k = 0;
  {
    FaultFs fs;
    auto s = open_over(fs, dir);
    if (!s) return error(Code::corruption, "reopen failed: " + s.error().to_string());
    auto m = read_all(**s);
    if (!m) return error(Code::corruption, "scan after reopen failed: " + m.error().to_string());
    auto found = matching_state(states, *m, lo, hi);
    if (!found) {
      std::string why = "recovered " + describe(*m) + " is not the model after any of steps " + std::to_string(lo) +
                        ".." + std::to_string(hi) + "; after step " + std::to_string(lo) + " it is " +
                        describe(states[lo]);
      if (auto any = matching_state(states, *m, 0, states.size() - 1))
        why += " (it is the state after step " + std::to_string(*any) + ")";
      return error(Code::corruption, why);
    }
    k = *found;
    if (Status st = (*s)->put(kSync, "post/crash", "usable"); !st.ok())
      return error(Code::corruption, "write after recovery failed: " + st.to_string());
  }
  FaultFs fs;
  auto s = open_over(fs, dir);
  if (!s) return error(Code::corruption, "second reopen failed: " + s.error().to_string());
  auto m = read_all(**s);
  if (!m) return error(Code::corruption, "scan after second reopen failed: " + m.error().to_string());
  Model expected = states[k];
  expected["post/crash"] = "usable";
  if (*m != expected)
    return error(Code::corruption, "after a write and a clean reopen the store holds " + describe(*m) +
                                       ", expected " + describe(expected));
  return k;
}

struct EnumerationResult {
  std::uint64_t calls = 0;                // I/O calls of the clean run
  std::vector<std::string> failures;      // one line per crash point that went wrong
};

// Runs `steps` once to count its I/O calls N, then for n = 1..N (every
// `stride`-th): crash at call n, apply `after`, reopen and check against the model.
inline EnumerationResult crash_at_every_call(const std::string& root, const std::vector<Step>& steps, AfterCrash after,
                                             std::uint64_t stride = 1) {
  const std::vector<Model> states = model_states(steps);
  const std::string dir = root + "/store";
  EnumerationResult result;
  {
    stdfs::remove_all(dir);
    FaultFs fs;
    Outcome clean = run_until_failure(fs, dir, steps);
    BOOST_REQUIRE_MESSAGE(clean.acked == steps.size(), "the clean run failed: " << clean.failure);
    result.calls = fs.calls();
    auto k = check_recovered(dir, states, steps.size(), steps.size());
    BOOST_REQUIRE_MESSAGE(k.has_value(), "clean run: " << (k ? "" : k.error().message()));
  }
  for (std::uint64_t n = 1; n <= result.calls; n += stride) {
    stdfs::remove_all(dir);
    FaultFs fs;
    fs.crash_at(n);
    Outcome out = run_until_failure(fs, dir, steps);
    const std::string at = fs.trace_line(n);
    if (!fs.crashed()) {
      result.failures.push_back("crash at call " + std::to_string(n) + ": the run never reached it");
      continue;
    }
    apply_after_crash(fs, after);
    const std::size_t lo = after == AfterCrash::process_crash ? out.acked : out.durable;
    auto k = check_recovered(dir, states, lo, out.attempted);
    if (!k)
      result.failures.push_back(std::string(after_crash_name(after)) + " at call " + at + " (run stopped at " +
                                out.failure + "): " + k.error().message());
  }
  return result;
}

inline void require_no_failures(const EnumerationResult& r) {
  std::string all;
  for (std::size_t i = 0; i < r.failures.size() && i < 10; ++i) all += "\n  " + r.failures[i];
  BOOST_TEST_MESSAGE(r.calls << " crash points");
  BOOST_CHECK_MESSAGE(r.failures.empty(),
                      r.failures.size() << " of " << r.calls << " crash points went wrong:" << all);
}

}  // namespace walkv::test

namespace walkv::test {

// A crash at every I/O call of the workload (every `stride`-th), power loss,
// then a second crash at every I/O call of the recovering open (and of its
// close), power loss again: the final reopen must find the same state as a
// recovery that was not interrupted (recovery makes nothing worse).
inline EnumerationResult second_crash_during_recovery(const std::string& root, const std::vector<Step>& steps,
                                                      std::uint64_t stride) {
  const std::vector<Model> states = model_states(steps);
  const std::string dir = root + "/store", saved = root + "/saved", probe = root + "/probe";
  EnumerationResult result;
  {
    stdfs::remove_all(dir);
    FaultFs fs;
    BOOST_REQUIRE(run_until_failure(fs, dir, steps).acked == steps.size());
    result.calls = fs.calls();
  }
  auto restore = [](const std::string& from, const std::string& to) {
    stdfs::remove_all(to);
    if (stdfs::exists(from)) stdfs::copy(from, to, stdfs::copy_options::recursive);
  };
  for (std::uint64_t n = 1; n <= result.calls; n += stride) {
    stdfs::remove_all(dir);
    Outcome out;
    std::string first_at;
    {
      FaultFs fs;
      fs.crash_at(n);
      out = run_until_failure(fs, dir, steps);
      first_at = fs.trace_line(n);
      fs.power_loss();
    }
    restore(dir, saved);
    // The state an uninterrupted recovery finds, and how many calls it makes.
    restore(saved, probe);
    std::uint64_t recovery_calls = 0;
    auto expected = [&]() -> Result<std::size_t> {
      FaultFs fs;
      Result<std::size_t> k = error(Code::corruption, "no state");
      {
        auto s = open_over(fs, probe);
        if (!s) return error(Code::corruption, "clean recovery failed: " + s.error().to_string());
        auto m = read_all(**s);
        if (!m) return error(m.error());
        if (auto found = matching_state(states, *m, out.durable, out.attempted)) k = *found;
        else k = error(Code::corruption, "clean recovery found " + describe(*m));
      }
      recovery_calls = fs.calls();
      return k;
    }();
    if (!expected) {
      result.failures.push_back("power loss at " + first_at + ": " + expected.error().message());
      continue;
    }
    for (std::uint64_t m = 1; m <= recovery_calls; ++m) {
      restore(saved, dir);
      std::string second_at;
      {
        FaultFs fs;
        fs.crash_at(m);
        { auto s = open_over(fs, dir); }
        second_at = fs.trace_line(fs.calls() >= m ? m : fs.calls());
        fs.power_loss();
      }
      auto k = check_recovered(dir, states, *expected, *expected);
      if (!k)
        result.failures.push_back("power loss at " + first_at + ", then during recovery at " + second_at + ": " +
                                  k.error().message());
    }
  }
  return result;
}

}  // namespace walkv::test
