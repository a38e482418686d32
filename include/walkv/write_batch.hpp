// walkv — WriteBatch: a group of puts, removes and prefix removes applied
// atomically (all or nothing, one WAL frame, one sequence number).
//
// Thread-safety: a WriteBatch is not synchronised; build it on one thread, then
// pass it to Store::write (which only reads it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace walkv {

class WriteBatch {
 public:
  enum class Kind : std::uint8_t { put = 0, remove = 1, remove_prefix = 2 };
  struct Op {
    Kind kind;
    std::string key;    // the key, or the prefix for remove_prefix
    std::string value;  // empty unless kind == put
  };

  // Adds a put of `value` (any bytes, 0..Options::max_value_size) under `key`
  // (any bytes, 1..Options::max_key_size). Limits are checked by Store::write.
  void put(std::string_view key, std::string_view value);
  // Adds a removal of `key`; removing an absent key is not an error.
  void remove(std::string_view key);
  // Adds a removal of every key that starts with `prefix` (byte-wise). An empty
  // prefix removes every key of the store.
  void remove_prefix(std::string_view prefix);

  void clear() noexcept { ops_.clear(); bytes_ = 0; }
  bool empty() const noexcept { return ops_.empty(); }
  std::size_t count() const noexcept { return ops_.size(); }
  // Sum of key and value sizes in bytes (the payload is slightly larger).
  std::size_t byte_size() const noexcept { return bytes_; }
  const std::vector<Op>& ops() const noexcept { return ops_; }

 private:
  std::vector<Op> ops_;
  std::size_t bytes_ = 0;
};

}  // namespace walkv
