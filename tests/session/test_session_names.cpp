// Pure helpers: session ids built from parts, application versions, the
// resume notice's wording. No store needed.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include <walkv/session.hpp>
#include <walkv/session_key.hpp>

#include "session/app_version.hpp"

using namespace walkv;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(session_ids_from_parts)

BOOST_AUTO_TEST_CASE(parts_are_escaped_and_joined) {
  BOOST_TEST(make_session_id({"agent", "acme/api", "1"}) == "agent/acme%2Fapi/1");
  BOOST_TEST(make_session_id({"50%", "a\nb", "\x7f"}) == "50%25/a%0Ab/%7F");
  BOOST_TEST(make_session_id({"caf\xc3\xa9"}) == "caf\xc3\xa9");  // UTF-8 kept
  BOOST_TEST(make_session_id({"", "x", ""}) == "/x/");
  BOOST_TEST(make_session_id(std::vector<std::string>{"a\0b"s}) == "a%00b");
  BOOST_TEST(session_id_prefix({"agent", "repo", "1"}) == "agent/repo/1/");
}

BOOST_AUTO_TEST_CASE(split_round_trips) {
  std::vector<std::vector<std::string>> cases = {
      {"agent", "acme/api", "1"}, {"%", "/", "%2F"}, {""}, {"", ""}, {"a\0b"s, "\x01\x1f\x7f"s, "\xff"s},
      {"__proto__", "..", "../x"}};
  for (const auto& parts : cases) {
    auto split = split_session_id(make_session_id(parts));
    BOOST_REQUIRE(split.has_value());
    BOOST_TEST(*split == parts);
  }
}

BOOST_AUTO_TEST_CASE(split_refuses_what_make_never_writes) {
  for (std::string bad : {"a%2"s, "a%"s, "a%zz"s, "a%2f"s /* lower case */, "a%41"s /* 'A' is kept */,
                          "a\nb"s /* unescaped control byte */}) {
    auto split = split_session_id(bad);
    BOOST_TEST(!split.has_value(), bad);
    if (!split) BOOST_TEST((split.error().code() == Code::invalid_argument));
  }
}

BOOST_AUTO_TEST_CASE(prefixes_select_exactly_the_namespace) {
  // Issue 1 never selects issue 10, and "a/b" as one part never looks like two parts.
  std::string one = session_id_prefix({"agent", "repo", "1"});
  BOOST_TEST(!make_session_id({"agent", "repo", "10"}).starts_with(one));
  BOOST_TEST(!make_session_id({"agent", "repo", "10", "run"}).starts_with(one));
  BOOST_TEST(make_session_id({"agent", "repo", "1", "run"}).starts_with(one));
  BOOST_TEST(!make_session_id({"agent", "repo/1", "run"}).starts_with(one));
  BOOST_TEST(!make_session_id({"agent", "repo", "1"}).starts_with(one));  // the exact id: drop_under adds it
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(app_versions)

BOOST_AUTO_TEST_CASE(major_versions) {
  namespace ws = walkv::session;
  BOOST_TEST(ws::major_version("1.4.0").value() == 1u);
  BOOST_TEST(ws::major_version("v2").value() == 2u);
  BOOST_TEST(ws::major_version("V10.0").value() == 10u);
  BOOST_TEST(ws::major_version("3.0.0-rc.1+build.5").value() == 3u);
  BOOST_TEST(ws::major_version("0.9.1").value() == 0u);
  for (std::string bad : {""s, "x"s, "1."s, "1.2.3.4"s, "1.x"s, "-1"s, "1.0.0-"s, "1.0 "s, "1234567890.0"s, "v"s}) {
    BOOST_TEST(!ws::major_version(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(compatibility_is_same_major) {
  namespace ws = walkv::session;
  BOOST_TEST(!ws::version_problem("1.9.3", "1.0.0").has_value());
  BOOST_TEST(!ws::version_problem("anything", "").has_value());  // no current version: no check
  BOOST_TEST(ws::version_problem("2.0.0", "1.4.0").value() ==
             "application version 2.0.0 is incompatible with 1.4.0 (major 2, expected 1)");
  BOOST_TEST(ws::version_problem("", "1.4.0").value() == "no application version (expected major 1)");
  BOOST_TEST(ws::version_problem("banana", "1.4.0").value() == "application version 'banana' is not a semantic version");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(notices)

constexpr std::uint64_t kSecond = 1'000'000'000ull;

BOOST_AUTO_TEST_CASE(ages) {
  std::uint64_t now = 1000 * 86400 * kSecond;
  BOOST_TEST(describe_age(now, now) == "just now");
  BOOST_TEST(describe_age(now + kSecond, now) == "just now");
  BOOST_TEST(describe_age(now - kSecond, now) == "1 second ago");
  BOOST_TEST(describe_age(now - 59 * kSecond, now) == "59 seconds ago");
  BOOST_TEST(describe_age(now - 60 * kSecond, now) == "1 minute ago");
  BOOST_TEST(describe_age(now - 12 * 60 * kSecond, now) == "12 minutes ago");
  BOOST_TEST(describe_age(now - 3 * 3600 * kSecond, now) == "3 hours ago");
  BOOST_TEST(describe_age(now - 2 * 86400 * kSecond, now) == "2 days ago");
}

BOOST_AUTO_TEST_CASE(notice_wording) {
  std::uint64_t now = 1000 * 86400 * kSecond;
  InterruptedSession s;
  s.info.id = "chat-7";
  s.info.updated_ns = now - 12 * 60 * kSecond;
  s.info.step = 5;
  s.info.total_steps = 10;
  Checkpoint c;
  c.number = 4;
  c.step = 4;
  c.total_steps = 10;
  c.description = "awaiting tool result";
  s.checkpoint = c;
  BOOST_TEST(resume_notice(s, now) ==
             "Session \"chat-7\" was interrupted 12 minutes ago at step 4 of 10 (\"awaiting tool result\"). "
             "It can resume from checkpoint 4.");

  s.skipped_checkpoints = {{6, SkipReason::hash_mismatch, "hash mismatch"},
                           {5, SkipReason::incompatible_version, "application version 2.0.0 is incompatible"}};
  BOOST_TEST(resume_notice(s, now) ==
             "Session \"chat-7\" was interrupted 12 minutes ago at step 4 of 10 (\"awaiting tool result\"). "
             "It can resume from checkpoint 4. Skipped newer checkpoints 6 (hash mismatch), "
             "5 (application version 2.0.0 is incompatible).");

  s.skipped_checkpoints.clear();
  s.state_error = Status(Code::invalid_argument, "no key 'k1'");
  BOOST_TEST(resume_notice(s, now).find("Checkpoint 4 cannot be decrypted, so it cannot resume yet: no key 'k1'.") !=
             std::string::npos);

  InterruptedSession bare;
  bare.info.id = "job\n1";
  bare.info.updated_ns = now - 3 * 86400 * kSecond;
  BOOST_TEST(resume_notice(bare, now) ==
             "Session \"job\\x0a1\" was interrupted 3 days ago. No checkpoint can be used; it has to start over.");
  bare.info.step = 2;
  bare.info.description = "from record";
  bare.skipped_checkpoints = {{1, SkipReason::malformed, "malformed checkpoint: x"}};
  BOOST_TEST(resume_notice(bare, now) ==
             "Session \"job\\x0a1\" was interrupted 3 days ago at step 2 (\"from record\"). No checkpoint can be "
             "used; it has to start over. Skipped checkpoint 1 (malformed checkpoint: x).");
}

BOOST_AUTO_TEST_SUITE_END()
