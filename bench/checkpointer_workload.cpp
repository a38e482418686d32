#include "checkpointer_workload.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <walkv/checkpointer.hpp>
#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "engine.hpp"
#include "progress.hpp"

namespace walkv_bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kEveryMessages = 10;
constexpr int kFlushIntervalSeconds = 30;
constexpr int kIdleSeconds = 600;

void check(const walkv::Status& s, const std::string& what) {
  if (!s.ok()) throw EngineError("checkpointer workload: " + what + ": " + s.to_string());
}

template <class T>
void check(const walkv::Result<T>& r, const std::string& what) {
  if (!r) check(r.error(), what);
}

// Bytes this process passed to write-like system calls so far (0 when
// /proc/self/io is not readable).
std::uint64_t process_write_bytes() {
  std::ifstream io("/proc/self/io");
  std::string field;
  std::uint64_t value = 0;
  while (io >> field >> value)
    if (field == "wchar:") return value;
  return 0;
}

std::string session_id(int s) { return "bench/" + std::to_string(s); }

// The state after `message`: a slice of the incompressible pool, different
// for every (session, message).
walkv::CheckpointData state_after(const WorkloadContext& ctx, Rng& rng, int message) {
  walkv::CheckpointData data;
  data.state = std::string(ctx.values.random_value(rng, ctx.config.checkpointer_state_bytes));
  data.step = static_cast<std::uint32_t>(message);
  data.description = "message " + std::to_string(message);
  data.app_version = "1.0.0";
  return data;
}

struct Opened {
  std::unique_ptr<walkv::Store> store;
  std::unique_ptr<walkv::SessionStore> sessions;
};

Opened open_sessions(const WorkloadContext& ctx, const std::string& dir) {
  walkv::Options options;
  options.compaction_trigger = 0;  // bytes written = the log only, no compaction in between
  auto store = walkv::Store::open(dir, options);
  if (!store) check(store.error(), "open " + dir);
  walkv::SessionOptions session_options;
  session_options.durability = walkv::Durability::none;
  auto sessions = walkv::SessionStore::open(**store, session_options);
  if (!sessions) check(sessions.error(), "open sessions");
  for (int s = 0; s < ctx.config.checkpointer_sessions; ++s) check((*sessions)->create(session_id(s)), "create");
  return Opened{std::move(*store), std::move(*sessions)};
}

CheckpointerCell new_cell(const WorkloadContext& ctx, const char* approach) {
  CheckpointerCell c;
  c.approach = approach;
  c.sessions = static_cast<std::uint64_t>(ctx.config.checkpointer_sessions);
  c.state_bytes = ctx.config.checkpointer_state_bytes;
  return c;
}

CheckpointerCell per_message(const WorkloadContext& ctx, const std::string& dir) {
  Opened o = open_sessions(ctx, dir);
  CheckpointerCell c = new_cell(ctx, "per-message");
  Rng rng(0xc4ec0001ull);
  const std::uint64_t written_before = process_write_bytes();
  const auto start = Clock::now();
  for (int m = 1; m <= ctx.config.checkpointer_messages; ++m) {
    for (int s = 0; s < ctx.config.checkpointer_sessions; ++s) {
      walkv::CheckpointData data = state_after(ctx, rng, m);
      c.checkpoint_state_bytes += data.state.size();
      check(o.sessions->checkpoint(session_id(s), data), "checkpoint");
      ++c.messages;
      ++c.checkpoints;
    }
  }
  c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  c.bytes_written = process_write_bytes() - written_before;
  o.sessions.reset();
  check(o.store->close(), "close");
  return c;  // idle: a per-message gateway writes nothing when nothing arrives
}

void tick(walkv::Checkpointer& c, std::int64_t now_s) {
  check(c.tick(Clock::time_point(std::chrono::seconds(now_s))), "tick");
}

CheckpointerCell with_checkpointer(const WorkloadContext& ctx, const std::string& dir) {
  Opened o = open_sessions(ctx, dir);
  CheckpointerCell c = new_cell(ctx, "checkpointer");
  std::int64_t now_s = 0;
  walkv::CheckpointerOptions options;
  options.every_messages = kEveryMessages;
  options.flush_interval = std::chrono::seconds(kFlushIntervalSeconds);
  options.background = false;  // ticks come from the simulated clock below
  options.clock = [&now_s] { return Clock::time_point(std::chrono::seconds(now_s)); };
  auto started = walkv::Checkpointer::start(*o.sessions, options);
  if (!started) check(started.error(), "start checkpointer");
  walkv::Checkpointer& checkpointer = **started;

  Rng rng(0xc4ec0001ull);
  const std::uint64_t written_before = process_write_bytes();
  const auto start = Clock::now();
  for (int m = 1; m <= ctx.config.checkpointer_messages; ++m) {
    ++now_s;
    for (int s = 0; s < ctx.config.checkpointer_sessions; ++s)
      check(checkpointer.message(session_id(s), state_after(ctx, rng, m)), "message");
    tick(checkpointer, now_s);
  }
  const std::uint64_t before_idle = checkpointer.stats().checkpoints;
  for (int i = 0; i < kIdleSeconds; ++i) tick(checkpointer, ++now_s);
  check(checkpointer.close(), "close checkpointer");
  c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  c.bytes_written = process_write_bytes() - written_before;
  const walkv::CheckpointerStats stats = checkpointer.stats();
  c.messages = stats.messages;
  c.checkpoints = stats.checkpoints;
  c.checkpoint_state_bytes = stats.state_bytes;
  c.idle_checkpoints = stats.checkpoints - before_idle;
  started->reset();
  o.sessions.reset();
  check(o.store->close(), "close");
  return c;
}

void report(const CheckpointerCell& c) {
  char line[256];
  std::snprintf(line, sizeof line,
                "checkpointer  %-13s: %.3f checkpoints/message, %.3f bytes written per byte of state change",
                c.approach.c_str(), c.checkpoints_per_message(), c.write_amplification());
  progress(line);
}

}  // namespace

std::vector<CheckpointerCell> run_checkpointer_workload(const WorkloadContext& ctx) {
  std::vector<CheckpointerCell> cells;
  for (const char* approach : {"per-message", "checkpointer"}) {
    const std::string dir = ctx.scratch.fresh(std::string("checkpointer-") + approach);
    cells.push_back(approach == std::string("per-message") ? per_message(ctx, dir) : with_checkpointer(ctx, dir));
    report(cells.back());
    ctx.scratch.remove(dir);
  }
  return cells;
}

}  // namespace walkv_bench
