// walkv C API — the statistics structs of include/walkv/c.h made from their
// C++ counterparts: the one place each C++ struct is converted, field by
// field (the C structs cannot embed C++ ones, and `poisoned` is an int in C).
// Designated initializers: the compiler checks the names and their order,
// and the static_asserts catch a counter added to one side only.
// Internal: never installed.
#pragma once

#include <walkv/c.h>
#include <walkv/checkpointer.hpp>
#include <walkv/statistics.hpp>

namespace walkv::capi {

static_assert(sizeof(walkv_statistics_t) == sizeof(Statistics), "walkv_statistics_t and walkv::Statistics differ");
static_assert(sizeof(walkv_checkpointer_stats_t) == sizeof(CheckpointerStats),
              "walkv_checkpointer_stats_t and walkv::CheckpointerStats differ");

inline walkv_statistics_t to_c(const Statistics& s) noexcept {
  return walkv_statistics_t{.bytes_written = s.bytes_written,
                            .frames_written = s.frames_written,
                            .group_commits = s.group_commits,
                            .fdatasyncs = s.fdatasyncs,
                            .synced_writers = s.synced_writers,
                            .write_stalls = s.write_stalls,
                            .write_stall_ns = s.write_stall_ns,
                            .compactions = s.compactions,
                            .bytes_compacted = s.bytes_compacted,
                            .compaction_ns = s.compaction_ns,
                            .replay_bytes = s.replay_bytes,
                            .replay_ns = s.replay_ns,
                            .poisoned = s.poisoned ? 1 : 0};
}

inline walkv_checkpointer_stats_t to_c(const CheckpointerStats& s) noexcept {
  return walkv_checkpointer_stats_t{.messages = s.messages,
                                    .checkpoints = s.checkpoints,
                                    .state_bytes = s.state_bytes,
                                    .by_count = s.by_count,
                                    .by_timer = s.by_timer,
                                    .by_request = s.by_request,
                                    .identity_writes = s.identity_writes,
                                    .failed = s.failed,
                                    .ticks = s.ticks};
}

}  // namespace walkv::capi
