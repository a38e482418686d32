// Secondary indexes and records agree after SIGKILL: a child process changes
// sessions and their index entries (create with entries, set/add/remove,
// drop, drop_prefix, cleanup) until the parent kills it at a random moment;
// the parent then reopens the store and checks, both ways, that every index
// entry points at a record listing it and every record's entries exist.
// Real processes: fork, pipes, SIGKILL, waitpid. Synchronised by the pipe.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>

#include "run_process.hpp"
#include "session/session_keys.hpp"
#include "session_fixture.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
  std::string buffered;
};

Child spawn(const std::string& program, const std::string& store, std::uint64_t seed) {
  int fds[2];
  BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  std::string seed_text = std::to_string(seed);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    std::string p = program;
    std::string dir = store;
    char* argv[] = {p.data(), dir.data(), seed_text.data(), nullptr};
    ::execv(p.c_str(), argv);
    ::_exit(127);
  }
  ::close(fds[1]);
  return Child{pid, fds[0], {}};
}

// Reads acknowledgement lines until `count` arrived. False when the child
// ended first.
bool wait_for_acks(Child& child, int count) {
  int seen = 0;
  char buffer[4096];
  while (seen < count) {
    ssize_t n = ::read(child.out, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    for (ssize_t i = 0; i < n; ++i) seen += buffer[i] == '\n';
  }
  return true;
}

int kill_and_reap(Child& child) {
  ::kill(child.pid, SIGKILL);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::close(child.out);
  return status;
}

struct Agreement {
  std::size_t records = 0;
  std::size_t entries = 0;
};

// Both directions: records -> index keys, index keys -> records.
Agreement check_agreement(Store& store) {
  auto sessions = SessionStore::open(store);
  BOOST_REQUIRE(sessions.has_value());
  auto records = (*sessions)->list();
  BOOST_REQUIRE(records.has_value());
  Agreement agreement;
  agreement.records = records->size();
  std::set<std::string> expected_keys;
  for (const auto& info : *records) {
    for (const auto& entry : info.indexes) {
      expected_keys.insert(session::index_key(entry.name, entry.value, info.id));
      auto ids = (*sessions)->find(entry.name, entry.value);
      BOOST_REQUIRE(ids.has_value());
      BOOST_TEST((std::find(ids->begin(), ids->end(), info.id) != ids->end()),
                 "record " << info.id << " lists " << entry.name << "=" << entry.value << " but find() misses it");
    }
  }
  std::set<std::string> stored_keys;
  Status scanned = store.scan(session::kIndexSpace, [&](std::string_view key, std::string_view id) {
    stored_keys.emplace(key);
    auto parsed = session::parse_key(key);
    BOOST_TEST((parsed && parsed->kind == session::ParsedKey::Kind::index));
    BOOST_TEST((key == session::index_key(parsed->index_name, parsed->index_value, id)),
               "index key does not match the id it holds");
    return true;
  });
  BOOST_REQUIRE(scanned.ok());
  agreement.entries = stored_keys.size();
  BOOST_TEST((stored_keys == expected_keys), "index keys and records disagree: " << stored_keys.size()
                                                                                   << " stored, "
                                                                                   << expected_keys.size()
                                                                                   << " expected");
  // Every checkpoint belongs to a record.
  std::set<std::string> ids;
  for (const auto& info : *records) ids.insert(info.id);
  scanned = store.scan(session::kCheckpointSpace, [&](std::string_view key, std::string_view) {
    auto parsed = session::parse_key(key);
    BOOST_TEST((parsed && ids.count(parsed->id) == 1), "orphan checkpoint");
    return true;
  });
  BOOST_REQUIRE(scanned.ok());
  return agreement;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(index_and_records_agree_after_sigkill) {
  const std::string child_program = required_env("SESSION_CRASH_CHILD");
  TempDir dir;
  std::mt19937_64 random(20240517);
  std::size_t max_records = 0;
  std::size_t max_entries = 0;
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    Child child = spawn(child_program, dir.sub("store"), random());
    int acks = 20 + static_cast<int>(random() % 180);
    bool alive = wait_for_acks(child, acks);
    int status = kill_and_reap(child);
    BOOST_REQUIRE_MESSAGE(alive, "child ended early, status " << status);
    BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));

    auto store = Store::open(dir.sub("store"), small_store_options());
    if (!store) BOOST_FAIL("reopen after SIGKILL: " << store.error().to_string());
    Agreement agreement = check_agreement(**store);
    max_records = std::max(max_records, agreement.records);
    max_entries = std::max(max_entries, agreement.entries);
    BOOST_REQUIRE((*store)->close().ok());
  }
  // The runs did build sessions with index entries to check.
  BOOST_TEST(max_records > 5u);
  BOOST_TEST(max_entries > 10u);
}

BOOST_AUTO_TEST_SUITE_END()
