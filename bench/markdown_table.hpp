// walkv-bench — a Markdown table builder (header, alignment, rows of text).
#pragma once

#include <string>
#include <vector>

namespace walkv_bench {

class MarkdownTable {
 public:
  // Columns whose name starts with '>' are right-aligned (the '>' is dropped).
  explicit MarkdownTable(std::vector<std::string> columns);
  void add_row(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  std::string render() const;

 private:
  std::vector<std::string> columns_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Number formatting for tables: fixed decimals, or "–" for "no value".
std::string fixed(double value, int decimals);
std::string thousands(double value);  // 12345.6 -> "12,346"

}  // namespace walkv_bench
