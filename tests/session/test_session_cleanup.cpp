// Cleanup policy (max age, max count, keep completed, keep failed) and
// namespaces built from parts with exact drops.
#include <boost/test/unit_test.hpp>

#include <walkv/session_key.hpp>

#include "session/session_keys.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;
using namespace std::chrono_literals;

namespace {

using Ids = std::vector<std::string>;

Ids ids_of(SessionStore& sessions) {
  Ids ids;
  auto listed = sessions.list();  // (not a temporary: the loop would outlive it)
  for (const auto& info : listed.value()) ids.push_back(info.id);
  return ids;
}

// Sessions with known update times (created one after another, so updated_ns
// grows): "old-active", "old-done", "old-failed", "new-active", "new-done",
// "new-failed". Returns the updated time of the last "old-" one.
std::uint64_t populate(SessionStore& s) {
  std::uint64_t boundary = 0;
  for (const char* age : {"old", "new"}) {
    for (const char* kind : {"active", "done", "failed"}) {
      std::string id = std::string(age) + "-" + kind;
      BOOST_REQUIRE(s.create(id, "", {{"kind", kind}}).ok());
      BOOST_REQUIRE(s.checkpoint(id, checkpoint_data(id)).has_value());
      if (std::string(kind) == "done") BOOST_REQUIRE(s.complete(id).ok());
      if (std::string(kind) == "failed") BOOST_REQUIRE(s.fail(id, "boom").ok());
      if (std::string(age) == "old") boundary = (*s.info(id))->updated_ns;
    }
  }
  return boundary;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cleanup)

BOOST_AUTO_TEST_CASE(max_age_counts_from_the_last_update) {
  SessionFixture f;
  std::uint64_t boundary = populate(f.sessions());
  // "now" is 1 h after the last old session's update: only the old ones are 1 h old or more.
  std::uint64_t now = boundary + std::chrono::nanoseconds(1h).count();
  auto result = f.sessions().cleanup(CleanupPolicy{.max_age = 1h}, now);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->deleted == (Ids{"old-active", "old-done", "old-failed"}));
  BOOST_TEST(result->kept == (Ids{"new-active", "new-done", "new-failed"}));
  BOOST_TEST(ids_of(f.sessions()) == result->kept);
  BOOST_TEST(stored_checkpoints(f.store(), "old-done").empty());
  BOOST_TEST(f.sessions().find("kind", "done").value() == Ids{"new-done"});
}

BOOST_AUTO_TEST_CASE(keep_completed_and_keep_failed) {
  SessionFixture f;
  populate(f.sessions());
  auto result = f.sessions().cleanup(CleanupPolicy{.max_age = std::nullopt, .keep_completed = false});
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->deleted == (Ids{"new-done", "old-done"}));
  result = f.sessions().cleanup(CleanupPolicy{.max_age = std::nullopt, .keep_failed = false});
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->deleted == (Ids{"new-failed", "old-failed"}));
  BOOST_TEST(result->kept == (Ids{"new-active", "old-active"}));
  BOOST_TEST(f.sessions().find("kind", "failed")->empty());
}

BOOST_AUTO_TEST_CASE(max_count_keeps_the_most_recently_updated) {
  SessionFixture f;
  populate(f.sessions());
  // Touch old-active: now the most recent.
  BOOST_REQUIRE(f.sessions().checkpoint("old-active", checkpoint_data("again")).has_value());
  auto result = f.sessions().cleanup(CleanupPolicy{.max_age = std::nullopt, .max_count = 2});
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->kept == (Ids{"new-failed", "old-active"}));
  BOOST_TEST(result->deleted == (Ids{"new-active", "new-done", "old-done", "old-failed"}));
  // max_count applies after the other rules: completed ones dropped first do not use up the count.
  SessionFixture g;
  populate(g.sessions());
  result = g.sessions().cleanup(CleanupPolicy{.max_age = std::nullopt, .max_count = 3, .keep_completed = false});
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->kept == (Ids{"new-active", "new-failed", "old-failed"}));
  BOOST_TEST(result->deleted == (Ids{"new-done", "old-active", "old-done"}));
  // max_count 0 deletes everything; nothing to delete is fine.
  result = g.sessions().cleanup(CleanupPolicy{.max_age = std::nullopt, .max_count = 0});
  BOOST_TEST(result->kept.empty());
  result = g.sessions().cleanup(CleanupPolicy{.max_age = std::nullopt, .max_count = 0});
  BOOST_TEST(result->deleted.empty());
  BOOST_TEST(count_keys(g.store(), session::kSessionSpace) == 0u);
}

