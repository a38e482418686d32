#include "demo/conversation.hpp"

#include <array>

#include <xxhash.h>

namespace walkv::demo {
namespace {

constexpr std::array<const char*, 16> kWords = {
    "route", "token", "reply", "user", "tool", "call", "stream", "delta",
    "retry", "cache", "frame", "ack", "turn", "prompt", "result", "agent"};

std::string random_text(std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> word(0, kWords.size() - 1);
  std::uniform_int_distribution<int> count(6, 24);
  std::string text;
  for (int i = count(rng); i > 0; --i) {
    text += kWords[word(rng)];
    text += ' ';
  }
  return text;
}

}  // namespace

Conversation start_conversation(std::string id, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::uint32_t> checkpoints(50, 150);
  Conversation c;
  c.id = std::move(id);
  c.total_messages = checkpoints(rng) * kCheckpointEvery;
  return c;
}

Conversation restore_conversation(std::string id, const Checkpoint& checkpoint) {
  Conversation c;
  c.id = std::move(id);
  c.state = checkpoint.state;
  c.messages = checkpoint.step;
  c.total_messages = checkpoint.total_steps;
  return c;
}

void receive_message(Conversation& c, std::mt19937_64& rng) {
  ++c.messages;
  c.state += "[" + std::to_string(c.messages) + "] " + random_text(rng) + "\n";
  if (c.state.size() > kMaxStateBytes) c.state.erase(0, c.state.size() - kMaxStateBytes);
}

CheckpointData checkpoint_of(const Conversation& c) {
  CheckpointData data;
  data.state = c.state;
  data.step = c.messages;
  data.total_steps = c.total_messages;
  data.description = "message " + std::to_string(c.messages) + " of " + std::to_string(c.total_messages);
  data.app_version = kAppVersion;
  return data;
}

std::uint64_t state_hash(const std::string& state) noexcept {
  return XXH3_64bits(state.data(), state.size());
}

}  // namespace walkv::demo
