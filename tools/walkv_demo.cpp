// walkv-demo — the crash-and-resume demonstration.
//
// A child process serves many sessions on several threads and acknowledges
// every durable checkpoint in a side file; it is killed with SIGKILL at a
// random moment. The parent then reopens the store (timing the log replay),
// lists the interrupted sessions, verifies that every acknowledged checkpoint
// survived intact, resumes each interrupted session from its latest
// checkpoint and completes it. The store directory is left in place for
// `walkv-replay DIR`.
// Exit: 0 nothing acknowledged was lost, 1 something was, 2 usage or I/O error.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "demo/ack_log.hpp"
#include "demo/checkpoint_verifier.hpp"
#include "demo/crash_child.hpp"
#include "demo/crash_timing.hpp"
#include "demo/demo_options.hpp"
#include "demo/demo_report.hpp"
#include "demo/resume.hpp"
#include "demo/store_dir.hpp"
#include "exit_code.hpp"

namespace {

using namespace walkv;
using namespace walkv::demo;
using walkv::tools::exit_error;
using walkv::tools::exit_ok;
using walkv::tools::exit_problems;
using walkv::tools::report_failure;

constexpr const char* kTool = "walkv-demo";

// A fresh, empty acknowledgement file under $TMPDIR (or /tmp).
Result<std::string> make_ack_file() {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/walkv-demo-acks-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return error(Code::io_error, "cannot create " + path);
  close(fd);
  return path;
}

// Forks the child that serves sessions until it is killed.
Result<pid_t> start_child(const DemoOptions& options, const std::string& ack_path) {
  std::cout.flush();
  std::cerr.flush();
  pid_t child = fork();
  if (child < 0) return error(Code::io_error, "fork failed");
  if (child == 0) _exit(run_crash_child(options, ack_path));
  return child;
}

std::size_t acks_before_kill(const DemoOptions& options) {
  return options.sessions < 20 ? options.sessions : 20;
}

struct Recovery {
  std::unique_ptr<Store> store;
  std::unique_ptr<SessionStore> sessions;
  double open_ms = 0;
};

Result<Recovery> reopen(const std::string& dir) {
  Recovery recovery;
  auto start = std::chrono::steady_clock::now();
  auto store = Store::open(dir);
  if (!store) return error(store.error());
  recovery.open_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  recovery.store = std::move(*store);
  auto sessions = SessionStore::open(*recovery.store);
  if (!sessions) return error(sessions.error());
  recovery.sessions = std::move(*sessions);
  return recovery;
}

// Everything after the crash: reopen, verify, resume, report.
int recover_and_verify(const DemoOptions& options, const CrashOutcome& crash, const std::string& ack_path) {
  auto acks = read_ack_log(ack_path);
  if (!acks) return report_failure(kTool, "reading acknowledgements", acks.error());
  auto recovery = reopen(options.dir);
  if (!recovery) return report_failure(kTool, "reopening " + options.dir, recovery.error());
  SessionStore& sessions = *recovery->sessions;
  auto interrupted = sessions.interrupted();
  if (!interrupted) return report_failure(kTool, "listing interrupted sessions", interrupted.error());

  DemoReport report{options, crash, recovery->store->recovery_report(), recovery->open_ms, interrupted->size(), {}, {}};
  report.verify = verify_acknowledged(sessions, acks->book, SessionOptions{}.keep_checkpoints);
  auto resumed = resume_and_complete(sessions, *interrupted, options.threads, options.seed + 7919);
  if (!resumed) return report_failure(kTool, "resuming sessions", resumed.error());
  report.resume = *resumed;
  print_demo_report(std::cout, report);

  recovery->sessions.reset();
  Status closed = recovery->store->close();
  if (!closed.ok()) return report_failure(kTool, "closing " + options.dir, closed);
  return report.verify.lost == 0 ? exit_ok : exit_problems;
}

int run_demo(const DemoOptions& options) {
  Status cleared = clear_store_dir(options.dir);
  if (!cleared.ok()) return report_failure(kTool, "preparing the store directory", cleared);
  auto ack_path = make_ack_file();
  if (!ack_path) return report_failure(kTool, "acknowledgement file", ack_path.error());

  std::cout << "walkv demo: a child process serves " << options.sessions << " sessions on " << options.threads
            << " threads in " << options.dir << ", checkpointing every 10 messages (seed " << options.seed << ")\n";
  auto child = start_child(options, *ack_path);
  if (!child) return report_failure(kTool, "starting the child", child.error());
  auto crash = crash_child_after_acks(*child, *ack_path, acks_before_kill(options), options);
  if (!crash) return report_failure(kTool, "crashing the child", crash.error());
  if (!crash->killed && crash->exit_status != 0) {
    std::cerr << kTool << ": the child failed (exit status " << crash->exit_status << ")\n";
    return exit_error;
  }
  int result = recover_and_verify(options, *crash, *ack_path);
  if (result == exit_ok) {
    std::filesystem::remove(*ack_path);
    std::cout << "inspect the store: walkv-replay " << options.dir << '\n';
  } else {
    std::cerr << kTool << ": acknowledgements kept in " << *ack_path << '\n';
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  DemoOptions options;
  int parsed = parse_demo_options(argc, argv, options);
  if (parsed >= 0) return parsed;
  try {
    return run_demo(options);
  } catch (const std::exception& e) {
    std::cerr << kTool << ": " << e.what() << '\n';
    return exit_error;
  }
}
