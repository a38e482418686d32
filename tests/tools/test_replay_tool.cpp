// walkv-replay end to end: the built tool against stores made with the library
// and then damaged by hand.
#define BOOST_TEST_MODULE walkv_replay_tool
#include <boost/test/unit_test.hpp>

#include <lmdb.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <walkv/check.hpp>
#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "holder_process.hpp"
#include "json_lines.hpp"
#include "store_fixture.hpp"

#include "../support/temp_dir.hpp"
#include "session/session_keys.hpp"
#include "tool_runner.hpp"

using namespace walkv;
using namespace walkv::tools_test;
using walkv::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr int kKeys = 60;
constexpr std::size_t kValueSize = 4000;  // 60 x 4 KB over 64 KiB segments: several segments

struct FilledStore {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  FilledStore() { fill_store(dir, kKeys, kValueSize); }
  std::vector<fs::path> segments() const { return segment_files(dir); }
};

// A store with an interrupted session and a completed one (write_two_sessions).
struct TwoSessions {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  TwoSessions() { write_two_sessions(dir); }
};

ToolRun replay(const std::vector<std::string>& args) { return run_tool(tool_path("WALKV_REPLAY"), args); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Cuts the last segment in the middle of its last frame, as a crash during
// the write would.
fs::path tear_last_frame(const FilledStore& store) {
  fs::path last = store.segments().back();
  std::uint64_t last_frame = frame_offsets(last).back();
  fs::resize_file(last, last_frame + 20);
  return last;
}

}  // namespace

BOOST_AUTO_TEST_CASE(clean_store_verifies_with_exit_0) {
  FilledStore store;
  BOOST_REQUIRE_GE(store.segments().size(), 3u);
  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "verdict: clean"));
  BOOST_TEST(contains(run.out, "last sequence " + std::to_string(kKeys)));

  auto check = lines_of_type(parse_json_lines(replay({store.dir, "--json"}).out), "check");
  BOOST_REQUIRE_EQUAL(check.size(), 1u);
  BOOST_TEST(check[0]["frames"].get<int>() == kKeys);
  BOOST_TEST(check[0]["segments"].get<std::size_t>() == store.segments().size());
  BOOST_TEST(check[0]["corrupt"].get<bool>() == false);
}

BOOST_AUTO_TEST_CASE(torn_last_frame_is_reported_with_exit_0) {
  FilledStore store;
  fs::path last = tear_last_frame(store);
  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "torn tail: " + segment_name(last)));
  BOOST_TEST(contains(run.out, "verdict: torn tail"));
}

BOOST_AUTO_TEST_CASE(bit_flip_mid_log_names_segment_and_offset_with_exit_1) {
  FilledStore store;
  fs::path first = store.segments().front();
  std::uint64_t damaged = frame_offsets(first).at(1);
  flip_byte(first, damaged + 16 + 8);  // inside the payload

  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(contains(run.out, "CORRUPTION: " + segment_name(first) + " offset " + std::to_string(damaged)));
  BOOST_TEST(contains(run.out, "verdict: CORRUPT"));

  ToolRun json = replay({store.dir, "--json"});
  BOOST_TEST(json.exit_code == 1);
  bool named = false;
  for (const auto& damage : lines_of_type(parse_json_lines(json.out), "damage")) {
    named = named || (damage["segment"] == segment_name(first) && damage["offset"] == damaged &&
                      damage["torn_tail"] == false);
  }
  BOOST_TEST(named);
  auto verdict = lines_of_type(parse_json_lines(json.out), "verdict");
  BOOST_REQUIRE_EQUAL(verdict.size(), 1u);
  BOOST_TEST(verdict[0]["result"] == "corrupt");
}

