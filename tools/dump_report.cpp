#include "dump_report.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "printable.hpp"

namespace walkv::tools {

namespace {

using nlohmann::json;

void emit(std::ostream& out, const json& line) {
  out << line.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace

const char* op_name(WriteBatch::Kind kind) noexcept {
  switch (kind) {
    case WriteBatch::Kind::put: return "put";
    case WriteBatch::Kind::remove: return "remove";
    case WriteBatch::Kind::remove_prefix: return "remove_prefix";
  }
  return "unknown";
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

std::string digest(std::string_view bytes) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  return text;
}

void DumpReport::record(const LogRecord& r) {
  if (format_ == OutputFormat::json_lines) {
    record_json(r);
  } else {
    record_text(r);
  }
}

void DumpReport::record_text(const LogRecord& r) {
  out_ << r.sequence << ' ' << r.segment << '+' << r.offset << " #" << r.op_index << ' ' << op_name(r.kind) << ' '
       << printable(r.key);
  if (r.kind == WriteBatch::Kind::put) {
    out_ << ' ' << r.value.size() << " bytes";
    switch (values_) {
      case ValueDisplay::size_only: break;
      case ValueDisplay::escaped: out_ << " = \"" << printable(r.value) << '"'; break;
      case ValueDisplay::hex: out_ << " = " << hex(r.value); break;
      case ValueDisplay::redacted: out_ << " = <redacted xxh3:" << digest(r.value) << '>'; break;
    }
  }
  if (r.in_snapshot) out_ << "  (in snapshot)";
  out_ << '\n';
}

void DumpReport::record_json(const LogRecord& r) {
  json line{{"type", "record"},     {"sequence", r.sequence},  {"segment", r.segment},
            {"offset", r.offset},   {"op_index", r.op_index},  {"op", op_name(r.kind)},
            {"key", printable(r.key)}, {"in_snapshot", r.in_snapshot}};
  if (r.kind == WriteBatch::Kind::put) {
    line["value_size"] = r.value.size();
    switch (values_) {
      case ValueDisplay::size_only: break;
      case ValueDisplay::escaped: line["value"] = printable(r.value); break;
      case ValueDisplay::hex: line["value_hex"] = hex(r.value); break;
      case ValueDisplay::redacted: line["value_xxh3"] = digest(r.value); break;
    }
  }
  emit(out_, line);
}

void DumpReport::summary(const DumpSummary& s) {
  std::size_t corrupt = 0;
  for (const Corruption& c : s.corruptions)
    if (!c.torn_tail) ++corrupt;
  if (format_ == OutputFormat::json_lines) {
    for (const Corruption& c : s.corruptions)
      emit(out_, json{{"type", "damage"},
                      {"segment", c.segment},
                      {"offset", c.offset},
                      {"reason", c.reason},
                      {"torn_tail", c.torn_tail}});
    emit(out_, json{{"type", "summary"},
                    {"frames", s.frames},
                    {"records", s.records},
                    {"snapshot_sequence", s.snapshot_sequence},
                    {"last_sequence", s.last_sequence},
                    {"damage", s.corruptions.size()},
                    {"corrupt", corrupt != 0}});
    return;
  }
  for (const Corruption& c : s.corruptions)
    out_ << (c.torn_tail ? "torn tail: " : "CORRUPTION: ") << c.segment << " offset " << c.offset << ": "
         << c.reason << '\n';
  out_ << "dumped " << s.records << " operation(s) of " << s.frames << " frame(s); snapshot sequence "
       << s.snapshot_sequence << '\n';
}

}  // namespace walkv::tools
