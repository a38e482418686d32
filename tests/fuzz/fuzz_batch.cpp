// Fuzz target: the write-batch decoder (wal::decode_batch) and encoder.
//
// Properties:
//  - decoding any bytes either succeeds or returns Code::corruption, with
//    bounded work and allocation (Cap'n Proto reader limits), and never calls
//    the visitor for a payload it refuses (a malformed batch applies nothing);
//  - decoding from an unaligned copy gives the same result as from an aligned
//    one;
//  - a decoded batch re-encodes to a payload that decodes to the same ops;
//  - the input read as a list of ops (see ops_from) encodes and decodes back
//    to the same ops.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_target.hpp"
#include "wal/batch_codec.hpp"

using namespace walkv;
using namespace walkv::wal;

namespace {

struct Decoded {
  Status status;
  std::vector<WriteBatch::Op> ops;
};

Decoded decode(std::span<const std::uint8_t> payload) {
  Decoded d;
  d.status = decode_batch(payload, [&](WriteBatch::Kind kind, std::string_view key, std::string_view value) {
    d.ops.push_back({kind, std::string(key), std::string(value)});
  });
  if (!d.status.ok()) {
    FUZZ_CHECK(d.status.code() == Code::corruption);
    FUZZ_CHECK(d.ops.empty());  // refused before anything was visited
  }
  return d;
}

bool same_ops(const std::vector<WriteBatch::Op>& a, const std::vector<WriteBatch::Op>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].kind != b[i].kind || a[i].key != b[i].key || a[i].value != b[i].value) return false;
  return true;
}

WriteBatch to_batch(const std::vector<WriteBatch::Op>& ops) {
  WriteBatch batch;
  for (const auto& op : ops) {
    switch (op.kind) {
      case WriteBatch::Kind::put: batch.put(op.key, op.value); break;
      case WriteBatch::Kind::remove: batch.remove(op.key); break;
      case WriteBatch::Kind::remove_prefix: batch.remove_prefix(op.key); break;
    }
  }
  return batch;
}

void check_encodes_back(const std::vector<WriteBatch::Op>& ops) {
  const std::string payload = encode_batch(to_batch(ops));
  FUZZ_CHECK(!payload.empty());
  FUZZ_CHECK(payload.size() % 8 == 0);
  // std::string storage is not guaranteed 8-byte aligned: copy into words.
  std::vector<std::uint64_t> words(payload.size() / 8);
  std::memcpy(words.data(), payload.data(), payload.size());
  const Decoded again = decode({reinterpret_cast<const std::uint8_t*>(words.data()), payload.size()});
  FUZZ_CHECK(again.status.ok());
  FUZZ_CHECK(same_ops(again.ops, ops));
}

// The input as ops: [u8 kind%3][u8 key length][u8 value length][key][value]...
// (values only for puts, as WriteBatch keeps them).
std::vector<WriteBatch::Op> ops_from(const std::uint8_t* data, std::size_t size) {
  std::vector<WriteBatch::Op> ops;
  std::size_t pos = 0;
  while (pos + 3 <= size) {
    const auto kind = static_cast<WriteBatch::Kind>(data[pos] % 3u);
    std::size_t key_len = std::min<std::size_t>(data[pos + 1], size - pos - 3);
    std::size_t value_len = std::min<std::size_t>(data[pos + 2], size - pos - 3 - key_len);
    pos += 3;
    WriteBatch::Op op{kind, std::string(reinterpret_cast<const char*>(data + pos), key_len), {}};
    pos += key_len;
    if (kind == WriteBatch::Kind::put) op.value.assign(reinterpret_cast<const char*>(data + pos), value_len);
    pos += value_len;
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Aligned: a word-aligned heap copy (libFuzzer's buffer is, but do not rely on it).
  std::vector<std::uint64_t> words(size / 8 + 1);
  if (size > 0) std::memcpy(words.data(), data, size);
  const auto* aligned = reinterpret_cast<const std::uint8_t*>(words.data());
  const Decoded d = decode({aligned, size});

  // Unaligned: the same bytes one byte into an exact-size allocation.
  auto unaligned = std::make_unique<std::uint8_t[]>(size + 1);
  if (size > 0) std::memcpy(unaligned.get() + 1, data, size);
  const Decoded u = decode({unaligned.get() + 1, size});
  FUZZ_CHECK(u.status.ok() == d.status.ok());
  FUZZ_CHECK(same_ops(u.ops, d.ops));

  // The Result<WriteBatch> overload agrees.
  auto batch = decode_batch(std::span<const std::uint8_t>{aligned, size});
  FUZZ_CHECK(batch.has_value() == d.status.ok());
  if (batch) {
    FUZZ_CHECK(batch->count() == d.ops.size());
    check_encodes_back(d.ops);
  }

  check_encodes_back(ops_from(data, size));
  return 0;
}
