// walkv-replay — how the verification, the repair and the sessions are
// shown: human-readable text, or JSON Lines (one object per line, each with a
// "type" field: "check", "damage", "snapshot", "snapshot_damage",
// "repair_plan", "repair", "session", "session_info", "damaged_session",
// "verdict").
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <walkv/check.hpp>
#include <walkv/recovery.hpp>
#include <walkv/session.hpp>

namespace walkv::tools {

enum class OutputFormat { text, json_lines };

// What the verdict is: the log's state (clean, torn tail, corrupt), or, when
// the log opens but the snapshot has entries that fail their checksum,
// snapshot_damaged, or, when the log opens and no snapshot entry is damaged
// but session records are (list_damaged_sessions: a record whose bytes are
// intact but do not decode is reported nowhere else), sessions_damaged.
// Precedence, gravest first: corrupt > snapshot_damaged > sessions_damaged >
// torn_tail > clean (a session record damaged in the snapshot is already
// snapshot damage). corrupt, snapshot_damaged and sessions_damaged are
// problems (exit 1).
enum class Verdict { clean, torn_tail, corrupt, snapshot_damaged, sessions_damaged };
Verdict verdict_of(const LogCheck& check, bool snapshot_damaged = false, bool sessions_damaged = false) noexcept;
bool is_problem(Verdict verdict) noexcept;
const char* verdict_name(Verdict verdict) noexcept;

class ReplayReport {
 public:
  ReplayReport(std::ostream& out, OutputFormat format) : out_(out), format_(format) {}

  // `phase` is "verify" for the first check, "after repair" for the re-check.
  void check(const std::string& dir, const std::string& phase, const LogCheck& check);
  // The snapshot's checksums (check_snapshot): entries, format version, how
  // many fail their checksum, and the listed damaged entries.
  void snapshot(const SnapshotCheck& check);
  void repair(const RecoveryReport& report, RecoveryMode mode);
  // What repair would do (dry run); `holder_pid` non-zero when a process
  // holds the store (so --yes would be refused).
  void repair_plan(const RecoveryReport& report, RecoveryMode mode, std::uint64_t holder_pid);
  // `view` says which log the sessions were read from (e.g. "the log up to
  // the first damage" when the log is corrupt).
  void sessions(const std::vector<InterruptedSession>& sessions, const std::string& view);
  // Every session, with its status and latest checkpoint number.
  void all_sessions(const std::vector<SessionInfo>& sessions);
  // The sessions whose record is damaged (list_damaged_sessions); prints
  // nothing when there are none.
  void damaged_sessions(const std::vector<DamagedSession>& sessions);
  void verdict(Verdict verdict, int exit_code);

 private:
  void check_text(const std::string& dir, const std::string& phase, const LogCheck& check);
  void check_json(const std::string& dir, const std::string& phase, const LogCheck& check);
  void damage_text(const Corruption& damage);
  void damage_json(const Corruption& damage);
  void snapshot_text(const SnapshotCheck& check);
  void snapshot_json(const SnapshotCheck& check);
  void session_text(const InterruptedSession& session);
  void session_json(const InterruptedSession& session);
  void info_text(const SessionInfo& info);
  void info_json(const SessionInfo& info);

  std::ostream& out_;
  OutputFormat format_;
};

}  // namespace walkv::tools
