// Tool tests: a live child process that holds a store open (its lock, its
// log) until the test lets it go — the "running gateway" the tools must
// respect. Synchronised through pipes, never sleeps.
#pragma once

#include <sys/types.h>

#include <string>

namespace walkv::tools_test {

class HolderProcess {
 public:
  // Forks a child that opens the store in `dir` (small segments), puts
  // `extra_writes` more keys "held-<i>" durably, reports readiness, and
  // keeps the store open until release() or destruction. Throws if the child
  // cannot open the store.
  HolderProcess(const std::string& dir, int extra_writes);
  ~HolderProcess();
  HolderProcess(const HolderProcess&) = delete;
  HolderProcess& operator=(const HolderProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Lets the child close the store and exit; returns its exit status.
  int release();

 private:
  pid_t pid_ = -1;
  int release_fd_ = -1;  // closing it tells the child to close the store and exit
};

}  // namespace walkv::tools_test
