#include "replay_report.hpp"

#include <nlohmann/json.hpp>

#include "printable.hpp"

namespace walkv::tools {
namespace {

using nlohmann::json;

void emit(std::ostream& out, const json& line) {
  out << line.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

json report_fields(const RecoveryReport& r) {
  return json{{"segments", r.segments},
              {"frames", r.frames},
              {"frames_to_replay", r.frames_replayed},
              {"bytes_to_replay", r.bytes_replayed},
              {"snapshot_sequence", r.snapshot_sequence},
              {"last_sequence", r.last_sequence},
              {"bytes_truncated", r.bytes_truncated},
              {"replay_ns", r.replay_ns}};
}

std::string step_text(const SessionInfo& info) {
  return std::to_string(info.step) + "/" + std::to_string(info.total_steps);
}

// A damaged session's problem without the "session '<id>': " the library
// starts it with (the line names the session already).
std::string problem_text(const DamagedSession& damaged) {
  const std::string& message = damaged.problem.message();
  const std::string label = "session '" + printable(damaged.id) + "': ";
  if (message.size() > label.size() && message.compare(0, label.size(), label) == 0) return message.substr(label.size());
  return message;
}

}  // namespace

Verdict verdict_of(const LogCheck& check, bool snapshot_damaged, bool sessions_damaged) noexcept {
  if (check.corrupt) return Verdict::corrupt;  // the graver: open refuses the log
  if (snapshot_damaged) return Verdict::snapshot_damaged;
  if (sessions_damaged) return Verdict::sessions_damaged;
  if (check.torn_tail) return Verdict::torn_tail;
  return Verdict::clean;
}

bool is_problem(Verdict verdict) noexcept {
  return verdict == Verdict::corrupt || verdict == Verdict::snapshot_damaged ||
         verdict == Verdict::sessions_damaged;
}

const char* verdict_name(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::clean: return "clean";
    case Verdict::torn_tail: return "torn_tail";
    case Verdict::corrupt: return "corrupt";
    case Verdict::snapshot_damaged: return "snapshot_damaged";
    case Verdict::sessions_damaged: return "sessions_damaged";
  }
  return "unknown";
}

void ReplayReport::check(const std::string& dir, const std::string& phase, const LogCheck& check) {
  if (format_ == OutputFormat::json_lines) {
    check_json(dir, phase, check);
  } else {
    check_text(dir, phase, check);
  }
}

void ReplayReport::check_text(const std::string& dir, const std::string& phase, const LogCheck& c) {
  const RecoveryReport& r = c.report;
  out_ << phase << ": " << printable(dir) << '\n'
       << "  log: " << r.segments << " segment(s), " << r.frames << " valid frame(s), last sequence "
       << r.last_sequence << '\n'
       << (c.corrupt ? "  open refuses this log by default; with the damage skipped, recovery would replay "
                     : "  recovery would replay ")
       << r.frames_replayed << " frame(s), " << r.bytes_replayed << " byte(s) after snapshot sequence "
       << r.snapshot_sequence << '\n';
  if (r.bytes_truncated != 0) {
    out_ << (c.corrupt ? "  damaged or discarded: " : "  recovery would cut ") << r.bytes_truncated
         << (c.corrupt ? " byte(s)\n" : " byte(s) of torn tail\n");
  }
  if (c.locked) {
    out_ << "  store in use by pid " << c.holder_pid << " (open epoch " << c.open_epoch
         << "); read without taking its lock\n";
  }
  for (const Corruption& damage : r.corruptions) damage_text(damage);
}

void ReplayReport::check_json(const std::string& dir, const std::string& phase, const LogCheck& c) {
  json line = report_fields(c.report);
  line["type"] = "check";
  line["phase"] = phase;
  line["store"] = dir;
  line["torn_tail"] = c.torn_tail;
  line["corrupt"] = c.corrupt;
  line["locked"] = c.locked;
  line["holder_pid"] = c.holder_pid;
  line["open_epoch"] = c.open_epoch;
  emit(out_, line);
  for (const Corruption& damage : c.report.corruptions) damage_json(damage);
}

void ReplayReport::damage_text(const Corruption& d) {
  out_ << "  " << (d.torn_tail ? "torn tail" : "CORRUPTION") << ": " << d.segment << " offset "
       << d.offset << ": " << d.reason << '\n';
}

void ReplayReport::damage_json(const Corruption& d) {
  emit(out_, json{{"type", "damage"},
                  {"segment", d.segment},
                  {"offset", d.offset},
                  {"reason", d.reason},
                  {"torn_tail", d.torn_tail}});
}

void ReplayReport::snapshot(const SnapshotCheck& check) {
  if (format_ == OutputFormat::json_lines) {
    snapshot_json(check);
  } else {
    snapshot_text(check);
  }
}

void ReplayReport::snapshot_text(const SnapshotCheck& c) {
  out_ << "  snapshot: " << c.entries << " entries, format version " << c.format_version;
  if (c.has_checksums()) {
    out_ << ", " << c.damaged << " fail their checksum\n";
  } else {
    out_ << " (no checksums)\n";
  }
  for (const SnapshotDamage& damage : c.listed)
    out_ << "  CORRUPTION: snapshot/data.mdb: the entry of key \"" << printable(damage.key) << "\" fails its checksum\n";
  if (c.damaged > c.listed.size()) out_ << "  ... and " << c.damaged - c.listed.size() << " more damaged entries\n";
}

void ReplayReport::snapshot_json(const SnapshotCheck& c) {
  emit(out_, json{{"type", "snapshot"},
                  {"format_version", c.format_version},
                  {"entries", c.entries},
                  {"damaged", c.damaged},
                  {"checksums", c.has_checksums()}});
  for (const SnapshotDamage& damage : c.listed)
    emit(out_, json{{"type", "snapshot_damage"}, {"key", printable(damage.key)}, {"reason", damage.reason}});
}

void ReplayReport::repair(const RecoveryReport& r, RecoveryMode mode) {
  if (format_ == OutputFormat::json_lines) {
    json line = report_fields(r);
    line["type"] = "repair";
    line["mode"] = recovery_mode_name(mode);
    emit(out_, line);
    return;
  }
  out_ << "repair (" << recovery_mode_name(mode) << "): cut " << r.bytes_truncated
       << " byte(s); damaged segments were first copied to wal/<segment>.broken\n";
  for (const Corruption& damage : r.corruptions) damage_text(damage);
}

void ReplayReport::repair_plan(const RecoveryReport& r, RecoveryMode mode, std::uint64_t holder_pid) {
  if (format_ == OutputFormat::json_lines) {
    json line = report_fields(r);
    line["type"] = "repair_plan";
    line["mode"] = recovery_mode_name(mode);
    line["holder_pid"] = holder_pid;
    emit(out_, line);
    for (const Corruption& damage : r.corruptions) damage_json(damage);
    return;
  }
  out_ << "repair (" << recovery_mode_name(mode) << ", dry run): would cut " << r.bytes_truncated
       << " byte(s) and keep " << r.frames << " frame(s) up to sequence " << r.last_sequence << '\n';
  for (const Corruption& damage : r.corruptions) damage_text(damage);
  if (holder_pid != 0)
    out_ << "  store in use by pid " << holder_pid << ": --yes would be refused until it closes the store\n";
  else if (r.bytes_truncated != 0 || !r.corruptions.empty())
    out_ << "  run again with --yes to change the files (damaged segments are first copied to "
            "wal/<segment>.broken)\n";
  else
    out_ << "  nothing to repair\n";
}

void ReplayReport::all_sessions(const std::vector<SessionInfo>& sessions) {
  if (format_ == OutputFormat::text) out_ << "sessions: " << sessions.size() << '\n';
  for (const SessionInfo& info : sessions) {
    if (format_ == OutputFormat::json_lines) {
      info_json(info);
    } else {
      info_text(info);
    }
  }
}

void ReplayReport::info_text(const SessionInfo& info) {
  out_ << "  " << printable(info.id) << "  " << session_status_name(info.status) << "  ";
  if (info.latest_checkpoint != 0) {
    out_ << "latest checkpoint #" << info.latest_checkpoint;
  } else {
    out_ << "no checkpoint";
  }
  out_ << "  step " << step_text(info) << "  epoch " << info.owner_epoch << "  \"" << printable(info.description)
       << "\"\n";
}

void ReplayReport::info_json(const SessionInfo& info) {
  emit(out_, json{{"type", "session_info"},
                  {"id", info.id},
                  {"status", session_status_name(info.status)},
                  {"owner_epoch", info.owner_epoch},
                  {"created_ns", info.created_ns},
                  {"updated_ns", info.updated_ns},
                  {"step", info.step},
                  {"total_steps", info.total_steps},
                  {"description", info.description},
                  {"latest_checkpoint", info.latest_checkpoint == 0 ? json(nullptr) : json(info.latest_checkpoint)},
                  {"reason", info.reason}});
}

void ReplayReport::damaged_sessions(const std::vector<DamagedSession>& sessions) {
  if (sessions.empty()) return;
  if (format_ == OutputFormat::text) out_ << "damaged sessions: " << sessions.size() << '\n';
  for (const DamagedSession& damaged : sessions) {
    if (format_ == OutputFormat::json_lines) {
      emit(out_, json{{"type", "damaged_session"}, {"id", damaged.id}, {"problem", damaged.problem.message()}});
    } else {
      out_ << "  CORRUPTION: session \"" << printable(damaged.id) << "\": " << problem_text(damaged) << '\n';
    }
  }
}

void ReplayReport::sessions(const std::vector<InterruptedSession>& sessions, const std::string& view) {
  if (format_ == OutputFormat::text) {
    out_ << "interrupted sessions: " << sessions.size();
    if (!view.empty()) out_ << " (" << view << ")";
    out_ << '\n';
  }
  for (const InterruptedSession& session : sessions) {
    if (format_ == OutputFormat::json_lines) {
      session_json(session);
    } else {
      session_text(session);
    }
  }
}

void ReplayReport::session_text(const InterruptedSession& s) {
  out_ << "  " << printable(s.info.id) << "  " << session_status_name(s.info.status) << "  ";
  if (s.checkpoint) {
    out_ << "checkpoint #" << s.checkpoint->number << "  step " << s.checkpoint->step << '/'
         << s.checkpoint->total_steps << "  \"" << printable(s.checkpoint->description) << '"';
  } else {
    out_ << "no checkpoint  step " << step_text(s.info) << "  \"" << printable(s.info.description) << '"';
  }
  out_ << '\n';
  for (const std::string& skipped : s.skipped) out_ << "    skipped " << printable(skipped) << '\n';
}

void ReplayReport::session_json(const InterruptedSession& s) {
  json line{{"type", "session"},
            {"id", s.info.id},
            {"status", session_status_name(s.info.status)},
            {"owner_epoch", s.info.owner_epoch},
            {"updated_ns", s.info.updated_ns},
            {"step", s.info.step},
            {"total_steps", s.info.total_steps},
            {"description", s.info.description},
            {"latest_checkpoint", nullptr},
            {"skipped", s.skipped}};
  if (s.checkpoint) {
    line["latest_checkpoint"] = s.checkpoint->number;
    line["step"] = s.checkpoint->step;
    line["total_steps"] = s.checkpoint->total_steps;
    line["description"] = s.checkpoint->description;
    line["app_version"] = s.checkpoint->app_version;
  }
  emit(out_, line);
}

void ReplayReport::verdict(Verdict verdict, int exit_code) {
  if (format_ == OutputFormat::json_lines) {
    emit(out_, json{{"type", "verdict"}, {"result", verdict_name(verdict)}, {"exit", exit_code}});
    return;
  }
  switch (verdict) {
    case Verdict::clean:
      out_ << "verdict: clean\n";
      break;
    case Verdict::torn_tail:
      out_ << "verdict: torn tail only (open cuts it off; walkv-replay --repair does it now)\n";
      break;
    case Verdict::corrupt:
      out_ << "verdict: CORRUPT (open refuses this log by default; see walkv-replay repair --mode skip_corrupted|point_in_time)\n";
      break;
    case Verdict::snapshot_damaged:
      out_ << "verdict: SNAPSHOT DAMAGED (the store opens; reads of the entries listed fail with corruption "
              "until their keys are written again)\n";
      break;
    case Verdict::sessions_damaged:
      out_ << "verdict: SESSIONS DAMAGED (the store opens; the sessions listed are left out of session listings "
              "and resumes until SessionStore::repair rebuilds or drop removes them)\n";
      break;
  }
}

}  // namespace walkv::tools
