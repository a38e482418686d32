#include "demo/store_dir.hpp"

#include <filesystem>
#include <system_error>

#include <walkv/check.hpp>

namespace walkv::demo {
namespace {

namespace fs = std::filesystem;

Status create_parent(const std::string& dir) {
  fs::path parent = fs::path(dir).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return Status(Code::io_error, "create " + parent.string() + ": " + ec.message());
  return Status();
}

}  // namespace

Status clear_store_dir(const std::string& dir) {
  std::error_code ec;
  fs::file_status status = fs::symlink_status(dir, ec);
  if (status.type() == fs::file_type::not_found) return create_parent(dir);
  if (ec) return Status(Code::io_error, dir + ": " + ec.message());
  bool empty_dir = fs::is_directory(status) && fs::is_empty(dir, ec);
  if (!empty_dir && !(fs::is_directory(status) && is_store(dir))) {
    return Status(Code::invalid_argument,
                  dir + " exists and is not a walkv store; refusing to remove it (choose another --dir)");
  }
  fs::remove_all(dir, ec);
  if (ec) return Status(Code::io_error, "remove " + dir + ": " + ec.message());
  return Status();
}

}  // namespace walkv::demo
