#include "demo/demo_options.hpp"

#include <random>

#include <CLI/CLI.hpp>

namespace walkv::demo {
namespace {

// "MIN..MAX" or "N" (both ends N). Returns false if malformed or MIN > MAX.
bool parse_window(const std::string& text, unsigned& min_ms, unsigned& max_ms) {
  std::size_t dots = text.find("..");
  try {
    std::size_t used = 0;
    if (dots == std::string::npos) {
      unsigned long value = std::stoul(text, &used);
      if (used != text.size()) return false;
      min_ms = max_ms = static_cast<unsigned>(value);
      return true;
    }
    std::string low = text.substr(0, dots), high = text.substr(dots + 2);
    unsigned long lo = std::stoul(low, &used);
    if (used != low.size()) return false;
    unsigned long hi = std::stoul(high, &used);
    if (used != high.size() || lo > hi) return false;
    min_ms = static_cast<unsigned>(lo);
    max_ms = static_cast<unsigned>(hi);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int parse_demo_options(int argc, char** argv, DemoOptions& options) {
  CLI::App app{
      "The crash-and-resume demonstration: a child process serves many gateway sessions on several "
      "threads, checkpointing each durably every 10 messages and acknowledging every checkpoint in a "
      "side file; it is killed with SIGKILL at a random moment. The store is then reopened, the "
      "interrupted sessions are resumed from their latest checkpoints, and every acknowledged "
      "checkpoint is checked to have survived.\n"
      "Exit status: 0 nothing acknowledged was lost, 1 something was, 2 usage or I/O error."};
  app.set_version_flag("--version", WALKV_VERSION);
  app.add_option("--dir", options.dir, "store directory (recreated; an existing walkv store there is removed)")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "serving threads")->check(CLI::Range(1u, 256u))->capture_default_str();
  app.add_option("--sessions", options.sessions, "sessions served")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  app.add_option("--seed", options.seed, "random seed (default: random; printed for reruns)");
  std::string window = "300..1500";
  app.add_option("--kill-after-ms", window, "kill the child MIN..MAX ms after its first acknowledgements")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!parse_window(window, options.kill_after_min_ms, options.kill_after_max_ms)) {
    std::cerr << "walkv-demo: --kill-after-ms: expected MIN..MAX (milliseconds, MIN <= MAX) or N, got \""
              << window << "\"\n";
    return 2;
  }
  while (options.seed == 0) options.seed = (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  return -1;
}

}  // namespace walkv::demo
