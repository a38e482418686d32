// walkv-replay — the parsed command line (walkv_replay.cpp parses it; the
// replay_*.cpp commands run it).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include <walkv/check.hpp>
#include <walkv/recovery.hpp>

namespace walkv::tools {

inline constexpr const char* kReplayTool = "walkv-replay";

enum class ReplayCommand { verify, dump, sessions, repair };

// How dump shows values: not at all (sizes only), escaped, hex, or redacted
// (length and XXH3-64 digest only).
enum class ValueDisplay { size_only, escaped, hex, redacted };

struct ReplayArgs {
  ReplayCommand command = ReplayCommand::verify;
  std::string dir;
  bool json = false;
  RecoveryMode mode = RecoveryMode::tolerate_corrupted_tail;  // repair
  bool yes = false;                                           // repair: change the files
  SequenceRange range;                                        // dump
  ValueDisplay values = ValueDisplay::size_only;              // dump
};

// The commands. Each returns the exit code (0 ok, 1 problems found, 2 usage
// or I/O error or store locked).
int run_verify(const ReplayArgs& args);
int run_dump(const ReplayArgs& args);
int run_sessions(const ReplayArgs& args);
int run_repair(const ReplayArgs& args);

// Prints "<dir> is not a walkv store" and returns false when it is not one.
bool require_store(const std::string& dir);

}  // namespace walkv::tools
