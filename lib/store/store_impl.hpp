// walkv store — Store::Impl, shared by the write path (store.cpp), open and
// recovery (store_open.cpp) and compaction (compaction.cpp).
//
// Locking order (never take an earlier one while holding a later one):
//   compaction_mu_  → GroupCommit's queue (leader role) → tables_mu_
//   → published_'s internal writer mutex (read_tables.hpp)
// tables_mu_ only guards the mem_/imm_ pointers; MemTable and Snapshot are
// themselves thread-safe. get takes neither: it reads published_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <walkv/options.hpp>
#include <walkv/recovery.hpp>
#include <walkv/status.hpp>
#include <walkv/store.hpp>

#include "io/fs.hpp"
#include "memtable/memtable.hpp"
#include "snapshot/snapshot.hpp"
#include "store/group_commit.hpp"
#include "store/read_tables.hpp"
#include "store/statistics.hpp"
#include "store/store_lock.hpp"
#include "wal/format.hpp"
#include "wal/log_reader.hpp"
#include "wal/batch_codec.hpp"
#include "wal/log_writer.hpp"

namespace walkv {

class Store::Impl {
 public:
  Impl(io::FileSystem& fs, Options options);
  ~Impl();

  // ---- open (store_open.cpp)
  Status open(const std::string& dir, bool read_only);

  // ---- writes and reads (store.cpp)
  // A batch's ops by reference (Store::write passes a WriteBatch's, Store::put
  // its arguments); they must stay valid until the call returns.
  Status write(const WriteOptions& wo, std::span<const wal::OpView> ops);
  Status sync();
  Result<std::optional<std::string>> get(std::string_view key) const;
  Result<bool> get(std::string_view key, std::string& value) const;
  Status scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& visit,
              const Store::DamagedFn& on_damaged) const;
  Status close();

  // ---- compaction (compaction.cpp)
  Status compact();

  // ---- observability (statistics.hpp; listener calls outside every lock)
  Statistics statistics() const noexcept;
  // Tells Options::listener that the store became poisoned, once; a no-op
  // unless poison() ran since the last call. Call only outside locks and
  // outside the group-commit leader role.
  void notify_poisoned();
  void notify_background_error(const Status& error);
  StoreCounters counters_;

  // ---- state read by Store's accessors
  std::string dir_;
  RecoveryReport report_;
  std::uint64_t open_epoch_ = 0;
  std::atomic<std::uint64_t> last_sequence_{0};
  bool read_only_ = false;

 private:
  struct Tables {
    std::shared_ptr<MemTable> mem;
    std::shared_ptr<MemTable> imm;  // being compacted, or null
  };
  Tables tables() const;
  // The memtable layers' answer for key (read_path.cpp): Found::value (the value
  // assigned into *value), deleted, or absent (ask the snapshot). *value is left
  // unchanged unless the answer is Found::value. Takes no lock and no reference
  // count: the tables come from published_, inside an epoch guard.
  MemTable::Found get_from_tables(std::string_view key, std::string* value) const;

  // write path
  Status validate(std::span<const wal::OpView> ops) const;
  // Joins queue_ with commit_group and publish_group (group_commit.hpp).
  Status join_queue(QueuedWriter& w);
  // Writes (and flushes) a group's frames, or rotates the memtable for a barrier.
  Status commit_group(std::span<QueuedWriter* const> group);
  Status commit_frames(std::span<QueuedWriter* const> group, bool sync);
  // Applies a committed group to the memtable and makes it visible.
  void publish_group(std::span<QueuedWriter* const> group);
  Status rotate_memtable();  // runs as a barrier writer
  void poison(const Status& cause);
  Status poisoned_status() const;
  void maybe_schedule_compaction();

  // open / recovery
  Status open_directories(const std::string& dir, bool read_only);
  Status open_snapshot(bool read_only, bool* fresh);
  Status recover_log(bool read_only);
  Status prepare_log_tail(const wal::ScanResult& scan);
  Status remove_temporary_files();
  Status backup_segment(const std::string& name);
  Status start_writer(const wal::AppendPosition& pos);

  // compaction
  Status compact_locked();
  // compact() for `background` (the trigger) or an explicit call: counts it
  // and tells the listener when it completed.
  Status compact_and_notify(bool background);
  Status delete_obsolete_segments(std::uint64_t keep_from_sequence);
  void background_loop();

  io::FileSystem& fs_;
  Options options_;
  int root_fd_ = -1;
  int wal_fd_ = -1;
  std::optional<StoreLock> lock_;
  std::unique_ptr<Snapshot> snapshot_;
  wal::StoreId store_id_{};
  std::unique_ptr<wal::LogWriter> log_;  // touched only by the group-commit leader (and open/close)

  mutable std::mutex tables_mu_;
  std::shared_ptr<MemTable> mem_;
  std::shared_ptr<MemTable> imm_;
  // mem_/imm_ again, for get (read_tables.hpp): every change of mem_/imm_ is
  // published here too, under tables_mu_; a dropped imm is then released with
  // published_.synchronize() outside tables_mu_.
  PublishedTables published_;
  std::uint64_t imm_sequence_ = 0;
  std::uint64_t applied_sequence_ = 0;  // snapshot's applied sequence (compaction_mu_)  // last sequence held by imm_ (leader/compaction only)

  GroupCommit queue_{4u << 20};
  std::uint64_t next_sequence_ = 1;           // leader only
  std::atomic<std::uint64_t> log_bytes_since_snapshot_{0};

  std::atomic<bool> poisoned_{false};
  std::atomic<bool> poison_notify_pending_{false};  // poison() ran; the listener was not told yet
  std::uint64_t imm_log_bytes_ = 0;       // log bytes imm_ holds (set at rotation; compaction_mu_)
  std::uint64_t segments_deleted_ = 0;    // by the last delete_obsolete_segments (compaction_mu_)
  mutable std::mutex poison_mu_;
  Status poison_;

  std::mutex compaction_mu_;  // one compaction at a time

  // background thread: compaction trigger and periodic sync
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool bg_stop_ = false;
  bool bg_compact_wanted_ = false;
  Status bg_error_;
  std::thread bg_thread_;

  bool closed_ = false;
};

}  // namespace walkv
