// tests/security — helpers: a scratch directory, a umask of 0 (so that a mode
// the library passes shows unmasked), and walking a store's tree.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>

#include "../support/temp_dir.hpp"

namespace walkv::security_test {

namespace fs = std::filesystem;

// Sets the umask for one scope: with umask 0 a file created with 0644 shows
// as 0644, so the tests see exactly the mode the library asked for.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : old_(::umask(mask)) {}
  ~UmaskGuard() { ::umask(old_); }
  UmaskGuard(const UmaskGuard&) = delete;
  UmaskGuard& operator=(const UmaskGuard&) = delete;

 private:
  mode_t old_;
};

struct Entry {
  mode_t type = 0;   // S_IFREG, S_IFDIR, S_IFLNK, ...
  mode_t perms = 0;  // permission bits (07777)
};

// Every entry under `root` (relative paths, not following symlinks).
inline std::map<std::string, Entry> tree(const std::string& root) {
  std::map<std::string, Entry> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) throw std::runtime_error("lstat " + it->path().string());
    out[fs::relative(it->path(), root).string()] = Entry{static_cast<mode_t>(st.st_mode & S_IFMT),
                                                         static_cast<mode_t>(st.st_mode & 07777)};
  }
  return out;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

// Name -> contents of every regular file directly in `dir`.
inline std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out[e.path().filename().string()] = read_file(e.path());
  return out;
}

inline mode_t perms_of(const fs::path& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) throw std::runtime_error("lstat " + p.string());
  return st.st_mode & 07777;
}

}  // namespace walkv::security_test
