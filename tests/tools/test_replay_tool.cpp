// walkv-replay end to end: the built tool against stores made with the library
// and then damaged by hand.
#define BOOST_TEST_MODULE walkv_replay_tool
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "json_lines.hpp"
#include "store_fixture.hpp"
#include "temp_dir.hpp"
#include "tool_runner.hpp"

using namespace walkv;
using namespace walkv::tools_test;
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

BOOST_AUTO_TEST_CASE(lists_interrupted_sessions) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  {
    auto store = Store::open(dir);
    BOOST_REQUIRE(store.has_value());
    auto sessions = SessionStore::open(**store);
    BOOST_REQUIRE(sessions.has_value());
    BOOST_REQUIRE((*sessions)->create("gateway-7", "chat").ok());
    BOOST_REQUIRE((*sessions)->checkpoint("gateway-7", {"state one", 1, 10, "first message", "1.0.0"}).has_value());
    BOOST_REQUIRE((*sessions)->checkpoint("gateway-7", {"state two", 3, 10, "third message", "1.0.0"}).has_value());
    BOOST_REQUIRE((*sessions)->create("gateway-8", "done").ok());
    BOOST_REQUIRE((*sessions)->complete("gateway-8").ok());
    sessions->reset();
    BOOST_REQUIRE((*store)->close().ok());
  }
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
