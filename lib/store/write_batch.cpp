#include <walkv/write_batch.hpp>

namespace walkv {

void WriteBatch::put(std::string_view key, std::string_view value) {
  ops_.push_back(Op{Kind::put, std::string(key), std::string(value)});
  bytes_ += key.size() + value.size();
}

void WriteBatch::remove(std::string_view key) {
  ops_.push_back(Op{Kind::remove, std::string(key), {}});
  bytes_ += key.size();
}

void WriteBatch::remove_prefix(std::string_view prefix) {
  ops_.push_back(Op{Kind::remove_prefix, std::string(prefix), {}});
  bytes_ += prefix.size();
}

}  // namespace walkv
