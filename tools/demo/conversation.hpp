// walkv-demo — one gateway session's volatile state: every message changes it,
// every kCheckpointEvery messages it is checkpointed.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <walkv/session.hpp>

namespace walkv::demo {

inline constexpr std::uint32_t kCheckpointEvery = 10;  // messages per durable checkpoint
inline constexpr std::size_t kMaxStateBytes = 4096;    // the state keeps the latest messages
inline constexpr const char* kAppVersion = "1.0.0";    // version of this state format

struct Conversation {
  std::string id;
  std::string state;               // the application's serialized state
  std::uint32_t messages = 0;      // messages handled so far
  std::uint32_t total_messages = 0;

  bool done() const noexcept { return messages >= total_messages; }
  bool checkpoint_due() const noexcept { return messages % kCheckpointEvery == 0; }
};

// A new conversation of a random length (a multiple of kCheckpointEvery).
Conversation start_conversation(std::string id, std::mt19937_64& rng);

// Rebuilds a conversation from its checkpoint (what a restarted gateway does).
Conversation restore_conversation(std::string id, const Checkpoint& checkpoint);

// Handles one incoming message: appends it to the state, trimming the oldest.
void receive_message(Conversation& conversation, std::mt19937_64& rng);

// The checkpoint that captures `conversation` now.
CheckpointData checkpoint_of(const Conversation& conversation);

// XXH3-64 of the state, as acknowledged and as stored in checkpoints.
std::uint64_t state_hash(const std::string& state) noexcept;

}  // namespace walkv::demo
