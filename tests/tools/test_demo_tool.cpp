// walkv-demo end to end: a short crash-and-resume run must lose nothing, leave
// a store that walkv-replay accepts, and never delete what is not a store.
#define BOOST_TEST_MODULE walkv_demo_tool
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <stdexcept>

#include "../support/temp_dir.hpp"
#include "tool_runner.hpp"

using namespace walkv::tools_test;
using walkv::test::TempDir;

namespace {

ToolRun demo(const std::vector<std::string>& args) { return run_tool(tool_path("WALKV_DEMO"), args); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The number after "label" on the first line that contains it, or -1.
long number_after(const std::string& text, const std::string& label) {
  std::size_t at = text.find(label);
  if (at == std::string::npos) return -1;
  std::istringstream rest(text.substr(at + label.size()));
  long value = -1;
  rest >> value;
  return value;
}

}  // namespace

BOOST_AUTO_TEST_CASE(short_crash_run_loses_nothing) {
  TempDir tmp;
  std::string dir = tmp.sub("demo-store");
  ToolRun run = demo({"--dir", dir, "--threads", "2", "--sessions", "12", "--seed", "42", "--kill-after-ms", "20..80"});
  BOOST_TEST_INFO(run.all());
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  BOOST_TEST(number_after(run.out, "lost:") == 0);
  BOOST_TEST(number_after(run.out, "acknowledged:") >= 12);
  BOOST_TEST(number_after(run.out, "recovered intact:") >= 1);
  BOOST_TEST(contains(run.out, "interrupted sessions:"));

  ToolRun inspect = run_tool(tool_path("WALKV_REPLAY"), {dir});
  BOOST_TEST_INFO(inspect.all());
  BOOST_TEST(inspect.exit_code == 0);
  BOOST_TEST(contains(inspect.out, "interrupted sessions: 0"));
}

BOOST_AUTO_TEST_CASE(rerun_replaces_its_own_store) {
  TempDir tmp;
  std::string dir = tmp.sub("demo-store");
  std::vector<std::string> args = {"--dir", dir, "--threads", "1", "--sessions", "3", "--kill-after-ms", "0..5"};
  BOOST_REQUIRE_EQUAL(demo(args).exit_code, 0);
  ToolRun second = demo(args);
  BOOST_TEST_INFO(second.all());
  BOOST_TEST(second.exit_code == 0);
}

BOOST_AUTO_TEST_CASE(refuses_to_remove_a_directory_that_is_not_a_store) {
  TempDir tmp;
  std::string dir = tmp.sub("precious");
  std::filesystem::create_directory(dir);
  std::ofstream(dir + "/notes.txt") << "keep me\n";
  ToolRun run = demo({"--dir", dir, "--sessions", "2"});
  BOOST_TEST(run.exit_code == 2);
  BOOST_TEST(contains(run.err, "not a walkv store"));
  BOOST_TEST(std::filesystem::exists(dir + "/notes.txt"));
}

BOOST_AUTO_TEST_CASE(usage_and_help) {
  BOOST_TEST(demo({"--kill-after-ms", "9..1"}).exit_code == 2);
  BOOST_TEST(demo({"--threads", "0"}).exit_code == 2);
  ToolRun help = demo({"--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(contains(help.out, "--kill-after-ms"));
}
