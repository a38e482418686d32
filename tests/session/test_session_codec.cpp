// Session key layout and record/checkpoint encoding (no store needed).
#define BOOST_TEST_MODULE session_codec
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "session.capnp.h"
#include "session/session_codec.hpp"
#include "session/session_keys.hpp"

using namespace std::string_literals;
namespace ws = walkv::session;

BOOST_AUTO_TEST_SUITE(keys)

BOOST_AUTO_TEST_CASE(escape_maps_nul_and_escape_byte) {
  BOOST_TEST(ws::escape_id("abc") == "abc");
  BOOST_TEST(ws::escape_id("a\0b"s) == "a\x01\x01" "b"s);
  BOOST_TEST(ws::escape_id("a\x01z") == "a\x01\x02z");
  BOOST_TEST(ws::escape_id("\x02") == "\x02");
}

BOOST_AUTO_TEST_CASE(record_and_checkpoint_keys_parse_back) {
  for (std::string id : {"plain"s, "a\0b"s, "\x01\x01"s, "agent/repo/issue1"s, ".."s, "__proto__"s, "\0"s}) {
    auto record = ws::parse_key(ws::record_key(id));
    BOOST_REQUIRE(record.has_value());
    BOOST_TEST(record->id == id);
    BOOST_TEST((record->kind == ws::ParsedKey::Kind::record));

    auto checkpoint = ws::parse_key(ws::checkpoint_key(id, 0x0102030405060708ull));
    BOOST_REQUIRE(checkpoint.has_value());
    BOOST_TEST(checkpoint->id == id);
    BOOST_TEST((checkpoint->kind == ws::ParsedKey::Kind::checkpoint));
    BOOST_TEST(checkpoint->number == 0x0102030405060708ull);
  }
}

BOOST_AUTO_TEST_CASE(key_layout_is_exact) {
  BOOST_TEST(ws::record_key("ab") == "srab\0"s);
  BOOST_TEST(ws::checkpoint_key("ab", 258) == "scab\0\0\0\0\0\0\0\x01\x02"s);
  BOOST_TEST(ws::checkpoint_prefix("ab") == "scab\0"s);
  BOOST_TEST(ws::id_prefix_key("a\0"s) == "sra\x01\x01"s);
  BOOST_TEST(ws::checkpoint_id_prefix_key("a\0"s) == "sca\x01\x01"s);
  BOOST_TEST(ws::index_value_prefix("alias", "x\0"s) == "sxalias\0x\x01\x01\0"s);
  std::string index = ws::index_key("alias", "x", "id");
  BOOST_TEST(index.size() == ws::index_value_prefix("alias", "x").size() + 16);
  BOOST_TEST(index.starts_with(ws::index_value_prefix("alias", "x")));
  BOOST_TEST(index != ws::index_key("alias", "x", "id2"));
}

BOOST_AUTO_TEST_CASE(index_keys_parse_back) {
  auto parsed = ws::parse_key(ws::index_key("fp\0"s, "v\x01"s, "any id"));
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST((parsed->kind == ws::ParsedKey::Kind::index));
  BOOST_TEST(parsed->index_name == "fp\0"s);
  BOOST_TEST(parsed->index_value == "v\x01"s);
  // (name, value) pairs are prefix free: ("a", "b") never shares keys with ("a", "bc") or ("ab", ...).
  BOOST_TEST(!ws::index_key("a", "bc", "i").starts_with(ws::index_value_prefix("a", "b")));
  BOOST_TEST(!ws::index_key("ab", "c", "i").starts_with(ws::index_value_prefix("a", "b")));
}

BOOST_AUTO_TEST_CASE(foreign_keys_do_not_parse) {
  BOOST_TEST(!ws::parse_key("xrab\0"s).has_value());      // not the session space
  BOOST_TEST(!ws::parse_key("srab").has_value());         // no terminator
  BOOST_TEST(!ws::parse_key("sra\x01\x03\0"s).has_value());  // bad escape
  BOOST_TEST(!ws::parse_key("sra\x01").has_value());      // escape at the end
  BOOST_TEST(!ws::parse_key("srab\0zz"s).has_value());    // trailing bytes after a record key
  BOOST_TEST(!ws::parse_key("scab\0\1"s).has_value());    // short checkpoint number
  BOOST_TEST(!ws::parse_key("sqab\0"s).has_value());      // unknown space
  BOOST_TEST(!ws::parse_key("sxa\0b\0short"s).has_value());  // index key without a 16-byte id hash
  BOOST_TEST(!ws::parse_key("s").has_value());
}

