#include "demo/crash_child.hpp"

#include <cstdio>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "demo/ack_log.hpp"
#include "demo/session_worker.hpp"

namespace walkv::demo {
namespace {

// Session i is served by thread i % threads.
std::vector<std::vector<Conversation>> deal_conversations(const DemoOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<std::vector<Conversation>> per_thread(options.threads);
  for (unsigned i = 0; i < options.sessions; ++i) {
    per_thread[i % options.threads].push_back(start_conversation(session_id(i), rng));
  }
  return per_thread;
}

int fail(const std::string& what, const Status& status) {
  std::cerr << "walkv-demo (child): " << what << ": " << status.to_string() << '\n';
  return 3;
}

}  // namespace

std::string session_id(unsigned index) {
  char id[32];
  std::snprintf(id, sizeof id, "session-%04u", index);
  return id;
}

int run_crash_child(const DemoOptions& options, const std::string& ack_path) {
  auto store = Store::open(options.dir);
  if (!store) return fail("open " + options.dir, store.error());
  auto sessions = SessionStore::open(**store);
  if (!sessions) return fail("open sessions", sessions.error());
  auto acks = AckWriter::open(ack_path);
  if (!acks) return fail("open acknowledgement log", acks.error());

  auto per_thread = deal_conversations(options);
  std::vector<Status> results(options.threads);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < options.threads; ++t) {
    threads.emplace_back([&, t] {
      results[t] = serve_sessions(**sessions, **acks, per_thread[t], options.seed + t + 1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& result : results) {
    if (!result.ok()) return fail("serving sessions", result);
  }
  sessions->reset();
  Status closed = (*store)->close();
  return closed.ok() ? 0 : fail("close", closed);
}

}  // namespace walkv::demo
