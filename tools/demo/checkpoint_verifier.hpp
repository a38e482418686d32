// walkv-demo — checks every acknowledged checkpoint against the reopened store:
// a session's latest recovered checkpoint is at least its latest acknowledged
// one, and every acknowledged checkpoint still within keep_checkpoints of the
// latest loads with the acknowledged state hash. Older ones were deleted by the
// retention policy, as designed, and count as superseded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <walkv/session.hpp>

#include "demo/ack_log.hpp"

namespace walkv::demo {

struct VerifyResult {
  std::size_t sessions = 0;      // sessions with at least one acknowledged checkpoint
  std::size_t acknowledged = 0;  // acknowledged checkpoints
  std::size_t verified = 0;      // ... loaded intact with the acknowledged hash
  std::size_t superseded = 0;    // ... older than keep_checkpoints, deleted by retention
  std::size_t lost = 0;          // ... missing or different: must be 0
  std::size_t beyond_acknowledged = 0;  // recovered checkpoints written but not yet acknowledged at the kill
  std::vector<std::string> problems;    // one line per lost checkpoint
};

VerifyResult verify_acknowledged(const SessionStore& sessions, const AckBook& acks, std::uint32_t keep_checkpoints);

}  // namespace walkv::demo
