// walkv wal — encoding a WriteBatch as a frame payload (Cap'n Proto, schema
// batch.capnp) and decoding it back in place.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <walkv/status.hpp>
#include <walkv/write_batch.hpp>

namespace walkv::wal {

// One op of a batch by reference: WriteBatch's ops, or a single put's
// arguments (Store::put encodes those without copying them into a WriteBatch).
struct OpView {
  WriteBatch::Kind kind = WriteBatch::Kind::put;
  std::string_view key;
  std::string_view value;  // empty unless kind == put
};

// Views of batch's ops, in order (valid while batch is unchanged).
std::vector<OpView> op_views(const WriteBatch& batch);

// Encodes `ops` as a flat Cap'n Proto message (a whole number of 8-byte
// words): the same bytes as encode_batch of a WriteBatch holding those ops.
// The message is built in a per-thread scratch segment (kept by each thread
// that encodes, up to 64 KiB; larger batches allocate their own) and copied
// once into the returned string.
std::string encode_ops(std::span<const OpView> ops);

// As encode_ops, but appends the message to `out` (whose earlier bytes are
// kept): a writer encodes straight behind the frame header it reserved, so its
// frame needs no second copy.
void encode_ops_into(std::span<const OpView> ops, std::string& out);

// Encodes `batch` as a flat Cap'n Proto message (a whole number of 8-byte words).
std::string encode_batch(const WriteBatch& batch);

// Called once per op while decoding, in batch order. The views point into the
// payload (or into an aligned copy of it) and are valid only during the call.
using OpVisitor = std::function<void(WriteBatch::Kind kind, std::string_view key, std::string_view value)>;

// Decodes `payload`, calling visit for every op. Validates before calling visit
// for any op (so a malformed payload applies nothing). Reads in place when the
// payload is 8-byte aligned, from an aligned copy otherwise. Traversal is bounded
// (Cap'n Proto reader limits sized to the payload), so malformed input cannot
// cause large allocations. Errors: corruption ("malformed batch: ...").
Status decode_batch(std::span<const std::uint8_t> payload, const OpVisitor& visit);

// Convenience: decodes into a WriteBatch.
Result<WriteBatch> decode_batch(std::span<const std::uint8_t> payload);

}  // namespace walkv::wal
