#include "markdown_table.hpp"

#include <cmath>
#include <cstdio>

namespace walkv_bench {

MarkdownTable::MarkdownTable(std::vector<std::string> columns) {
  for (auto& c : columns) {
    const bool right = !c.empty() && c[0] == '>';
    right_.push_back(right);
    columns_.push_back(right ? c.substr(1) : c);
  }
}

void MarkdownTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string MarkdownTable::render() const {
  std::string out = "|";
  for (const auto& c : columns_) out += " " + c + " |";
  out += "\n|";
  for (bool right : right_) out += right ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : rows_) {
    out += "|";
    for (const auto& cell : row) out += " " + cell + " |";
    out += "\n";
  }
  return out;
}

std::string fixed(double value, int decimals) {
  if (std::isnan(value) || std::isinf(value)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string thousands(double value) {
  if (std::isnan(value) || std::isinf(value)) return "–";
  std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
  std::string out;
  const std::size_t start = digits[0] == '-' ? 1 : 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > start && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace walkv_bench
