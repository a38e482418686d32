// Fuzz target: the segment reader (wal::scan_log) in every RecoveryMode, over
// a wal/ directory built from the input in memory (mem_fs.hpp).
//
// Input layout (little-endian):
//   u8 after            ScanOptions::after_sequence = after % 16
//   then up to 4 segment records:
//   u8 kind             % 5: 0 valid header, 1 header of another store,
//                       2 no header (body is the whole file), 3 header of a
//                       newer format version, 4 valid header in a "*.tmp" file
//   u8 seq_delta        first sequence = previous record's + seq_delta (from 0)
//   u8 number_delta     segment number = previous record's + number_delta (from 0)
//   u16 body_length     then that many body bytes (clipped to the input): frames
// The file is named after its first sequence, as the writer names it.
//
// Properties: no crash, leak or out-of-bounds read in any mode; every file
// mapped is unmapped and closed; the report agrees with what the sink saw;
// replayed sequences increase (consecutively, except with skip_corrupted);
// the modes agree: when absolute_consistency succeeds every mode replays the
// same frames, when tolerate_corrupted_tail succeeds point_in_time replays the
// same frames, point_in_time's frames are a prefix of skip_corrupted's, and
// point_in_time and skip_corrupted refuse only a newer format version.
// Each replayed payload also goes through wal::decode_batch, as replay does.
#include <string>
#include <vector>

#include "fuzz_target.hpp"
#include "mem_fs.hpp"
#include "wal/batch_codec.hpp"
#include "wal/log_reader.hpp"

using namespace walkv;
using namespace walkv::wal;

