#include "json_output.hpp"

namespace walkv_bench {

namespace {

using nlohmann::json;

json config_json(const BenchConfig& c) {
  return {{"quick", c.quick},
          {"duration_ms", c.duration.count()},
          {"repetitions", c.repetitions},
          {"engines", c.engines},
          {"workloads", c.workloads},
          {"keys", c.keys},
          {"value_size", c.value_size},
          {"durable_threads", c.durable_threads},
          {"durable_value_sizes", c.durable_value_sizes},
          {"unsynced_threads", c.unsynced_threads},
          {"get_threads", c.get_threads},
          {"recovery_mb", c.recovery_mb},
          {"recovery_repetitions", c.recovery_repetitions},
          {"checkpointer_sessions", c.checkpointer_sessions},
          {"checkpointer_messages", c.checkpointer_messages},
          {"checkpointer_state_bytes", c.checkpointer_state_bytes},
          {"device_write_mb", c.device_write_mb}};
}

json machine_json(const MachineInfo& m) {
  return {{"cpus", m.cpus},         {"cpu_model", m.cpu_model},         {"kernel", m.kernel},
          {"memory_bytes", m.memory_bytes}, {"scratch_dir", m.scratch_dir}, {"filesystem", m.filesystem},
          {"block_device", m.block_device}, {"device_stat_file", m.device_stat_file}, {"mount_options", m.mount_options},
          {"load_average_start", m.load_average_start}, {"load_average_end", m.load_average_end}};
}

json device_json(const DeviceResult& d) {
  if (!d.measured) return nullptr;
  return {{"fdatasync_per_second_fallocated", d.fdatasync_per_second_fallocated},
          {"fdatasync_p50_us_fallocated", d.fdatasync_p50_us_fallocated},
          {"fdatasync_per_second_zero_filled", d.fdatasync_per_second_zero_filled},
          {"fdatasync_p50_us_zero_filled", d.fdatasync_p50_us_zero_filled},
          {"sequential_write_bytes", d.sequential_write_bytes},
          {"sequential_write_mb_per_second", d.sequential_write_mb_per_second},
          {"page_cache_read_mb_per_second", d.page_cache_read_mb_per_second},
          {"synced_append_mb_per_second", d.synced_append_mb_per_second}};
}

json throughput_json(const ThroughputCell& c) {
  return {{"workload", c.workload},   {"engine", c.engine},       {"threads", c.threads},
          {"value_size", c.value_size}, {"ops", c.ops},           {"seconds", c.seconds}, {"rounds", c.rounds}, {"round_rates", c.round_rates},
          {"ops_per_second", c.ops_per_second}, {"mb_per_second", c.mb_per_second}, {"p50_us", c.p50_us},
          {"p99_us", c.p99_us},       {"p999_us", c.p999_us},     {"sync_calls", c.sync_calls},
          {"ops_per_sync", c.sync_calls ? json(c.ops_per_sync()) : json(nullptr)},
          {"device_bytes", c.device_bytes ? json(*c.device_bytes) : json(nullptr)}};
}

json recovery_json(const RecoveryCell& c) {
  return {{"engine", c.engine},
          {"log_mb", c.log_mb},
          {"bytes_written", c.bytes_written},
          {"puts", c.puts},
          {"live_keys", c.live_keys},
          {"live_bytes", c.live_bytes},
          {"open_seconds", c.open_seconds},
          {"first_read_seconds", c.first_read_seconds},
          {"mb_per_second", c.mb_per_second},
          {"baseline_rss_mb", c.baseline_rss_mb},
          {"peak_rss_mb", c.peak_rss_mb},
          {"rss_growth_mb", c.rss_growth_mb()},
          {"anon_growth_mb", c.anon_growth_mb},
          {"file_growth_mb", c.file_growth_mb},
          {"log_bytes_replayed", c.log_bytes_replayed},
          {"open_seconds_rounds", c.open_seconds_rounds}};
}

// The largest entries of the store directory; the rest summed in one entry,
// so a directory of 10,000 files (file-per-session) stays a few lines.
json disk_parts_json(const std::vector<std::pair<std::string, std::uint64_t>>& parts) {
  constexpr std::size_t kListed = 8;
  json out = json::array();
  std::uint64_t rest_bytes = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i < kListed) out.push_back({parts[i].first, parts[i].second});
    else rest_bytes += parts[i].second;
  }
  if (parts.size() > kListed) {
    std::string label = std::to_string(parts.size() - kListed);
    label.insert(0, 1, '(');
    label += " more entries)";
    out.push_back({label, rest_bytes});
  }
  return out;
}

json compaction_json(const CompactionCell& c) {
  return {{"engine", c.engine},
          {"round", c.round},
          {"engine_compacts", c.engine_compacts},
          {"bytes_written", c.bytes_written},
          {"seconds", c.seconds},
          {"mb_per_second", c.mb_per_second},
          {"disk_bytes", c.disk_bytes},
          {"disk_parts", disk_parts_json(c.disk_parts)},
          {"live_bytes", c.live_bytes},
          {"space_amplification", c.space_amplification}};
}

json checkpointer_json(const CheckpointerCell& c) {
  return {{"approach", c.approach},
          {"sessions", c.sessions},
          {"messages", c.messages},
          {"state_bytes", c.state_bytes},
          {"checkpoints", c.checkpoints},
          {"checkpoint_state_bytes", c.checkpoint_state_bytes},
          {"bytes_written", c.bytes_written},
          {"state_change_bytes", c.state_change_bytes()},
          {"checkpoints_per_message", c.checkpoints_per_message()},
          {"bytes_written_per_state_byte", c.write_amplification()},
          {"idle_checkpoints", c.idle_checkpoints},
          {"seconds", c.seconds}};
}

template <class T, class F>
json array_of(const std::vector<T>& items, F to_json) {
  json out = json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

}  // namespace

json results_json(const BenchResults& r, const std::vector<Ratio>& ratios, const std::vector<TargetCheck>& targets) {
  json out;
  out["started_at"] = r.started_at;
  out["total_seconds"] = r.total_seconds;
  out["command_line"] = r.command_line;
  out["errors"] = r.errors;
  out["config"] = config_json(r.config);
  out["machine"] = machine_json(r.machine);
  out["engines"] = r.engine_descriptions;
  out["device"] = device_json(r.device);
  out["throughput"] = array_of(r.throughput, throughput_json);
  out["recovery"] = array_of(r.recovery, recovery_json);
  out["compaction"] = array_of(r.compaction, compaction_json);
  out["checkpointer"] = array_of(r.checkpointer, checkpointer_json);
  out["ratios"] = array_of(ratios, [](const Ratio& x) {
    return json{{"cell", x.cell}, {"peer", x.peer}, {"walkv", x.walkv}, {"peer_value", x.peer_value},
                {"ratio", x.ratio}};
  });
  out["targets"] = array_of(targets, [](const TargetCheck& t) {
    return json{{"target", t.target}, {"measured", t.measured}, {"met", t.met ? json(*t.met) : json(nullptr)}};
  });
  return out;
}

}  // namespace walkv_bench
