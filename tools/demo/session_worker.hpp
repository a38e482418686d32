// walkv-demo — one serving thread of the child: handles one message at a time
// for each of its sessions in turn, checkpoints every kCheckpointEvery
// messages, acknowledges each checkpoint once checkpoint() returned OK, and
// completes a session when its conversation ends.
#pragma once

#include <cstdint>
#include <vector>

#include <walkv/session.hpp>

#include "demo/ack_log.hpp"
#include "demo/conversation.hpp"

namespace walkv::demo {

// Creates the sessions of `conversations`, then serves them until all are done.
Status serve_sessions(SessionStore& sessions, AckWriter& acks, std::vector<Conversation>& conversations,
                      std::uint64_t seed);

}  // namespace walkv::demo
