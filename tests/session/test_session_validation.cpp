// Validation before resume: hash and application-version checks, fallback to
// older checkpoints with reasons, list_checkpoints, and resume notices.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <fstream>
#include <limits>

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "../support/log_files.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

CheckpointData versioned(std::string state, std::string version, std::uint32_t step = 0) {
  CheckpointData data = checkpoint_data(std::move(state), step, 10);
  data.app_version = std::move(version);
  return data;
}

void damage_hash(Store& store, const std::string& id, std::uint64_t number) {
  auto value = store.get(session::checkpoint_key(id, number));
  BOOST_REQUIRE(value.has_value() && value->has_value());
  auto checkpoint = session::decode_checkpoint(**value);
  BOOST_REQUIRE(checkpoint.has_value());
  checkpoint->state += "!";  // the stored hash no longer matches
  BOOST_REQUIRE(store.put(WriteOptions{}, session::checkpoint_key(id, number),
                          session::encode_checkpoint(*checkpoint)).ok());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validation)

BOOST_AUTO_TEST_CASE(app_version_defaults_from_the_options) {
  SessionFixture f(SessionOptions{.app_version = "1.4.0"});
  BOOST_REQUIRE(f.sessions().create("s").ok());
  CheckpointData data = checkpoint_data("x");
  data.app_version.clear();
  BOOST_REQUIRE(f.sessions().checkpoint("s", data).has_value());
  BOOST_TEST((*f.sessions().latest_checkpoint("s"))->app_version == "1.4.0");
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), small_store_options());
  BOOST_REQUIRE(store.has_value());
  auto bad = SessionStore::open(**store, SessionOptions{.app_version = "one point two"});
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST((bad.error().code() == Code::invalid_argument));
  BOOST_TEST(bad.error().message().find("not a semantic version") != std::string::npos);
}

// A gateway upgraded from state format 1.x to 2.x: checkpoints of major 1 are
// skipped with a reason; the newest major-2 one is used.
BOOST_AUTO_TEST_CASE(incompatible_major_versions_are_skipped_with_a_reason) {
  SessionFixture f;  // no app_version: every version accepted
  BOOST_REQUIRE(f.sessions().create("s", "chat").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("s", versioned("v2 state", "2.0.0", 1)).has_value());   // 1
  BOOST_REQUIRE(f.sessions().checkpoint("s", versioned("v2.1 state", "2.1.3", 2)).has_value()); // 2
  BOOST_REQUIRE(f.sessions().checkpoint("s", versioned("v3 state", "3.0.0", 3)).has_value());   // 3
  BOOST_REQUIRE(f.sessions().checkpoint("s", versioned("odd state", "latest", 4)).has_value());  // 4
  BOOST_REQUIRE(f.sessions().checkpoint("s", versioned("v1 state", "1.9.9", 5)).has_value());   // 5
  f.reopen(SessionOptions{.app_version = "2.4.0"});

  std::vector<std::string> skipped;
  auto latest = f.sessions().latest_checkpoint("s", &skipped);
  BOOST_REQUIRE(latest.has_value() && latest->has_value());
  BOOST_TEST((*latest)->number == 2u);
  BOOST_TEST((*latest)->state == "v2.1 state");
  BOOST_TEST(skipped == (std::vector<std::string>{
                            "checkpoint 5: application version 1.9.9 is incompatible with 2.4.0 (major 1, expected 2)",
                            "checkpoint 4: application version 'latest' is not a semantic version",
                            "checkpoint 3: application version 3.0.0 is incompatible with 2.4.0 (major 3, expected 2)",
                        }));

  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value() && found->size() == 1u);
  const InterruptedSession& s = (*found)[0];
  BOOST_REQUIRE(s.checkpoint.has_value());
  BOOST_TEST(s.checkpoint->number == 2u);
  BOOST_REQUIRE(s.skipped_checkpoints.size() == 3u);
  for (const auto& skip : s.skipped_checkpoints) {
    BOOST_TEST((skip.reason == SkipReason::incompatible_version));
  }
  BOOST_TEST(s.skipped_checkpoints[0].number == 5u);
  BOOST_TEST(s.skipped_checkpoints[2].number == 3u);

  // Resume reports the same: which checkpoint it used and why newer ones were skipped.
  auto resumed = f.sessions().resume("s");
  BOOST_REQUIRE(resumed.has_value());
  BOOST_TEST(resumed->checkpoint->number == 2u);
  BOOST_TEST(resumed->checkpoint->state == "v2.1 state");
  BOOST_TEST(resumed->skipped == skipped);
  BOOST_TEST(resumed->skipped_checkpoints.size() == 3u);
  BOOST_TEST(resumed->state_error.ok());

  // Loading an incompatible checkpoint by number is an error, not a silent success.
  auto loaded = f.sessions().load_checkpoint("s", 5);
  BOOST_REQUIRE(!loaded.has_value());
  BOOST_TEST((loaded.error().code() == Code::version_mismatch));
  BOOST_TEST(loaded.error().message().find("checkpoint 5") != std::string::npos);
  BOOST_TEST(f.sessions().load_checkpoint("s", 1).value()->state == "v2 state");
}