BOOST_AUTO_TEST_CASE(records_are_prefix_free) {
  std::vector<std::string> ids = {"a"s, "ab"s, "a\0"s, "a\0b"s, "a\x01"s, "a\x02"s, "issue1"s, "issue10"s};
  for (const auto& x : ids) {
    for (const auto& y : ids) {
      if (x == y) continue;
      BOOST_TEST(!ws::record_key(y).starts_with(ws::record_key(x)), "record(" << ws::printable_id(x)
                                                                              << ") prefixes record("
                                                                              << ws::printable_id(y) << ")");
      BOOST_TEST(!ws::checkpoint_key(y, 1).starts_with(ws::checkpoint_prefix(x)));
    }
  }
}

BOOST_AUTO_TEST_CASE(id_prefix_matches_exactly_the_ids_with_that_prefix) {
  std::vector<std::string> ids = {"a"s, "ab"s, "a\0"s, "a\0b"s, "a\x01"s, "a\x02"s, "b"s, "\0"s, "\x01"s};
  for (const auto& prefix : ids) {
    for (const auto& id : ids) {
      bool matches = ws::record_key(id).starts_with(ws::id_prefix_key(prefix));
      BOOST_TEST(matches == id.starts_with(prefix),
                 "prefix " << ws::printable_id(prefix) << " id " << ws::printable_id(id));
      bool checkpoint_matches = ws::checkpoint_key(id, 7).starts_with(ws::checkpoint_id_prefix_key(prefix));
      BOOST_TEST(checkpoint_matches == id.starts_with(prefix));
    }
  }
}

BOOST_AUTO_TEST_CASE(escaping_preserves_id_order) {
  std::vector<std::string> ids = {"b"s, "a"s, "a\0"s, "\0"s, "a\x01"s, "a\x02"s, "\x01"s, "ab"s, "\xff"s, "a\0\0"s};
  std::vector<std::string> by_id = ids;
  std::sort(by_id.begin(), by_id.end());
  std::vector<std::string> by_key = ids;
  std::sort(by_key.begin(), by_key.end(),
            [](const auto& x, const auto& y) { return ws::record_key(x) < ws::record_key(y); });
  BOOST_TEST(by_id == by_key);
}

BOOST_AUTO_TEST_CASE(checkpoint_keys_sort_oldest_first) {
  std::vector<std::uint64_t> numbers = {256, 1, 65536, 2, 255};
  std::vector<std::string> keys;
  for (auto n : numbers) keys.push_back(ws::checkpoint_key("s1", n));
  std::sort(keys.begin(), keys.end());
  std::vector<std::uint64_t> sorted;
  for (const auto& key : keys) sorted.push_back(ws::parse_key(key)->number);
  BOOST_TEST(sorted == (std::vector<std::uint64_t>{1, 2, 255, 256, 65536}));
}

BOOST_AUTO_TEST_CASE(id_limits) {
  BOOST_TEST((ws::validate_id("").code() == walkv::Code::invalid_argument));
  BOOST_TEST(ws::validate_id(std::string(256, 'x')).ok());
  BOOST_TEST((ws::validate_id(std::string(257, 'x')).code() == walkv::Code::invalid_argument));
  // 256 NULs escape to 512 bytes: the checkpoint key would pass the store's key limit.
  BOOST_TEST((ws::validate_id(std::string(256, '\0')).code() == walkv::Code::invalid_argument));
  BOOST_TEST(ws::validate_id(std::string(244, '\0')).ok());
  BOOST_TEST(ws::checkpoint_key(std::string(250, '\0'), 1).size() <= 511);
  BOOST_TEST(ws::checkpoint_key(std::string(256, 'x'), 1).size() <= 511);
}

