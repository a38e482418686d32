// The write batch payload codec (Cap'n Proto, batch.capnp).
#define BOOST_TEST_MODULE wal_batch_codec
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "wal/batch_codec.hpp"
#include "wal_fixture.hpp"

using walkv::wal::test::why;

using namespace walkv;
using namespace walkv::wal;

namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// An 8-byte aligned copy of `s` (std::string storage is only guaranteed 1-aligned in principle).
struct Aligned {
  explicit Aligned(const std::string& s, std::size_t misalign = 0) : words((s.size() + misalign + 7) / 8 + 1) {
    std::memcpy(reinterpret_cast<char*>(words.data()) + misalign, s.data(), s.size());
    span = {reinterpret_cast<const std::uint8_t*>(words.data()) + misalign, s.size()};
  }
  std::vector<std::uint64_t> words;
  std::span<const std::uint8_t> span;
};

WriteBatch awkward_batch() {
  WriteBatch b;
  b.put(std::string("a\0b", 3), std::string("\0\0\0", 3));
  b.put("../../etc/passwd", "/");
  b.put("..", "");
  b.put("/", std::string(100000, '\xff'));
  b.remove(std::string(1, '\0'));
  b.remove_prefix("");
  b.remove_prefix("sessions/42/");
  b.put("k", "v");
  return b;
}

void check_equal(const WriteBatch& a, const WriteBatch& b) {
  BOOST_REQUIRE_EQUAL(a.count(), b.count());
  for (std::size_t i = 0; i < a.count(); ++i) {
    BOOST_TEST((a.ops()[i].kind == b.ops()[i].kind), "op " << i);
    BOOST_TEST(a.ops()[i].key == b.ops()[i].key, "op " << i);
    BOOST_TEST(a.ops()[i].value == b.ops()[i].value, "op " << i);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_any_bytes) {
  const WriteBatch batch = awkward_batch();
  const std::string payload = encode_batch(batch);
  BOOST_TEST(payload.size() % 8 == 0);
  Aligned aligned(payload);
  auto decoded = decode_batch(aligned.span);
  BOOST_REQUIRE_MESSAGE(decoded.has_value(), why(decoded));
  check_equal(batch, *decoded);
}

BOOST_AUTO_TEST_CASE(unaligned_payload_is_read_from_a_copy) {
  const WriteBatch batch = awkward_batch();
  const std::string payload = encode_batch(batch);
  for (std::size_t misalign = 1; misalign < 8; ++misalign) {
    Aligned shifted(payload, misalign);
    auto decoded = decode_batch(shifted.span);
    BOOST_REQUIRE_MESSAGE(decoded.has_value(), why(decoded));
    check_equal(batch, *decoded);
  }
}

BOOST_AUTO_TEST_CASE(empty_batch_round_trips) {
  const std::string payload = encode_batch(WriteBatch());
  Aligned aligned(payload);
  auto decoded = decode_batch(aligned.span);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->empty());
}

BOOST_AUTO_TEST_CASE(visitor_sees_ops_in_order) {
  WriteBatch batch;
  for (int i = 0; i < 1000; ++i) batch.put("key" + std::to_string(i), std::string(static_cast<std::size_t>(i), 'x'));
  const std::string payload = encode_batch(batch);
  Aligned aligned(payload);
  int seen = 0;
  Status s = decode_batch(aligned.span, [&](WriteBatch::Kind kind, std::string_view key, std::string_view value) {
    BOOST_REQUIRE((kind == WriteBatch::Kind::put));
    BOOST_REQUIRE(key == "key" + std::to_string(seen));
    BOOST_REQUIRE(value.size() == static_cast<std::size_t>(seen));
    ++seen;
  });
  BOOST_TEST(s.ok());
  BOOST_TEST(seen == 1000);
}