BOOST_AUTO_TEST_CASE(hash_and_version_problems_together) {
  SessionFixture f(SessionOptions{.app_version = "1.0.0"});
  BOOST_REQUIRE(f.sessions().create("s").ok());
  for (int i = 1; i <= 4; ++i) BOOST_REQUIRE(f.sessions().checkpoint("s", versioned("s" + std::to_string(i), "1.2.0", i)).has_value());
  BOOST_REQUIRE(f.sessions().checkpoint("s", versioned("future", "2.0.0", 5)).has_value());
  damage_hash(f.store(), "s", 4);
  f.reopen();
  auto resumed = f.sessions().resume("s");
  BOOST_REQUIRE(resumed.has_value());
  BOOST_TEST(resumed->checkpoint->number == 3u);
  BOOST_TEST(resumed->checkpoint->state == "s3");
  BOOST_REQUIRE(resumed->skipped_checkpoints.size() == 2u);
  BOOST_TEST((resumed->skipped_checkpoints[0].reason == SkipReason::incompatible_version));
  BOOST_TEST((resumed->skipped_checkpoints[1].reason == SkipReason::hash_mismatch));
  BOOST_TEST(resumed->skipped[1] == "checkpoint 4: hash mismatch");
}

// Bit rot in the LMDB snapshot under the newest checkpoint: the store reports
// that entry damaged, and resume falls back to the checkpoint before it.
BOOST_AUTO_TEST_CASE(a_checkpoint_damaged_in_the_snapshot_is_skipped_for_the_one_before) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("s").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("s", checkpoint_data("older state #0123456789", 1, 2)).has_value());
  BOOST_REQUIRE(f.sessions().checkpoint("s", checkpoint_data("newest state #0123456789", 2, 2)).has_value());
  BOOST_REQUIRE(f.store().compact().ok());
  f.close();
  const std::string data_file = f.dir().sub("store") + "/snapshot/data.mdb";
  std::string bytes = test::read_bytes(data_file);
  const std::size_t at = bytes.find("newest state #0123456789");
  BOOST_REQUIRE(at != std::string::npos);
  BOOST_REQUIRE(bytes.find("newest state #0123456789", at + 1) == std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] ^ 1);
  test::write_bytes(data_file, bytes);
  f.open();

  auto resumed = f.sessions().resume("s");
  BOOST_REQUIRE_MESSAGE(resumed.has_value(), (resumed ? "ok" : resumed.error().to_string()));
  BOOST_REQUIRE(resumed->checkpoint.has_value());
  BOOST_TEST(resumed->checkpoint->number == 1u);
  BOOST_TEST(resumed->checkpoint->state == "older state #0123456789");
  BOOST_REQUIRE(resumed->skipped_checkpoints.size() == 1u);
  BOOST_TEST((resumed->skipped_checkpoints[0].reason == SkipReason::damaged));
  BOOST_TEST(resumed->skipped_checkpoints[0].number == 2u);
  BOOST_TEST(resumed->skipped_checkpoints[0].detail.find("fails its checksum") != std::string::npos);
  BOOST_TEST(std::string(skip_reason_name(SkipReason::damaged)) == "damaged");

  auto listed = f.sessions().list_checkpoints("s");
  BOOST_REQUIRE(listed.has_value());
  BOOST_REQUIRE(listed->size() == 2u);
  BOOST_TEST(listed->front().number == 2u);
  BOOST_REQUIRE(listed->front().problem.has_value());
  BOOST_TEST((listed->front().problem->reason == SkipReason::damaged));
  BOOST_TEST(!listed->back().problem.has_value());
}

