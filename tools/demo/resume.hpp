// walkv-demo — what a restarted gateway does with the sessions it finds
// interrupted: takes each over, rebuilds its state from the latest valid
// checkpoint, handles the next message and checkpoints it (here it then ends
// the conversation and marks the session completed). Sessions are spread over
// `threads` threads, as the gateway's serving threads would take them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <walkv/session.hpp>

namespace walkv::demo {

struct ResumeResult {
  std::size_t resumed = 0;          // sessions taken over and completed
  std::size_t from_checkpoint = 0;  // ... that had a checkpoint to restart from
  std::string example;              // one line describing a resumed session
};

Result<ResumeResult> resume_and_complete(SessionStore& sessions, const std::vector<InterruptedSession>& interrupted,
                                         unsigned threads, std::uint64_t seed);

}  // namespace walkv::demo
