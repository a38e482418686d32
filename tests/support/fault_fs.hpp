// Test support: a fault-injecting io::FileSystem with power-loss simulation
// (RocksDB's FaultInjectionTestFS, SQLite's crash VFS).
//
// FaultFs forwards every call to a base FileSystem (io::posix_fs() by
// default) and can
//   - count calls by kind (FsOp) and in total;
//   - fail the Nth call of a kind, or of any kind, with a chosen errno, once or
//     until heal() ("the disk is full until space returns");
//   - make a pwrite short: write its first bytes for real, then fail;
//   - crash at call N: that call and every later one fail (EIO by default), so
//     the code under test can be abandoned exactly there;
//   - simulate power loss: drop every byte not covered by a successful
//     fdatasync/fsync of its file, and every create/rename/unlink not covered
//     by an fsync of its directory.
// A process crash (kill -9) needs no simulation: the page cache keeps every
// completed write, so the test just abandons the store and reopens.
//
// Power loss works with undo journals. Before a pwrite/ftruncate/fallocate
// the old bytes and size of the affected range are saved in the file's
// journal (per inode), which a successful fdatasync/fsync of the file clears.
// Namespace changes (file or directory created, renamed, unlinked) are saved
// per directory (a hard link keeps a replaced or unlinked file), cleared by an
// fsync of that directory. power_loss() applies the journals in reverse.
// A failed fdatasync/fsync of a file models Linux's fsyncgate behaviour: the
// changes it should have made durable are lost for good (the dirty pages were
// marked clean), so even a later successful sync does not save those bytes
// (only bytes written again after the failure and then synced survive). A
// failed directory fsync just leaves its records pending.
//
// Limits: only calls through this FileSystem are journaled. LMDB (the
// snapshot) does its own file I/O: a committed LMDB transaction is durable
// (LMDB syncs on commit) and is never rolled back by power_loss(). Unsynced
// writes are dropped whole (no torn sectors); torn frames are tested by
// cutting files directly (tests/store/test_store_recovery.cpp, tests/wal).
//
// Thread-safety: all methods may be called from any thread. Mutating calls
// are serialised (journal + write are atomic). Call numbering is
// deterministic only when the code under test is single-threaded.
#pragma once

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io/fs.hpp"

namespace walkv::test {

enum class FsOp {
  open_root,
  open_dir,
  open_file,
  close,
  pwrite,
  pread,
  fdatasync,
  fsync,
  fallocate,
  ftruncate,
  file_size,
  rename,
  unlink,
  list,
  exists,
  lock,
  is_locked,
  map,
  // unmap cannot fail and is not counted.
  any,  // for fail(): a call of any kind
};
constexpr std::size_t kFsOpCount = static_cast<std::size_t>(FsOp::any);
const char* fs_op_name(FsOp op) noexcept;

enum class PowerLoss {
  drop_unsynced,      // drop unsynced data and unsynced namespace changes (the default)
  keep_names,         // drop unsynced data only (namespace changes survived)
  keep_data,          // drop unsynced namespace changes only (data pages survived)
};

class FaultFs final : public io::FileSystem {
 public:
  // With real_syncs false (the default), fdatasync/fsync are not passed to
  // the base file system: durability is simulated by the journals, and tests
  // do not wait for the device. (LMDB still syncs its own commits.)
  explicit FaultFs(io::FileSystem& base = io::posix_fs(), bool real_syncs = false);
  ~FaultFs() override;
  FaultFs(const FaultFs&) = delete;
  FaultFs& operator=(const FaultFs&) = delete;

  // ---- counting (every call is counted, failed ones too; unmap is not)
  std::uint64_t calls(FsOp op) const;  // FsOp::any: all kinds
  std::uint64_t calls() const { return calls(FsOp::any); }
  // Calls of `op` that succeeded.
  std::uint64_t completed(FsOp op) const;
  // Waits until completed(op) >= n or the timeout passes; returns whether it was reached.
  bool wait_completed(FsOp op, std::uint64_t n, std::chrono::milliseconds timeout) const;

  // ---- faults. `nth` counts calls of `op` from now on: 1 = the next one.
  // With until_healed, that call and every later one of the kind fail until heal().
  void fail(FsOp op, std::uint64_t nth, int err, bool until_healed = false);
  // The nth pwrite from now writes its first `bytes` bytes for real, then fails with err.
  void short_write(std::uint64_t nth, std::size_t bytes, int err);
  // The nth call of any kind from now and every later call fail with err
  // (close still releases the descriptor, unmap still unmaps).
  void crash_at(std::uint64_t nth, int err = EIO);
  bool crashed() const;
  // Number of calls failed by injection so far.
  std::uint64_t injected() const;
  // Removes every armed fault and ends a crash.
  void heal();

