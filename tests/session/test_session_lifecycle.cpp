// Create, checkpoint, complete/fail, cleanup and drop.
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(checkpoints_keep_the_last_five) {
  SessionFixture f;
  auto& sessions = f.sessions();
  BOOST_REQUIRE(sessions.create("chat-1", "support chat").ok());

  auto created = sessions.info("chat-1");
  BOOST_REQUIRE(created.has_value() && created->has_value());
  BOOST_TEST(((*created)->status == SessionStatus::active));
  BOOST_TEST((*created)->description == "support chat");
  BOOST_TEST((*created)->owner_epoch == f.store().open_epoch());
  BOOST_TEST((*created)->latest_checkpoint == 0u);
  BOOST_TEST((*created)->created_ns > 0u);

  for (std::uint32_t i = 1; i <= 7; ++i) {
    auto number = sessions.checkpoint("chat-1", checkpoint_data("state-" + std::to_string(i), i, 10));
    BOOST_REQUIRE(number.has_value());
    BOOST_TEST(*number == i);
  }
  BOOST_TEST(stored_checkpoints(f.store(), "chat-1") == (std::vector<std::uint64_t>{3, 4, 5, 6, 7}));

  for (std::uint64_t gone : {1u, 2u}) {
    auto loaded = sessions.load_checkpoint("chat-1", gone);
    BOOST_REQUIRE(loaded.has_value());
    BOOST_TEST(!loaded->has_value());
  }
  auto third = sessions.load_checkpoint("chat-1", 3);
  BOOST_REQUIRE(third.has_value() && third->has_value());
  BOOST_TEST((*third)->state == "state-3");

  std::vector<std::string> skipped;
  auto latest = sessions.latest_checkpoint("chat-1", &skipped);
  BOOST_REQUIRE(latest.has_value() && latest->has_value());
  BOOST_TEST((*latest)->number == 7u);
  BOOST_TEST((*latest)->state == "state-7");
  BOOST_TEST((*latest)->step == 7u);
  BOOST_TEST((*latest)->total_steps == 10u);
  BOOST_TEST((*latest)->description == "step 7");
  BOOST_TEST((*latest)->app_version == "1.0.0");
  BOOST_TEST((*latest)->state_hash == session::state_hash("state-7"));
  BOOST_TEST((*latest)->time_ns >= (*created)->created_ns);
  BOOST_TEST(skipped.empty());

  auto info = sessions.info("chat-1");
  BOOST_REQUIRE(info.has_value() && info->has_value());
  BOOST_TEST((*info)->latest_checkpoint == 7u);
  BOOST_TEST((*info)->step == 7u);
  BOOST_TEST((*info)->total_steps == 10u);
  BOOST_TEST((*info)->description == "step 7");
  BOOST_TEST((*info)->updated_ns == (*latest)->time_ns);

  BOOST_REQUIRE(sessions.complete("chat-1").ok());
  info = sessions.info("chat-1");
  BOOST_TEST(((*info)->status == SessionStatus::completed));
  BOOST_TEST(stored_checkpoints(f.store(), "chat-1").size() == 5u);
}

BOOST_AUTO_TEST_CASE(keep_one_checkpoint) {
  SessionFixture f(SessionOptions{.keep_checkpoints = 1});
  BOOST_REQUIRE(f.sessions().create("s").ok());
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(f.sessions().checkpoint("s", checkpoint_data("x")).has_value());
  BOOST_TEST(stored_checkpoints(f.store(), "s") == (std::vector<std::uint64_t>{3}));
}

BOOST_AUTO_TEST_CASE(failed_session_keeps_its_reason) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("job").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("job", checkpoint_data("half", 1, 2)).has_value());
  BOOST_REQUIRE(f.sessions().fail("job", "upstream timeout").ok());
  auto info = f.sessions().info("job");
  BOOST_REQUIRE(info.has_value() && info->has_value());
  BOOST_TEST(((*info)->status == SessionStatus::failed));
  BOOST_TEST((*info)->reason == "upstream timeout");
  BOOST_TEST(session_status_name((*info)->status) == std::string("failed"));
}

