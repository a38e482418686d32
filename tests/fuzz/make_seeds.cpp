// Writes the seed corpora of the fuzz targets: tests/fuzz/corpus/<target>/.
//
//   ninja -C build tests/fuzz/fuzz_make_seeds
//   build/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
//
// The seeds are committed; rerun this after a format change and commit what
// changed. Every seed is built with the library's own encoders, so a seed is a
// valid (or deliberately damaged) example of the real format. Deterministic.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "wal/batch_codec.hpp"
#include "wal/format.hpp"

using namespace walkv;
using namespace walkv::wal;
namespace fs = std::filesystem;

namespace {

fs::path g_root;
int g_count = 0;

void write_seed(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "make_seeds: cannot write %s\n", (dir / name).c_str());
    std::exit(1);
  }
  ++g_count;
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string frame(std::uint64_t sequence, const std::string& payload) {
  std::string out;
  append_frame(out, sequence, bytes_of(payload), payload_crc(bytes_of(payload)));
  return out;
}

std::string put_batch(const std::string& key, const std::string& value) {
  WriteBatch b;
  b.put(key, value);
  return encode_batch(b);
}

std::string mixed_batch() {
  WriteBatch b;
  b.put("session/1", "state");
  b.remove("session/0");
  b.remove_prefix("tmp/");
  b.put(std::string("nul\0key", 7), "");
  return encode_batch(b);
}

// A run of frames with consecutive sequences starting at `first`.
std::string frames(std::uint64_t first, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    const std::uint64_t seq = first + static_cast<std::uint64_t>(i);
    out += frame(seq, i % 2 == 0 ? put_batch("k" + std::to_string(seq), "v" + std::to_string(seq)) : mixed_batch());
  }
  return out;
}

// fuzz_segment's record: kind, seq_delta, number_delta, u16 body length, body.
std::string segment_record(unsigned kind, unsigned seq_delta, unsigned number_delta, const std::string& body) {
  std::string out;
  out += static_cast<char>(kind);
  out += static_cast<char>(seq_delta);
  out += static_cast<char>(number_delta);
  out += static_cast<char>(body.size() & 0xff);
  out += static_cast<char>((body.size() >> 8) & 0xff);
  return out + body;
}

void frame_seeds() {
  const std::string at64(1, '\0');  // selector 0: the frame starts at offset 64
  const std::string one = frame(1, put_batch("key", "value"));
  write_seed("frame", "valid", at64 + one);
  write_seed("frame", "valid_then_more", at64 + one + frame(2, mixed_batch()) + std::string(16, '\0'));
  // Starting at 64 + 8*56 = 512: a 700-byte payload crosses into the next sector.
  const std::string big = frame(7, put_batch("big", std::string(700, 'x')));
  write_seed("frame", "crosses_sector", std::string(1, '\x38') + big);
  write_seed("frame", "torn_past_end", at64 + big.substr(0, big.size() / 2));
  std::string zero_sector = big;
  // The frame starts at 64: bytes from 512-64 to 1024-64 are the second sector.
  std::memset(zero_sector.data() + 448, 0, std::min<std::size_t>(512, zero_sector.size() - 448));
  write_seed("frame", "torn_zero_sector", at64 + zero_sector);
  std::string flipped = one;
  flipped[20] = static_cast<char>(flipped[20] ^ 0x40);
  write_seed("frame", "corrupt_checksum", at64 + flipped);
  std::string huge = one;
  huge[3] = '\x7f';  // length far past the end
  write_seed("frame", "length_past_end", at64 + huge);
  write_seed("frame", "end_of_log", at64 + std::string(16, '\0'));
  write_seed("frame", "zero_length_nonzero_crc", at64 + std::string(4, '\0') + "\x01\x02\x03\x04" + std::string(8, '\0'));
  write_seed("frame", "short_tail", at64 + std::string("\x10\0", 2));
  SegmentHeader h;
  h.store_id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  h.segment_number = 1;
  h.first_sequence = 1;
  std::uint8_t header[kSegmentHeaderSize];
  encode_segment_header(h, header);
  write_seed("frame", "segment_header", at64 + std::string(reinterpret_cast<const char*>(header), sizeof header) + one);
  write_seed("frame", "segment_name", at64 + segment_file_name(0x1234));
}

