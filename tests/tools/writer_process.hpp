// Crash loop: a crash_writer child process, its acknowledgements read from a
// pipe, and its death by SIGKILL.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace walkv::crash_test {

// The largest acknowledged counter of every key (or pair), over all iterations.
struct AckedWrites {
  std::map<std::string, std::uint64_t> max_counter;
  std::size_t total = 0;
  void add_line(const std::string& line);  // "<key> <counter>"
};

class WriterProcess {
 public:
  // fork/exec `program DIR ITERATION THREADS` with stdout on a pipe.
  WriterProcess(const std::string& program, const std::string& dir, std::uint64_t iteration, unsigned threads);
  ~WriterProcess();
  WriterProcess(const WriterProcess&) = delete;
  WriterProcess& operator=(const WriterProcess&) = delete;

  // Reads acknowledgements into `acks` until `count` new ones arrived. Throws if
  // the writer ends first or `deadline` passes.
  void read_acks(std::size_t count, AckedWrites& acks, std::chrono::seconds deadline);

  // kill -9, then reads the acknowledgements still in the pipe (written before
  // the kill, so acknowledged too) until end of file, and reaps the process.
  // Throws unless the writer died of SIGKILL.
  void kill_and_drain(AckedWrites& acks);

 private:
  // Reads once (waiting at most `timeout_ms`); false at end of file.
  bool read_some(AckedWrites& acks, int timeout_ms, std::size_t& lines);

  pid_t pid_ = -1;
  int ack_fd_ = -1;
  std::string pending_;  // an incomplete line
};

}  // namespace walkv::crash_test