BOOST_AUTO_TEST_CASE(finished_sessions_take_no_checkpoints) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("done").ok());
  BOOST_REQUIRE(f.sessions().complete("done").ok());
  auto number = f.sessions().checkpoint("done", checkpoint_data("late"));
  BOOST_REQUIRE(!number.has_value());
  BOOST_TEST((number.error().code() == Code::invalid_argument));
  auto resumed = f.sessions().resume("done");
  BOOST_REQUIRE(!resumed.has_value());
  BOOST_TEST((resumed.error().code() == Code::invalid_argument));
}

BOOST_AUTO_TEST_CASE(unknown_and_duplicate_sessions_are_refused) {
  SessionFixture f;
  auto& sessions = f.sessions();
  BOOST_TEST((sessions.checkpoint("nope", checkpoint_data("x")).error().code() == Code::invalid_argument));
  BOOST_TEST((sessions.complete("nope").code() == Code::invalid_argument));
  BOOST_TEST((sessions.fail("nope", "why").code() == Code::invalid_argument));
  BOOST_TEST((sessions.resume("nope").error().code() == Code::invalid_argument));
  auto info = sessions.info("nope");
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(!info->has_value());
  auto latest = sessions.latest_checkpoint("nope");
  BOOST_REQUIRE(latest.has_value());
  BOOST_TEST(!latest->has_value());

  BOOST_REQUIRE(sessions.create("once").ok());
  BOOST_TEST((sessions.create("once").code() == Code::invalid_argument));
}

BOOST_AUTO_TEST_CASE(list_is_ordered_by_id) {
  SessionFixture f;
  for (const char* id : {"b", "a", "c/1", "c"}) BOOST_REQUIRE(f.sessions().create(id).ok());
  BOOST_REQUIRE(f.sessions().checkpoint("a", checkpoint_data("x")).has_value());
  auto listed = f.sessions().list();
  BOOST_REQUIRE(listed.has_value());
  std::vector<std::string> ids;
  for (const auto& info : *listed) ids.push_back(info.id);
  BOOST_TEST(ids == (std::vector<std::string>{"a", "b", "c", "c/1"}));
  auto free_listed = list_sessions(f.store());
  BOOST_REQUIRE(free_listed.has_value());
  BOOST_TEST(free_listed->size() == 4u);
}

BOOST_AUTO_TEST_CASE(cleanup_by_age) {
  SessionFixture f;
  auto& sessions = f.sessions();
  for (const char* id : {"one", "two", "three"}) {
    BOOST_REQUIRE(sessions.create(id).ok());
    BOOST_REQUIRE(sessions.checkpoint(id, checkpoint_data(id)).has_value());
  }
  BOOST_REQUIRE(sessions.complete("two").ok());

  auto kept = sessions.cleanup();  // default policy: max_age 24 h
  BOOST_REQUIRE(kept.has_value());
  BOOST_TEST(kept->deleted.empty());
  BOOST_TEST(kept->kept == (std::vector<std::string>{"one", "three", "two"}));
  BOOST_TEST(sessions.list()->size() == 3u);

  auto removed = sessions.cleanup(CleanupPolicy{.max_age = 0ns});
  BOOST_REQUIRE(removed.has_value());
  BOOST_TEST(removed->deleted == (std::vector<std::string>{"one", "three", "two"}));
  BOOST_TEST(removed->kept.empty());
  BOOST_TEST(sessions.list()->empty());
  BOOST_TEST(count_keys(f.store(), session::kSessionSpace) == 0u);
}

BOOST_AUTO_TEST_CASE(drop_removes_one_session_exactly) {
  SessionFixture f;
  auto& sessions = f.sessions();
  for (const char* id : {"a", "ab", "a/b"}) {
    BOOST_REQUIRE(sessions.create(id).ok());
    BOOST_REQUIRE(sessions.checkpoint(id, checkpoint_data(id)).has_value());
  }
  BOOST_REQUIRE(sessions.drop("a").ok());
  BOOST_TEST(!sessions.info("a")->has_value());
  BOOST_TEST(stored_checkpoints(f.store(), "a").empty());
  BOOST_TEST(sessions.info("ab")->has_value());
  BOOST_TEST(sessions.info("a/b")->has_value());
  BOOST_TEST(stored_checkpoints(f.store(), "ab").size() == 1u);
  BOOST_TEST(sessions.drop("absent").ok());
  BOOST_TEST((sessions.drop("").code() == Code::invalid_argument));
  // A dropped id can be created again, from scratch.
  BOOST_REQUIRE(sessions.create("a").ok());
  BOOST_TEST(sessions.checkpoint("a", checkpoint_data("new")).value() == 1u);
}

