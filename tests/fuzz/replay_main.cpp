// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without
// libFuzzer, so every build (gcc included) runs the seed corpus and the crash
// regressions as an ordinary test.
//
//   replay_<target> DIR_OR_FILE...            every argument must exist
//   replay_<target> ... --optional DIR ...     arguments after --optional may be missing
//
// A directory is replayed file by file in name order (not recursively). The
// run fails when no input at all was found (a misconfigured test must not pass
// vacuously). Each input's name is printed before it runs, so the log of a
// crashing run ends with the culprit.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
    std::exit(2);
  }
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  bool optional = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--optional") {
      optional = true;
      continue;
    }
    const fs::path p(arg);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(p))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else if (fs::is_regular_file(p, ec)) {
      inputs.push_back(p);
    } else if (!optional) {
      std::fprintf(stderr, "replay: %s does not exist\n", p.c_str());
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no inputs found\n");
    return 2;
  }
  for (const auto& p : inputs) {
    std::printf("replay %s\n", p.c_str());
    std::fflush(stdout);
    const std::vector<std::uint8_t> bytes = read_all(p);
    // An exact-size heap copy, as libFuzzer passes it: a read past the end is
    // caught by AddressSanitizer.
    auto* copy = new std::uint8_t[bytes.size() + (bytes.empty() ? 1 : 0)];
    std::copy(bytes.begin(), bytes.end(), copy);
    LLVMFuzzerTestOneInput(copy, bytes.size());
    delete[] copy;
  }
  std::printf("replayed %zu inputs\n", inputs.size());
  return 0;
}
