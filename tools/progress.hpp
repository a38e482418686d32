// walkv tools — the progress line of a long run: "<tool>: <what>: N frames"
// rewritten in place on stderr, only when stderr is a terminal (design brief
// §6), and erased when the run ends so results on stdout stay clean.
#pragma once

#include <cstdint>
#include <string>

namespace walkv::tools {

class Progress {
 public:
  Progress(const char* tool, std::string what);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Shows the number of frames read so far (the library calls back every
  // 4096 frames, so short runs never show a line).
  void frames(std::uint64_t count);
  // Shows what a run that has no frame count is doing now ("folding the log").
  void step(const std::string& what);

 private:
  const char* tool_;
  std::string what_;
  bool enabled_;
  bool shown_ = false;
};

}  // namespace walkv::tools