BOOST_AUTO_TEST_CASE(drop_prefix_is_a_raw_byte_prefix_of_ids) {
  SessionFixture f;
  auto& sessions = f.sessions();
  std::vector<std::string> ids = {"agent/repo/issue1/run-a", "agent/repo/issue1/run-b", "agent/repo/issue10/run-a",
                                  "agent/repo/issue2/run-a", "agent/repo/issue1"};
  for (const auto& id : ids) {
    BOOST_REQUIRE(sessions.create(id).ok());
    BOOST_REQUIRE(sessions.checkpoint(id, checkpoint_data(id)).has_value());
  }
  BOOST_REQUIRE(sessions.drop_prefix("agent/repo/issue1/").has_value());
  auto remaining = [&] {
    std::vector<std::string> out;
    auto listed = sessions.list();
    for (const auto& info : listed.value()) out.push_back(info.id);
    return out;
  };
  BOOST_TEST(remaining() ==
             (std::vector<std::string>{"agent/repo/issue1", "agent/repo/issue10/run-a", "agent/repo/issue2/run-a"}));
  BOOST_TEST(stored_checkpoints(f.store(), "agent/repo/issue1/run-a").empty());
  BOOST_TEST(stored_checkpoints(f.store(), "agent/repo/issue10/run-a").size() == 1u);

  // Without the trailing '/', "issue1" also matches "issue10": prefixes are bytes, not path segments.
  BOOST_REQUIRE(sessions.drop_prefix("agent/repo/issue1").has_value());
  BOOST_TEST(remaining() == (std::vector<std::string>{"agent/repo/issue2/run-a"}));

  BOOST_REQUIRE(sessions.drop_prefix("").has_value());
  BOOST_TEST(remaining().empty());
}

BOOST_AUTO_TEST_CASE(sessions_survive_compaction_and_reopen) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("kept").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("kept", checkpoint_data("before", 1, 3)).has_value());
  BOOST_REQUIRE(f.store().compact().ok());
  BOOST_REQUIRE(f.sessions().checkpoint("kept", checkpoint_data("after", 2, 3)).has_value());
  BOOST_REQUIRE(f.sessions().complete("kept").ok());
  f.reopen();
  auto latest = f.sessions().latest_checkpoint("kept");
  BOOST_REQUIRE(latest.has_value() && latest->has_value());
  BOOST_TEST((*latest)->state == "after");
  BOOST_TEST(((*f.sessions().info("kept"))->status == SessionStatus::completed));
  BOOST_TEST(f.sessions().checkpoint("kept", checkpoint_data("x")).has_value() == false);
}

BOOST_AUTO_TEST_CASE(create_discards_checkpoints_without_a_record) {
  SessionFixture f;
  Checkpoint orphan;
  orphan.number = 3;
  orphan.state = "orphan";
  orphan.state_hash = session::state_hash(orphan.state);
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("s", 3), session::encode_checkpoint(orphan)).ok());
  BOOST_REQUIRE(f.sessions().create("s").ok());
  auto latest = f.sessions().latest_checkpoint("s");
  BOOST_REQUIRE(latest.has_value());
  BOOST_TEST(!latest->has_value());
  BOOST_TEST(f.sessions().checkpoint("s", checkpoint_data("fresh")).value() == 1u);
}

BOOST_AUTO_TEST_CASE(zero_keep_checkpoints_is_refused) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), small_store_options());
  BOOST_REQUIRE(store.has_value());
  auto sessions = SessionStore::open(**store, SessionOptions{.keep_checkpoints = 0});
  BOOST_REQUIRE(!sessions.has_value());
  BOOST_TEST((sessions.error().code() == Code::invalid_argument));
}

BOOST_AUTO_TEST_SUITE_END()
