// Interrupted-session discovery at open, resume, and damaged checkpoints.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

std::vector<std::string> ids_of(const std::vector<InterruptedSession>& found) {
  std::vector<std::string> ids;
  for (const auto& s : found) ids.push_back(s.info.id);
  return ids;
}

const InterruptedSession* find(const std::vector<InterruptedSession>& found, const std::string& id) {
  for (const auto& s : found) {
    if (s.info.id == id) return &s;
  }
  return nullptr;
}

// Sets up: "open-a" with 3 checkpoints, "bare" with none (both left active),
// "done" completed, "broken" failed.
void start_sessions(SessionStore& sessions) {
  BOOST_REQUIRE(sessions.create("open-a", "chat").ok());
  for (std::uint32_t i = 1; i <= 3; ++i) {
    BOOST_REQUIRE(sessions.checkpoint("open-a", checkpoint_data("msg-" + std::to_string(i), i, 9)).has_value());
  }
  BOOST_REQUIRE(sessions.create("bare").ok());
  BOOST_REQUIRE(sessions.create("done").ok());
  BOOST_REQUIRE(sessions.checkpoint("done", checkpoint_data("x")).has_value());
  BOOST_REQUIRE(sessions.complete("done").ok());
  BOOST_REQUIRE(sessions.create("broken").ok());
  BOOST_REQUIRE(sessions.fail("broken", "crashed tool").ok());
}

// Overwrites checkpoint `number` of `id` with one whose hash does not match its state.
void damage_hash(Store& store, const std::string& id, std::uint64_t number) {
  Checkpoint bad;
  bad.number = number;
  bad.app_version = "1.0.0";
  bad.state = "tampered";
  bad.state_hash = session::state_hash("original");
  BOOST_REQUIRE(store.put(WriteOptions{}, session::checkpoint_key(id, number), session::encode_checkpoint(bad)).ok());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(interrupted)

BOOST_AUTO_TEST_CASE(nothing_is_interrupted_in_the_epoch_that_owns_it) {
  SessionFixture f;
  start_sessions(f.sessions());
  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->empty());
}

BOOST_AUTO_TEST_CASE(sessions_left_active_are_interrupted_after_reopen) {
  SessionFixture f;
  start_sessions(f.sessions());
  std::uint64_t first_epoch = f.store().open_epoch();
  f.reopen();
  BOOST_TEST(f.store().open_epoch() > first_epoch);

  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(ids_of(*found) == (std::vector<std::string>{"bare", "open-a"}));

  const auto* open_a = find(*found, "open-a");
  BOOST_REQUIRE(open_a != nullptr);
  BOOST_TEST((open_a->info.status == SessionStatus::interrupted));
  BOOST_TEST(open_a->info.owner_epoch == first_epoch);
  BOOST_TEST(open_a->info.description == "step 3");
  BOOST_REQUIRE(open_a->checkpoint.has_value());
  BOOST_TEST(open_a->checkpoint->number == 3u);
  BOOST_TEST(open_a->checkpoint->state == "msg-3");
  BOOST_TEST(open_a->skipped.empty());

  const auto* bare = find(*found, "bare");
  BOOST_REQUIRE(bare != nullptr);
  BOOST_TEST(!bare->checkpoint.has_value());

  // The status is stored, not just computed.
  BOOST_TEST(((*f.sessions().info("open-a"))->status == SessionStatus::interrupted));
  BOOST_TEST(((*f.sessions().info("done"))->status == SessionStatus::completed));
  BOOST_TEST(((*f.sessions().info("broken"))->status == SessionStatus::failed));

  // Still interrupted after another reopen, without being touched.
  f.reopen();
  BOOST_TEST(ids_of(*f.sessions().interrupted()) == (std::vector<std::string>{"bare", "open-a"}));
}

BOOST_AUTO_TEST_CASE(resume_takes_a_session_over) {
  SessionFixture f;
  start_sessions(f.sessions());
  f.reopen();

  auto resumed = f.sessions().resume("open-a");
  BOOST_REQUIRE(resumed.has_value());
  BOOST_TEST((resumed->info.status == SessionStatus::active));
  BOOST_TEST(resumed->info.owner_epoch == f.store().open_epoch());
  BOOST_REQUIRE(resumed->checkpoint.has_value());
  BOOST_TEST(resumed->checkpoint->number == 3u);
  BOOST_TEST(resumed->checkpoint->state == "msg-3");

  BOOST_TEST(ids_of(*f.sessions().interrupted()) == (std::vector<std::string>{"bare"}));
  BOOST_TEST(f.sessions().checkpoint("open-a", checkpoint_data("msg-4", 4, 9)).value() == 4u);

  // Interrupted again when this process ends without completing it.
  f.reopen();
  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(ids_of(*found) == (std::vector<std::string>{"bare", "open-a"}));
  BOOST_TEST(find(*found, "open-a")->checkpoint->state == "msg-4");

  // Completed after resume: gone for good.
  BOOST_REQUIRE(f.sessions().resume("open-a").has_value());
  BOOST_REQUIRE(f.sessions().complete("open-a").ok());
  f.reopen();
  BOOST_TEST(ids_of(*f.sessions().interrupted()) == (std::vector<std::string>{"bare"}));
}

