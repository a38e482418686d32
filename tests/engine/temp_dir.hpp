// A fresh directory under /tmp for one test, removed with everything in it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace walkv::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/walkv-engine-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Creates (and returns the path of) a subdirectory.
  std::string subdir(const std::string& name) const {
    std::string p = path_ + "/" + name;
    std::filesystem::create_directory(p);
    return p;
  }

 private:
  std::string path_;
};

}  // namespace walkv::test
