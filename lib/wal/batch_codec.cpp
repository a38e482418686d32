// WriteBatch <-> Cap'n Proto flat message (schema: batch.capnp).
#include "wal/batch_codec.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <kj/io.h>

#include "batch.capnp.h"

namespace walkv::wal {
namespace {

constexpr std::size_t kWordBytes = sizeof(capnp::word);
// Batch -> ops list -> op -> data: three levels; a little slack, no more.
constexpr int kNestingLimit = 8;

Status malformed(const std::string& why) { return Status(Code::corruption, "malformed batch: " + why); }

std::size_t words_for(std::size_t bytes) { return (bytes + kWordBytes - 1) / kWordBytes; }

// Words needed for the whole message, so the builder allocates one segment.
std::size_t estimated_words(std::span<const OpView> ops) {
  std::size_t words = 8;  // segment table slack, root pointer, Batch struct, list tag
  for (const OpView& op : ops) words += 3 + words_for(op.key.size()) + words_for(op.value.size());
  return words;
}

capnp::Data::Reader as_data(std::string_view s) {
  return {reinterpret_cast<const capnp::byte*>(s.data()), s.size()};
}

// Appends what Cap'n Proto writes to a string (no zero-filled buffer first).
class StringOutput final : public kj::OutputStream {
 public:
  explicit StringOutput(std::string& out) : out_(out) {}
  void write(const void* buffer, size_t size) override { out_.append(static_cast<const char*>(buffer), size); }

