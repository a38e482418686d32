// Tool tests: stores made with the library, and the damage done to them by
// hand, byte by byte, following the documented format (docs/format.md):
// a segment is a 64-byte header, then frames of 16 + align8(length) bytes
// until a zero length word.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <walkv/options.hpp>
#include <walkv/store.hpp>

namespace walkv::tools_test {

inline constexpr std::uint64_t kSmallSegment = 64 << 10;  // the minimum segment size

// Options of the test stores: small segments, no automatic compaction.
Options small_segment_options();

// The value stored under key_of(i) by fill_store.
std::string key_of(int i);
std::string value_of(int i, std::size_t size);

// Opens (creating) the store in `dir` with small_segment_options(), calls
// write(store), then closes the store; throws when open or close fails.
void write_store(const std::string& dir, const std::function<void(Store& store)>& write);

// Creates a store in `dir` holding keys 0..count-1 with values of `value_size`
// bytes, one durable put each, then closes it.
void fill_store(const std::string& dir, int count, std::size_t value_size);

// Creates a store in `dir` with two sessions: "gateway-7" (interrupted: a
// dead process's, checkpoints #1 "first message" step 1/10 and #2 "third
// message" step 3/10) and "gateway-8" (checkpoint #1 step 1/1, completed).
void write_two_sessions(const std::string& dir);

// The store's segment files, oldest first.
std::vector<std::filesystem::path> segment_files(const std::string& dir);
// "wal/<file name>", as the tools name a segment.
std::string segment_name(const std::filesystem::path& segment);

// Byte offsets of the frames of a segment file.
std::vector<std::uint64_t> frame_offsets(const std::filesystem::path& segment);

// Inverts every bit of the byte at `offset`.
void flip_byte(const std::filesystem::path& file, std::uint64_t offset);

}  // namespace walkv::tools_test
