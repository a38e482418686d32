// walkv-bench — this executable started again as a child process (fork, then
// exec of /proc/self/exe, so the child has a fresh address space: its peak RSS
// is its own, and no engine thread pool of the parent is half-copied into it).
// The child's stdout is a pipe the parent reads line by line.
//
// Thread-safety: one ChildProcess per thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace walkv_bench {

class ChildProcess {
 public:
  // Starts "walkv-bench <args...>". Throws EngineError when it cannot.
  explicit ChildProcess(const std::vector<std::string>& args);
  // SIGKILLs the child if it still runs, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line the child printed (without '\n'); throws EngineError when
  // the child ends first, naming how it ended.
  std::string read_line();
  // SIGKILL, then wait for the child to be gone.
  void kill_hard();
  // Waits for the child to exit; returns its exit code (-signal if killed).
  int wait();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffered_;
};

}  // namespace walkv_bench