BOOST_AUTO_TEST_CASE(default_policy_comes_from_the_options) {
  SessionFixture f(SessionOptions{.cleanup = CleanupPolicy{.max_age = std::nullopt, .keep_failed = false}});
  populate(f.sessions());
  auto result = f.sessions().cleanup();
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->deleted == (Ids{"new-failed", "old-failed"}));
}

BOOST_AUTO_TEST_CASE(cleanup_is_one_atomic_batch) {
  SessionFixture f;
  populate(f.sessions());
  std::uint64_t before = f.store().last_sequence();
  auto result = f.sessions().cleanup(CleanupPolicy{.max_age = 0ns});
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->deleted.size() == 6u);
  BOOST_TEST(f.store().last_sequence() == before + 1);  // one write batch
  BOOST_TEST(count_keys(f.store(), session::kSessionSpace) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(namespaces)

BOOST_AUTO_TEST_CASE(drop_under_is_exact) {
  SessionFixture f;
  auto& s = f.sessions();
  std::vector<std::vector<std::string>> all = {
      {"claude", "acme/api", "1"},          {"claude", "acme/api", "1", "run-a"}, {"claude", "acme/api", "1", "run-b"},
      {"claude", "acme/api", "10"},         {"claude", "acme/api", "10", "run-a"}, {"claude", "acme/api", "2"},
      {"claude", "acme/api/1", "x"},        {"claude", "acme", "api", "1"},        {"codex", "acme/api", "1"},
  };
  for (const auto& parts : all) {
    std::string id = make_session_id(parts);
    BOOST_REQUIRE(s.create(id, "", {{"issue", parts[2]}}).ok());
    BOOST_REQUIRE(s.checkpoint(id, checkpoint_data(id)).has_value());
  }
  std::uint64_t before = f.store().last_sequence();
  auto dropped = s.drop_under({"claude", "acme/api", "1"});
  BOOST_REQUIRE(dropped.has_value());
  BOOST_TEST(f.store().last_sequence() == before + 1);  // one atomic batch
  BOOST_TEST(*dropped == (Ids{"claude/acme%2Fapi/1", "claude/acme%2Fapi/1/run-a", "claude/acme%2Fapi/1/run-b"}));
  BOOST_TEST(ids_of(s) == (Ids{"claude/acme%2Fapi%2F1/x", "claude/acme%2Fapi/10", "claude/acme%2Fapi/10/run-a",
                               "claude/acme%2Fapi/2", "claude/acme/api/1", "codex/acme%2Fapi/1"}));
  BOOST_TEST(stored_checkpoints(f.store(), "claude/acme%2Fapi/1/run-a").empty());
  BOOST_TEST(stored_checkpoints(f.store(), "claude/acme%2Fapi/10").size() == 1u);
  BOOST_TEST(s.find("issue", "1").value() == Ids{"codex/acme%2Fapi/1"});
  BOOST_TEST(s.find("issue", "10").value().size() == 2u);
  // Split back into parts.
  auto parts = split_session_id(ids_of(s)[0]);
  BOOST_REQUIRE(parts.has_value());
  BOOST_TEST(*parts == (std::vector<std::string>{"claude", "acme/api/1", "x"}));
  // Listing a namespace is a prefix read.
  auto listed = s.list(session_id_prefix({"claude", "acme/api"}));
  BOOST_REQUIRE(listed.has_value());
  BOOST_TEST(listed->size() == 3u);
  // Dropping a whole agent; then nothing left of it.
  BOOST_TEST(s.drop_under({"claude"})->size() == 5u);
  BOOST_TEST(ids_of(s) == (Ids{"codex/acme%2Fapi/1"}));
  BOOST_TEST(s.drop_under({"nobody"})->empty());
  BOOST_TEST((s.drop_under({}).error().code() == Code::invalid_argument));
}

BOOST_AUTO_TEST_SUITE_END()