BOOST_AUTO_TEST_CASE(checkpoint_reactivates_an_interrupted_session) {
  SessionFixture f;
  start_sessions(f.sessions());
  f.reopen();
  BOOST_TEST(f.sessions().checkpoint("bare", checkpoint_data("first")).value() == 1u);
  auto info = f.sessions().info("bare");
  BOOST_TEST(((*info)->status == SessionStatus::active));
  BOOST_TEST((*info)->owner_epoch == f.store().open_epoch());
  BOOST_TEST(ids_of(*f.sessions().interrupted()) == (std::vector<std::string>{"open-a"}));
}

BOOST_AUTO_TEST_CASE(read_only_view_lists_sessions_of_a_live_store) {
  SessionFixture f;
  start_sessions(f.sessions());
  f.reopen();
  BOOST_REQUIRE(f.sessions().resume("open-a").has_value());

  auto view = Store::open_read_only(f.dir().sub("store"), small_store_options());
  BOOST_REQUIRE(view.has_value());
  auto& ro = **view;

  auto refused = SessionStore::open(ro);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((refused.error().code() == Code::not_supported));

  // The writer (epoch 2) is alive: only "bare" is interrupted.
  auto live = list_interrupted(ro, f.store().open_epoch());
  BOOST_REQUIRE(live.has_value());
  BOOST_TEST(ids_of(*live) == (std::vector<std::string>{"bare"}));
  // Nobody holds the store: "open-a" would be interrupted too.
  auto gone = list_interrupted(ro, std::numeric_limits<std::uint64_t>::max());
  BOOST_REQUIRE(gone.has_value());
  BOOST_TEST(ids_of(*gone) == (std::vector<std::string>{"bare", "open-a"}));
  BOOST_TEST(find(*gone, "open-a")->checkpoint->number == 3u);

  auto all = list_sessions(ro);
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST(all->size() == 4u);
}

BOOST_AUTO_TEST_CASE(damaged_checkpoints_fall_back_to_older_ones) {
  SessionFixture f;
  auto& sessions = f.sessions();
  BOOST_REQUIRE(sessions.create("s").ok());
  for (std::uint32_t i = 1; i <= 3; ++i) {
    BOOST_REQUIRE(sessions.checkpoint("s", checkpoint_data("state-" + std::to_string(i), i)).has_value());
  }
  damage_hash(f.store(), "s", 3);

  std::vector<std::string> skipped;
  auto latest = sessions.latest_checkpoint("s", &skipped);
  BOOST_REQUIRE(latest.has_value() && latest->has_value());
  BOOST_TEST((*latest)->number == 2u);
  BOOST_TEST((*latest)->state == "state-2");
  BOOST_TEST(skipped == (std::vector<std::string>{"checkpoint 3: hash mismatch"}));

  auto loaded = sessions.load_checkpoint("s", 3);
  BOOST_REQUIRE(!loaded.has_value());
  BOOST_TEST((loaded.error().code() == Code::corruption));
  BOOST_TEST(loaded.error().message().find("hash mismatch") != std::string::npos);

  // Garbage that does not even decode, and a checkpoint stored under the wrong number.
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("s", 2), "not capnp").ok());
  skipped.clear();
  latest = sessions.latest_checkpoint("s", &skipped);
  BOOST_REQUIRE(latest.has_value() && latest->has_value());
  BOOST_TEST((*latest)->number == 1u);
  BOOST_REQUIRE(skipped.size() == 2u);
  BOOST_TEST(skipped[0] == "checkpoint 3: hash mismatch");
  BOOST_TEST(skipped[1].starts_with("checkpoint 2: malformed checkpoint"));
  BOOST_TEST((sessions.load_checkpoint("s", 2).error().code() == Code::corruption));

  f.reopen();
  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value() && found->size() == 1u);
  BOOST_TEST((*found)[0].checkpoint->number == 1u);
  BOOST_TEST((*found)[0].skipped.size() == 2u);
  auto resumed = f.sessions().resume("s");
  BOOST_REQUIRE(resumed.has_value());
  BOOST_TEST(resumed->checkpoint->state == "state-1");
  BOOST_TEST(resumed->skipped.size() == 2u);

  // Numbering goes on after the damaged ones; they age out like any other.
  BOOST_TEST(f.sessions().checkpoint("s", checkpoint_data("state-4")).value() == 4u);
}

BOOST_AUTO_TEST_CASE(all_checkpoints_damaged_means_none) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("s").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("s", checkpoint_data("only")).has_value());
  damage_hash(f.store(), "s", 1);
  std::vector<std::string> skipped;
  auto latest = f.sessions().latest_checkpoint("s", &skipped);
  BOOST_REQUIRE(latest.has_value());
  BOOST_TEST(!latest->has_value());
  BOOST_TEST(skipped == (std::vector<std::string>{"checkpoint 1: hash mismatch"}));
}

BOOST_AUTO_TEST_CASE(undecodable_record_is_corruption) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("s").ok());
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::record_key("s"), std::string(16, '\xee')).ok());
  auto info = f.sessions().info("s");
  BOOST_REQUIRE(!info.has_value());
  BOOST_TEST((info.error().code() == Code::corruption));
  BOOST_TEST(info.error().message().find("session 's'") != std::string::npos);
  // The listings go on past it (damaged_sessions() reports it: see
  // test_session_damaged_records.cpp).
  BOOST_TEST(f.sessions().list()->empty());
  // The damaged session can still be dropped.
  BOOST_REQUIRE(f.sessions().drop("s").ok());
  BOOST_TEST(f.sessions().damaged_sessions()->empty());
}

BOOST_AUTO_TEST_SUITE_END()
