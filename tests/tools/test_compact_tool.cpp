// walkv-compact end to end: the built tool against stores made with the library.
#define BOOST_TEST_MODULE walkv_compact_tool
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <walkv/store.hpp>

#include "holder_process.hpp"
#include "json_lines.hpp"
#include "store_fixture.hpp"

#include "../support/log_files.hpp"
#include "../support/temp_dir.hpp"
#include "tool_runner.hpp"

using namespace walkv;
using namespace walkv::tools_test;
using walkv::test::TempDir;

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

BOOST_AUTO_TEST_CASE(dry_run_changes_nothing_and_says_what_it_would_do) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, kKeys, kValueSize);
  auto segments = segment_files(dir);
  ToolRun run = compact({dir, "--dry-run", "--copy-compact", tmp.sub("out"), "--swap"});
  BOOST_TEST_INFO(run.all());
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(contains(run.out, "would fold " + std::to_string(kKeys) + " frame(s)"));
  BOOST_TEST(contains(run.out, "would write a compacted copy"));
  BOOST_TEST(contains(run.out, "would swap"));
  BOOST_TEST(segment_files(dir) == segments);
  BOOST_TEST(!std::filesystem::exists(tmp.sub("out")));
  auto plan = parse_json_lines(compact({dir, "--dry-run", "--json"}).out);
  BOOST_REQUIRE_EQUAL(plan.size(), 1u);
  BOOST_TEST(plan[0]["type"] == "plan");
  BOOST_TEST(plan[0]["fold_frames"] == kKeys);
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

