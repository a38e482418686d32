// Secondary indexes: entries written with the record, looked up by value,
// removed with the session by drop, drop_prefix, drop_under and cleanup.
#include <boost/test/unit_test.hpp>

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;
using namespace std::string_literals;

namespace {

std::vector<std::string> found(SessionStore& sessions, std::string_view name, std::string_view value) {
  auto ids = sessions.find(name, value);
  BOOST_REQUIRE(ids.has_value());
  return *ids;
}

using Ids = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(indexes)

BOOST_AUTO_TEST_CASE(create_with_index_entries_and_find) {
  SessionFixture f;
  auto& s = f.sessions();
  BOOST_REQUIRE(s.create("chat-1", "", {{"alias", "ana"}, {"fingerprint", "f1"}}).ok());
  BOOST_REQUIRE(s.create("chat-2", "", {{"alias", "bob"}, {"fingerprint", "f1"}}).ok());
  BOOST_TEST(found(s, "alias", "ana") == Ids{"chat-1"});
  BOOST_TEST(found(s, "alias", "bob") == Ids{"chat-2"});
  BOOST_TEST(found(s, "fingerprint", "f1") == (Ids{"chat-1", "chat-2"}));
  BOOST_TEST(found(s, "alias", "an").empty());        // values are exact, not prefixes
  BOOST_TEST(found(s, "alia", "sana").empty());
  BOOST_TEST(found(s, "fingerprint", "ana").empty());  // names separate values

  auto info = s.info("chat-1");
  BOOST_TEST(((*info)->indexes == std::vector<IndexEntry>{{"alias", "ana"}, {"fingerprint", "f1"}}));
  // Survives reopen, compaction included: the index is data, not a cache rebuilt at startup.
  BOOST_REQUIRE(f.store().compact().ok());
  f.reopen();
  BOOST_TEST(found(f.sessions(), "alias", "ana") == Ids{"chat-1"});
  BOOST_TEST(found(f.sessions(), "fingerprint", "f1") == (Ids{"chat-1", "chat-2"}));
}

BOOST_AUTO_TEST_CASE(set_add_and_remove) {
  SessionFixture f;
  auto& s = f.sessions();
  BOOST_REQUIRE(s.create("c").ok());
  BOOST_REQUIRE(s.set_index("c", "header:x-session", "h1").ok());
  BOOST_REQUIRE(s.set_index("c", "header:x-session", "h2").ok());  // replaces h1
  BOOST_TEST(found(s, "header:x-session", "h1").empty());
  BOOST_TEST(found(s, "header:x-session", "h2") == Ids{"c"});
  BOOST_REQUIRE(s.add_index("c", "alias", "a1").ok());
  BOOST_REQUIRE(s.add_index("c", "alias", "a2").ok());
  BOOST_REQUIRE(s.add_index("c", "alias", "a2").ok());  // no-op
  BOOST_TEST((*s.info("c"))->indexes.size() == 3u);
  BOOST_TEST(found(s, "alias", "a1") == Ids{"c"});
  BOOST_REQUIRE(s.remove_index("c", "alias", "a1").ok());
  BOOST_TEST(found(s, "alias", "a1").empty());
  BOOST_TEST(found(s, "alias", "a2") == Ids{"c"});
  BOOST_REQUIRE(s.remove_index("c", "alias").ok());  // every value of the name
  BOOST_TEST(found(s, "alias", "a2").empty());
  BOOST_TEST(((*s.info("c"))->indexes == std::vector<IndexEntry>{{"header:x-session", "h2"}}));
  // Checkpoints, completion and interruption keep the entries.
  BOOST_REQUIRE(s.checkpoint("c", checkpoint_data("x")).has_value());
  f.reopen();
  BOOST_REQUIRE(f.sessions().resume("c").has_value());
  BOOST_REQUIRE(f.sessions().complete("c").ok());
  BOOST_TEST(found(f.sessions(), "header:x-session", "h2") == Ids{"c"});
  // Exactly one index key is stored.
  BOOST_TEST(count_keys(f.store(), session::kIndexSpace) == 1u);
}

BOOST_AUTO_TEST_CASE(refusals) {
  SessionFixture f;
  auto& s = f.sessions();
  BOOST_TEST((s.add_index("nobody", "alias", "x").code() == Code::invalid_argument));
  BOOST_REQUIRE(s.create("c").ok());
  BOOST_TEST((s.add_index("c", "", "x").code() == Code::invalid_argument));
  BOOST_TEST((s.add_index("c", "alias", "").code() == Code::invalid_argument));
  BOOST_TEST((s.add_index("c", "alias", std::string(257, 'v')).code() == Code::invalid_argument));
  BOOST_TEST((s.create("d", "", {{"alias", ""}}).code() == Code::invalid_argument));
  BOOST_TEST(!s.info("d")->has_value());
  BOOST_TEST((s.find("", "x").error().code() == Code::invalid_argument));
  BOOST_TEST(count_keys(f.store(), session::kIndexSpace) == 0u);
}

BOOST_AUTO_TEST_CASE(binary_names_values_and_ids) {
  SessionFixture f;
  auto& s = f.sessions();
  std::string id = "a\0/../b"s;
  BOOST_REQUIRE(s.create(id, "", {{"n\0"s, "v\x01\0"s}}).ok());
  BOOST_REQUIRE(s.create("other", "", {{"n"s, "\0v\x01"s}}).ok());
  BOOST_TEST(found(s, "n\0"s, "v\x01\0"s) == Ids{id});
  BOOST_TEST(found(s, "n"s, "\0v\x01"s) == Ids{"other"});
  BOOST_TEST(found(s, "n"s, "v\x01\0"s).empty());
  BOOST_REQUIRE(s.create(std::string(256, 'z'), "", {{std::string(64, 'n'), std::string(256, 'v')}}).ok());
  BOOST_TEST(found(s, std::string(64, 'n'), std::string(256, 'v')) == Ids{std::string(256, 'z')});
}

BOOST_AUTO_TEST_CASE(every_deletion_removes_the_entries) {
  SessionFixture f;
  auto& s = f.sessions();
  auto make = [&](const std::string& id) {
    BOOST_REQUIRE(s.create(id, "", {{"alias", id}, {"shared", "yes"}}).ok());
    BOOST_REQUIRE(s.checkpoint(id, checkpoint_data(id)).has_value());
  };
  for (const char* id : {"a", "b/1", "b/2", "c", "d/x", "d/y"}) make(id);
  BOOST_REQUIRE(s.complete("c").ok());

  BOOST_REQUIRE(s.drop("a").ok());
  BOOST_TEST(found(s, "alias", "a").empty());
  BOOST_TEST(*s.drop_prefix("b/") == (Ids{"b/1", "b/2"}));
  BOOST_TEST(found(s, "alias", "b/1").empty());
  BOOST_TEST(*s.drop_under({"d"}) == (Ids{"d/x", "d/y"}));
  BOOST_TEST(found(s, "alias", "d/y").empty());
  auto cleaned = s.cleanup(CleanupPolicy{.max_age = std::nullopt, .keep_completed = false});
  BOOST_REQUIRE(cleaned.has_value());
  BOOST_TEST(cleaned->deleted == Ids{"c"});
  BOOST_TEST(found(s, "shared", "yes").empty());
  BOOST_TEST(count_keys(f.store(), session::kIndexSpace) == 0u);
  BOOST_TEST(count_keys(f.store(), session::kSessionSpace) == 0u);
}

BOOST_AUTO_TEST_CASE(dropping_a_damaged_record_still_removes_its_entries) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("s", "", {{"alias", "x"}, {"alias", "y"}}).ok());
  BOOST_REQUIRE(f.sessions().create("t", "", {{"alias", "z"}}).ok());
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::record_key("s"), std::string(16, '\xee')).ok());
  BOOST_REQUIRE(f.sessions().drop("s").ok());
  BOOST_TEST(found(f.sessions(), "alias", "x").empty());
  BOOST_TEST(found(f.sessions(), "alias", "y").empty());
  BOOST_TEST(found(f.sessions(), "alias", "z") == Ids{"t"});
  BOOST_TEST(count_keys(f.store(), session::kIndexSpace) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
