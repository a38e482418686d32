// Descriptors of a store never leak into programs the process runs: every
// file (the library's own and LMDB's) is opened with O_CLOEXEC, checked both
// with fcntl on this process's descriptors and by exec'ing a helper
// (security_fd_lister) that lists what it inherited.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "security_fixture.hpp"

using namespace walkv;
using namespace walkv::security_test;

#ifndef WALKV_FD_LISTER
#error "WALKV_FD_LISTER must name the fd lister helper (tests/security/meson.build)"
#endif

namespace {

struct OpenFd {
  int fd;
  std::string target;
};

// Descriptors of this process that point into `dir`.
std::vector<OpenFd> own_fds_into(const std::string& dir) {
  std::vector<OpenFd> out;
  for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(e.path(), ec);
    if (ec) continue;
    if (target.string().rfind(dir, 0) == 0) out.push_back({std::stoi(e.path().filename().string()), target.string()});
  }
  return out;
}

// Runs the lister through fork + exec and returns its lines.
std::vector<std::string> inherited_by_child() {
  int out[2];
  BOOST_REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    if (::dup2(out[1], STDOUT_FILENO) < 0) ::_exit(126);
    char* const argv[] = {const_cast<char*>(WALKV_FD_LISTER), nullptr};
    ::execv(WALKV_FD_LISTER, argv);
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_REQUIRE(WIFEXITED(status));
  BOOST_REQUIRE_EQUAL(WEXITSTATUS(status), 0);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void check_no_store_fd_inherited(const std::string& store_dir) {
  // Positive control: this process does hold descriptors into the store, and
  // each one is close-on-exec.
  const auto mine = own_fds_into(store_dir);
  BOOST_TEST(mine.size() >= 3u);  // at least the directory, LOCK, wal/ (plus segment, LMDB files)
  for (const auto& f : mine) {
    const int flags = ::fcntl(f.fd, F_GETFD);
    BOOST_TEST(flags >= 0);
    BOOST_TEST((flags & FD_CLOEXEC) != 0, "fd " << f.fd << " -> " << f.target << " lacks FD_CLOEXEC");
  }
  const auto lines = inherited_by_child();
  BOOST_TEST(!lines.empty());  // the lister ran: it sees at least stdout (the pipe)
  bool saw_stdout = false;
  for (const auto& line : lines) {
    if (line.rfind("1 ", 0) == 0) saw_stdout = true;
    BOOST_TEST(line.find(store_dir) == std::string::npos, "inherited: " << line);
  }
  BOOST_TEST(saw_stdout);
}

std::string resolved(const std::string& p) {
  char buf[PATH_MAX];
  BOOST_REQUIRE(::realpath(p.c_str(), buf) != nullptr);
  return buf;
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_store_descriptor_survives_exec) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  Options o;
  o.compaction_trigger = 0;
  auto store = Store::open(path, o);
  BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
  BOOST_REQUIRE((*store)->put({}, "a", "1").ok());
  BOOST_REQUIRE((*store)->compact().ok());  // the LMDB environment is in use
  BOOST_REQUIRE((*store)->put({}, "b", "2").ok());
  auto v = (*store)->get("a");               // a read from the snapshot
  BOOST_REQUIRE(v.has_value() && v->has_value());
  auto sessions = SessionStore::open(**store);
  BOOST_REQUIRE(sessions.has_value());
  BOOST_REQUIRE((*sessions)->create("s1").ok());
  check_no_store_fd_inherited(resolved(path));

  // A read-only view of the same store, opened beside the writer.
  auto view = Store::open_read_only(path);
  BOOST_REQUIRE_MESSAGE(view.has_value(), walkv::test::error_text(view));
  check_no_store_fd_inherited(resolved(path));
}
