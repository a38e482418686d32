// walkv-bench — workload 6 (issue 5): the write amplification of the session
// layer's Checkpointer against a checkpoint per message.
//
// config.checkpointer_sessions sessions each receive
// config.checkpointer_messages messages, one per simulated second (the clock
// is injected: the run takes as long as the writes, not that many seconds);
// after each message the session's state is config.checkpointer_state_bytes
// incompressible bytes. Then the gateway idles for 600 simulated seconds with
// a tick every second. Both approaches run on fresh walkv stores, Durability
// none (amplification does not depend on it; sync would only make the
// per-message baseline slower):
//   per-message   SessionStore::checkpoint after every message;
//   checkpointer  Checkpointer (every 10 messages, dirty flush after 30 s).
// Bytes written are what the process handed to write(2)/pwrite(2) while the
// approach ran (/proc/self/io wchar): log frames, framing and session records
// included. "State change" = messages x state bytes: what a gateway that
// persisted every state would have to write at least.
//
// Thread-safety: called from the main thread.
#pragma once

#include <vector>

#include "results.hpp"
#include "workloads.hpp"

namespace walkv_bench {

std::vector<CheckpointerCell> run_checkpointer_workload(const WorkloadContext& ctx);

}  // namespace walkv_bench
