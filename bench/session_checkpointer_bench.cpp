// session_checkpointer_bench — write amplification of the Checkpointer
// against a checkpoint per message.
//
//   session_checkpointer_bench [--sessions N] [--messages M] [--state-bytes B]
//                              [--every K] [--interval-s S] [--idle-s I] [--sync] [DIR]
//
// N sessions each receive M messages, one per simulated second (the clock is
// injected, so the run takes as long as the writes, not M seconds); the
// session state after each message is B bytes. Then the gateway idles for I
// simulated seconds with a tick every second. Both approaches run on fresh
// stores under DIR (default: a temporary directory, removed at exit):
//   per-message   SessionStore::checkpoint after every message;
//   checkpointer  Checkpointer (every K messages, dirty flush after S s).
// Reported per approach: checkpoints (store write batches), state bytes
// written, bytes written per message, wall time, and writes during the idle
// phase (the checkpointer writes each session's unsaved remainder once, then
// nothing). Durability is none unless --sync.
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include <walkv/checkpointer.hpp>
#include <walkv/session.hpp>
#include <walkv/store.hpp>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Config {
  int sessions = 100;
  int messages = 95;
  std::size_t state_bytes = 2048;
  std::uint32_t every = 10;
  int interval_s = 30;
  int idle_s = 600;
  bool sync = false;
  std::string dir;
};

struct Outcome {
  std::uint64_t messages = 0;
  std::uint64_t checkpoints = 0;   // store write batches for checkpoints
  std::uint64_t state_bytes = 0;
  std::uint64_t idle_writes = 0;
  double seconds = 0;
};

[[noreturn]] void die(const std::string& what, const walkv::Status& status) {
  std::cerr << "session_checkpointer_bench: " << what << ": " << status.to_string() << '\n';
  std::exit(2);
}

std::string state_for(int session, int message, std::size_t bytes) {
  std::string state(bytes, 'a' + static_cast<char>(session % 26));
  std::string tag = std::to_string(message);
  std::memcpy(state.data(), tag.data(), std::min(tag.size(), state.size()));
  return state;
}

std::string session_id(int s) { return "bench/" + std::to_string(s); }

struct Opened {
  std::unique_ptr<walkv::Store> store;
  std::unique_ptr<walkv::SessionStore> sessions;
};

Opened open(const std::string& dir, const Config& config) {
  walkv::Options options;
  options.compaction_trigger = 0;
  auto store = walkv::Store::open(dir, options);
  if (!store) die("open " + dir, store.error());
  walkv::SessionOptions session_options;
  session_options.durability = config.sync ? walkv::Durability::sync : walkv::Durability::none;
  auto sessions = walkv::SessionStore::open(**store, session_options);
  if (!sessions) die("sessions", sessions.error());
  for (int s = 0; s < config.sessions; ++s) {
    if (auto created = (*sessions)->create(session_id(s)); !created) die("create", created);
  }
  return Opened{std::move(*store), std::move(*sessions)};
}

