#include "holder_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include <walkv/store.hpp>

#include "store_fixture.hpp"

namespace walkv::tools_test {

namespace {

[[noreturn]] void child_main(const std::string& dir, int extra_writes, int ready_fd, int release_fd) {
  auto store = Store::open(dir, small_segment_options());
  char status = store ? 'R' : 'E';
  for (int i = 0; store && i < extra_writes; ++i) {
    if (!(*store)->put({}, "held-" + std::to_string(i), "written by the holder").ok()) status = 'E';
  }
  (void)!::write(ready_fd, &status, 1);
  char byte;
  while (::read(release_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  if (store) (void)(*store)->close();
  ::_exit(status == 'R' ? 0 : 1);
}

}  // namespace

HolderProcess::HolderProcess(const std::string& dir, int extra_writes) {
  int ready[2], release_pipe[2];
  if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(release_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::close(ready[0]);
    ::close(release_pipe[1]);
    child_main(dir, extra_writes, ready[1], release_pipe[0]);
  }
  ::close(ready[1]);
  ::close(release_pipe[0]);
  release_fd_ = release_pipe[1];
  char status = 0;
  ssize_t n;
  while ((n = ::read(ready[0], &status, 1)) < 0 && errno == EINTR) {
  }
  ::close(ready[0]);
  if (n != 1 || status != 'R') {
    release();
    throw std::runtime_error("the holder process could not open " + dir);
  }
}

HolderProcess::~HolderProcess() { release(); }

int HolderProcess::release() {
  if (pid_ < 0) return -1;
  ::close(release_fd_);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace walkv::tools_test
