#include "session/session_codec.hpp"

#include <cstring>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <kj/exception.h>
#include <kj/io.h>
#include <xxhash.h>

#include "session.capnp.h"

namespace walkv::session {
namespace {

constexpr capnp::uint kWordSize = sizeof(capnp::word);
constexpr capnp::uint kHeaderWords = 32;  // root struct, pointers, segment table
constexpr int kNestingLimit = 8;          // our messages nest two levels deep

capnp::Data::Reader as_data(std::string_view bytes) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size());
}

std::string as_string(capnp::Data::Reader data) {
  return std::string(reinterpret_cast<const char*>(data.begin()), data.size());
}

capnp::uint first_segment_words(std::size_t payload_bytes) {
  return static_cast<capnp::uint>(payload_bytes / kWordSize + kHeaderWords);
}

// Serialises the builder into a std::string with a single copy.
std::string to_flat_string(capnp::MessageBuilder& builder) {
  std::string out(capnp::computeSerializedSizeInWords(builder) * kWordSize, '\0');
  kj::ArrayOutputStream stream(kj::arrayPtr(reinterpret_cast<kj::byte*>(out.data()), out.size()));
  capnp::writeMessage(stream, builder);
  return out;
}

kj::Array<capnp::word> aligned_copy(std::string_view bytes) {
  auto words = kj::heapArray<capnp::word>(bytes.size() / kWordSize);
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  return words;
}

capnp::ReaderOptions bounded_options(std::size_t words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = 2 * words + kHeaderWords;
  options.nestingLimit = kNestingLimit;
  return options;
}

Status check_framing(std::string_view bytes, const char* what) {
  if (bytes.empty() || bytes.size() % kWordSize != 0) {
    return Status(Code::corruption, std::string("malformed ") + what + ": size " +
                                        std::to_string(bytes.size()) + " is not a whole number of words");
  }
  return Status::ok_status();
}

Status malformed(const char* what, const kj::Exception& e) {
  return Status(Code::corruption, std::string("malformed ") + what + ": " + e.getDescription().cStr());
}

// Decodes `bytes` as a message with root type Root and hands the reader to
// `copy_out`, which must copy every field it needs before returning.
template <class Root, class CopyOut>
auto read_message(std::string_view bytes, const char* what, CopyOut&& copy_out)
    -> decltype(copy_out(std::declval<typename Root::Reader>())) {
  if (auto framing = check_framing(bytes, what); !framing) return error(framing);
  auto words = aligned_copy(bytes);
  try {
    capnp::FlatArrayMessageReader reader(words.asPtr(), bounded_options(words.size()));
    if (reader.getEnd() != words.end()) {
      return error(Code::corruption, std::string("malformed ") + what + ": trailing bytes after the message");
    }
    return copy_out(reader.getRoot<Root>());
  } catch (const kj::Exception& e) {
    return error(malformed(what, e));
  }
}

wire::SessionRecord::Status to_wire(SessionStatus status) {
  switch (status) {
    case SessionStatus::active: return wire::SessionRecord::Status::ACTIVE;
    case SessionStatus::completed: return wire::SessionRecord::Status::COMPLETED;
    case SessionStatus::failed: return wire::SessionRecord::Status::FAILED;
    case SessionStatus::interrupted: return wire::SessionRecord::Status::INTERRUPTED;
  }
  return wire::SessionRecord::Status::ACTIVE;
}

Result<SessionStatus> from_wire(wire::SessionRecord::Status status) {
  switch (status) {
    case wire::SessionRecord::Status::ACTIVE: return SessionStatus::active;
    case wire::SessionRecord::Status::COMPLETED: return SessionStatus::completed;
    case wire::SessionRecord::Status::FAILED: return SessionStatus::failed;
    case wire::SessionRecord::Status::INTERRUPTED: return SessionStatus::interrupted;
  }
  return error(Code::version_mismatch,
               "session record has status " + std::to_string(static_cast<unsigned>(status)) +
                   ", unknown to this version of walkv");
}

Result<SessionInfo> copy_record(wire::SessionRecord::Reader root) {
  auto status = from_wire(root.getStatus());
  if (!status) return error(status.error());
  SessionInfo info;
  info.id = as_string(root.getId());
  info.status = *status;
  info.created_ns = root.getCreatedNs();
  info.updated_ns = root.getUpdatedNs();
  info.owner_epoch = root.getOwnerEpoch();
  info.step = root.getStep();
  info.total_steps = root.getTotalSteps();
  info.description = as_string(root.getDescription());
  info.latest_checkpoint = root.getLatestCheckpoint();
  info.reason = as_string(root.getReason());
  info.oldest_checkpoint = root.getOldestCheckpoint();
  for (auto entry : root.getIndexes()) {
    info.indexes.push_back(IndexEntry{as_string(entry.getName()), as_string(entry.getValue())});
  }
  return info;
}