Outcome per_message(const Config& config) {
  Opened o = open(config.dir + "/per-message", config);
  Outcome out;
  auto start = Clock::now();
  for (int m = 1; m <= config.messages; ++m) {
    for (int s = 0; s < config.sessions; ++s) {
      walkv::CheckpointData data{state_for(s, m, config.state_bytes), static_cast<std::uint32_t>(m), 0, "msg", "1.0.0"};
      auto written = o.sessions->checkpoint(session_id(s), data);
      if (!written) die("checkpoint", written.error());
      ++out.messages;
      ++out.checkpoints;
      out.state_bytes += data.state.size();
    }
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;  // idle: a per-message gateway writes nothing when nothing arrives
}

Outcome with_checkpointer(const Config& config) {
  Opened o = open(config.dir + "/checkpointer", config);
  std::int64_t now_s = 0;
  walkv::CheckpointerOptions options;
  options.every_messages = config.every;
  options.flush_interval = std::chrono::seconds(config.interval_s);
  options.background = false;  // ticks driven by the simulated clock below
  options.clock = [&now_s] { return Clock::time_point(std::chrono::seconds(now_s)); };
  auto checkpointer = walkv::Checkpointer::start(*o.sessions, options);
  if (!checkpointer) die("checkpointer", checkpointer.error());
  walkv::Checkpointer& c = **checkpointer;

  auto start = Clock::now();
  for (int m = 1; m <= config.messages; ++m) {
    ++now_s;
    for (int s = 0; s < config.sessions; ++s) {
      walkv::CheckpointData data{state_for(s, m, config.state_bytes), static_cast<std::uint32_t>(m), 0, "msg", "1.0.0"};
      auto written = c.message(session_id(s), std::move(data));
      if (!written) die("message", written.error());
    }
    if (auto ticked = c.tick(Clock::time_point(std::chrono::seconds(now_s))); !ticked) die("tick", ticked.error());
  }
  std::uint64_t before_idle = c.stats().checkpoints;
  for (int i = 0; i < config.idle_s; ++i) {
    ++now_s;
    if (auto ticked = c.tick(Clock::time_point(std::chrono::seconds(now_s))); !ticked) die("tick", ticked.error());
  }
  if (auto closed = c.close(); !closed) die("close", closed);
  Outcome out;
  auto stats = c.stats();
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.messages = stats.messages;
  out.checkpoints = stats.checkpoints;
  out.state_bytes = stats.state_bytes;
  out.idle_writes = stats.checkpoints - before_idle;
  return out;
}

void row(const char* name, const Outcome& o) {
  std::printf("%-14s %10llu %12llu %14llu %14.1f %12.3f %12llu\n", name, static_cast<unsigned long long>(o.messages),
              static_cast<unsigned long long>(o.checkpoints), static_cast<unsigned long long>(o.state_bytes),
              o.messages ? static_cast<double>(o.state_bytes) / static_cast<double>(o.messages) : 0.0, o.seconds,
              static_cast<unsigned long long>(o.idle_writes));
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value after " << arg << '\n';
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--sessions") config.sessions = std::stoi(next());
    else if (arg == "--messages") config.messages = std::stoi(next());
    else if (arg == "--state-bytes") config.state_bytes = std::stoul(next());
    else if (arg == "--every") config.every = static_cast<std::uint32_t>(std::stoul(next()));
    else if (arg == "--interval-s") config.interval_s = std::stoi(next());
    else if (arg == "--idle-s") config.idle_s = std::stoi(next());
    else if (arg == "--sync") config.sync = true;
    else if (arg == "--help") {
      std::cout << "usage: session_checkpointer_bench [--sessions N] [--messages M] [--state-bytes B] [--every K] "
                   "[--interval-s S] [--idle-s I] [--sync] [DIR]\n";
      return 0;
    } else config.dir = arg;
  }
  std::string temporary;
  if (config.dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "walkv-cpbench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return 2;
    temporary = config.dir = pattern;
  }
  std::printf("%d sessions x %d messages (1 per simulated second), %zu-byte state, every %u messages, flush after %d s, "
              "idle %d s, durability %s\n",
              config.sessions, config.messages, config.state_bytes, config.every, config.interval_s, config.idle_s,
              config.sync ? "sync" : "none");
  std::printf("%-14s %10s %12s %14s %14s %12s %12s\n", "approach", "messages", "checkpoints", "state bytes",
              "bytes/message", "seconds", "idle writes");
  Outcome baseline = per_message(config);
  row("per-message", baseline);
  Outcome batched = with_checkpointer(config);
  row("checkpointer", batched);
  std::printf("write amplification: per-message %.2f writes/message, checkpointer %.3f writes/message; "
              "the checkpointer writes %.1fx fewer bytes\n",
              static_cast<double>(baseline.checkpoints) / static_cast<double>(baseline.messages),
              static_cast<double>(batched.checkpoints) / static_cast<double>(batched.messages),
              batched.state_bytes ? static_cast<double>(baseline.state_bytes) / static_cast<double>(batched.state_bytes)
                                  : 0.0);
  if (!temporary.empty()) std::filesystem::remove_all(temporary);
  return 0;
}
