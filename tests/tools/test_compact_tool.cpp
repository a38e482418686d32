// walkv-compact end to end: the built tool against stores made with the library.
#define BOOST_TEST_MODULE walkv_compact_tool
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <string>

#include <walkv/store.hpp>

#include "json_lines.hpp"
#include "store_fixture.hpp"
#include "temp_dir.hpp"
#include "tool_runner.hpp"

using namespace walkv;
using namespace walkv::tools_test;

namespace {

constexpr int kKeys = 60;
constexpr std::size_t kValueSize = 4000;
const std::string kSegmentSize = std::to_string(kSmallSegment);

ToolRun compact(const std::vector<std::string>& args) { return run_tool(tool_path("WALKV_COMPACT"), args); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(compaction_prints_sizes_and_shrinks_the_log) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, kKeys, kValueSize);
  std::size_t segments_before = segment_files(dir).size();
  BOOST_REQUIRE_GE(segments_before, 3u);

  ToolRun run = compact({dir, "--segment-size", kSegmentSize, "--json"});
  BOOST_TEST_INFO(run.all());
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  auto lines = parse_json_lines(run.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  const auto& before = lines[0]["before"];
  const auto& after = lines[0]["after"];
  BOOST_TEST(before["wal_segments"].get<std::size_t>() == segments_before);
  BOOST_TEST(after["wal_bytes"].get<std::uint64_t>() < before["wal_bytes"].get<std::uint64_t>());
  BOOST_TEST(after["snapshot_bytes"].get<std::uint64_t>() > 0u);
  BOOST_TEST(segment_files(dir).size() < segments_before);

  auto store = Store::open(dir, small_segment_options());
  BOOST_REQUIRE(store.has_value());
  BOOST_TEST((*store)->recovery_report().frames_replayed == 0u);
  for (int i = 0; i < kKeys; ++i) BOOST_TEST((*store)->get(key_of(i)).value().value_or("") == value_of(i, kValueSize));
}

BOOST_AUTO_TEST_CASE(text_output_shows_before_and_after) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, 10, 100);
  ToolRun run = compact({dir, "--segment-size", kSegmentSize});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "before: wal "));
  BOOST_TEST(contains(run.out, "after: wal "));
}

BOOST_AUTO_TEST_CASE(dry_run_changes_nothing) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, kKeys, kValueSize);
  auto segments = segment_files(dir);
  ToolRun run = compact({dir, "--dry-run"});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "before: wal "));
  BOOST_TEST(!contains(run.out, "after: "));
  BOOST_TEST(segment_files(dir) == segments);
}

BOOST_AUTO_TEST_CASE(locked_store_is_refused_naming_the_holder) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, 5, 100);
  auto held = Store::open(dir, small_segment_options());
  BOOST_REQUIRE(held.has_value());
  ToolRun run = compact({dir});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 2);
  BOOST_TEST(contains(run.err, std::to_string(getpid())));
}

BOOST_AUTO_TEST_CASE(corrupt_log_exits_1) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, kKeys, kValueSize);
  auto first = segment_files(dir).front();
  flip_byte(first, frame_offsets(first).at(1) + 16 + 8);
  ToolRun run = compact({dir, "--segment-size", kSegmentSize});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 1);
  BOOST_TEST(contains(run.err, segment_name(first)));
}

BOOST_AUTO_TEST_CASE(not_a_store_usage_and_help) {
  TempDir tmp;
  ToolRun not_store = compact({tmp.path()});
  BOOST_TEST(not_store.exit_code == 2);
  BOOST_TEST(contains(not_store.err, "is not a walkv store"));
  BOOST_TEST(compact({}).exit_code == 2);
  BOOST_TEST(compact({tmp.path(), "--segment-size", "12"}).exit_code == 2);
  ToolRun help = compact({"--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(contains(help.out, "--segment-size"));
  BOOST_TEST(contains(compact({"--version"}).out, tool_path("WALKV_VERSION")));
}
