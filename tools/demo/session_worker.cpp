#include "demo/session_worker.hpp"

#include <random>

namespace walkv::demo {
namespace {

Status handle_message(SessionStore& sessions, AckWriter& acks, Conversation& c, std::mt19937_64& rng) {
  receive_message(c, rng);
  if (c.checkpoint_due()) {
    auto number = sessions.checkpoint(c.id, checkpoint_of(c));
    if (!number) return number.error();
    Status acked = acks.acknowledge(c.id, *number, state_hash(c.state));
    if (!acked.ok()) return acked;
  }
  if (c.done()) return sessions.complete(c.id);
  return Status();
}

}  // namespace

Status serve_sessions(SessionStore& sessions, AckWriter& acks, std::vector<Conversation>& conversations,
                      std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (const Conversation& c : conversations) {
    Status created = sessions.create(c.id, "demo conversation");
    if (!created.ok()) return created;
  }
  for (bool any_open = true; any_open;) {
    any_open = false;
    for (Conversation& c : conversations) {
      if (c.done()) continue;
      Status handled = handle_message(sessions, acks, c, rng);
      if (!handled.ok()) return handled;
      any_open = any_open || !c.done();
    }
  }
  return Status();
}

}  // namespace walkv::demo