  // ---- power loss. Applies the undo journals, then forgets them. Call it
  // only after the code under test released the files (store destroyed).
  void power_loss(PowerLoss mode = PowerLoss::drop_unsynced);
  // What a power loss now would drop: files with unsynced data, namespace
  // changes not covered by a directory fsync (descriptions, for assertions).
  std::vector<std::string> unsynced_files() const;
  std::vector<std::string> unsynced_names() const;

  // ---- trace: one line per counted call, "#<n> <op> <file> [details] [-> error]".
  std::vector<std::string> trace() const;
  std::string trace_line(std::uint64_t n) const;  // n: 1-based call number, "" if unknown

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
  // Passed to the base file system (whose map() this one returns), like
  // unmap: cannot fail, is not an FsOp and is never injected; counted apart
  // (page_releases()) so tests can see that the replay released pages.
  void release_pages(const std::uint8_t* addr, std::uint64_t len) override;
  // Calls of release_pages so far, and the bytes they named.
  std::uint64_t page_releases() const;
  std::uint64_t page_release_bytes() const;

 private:
  struct Key {
    std::uint64_t dev = 0, ino = 0;
    auto operator<=>(const Key&) const = default;
  };
  struct DataUndo {
    std::uint64_t old_size = 0;
    std::uint64_t offset = 0;
    std::uint64_t written = 0;  // bytes of [offset, ...) this change wrote (or cut off)
    std::string old_bytes;      // bytes of [offset, offset + old_bytes.size()) before the change
  };
  struct DataJournal {
    int fd = -1;           // our own descriptor of the inode (a dup)
    std::string name;
    std::vector<DataUndo> undo;  // cleared by a successful sync
    std::vector<DataUndo> lost;  // fsyncgate: pages a failed sync dropped; never cleared
    std::uint64_t order = 0;     // for applying journals deterministically
  };
  enum class NsKind { created_file, created_dir, renamed, unlinked };
  struct NsRecord {
    Key dir;
    int dir_fd = -1;  // owned by dir_fds_
    NsKind kind;
    std::string name, to;
    std::string saved;  // name in the scratch directory of a kept hard link, or ""
    std::string where;  // the directory, for messages
  };
  struct Decision {
    int err = 0;
    std::optional<std::size_t> short_bytes;
  };
  struct Rule {
    FsOp op;
    std::uint64_t target;  // absolute count of `op` (or of all calls) that fires
    int err;
    bool sticky;
    std::optional<std::size_t> short_bytes;
    bool fired = false;
  };

  // All private helpers expect mu_ held.
  Decision decide(FsOp op, const std::string& what);
  void done(FsOp op) {
    done_[static_cast<std::size_t>(op)] += 1;
    done_[kFsOpCount] += 1;
    cv_.notify_all();
  }
  Status injected_status(FsOp op, const std::string& what, int err) const;
  std::string fd_name(int fd) const;
  std::string child_name(int dir_fd, const std::string& name) const;
  Key key_of(int fd) const;
  int dir_fd_for(int dir_fd, const std::string& name, std::string* leaf, Key* key);
  DataJournal& journal_for(int fd);
  void journal_write(int fd, std::uint64_t offset, std::uint64_t len);
  void journal_truncate(int fd, std::uint64_t len);
  void journal_size(int fd);
  void synced(int fd, bool ok);
  std::string keep_link(int dir_fd, const std::string& name);
  void drop_saved(const std::string& saved);
  void ensure_scratch();
  void undo_data(DataJournal& j);
  void undo_ns(const NsRecord& r);

  io::FileSystem& base_;
  const bool real_syncs_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::uint64_t counts_[kFsOpCount + 1] = {};
  std::uint64_t done_[kFsOpCount + 1] = {};
  std::vector<Rule> rules_;
  std::optional<std::uint64_t> crash_target_;
  int crash_err_ = EIO;
  bool crashed_ = false;
  std::uint64_t injected_ = 0;

  std::map<int, std::string> names_;  // descriptor -> display path
  std::uint64_t page_releases_ = 0;     // guarded by mu_
  std::uint64_t page_release_bytes_ = 0;  // guarded by mu_
  std::map<Key, DataJournal> data_;
  std::uint64_t data_order_ = 0;
  std::vector<NsRecord> ns_;
  std::map<Key, int> dir_fds_;
  std::string scratch_;  // directory keeping hard links of replaced/unlinked files
  int scratch_fd_ = -1;
  std::uint64_t scratch_seq_ = 0;
  std::vector<std::string> trace_;
};

}  // namespace walkv::test