 private:
  std::string& out_;
};

// The first segment of this thread's messages: zeroed, as MallocMessageBuilder
// requires, and zeroed again by the builder's destructor. Messages larger than
// kScratchWords allocate their own.
constexpr std::size_t kScratchWords = (64u << 10) / kWordBytes;

kj::ArrayPtr<capnp::word> scratch_segment(std::size_t words) {
  // Words as uint64_t: capnp::word cannot be copied, so no vector of it can grow.
  static_assert(sizeof(capnp::word) == sizeof(std::uint64_t));
  thread_local std::vector<std::uint64_t> scratch;
  if (words > kScratchWords) return nullptr;
  if (scratch.size() < words) scratch.resize(std::max(words, std::size_t{512}), 0);
  return kj::arrayPtr(reinterpret_cast<capnp::word*>(scratch.data()), words);
}

std::string_view as_view(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}

bool to_kind(Op::Kind kind, WriteBatch::Kind* out) {
  switch (kind) {
    case Op::Kind::PUT: *out = WriteBatch::Kind::put; return true;
    case Op::Kind::REMOVE: *out = WriteBatch::Kind::remove; return true;
    case Op::Kind::REMOVE_PREFIX: *out = WriteBatch::Kind::remove_prefix; return true;
  }
  return false;
}

Op::Kind to_capnp(WriteBatch::Kind kind) {
  switch (kind) {
    case WriteBatch::Kind::put: return Op::Kind::PUT;
    case WriteBatch::Kind::remove: return Op::Kind::REMOVE;
    case WriteBatch::Kind::remove_prefix: return Op::Kind::REMOVE_PREFIX;
  }
  return Op::Kind::PUT;
}

// Every op must be readable and well-typed before any of them is applied.
Status validate(Batch::Reader batch) {
  auto ops = batch.getOps();
  for (unsigned i = 0; i < ops.size(); ++i) {
    Op::Reader op = ops[i];
    WriteBatch::Kind kind = WriteBatch::Kind::put;
    if (!to_kind(op.getKind(), &kind))
      return malformed("op " + std::to_string(i) + " has unknown kind " + std::to_string(static_cast<int>(op.getKind())));
    // Both pointers are read here (they throw when out of bounds or of the
    // wrong type), so visit_all cannot fail halfway through the ops.
    (void)op.getKey();
    const auto value = op.getValue();
    if (kind != WriteBatch::Kind::put && value.size() != 0)
      return malformed("op " + std::to_string(i) + " is not a put but carries a value");
  }
  return {};
}

void visit_all(Batch::Reader batch, const OpVisitor& visit) {
  for (Op::Reader op : batch.getOps()) {
    WriteBatch::Kind kind = WriteBatch::Kind::put;
    to_kind(op.getKind(), &kind);  // validated before
    visit(kind, as_view(op.getKey()), as_view(op.getValue()));
  }
}

Status decode_words(kj::ArrayPtr<const capnp::word> words, const OpVisitor& visit) {
  capnp::ReaderOptions options;
  // Per reader; the constant covers the segment table and tiny messages.
  // Bounds work, not memory.
  options.traversalLimitInWords = 2 * words.size() + 64;
  options.nestingLimit = kNestingLimit;
  try {
    capnp::FlatArrayMessageReader reader(words, options);
    if (reader.getEnd() != words.end()) return malformed("trailing bytes after the message");
    if (Status s = validate(reader.getRoot<Batch>()); !s.ok()) return s;
    // Visit through a second reader with its own traversal budget: visiting
    // makes exactly the reads validate made, so it cannot run out halfway
    // (pointers may alias one blob, so a pass may cost more than the message
    // size, and a shared budget could end after some ops were visited).
    capnp::FlatArrayMessageReader visiting(words, options);
    visit_all(visiting.getRoot<Batch>(), visit);
  } catch (const kj::Exception& e) {
    return malformed(e.getDescription().cStr());
  }
  return {};
}

}  // namespace

std::vector<OpView> op_views(const WriteBatch& batch) {
  std::vector<OpView> views;
  views.reserve(batch.count());
  for (const auto& op : batch.ops()) views.push_back({op.kind, op.key, op.value});
  return views;
}

std::string encode_ops(std::span<const OpView> ops) {
  std::string flat;
  encode_ops_into(ops, flat);
  return flat;
}

void encode_ops_into(std::span<const OpView> ops, std::string& out) {
  const std::size_t words = estimated_words(ops);
  const kj::ArrayPtr<capnp::word> scratch = scratch_segment(words);
  std::optional<capnp::MallocMessageBuilder> message;
  if (scratch != nullptr)
    message.emplace(scratch);
  else
    message.emplace(static_cast<unsigned>(words));
  auto list = message->initRoot<Batch>().initOps(static_cast<unsigned>(ops.size()));
  unsigned i = 0;
  for (const OpView& op : ops) {
    Op::Builder out = list[i++];
    out.setKind(to_capnp(op.kind));
    out.setKey(as_data(op.key));
    if (!op.value.empty()) out.setValue(as_data(op.value));
  }
  // The flat form (segment table, then the segments) appended to the string.
  const auto segments = message->getSegmentsForOutput();
  out.reserve(out.size() + capnp::computeSerializedSizeInWords(segments) * kWordBytes);
  StringOutput output(out);
  capnp::writeMessage(output, segments);
}

std::string encode_batch(const WriteBatch& batch) { return encode_ops(op_views(batch)); }

Status decode_batch(std::span<const std::uint8_t> payload, const OpVisitor& visit) {
  if (payload.empty()) return malformed("empty payload");
  if (payload.size() % kWordBytes != 0)
    return malformed("payload of " + std::to_string(payload.size()) + " bytes is not a whole number of words");
  const std::size_t word_count = payload.size() / kWordBytes;
  if (reinterpret_cast<std::uintptr_t>(payload.data()) % alignof(capnp::word) == 0) {
    return decode_words({reinterpret_cast<const capnp::word*>(payload.data()), word_count}, visit);
  }
  // Cap'n Proto 0.9 refuses unaligned segments: read from an aligned copy
  // (the size is that of the payload already in memory).
  std::vector<capnp::word> aligned(word_count);
  std::memcpy(aligned.data(), payload.data(), payload.size());
  return decode_words({aligned.data(), word_count}, visit);
}

Result<WriteBatch> decode_batch(std::span<const std::uint8_t> payload) {
  WriteBatch batch;
  Status s = decode_batch(payload, [&](WriteBatch::Kind kind, std::string_view key, std::string_view value) {
    switch (kind) {
      case WriteBatch::Kind::put: batch.put(key, value); break;
      case WriteBatch::Kind::remove: batch.remove(key); break;
      case WriteBatch::Kind::remove_prefix: batch.remove_prefix(key); break;
    }
  });
  if (!s.ok()) return error(std::move(s));
  return batch;
}

}  // namespace walkv::wal
