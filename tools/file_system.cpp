#include "file_system.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <optional>

namespace walkv::tools {

namespace {

// The st_dev of `path`, or of its nearest existing ancestor.
std::optional<dev_t> device_of(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec).lexically_normal();
  if (ec) return std::nullopt;
  for (;; p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) return st.st_dev;
    if (p == p.root_path() || !p.has_relative_path()) return std::nullopt;
  }
}

}  // namespace

bool same_file_system(const std::string& a, const std::string& b) {
  auto device_a = device_of(a);
  auto device_b = device_of(b);
  return device_a && device_b && *device_a == *device_b;
}

}  // namespace walkv::tools
