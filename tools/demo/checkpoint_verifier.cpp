#include "demo/checkpoint_verifier.hpp"

#include "demo/conversation.hpp"

namespace walkv::demo {
namespace {

// Why acknowledged checkpoint `number` does not match, or "" when it does.
std::string mismatch(const SessionStore& sessions, const std::string& id, std::uint64_t number,
                     std::uint64_t acked_hash) {
  auto loaded = sessions.load_checkpoint(id, number);
  if (!loaded) return loaded.error().to_string();
  if (!*loaded) return "not found";
  const Checkpoint& checkpoint = **loaded;
  if (checkpoint.state_hash != acked_hash || state_hash(checkpoint.state) != acked_hash) {
    return "state hash differs from the acknowledged one";
  }
  return "";
}

void verify_session(const SessionStore& sessions, const std::string& id,
                    const std::map<std::uint64_t, std::uint64_t>& acked, std::uint32_t keep, VerifyResult& result) {
  auto latest = sessions.latest_checkpoint(id);
  std::uint64_t latest_number = (latest && *latest) ? (*latest)->number : 0;
  std::uint64_t max_acked = acked.rbegin()->first;
  if (latest_number > max_acked) result.beyond_acknowledged += latest_number - max_acked;
  for (const auto& [number, hash] : acked) {
    ++result.acknowledged;
    std::string problem;
    if (!latest) {
      problem = latest.error().to_string();
    } else if (number > latest_number) {
      problem = "missing (latest recovered is #" + std::to_string(latest_number) + ")";
    } else if (number + keep <= latest_number) {
      ++result.superseded;
      continue;
    } else {
      problem = mismatch(sessions, id, number, hash);
    }
    if (problem.empty()) {
      ++result.verified;
    } else {
      ++result.lost;
      result.problems.push_back(id + " checkpoint #" + std::to_string(number) + ": " + problem);
    }
  }
}

}  // namespace

VerifyResult verify_acknowledged(const SessionStore& sessions, const AckBook& acks, std::uint32_t keep_checkpoints) {
  VerifyResult result;
  for (const auto& [id, acked] : acks) {
    if (acked.empty()) continue;
    ++result.sessions;
    verify_session(sessions, id, acked, keep_checkpoints, result);
  }
  return result;
}

}  // namespace walkv::demo
