// walkv-replay dump — how one log record is shown: a text line
//   <sequence> <segment>+<offset> #<op> <op> <key> <size> bytes [= <value>]
// or a JSON Lines object of type "record"; then a "summary".
#pragma once

#include <ostream>

#include <walkv/check.hpp>

#include "replay_args.hpp"
#include "replay_report.hpp"

namespace walkv::tools {

class DumpReport {
 public:
  DumpReport(std::ostream& out, OutputFormat format, ValueDisplay values)
      : out_(out), format_(format), values_(values) {}

  void record(const LogRecord& record);
  void summary(const DumpSummary& summary);

 private:
  void record_text(const LogRecord& record);
  void record_json(const LogRecord& record);

  std::ostream& out_;
  OutputFormat format_;
  ValueDisplay values_;
};

// "put", "remove", "remove_prefix".
const char* op_name(WriteBatch::Kind kind) noexcept;
// Lower-case hexadecimal of every byte.
std::string hex(std::string_view bytes);
// XXH3-64 of the bytes, 16 hex digits: compares values without showing them.
std::string digest(std::string_view bytes);

}  // namespace walkv::tools
