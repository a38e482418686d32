#include "device.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "engine.hpp"
#include "latency_histogram.hpp"
#include "random.hpp"

namespace walkv_bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kAppendSize = 4096;
constexpr std::size_t kChunk = 1u << 20;

[[noreturn]] void fail(const std::string& what) {
  throw EngineError("device measurement: " + what + ": " + std::strerror(errno));
}

int create_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("create " + path);
  return fd;
}

void pwrite_all(int fd, const char* data, std::size_t len, std::uint64_t offset) {
  while (len > 0) {
    ssize_t n = ::pwrite(fd, data, len, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("pwrite");
    data += n;
    len -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

std::vector<char> random_bytes(std::size_t n) {
  std::vector<char> out(n);
  Rng rng(0xdee5ull);
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    const std::uint64_t r = rng.next();
    std::memcpy(out.data() + i, &r, 8);
  }
  return out;
}

// A file of `size` bytes whose blocks are allocated: by fallocate (unwritten
// extents, as walkv's segments) or by writing zeros — both made durable.
int preallocated_file(const std::string& path, std::uint64_t size, bool zero_fill) {
  int fd = create_file(path);
  if (zero_fill) {
    const std::vector<char> zeros(kChunk, 0);
    for (std::uint64_t off = 0; off < size; off += kChunk) pwrite_all(fd, zeros.data(), kChunk, off);
  } else if (::fallocate(fd, 0, 0, static_cast<off_t>(size)) != 0) {
    fail("fallocate " + path);
  }
  if (::fdatasync(fd) != 0) fail("fdatasync " + path);
  return fd;
}

struct SyncRate {
  double per_second = 0;
  double p50_us = 0;
};

// `append_size` appends, each followed by fdatasync, until `duration` passes
// or the file is full.
SyncRate append_sync_rate(const std::string& path, std::uint64_t size, bool zero_fill,
                          std::chrono::milliseconds duration, std::size_t append_size = kAppendSize) {
  const int fd = preallocated_file(path, size, zero_fill);
  const std::vector<char> block = random_bytes(append_size);
  LatencyHistogram latency;
  const auto start = Clock::now();
  const auto deadline = start + duration;
  std::uint64_t offset = 0;
  while (offset + append_size <= size && Clock::now() < deadline) {
    const auto t0 = Clock::now();
    pwrite_all(fd, block.data(), append_size, offset);
    if (::fdatasync(fd) != 0) fail("fdatasync");
    latency.record(static_cast<std::uint64_t>(std::chrono::nanoseconds(Clock::now() - t0).count()));
    offset += append_size;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  ::unlink(path.c_str());
  return SyncRate{static_cast<double>(latency.count()) / seconds, latency.percentile(0.5) / 1000.0};
}

// Writes `bytes` in 1 MiB chunks to a new file and fdatasyncs once; MB/s over
// the whole. The file is left for the page-cache read.
double sequential_write_mb_per_second(const std::string& path, std::uint64_t bytes) {
  const std::vector<char> chunk = random_bytes(kChunk);
  const int fd = create_file(path);
  const auto start = Clock::now();
  for (std::uint64_t off = 0; off < bytes; off += kChunk) pwrite_all(fd, chunk.data(), kChunk, off);
  if (::fdatasync(fd) != 0) fail("fdatasync");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  return static_cast<double>(bytes) / 1e6 / seconds;
}

// Reads the (cached) file `passes` times with 1 MiB preads.
double page_cache_read_mb_per_second(const std::string& path, std::uint64_t bytes, int passes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open " + path);
  std::vector<char> buf(kChunk);
  for (std::uint64_t off = 0; off < bytes; off += kChunk) (void)::pread(fd, buf.data(), kChunk, static_cast<off_t>(off));
  const auto start = Clock::now();
  std::uint64_t total = 0;
  for (int p = 0; p < passes; ++p) {
    for (std::uint64_t off = 0; off < bytes; off += kChunk) {
      ssize_t n = ::pread(fd, buf.data(), kChunk, static_cast<off_t>(off));
      if (n < 0) fail("pread");
      total += static_cast<std::uint64_t>(n);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  return static_cast<double>(total) / 1e6 / seconds;
}

}  // namespace

DeviceResult measure_device(const ScratchDir& scratch, const BenchConfig& config) {
  const std::string dir = scratch.fresh("device");
  const std::uint64_t sync_file_size = config.quick ? (8u << 20) : (192u << 20);
  DeviceResult r;
  const SyncRate fallocated = append_sync_rate(dir + "/fallocated", sync_file_size, false, config.duration);
  const SyncRate zeroed = append_sync_rate(dir + "/zero-filled", sync_file_size, true, config.duration);
  r.fdatasync_per_second_fallocated = fallocated.per_second;
  r.fdatasync_p50_us_fallocated = fallocated.p50_us;
  r.fdatasync_per_second_zero_filled = zeroed.per_second;
  r.fdatasync_p50_us_zero_filled = zeroed.p50_us;

  r.sequential_write_bytes = config.device_write_mb << 20;
  const std::string sequential = dir + "/sequential";
  r.sequential_write_mb_per_second = sequential_write_mb_per_second(sequential, r.sequential_write_bytes);
  r.page_cache_read_mb_per_second = page_cache_read_mb_per_second(sequential, r.sequential_write_bytes, 4);
  ::unlink(sequential.c_str());
  const std::size_t group = 64 * kAppendSize;
  const std::uint64_t group_file_size = config.quick ? (16u << 20) : (1024u << 20);
  const SyncRate groups = append_sync_rate(dir + "/groups", group_file_size, false, config.duration, group);
  r.synced_append_mb_per_second = groups.per_second * static_cast<double>(group) / 1e6;
  r.measured = true;
  scratch.remove(dir);
  return r;
}

}  // namespace walkv_bench
