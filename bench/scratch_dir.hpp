// walkv-bench — the scratch directory: every store and every device test file
// of a run lives under one directory, so they all hit the same filesystem.
//
// Thread-safety: used from the main thread only.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace walkv_bench {

// /var/tmp when it is a real filesystem, else the current directory: never a
// tmpfs (it would measure memory, not the device).
std::string default_scratch_root();
bool is_tmpfs(const std::string& path);

// Allocated bytes (st_blocks) of every file under `path`, recursively.
std::uint64_t allocated_bytes(const std::string& path);
// allocated_bytes of each entry directly under `dir`, largest first.
std::vector<std::pair<std::string, std::uint64_t>> allocated_bytes_by_entry(const std::string& dir);

class ScratchDir {
 public:
  // Creates "<root>/walkv-bench-<pid>". Removed again by the destructor
  // unless `keep`.
  ScratchDir(const std::string& root, bool keep);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // An empty directory "<path>/<name>" (whatever was there is removed).
  std::string fresh(const std::string& name) const;
  void remove(const std::string& dir) const;

 private:
  std::string path_;
  bool keep_;
};

}  // namespace walkv_bench