BOOST_AUTO_TEST_CASE(index_limits) {
  BOOST_TEST(ws::validate_index("alias", "x").ok());
  BOOST_TEST((ws::validate_index("", "x").code() == walkv::Code::invalid_argument));
  BOOST_TEST((ws::validate_index("alias", "").code() == walkv::Code::invalid_argument));
  BOOST_TEST((ws::validate_index(std::string(65, 'n'), "x").code() == walkv::Code::invalid_argument));
  BOOST_TEST((ws::validate_index("n", std::string(257, 'v')).code() == walkv::Code::invalid_argument));
  BOOST_TEST(ws::validate_index(std::string(64, 'n'), std::string(256, 'v')).ok());
  BOOST_TEST((ws::validate_index(std::string(64, '\0'), std::string(256, '\0')).code() ==
              walkv::Code::invalid_argument));
  // The worst index entry accepted still fits the store's key limit.
  BOOST_TEST(ws::index_key(std::string(64, 'n'), std::string(256, 'v'), "id").size() <= 511);
  BOOST_TEST(ws::index_key(std::string(64, '\0'), std::string(181, '\0'), "id").size() <= 511);
}

BOOST_AUTO_TEST_CASE(printable_id_escapes_control_bytes) {
  BOOST_TEST(ws::printable_id("a\0/\\\xff"s) == "a\\x00/\\x5c\\xff");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(codec)

walkv::SessionInfo sample_info() {
  walkv::SessionInfo info;
  info.id = "id\0with nul"s;
  info.status = walkv::SessionStatus::failed;
  info.created_ns = 1;
  info.updated_ns = 2;
  info.owner_epoch = 3;
  info.step = 4;
  info.total_steps = 5;
  info.description = "desc\0"s;
  info.latest_checkpoint = 6;
  info.reason = "timeout";
  info.indexes = {{"alias", "ana\0"s}, {"fingerprint", "ff:00"}};
  info.oldest_checkpoint = 2;
  return info;
}

walkv::Checkpoint sample_checkpoint() {
  walkv::Checkpoint checkpoint;
  checkpoint.number = 9;
  checkpoint.app_version = "1.4.0";
  checkpoint.time_ns = 123456789;
  checkpoint.step = 7;
  checkpoint.total_steps = 8;
  checkpoint.description = "tool call";
  checkpoint.state = "\0\1\2 state bytes"s;
  checkpoint.state_hash = ws::state_hash(checkpoint.state);
  return checkpoint;
}

BOOST_AUTO_TEST_CASE(record_round_trip) {
  auto info = sample_info();
  auto bytes = ws::encode_record(info);
  BOOST_TEST(bytes.size() % 8 == 0);
  auto decoded = ws::decode_record(bytes);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->id == info.id);
  BOOST_TEST((decoded->status == info.status));
  BOOST_TEST(decoded->created_ns == 1u);
  BOOST_TEST(decoded->updated_ns == 2u);
  BOOST_TEST(decoded->owner_epoch == 3u);
  BOOST_TEST(decoded->step == 4u);
  BOOST_TEST(decoded->total_steps == 5u);
  BOOST_TEST(decoded->description == info.description);
  BOOST_TEST(decoded->latest_checkpoint == 6u);
  BOOST_TEST(decoded->reason == "timeout");
  BOOST_TEST((decoded->indexes == info.indexes));
  BOOST_TEST(decoded->oldest_checkpoint == 2u);
}

BOOST_AUTO_TEST_CASE(encrypted_checkpoint_fields_round_trip) {
  auto checkpoint = sample_checkpoint();
  checkpoint.key_id = "key-2024";
  std::string nonce(24, '\x07');
  std::string decoded_nonce;
  auto decoded = ws::decode_checkpoint(ws::encode_checkpoint(checkpoint, nonce), &decoded_nonce);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->key_id == "key-2024");
  BOOST_TEST(decoded_nonce == nonce);
  // A checkpoint in clear has neither.
  decoded = ws::decode_checkpoint(ws::encode_checkpoint(sample_checkpoint()), &decoded_nonce);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->key_id.empty());
  BOOST_TEST(decoded_nonce.empty());
}

BOOST_AUTO_TEST_CASE(checkpoint_round_trip_and_verify) {
  auto checkpoint = sample_checkpoint();
  auto decoded = ws::decode_checkpoint(ws::encode_checkpoint(checkpoint));
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->number == 9u);
  BOOST_TEST(decoded->app_version == "1.4.0");
  BOOST_TEST(decoded->time_ns == 123456789u);
  BOOST_TEST(decoded->step == 7u);
  BOOST_TEST(decoded->total_steps == 8u);
  BOOST_TEST(decoded->description == "tool call");
  BOOST_TEST(decoded->state == checkpoint.state);
  BOOST_TEST(decoded->state_hash == checkpoint.state_hash);
  BOOST_TEST(ws::verify_checkpoint(*decoded, 9).ok());
}

