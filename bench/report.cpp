#include "report.hpp"

#include <algorithm>

#include "markdown_table.hpp"

namespace walkv_bench {

namespace {

std::string mb(std::uint64_t bytes) { return fixed(static_cast<double>(bytes) / 1e6, 1); }

std::string machine_section(const BenchResults& r) {
  const MachineInfo& m = r.machine;
  std::string out = "## Machine\n\n";
  out += "- CPUs: " + std::to_string(m.cpus) + " × " + m.cpu_model + "\n";
  out += "- memory: " + fixed(static_cast<double>(m.memory_bytes) / (1ull << 30), 1) + " GiB\n";
  out += "- kernel: " + m.kernel + "\n";
  out += "- scratch: `" + m.scratch_dir + "` on " + m.filesystem + " (" + m.block_device + ", " + m.mount_options +
         ")\n";
  const std::string counted = m.device_stat_file.empty() ? "nowhere (no block device)" : "`" + m.device_stat_file + "`";
  out += "- device writes counted from: " + counted + "\n";
  out += "- load average (1, 5, 15 min) at start: " + m.load_average_start + ", at end: " + m.load_average_end +
         "\n";
  out += "- command: `" + r.command_line + "`\n";
  out += "- started " + r.started_at + ", took " + fixed(r.total_seconds, 0) + " s\n\nEngines:\n\n";
  for (const auto& e : r.engine_descriptions) out += "- " + e + "\n";
  return out + "\n";
}

std::string device_section(const DeviceResult& d) {
  if (!d.measured) return "";
  MarkdownTable t({"device measurement", ">value"});
  t.add_row({"4 KiB append + fdatasync, fallocated file", thousands(d.fdatasync_per_second_fallocated) + "/s (p50 " +
                                                             fixed(d.fdatasync_p50_us_fallocated, 0) + " µs)"});
  t.add_row({"4 KiB append + fdatasync, zero-filled file", thousands(d.fdatasync_per_second_zero_filled) + "/s (p50 " +
                                                              fixed(d.fdatasync_p50_us_zero_filled, 0) + " µs)"});
  t.add_row({"sequential write " + mb(d.sequential_write_bytes) + " MB + fdatasync",
             fixed(d.sequential_write_mb_per_second, 0) + " MB/s"});
  t.add_row({"page-cache read", fixed(d.page_cache_read_mb_per_second, 0) + " MB/s"});
  t.add_row({"256 KiB append + fdatasync, fallocated file", fixed(d.synced_append_mb_per_second, 0) + " MB/s"});
  return "## Device (same filesystem, same run)\n\n" + t.render() + "\n";
}

std::string targets_section(const std::vector<TargetCheck>& targets) {
  MarkdownTable t({"target (issue 3)", "measured", "met"});
  for (const auto& c : targets) t.add_row({c.target, c.measured, c.met ? (*c.met ? "yes" : "**no**") : "–"});
  return "## Targets\n\n" + t.render() + "\n";
}

std::vector<std::string> peers_in_order(const std::vector<Ratio>& ratios) {
  std::vector<std::string> peers;
  for (const auto& r : ratios)
    if (std::find(peers.begin(), peers.end(), r.peer) == peers.end()) peers.push_back(r.peer);
  return peers;
}

std::string ratios_section(const std::vector<Ratio>& ratios) {
  if (ratios.empty()) return "";
  const auto peers = peers_in_order(ratios);
  std::vector<std::string> columns{"walkv ÷ peer (same run)"};
  for (const auto& p : peers) columns.push_back(">" + p);
  MarkdownTable t(columns);
  std::vector<std::string> cells;
  for (const auto& r : ratios)
    if (std::find(cells.begin(), cells.end(), r.cell) == cells.end()) cells.push_back(r.cell);
  for (const auto& cell : cells) {
    std::vector<std::string> row{cell};
    for (const auto& p : peers) {
      std::string text = "–";
      for (const auto& r : ratios)
        if (r.cell == cell && r.peer == p) text = fixed(r.ratio, 2) + "×";
      row.push_back(text);
    }
    t.add_row(row);
  }
  return "## Ratios\n\nwalkv ÷ peer, above 1 walkv is faster. Throughput: the median over the rounds of walkv's "
         "rate ÷ the peer's rate in the same round (measured seconds apart). Reopen: the peer's open time ÷ "
         "walkv's. Compaction: MB/s ÷ MB/s.\n\n" +
         t.render() + "\n";
}

std::string throughput_table(const BenchResults& r, const std::string& workload, std::size_t value_size,
                             bool with_syncs) {
  std::vector<std::string> columns{"engine", ">threads", ">ops/s", ">MB/s", ">p50 µs", ">p99 µs", ">p99.9 µs"};
  if (with_syncs) {
    columns.push_back(">puts per sync call");
    columns.push_back(">device KB per put");
  }
  MarkdownTable t(columns);
  for (const auto& c : r.throughput) {
    if (c.workload != workload || c.value_size != value_size) continue;
    std::vector<std::string> row{c.engine,          std::to_string(c.threads), thousands(c.ops_per_second),
                                 fixed(c.mb_per_second, 1), fixed(c.p50_us, 1), fixed(c.p99_us, 1),
                                 fixed(c.p999_us, 1)};
    if (with_syncs) {
      row.push_back(c.sync_calls ? fixed(c.ops_per_sync(), 2) : "no sync");
      const auto device = c.device_bytes_per_op();
      row.push_back(device ? fixed(*device / 1e3, 1) : "n/a");
    }
    t.add_row(row);
  }
  return t.render();
}

// What the columns of the put tables that are not self-explanatory count.
constexpr const char* kPutColumns =
    "Puts per sync call: puts ÷ the fdatasync and fsync calls the process made during the rounds. Device KB per "
    "put: bytes the scratch directory's block device wrote during the rounds (all writers of the machine; "
    "writeback the kernel does after a round is not counted) ÷ puts, KB = 1,000 bytes.\n\n";

std::string throughput_sections(const BenchResults& r) {
  std::string out;
  for (std::size_t size : r.config.durable_value_sizes) {
    const bool any = std::any_of(r.throughput.begin(), r.throughput.end(), [&](const ThroughputCell& c) {
      return c.workload == "durable" && c.value_size == size;
    });
    if (any)
      out += "## Durable puts, " + std::to_string(size / 1024) + " KiB values\n\n" + kPutColumns +
             throughput_table(r, "durable", size, true) + "\n";
  }
  const struct {
    const char* workload;
    const char* title;
    bool syncs;
  } others[] = {{"unsynced", "Unsynced puts", true},
                {"get-recent", "Gets of recent writes (walkv: memtable)", false},
                {"get-compacted", "Gets after compaction (walkv: LMDB snapshot)", false}};
  for (const auto& o : others) {
    const bool any = std::any_of(r.throughput.begin(), r.throughput.end(),
                                 [&](const ThroughputCell& c) { return c.workload == o.workload; });
    if (any)
      out += std::string("## ") + o.title + ", " + std::to_string(r.config.value_size / 1024) + " KiB values\n\n" +
             (o.syncs ? kPutColumns : "") + throughput_table(r, o.workload, r.config.value_size, o.syncs) + "\n";
  }
  return out;
}

std::string recovery_section(const BenchResults& r) {
  if (r.recovery.empty()) return "";
  MarkdownTable t({"engine", ">log MB", ">open s", ">MB/s", ">first read s", ">peak RSS MB", ">RSS growth MB",
                   ">of it anon / file MB", ">live MB", ">growth ÷ live", ">open s of each round"});
  for (const auto& c : r.recovery) {
    const double live = static_cast<double>(c.live_bytes) / 1e6;
    std::string each;
    for (double s : c.open_seconds_rounds) each += (each.empty() ? "" : " / ") + fixed(s, 3);
    t.add_row({c.engine, mb(c.bytes_written), fixed(c.open_seconds, 3), fixed(c.mb_per_second, 0),
               fixed(c.first_read_seconds, 3), fixed(c.peak_rss_mb, 1), fixed(c.rss_growth_mb(), 1),
               fixed(c.anon_growth_mb, 1) + " / " + fixed(c.file_growth_mb, 1), fixed(live, 1),
               fixed(c.rss_growth_mb() / live, 2), each});
  }
  return "## Recovery: reopen after kill -9\n\nA child wrote the log (unsynced puts, background folding off) and was "
         "SIGKILLed; a fresh child reopened and read the last key written. Each engine and size ran " +
         std::to_string(r.config.recovery_repetitions) +
         " such rounds, engines interleaved; the row is the round with the median open time (the lower middle one for "
         "an even count). Engines without a log are not listed. Peak "
         "RSS is the reopen child's VmHWM; anon / file: growth of the peaks of RssAnon (heap) and RssFile (mapped "
         "files, e.g. a log replayed from a mapping) sampled every 5 ms during the open.\n\n" +
         t.render() + "\n";
}

// Up to two entries of the store directory holding >= 10% of its bytes each,
// e.g. "wal 67.1, snapshot 41.2"; else how many entries share it.
std::string largest_parts(const CompactionCell& c) {
  std::string out;
  for (std::size_t i = 0; i < c.disk_parts.size() && i < 2; ++i) {
    const auto& [name, bytes] = c.disk_parts[i];
    if (bytes * 10 < c.disk_bytes) break;
    out += (i ? ", " : "") + (name.size() > 24 ? name.substr(0, 21) + "..." : name) + " " + mb(bytes);
  }
  return out.empty() ? std::to_string(c.disk_parts.size()) + " entries" : out;
}

std::string compaction_section(const BenchResults& r) {
  if (r.compaction.empty()) return "";
  MarkdownTable t({"engine", "round", ">MB written", ">compact s", ">MB/s", ">disk MB", ">live MB",
                   ">space amplification", "largest parts (MB)"});
  for (const auto& c : r.compaction)
    t.add_row({c.engine, c.round, mb(c.bytes_written), c.engine_compacts ? fixed(c.seconds, 3) : "n/a",
               c.engine_compacts ? fixed(c.mb_per_second, 0) : "n/a", mb(c.disk_bytes), mb(c.live_bytes),
               fixed(c.space_amplification, 2), largest_parts(c)});
  return "## Compaction and space\n\nEvery key written once (load), then every key again (overwrite); compact() "
         "after each. Disk = allocated bytes of the store directory afterwards (walkv: LMDB snapshot plus the "
         "preallocated current WAL segment).\n\n" +
         t.render() + "\n";
}

std::string checkpointer_section(const BenchResults& r) {
  if (r.checkpointer.empty()) return "";
  MarkdownTable t({"approach", ">sessions", ">messages", ">state B", ">checkpoints", ">checkpoints per message",
                   ">MB written", ">bytes written per byte of state change", ">idle-phase checkpoints", ">s"});
  for (const auto& c : r.checkpointer)
    t.add_row({c.approach, std::to_string(c.sessions), std::to_string(c.messages), std::to_string(c.state_bytes),
               std::to_string(c.checkpoints), fixed(c.checkpoints_per_message(), 3),
               c.bytes_written ? mb(c.bytes_written) : "n/a",
               c.bytes_written ? fixed(c.write_amplification(), 3) : "n/a", std::to_string(c.idle_checkpoints),
               fixed(c.seconds, 3)});
  return "## Session checkpoints: write amplification (issue 5)\n\nEach session gets one message per simulated "
         "second, its state after each message is the given size; then 600 simulated idle seconds (a tick each). "
         "per-message: SessionStore::checkpoint after every message. checkpointer: Checkpointer, a checkpoint every "
         "10 messages, a dirty session flushed after 30 s. MB written: bytes the process passed to write(2)/pwrite(2) "
         "meanwhile (log frames and session records included), Durability none. State change = messages × state "
         "size.\n\n" +
         t.render() + "\n";
}

}  // namespace

std::string markdown_report(const BenchResults& r, const std::vector<Ratio>& ratios,
                            const std::vector<TargetCheck>& targets, const std::string& chart_path) {
  std::string out = "# walkv-bench " + r.started_at + (r.config.quick ? " (quick smoke run: numbers are noise)" : "") +
                    "\n\n";
  if (!r.errors.empty()) {
    out += "## Errors\n\n";
    for (const auto& e : r.errors) out += "- " + e + "\n";
    out += "\n";
  }
  out += machine_section(r);
  out += device_section(r.device);
  out += targets_section(targets);
  out += ratios_section(ratios);
  out += throughput_sections(r);
  out += recovery_section(r);
  out += compaction_section(r);
  out += checkpointer_section(r);
  if (!chart_path.empty()) out += "Chart: `" + chart_path + "`\n";
  return out;
}

}  // namespace walkv_bench
