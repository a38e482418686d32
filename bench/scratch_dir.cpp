#include "scratch_dir.hpp"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <linux/magic.h>
#include <system_error>

#include "engine.hpp"

namespace walkv_bench {

namespace fs = std::filesystem;

bool is_tmpfs(const std::string& path) {
  struct statfs st {};
  return ::statfs(path.c_str(), &st) == 0 && st.f_type == TMPFS_MAGIC;
}

std::string default_scratch_root() {
  if (fs::is_directory("/var/tmp") && !is_tmpfs("/var/tmp")) return "/var/tmp";
  return fs::current_path().string();
}

std::uint64_t allocated_bytes(const std::string& path) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total += static_cast<std::uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

std::vector<std::pair<std::string, std::uint64_t>> allocated_bytes_by_entry(const std::string& dir) {
  std::vector<std::pair<std::string, std::uint64_t>> parts;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string path = entry.path().string();
    struct stat st {};
    std::uint64_t bytes = 0;
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) bytes = static_cast<std::uint64_t>(st.st_blocks) * 512;
    else if (entry.is_directory(ec)) bytes = allocated_bytes(path);
    parts.emplace_back(entry.path().filename().string(), bytes);
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return parts;
}

ScratchDir::ScratchDir(const std::string& root, bool keep)
    : path_((fs::absolute(root) / ("walkv-bench-" + std::to_string(::getpid()))).string()), keep_(keep) {
  std::error_code ec;
  fs::remove_all(path_, ec);
  fs::create_directories(path_, ec);
  if (ec) throw EngineError("cannot create scratch directory " + path_ + ": " + ec.message());
}

ScratchDir::~ScratchDir() {
  if (keep_) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string ScratchDir::fresh(const std::string& name) const {
  const std::string dir = path_ + "/" + name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) throw EngineError("cannot create " + dir + ": " + ec.message());
  return dir;
}

void ScratchDir::remove(const std::string& dir) const {
  if (keep_) return;
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace walkv_bench
