// Import of legacy stores: a sessions.json object and a sessions.d/ directory
// of percent-encoded <key>.json files, made here, damaged ones included. The
// library function and the walkv-import tool.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include <walkv/import.hpp>

#include "run_process.hpp"
#include "session/session_keys.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;
namespace fs = std::filesystem;

namespace {

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  BOOST_REQUIRE(out.good());
}

// The legacy stores of a gateway, in both layouts, with damage. Keys are
// chosen to be hostile to path- and object-based stores.
struct LegacyFiles {
  explicit LegacyFiles(const std::string& root) : json(root + "/sessions.json"), dir(root + "/sessions.d") {
    write_file(json, R"({
  "agent:main:slack:C1": {"sessionId": "abc", "updatedAt": 1712000000000, "channel": "slack"},
  "__proto__": {"sessionId": "proto", "updatedAt": 1712000000001, "createdAt": 1711000000000},
  "../x": {"sessionId": "dotdot"},
  "a/b": "a plain string entry",
  "dup": {"sessionId": "older", "updatedAt": 1000},
  "nulled": null,
  "": {"sessionId": "empty key"}
})");
    fs::create_directory(dir);
    write_file(dir + "/agent%3Amain%3Atelegram%3A42.json", R"({"sessionId": "tg", "updatedAt": 1713000000000})");
    write_file(dir + "/dup.json", R"({"sessionId": "newer", "updatedAt": 2000})");
    write_file(dir + "/..%2Fy.json", R"({"sessionId": "dotdot-y"})");
    write_file(dir + "/constructor.json", R"({"sessionId": "ctor"})");
    write_file(dir + "/caf%C3%A9.json", R"({"sessionId": "unicode"})");
    write_file(dir + "/sp%20ace.json", R"([1, 2, 3])");
    write_file(dir + "/broken.json", R"({"sessionId": "trunc)");
    write_file(dir + "/null.json", "null");
    write_file(dir + "/%zz.json", R"({"sessionId": "bad name"})");
    write_file(dir + "/dup.json.1234.5678.tmp", R"({"sessionId": "leftover of an atomic write"})");
    fs::create_symlink("../sessions.json", dir + "/link.json");
    fs::create_directory(dir + "/dir.json");
  }
  std::string json;
  std::string dir;
};

const std::vector<std::string> kImported = {"../x",  "../y",       "__proto__", "a/b",    "agent:main:slack:C1",
                                            "agent:main:telegram:42", "caf\xc3\xa9", "constructor", "dup", "sp ace"};

// Every file under `root` (symlinks not followed): content or link target, mtime, mode.
std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    BOOST_REQUIRE(::lstat(entry.path().c_str(), &st) == 0);
    std::string what = std::to_string(st.st_mode) + "/" + std::to_string(st.st_mtim.tv_sec) + "." +
                       std::to_string(st.st_mtim.tv_nsec) + "/";
    if (entry.is_symlink()) {
      what += fs::read_symlink(entry.path()).string();
    } else if (entry.is_regular_file()) {
      what += read_text(entry.path().string());
    }
    files[entry.path().string()] = what;
  }
  return files;
}

