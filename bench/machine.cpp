#include "machine.hpp"

#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace walkv_bench {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

std::string kernel() {
  struct utsname u {};
  if (::uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

// Fills filesystem, block_device and mount_options from /proc/self/mountinfo:
// the mount whose device number is the scratch directory's.
void describe_mount(const std::string& dir, MachineInfo& info) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return;
  const std::string wanted = std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point, options;
    fields >> id >> parent >> devno >> root >> mount_point >> options;
    if (devno != wanted) continue;
    std::string field;
    while (fields >> field && field != "-") {
    }
    std::string type, source, super_options;
    fields >> type >> source >> super_options;
    info.filesystem = type;
    info.block_device = source;
    info.mount_options = options + "," + super_options;
    return;
  }
}

}  // namespace

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

MachineInfo describe_machine(const std::string& scratch_dir) {
  MachineInfo info;
  info.cpus = std::thread::hardware_concurrency();
  info.cpu_model = cpu_model();
  info.kernel = kernel();
  struct sysinfo si {};
  if (::sysinfo(&si) == 0) info.memory_bytes = static_cast<std::uint64_t>(si.totalram) * si.mem_unit;
  info.scratch_dir = scratch_dir;
  describe_mount(scratch_dir, info);
  info.load_average_start = load_average();
  return info;
}

}  // namespace walkv_bench
