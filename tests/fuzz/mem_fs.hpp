// tests/fuzz — an in-memory, read-only io::FileSystem holding one directory
// (the wal/ directory a fuzz input describes), so that wal::scan_log can be
// fuzzed without touching the disk.
//
// map() returns an exact-size heap copy of the file, so AddressSanitizer
// catches any read past a segment's end (a real mmap would hide it up to the
// page end). Writing calls fail with not_supported: the reader must not write.
#pragma once

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "io/fs.hpp"

namespace walkv::fuzz {

class MemFs final : public io::FileSystem {
 public:
  static constexpr int kDirFd = 3;

  std::map<std::string, std::string> files;  // name -> contents
  int maps = 0;                               // currently mapped (must be 0 at the end)
  int open_fds = 0;                           // currently open (must be 0 at the end)

  Result<int> open_root(const std::string&) override { return kDirFd; }
  Result<int> open_dir(int, const std::string&, bool) override { return refuse<int>("open_dir"); }
  Result<int> open_file(int dir_fd, const std::string& name, io::OpenMode mode) override {
    if (dir_fd != kDirFd) return error(Code::invalid_argument, "open_file: bad directory descriptor");
    if (mode != io::OpenMode::read_only) return refuse<int>("open_file for writing");
    auto it = files.find(name);
    if (it == files.end()) return error(Code::not_found, "open " + name + ": no such file");
    const int fd = next_fd_++;
    fds_[fd] = name;
    ++open_fds;
    return fd;
  }
  Status close(int fd) override {
    if (fds_.erase(fd) == 0) return Status(Code::invalid_argument, "close: bad descriptor");
    --open_fds;
    return {};
  }
  Status pwrite(int, const void*, std::size_t, std::uint64_t) override { return refuse_status("pwrite"); }
  Result<std::size_t> pread(int fd, void* data, std::size_t len, std::uint64_t offset) override {
    const std::string* f = file(fd);
    if (f == nullptr) return error(Code::invalid_argument, "pread: bad descriptor");
    if (offset >= f->size()) return std::size_t{0};
    const std::size_t n = std::min<std::size_t>(len, f->size() - offset);
    std::memcpy(data, f->data() + offset, n);
    return n;
  }
  Status fdatasync(int) override { return refuse_status("fdatasync"); }
  Status fsync(int) override { return refuse_status("fsync"); }
  Status fallocate(int, std::uint64_t, std::uint64_t) override { return refuse_status("fallocate"); }
  Status ftruncate(int, std::uint64_t) override { return refuse_status("ftruncate"); }
  Result<std::uint64_t> file_size(int fd) override {
    const std::string* f = file(fd);
    if (f == nullptr) return error(Code::invalid_argument, "file_size: bad descriptor");
    return static_cast<std::uint64_t>(f->size());
  }
  Status rename(int, const std::string&, const std::string&) override { return refuse_status("rename"); }
  Status unlink(int, const std::string&) override { return refuse_status("unlink"); }
  Result<std::vector<std::string>> list(int dir_fd) override {
    if (dir_fd != kDirFd) return error(Code::invalid_argument, "list: bad directory descriptor");
    std::vector<std::string> names;
    for (const auto& [name, contents] : files) names.push_back(name);
    // Reverse order: the reader must sort, not rely on the listing's order.
    std::reverse(names.begin(), names.end());
    return names;
  }
  Result<bool> exists(int, const std::string& name) override { return files.count(name) != 0; }
  Status lock(int) override { return refuse_status("lock"); }
  Result<bool> is_locked(int) override { return false; }
  Result<const std::uint8_t*> map(int fd, std::uint64_t len) override {
    const std::string* f = file(fd);
    if (f == nullptr) return error(Code::invalid_argument, "map: bad descriptor");
    if (len == 0 || len > f->size()) return error(Code::invalid_argument, "map: bad length");
    auto* copy = new std::uint8_t[len];
    std::memcpy(copy, f->data(), len);
    ++maps;
    return copy;
  }
  void unmap(const std::uint8_t* addr, std::uint64_t) override {
    delete[] addr;
    --maps;
  }

 private:
  template <class T>
  static Result<T> refuse(const char* what) {
    return error(Code::not_supported, std::string(what) + ": the fuzzing file system is read-only");
  }
  static Status refuse_status(const char* what) {
    return Status(Code::not_supported, std::string(what) + ": the fuzzing file system is read-only");
  }
  const std::string* file(int fd) const {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return nullptr;
    return &files.at(it->second);
  }

  int next_fd_ = 100;
  std::map<int, std::string> fds_;
};

}  // namespace walkv::fuzz
