// walkv store — PinnedLogFs: the file system a point-in-time view of a live
// store reads through (walkv-replay, check_log, dump_log).
//
// Thread-safety: thread-safe (an internal mutex guards the pinned files);
// the descriptors it pins are closed by its destructor, which
// must run after every Store opened over it is destroyed.
//
// Why: a live writer compacts while a reader looks. PinnedLogFs::pin lists
// wal/ and opens every segment *before* the caller opens the LMDB snapshot.
// A compaction that deletes segments afterwards cannot take them away (the
// open descriptors keep the files), and every segment deleted before the
// listing held only sequences <= the applied sequence the snapshot then shows
// (compaction deletes a segment only after its frames are in the snapshot).
// A segment created after the listing is not seen: the view ends at the last
// complete frame of the pinned segments (scan_log stops at the first zero or
// torn frame), which is one point in the write order.
//
// Everything but the wal/ directory is passed to io::posix_fs(). In wal/,
// list() returns the pinned names, open_file() a duplicate of the pinned
// descriptor (read-only; anything else is not_supported).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "io/fs.hpp"

namespace walkv {

class PinnedLogFs final : public io::FileSystem {
 public:
  // Opens `dir`/wal and every segment file in it. A segment that vanishes
  // between the listing and its open (deleted by compaction) is left out.
  // Errors: not_found (no wal/), io_error.
  static Result<std::unique_ptr<PinnedLogFs>> pin(const std::string& dir);
  ~PinnedLogFs() override;
  PinnedLogFs(const PinnedLogFs&) = delete;
  PinnedLogFs& operator=(const PinnedLogFs&) = delete;

  // Names of the pinned segments.
  std::vector<std::string> segment_names() const;

  // ---- io::FileSystem
  Result<int> open_root(const std::string& path) override;
  Result<int> open_dir(int dir_fd, const std::string& name, bool create) override;
  Result<int> open_file(int dir_fd, const std::string& name, io::OpenMode mode) override;
  Status close(int fd) override;
  Status pwrite(int fd, const void* data, std::size_t len, std::uint64_t offset) override;
  Result<std::size_t> pread(int fd, void* data, std::size_t len, std::uint64_t offset) override;
  Status fdatasync(int fd) override;
  Status fsync(int fd) override;
  Status fallocate(int fd, std::uint64_t offset, std::uint64_t len) override;
  Status ftruncate(int fd, std::uint64_t len) override;
  Result<std::uint64_t> file_size(int fd) override;
  Status rename(int dir_fd, const std::string& from, const std::string& to) override;
  Status unlink(int dir_fd, const std::string& name) override;
  Result<std::vector<std::string>> list(int dir_fd) override;
  Result<bool> exists(int dir_fd, const std::string& name) override;
  Status lock(int fd) override;
  Result<bool> is_locked(int fd) override;
  Result<const std::uint8_t*> map(int fd, std::uint64_t len) override;
  void unmap(const std::uint8_t* addr, std::uint64_t len) override;

 private:
  PinnedLogFs() = default;
  bool is_wal_dir(int fd) const;
  Status read_only_refusal(const char* what) const;

  io::FileSystem& base_ = io::posix_fs();
  mutable std::mutex mu_;
  std::map<std::string, int> pinned_;      // segment name -> pinned descriptor
  std::set<int> wal_dirs_;                 // descriptors of wal/ handed out
  std::map<int, std::string> open_segments_;  // descriptor handed out -> segment name
};

}  // namespace walkv
