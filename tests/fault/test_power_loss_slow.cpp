// The long enumerations (meson suite 'slow'): partial power-loss models, a
// second power loss at every call of every recovery, and a longer workload.
#define BOOST_TEST_MODULE fault_power_loss_slow
#include <boost/test/unit_test.hpp>

#include "crash_enumeration.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

// Four compactions, batches with prefix removals, several rollovers, and
// a deterministic mix of sync and none writes.
std::vector<Step> long_workload() {
  std::vector<Step> w;
  unsigned x = 12345;
  auto next = [&x] { return x = x * 1103515245u + 12345u, (x >> 16) & 0x7fff; };
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 60; ++i) {
      const unsigned r = next();
      const std::string key = "r" + std::to_string(round) + "/" + std::to_string(r % 50);
      const Durability d = r % 5 == 0 ? Durability::sync : Durability::none;
      if (r % 11 == 0) {
        WriteBatch b;
        b.put(key + "/a", filler(r % 2000, i));
        b.remove("r" + std::to_string(round) + "/" + std::to_string((r / 7) % 50));
        b.put(key + "/b", "b");
        w.push_back(batch_step(std::move(b), d, "batch " + key));
      } else if (r % 13 == 0) {
        w.push_back(remove_prefix_step("r" + std::to_string(round) + "/1", d));
      } else {
        w.push_back(put_step(key, filler(1000 + r % 3000, i), d));
      }
    }
    if (round < 3) w.push_back(control_step(Step::Kind::compact));
    else w.push_back(control_step(Step::Kind::sync));
  }
  w.push_back(control_step(Step::Kind::compact));
  w.push_back(put_step("tail", "t", Durability::none));
  w.push_back(control_step(Step::Kind::close));
  return w;
}

}  // namespace

BOOST_AUTO_TEST_CASE(power_loss_keeping_names_at_every_io_call) {
  TempDir dir;
  require_no_failures(crash_at_every_call(dir.path(), scripted_workload(), AfterCrash::power_loss_keep_names));
}

BOOST_AUTO_TEST_CASE(power_loss_keeping_data_at_every_io_call) {
  TempDir dir;
  require_no_failures(crash_at_every_call(dir.path(), scripted_workload(), AfterCrash::power_loss_keep_data));
}

BOOST_AUTO_TEST_CASE(second_power_loss_during_recovery_at_every_io_call) {
  TempDir dir;
  require_no_failures(second_crash_during_recovery(dir.path(), scripted_workload(), 1));
}

BOOST_AUTO_TEST_CASE(power_loss_at_every_io_call_of_a_long_workload) {
  TempDir dir;
  auto r = crash_at_every_call(dir.path(), long_workload(), AfterCrash::power_loss);
  BOOST_TEST(r.calls > 300u);
  require_no_failures(r);
}

BOOST_AUTO_TEST_CASE(process_crash_at_every_io_call_of_a_long_workload) {
  TempDir dir;
  require_no_failures(crash_at_every_call(dir.path(), long_workload(), AfterCrash::process_crash));
}
