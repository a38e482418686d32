// walkv-demo — its command line.
#pragma once

#include <cstdint>
#include <string>

namespace walkv::demo {

struct DemoOptions {
  std::string dir = "./walkv-demo-store";
  unsigned threads = 4;
  unsigned sessions = 200;
  std::uint64_t seed = 0;          // 0 on the command line = pick one at random
  unsigned kill_after_min_ms = 300;  // the child is killed this long after its first acks...
  unsigned kill_after_max_ms = 1500; // ...at a random point of [min, max]
};

// Parses argv into `options`. Returns -1 when the demo should run, else the
// exit code (0 after --help/--version, 2 on a usage error).
int parse_demo_options(int argc, char** argv, DemoOptions& options);

}  // namespace walkv::demo
