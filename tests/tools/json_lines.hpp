// Tool tests: reading a tool's --json output (JSON Lines).
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace walkv::tools_test {

// Every line of `text` parsed as one JSON value (throws on a malformed line).
inline std::vector<nlohmann::json> parse_json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

// The lines whose "type" is `type`.
inline std::vector<nlohmann::json> lines_of_type(const std::vector<nlohmann::json>& lines, const std::string& type) {
  std::vector<nlohmann::json> matching;
  for (const auto& line : lines) {
    if (line.value("type", "") == type) matching.push_back(line);
  }
  return matching;
}

}  // namespace walkv::tools_test
