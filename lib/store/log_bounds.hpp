// walkv store — does the surviving log fit the snapshot? (brief §7: missing
// segments, snapshot ahead of the log). Shared by open and the checker.
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>

#include <walkv/status.hpp>

#include "wal/log_reader.hpp"

namespace walkv {

// Errors (Code::corruption): the log starts after applied+1 (segments are
// missing), holds no segment although the snapshot has data, or ends before
// the snapshot's applied sequence.
inline Status check_log_bounds(const wal::ScanResult& scan, std::uint64_t applied, const std::string& dir) {
  if (scan.segments.empty()) {
    if (applied == 0) return Status();
    return Status(Code::corruption, "store " + dir + ": wal/ holds no segment but the snapshot ends at sequence " +
                                        std::to_string(applied) + " (missing segments)");
  }
  const auto& first = scan.segments.front();
  if (first.first_sequence > applied + 1)
    return Status(Code::corruption, "store " + dir + ": wal/" + first.name + " starts at sequence " +
                                        std::to_string(first.first_sequence) + " but the snapshot ends at " +
                                        std::to_string(applied) + " (missing segments)");
  if (scan.report.last_sequence < applied)
    return Status(Code::corruption, "store " + dir + ": the snapshot (sequence " + std::to_string(applied) +
                                        ") is ahead of the log (ends at " +
                                        std::to_string(scan.report.last_sequence) + ")");
  return Status();
}

}  // namespace walkv
