// A FileSystem that forwards to posix_fs but fails chosen calls, to test how
// the wal layer handles ENOSPC and EIO (RocksDB's FaultInjectionTestFS idea).
#pragma once

#include <algorithm>
#include <vector>

#include "io/fs.hpp"

namespace walkv::wal::test {

class FaultFs final : public io::FileSystem {
 public:
  // Number of upcoming calls of each kind to fail.
  int fail_pwrites = 0;
  int fail_fallocates = 0;
  int fail_fdatasyncs = 0;
  int fail_preads = 0;  // fail with Code::io_error
  Code fail_code = Code::no_space;
  // A failing pwrite first writes this many bytes for real (a short write).
  std::size_t partial_bytes = 0;
  // Every pwrite that reached the file system (failed ones included), in order.
  struct Write {
    std::uint64_t offset;
    std::size_t len;
    bool zeros;  // every byte written was zero
  };
  std::vector<Write> writes;
  // Every start_writeback call, in order: [begin, end) byte ranges.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> writebacks;
  // Every pread call (failed ones included), in order: offset and length asked.
  std::vector<std::pair<std::uint64_t, std::size_t>> reads;

  Result<int> open_root(const std::string& path) override { return base_.open_root(path); }
  Result<int> open_dir(int dir_fd, const std::string& name, bool create) override {
    return base_.open_dir(dir_fd, name, create);
  }
  Result<int> open_file(int dir_fd, const std::string& name, io::OpenMode mode) override {
    return base_.open_file(dir_fd, name, mode);
  }
  Status close(int fd) override { return base_.close(fd); }
  Status pwrite(int fd, const void* data, std::size_t len, std::uint64_t offset) override {
    const auto* bytes = static_cast<const char*>(data);
    writes.push_back({offset, len, std::all_of(bytes, bytes + len, [](char c) { return c == 0; })});
    if (fail_pwrites > 0) {
      --fail_pwrites;
      if (partial_bytes > 0) (void)base_.pwrite(fd, data, std::min(len, partial_bytes), offset);
      return Status(fail_code, "injected pwrite failure");
    }
    return base_.pwrite(fd, data, len, offset);
  }
  Result<std::size_t> pread(int fd, void* data, std::size_t len, std::uint64_t offset) override {
    reads.emplace_back(offset, len);
    if (fail_preads > 0) {
      --fail_preads;
      return error(Code::io_error, "injected pread failure");
    }
    return base_.pread(fd, data, len, offset);
  }
  Status fdatasync(int fd) override {
    if (fail_fdatasyncs > 0) {
      --fail_fdatasyncs;
      return Status(Code::io_error, "injected fdatasync failure");
    }
    return base_.fdatasync(fd);
  }
  Status fsync(int fd) override { return base_.fsync(fd); }
  void start_writeback(int fd, std::uint64_t offset, std::uint64_t len) override {
    writebacks.emplace_back(offset, offset + len);
    base_.start_writeback(fd, offset, len);
  }
  Status fallocate(int fd, std::uint64_t offset, std::uint64_t len) override {
    if (fail_fallocates > 0) {
      --fail_fallocates;
      return Status(fail_code, "injected fallocate failure");
    }
    return base_.fallocate(fd, offset, len);
  }
  Status ftruncate(int fd, std::uint64_t len) override { return base_.ftruncate(fd, len); }
  Result<std::uint64_t> file_size(int fd) override { return base_.file_size(fd); }
  Status rename(int dir_fd, const std::string& from, const std::string& to) override {
    return base_.rename(dir_fd, from, to);
  }
  Status unlink(int dir_fd, const std::string& name) override { return base_.unlink(dir_fd, name); }
  Result<std::vector<std::string>> list(int dir_fd) override { return base_.list(dir_fd); }
  Result<bool> exists(int dir_fd, const std::string& name) override { return base_.exists(dir_fd, name); }
  Status lock(int fd) override { return base_.lock(fd); }
  Result<bool> is_locked(int fd) override { return base_.is_locked(fd); }
  Result<const std::uint8_t*> map(int fd, std::uint64_t len) override { return base_.map(fd, len); }
  void unmap(const std::uint8_t* addr, std::uint64_t len) override { base_.unmap(addr, len); }

 private:
  io::FileSystem& base_ = io::posix_fs();
};

}  // namespace walkv::wal::test