namespace {

namespace stdfs = std::filesystem;

// A store whose snapshot has free pages: filled, folded, half removed, folded.
std::string store_with_free_pages(const TempDir& tmp) {
  std::string dir = tmp.sub("store");
  fill_store(dir, kKeys, kValueSize);
  BOOST_REQUIRE_EQUAL(compact({dir, "--segment-size", kSegmentSize}).exit_code, 0);
  {
    auto store = Store::open(dir, small_segment_options());
    BOOST_REQUIRE(store.has_value());
    for (int i = 0; i < kKeys; i += 2) BOOST_REQUIRE((*store)->remove({}, key_of(i)).ok());
    BOOST_REQUIRE((*store)->close().ok());
  }
  return dir;
}

void expect_odd_keys(const std::string& dir) {
  auto store = Store::open(dir, small_segment_options());
  BOOST_REQUIRE(store.has_value());
  for (int i = 0; i < kKeys; ++i) {
    auto value = (*store)->get(key_of(i));
    BOOST_REQUIRE(value.has_value());
    BOOST_TEST(value->value_or("<absent>") == (i % 2 == 1 ? value_of(i, kValueSize) : "<absent>"));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(stats_prints_lmdb_and_log_statistics_read_only) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, kKeys, kValueSize);
  auto segments = segment_files(dir);
  ToolRun text = compact({dir, "--stats"});
  BOOST_TEST_INFO(text.all());
  BOOST_TEST(text.exit_code == 0);
  BOOST_TEST(contains(text.out, "snapshot (LMDB): "));
  BOOST_TEST(contains(text.out, std::to_string(kKeys) + " frame(s), sequences 1.." + std::to_string(kKeys)));
  auto lines = parse_json_lines(compact({dir, "--stats", "--json"}).out);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(lines[0]["type"] == "stats");
  BOOST_TEST(lines[0]["log"]["segments"].get<std::size_t>() == segments.size());
  BOOST_TEST(lines[0]["log"]["last_sequence"] == kKeys);
  BOOST_TEST(lines[0]["snapshot"]["entries"] == 0);  // nothing folded yet
  BOOST_TEST(lines[0]["snapshot"]["page_size"].get<int>() > 0);
  BOOST_TEST(segment_files(dir) == segments);

  BOOST_REQUIRE_EQUAL(compact({dir, "--segment-size", kSegmentSize}).exit_code, 0);
  auto after = parse_json_lines(compact({dir, "--stats", "--json"}).out);
  BOOST_REQUIRE_EQUAL(after.size(), 1u);
  BOOST_TEST(after[0]["snapshot"]["entries"] == kKeys);
  BOOST_TEST(after[0]["snapshot"]["applied_sequence"] == kKeys);
  BOOST_TEST(after[0]["snapshot"]["depth"].get<int>() >= 1);
  BOOST_TEST(after[0]["log"]["frames_to_replay"] == 0);
}

BOOST_AUTO_TEST_CASE(copy_compact_writes_a_smaller_copy_and_leaves_the_store_alone) {
  TempDir tmp;
  std::string dir = store_with_free_pages(tmp);
  ToolRun run = compact({dir, "--segment-size", kSegmentSize, "--copy-compact", tmp.sub("out"), "--json"});
  BOOST_TEST_INFO(run.all());
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  auto copy = lines_of_type(parse_json_lines(run.out), "copy");
  BOOST_REQUIRE_EQUAL(copy.size(), 1u);
  BOOST_TEST(copy[0]["bytes_after"].get<std::uint64_t>() < copy[0]["bytes_before"].get<std::uint64_t>());
  BOOST_TEST(copy[0]["swapped"] == false);
  BOOST_TEST(stdfs::file_size(tmp.sub("out") + "/data.mdb") == copy[0]["bytes_after"].get<std::uint64_t>());
  BOOST_TEST(stdfs::file_size(dir + "/snapshot/data.mdb") == copy[0]["bytes_before"].get<std::uint64_t>());
  // A second copy into the same place is refused: data.mdb is there.
  ToolRun again = compact({dir, "--segment-size", kSegmentSize, "--copy-compact", tmp.sub("out")});
  BOOST_TEST(again.exit_code == 2);
  BOOST_TEST(contains(again.err, "already exists"));
  expect_odd_keys(dir);
}

BOOST_AUTO_TEST_CASE(swap_puts_the_compacted_copy_in_place) {
  TempDir tmp;
  std::string dir = store_with_free_pages(tmp);
  ToolRun run = compact({dir, "--segment-size", kSegmentSize, "--copy-compact", tmp.sub("out"), "--swap"});
  BOOST_TEST_INFO(run.all());
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  BOOST_TEST(contains(run.out, "swapped: "));
  BOOST_TEST(stdfs::file_size(dir + "/snapshot/data.mdb") < stdfs::file_size(tmp.sub("out") + "/data.mdb"));
  expect_odd_keys(dir);
}

BOOST_AUTO_TEST_CASE(a_store_held_by_a_live_process_is_refused_politely) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, 5, 100);
  HolderProcess holder(dir, 1);
  const std::string pid = std::to_string(holder.pid());
  auto segments = segment_files(dir);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{dir}, {dir, "--copy-compact", tmp.sub("out"), "--swap"}}) {
    ToolRun run = compact(args);
    BOOST_TEST_INFO(run.all());
    BOOST_TEST(run.exit_code == 2);
    BOOST_TEST(contains(run.err, "in use by pid " + pid));
  }
  BOOST_TEST(!stdfs::exists(tmp.sub("out") + "/data.mdb"));
  ToolRun stats = compact({dir, "--stats", "--json"});
  BOOST_TEST(stats.exit_code == 0);
  auto lines = parse_json_lines(stats.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(lines[0]["locked"] == true);
  BOOST_TEST(lines[0]["holder_pid"] == holder.pid());
  BOOST_TEST(lines[0]["log"]["last_sequence"] == 6);
  BOOST_TEST(contains(compact({dir, "--dry-run"}).out, "in use by pid " + pid));
  BOOST_TEST(segment_files(dir) == segments);
  BOOST_TEST(holder.release() == 0);
  BOOST_TEST(compact({dir, "--segment-size", kSegmentSize}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(progress_shows_on_a_terminal_only) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, 5, 100);
  ToolRun tty = run_tool_with_tty_stderr(tool_path("WALKV_COMPACT"), {dir, "--segment-size", kSegmentSize});
  BOOST_TEST_INFO(tty.all());
  BOOST_TEST(tty.exit_code == 0);
  BOOST_TEST(contains(tty.err, "folding the log into the snapshot"));
  ToolRun piped = compact({dir, "--segment-size", kSegmentSize});
  BOOST_TEST(piped.exit_code == 0);
  BOOST_TEST(piped.err.empty());
}

BOOST_AUTO_TEST_CASE(flag_combinations_that_make_no_sense_are_usage_errors) {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  fill_store(dir, 2, 10);
  BOOST_TEST(compact({dir, "--swap"}).exit_code == 2);  // --swap needs --copy-compact
  BOOST_TEST(compact({dir, "--stats", "--copy-compact", tmp.sub("out")}).exit_code == 2);
  ToolRun help = compact({"--help"});
  for (const char* flag : {"--copy-compact", "--swap", "--stats", "--dry-run", "--json", "Examples:", "Exit status:"})
    BOOST_TEST(contains(help.out, flag), flag);
}

namespace {

dev_t device_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("stat " + path + " failed");
  return st.st_dev;
}

// A temporary directory on another file system than `path`: in /dev/shm
// (tmpfs), the working directory (the build directory), /var/tmp or /tmp,
// the first that is on another file system. Fails the test when there is
// none: it needs two file systems (e.g. a tmpfs at /dev/shm).
std::unique_ptr<TempDir> temp_dir_on_another_file_system(const std::string& path) {
  const dev_t device = device_of(path);
  for (const std::string& base :
       {std::string("/dev/shm"), stdfs::current_path().string(), std::string("/var/tmp"), std::string("/tmp")}) {
    struct stat st {};
    if (::stat(base.c_str(), &st) == 0 && st.st_dev != device && ::access(base.c_str(), W_OK) == 0)
      return std::make_unique<TempDir>(base);
  }
  BOOST_FAIL("no second file system: " + path + ", /dev/shm, the working directory, /var/tmp and /tmp are all on "
             "one; this test needs a directory on another one (e.g. a tmpfs at /dev/shm)");
  return nullptr;
}

// Everything a walkv-compact run could change in `dir`: the segment files
// and the snapshot's bytes.
struct StoreFiles {
  std::vector<stdfs::path> segments;
  std::string snapshot;
  bool operator==(const StoreFiles&) const = default;
};

StoreFiles files_of(const std::string& dir) {
  return StoreFiles{segment_files(dir), walkv::test::read_bytes(dir + "/snapshot/data.mdb")};
}

}  // namespace

