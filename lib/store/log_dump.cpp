// walkv store — dump_log (include/walkv/check.hpp): every operation of every
// valid frame of the log, with where the frame is, on a pinned view.
#include <walkv/check.hpp>

#include "store/pinned_log.hpp"
#include "wal/batch_codec.hpp"
#include "wal/format.hpp"

namespace walkv {

namespace {

// Returned by the sink to end the scan early (the visitor said stop, or the
// range is behind us); never leaves dump_log.
Status stop_scan() { return Status(Code::not_supported, "dump stopped"); }

// scan_log's after_sequence for a dump: every frame still in the log is
// visited, but holes the snapshot covers (segments compaction deleted) are
// not damage.
std::uint64_t visible_after(const PinnedLog& log) {
  std::uint64_t after = log.meta.applied_sequence;
  for (const std::string& name : log.fs->segment_names()) {
    std::uint64_t first = 0;
    if (wal::parse_segment_file_name(name, &first) && first > 0 && first - 1 < after) after = first - 1;
  }
  return after;
}

// Collects the damage scan_log meets, also when the dump stops early.
class Collector final : public wal::Reporter {
 public:
  void corruption(const Corruption& c) override { found.push_back(c); }
  std::vector<Corruption> found;
};

}  // namespace

Result<DumpSummary> dump_log(const std::string& dir, const SequenceRange& range,
                             const std::function<bool(const LogRecord& record)>& visit, const ProgressFn& progress) {
  auto pinned = pin_log(dir);
  if (!pinned) return error(pinned.error());
  const PinnedLog& log = **pinned;
  DumpSummary summary;
  summary.snapshot_sequence = log.meta.applied_sequence;
  std::vector<Corruption> malformed;
  wal::FramePosition position;

  wal::FrameSink sink = [&](std::uint64_t sequence, std::span<const std::uint8_t> payload) {
    if (sequence > range.to) return stop_scan();
    summary.last_sequence = sequence;  // how far the dump read, should it stop early
    if (!range.contains(sequence)) return Status();
    const std::string segment = "wal/" + position.segment;
    LogRecord record;
    record.sequence = sequence;
    record.segment = segment;
    record.offset = position.offset;
    record.in_snapshot = sequence <= log.meta.applied_sequence;
    bool keep_going = true;
    Status decoded = wal::decode_batch(payload, [&](WriteBatch::Kind kind, std::string_view key,
                                                    std::string_view value) {
      if (!keep_going) return;
      record.kind = kind;
      record.key = key;
      record.value = value;
      keep_going = visit(record);
      record.op_index += 1;
      summary.records += 1;
    });
    if (!decoded.ok()) {
      malformed.push_back(Corruption{segment, record.offset,
                                     "sequence " + std::to_string(sequence) + ": " + decoded.message(), false});
      return Status();
    }
    summary.frames += 1;
    if (!keep_going) {
      summary.stopped = true;
      return stop_scan();
    }
    return Status();
  };

  wal::ScanOptions options;
  options.mode = RecoveryMode::skip_corrupted;
  options.after_sequence = visible_after(log);
  Collector collector;
  options.reporter = &collector;
  options.position = &position;
  auto scan = wal::scan_log(*log.fs, log.wal_fd, log.meta.store_id, options, with_progress(sink, progress));
  const bool stopped = !scan && scan.error().code() == Code::not_supported && scan.error().message() == "dump stopped";
  if (!scan && !stopped) return error(scan.error());
  if (scan) summary.last_sequence = scan->report.last_sequence;  // read to the end: the log's last
  summary.corruptions = std::move(collector.found);
  for (auto& c : malformed) summary.corruptions.push_back(std::move(c));
  return summary;
}

}  // namespace walkv