BOOST_AUTO_TEST_CASE(verify_changes_nothing) {
  FilledStore store;
  fs::path last = tear_last_frame(store);
  auto size_before = fs::file_size(last);
  BOOST_TEST(replay({store.dir}).exit_code == 0);
  BOOST_TEST(fs::file_size(last) == size_before);
  BOOST_TEST(!fs::exists(last.string() + ".broken"));
  BOOST_TEST(replay({store.dir}).out.find("torn tail: ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(repair_cuts_torn_tail_and_keeps_broken_copy) {
  FilledStore store;
  fs::path last = tear_last_frame(store);
  ToolRun repaired = replay({store.dir, "--repair"});
  BOOST_TEST_INFO(repaired.all());
  BOOST_TEST(repaired.exit_code == 0);
  BOOST_TEST(fs::exists(last.string() + ".broken"));

  ToolRun again = replay({store.dir});
  BOOST_TEST_INFO(again.all());
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(contains(again.out, "verdict: clean"));
  BOOST_TEST(!contains(again.out, "torn tail: "));

  auto reopened = Store::open(store.dir, small_segment_options());
  BOOST_REQUIRE(reopened.has_value());
  for (int i = 0; i < kKeys - 1; ++i) {
    auto value = (*reopened)->get(key_of(i));
    BOOST_REQUIRE(value.has_value());
    BOOST_TEST(value->value_or("<absent>") == value_of(i, kValueSize));
  }
  BOOST_TEST(!(*reopened)->get(key_of(kKeys - 1)).value().has_value());
}

BOOST_AUTO_TEST_CASE(repair_refuses_corruption_by_default) {
  FilledStore store;
  fs::path first = store.segments().front();
  flip_byte(first, frame_offsets(first).at(1) + 16 + 8);
  ToolRun run = replay({store.dir, "--repair"});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(contains(run.err, "repair refused"));
}

BOOST_FIXTURE_TEST_CASE(lists_interrupted_sessions, TwoSessions) {
  ToolRun run = replay({dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "interrupted sessions: 1"));
  BOOST_TEST(contains(run.out, "gateway-7"));
  BOOST_TEST(contains(run.out, "checkpoint #2  step 3/10  \"third message\""));
  BOOST_TEST(!contains(run.out, "gateway-8"));

  auto sessions = lines_of_type(parse_json_lines(replay({dir, "--json"}).out), "session");
  BOOST_REQUIRE_EQUAL(sessions.size(), 1u);
  BOOST_TEST(sessions[0]["id"] == "gateway-7");
  BOOST_TEST(sessions[0]["latest_checkpoint"] == 2);
}

BOOST_AUTO_TEST_CASE(reads_a_store_held_by_another_process) {
  FilledStore store;
  auto held = Store::open(store.dir, small_segment_options());
  BOOST_REQUIRE(held.has_value());
  BOOST_REQUIRE((*held)->put({}, "extra", "written while held").ok());
  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "in use by pid " + std::to_string(getpid())));
  BOOST_TEST(contains(run.out, "last sequence " + std::to_string(kKeys + 1)));

  ToolRun repair = replay({store.dir, "--repair"});
  BOOST_TEST_INFO(repair.all());
  BOOST_TEST(repair.exit_code == 2);
  BOOST_TEST(contains(repair.err, std::to_string(getpid())));
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_store_with_exit_2) {
  TempDir tmp;
  ToolRun empty = replay({tmp.path()});
  BOOST_TEST(empty.exit_code == 2);
  BOOST_TEST(contains(empty.err, "is not a walkv store"));
  BOOST_TEST(replay({tmp.sub("missing")}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(usage_help_and_version) {
  BOOST_TEST(replay({}).exit_code == 2);
  BOOST_TEST(replay({"a", "b"}).exit_code == 2);
  BOOST_TEST(replay({"--no-such-flag", "x"}).exit_code == 2);
  BOOST_TEST(replay({"x", "--mode", "point_in_time"}).exit_code == 2);  // --mode needs --repair
  ToolRun help = replay({"--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(contains(help.out, "--repair"));
  ToolRun version = replay({"--version"});
  BOOST_TEST(version.exit_code == 0);
  BOOST_TEST(contains(version.out, tool_path("WALKV_VERSION")));
}

// ---------------------------------------------------------------- dump

namespace {

std::size_t count_lines_starting(const std::string& text, const std::string& prefix) {
  std::size_t n = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (text.compare(pos, prefix.size(), prefix) == 0) ++n;
    pos = end + 1;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dump_prints_every_record_with_segment_and_offset) {
  FilledStore store;
  fs::path first = store.segments().front();
  ToolRun run = replay({"dump", store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(count_lines_starting(run.out, "") >= static_cast<std::size_t>(kKeys));
  const std::string second = "2 " + segment_name(first) + "+" + std::to_string(frame_offsets(first).at(1)) +
                             " #0 put key-1 " + std::to_string(kValueSize) + " bytes\n";
  BOOST_TEST(contains(run.out, second));
  BOOST_TEST(contains(run.out, "dumped " + std::to_string(kKeys) + " operation(s) of " + std::to_string(kKeys)));
  BOOST_TEST(!contains(run.out, value_of(1, kValueSize)));  // sizes only by default
}

BOOST_AUTO_TEST_CASE(dump_from_to_selects_a_sequence_range_as_json_lines) {
  FilledStore store;
  ToolRun run = replay({"dump", store.dir, "--from", "10", "--to", "12", "--json"});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  auto lines = parse_json_lines(run.out);
  auto records = lines_of_type(lines, "record");
  BOOST_REQUIRE_EQUAL(records.size(), 3u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    BOOST_TEST(r["sequence"].get<std::uint64_t>() == 10 + i);
    BOOST_TEST(r["key"] == key_of(static_cast<int>(9 + i)));
    BOOST_TEST(r["op"] == "put");
    BOOST_TEST(r["value_size"].get<std::size_t>() == kValueSize);
    fs::path segment = store.dir + "/" + r["segment"].get<std::string>();
    auto offsets = frame_offsets(segment);
    BOOST_TEST((std::find(offsets.begin(), offsets.end(), r["offset"].get<std::uint64_t>()) != offsets.end()));
  }
  auto summary = lines_of_type(lines, "summary");
  BOOST_REQUIRE_EQUAL(summary.size(), 1u);
  BOOST_TEST(summary[0]["frames"] == 3);
  BOOST_TEST(summary[0]["last_sequence"] == 12);  // the last listed, though the log goes on to kKeys
  BOOST_TEST(replay({"dump", store.dir, "--from", "12", "--to", "10"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(dump_values_escaped_hex_or_redacted) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  write_store(dir, [](Store& store) {
    BOOST_REQUIRE(store.put({}, "k", std::string("a\x01" "b", 3)).ok());
    BOOST_REQUIRE(store.remove({}, "gone").ok());
  });
  ToolRun escaped = replay({"dump", dir, "--values"});
  BOOST_TEST_INFO(escaped.all());
  BOOST_TEST(contains(escaped.out, "1 wal/0000000000000001.wal+64 #0 put k 3 bytes = \"a\\x01b\""));
  BOOST_TEST(contains(escaped.out, "#0 remove gone"));
  ToolRun hex = replay({"dump", dir, "--hex"});
  BOOST_TEST(contains(hex.out, "put k 3 bytes = 610162"));
  ToolRun redacted = replay({"dump", dir, "--redact", "--json"});
  BOOST_TEST_INFO(redacted.all());
  auto records = lines_of_type(parse_json_lines(redacted.out), "record");
  BOOST_REQUIRE_EQUAL(records.size(), 2u);
  BOOST_TEST(records[0]["value_xxh3"].get<std::string>().size() == 16u);
  BOOST_TEST(!records[0].contains("value"));
  BOOST_TEST(!contains(redacted.out, "a\\\\x01b"));
  BOOST_TEST(replay({"dump", dir, "--redact", "--values"}).exit_code == 2);
  BOOST_TEST(replay({"dump", dir, "--hex", "--values"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(dump_of_a_corrupt_log_skips_the_damage_with_exit_1) {
  FilledStore store;
  fs::path first = store.segments().front();
  std::uint64_t damaged = frame_offsets(first).at(1);
  flip_byte(first, damaged + 16 + 8);
  ToolRun run = replay({"dump", store.dir, "--json"});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  auto lines = parse_json_lines(run.out);
  auto records = lines_of_type(lines, "record");
  BOOST_TEST(records.size() == static_cast<std::size_t>(kKeys - 1));
  for (const auto& r : records) BOOST_TEST(r["sequence"] != 2);
  auto damage = lines_of_type(lines, "damage");
  BOOST_REQUIRE(!damage.empty());
  BOOST_TEST(damage[0]["segment"] == segment_name(first));
  BOOST_TEST(damage[0]["offset"] == damaged);
}

// ---------------------------------------------------------------- sessions

BOOST_FIXTURE_TEST_CASE(sessions_lists_interrupted_and_all_sessions, TwoSessions) {
  ToolRun run = replay({"sessions", dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "interrupted sessions: 1"));
  BOOST_TEST(contains(run.out, "sessions: 2"));
  BOOST_TEST(contains(run.out, "gateway-8  completed  latest checkpoint #1"));

  auto lines = parse_json_lines(replay({"sessions", dir, "--json"}).out);
  auto interrupted = lines_of_type(lines, "session");
  BOOST_REQUIRE_EQUAL(interrupted.size(), 1u);
  BOOST_TEST(interrupted[0]["id"] == "gateway-7");
  BOOST_TEST(interrupted[0]["latest_checkpoint"] == 2);
  auto all = lines_of_type(lines, "session_info");
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_TEST(all[1]["id"] == "gateway-8");
  BOOST_TEST(all[1]["status"] == "completed");
}

// ---------------------------------------------------------------- damaged session records

namespace {

// A store with three sessions, "a" and "c" left active by a process that is
// gone (so interrupted) and "b" completed, whose record of "b" was then
// overwritten in the log with bytes that do not decode (16 x 0xee): the log
// and the snapshot are sound.
struct DamagedSessionRecord {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  DamagedSessionRecord() {
    write_store(dir, [](Store& store) {
      {
        auto opened = SessionStore::open(store);
        BOOST_REQUIRE(opened.has_value());
        SessionStore& sessions = **opened;
        for (const char* id : {"a", "b", "c"}) {
          BOOST_REQUIRE(sessions.create(id, std::string("session ") + id).ok());
          BOOST_REQUIRE(sessions.checkpoint(id, {"state", 1, 2, "first", "1.0.0"}).has_value());
        }
        BOOST_REQUIRE(sessions.complete("b").ok());
      }
      BOOST_REQUIRE(walkv::session::record_key("b") == std::string("srb\0", 4));
      BOOST_REQUIRE(store.put({}, walkv::session::record_key("b"), std::string(16, '\xee')).ok());
    });
  }
};

// The JSON Lines of a run over DamagedSessionRecord: "b" listed once as a
// damaged_session, and the verdict sessions_damaged with exit 1.
void expect_b_damaged_json(const std::vector<nlohmann::json>& lines) {
  auto damaged = lines_of_type(lines, "damaged_session");
  BOOST_REQUIRE_EQUAL(damaged.size(), 1u);
  BOOST_TEST(damaged[0]["id"] == "b");
  BOOST_TEST(contains(damaged[0]["problem"].get<std::string>(), "'b'"));
  auto verdict = lines_of_type(lines, "verdict");
  BOOST_REQUIRE_EQUAL(verdict.size(), 1u);
  BOOST_TEST(verdict[0]["result"] == "sessions_damaged");
  BOOST_TEST(verdict[0]["exit"] == 1);
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(verify_lists_a_damaged_session_record_with_exit_1, DamagedSessionRecord) {
  ToolRun run = replay({dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(!contains(run.out, "CORRUPTION: wal/"));  // the log is sound
  BOOST_TEST(contains(run.out, "\n  snapshot: 0 entries, format version 2, 0 fail their checksum\n"));
  // "a" and "c" are still listed (active, owned by the epoch that wrote them: interrupted once it is gone).
  BOOST_TEST(contains(run.out, "interrupted sessions: 2\n  a  active  checkpoint #1  step 1/2"));
  BOOST_TEST(contains(run.out, "\n  c  active  checkpoint #1  step 1/2"));
  BOOST_TEST(contains(run.out, "\ndamaged sessions: 1\n  CORRUPTION: session \"b\": "));
  BOOST_TEST(count_lines_starting(run.out, "  CORRUPTION: ") == 1u);
  BOOST_TEST(contains(run.out, "verdict: SESSIONS DAMAGED (the store opens;"));
  BOOST_TEST(run.err.empty());  // no "cannot list sessions"

  ToolRun json = replay({"verify", dir, "--json"});
  BOOST_TEST_INFO(json.all());
  BOOST_TEST(json.exit_code == 1);
  auto lines = parse_json_lines(json.out);
  expect_b_damaged_json(lines);
  BOOST_TEST(lines_of_type(lines, "snapshot_damage").empty());
  BOOST_TEST(lines_of_type(lines, "damage").empty());
  auto interrupted = lines_of_type(lines, "session");
  BOOST_REQUIRE_EQUAL(interrupted.size(), 2u);
  BOOST_TEST(interrupted[0]["id"] == "a");
  BOOST_TEST(interrupted[1]["id"] == "c");
  BOOST_TEST(lines.back()["type"] == "verdict");
}

BOOST_FIXTURE_TEST_CASE(sessions_lists_a_damaged_session_record_and_the_others_with_exit_1, DamagedSessionRecord) {
  ToolRun run = replay({"sessions", dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(contains(run.out, "interrupted sessions: 2\n"));
  BOOST_TEST(contains(run.out, "\nsessions: 2\n  a  active  latest checkpoint #1"));
  BOOST_TEST(contains(run.out, "\n  c  active  latest checkpoint #1"));
  BOOST_TEST(contains(run.out, "\ndamaged sessions: 1\n  CORRUPTION: session \"b\": "));
  BOOST_TEST(contains(run.out, "verdict: SESSIONS DAMAGED"));
  BOOST_TEST(run.err.empty());

  ToolRun json = replay({"sessions", dir, "--json"});
  BOOST_TEST_INFO(json.all());
  BOOST_TEST(json.exit_code == 1);
  auto lines = parse_json_lines(json.out);
  auto all = lines_of_type(lines, "session_info");
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_TEST(all[0]["id"] == "a");
  BOOST_TEST(all[1]["id"] == "c");
  BOOST_TEST(lines_of_type(lines, "session").size() == 2u);
  expect_b_damaged_json(lines);
}

BOOST_FIXTURE_TEST_CASE(sound_sessions_list_no_damaged_session_with_exit_0, TwoSessions) {
  ToolRun verify = replay({dir});
  BOOST_TEST_INFO(verify.all());
  BOOST_TEST(verify.exit_code == 0);
  BOOST_TEST(!contains(verify.out, "damaged sessions"));
  BOOST_TEST(contains(verify.out, "verdict: clean"));
  ToolRun sessions = replay({"sessions", dir, "--json"});
  BOOST_TEST_INFO(sessions.all());
  BOOST_TEST(sessions.exit_code == 0);
  auto lines = parse_json_lines(sessions.out);
  BOOST_TEST(lines_of_type(lines, "damaged_session").empty());
  BOOST_TEST(lines_of_type(lines, "verdict").at(0)["result"] == "clean");
}

// ---------------------------------------------------------------- repair

BOOST_AUTO_TEST_CASE(repair_is_a_dry_run_unless_yes) {
  FilledStore store;
  fs::path last = tear_last_frame(store);
  auto size_before = fs::file_size(last);
  auto check = lines_of_type(parse_json_lines(replay({store.dir, "--json"}).out), "check");
  BOOST_REQUIRE_EQUAL(check.size(), 1u);
  const std::uint64_t torn_bytes = check[0]["bytes_truncated"].get<std::uint64_t>();
  BOOST_TEST(torn_bytes > 0u);
  ToolRun dry = replay({"repair", store.dir});
  BOOST_TEST_INFO(dry.all());
  BOOST_TEST(dry.exit_code == 0);
  BOOST_TEST(contains(dry.out, "dry run): would cut " + std::to_string(torn_bytes) + " byte(s)"));
  BOOST_TEST(contains(dry.out, "torn tail: " + segment_name(last)));
  BOOST_TEST(fs::file_size(last) == size_before);
  BOOST_TEST(!fs::exists(last.string() + ".broken"));

  ToolRun json = replay({"repair", store.dir, "--json"});
  auto plan = lines_of_type(parse_json_lines(json.out), "repair_plan");
  BOOST_REQUIRE_EQUAL(plan.size(), 1u);
  BOOST_TEST(plan[0]["bytes_truncated"] == torn_bytes);

  ToolRun yes = replay({"repair", store.dir, "--yes"});
  BOOST_TEST_INFO(yes.all());
  BOOST_TEST(yes.exit_code == 0);
  BOOST_TEST(fs::exists(last.string() + ".broken"));
  BOOST_TEST(contains(yes.out, "verdict: clean"));
}

BOOST_AUTO_TEST_CASE(repair_mode_point_in_time_salvages_a_bit_flip) {
  FilledStore store;
  fs::path first = store.segments().front();
  flip_byte(first, frame_offsets(first).at(3) + 16 + 8);  // sequence 4 is damaged
  BOOST_TEST(replay({"repair", store.dir, "--yes"}).exit_code == 1);  // the default mode refuses it
  ToolRun dry = replay({"repair", store.dir, "--mode", "point_in_time"});
  BOOST_TEST_INFO(dry.all());
  BOOST_TEST(dry.exit_code == 0);
  BOOST_TEST(contains(dry.out, "keep 3 frame(s) up to sequence 3"));

  ToolRun yes = replay({"repair", store.dir, "--mode", "point_in_time", "--yes", "--json"});
  BOOST_TEST_INFO(yes.all());
  BOOST_TEST(yes.exit_code == 0);
  BOOST_TEST(fs::exists(first.string() + ".broken"));
  auto verdict = lines_of_type(parse_json_lines(yes.out), "verdict");
  BOOST_REQUIRE_EQUAL(verdict.size(), 1u);
  BOOST_TEST(verdict[0]["result"] == "clean");

  auto reopened = Store::open(store.dir, small_segment_options());
  BOOST_REQUIRE(reopened.has_value());
  BOOST_TEST((*reopened)->last_sequence() == 3u);
  BOOST_TEST((*reopened)->get(key_of(2)).value().value_or("") == value_of(2, kValueSize));
}

BOOST_AUTO_TEST_CASE(missing_segment_is_corruption_and_point_in_time_cuts_there) {
  FilledStore store;
  auto segments = store.segments();
  BOOST_REQUIRE_GE(segments.size(), 3u);
  fs::remove(segments[1]);
  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(contains(run.out, "missing segment"));
  ToolRun dry = replay({"repair", store.dir, "--mode", "point_in_time"});
  BOOST_TEST_INFO(dry.all());
  BOOST_TEST(dry.exit_code == 0);
  BOOST_TEST(contains(dry.out, "keep " + std::to_string(frame_offsets(segments[0]).size()) + " frame(s)"));
}

// ---------------------------------------------------------------- a live holder

BOOST_AUTO_TEST_CASE(read_only_commands_work_while_a_live_process_holds_the_store) {
  FilledStore store;
  HolderProcess holder(store.dir, 5);
  const std::string pid = std::to_string(holder.pid());

  ToolRun verify = replay({store.dir});
  BOOST_TEST_INFO(verify.all());
  BOOST_TEST(verify.exit_code == 0);
  BOOST_TEST(contains(verify.out, "in use by pid " + pid));
  BOOST_TEST(contains(verify.out, "last sequence " + std::to_string(kKeys + 5)));

  ToolRun dump = replay({"dump", store.dir, "--from", std::to_string(kKeys + 1)});
  BOOST_TEST_INFO(dump.all());
  BOOST_TEST(dump.exit_code == 0);
  BOOST_TEST(contains(dump.out, "put held-4 "));
  BOOST_TEST(replay({"sessions", store.dir}).exit_code == 0);

  ToolRun dry = replay({"repair", store.dir});
  BOOST_TEST(dry.exit_code == 0);
  BOOST_TEST(contains(dry.out, "in use by pid " + pid));
  ToolRun yes = replay({"repair", store.dir, "--yes"});
  BOOST_TEST_INFO(yes.all());
  BOOST_TEST(yes.exit_code == 2);
  BOOST_TEST(contains(yes.err, pid));
  BOOST_TEST(holder.release() == 0);
}

// ---------------------------------------------------------------- progress

BOOST_AUTO_TEST_CASE(progress_line_only_when_stderr_is_a_terminal) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  write_store(dir, [](Store& store) {
    for (int i = 0; i < 5000; ++i) BOOST_REQUIRE(store.put({Durability::none}, key_of(i), "v").ok());
  });
  ToolRun on_tty = run_tool_with_tty_stderr(tool_path("WALKV_REPLAY"), {"dump", dir});
  BOOST_TEST_INFO(on_tty.err);
  BOOST_TEST(on_tty.exit_code == 0);
  BOOST_TEST(contains(on_tty.err, "4096 frames"));
  BOOST_TEST(!contains(on_tty.out, "frames\r"));
  ToolRun piped = replay({"dump", dir});
  BOOST_TEST(piped.exit_code == 0);
  BOOST_TEST(piped.err.empty());
  ToolRun verify_tty = run_tool_with_tty_stderr(tool_path("WALKV_REPLAY"), {dir});
  BOOST_TEST(contains(verify_tty.err, "verifying"));
}

BOOST_AUTO_TEST_CASE(subcommand_help_names_every_flag) {
  ToolRun dump = replay({"dump", "--help"});
  BOOST_TEST(dump.exit_code == 0);
  for (const char* flag : {"--from", "--to", "--values", "--hex", "--redact", "--json"})
    BOOST_TEST(contains(dump.out, flag), flag);
  ToolRun repair = replay({"repair", "--help"});
  for (const char* flag : {"--mode", "--yes", "--json"}) BOOST_TEST(contains(repair.out, flag), flag);
  ToolRun top = replay({"--help"});
  BOOST_TEST(contains(top.out, "Examples:"));
  BOOST_TEST(contains(top.out, "Exit status:"));
  BOOST_TEST(replay({"verify"}).exit_code == 2);  // DIR is required
}

// ---------------------------------------------------------------- the snapshot's checksums

namespace {

// The value of snapshot key i: distinctive, so that its bytes occur once in data.mdb.
std::string snapshot_key(int i) {
  char key[32];
  std::snprintf(key, sizeof key, "snap-%04d", i);
  return key;
}
std::string snapshot_value(int i) { return "distinct-value-" + std::to_string(i) + "-of-the-snapshot"; }

// A store whose `count` keys were compacted into the LMDB snapshot (the log
// then holds none of them).
struct CompactedStore {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  std::string data_file = dir + "/snapshot/data.mdb";
  explicit CompactedStore(int count = 4) {
    write_store(dir, [count](Store& store) {
      for (int i = 0; i < count; ++i) BOOST_REQUIRE(store.put({}, snapshot_key(i), snapshot_value(i)).ok());
      BOOST_REQUIRE(store.compact().ok());
    });
  }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  BOOST_REQUIRE(out.good());
}

// Flips the lowest bit of the last byte of snapshot_value(i) for each
// i in `damaged` (the store must be closed). Each value must occur exactly
// once in data.mdb, unless `stale_copies` allows more: a page split leaves
// stale bytes in the pages' free space, and every occurrence is flipped then
// (damage there is harmless; one of them is the live entry). The last byte,
// not a digit: a flipped digit could turn one value into another's pattern.
void flip_snapshot_values(const std::string& data_file, const std::vector<int>& damaged,
                          bool stale_copies = false) {
  std::string bytes = read_all(data_file);
  for (int i : damaged) {
    const std::string pattern = snapshot_value(i);
    std::size_t found = bytes.find(pattern);
    BOOST_REQUIRE_MESSAGE(found != std::string::npos, pattern << " not in data.mdb");
    BOOST_REQUIRE_MESSAGE(stale_copies || bytes.find(pattern, found + 1) == std::string::npos,
                          pattern << " twice in data.mdb");
    for (; found != std::string::npos; found = bytes.find(pattern, found + 1))
      bytes[found + pattern.size() - 1] = static_cast<char>(bytes[found + pattern.size() - 1] ^ 1);
  }
  write_all(data_file, bytes);
}

// Overwrites meta's format_version in the store's snapshot through LMDB
// itself, as another walkv version would have left it.
void set_snapshot_format_version(const std::string& dir, std::uint32_t version) {
  MDB_env* env = nullptr;
  BOOST_REQUIRE(mdb_env_create(&env) == 0);
  BOOST_REQUIRE(mdb_env_set_maxdbs(env, 2) == 0);
  BOOST_REQUIRE(mdb_env_open(env, (dir + "/snapshot").c_str(), 0, 0600) == 0);
  MDB_txn* txn = nullptr;
  BOOST_REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
  MDB_dbi meta;
  BOOST_REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
  std::string key = "format_version";
  std::string value(4, '\0');
  for (int b = 0; b < 4; ++b) value[b] = static_cast<char>((version >> (8 * b)) & 0xff);
  MDB_val k{key.size(), key.data()};
  MDB_val v{value.size(), value.data()};
  BOOST_REQUIRE(mdb_put(txn, meta, &k, &v, 0) == 0);
  BOOST_REQUIRE(mdb_txn_commit(txn) == 0);
  mdb_env_close(env);
}

}  // namespace

BOOST_AUTO_TEST_CASE(check_snapshot_counts_and_lists_damaged_entries_in_key_order) {
  CompactedStore store(6);
  auto clean = check_snapshot(store.dir);
  BOOST_REQUIRE_MESSAGE(clean.has_value(), walkv::test::error_text(clean));
  BOOST_TEST(clean->format_version == 2u);
  BOOST_TEST(clean->has_checksums());
  BOOST_TEST(clean->entries == 6u);
  BOOST_TEST(clean->damaged == 0u);
  BOOST_TEST(clean->listed.empty());

  flip_snapshot_values(store.data_file, {4, 1});
  auto damaged = check_snapshot(store.dir);
  BOOST_REQUIRE_MESSAGE(damaged.has_value(), walkv::test::error_text(damaged));
  BOOST_TEST(damaged->entries == 6u);
  BOOST_TEST(damaged->damaged == 2u);
  BOOST_REQUIRE_EQUAL(damaged->listed.size(), 2u);
  BOOST_TEST(damaged->listed[0].key == snapshot_key(1));
  BOOST_TEST(damaged->listed[1].key == snapshot_key(4));
  BOOST_TEST(contains(damaged->listed[0].reason, "\"" + snapshot_key(1) + "\" fails its checksum"));
  BOOST_TEST(!contains(damaged->listed[0].reason, snapshot_value(1)));  // names the key, never the value

  TempDir other;
  BOOST_TEST((check_snapshot(other.path()).error().code() == Code::not_found));
}

BOOST_AUTO_TEST_CASE(verify_reports_a_clean_snapshot_with_exit_0) {
  CompactedStore store(4);
  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "\n  snapshot: 4 entries, format version 2, 0 fail their checksum\n"));
  BOOST_TEST(!contains(run.out, "CORRUPTION"));
  BOOST_TEST(contains(run.out, "verdict: clean"));

  ToolRun json = replay({"verify", store.dir, "--json"});
  BOOST_TEST_INFO(json.all());
  BOOST_TEST(json.exit_code == 0);
  auto lines = parse_json_lines(json.out);
  auto snapshot = lines_of_type(lines, "snapshot");
  BOOST_REQUIRE_EQUAL(snapshot.size(), 1u);
  BOOST_TEST(snapshot[0]["format_version"] == 2);
  BOOST_TEST(snapshot[0]["entries"] == 4);
  BOOST_TEST(snapshot[0]["damaged"] == 0);
  BOOST_TEST(snapshot[0]["checksums"] == true);
  BOOST_TEST(lines_of_type(lines, "snapshot_damage").empty());
  // After the log's check, before the verdict.
  BOOST_REQUIRE_GE(lines.size(), 3u);
  BOOST_TEST(lines.front()["type"] == "check");
  BOOST_TEST(lines[1]["type"] == "snapshot");
  BOOST_TEST(lines.back()["type"] == "verdict");
}

BOOST_AUTO_TEST_CASE(verify_names_a_damaged_snapshot_entry_with_exit_1_while_the_log_is_clean) {
  CompactedStore store(4);
  flip_snapshot_values(store.data_file, {2});
  const std::string key = snapshot_key(2);

  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(contains(run.out, "\n  snapshot: 4 entries, format version 2, 1 fail their checksum\n"));
  BOOST_TEST(contains(run.out, "\n  CORRUPTION: snapshot/data.mdb: "));
  BOOST_TEST(contains(run.out, "the entry of key \"" + key + "\" fails its checksum"));
  BOOST_TEST(!contains(run.out, "more damaged entries"));
  BOOST_TEST(contains(run.out, "recovery would replay 0 frame(s)"));  // the log itself is sound
  BOOST_TEST(contains(run.out, "verdict: SNAPSHOT DAMAGED (the store opens;"));

  ToolRun json = replay({store.dir, "--json"});
  BOOST_TEST_INFO(json.all());
  BOOST_TEST(json.exit_code == 1);
  auto lines = parse_json_lines(json.out);
  auto snapshot = lines_of_type(lines, "snapshot");
  BOOST_REQUIRE_EQUAL(snapshot.size(), 1u);
  BOOST_TEST(snapshot[0]["entries"] == 4);
  BOOST_TEST(snapshot[0]["damaged"] == 1);
  auto damage = lines_of_type(lines, "snapshot_damage");
  BOOST_REQUIRE_EQUAL(damage.size(), 1u);
  BOOST_TEST(damage[0]["key"] == key);
  BOOST_TEST(contains(damage[0]["reason"].get<std::string>(), key));
  BOOST_TEST(lines_of_type(lines, "damage").empty());  // nothing in the log
  auto verdict = lines_of_type(lines, "verdict");
  BOOST_REQUIRE_EQUAL(verdict.size(), 1u);
  BOOST_TEST(verdict[0]["result"] == "snapshot_damaged");
  BOOST_TEST(verdict[0]["exit"] == 1);
  BOOST_TEST(lines_of_type(lines, "check")[0]["corrupt"] == false);
}

BOOST_AUTO_TEST_CASE(verify_lists_the_first_100_damaged_entries_and_counts_the_rest) {
  constexpr int kEntries = 130;
  CompactedStore store(kEntries);
  std::vector<int> all(kEntries);
  for (int i = 0; i < kEntries; ++i) all[i] = i;
  flip_snapshot_values(store.data_file, all, /*stale_copies=*/true);

  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(contains(run.out, "snapshot: 130 entries, format version 2, 130 fail their checksum\n"));
  BOOST_TEST(count_lines_starting(run.out, "  CORRUPTION: snapshot/data.mdb: ") == kMaxListedSnapshotDamage);
  BOOST_TEST(contains(run.out, "\"" + snapshot_key(99) + "\" fails"));
  BOOST_TEST(!contains(run.out, "\"" + snapshot_key(100) + "\" fails"));
  BOOST_TEST(contains(run.out, "\n  ... and 30 more damaged entries\n"));

  auto lines = parse_json_lines(replay({store.dir, "--json"}).out);
  BOOST_TEST(lines_of_type(lines, "snapshot").at(0)["damaged"] == kEntries);
  auto damage = lines_of_type(lines, "snapshot_damage");
  BOOST_REQUIRE_EQUAL(damage.size(), kMaxListedSnapshotDamage);
  BOOST_TEST(damage.front()["key"] == snapshot_key(0));
  BOOST_TEST(damage.back()["key"] == snapshot_key(99));
}

BOOST_AUTO_TEST_CASE(verify_counts_a_version_1_snapshot_without_checksums) {
  CompactedStore store(3);
  set_snapshot_format_version(store.dir, 1);
  auto check = check_snapshot(store.dir);
  BOOST_REQUIRE_MESSAGE(check.has_value(), walkv::test::error_text(check));
  BOOST_TEST(check->format_version == 1u);
  BOOST_TEST(!check->has_checksums());
  BOOST_TEST(check->entries == 3u);

  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "\n  snapshot: 3 entries, format version 1 (no checksums)\n"));
  auto snapshot = lines_of_type(parse_json_lines(replay({store.dir, "--json"}).out), "snapshot");
  BOOST_REQUIRE_EQUAL(snapshot.size(), 1u);
  BOOST_TEST(snapshot[0]["format_version"] == 1);
  BOOST_TEST(snapshot[0]["checksums"] == false);
  BOOST_TEST(snapshot[0]["damaged"] == 0);
}

BOOST_AUTO_TEST_CASE(a_newer_snapshot_format_is_refused_not_read_as_damage) {
  CompactedStore store(3);
  set_snapshot_format_version(store.dir, 3);
  auto check = check_snapshot(store.dir);
  BOOST_REQUIRE(!check.has_value());
  BOOST_TEST((check.error().code() == Code::version_mismatch));
  BOOST_TEST(contains(check.error().message(), "snapshot format version 3; this walkv reads up to 2"));
  BOOST_TEST((check_log(store.dir).error().code() == Code::version_mismatch));  // pin_log refuses it too

  ToolRun run = replay({store.dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 2);
  BOOST_TEST(contains(run.err, "version mismatch: store " + store.dir + " has snapshot format version 3"));
  BOOST_TEST(!contains(run.out, "CORRUPTION"));
}