// A session record damaged in the snapshot still goes with drop_prefix
// (drops must remove damaged sessions too), and the sound one beside it too.
// (The damage comes while the store is open: one byte rewritten in place,
// which LMDB's shared mapping of data.mdb sees.)
BOOST_AUTO_TEST_CASE(drop_prefix_removes_a_session_whose_record_is_damaged_in_the_snapshot) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("tenant/a", "description of a #0123456789").ok());
  BOOST_REQUIRE(f.sessions().create("tenant/b", "description of b").ok());
  BOOST_REQUIRE(f.store().compact().ok());
  const std::string data_file = f.dir().sub("store") + "/snapshot/data.mdb";
  const std::string bytes = test::read_bytes(data_file);
  const std::size_t at = bytes.find("description of a #0123456789");
  BOOST_REQUIRE(at != std::string::npos);
  BOOST_REQUIRE(bytes.find("description of a #0123456789", at + 1) == std::string::npos);
  {
    std::fstream file(data_file, std::ios::in | std::ios::out | std::ios::binary);  // no truncation
    file.seekp(static_cast<std::streamoff>(at + 3));
    file.put(static_cast<char>(bytes[at + 3] ^ 1));
    BOOST_REQUIRE(file.good());
  }

  BOOST_TEST((f.sessions().info("tenant/a").error().code() == Code::corruption));
  auto dropped = f.sessions().drop_prefix("tenant/");
  BOOST_REQUIRE_MESSAGE(dropped.has_value(), (dropped ? "ok" : dropped.error().to_string()));
  BOOST_TEST((*dropped == std::vector<std::string>{"tenant/a", "tenant/b"}));
  BOOST_TEST(!f.sessions().info("tenant/a")->has_value());
  BOOST_TEST(f.store().scan("", [](std::string_view, std::string_view) { return true; }).ok());
}

BOOST_AUTO_TEST_CASE(list_checkpoints_newest_first_with_problems) {
  SessionFixture f(SessionOptions{.keep_checkpoints = 4, .app_version = "1.0.0"});
  BOOST_REQUIRE(f.sessions().create("s").ok());
  for (int i = 1; i <= 6; ++i) {
    BOOST_REQUIRE(f.sessions().checkpoint("s", versioned(std::string(i * 10, 'x'), i == 6 ? "2.0.0" : "1.0.0", i)).has_value());
  }
  damage_hash(f.store(), "s", 4);
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("s", 3), "garbage!").ok());

  auto listed = f.sessions().list_checkpoints("s");
  BOOST_REQUIRE(listed.has_value());
  std::vector<std::uint64_t> numbers;
  for (const auto& c : *listed) numbers.push_back(c.number);
  BOOST_TEST(numbers == (std::vector<std::uint64_t>{6, 5, 4, 3}));
  const auto& l = *listed;
  BOOST_TEST((l[0].problem && l[0].problem->reason == SkipReason::incompatible_version));
  BOOST_TEST(l[0].app_version == "2.0.0");
  BOOST_TEST(!l[1].problem.has_value());
  BOOST_TEST(l[1].step == 5u);
  BOOST_TEST(l[1].total_steps == 10u);
  BOOST_TEST(l[1].description == "step 5");
  BOOST_TEST(l[1].state_size == 50u);
  BOOST_TEST(l[1].time_ns > 0u);
  BOOST_TEST((l[2].problem && l[2].problem->reason == SkipReason::hash_mismatch));
  BOOST_TEST((l[3].problem && l[3].problem->reason == SkipReason::malformed));
  BOOST_TEST(f.sessions().list_checkpoints("nobody")->empty());
}

BOOST_AUTO_TEST_CASE(notices_for_interrupted_sessions) {
  SessionFixture f(SessionOptions{.app_version = "1.0.0"});
  BOOST_REQUIRE(f.sessions().create("chat-7", "support chat").ok());
  for (std::uint32_t i = 1; i <= 4; ++i) {
    CheckpointData data = versioned("state", "1.0.0", i);
    data.description = i == 4 ? "awaiting tool result" : "step";
    BOOST_REQUIRE(f.sessions().checkpoint("chat-7", data).has_value());
  }
  BOOST_REQUIRE(f.sessions().checkpoint("chat-7", versioned("state", "1.0.0", 5)).has_value());
  damage_hash(f.store(), "chat-7", 5);
  BOOST_REQUIRE(f.sessions().create("fresh").ok());
  f.reopen();

  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value() && found->size() == 2u);
  std::uint64_t updated = (*found)[0].info.updated_ns;
  std::uint64_t now = updated + 12 * 60 * 1'000'000'000ull + 5;
  BOOST_TEST(resume_notice((*found)[0], now) ==
             "Session \"chat-7\" was interrupted 12 minutes ago at step 4 of 10 (\"awaiting tool result\"). "
             "It can resume from checkpoint 4. Skipped newer checkpoint 5 (hash mismatch).");
  BOOST_TEST(resume_notice((*found)[1], (*found)[1].info.updated_ns) ==
             "Session \"fresh\" was interrupted just now. No checkpoint can be used; it has to start over.");
  // The system-clock overload says something sensible too.
  BOOST_TEST(resume_notice((*found)[0]).starts_with("Session \"chat-7\" was interrupted "));

  // The read-only listing (walkv-replay) validates versions when asked to.
  auto view = list_interrupted(f.store(), std::numeric_limits<std::uint64_t>::max(), "2.0.0");
  BOOST_REQUIRE(view.has_value());
  BOOST_TEST(!(*view)[0].checkpoint.has_value());
  BOOST_TEST((*view)[0].skipped_checkpoints.size() == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
