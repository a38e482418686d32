#include "chart.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace walkv_bench {

namespace {

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

bool run_quietly(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return false;
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct Series {
  std::size_t value_size;
  std::string engine;
  int index;  // gnuplot data block
};

// One block per (value size, engine): "threads ops/s" lines.
std::vector<Series> write_data(const BenchResults& r, const std::string& path) {
  std::ofstream out(path);
  std::vector<Series> series;
  for (std::size_t size : r.config.durable_value_sizes) {
    std::vector<std::string> engines;
    for (const auto& c : r.throughput)
      if (std::find(engines.begin(), engines.end(), c.engine) == engines.end()) engines.push_back(c.engine);
    for (const auto& engine : engines) {
      std::ostringstream block;
      for (const auto& c : r.throughput)
        if (c.workload == "durable" && c.engine == engine && c.value_size == size)
          block << c.threads << " " << c.ops_per_second << "\n";
      if (block.str().empty()) continue;
      out << "# " << engine << " " << size << " bytes\n" << block.str() << "\n\n";
      series.push_back({size, engine, static_cast<int>(series.size())});
    }
  }
  return series;
}

std::string script(const BenchResults& r, const std::vector<Series>& series, const std::string& data,
                   const std::string& png) {
  std::ostringstream gp;
  std::vector<std::size_t> sizes;
  for (const auto& s : series)
    if (sizes.empty() || sizes.back() != s.value_size) sizes.push_back(s.value_size);
  gp << "set terminal pngcairo size " << 520 * sizes.size() << ",480 font ',10'\n"
     << "set output '" << png << "'\n"
     << "set multiplot layout 1," << sizes.size() << " title 'walkv-bench " << r.started_at
     << ": durable puts, ops/s against writer threads'\n"
     << "set logscale xy\nset grid\nset key top left\nset xlabel 'threads'\nset ylabel 'ops/s'\n"
     << "set xtics (";
  for (std::size_t i = 0; i < r.config.durable_threads.size(); ++i)
    gp << (i ? ", " : "") << r.config.durable_threads[i];
  gp << ")\n";
  for (std::size_t size : sizes) {
    gp << "set title '" << size / 1024 << " KiB values'\nplot ";
    bool first = true;
    for (const auto& s : series) {
      if (s.value_size != size) continue;
      gp << (first ? "" : ", ") << "'" << data << "' index " << s.index << " using 1:2 with linespoints lw 2 title '"
         << s.engine << "'";
      first = false;
    }
    gp << "\n";
  }
  gp << "unset multiplot\n";
  return gp.str();
}

}  // namespace

std::string write_throughput_chart(const BenchResults& r, const std::string& path_prefix) {
  const std::string data = path_prefix + "-durable.dat";
  const std::string gp_path = path_prefix + "-durable.gp";
  const std::string png = path_prefix + "-durable.png";
  const auto series = write_data(r, data);
  if (series.empty()) return "";
  // The script names its files relative to its own directory (gnuplot runs there).
  std::ofstream(gp_path) << script(r, series, base_name(data), base_name(png));
  if (!on_path("gnuplot")) return "";
  const auto slash = gp_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : gp_path.substr(0, slash);
  if (!run_quietly({"gnuplot", "-e", "cd '" + dir + "'", base_name(gp_path)})) return "";
  return png;
}

}  // namespace walkv_bench
