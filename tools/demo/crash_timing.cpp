#include "demo/crash_timing.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <thread>

#include "demo/ack_log.hpp"

namespace walkv::demo {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kFirstAcksDeadline = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(5);

// The child's wait status if it has ended, without blocking.
std::optional<int> ended(pid_t child) {
  int status = 0;
  if (waitpid(child, &status, WNOHANG) == child) return status;
  return std::nullopt;
}

CrashOutcome outcome_of(int wait_status, unsigned delay_ms, Clock::time_point start) {
  CrashOutcome outcome;
  outcome.killed = WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL;
  outcome.exit_status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  outcome.delay_ms = delay_ms;
  outcome.lifetime_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  return outcome;
}

unsigned random_delay_ms(const DemoOptions& options) {
  std::mt19937_64 rng(options.seed ^ 0x9e3779b97f4a7c15ull);
  return std::uniform_int_distribution<unsigned>(options.kill_after_min_ms, options.kill_after_max_ms)(rng);
}

}  // namespace

Result<CrashOutcome> crash_child_after_acks(pid_t child, const std::string& ack_path, std::size_t min_acks,
                                            const DemoOptions& options) {
  Clock::time_point start = Clock::now();
  while (count_ack_lines(ack_path) < min_acks) {
    if (auto status = ended(child)) return outcome_of(*status, 0, start);
    if (Clock::now() - start > kFirstAcksDeadline) {
      kill(child, SIGKILL);
      waitpid(child, nullptr, 0);
      return error(Code::io_error, "the child acknowledged no checkpoint within a minute; killed it");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  unsigned delay_ms = random_delay_ms(options);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  if (kill(child, SIGKILL) != 0 && errno != ESRCH) {
    return error(Code::io_error, std::string("kill: ") + std::strerror(errno));
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return error(Code::io_error, std::string("waitpid: ") + std::strerror(errno));
  }
  return outcome_of(status, delay_ms, start);
}

}  // namespace walkv::demo
