// Ids are arbitrary bytes: NUL, '/', "..", "__proto__", the escape byte.
#include <boost/test/unit_test.hpp>

#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(ids)

BOOST_AUTO_TEST_CASE(unusual_ids_are_distinct_sessions) {
  SessionFixture f;
  auto& sessions = f.sessions();
  std::vector<std::string> ids = {"a"s,         "a\0"s,          "a\0b"s,         "\0"s,     "\x01"s, "a\x01"s,
                                  "../etc/passwd"s, ".."s,        "."s,            "__proto__"s, "constructor"s,
                                  "a/b"s,        "/"s,            std::string(256, 'z'), "\xff\xfe"s};
  for (const auto& id : ids) {
    BOOST_REQUIRE_MESSAGE(sessions.create(id, "d:" + id).ok(), "create");
    BOOST_REQUIRE(sessions.checkpoint(id, checkpoint_data("state:" + id)).has_value());
  }
  for (const auto& id : ids) {
    auto info = sessions.info(id);
    BOOST_REQUIRE(info.has_value() && info->has_value());
    BOOST_TEST((*info)->id == id);
    auto latest = sessions.latest_checkpoint(id);
    BOOST_REQUIRE(latest.has_value() && latest->has_value());
    BOOST_TEST((*latest)->state == "state:" + id);
    BOOST_TEST(stored_checkpoints(f.store(), id).size() == 1u);
  }

  auto listed = sessions.list();
  BOOST_REQUIRE(listed.has_value());
  std::vector<std::string> listed_ids;
  for (const auto& info : *listed) listed_ids.push_back(info.id);
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  BOOST_TEST(listed_ids == sorted);

  // Dropping "a" leaves "a\0", "a\0b" and "a\x01" alone; "a\0" leaves "a\0b".
  BOOST_REQUIRE(sessions.drop("a").ok());
  BOOST_REQUIRE(sessions.drop("a\0"s).ok());
  BOOST_TEST(!sessions.info("a")->has_value());
  BOOST_TEST(!sessions.info("a\0"s)->has_value());
  BOOST_TEST(sessions.info("a\0b"s)->has_value());
  BOOST_TEST(sessions.info("a\x01"s)->has_value());
  BOOST_TEST(sessions.list()->size() == ids.size() - 2);
}

BOOST_AUTO_TEST_CASE(drop_prefix_with_nul_is_exact) {
  SessionFixture f;
  for (const auto& id : {"x\0a"s, "x\0b"s, "x\x01"s, "x"s}) BOOST_REQUIRE(f.sessions().create(id).ok());
  BOOST_REQUIRE(f.sessions().drop_prefix("x\0"s).has_value());
  std::vector<std::string> left;
  auto listed = f.sessions().list();
  for (const auto& info : listed.value()) left.push_back(info.id);
  BOOST_TEST(left == (std::vector<std::string>{"x"s, "x\x01"s}));
}

BOOST_AUTO_TEST_CASE(invalid_ids_are_refused) {
  SessionFixture f;
  auto& sessions = f.sessions();
  for (const auto& id : {""s, std::string(257, 'x'), std::string(256, '\0')}) {
    BOOST_TEST((sessions.create(id).code() == Code::invalid_argument));
    BOOST_TEST((sessions.checkpoint(id, checkpoint_data("x")).error().code() == Code::invalid_argument));
    BOOST_TEST((sessions.info(id).error().code() == Code::invalid_argument));
  }
  BOOST_TEST(sessions.list()->empty());
  // A prefix longer than any id matches nothing.
  BOOST_TEST(sessions.drop_prefix(std::string(300, 'x')).value().empty());
}

BOOST_AUTO_TEST_SUITE_END()
