#include "demo/ack_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace walkv::demo {
namespace {

Status errno_status(const std::string& what) {
  return Status(Code::io_error, what + ": " + std::strerror(errno));
}

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(Code::io_error, "cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Parses "id number hexhash"; false if malformed.
bool parse_ack_line(const std::string& line, std::string& id, std::uint64_t& number, std::uint64_t& hash) {
  std::istringstream fields(line);
  std::string hex;
  if (!(fields >> id >> number >> hex) || hex.empty() || hex.size() > 16) return false;
  char* end = nullptr;
  hash = std::strtoull(hex.c_str(), &end, 16);
  std::string rest;
  return *end == '\0' && !(fields >> rest);
}

}  // namespace

Result<std::unique_ptr<AckWriter>> AckWriter::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return error(errno_status("open " + path));
  return std::unique_ptr<AckWriter>(new AckWriter(fd));
}

AckWriter::~AckWriter() { ::close(fd_); }

Status AckWriter::acknowledge(std::string_view session_id, std::uint64_t number, std::uint64_t state_hash) {
  char tail[64];
  int n = std::snprintf(tail, sizeof tail, " %" PRIu64 " %016" PRIx64 "\n", number, state_hash);
  std::string line;
  line.reserve(session_id.size() + static_cast<std::size_t>(n));
  line.append(session_id).append(tail, static_cast<std::size_t>(n));
  for (;;) {
    ssize_t written = ::write(fd_, line.data(), line.size());
    if (written == static_cast<ssize_t>(line.size())) return Status();
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return errno_status("write acknowledgement");
    return Status(Code::io_error, "short write of an acknowledgement");
  }
}

Result<AckLog> read_ack_log(const std::string& path) {
  auto content = read_whole_file(path);
  if (!content) return error(content.error());
  AckLog log;
  std::size_t start = 0;
  for (std::size_t end; (end = content->find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = content->substr(start, end - start);
    std::string id;
    std::uint64_t number = 0, hash = 0;
    if (!parse_ack_line(line, id, number, hash)) {
      return error(Code::corruption, path + ": malformed acknowledgement \"" + line + "\"");
    }
    log.book[id][number] = hash;
    ++log.acknowledged;
  }
  return log;
}

std::size_t count_ack_lines(const std::string& path) {
  auto content = read_whole_file(path);
  if (!content) return 0;
  return static_cast<std::size_t>(std::count(content->begin(), content->end(), '\n'));
}

}  // namespace walkv::demo