namespace {

constexpr StoreId kStore = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
constexpr StoreId kOtherStore = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

std::string header_bytes(const StoreId& id, std::uint64_t number, std::uint64_t first, std::uint32_t version) {
  SegmentHeader h;
  h.store_id = id;
  h.segment_number = number;
  h.first_sequence = first;
  h.format_version = version;
  std::uint8_t out[kSegmentHeaderSize];
  encode_segment_header(h, out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

fuzz::MemFs build_dir(const std::uint8_t* data, std::size_t size) {
  fuzz::MemFs fs;
  std::size_t pos = 0;
  std::uint64_t first = 0, number = 0;
  for (int segment = 0; segment < 4 && pos + 5 <= size; ++segment) {
    const unsigned kind = data[pos] % 5u;
    first += data[pos + 1];
    number += data[pos + 2];
    std::size_t length = data[pos + 3] | (static_cast<std::size_t>(data[pos + 4]) << 8);
    pos += 5;
    length = std::min(length, size - pos);
    const std::string body(reinterpret_cast<const char*>(data + pos), length);
    pos += length;
    std::string name = segment_file_name(first);
    std::string contents;
    switch (kind) {
      case 0: contents = header_bytes(kStore, number, first, kFormatVersion) + body; break;
      case 1: contents = header_bytes(kOtherStore, number, first, kFormatVersion) + body; break;
      case 2: contents = body; break;
      case 3: contents = header_bytes(kStore, number, first, kFormatVersion + 1) + body; break;
      default:
        contents = header_bytes(kStore, number, first, kFormatVersion) + body;
        name += ".tmp";
        break;
    }
    fs.files[name] = std::move(contents);
  }
  return fs;
}

struct Outcome {
  bool ok = false;
  Code code = Code::ok;
  std::vector<std::uint64_t> sequences;  // passed to the sink, in order
};

Outcome scan(fuzz::MemFs& fs, RecoveryMode mode, std::uint64_t after) {
  Outcome out;
  std::uint64_t bytes = 0;
  ScanOptions options;
  options.mode = mode;
  options.after_sequence = after;
  auto result = scan_log(fs, fuzz::MemFs::kDirFd, kStore, options,
                         [&](std::uint64_t sequence, std::span<const std::uint8_t> payload) -> Status {
                           FUZZ_CHECK(!payload.empty());
                           FUZZ_CHECK(sequence > after);
                           out.sequences.push_back(sequence);
                           bytes += frame_size(payload.size());
                           (void)decode_batch(payload, [](WriteBatch::Kind, std::string_view, std::string_view) {});
                           return {};
                         });
  FUZZ_CHECK(fs.maps == 0);
  FUZZ_CHECK(fs.open_fds == 0);
  for (std::size_t i = 1; i < out.sequences.size(); ++i) {
    FUZZ_CHECK(out.sequences[i] > out.sequences[i - 1]);
    if (mode != RecoveryMode::skip_corrupted) FUZZ_CHECK(out.sequences[i] == out.sequences[i - 1] + 1);
  }
  if (!result) {
    out.code = result.error().code();
    FUZZ_CHECK(out.code == Code::corruption || out.code == Code::version_mismatch);
    return out;
  }
  out.ok = true;
  const ScanResult& r = *result;
  FUZZ_CHECK(r.report.frames_replayed == out.sequences.size());
  FUZZ_CHECK(r.report.bytes_replayed == bytes);
  FUZZ_CHECK(r.report.frames >= r.report.frames_replayed);
  std::uint64_t frames = 0;
  for (const SegmentInfo& s : r.segments) {
    FUZZ_CHECK(fs.files.count(s.name) == 1);
    FUZZ_CHECK(s.end_offset >= kSegmentHeaderSize);
    FUZZ_CHECK(s.end_offset <= s.file_size);
    FUZZ_CHECK(s.file_size == fs.files[s.name].size());
    frames += s.frames;
  }
  FUZZ_CHECK(frames == r.report.frames);
  for (const std::string& name : r.discarded_segments) FUZZ_CHECK(fs.files.count(name) == 1);
  if (!out.sequences.empty()) FUZZ_CHECK(r.report.last_sequence >= out.sequences.back());
  FUZZ_CHECK(r.append.next_sequence == r.report.last_sequence + 1);
  FUZZ_CHECK(r.append.has_segment == !r.segments.empty());
  if (r.append.has_segment) {
    FUZZ_CHECK(r.append.segment_name == r.segments.back().name);
    FUZZ_CHECK(r.append.offset == r.segments.back().end_offset);
  }
  if (mode == RecoveryMode::absolute_consistency) {
    for (const Corruption& c : r.report.corruptions) FUZZ_CHECK(!c.torn_tail);
  }
  return out;
}

bool is_prefix(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint64_t after = data[0] % 16u;
  fuzz::MemFs fs = build_dir(data + 1, size - 1);
  const Outcome absolute = scan(fs, RecoveryMode::absolute_consistency, after);
  const Outcome tolerate = scan(fs, RecoveryMode::tolerate_corrupted_tail, after);
  const Outcome point = scan(fs, RecoveryMode::point_in_time, after);
  const Outcome skip = scan(fs, RecoveryMode::skip_corrupted, after);

  if (absolute.code == Code::version_mismatch) {
    // A newer format is refused whatever the mode.
    FUZZ_CHECK(tolerate.code == Code::version_mismatch);
    FUZZ_CHECK(point.code == Code::version_mismatch);
    FUZZ_CHECK(skip.code == Code::version_mismatch);
    return 0;
  }
  if (!point.ok || !skip.ok) {
    // Only a newer format version refuses these modes; it may sit behind a
    // place where absolute_consistency already stopped.
    FUZZ_CHECK(point.code == Code::version_mismatch || point.ok);
    FUZZ_CHECK(skip.code == Code::version_mismatch || skip.ok);
    return 0;
  }
  if (absolute.ok) {
    FUZZ_CHECK(tolerate.ok);
    FUZZ_CHECK(tolerate.sequences == absolute.sequences);
    FUZZ_CHECK(point.sequences == absolute.sequences);
    FUZZ_CHECK(skip.sequences == absolute.sequences);
  }
  if (tolerate.ok) FUZZ_CHECK(point.sequences == tolerate.sequences);
  FUZZ_CHECK(is_prefix(point.sequences, skip.sequences));
  return 0;
}