Result<Checkpoint> copy_checkpoint(wire::Checkpoint::Reader root, std::string* nonce) {
  Checkpoint checkpoint;
  checkpoint.number = root.getNumber();
  checkpoint.app_version = as_string(root.getAppVersion());
  checkpoint.time_ns = root.getTimeNs();
  checkpoint.step = root.getStep();
  checkpoint.total_steps = root.getTotalSteps();
  checkpoint.description = as_string(root.getDescription());
  checkpoint.state = as_string(root.getState());
  checkpoint.state_hash = root.getStateHash();
  checkpoint.key_id = as_string(root.getKeyId());
  if (nonce) *nonce = as_string(root.getNonce());
  return checkpoint;
}

}  // namespace

std::string encode_record(const SessionInfo& info) {
  std::size_t payload = info.id.size() + info.description.size() + info.reason.size();
  for (const auto& entry : info.indexes) payload += entry.name.size() + entry.value.size() + 4 * kWordSize;
  capnp::MallocMessageBuilder builder(first_segment_words(payload));
  auto root = builder.initRoot<wire::SessionRecord>();
  root.setId(as_data(info.id));
  root.setCreatedNs(info.created_ns);
  root.setUpdatedNs(info.updated_ns);
  root.setStatus(to_wire(info.status));
  root.setOwnerEpoch(info.owner_epoch);
  root.setStep(info.step);
  root.setTotalSteps(info.total_steps);
  root.setDescription(as_data(info.description));
  root.setLatestCheckpoint(info.latest_checkpoint);
  root.setReason(as_data(info.reason));
  root.setOldestCheckpoint(info.oldest_checkpoint);
  if (!info.indexes.empty()) {
    auto indexes = root.initIndexes(static_cast<capnp::uint>(info.indexes.size()));
    for (capnp::uint i = 0; i < indexes.size(); ++i) {
      indexes[i].setName(as_data(info.indexes[i].name));
      indexes[i].setValue(as_data(info.indexes[i].value));
    }
  }
  return to_flat_string(builder);
}

Result<SessionInfo> decode_record(std::string_view bytes) {
  return read_message<wire::SessionRecord>(bytes, "session record", copy_record);
}

std::string encode_checkpoint(const Checkpoint& checkpoint, std::string_view nonce) {
  std::size_t payload = checkpoint.app_version.size() + checkpoint.description.size() + checkpoint.state.size() +
                        checkpoint.key_id.size() + nonce.size();
  capnp::MallocMessageBuilder builder(first_segment_words(payload));
  auto root = builder.initRoot<wire::Checkpoint>();
  root.setNumber(checkpoint.number);
  root.setAppVersion(as_data(checkpoint.app_version));
  root.setTimeNs(checkpoint.time_ns);
  root.setStep(checkpoint.step);
  root.setTotalSteps(checkpoint.total_steps);
  root.setDescription(as_data(checkpoint.description));
  root.setState(as_data(checkpoint.state));
  root.setStateHash(checkpoint.state_hash);
  if (!checkpoint.key_id.empty()) root.setKeyId(as_data(checkpoint.key_id));
  if (!nonce.empty()) root.setNonce(as_data(nonce));
  return to_flat_string(builder);
}

Result<Checkpoint> decode_checkpoint(std::string_view bytes, std::string* nonce) {
  return read_message<wire::Checkpoint>(bytes, "checkpoint",
                                        [nonce](wire::Checkpoint::Reader root) { return copy_checkpoint(root, nonce); });
}

std::uint64_t state_hash(std::string_view state) {
  return XXH3_64bits(state.data(), state.size());
}

Status verify_checkpoint(const Checkpoint& checkpoint, std::uint64_t expected_number) {
  if (checkpoint.number != expected_number) {
    return Status(Code::corruption, "number mismatch: holds " + std::to_string(checkpoint.number));
  }
  if (state_hash(checkpoint.state) != checkpoint.state_hash) return Status(Code::corruption, "hash mismatch");
  return Status::ok_status();
}

}  // namespace walkv::session
