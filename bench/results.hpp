// walkv-bench — the numbers one run produces (plain data; report.cpp and
// json_output.cpp turn them into Markdown and JSON).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"

namespace walkv_bench {

struct MachineInfo {
  unsigned cpus = 0;
  std::string cpu_model;
  std::string kernel;
  std::uint64_t memory_bytes = 0;
  std::string scratch_dir;
  std::string filesystem;    // type of the scratch directory's filesystem, e.g. "ext4"
  std::string block_device;  // mount source, e.g. "/dev/vda"
  std::string device_stat_file;  // where device writes are counted from (device_writes.hpp), or ""
  std::string mount_options;
  std::string load_average_start;  // /proc/loadavg when the run started and ended:
  std::string load_average_end;    // other work on a shared machine skews every number
};

struct DeviceResult {
  bool measured = false;
  // 4 KiB appends + fdatasync to a file preallocated with fallocate (unwritten
  // extents, as walkv's segments) and to a file pre-filled with zeros.
  double fdatasync_per_second_fallocated = 0;
  double fdatasync_p50_us_fallocated = 0;
  double fdatasync_per_second_zero_filled = 0;
  double fdatasync_p50_us_zero_filled = 0;
  std::uint64_t sequential_write_bytes = 0;
  double sequential_write_mb_per_second = 0;  // write(2) 1 MiB chunks then one fdatasync
  double page_cache_read_mb_per_second = 0;   // pread of the same, still-cached file
  // 256 KiB appends (64 puts of 4 KiB: a full group at 64 threads), each
  // followed by fdatasync, to a fallocated file: the bandwidth a log that
  // syncs once per group can reach.
  double synced_append_mb_per_second = 0;
  // The device limits the targets compare against.
  double fdatasync_per_second() const {
    return fdatasync_per_second_fallocated > fdatasync_per_second_zero_filled ? fdatasync_per_second_fallocated
                                                                              : fdatasync_per_second_zero_filled;
  }
};

// One engine in one cell of a throughput workload.
struct ThroughputCell {
  std::string workload;  // "durable", "unsynced", "get-recent", "get-compacted"
  std::string engine;
  int threads = 0;
  std::size_t value_size = 0;
  std::uint64_t ops = 0;      // over all rounds
  double seconds = 0;         // over all rounds
  int rounds = 0;             // measurements (config.repetitions unless the engine failed)
  double ops_per_second = 0;  // median of the rounds' rates
  std::vector<double> round_rates;  // ops/s of each round, in the order measured
  double mb_per_second = 0;  // value bytes (MB = 10^6 bytes)
  double p50_us = 0, p99_us = 0, p999_us = 0;
  std::uint64_t sync_calls = 0;  // fdatasync + fsync during the cell
  double ops_per_sync() const { return sync_calls ? static_cast<double>(ops) / static_cast<double>(sync_calls) : 0; }
  // Bytes written to the scratch directory's device during the rounds (all of
  // them counted), or nullopt when not counted (device_writes.hpp).
  std::optional<std::uint64_t> device_bytes;
  std::optional<double> device_bytes_per_op() const {
    if (!device_bytes || ops == 0) return std::nullopt;
    return static_cast<double>(*device_bytes) / static_cast<double>(ops);
  }
};

struct RecoveryCell {
  std::string engine;
  std::uint64_t log_mb = 0;          // what the writer child was asked to write
  std::uint64_t bytes_written = 0;   // key + value bytes the child put before SIGKILL
  std::uint64_t puts = 0;
  std::uint64_t live_keys = 0;
  std::uint64_t live_bytes = 0;      // key + value bytes of the latest value of each key
  double open_seconds = 0;           // Engine open (replay included)
  double first_read_seconds = 0;     // open + the first get
  double mb_per_second = 0;          // bytes_written / open_seconds
  double baseline_rss_mb = 0;        // the reopen child before opening
  double peak_rss_mb = 0;            // VmHWM of the reopen child
  // Growth over the baseline of the sampled peaks of RssAnon (heap: the
  // memtable) and RssFile (mapped files: the log being replayed).
  double anon_growth_mb = 0;
  double file_growth_mb = 0;
  std::uint64_t log_bytes_replayed = 0;  // as the engine reports it (walkv)
  // Every round's open time in the order measured; this cell is the round
  // with the median one (the lower of the two middle ones for an even count).
  std::vector<double> open_seconds_rounds;
  double rss_growth_mb() const { return peak_rss_mb - baseline_rss_mb; }
};

struct CompactionCell {
  std::string engine;
  std::string round;               // "load" (every key once), "overwrite" (every key again)
  bool engine_compacts = false;    // false: compact() is a no-op for this engine
  std::uint64_t bytes_written = 0; // key + value bytes put in this round
  double seconds = 0;
  double mb_per_second = 0;
  std::uint64_t disk_bytes = 0;    // allocated bytes of the store directory after compaction
  std::vector<std::pair<std::string, std::uint64_t>> disk_parts;  // per top-level entry, largest first
  std::uint64_t live_bytes = 0;
  double space_amplification = 0;  // disk_bytes / live_bytes
};

// Workload 6: one approach to persisting session state (checkpointer_workload.hpp).
struct CheckpointerCell {
  std::string approach;             // "per-message", "checkpointer"
  std::uint64_t sessions = 0;
  std::uint64_t messages = 0;       // over all sessions
  std::size_t state_bytes = 0;      // state size after each message
  std::uint64_t checkpoints = 0;    // checkpoints written (one store write batch each)
  std::uint64_t checkpoint_state_bytes = 0;  // state bytes inside those checkpoints
  std::uint64_t bytes_written = 0;  // write(2)/pwrite(2) bytes of the process meanwhile; 0: not measurable
  std::uint64_t idle_checkpoints = 0;  // written during the idle phase
  double seconds = 0;
  std::uint64_t state_change_bytes() const { return messages * state_bytes; }
  double checkpoints_per_message() const {
    return messages ? static_cast<double>(checkpoints) / static_cast<double>(messages) : 0;
  }
  // Bytes written per byte of state change.
  double write_amplification() const {
    return state_change_bytes() ? static_cast<double>(bytes_written) / static_cast<double>(state_change_bytes()) : 0;
  }
};

struct BenchResults {
  std::string started_at;  // UTC, ISO 8601
  double total_seconds = 0;
  std::string command_line;
  BenchConfig config;
  MachineInfo machine;
  std::vector<std::string> engine_descriptions;  // "name: description"
  DeviceResult device;
  std::vector<ThroughputCell> throughput;
  std::vector<RecoveryCell> recovery;
  std::vector<CompactionCell> compaction;
  std::vector<CheckpointerCell> checkpointer;
  std::vector<std::string> errors;  // "<workload> <engine>: <what failed>"
};

}  // namespace walkv_bench
