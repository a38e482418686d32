// Test support: a temporary directory removed at scope exit.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace walkv::test {

class TempDir {
 public:
  TempDir() : TempDir(std::filesystem::temp_directory_path()) {}
  // A temporary directory made in `base` (e.g. on another file system).
  explicit TempDir(const std::filesystem::path& base) {
    std::string templ = (base / "walkv-test-XXXXXX").string();
    char* made = ::mkdtemp(templ.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp in " + base.string() + " failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory (nothing is created).
  std::string sub(const std::string& name) const { return path_ + "/" + name; }
  // Creates the subdirectory `name` and returns its path.
  std::string subdir(const std::string& name) const {
    std::string p = sub(name);
    std::filesystem::create_directory(p);
    return p;
  }

 private:
  std::string path_;
};

}  // namespace walkv::test

namespace walkv::test {
// The error text of a Result, or "" when it holds a value (safe in test messages,
// which Boost.Test evaluates even when the check passes).
template <class R>
std::string error_text(const R& r) {
  return r.has_value() ? std::string() : r.error().to_string();
}
}  // namespace walkv::test