BOOST_AUTO_TEST_CASE(large_state_round_trips) {
  auto checkpoint = sample_checkpoint();
  checkpoint.state = std::string(3u << 20, 'q');
  checkpoint.state_hash = ws::state_hash(checkpoint.state);
  auto decoded = ws::decode_checkpoint(ws::encode_checkpoint(checkpoint));
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->state == checkpoint.state);
}

BOOST_AUTO_TEST_CASE(verify_detects_hash_and_number_mismatch) {
  auto checkpoint = sample_checkpoint();
  BOOST_TEST(ws::verify_checkpoint(checkpoint, 10).message() == "number mismatch: holds 9");
  checkpoint.state[0] = 'X';
  auto verified = ws::verify_checkpoint(checkpoint, 9);
  BOOST_TEST((verified.code() == walkv::Code::corruption));
  BOOST_TEST(verified.message() == "hash mismatch");
}

BOOST_AUTO_TEST_CASE(unaligned_input_decodes) {
  auto bytes = ws::encode_checkpoint(sample_checkpoint());
  std::string shifted = "x" + bytes;
  auto decoded = ws::decode_checkpoint(std::string_view(shifted).substr(1));
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->state == sample_checkpoint().state);
}

BOOST_AUTO_TEST_CASE(malformed_input_is_corruption) {
  auto bytes = ws::encode_checkpoint(sample_checkpoint());
  std::vector<std::string> bad = {
      ""s,
      "1234567"s,                            // not whole words
      bytes.substr(0, bytes.size() - 8),     // truncated
      bytes + std::string(8, '\0'),          // trailing bytes
      std::string(64, '\xff'),               // garbage segment table
      "\0\0\0\0\xff\xff\xff\x7f"s,           // one segment, absurd size
  };
  for (const auto& value : bad) {
    auto checkpoint = ws::decode_checkpoint(value);
    BOOST_TEST(!checkpoint.has_value());
    if (!checkpoint) BOOST_TEST((checkpoint.error().code() == walkv::Code::corruption));
    auto record = ws::decode_record(value);
    BOOST_TEST(!record.has_value());
    if (!record) BOOST_TEST((record.error().code() == walkv::Code::corruption));
  }
}

BOOST_AUTO_TEST_CASE(mutated_values_decode_or_fail_cleanly) {
  std::mt19937 random(12345);
  const std::string record = ws::encode_record(sample_info());
  const std::string checkpoint = ws::encode_checkpoint(sample_checkpoint());
  auto mutate = [&](std::string value) {
    int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) value[random() % value.size()] ^= static_cast<char>(1 + random() % 255);
    if (random() % 4 == 0) value.resize((random() % value.size()) & ~std::size_t{7});
    return value;
  };
  int failures = 0;
  for (int i = 0; i < 3000; ++i) {
    auto r = ws::decode_record(mutate(record));
    auto c = ws::decode_checkpoint(mutate(checkpoint));
    if (!r) {
      ++failures;
      BOOST_TEST((r.error().code() == walkv::Code::corruption || r.error().code() == walkv::Code::version_mismatch));
    }
    if (!c) {
      ++failures;
      BOOST_TEST((c.error().code() == walkv::Code::corruption));
    } else if (c->state_hash == ws::state_hash(c->state) && c->state != sample_checkpoint().state) {
      BOOST_TEST(false, "a mutated state passed its hash check");
    }
  }
  BOOST_TEST(failures > 0);
}

BOOST_AUTO_TEST_CASE(unknown_status_is_version_mismatch) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<ws::wire::SessionRecord>();
  root.setId(capnp::Data::Reader(reinterpret_cast<const kj::byte*>("x"), 1));
  root.setStatus(static_cast<ws::wire::SessionRecord::Status>(9));
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  auto decoded = ws::decode_record(std::string_view(reinterpret_cast<const char*>(bytes.begin()), bytes.size()));
  BOOST_REQUIRE(!decoded.has_value());
  BOOST_TEST((decoded.error().code() == walkv::Code::version_mismatch));
}

BOOST_AUTO_TEST_SUITE_END()