BOOST_AUTO_TEST_CASE(structurally_bad_payloads_are_typed_errors) {
  for (const std::string& bad : {std::string(), std::string(7, '\0'), std::string(12, '\x01'),
                                 std::string("\0\0\0\0\xff\xff\xff\x0f", 8)}) {
    auto decoded = decode_batch(bytes_of(bad));
    BOOST_REQUIRE(!decoded.has_value());
    BOOST_TEST((decoded.error().code() == Code::corruption));
    BOOST_TEST(decoded.error().message().find("malformed batch") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(damaged_later_op_applies_nothing) {
  // The last object in the message is the second op's key; cutting it off
  // (and shrinking the segment table to match) leaves the first op intact
  // and the second op's key pointing past the end.
  WriteBatch batch;
  batch.put("first", "value");
  batch.remove(std::string(64, 'k'));
  std::string payload = encode_batch(batch);
  std::uint32_t words;
  std::memcpy(&words, payload.data() + 4, 4);
  words -= 8;  // 64 key bytes
  std::memcpy(payload.data() + 4, &words, 4);
  payload.resize(payload.size() - 64);
  Aligned aligned(payload);
  int visited = 0;
  Status s = decode_batch(aligned.span, [&](WriteBatch::Kind, std::string_view, std::string_view) { ++visited; });
  BOOST_TEST((s.code() == Code::corruption));
  BOOST_TEST(visited == 0);
}

BOOST_AUTO_TEST_CASE(random_damage_never_crashes_or_throws) {
  const std::string good = encode_batch(awkward_batch());
  std::mt19937 rng(1234);
  int errors = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = good;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) {
      // Damage concentrates on the pointer-rich start of the message.
      std::size_t at = rng() % std::min<std::size_t>(damaged.size(), round % 2 ? 512 : damaged.size());
      damaged[at] = static_cast<char>(rng());
    }
    Aligned aligned(damaged);
    auto decoded = decode_batch(aligned.span);
    if (!decoded) {
      BOOST_REQUIRE((decoded.error().code() == Code::corruption));
      ++errors;
    }
  }
  BOOST_TEST(errors > 0);
}

BOOST_AUTO_TEST_CASE(random_garbage_is_refused_or_decoded_within_bounds) {
  std::mt19937 rng(99);
  for (int round = 0; round < 3000; ++round) {
    std::string garbage((1 + rng() % 32) * 8, '\0');
    for (auto& c : garbage) c = static_cast<char>(rng());
    Aligned aligned(garbage);
    auto decoded = decode_batch(aligned.span);
    if (decoded) {
      // Cap'n Proto pointers may alias, but the traversal limit (twice the
      // payload's words plus a constant) bounds what a decode can produce.
      const std::size_t bound = (2 * garbage.size() / 8 + 64) * 8;
      BOOST_REQUIRE(decoded->byte_size() <= bound);
      BOOST_REQUIRE(decoded->count() <= bound / 8);
    } else {
      BOOST_REQUIRE((decoded.error().code() == Code::corruption));
    }
  }
}

// encode_ops builds messages in a per-thread scratch segment that the
// builder must leave zeroed: an encoding after a larger one must not see its
// bytes, and views must encode exactly as the WriteBatch they come from.
BOOST_AUTO_TEST_CASE(encodings_in_the_reused_scratch_segment_are_independent) {
  WriteBatch big;
  big.put("big", std::string(200000, '\x5a'));
  big.put("more", std::string(3000, '\xa5'));
  WriteBatch small;
  small.put("k", "v");
  small.remove("gone");

  const std::string small_first = encode_batch(small);
  const std::string big_payload = encode_batch(big);
  const std::string small_after = encode_batch(small);
  BOOST_TEST(small_after == small_first);
  const std::string big_again = encode_batch(big);
  BOOST_TEST(big_again == big_payload);

  const OpView put{WriteBatch::Kind::put, "k", "v"}, remove{WriteBatch::Kind::remove, "gone", ""};
  const std::vector<OpView> views{put, remove};
  BOOST_TEST(encode_ops(views) == small_first);

  auto decoded = decode_batch(Aligned(small_after).span);
  BOOST_REQUIRE_MESSAGE(decoded.has_value(), why(decoded));
  check_equal(*decoded, small);
}

// Past the scratch segment's 64 KiB the builder allocates its own segment; a
// batch whose estimate is short of its size spills into a second segment. Both
// decode to the batch.
BOOST_AUTO_TEST_CASE(batches_beyond_the_scratch_segment_round_trip) {
  WriteBatch huge;
  huge.put("huge", std::string(3u << 20, '\x33'));
  for (int i = 0; i < 2000; ++i) huge.put("k" + std::to_string(i), std::string(i % 97, 'x'));
  const std::string payload = encode_batch(huge);
  auto decoded = decode_batch(Aligned(payload).span);
  BOOST_REQUIRE_MESSAGE(decoded.has_value(), why(decoded));
  check_equal(*decoded, huge);
  BOOST_TEST(encode_batch(huge) == payload);
}
