// Fuzz target: the session record and checkpoint decoders
// (lib/session/session_codec.hpp) and the session key parser
// (lib/session/session_keys.hpp).
//
// Every input is decoded as a record, as a checkpoint and as a store key.
// Properties:
//  - decoding either succeeds or returns corruption (or version_mismatch for a
//    record with a status this build does not know), with bounded work;
//  - a decoded record / checkpoint re-encodes to bytes that decode to the same
//    fields;
//  - a key that parses as a record, checkpoint or index key is exactly the key
//    that record_key / checkpoint_key / index_key build from what was parsed,
//    and any valid id (index name and value) round-trips through escape /
//    parse into a key within the store's 511-byte limit.
#include <algorithm>
#include <string>
#include <string_view>

#include "fuzz_target.hpp"
#include "session/session_codec.hpp"
#include "session/session_keys.hpp"

using namespace walkv;
using namespace walkv::session;

namespace {

bool same(const SessionInfo& a, const SessionInfo& b) {
  return a.id == b.id && a.status == b.status && a.created_ns == b.created_ns && a.updated_ns == b.updated_ns &&
         a.owner_epoch == b.owner_epoch && a.step == b.step && a.total_steps == b.total_steps &&
         a.description == b.description && a.latest_checkpoint == b.latest_checkpoint && a.reason == b.reason;
}

bool same(const Checkpoint& a, const Checkpoint& b) {
  return a.number == b.number && a.app_version == b.app_version && a.time_ns == b.time_ns && a.step == b.step &&
         a.total_steps == b.total_steps && a.description == b.description && a.state == b.state &&
         a.state_hash == b.state_hash;
}

void check_record(std::string_view bytes) {
  auto record = decode_record(bytes);
  if (!record) {
    const Code code = record.error().code();
    FUZZ_CHECK(code == Code::corruption || code == Code::version_mismatch);
    return;
  }
  auto again = decode_record(encode_record(*record));
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(same(*again, *record));
}

void check_checkpoint(std::string_view bytes) {
  auto checkpoint = decode_checkpoint(bytes);
  if (!checkpoint) {
    FUZZ_CHECK(checkpoint.error().code() == Code::corruption);
    return;
  }
  auto again = decode_checkpoint(encode_checkpoint(*checkpoint));
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(same(*again, *checkpoint));
  // verify_checkpoint agrees with the hash.
  const bool hash_ok = state_hash(checkpoint->state) == checkpoint->state_hash;
  FUZZ_CHECK(verify_checkpoint(*checkpoint, checkpoint->number).ok() == hash_ok);
  FUZZ_CHECK(!verify_checkpoint(*checkpoint, checkpoint->number + 1).ok());
}

void check_key(std::string_view key) {
  auto parsed = parse_key(key);
  if (parsed) {
    FUZZ_CHECK(key.starts_with(kSessionSpace));
    switch (parsed->kind) {
      case ParsedKey::Kind::record: FUZZ_CHECK(record_key(parsed->id) == key); break;
      case ParsedKey::Kind::checkpoint: FUZZ_CHECK(checkpoint_key(parsed->id, parsed->number) == key); break;
      case ParsedKey::Kind::index: {
        const std::string prefix = index_value_prefix(parsed->index_name, parsed->index_value);
        FUZZ_CHECK(key.starts_with(prefix));
        FUZZ_CHECK(key.size() == prefix.size() + kIdHashSize);
        break;
      }
      case ParsedKey::Kind::other: break;
    }
  }
  // The input as an id: its keys parse back to it and fit the store's limit.
  const std::string_view id = key.substr(0, 300);
  if (validate_id(id).ok()) {
    const std::string record = record_key(id);
    auto r = parse_key(record);
    FUZZ_CHECK(r && r->kind == ParsedKey::Kind::record && r->id == id);
    const std::string checkpoint = checkpoint_key(id, key.size());
    auto c = parse_key(checkpoint);
    FUZZ_CHECK(c && c->kind == ParsedKey::Kind::checkpoint && c->id == id && c->number == key.size());
    FUZZ_CHECK(record.size() <= 511);
    FUZZ_CHECK(checkpoint.size() <= 511);
    FUZZ_CHECK(record.starts_with(id_prefix_key(id)));
    FUZZ_CHECK(checkpoint.starts_with(checkpoint_prefix(id)));
    FUZZ_CHECK(checkpoint.starts_with(checkpoint_id_prefix_key(id)));
  } else {
    FUZZ_CHECK(validate_id(id).code() == Code::invalid_argument);
  }
  // The input as an index entry: name (up to 80 bytes), then value.
  const std::string_view name = key.substr(0, std::min<std::size_t>(key.size(), key.empty() ? 0 : key[0] % 80));
  const std::string_view value = key.substr(name.size(), 300);
  if (validate_index(name, value).ok()) {
    const std::string index = index_key(name, value, id);
    auto x = parse_key(index);
    FUZZ_CHECK(x && x->kind == ParsedKey::Kind::index && x->index_name == name && x->index_value == value);
    FUZZ_CHECK(index.size() <= 511);
  } else {
    FUZZ_CHECK(validate_index(name, value).code() == Code::invalid_argument);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_record(bytes);
  check_checkpoint(bytes);
  check_key(bytes);
  return 0;
}