// --swap is a rename, which cannot be atomic across file systems: with OUT on
// another file system than the store, walkv-compact refuses before doing
// anything (no fold, no copy, OUT not created) with exit 2, also with
// --dry-run; with an OUT on the store's file system the same command works.
BOOST_AUTO_TEST_CASE(swap_with_out_on_another_file_system_is_refused_and_changes_nothing) {
  TempDir tmp;
  std::string dir = store_with_free_pages(tmp);
  auto other = temp_dir_on_another_file_system(dir);
  BOOST_REQUIRE(device_of(other->path()) != device_of(dir));
  const StoreFiles before = files_of(dir);
  const std::string missing_out = other->sub("out");  // would be created there
  const std::string empty_out = other->subdir("empty");
  for (const std::string& out : {missing_out, empty_out}) {
    for (const char* dry_run : {"", "--dry-run"}) {
      std::vector<std::string> args{dir, "--segment-size", kSegmentSize, "--copy-compact", out, "--swap"};
      if (*dry_run != '\0') args.push_back(dry_run);
      ToolRun run = compact(args);
      BOOST_TEST_INFO(out << " " << dry_run << ": " << run.all());
      BOOST_TEST(run.exit_code == 2);
      BOOST_TEST(contains(run.err, "is on another file system than " + dir));
      BOOST_TEST(contains(run.err, "Nothing was changed"));
      BOOST_TEST(run.out.empty());
    }
  }
  BOOST_TEST(!stdfs::exists(missing_out));
  BOOST_TEST(stdfs::is_empty(empty_out));
  BOOST_TEST((files_of(dir) == before));  // not folded, not swapped
  auto stats = parse_json_lines(compact({dir, "--stats", "--json"}).out);
  BOOST_REQUIRE_EQUAL(stats.size(), 1u);
  BOOST_TEST(stats[0]["log"]["frames_to_replay"].get<int>() > 0);  // the removals are still to fold

  ToolRun same_fs = compact({dir, "--segment-size", kSegmentSize, "--copy-compact", tmp.sub("out"), "--swap"});
  BOOST_TEST_INFO(same_fs.all());
  BOOST_TEST(same_fs.exit_code == 0);
  BOOST_TEST(contains(same_fs.out, "swapped: "));
  expect_odd_keys(dir);
}
