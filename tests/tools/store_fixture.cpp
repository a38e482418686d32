#include "store_fixture.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

namespace walkv::tools_test {
namespace {

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void require(const Status& status, const std::string& what) {
  if (!status.ok()) throw std::runtime_error(what + ": " + status.to_string());
}

}  // namespace

Options small_segment_options() {
  Options options;
  options.segment_size = kSmallSegment;
  options.compaction_trigger = 0;
  return options;
}

std::string key_of(int i) { return "key-" + std::to_string(i); }

std::string value_of(int i, std::size_t size) {
  std::string value = "value-" + std::to_string(i) + "-";
  while (value.size() < size) value += static_cast<char>('a' + (value.size() + static_cast<std::size_t>(i)) % 26);
  value.resize(size);
  return value;
}

void write_store(const std::string& dir, const std::function<void(Store& store)>& write) {
  auto store = Store::open(dir, small_segment_options());
  if (!store) throw std::runtime_error("open " + dir + ": " + store.error().to_string());
  write(**store);
  require((*store)->close(), "close");
}

void fill_store(const std::string& dir, int count, std::size_t value_size) {
  write_store(dir, [&](Store& store) {
    for (int i = 0; i < count; ++i) require(store.put({}, key_of(i), value_of(i, value_size)), "put");
  });
}

void write_two_sessions(const std::string& dir) {
  write_store(dir, [](Store& store) {
    auto opened = SessionStore::open(store);
    if (!opened) throw std::runtime_error("open sessions: " + opened.error().to_string());
    SessionStore& sessions = **opened;
    auto checkpoint = [&](const char* id, const CheckpointData& data) {
      auto written = sessions.checkpoint(id, data);
      if (!written) throw std::runtime_error(std::string("checkpoint ") + id + ": " + written.error().to_string());
    };
    require(sessions.create("gateway-7", "chat"), "create gateway-7");
    checkpoint("gateway-7", {"state one", 1, 10, "first message", "1.0.0"});
    checkpoint("gateway-7", {"state two", 3, 10, "third message", "1.0.0"});
    require(sessions.create("gateway-8", "done"), "create gateway-8");
    checkpoint("gateway-8", {"state", 1, 1, "only", "1.0.0"});
    require(sessions.complete("gateway-8"), "complete gateway-8");
  });
}

std::vector<std::filesystem::path> segment_files(const std::string& dir) {
  std::vector<std::filesystem::path> segments;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/wal")) {
    if (entry.path().extension() == ".wal") segments.push_back(entry.path());
  }
  std::sort(segments.begin(), segments.end());
  return segments;
}

std::string segment_name(const std::filesystem::path& segment) { return "wal/" + segment.filename().string(); }

std::vector<std::uint64_t> frame_offsets(const std::filesystem::path& segment) {
  const std::string data = read_bytes(segment);
  std::vector<std::uint64_t> offsets;
  for (std::uint64_t pos = 64; pos + 16 <= data.size();) {
    std::uint32_t length = 0;
    std::memcpy(&length, data.data() + pos, sizeof length);
    if (length == 0) break;
    offsets.push_back(pos);
    pos += 16 + ((std::uint64_t{length} + 7) & ~std::uint64_t{7});
  }
  return offsets;
}

void flip_byte(const std::filesystem::path& file, std::uint64_t offset) {
  std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
  io.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  io.read(&byte, 1);
  byte = static_cast<char>(~byte);
  io.seekp(static_cast<std::streamoff>(offset));
  io.write(&byte, 1);
  if (!io) throw std::runtime_error("cannot flip a byte of " + file.string());
}

}  // namespace walkv::tools_test
