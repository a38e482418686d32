#include "writer_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace walkv::crash_test {

void AckedWrites::add_line(const std::string& line) {
  std::size_t space = line.find(' ');
  if (space == std::string::npos) throw std::runtime_error("malformed acknowledgement: " + line);
  std::string key = line.substr(0, space);
  std::uint64_t counter = std::stoull(line.substr(space + 1));
  auto [it, inserted] = max_counter.emplace(key, counter);
  if (!inserted && counter > it->second) it->second = counter;
  ++total;
}

WriterProcess::WriterProcess(const std::string& program, const std::string& dir, std::uint64_t iteration,
                             unsigned threads) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> args = {program, dir, std::to_string(iteration), std::to_string(threads)};
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  ack_fd_ = fds[0];
}

WriterProcess::~WriterProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (ack_fd_ >= 0) close(ack_fd_);
}

bool WriterProcess::read_some(AckedWrites& acks, int timeout_ms, std::size_t& lines) {
  pollfd readable{ack_fd_, POLLIN, 0};
  int ready = poll(&readable, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) throw std::runtime_error("poll failed");
  if (ready <= 0) return true;
  char buffer[8192];
  ssize_t n = read(ack_fd_, buffer, sizeof buffer);
  if (n < 0) {
    if (errno == EINTR) return true;
    throw std::runtime_error("read failed");
  }
  if (n == 0) return false;
  pending_.append(buffer, static_cast<std::size_t>(n));
  for (std::size_t end; (end = pending_.find('\n')) != std::string::npos;) {
    acks.add_line(pending_.substr(0, end));
    pending_.erase(0, end + 1);
    ++lines;
  }
  return true;
}

void WriterProcess::read_acks(std::size_t count, AckedWrites& acks, std::chrono::seconds deadline) {
  auto give_up = std::chrono::steady_clock::now() + deadline;
  std::size_t lines = 0;
  while (lines < count) {
    if (std::chrono::steady_clock::now() > give_up) throw std::runtime_error("crash_writer acknowledged too little in time");
    if (!read_some(acks, 100, lines)) throw std::runtime_error("crash_writer ended before it was killed");
  }
}

void WriterProcess::kill_and_drain(AckedWrites& acks) {
  kill(pid_, SIGKILL);
  std::size_t lines = 0;
  while (read_some(acks, -1, lines)) {
  }
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    throw std::runtime_error("crash_writer did not die of SIGKILL (status " + std::to_string(status) + ")");
  }
}

}  // namespace walkv::crash_test
