#include "device_writes.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <sstream>

namespace walkv_bench {

namespace {

std::string g_stat_file;  // set once by watch_device_of

constexpr int kWriteSectorsField = 7;  // 1-based, Documentation/block/stat.rst
constexpr std::uint64_t kSectorBytes = 512;

std::optional<std::uint64_t> read_write_sectors(const std::string& stat_file) {
  std::ifstream in(stat_file);
  std::uint64_t field = 0;
  for (int i = 1; i <= kWriteSectorsField; ++i)
    if (!(in >> field)) return std::nullopt;
  return field;
}

}  // namespace

std::optional<std::string> watch_device_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || major(st.st_dev) == 0) return std::nullopt;  // 0: no block device
  std::ostringstream file;
  file << "/sys/dev/block/" << major(st.st_dev) << ':' << minor(st.st_dev) << "/stat";
  if (!read_write_sectors(file.str())) return std::nullopt;
  g_stat_file = file.str();
  return g_stat_file;
}

std::optional<std::uint64_t> device_bytes_written() {
  if (g_stat_file.empty()) return std::nullopt;
  auto sectors = read_write_sectors(g_stat_file);
  if (!sectors) return std::nullopt;
  return *sectors * kSectorBytes;
}

}  // namespace walkv_bench
