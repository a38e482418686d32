#include "tool_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace walkv::tools_test {
namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
};

Pipe make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  return {fds[0], fds[1]};
}

[[noreturn]] void exec_child(const std::string& program, const std::vector<std::string>& args, Pipe out, Pipe err) {
  dup2(out.write_end, STDOUT_FILENO);
  dup2(err.write_end, STDERR_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(program.c_str(), argv.data());
  _exit(127);
}

// Reads both pipes until both reach end of file (poll, so neither can block the child).
void drain(int out_fd, int err_fd, ToolRun& run) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_count = 2;
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
}

int wait_exit_code(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ToolRun run_tool(const std::string& program, const std::vector<std::string>& args) {
  Pipe out = make_pipe(), err = make_pipe();
  pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) exec_child(program, args, out, err);
  close(out.write_end);
  close(err.write_end);
  ToolRun run;
  drain(out.read_end, err.read_end, run);
  run.exit_code = wait_exit_code(child);
  return run;
}

ToolRun run_tool_with_tty_stderr(const std::string& program, const std::vector<std::string>& args) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) throw std::runtime_error("no pseudo-terminal");
  const char* slave_name = ptsname(master);
  if (slave_name == nullptr) throw std::runtime_error("ptsname failed");
  int slave = open(slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) throw std::runtime_error("cannot open the pseudo-terminal");
  Pipe out = make_pipe();
  pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) exec_child(program, args, out, Pipe{-1, slave});
  close(out.write_end);
  close(slave);
  ToolRun run;
  // The terminal reports EIO once the child (its last holder) is gone.
  drain(out.read_end, master, run);
  run.exit_code = wait_exit_code(child);
  return run;
}

std::string tool_path(const char* name) {
  const char* path = std::getenv(name);
  if (path == nullptr || *path == '\0') throw std::runtime_error(std::string(name) + " is not set (run via meson test)");
  return path;
}

}  // namespace walkv::tools_test