std::vector<std::string> problems_of(const LegacyImportReport& report, LegacyProblem::Kind kind) {
  std::vector<std::string> found;
  for (const auto& p : report.problems) {
    if (p.kind == kind) found.push_back(fs::path(p.source).filename().string() + ":" + p.key);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string state_of(SessionStore& sessions, const std::string& id) {
  auto latest = sessions.latest_checkpoint(id);
  BOOST_REQUIRE(latest.has_value());
  BOOST_REQUIRE(latest->has_value());
  return (*latest)->state;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(legacy_import)

BOOST_AUTO_TEST_CASE(file_names_decode) {
  BOOST_TEST(decode_legacy_file_name("a%2Fb").value() == "a/b");
  BOOST_TEST(decode_legacy_file_name("a%2fb").value() == "a/b");
  BOOST_TEST(decode_legacy_file_name("..%2F..%2Fetc").value() == "../../etc");
  BOOST_TEST(decode_legacy_file_name("%00").value() == std::string(1, '\0'));
  BOOST_TEST(decode_legacy_file_name("plain+text").value() == "plain+text");
  BOOST_TEST(!decode_legacy_file_name("%zz").has_value());
  BOOST_TEST(!decode_legacy_file_name("a%2").has_value());
  BOOST_TEST(!decode_legacy_file_name("%").has_value());
}

BOOST_AUTO_TEST_CASE(both_layouts_with_damage_in_one_batch) {
  TempDir legacy;
  LegacyFiles files(legacy.path());
  auto before = snapshot(legacy.path());
  SessionFixture f(SessionOptions{.app_version = "1.2.0"});
  std::uint64_t sequence = f.store().last_sequence();

  auto report = import_legacy_sessions(f.sessions(), {files.json, files.dir});
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(f.store().last_sequence() == sequence + 1);  // one atomic batch
  BOOST_TEST(report->sources == 2u);
  BOOST_TEST(report->entries == 18u);
  BOOST_TEST(report->imported == kImported.size());
  BOOST_TEST(report->imported_ids == kImported);
  BOOST_TEST(report->already_present == 0u);
  BOOST_TEST(report->duplicates == 1u);
  BOOST_TEST(report->ignored == std::vector<std::string>{files.dir + "/dup.json.1234.5678.tmp"});
  BOOST_TEST(report->problems.size() == 7u);
  BOOST_TEST(problems_of(*report, LegacyProblem::Kind::null_entry) ==
             (std::vector<std::string>{"null.json:null", "sessions.json:nulled"}));
  BOOST_TEST(problems_of(*report, LegacyProblem::Kind::invalid_key) == std::vector<std::string>{"sessions.json:"});
  BOOST_TEST(problems_of(*report, LegacyProblem::Kind::unparseable) == std::vector<std::string>{"broken.json:broken"});
  BOOST_TEST(problems_of(*report, LegacyProblem::Kind::bad_file_name) == std::vector<std::string>{"%zz.json:"});
  BOOST_TEST(problems_of(*report, LegacyProblem::Kind::not_a_file) ==
             (std::vector<std::string>{"dir.json:dir", "link.json:link"}));

  // Keys are just ids; states are the entries' JSON.
  auto& s = f.sessions();
  BOOST_TEST(s.list()->size() == kImported.size());
  BOOST_TEST(state_of(s, "__proto__") ==
             R"({"sessionId":"proto","updatedAt":1712000000001,"createdAt":1711000000000})");
  BOOST_TEST(state_of(s, "../x") == R"({"sessionId":"dotdot"})");
  BOOST_TEST(state_of(s, "a/b") == R"("a plain string entry")");
  BOOST_TEST(state_of(s, "dup") == R"({"sessionId":"newer","updatedAt":2000})");  // newest updatedAt wins
  BOOST_TEST(state_of(s, "sp ace") == "[1,2,3]");
  BOOST_TEST(state_of(s, "caf\xc3\xa9") == R"({"sessionId":"unicode"})");
  auto proto = s.info("__proto__");
  BOOST_TEST(((*proto)->status == SessionStatus::interrupted));
  BOOST_TEST((*proto)->owner_epoch == 0u);
  BOOST_TEST((*proto)->updated_ns == 1712000000001000000ull);
  BOOST_TEST((*proto)->created_ns == 1711000000000000000ull);
  BOOST_TEST((*proto)->latest_checkpoint == 1u);
  BOOST_TEST((*proto)->description == "imported from " + files.json);
  BOOST_TEST((*s.latest_checkpoint("dup"))->app_version == "1.2.0");
  BOOST_TEST((*s.info("../x"))->updated_ns > 1712000000001000000ull);  // no updatedAt: import time
  // Imported sessions show up as interrupted, ready to resume.
  BOOST_TEST(s.interrupted()->size() == kImported.size());
  BOOST_REQUIRE(s.resume("__proto__").has_value());
  BOOST_REQUIRE(s.checkpoint("__proto__", checkpoint_data("moved on")).has_value());

  // The originals are untouched.
  BOOST_TEST((snapshot(legacy.path()) == before));

  // Idempotent: a second import writes nothing and changes nothing.
  sequence = f.store().last_sequence();
  auto again = import_legacy_sessions(f.sessions(), {files.json, files.dir});
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->imported == 0u);
  BOOST_TEST(again->already_present == kImported.size());
  BOOST_TEST(again->problems.size() == 7u);  // still reported
  BOOST_TEST(f.store().last_sequence() == sequence);
  BOOST_TEST(state_of(s, "__proto__") == "moved on");
  BOOST_TEST((snapshot(legacy.path()) == before));
}

BOOST_AUTO_TEST_CASE(plan_writes_nothing) {
  TempDir legacy;
  LegacyFiles files(legacy.path());
  auto empty = plan_legacy_import(nullptr, {files.json, files.dir});
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->imported_ids == kImported);
  BOOST_TEST(empty->problems.size() == 7u);

  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("dup").ok());
  std::uint64_t sequence = f.store().last_sequence();
  auto planned = plan_legacy_import(&f.store(), {files.json, files.dir});
  BOOST_REQUIRE(planned.has_value());
  BOOST_TEST(planned->imported == kImported.size() - 1);
  BOOST_TEST(planned->already_present == 1u);
  BOOST_TEST(f.store().last_sequence() == sequence);
  BOOST_TEST(f.sessions().list()->size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_unparseable_sessions_json_is_reported_not_treated_as_empty) {
  TempDir legacy;
  std::string json = legacy.path() + "/sessions.json";
  write_file(json, R"({"a": {"x": 1}, "b": )");
  std::string array = legacy.path() + "/array.json";
  write_file(array, R"([{"a": 1}])");
  std::string empty = legacy.path() + "/empty.json";
  write_file(empty, "");
  std::string dir = legacy.path() + "/sessions.d";
  fs::create_directory(dir);
  write_file(dir + "/c.json", R"({"x": 3})");
  SessionFixture f;
  auto report = import_legacy_sessions(f.sessions(), {json, array, empty, dir});
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(report->imported_ids == std::vector<std::string>{"c"});
  BOOST_TEST(report->entries == 1u);
  BOOST_REQUIRE(report->problems.size() == 3u);
  for (const auto& p : report->problems) BOOST_TEST((p.kind == LegacyProblem::Kind::unparseable));
  BOOST_TEST(report->problems[0].source == json);
  BOOST_TEST(report->problems[0].detail.find("parse error") != std::string::npos);
  BOOST_TEST(report->problems[1].detail.find("not an object") != std::string::npos);
  BOOST_TEST(report->has_problems());
}

BOOST_AUTO_TEST_CASE(unreadable_sources_fail_without_writing) {
  TempDir legacy;
  std::string good = legacy.path() + "/good.json";
  write_file(good, R"({"a": 1})");
  SessionFixture f;
  auto missing = import_legacy_sessions(f.sessions(), {good, legacy.path() + "/nope.json"});
  BOOST_REQUIRE(!missing.has_value());
  BOOST_TEST((missing.error().code() == Code::not_found));
  BOOST_TEST(f.sessions().list()->empty());
  auto fifo = legacy.path() + "/fifo";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto odd = import_legacy_sessions(f.sessions(), {fifo});
  BOOST_REQUIRE(!odd.has_value());
  BOOST_TEST((odd.error().code() == Code::invalid_argument));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(import_tool)

BOOST_AUTO_TEST_CASE(dry_run_by_default_then_yes_then_idempotent) {
  const std::string tool = required_env("WALKV_IMPORT");
  TempDir legacy;
  LegacyFiles files(legacy.path());
  auto before = snapshot(legacy.path());
  TempDir target;
  std::string store = target.sub("store");

  auto dry = run_process(tool, {"--store", store, files.json, files.dir});
  BOOST_TEST(dry.exit_code == 1, dry.err);  // problems found
  BOOST_TEST(dry.out.find("would import 10 sessions") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("problems: 7") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("null_entry") != std::string::npos);
  BOOST_TEST(!fs::exists(store));  // a dry run creates nothing

  auto done = run_process(tool, {"--store", store, "--yes", "--app-version", "2.0.0", files.json, files.dir});
  BOOST_TEST(done.exit_code == 1, done.err);
  BOOST_TEST(done.out.find("imported 10 sessions in one atomic batch") != std::string::npos, done.out);

  auto json = run_process(tool, {"--store", store, "--yes", "--json", files.json, files.dir});
  BOOST_TEST(json.exit_code == 1, json.err);
  std::vector<nlohmann::json> lines;
  std::istringstream in(json.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  BOOST_REQUIRE(lines.size() == 8u);  // 7 problems + summary
  BOOST_TEST(lines[0]["event"] == "problem");
  const auto& summary = lines.back();
  BOOST_TEST(summary["event"] == "summary");
  BOOST_TEST(summary["dry_run"] == false);
  BOOST_TEST(summary["imported"] == 0);
  BOOST_TEST(summary["already_present"] == 10);
  BOOST_TEST(summary["entries"] == 18);

  BOOST_TEST((snapshot(legacy.path()) == before));

  // The imported store holds the sessions, with the version given.
  auto opened = Store::open(store, small_store_options());
  BOOST_REQUIRE(opened.has_value());
  auto sessions = SessionStore::open(**opened, SessionOptions{.app_version = "2.9.0"});
  BOOST_REQUIRE(sessions.has_value());
  BOOST_TEST((*sessions)->list()->size() == 10u);
  BOOST_TEST(state_of(**sessions, "a/b") == R"("a plain string entry")");
}

BOOST_AUTO_TEST_CASE(clean_sources_exit_zero_and_usage_errors_two) {
  const std::string tool = required_env("WALKV_IMPORT");
  TempDir legacy;
  std::string json = legacy.path() + "/sessions.json";
  write_file(json, R"({"k1": {"a": 1}, "k2": {"b": 2}})");
  TempDir target;
  auto done = run_process(tool, {"--store", target.sub("store"), "--yes", json});
  BOOST_TEST(done.exit_code == 0, done.out + done.err);
  BOOST_TEST(done.out.find("imported 2 sessions") != std::string::npos);
  BOOST_TEST(run_process(tool, {"--help"}).exit_code == 0);
  BOOST_TEST(run_process(tool, {"--version"}).out.find(required_env("WALKV_VERSION")) != std::string::npos);
  BOOST_TEST(run_process(tool, {json}).exit_code == 2);                                      // no --store
  BOOST_TEST(run_process(tool, {"--store", target.sub("store"), "--yes", "--dry-run", json}).exit_code == 2);
  auto missing = run_process(tool, {"--store", target.sub("store"), "--yes", legacy.path() + "/nope"});
  BOOST_TEST(missing.exit_code == 2);
  BOOST_TEST(missing.err.find("nope") != std::string::npos, missing.err);
  auto bad_version = run_process(tool, {"--store", target.sub("store"), "--yes", "--app-version", "new", json});
  BOOST_TEST(bad_version.exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
