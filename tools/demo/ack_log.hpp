// walkv-demo — the acknowledgement log: one line "session_id number xxh3hex"
// per checkpoint whose checkpoint() call returned OK, appended by the child
// with a single write(2) on an O_APPEND descriptor (so a kill leaves whole
// lines, at worst an incomplete last one, which readers ignore).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <walkv/status.hpp>

namespace walkv::demo {

class AckWriter {
 public:
  // Opens `path` for appending (O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC).
  static Result<std::unique_ptr<AckWriter>> open(const std::string& path);
  ~AckWriter();
  AckWriter(const AckWriter&) = delete;
  AckWriter& operator=(const AckWriter&) = delete;

  // Appends "id number hash\n" in one write(2). Thread-safe (O_APPEND).
  Status acknowledge(std::string_view session_id, std::uint64_t number, std::uint64_t state_hash);

 private:
  explicit AckWriter(int fd) : fd_(fd) {}
  int fd_;
};

// Acknowledged checkpoints: session id -> checkpoint number -> state hash.
using AckBook = std::map<std::string, std::map<std::uint64_t, std::uint64_t>>;

struct AckLog {
  AckBook book;
  std::size_t acknowledged = 0;  // whole, well-formed lines
};

// Reads the acknowledgement log; an incomplete last line is ignored.
// Errors: io_error; corruption for a malformed complete line.
Result<AckLog> read_ack_log(const std::string& path);

// Number of complete lines in the log (0 when it cannot be read).
std::size_t count_ack_lines(const std::string& path);

}  // namespace walkv::demo