void segment_seeds() {
  const std::string after0(1, '\0');
  write_seed("segment", "one_segment", after0 + segment_record(0, 1, 1, frames(1, 3)));
  write_seed("segment", "one_segment_zero_tail", after0 + segment_record(0, 1, 1, frames(1, 3) + std::string(256, '\0')));
  write_seed("segment", "empty_segment", after0 + segment_record(0, 1, 1, std::string(64, '\0')));
  write_seed("segment", "two_segments",
             after0 + segment_record(0, 1, 1, frames(1, 2)) + segment_record(0, 2, 1, frames(3, 2)));
  const std::string tail = frames(3, 2);
  write_seed("segment", "torn_tail",
             after0 + segment_record(0, 1, 1, frames(1, 2)) + segment_record(0, 2, 1, tail.substr(0, tail.size() - 9)));
  std::string damaged = frames(1, 3);
  damaged[64 + 30] = static_cast<char>(damaged[64 + 30] ^ 0x01);
  write_seed("segment", "corrupt_mid_log",
             after0 + segment_record(0, 1, 1, damaged) + segment_record(0, 3, 1, frames(4, 1)));
  write_seed("segment", "missing_segment",
             after0 + segment_record(0, 1, 1, frames(1, 2)) + segment_record(0, 4, 2, frames(5, 1)));
  write_seed("segment", "hole_covered_by_snapshot",
             std::string(1, '\x02') + segment_record(0, 1, 1, frames(1, 1)) + segment_record(0, 2, 2, frames(3, 2)));
  write_seed("segment", "duplicate_segment_last",
             after0 + segment_record(0, 1, 1, frames(1, 2)) + segment_record(0, 2, 0, frames(3, 1)));
  write_seed("segment", "foreign_last",
             after0 + segment_record(0, 1, 1, frames(1, 2)) + segment_record(1, 2, 1, frames(3, 1)));
  write_seed("segment", "foreign_middle",
             after0 + segment_record(0, 1, 1, frames(1, 1)) + segment_record(1, 1, 1, frames(2, 1)) +
                 segment_record(0, 1, 1, frames(3, 1)));
  std::string gap = frames(1, 2) + frames(5, 1);
  write_seed("segment", "sequence_gap", after0 + segment_record(0, 1, 1, gap));
  write_seed("segment", "newer_version", after0 + segment_record(3, 1, 1, frames(1, 1)));
  write_seed("segment", "tmp_file",
             after0 + segment_record(0, 1, 1, frames(1, 1)) + segment_record(4, 1, 1, frames(2, 1)));
  write_seed("segment", "headerless_file", after0 + segment_record(2, 1, 1, std::string("not a segment")));
  write_seed("segment", "replay_after_snapshot", std::string(1, '\x03') + segment_record(0, 1, 1, frames(1, 5)));
}

void batch_seeds() {
  write_seed("batch", "empty", encode_batch(WriteBatch{}));
  write_seed("batch", "one_put", put_batch("key", "value"));
  write_seed("batch", "mixed", mixed_batch());
  write_seed("batch", "empty_value", put_batch("k", ""));
  write_seed("batch", "key_511", put_batch(std::string(511, 'k'), "v"));
  write_seed("batch", "value_3000", put_batch("v", std::string(3000, '\xab')));
  WriteBatch many;
  for (int i = 0; i < 20; ++i) many.put("k" + std::to_string(i), std::string(static_cast<std::size_t>(i), 'v'));
  write_seed("batch", "twenty_puts", encode_batch(many));
  // ops_from's layout: kind, key length, value length, key, value.
  write_seed("batch", "ops_layout", std::string("\x00\x03\x02" "keyvv" "\x01\x01\x00" "k" "\x02\x02\x00" "pr", 15));
}

void session_seeds() {
  SessionInfo info;
  info.id = "gateway/session-1";
  info.status = SessionStatus::active;
  info.created_ns = 1700000000000000000ull;
  info.updated_ns = 1700000001000000000ull;
  info.owner_epoch = 3;
  info.step = 4;
  info.total_steps = 10;
  info.description = "upload";
  info.latest_checkpoint = 2;
  write_seed("session", "record_active", session::encode_record(info));
  info.status = SessionStatus::failed;
  info.reason = "peer closed";
  info.id = std::string("nul\0id/..", 9);
  write_seed("session", "record_failed", session::encode_record(info));
  write_seed("session", "record_empty", session::encode_record(SessionInfo{}));
  Checkpoint cp;
  cp.number = 2;
  cp.app_version = "1.4.0";
  cp.time_ns = 1700000001000000000ull;
  cp.step = 4;
  cp.total_steps = 10;
  cp.description = "chunk 4";
  cp.state = std::string(100, '\x11');
  cp.state_hash = session::state_hash(cp.state);
  write_seed("session", "checkpoint", session::encode_checkpoint(cp));
  cp.state_hash ^= 1;
  write_seed("session", "checkpoint_bad_hash", session::encode_checkpoint(cp));
  write_seed("session", "checkpoint_empty", session::encode_checkpoint(Checkpoint{}));
  write_seed("session", "key_record", session::record_key("a/b"));
  write_seed("session", "key_checkpoint", session::checkpoint_key(std::string("x\0\x01y", 4), 7));
  write_seed("session", "key_index", session::index_key("tenant", "acme", "gateway/session-1"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  frame_seeds();
  segment_seeds();
  batch_seeds();
  session_seeds();
  std::printf("wrote %d seeds under %s\n", g_count, g_root.c_str());
  return 0;
}
