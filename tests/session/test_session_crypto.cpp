// Sensitive state: checkpoint state encrypted at rest (XChaCha20-Poly1305,
// caller-supplied key, key id stored with the checkpoint). A wrong or
// missing key is a clear error, never garbage.
#include <boost/test/unit_test.hpp>

#include <limits>

#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

EncryptionKey key(const std::string& id, unsigned char fill) {
  EncryptionKey k;
  k.id = id;
  k.key.fill(fill);
  k.key[0] = static_cast<unsigned char>(id.size());
  return k;
}

const std::string kSecret = "card=4111-1111-1111-1111; token=very-secret";

// True when `needle` appears in any value or key of the store.
bool store_contains(const Store& store, std::string_view needle) {
  bool seen = false;
  auto status = store.scan("", [&](std::string_view k, std::string_view v) {
    seen = seen || k.find(needle) != std::string_view::npos || v.find(needle) != std::string_view::npos;
    return true;
  });
  BOOST_REQUIRE(status.ok());
  return seen;
}

SessionOptions encrypted_with(const EncryptionKey& k) {
  SessionOptions options;
  options.encryption_key = k;
  return options;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(encryption)

BOOST_AUTO_TEST_CASE(state_is_encrypted_at_rest_and_read_back) {
  SessionFixture f(encrypted_with(key("k1", 0x11)));
  BOOST_REQUIRE(f.sessions().create("pay").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("pay", checkpoint_data(kSecret, 1, 2)).has_value());
  BOOST_TEST(!store_contains(f.store(), kSecret));
  BOOST_TEST(!store_contains(f.store(), "very-secret"));

  auto latest = f.sessions().latest_checkpoint("pay");
  BOOST_REQUIRE(latest.has_value() && latest->has_value());
  BOOST_TEST((*latest)->state == kSecret);
  BOOST_TEST((*latest)->key_id == "k1");
  BOOST_TEST((*f.sessions().load_checkpoint("pay", 1))->state == kSecret);
  auto listed = f.sessions().list_checkpoints("pay");
  BOOST_TEST((*listed)[0].key_id == "k1");
  BOOST_TEST(!(*listed)[0].problem.has_value());
  // Equal states encrypt differently (random nonce per checkpoint).
  BOOST_REQUIRE(f.sessions().checkpoint("pay", checkpoint_data(kSecret, 2, 2)).has_value());
  auto first = f.store().get(session::checkpoint_key("pay", 1));
  auto second = f.store().get(session::checkpoint_key("pay", 2));
  BOOST_TEST(session::decode_checkpoint(**first)->state != session::decode_checkpoint(**second)->state);

  f.reopen();
  auto resumed = f.sessions().resume("pay");
  BOOST_REQUIRE(resumed.has_value());
  BOOST_TEST(resumed->checkpoint->state == kSecret);
}

BOOST_AUTO_TEST_CASE(missing_key_is_a_clear_error) {
  SessionFixture f(encrypted_with(key("k1", 0x11)));
  BOOST_REQUIRE(f.sessions().create("pay").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("pay", checkpoint_data(kSecret)).has_value());
  f.reopen(SessionOptions{});  // no keys at all

  auto latest = f.sessions().latest_checkpoint("pay");
  BOOST_REQUIRE(!latest.has_value());
  BOOST_TEST((latest.error().code() == Code::invalid_argument));
  BOOST_TEST(latest.error().message().find("encrypted with key 'k1'") != std::string::npos);
  BOOST_TEST((f.sessions().load_checkpoint("pay", 1).error().code() == Code::invalid_argument));

  // interrupted() still lists it, with the problem named, and no state.
  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value() && found->size() == 1u);
  BOOST_REQUIRE((*found)[0].checkpoint.has_value());
  BOOST_TEST((*found)[0].checkpoint->number == 1u);
  BOOST_TEST((*found)[0].checkpoint->state.empty());
  BOOST_TEST(!(*found)[0].state_error.ok());
  BOOST_TEST(resume_notice((*found)[0]).find("cannot be decrypted") != std::string::npos);

  // resume refuses and leaves the session as it was.
  auto resumed = f.sessions().resume("pay");
  BOOST_REQUIRE(!resumed.has_value());
  BOOST_TEST((resumed.error().code() == Code::invalid_argument));
  BOOST_TEST(((*f.sessions().info("pay"))->status == SessionStatus::interrupted));

  // A read-only listing (no keys) shows the metadata, never ciphertext as state.
  auto view = list_interrupted(f.store(), std::numeric_limits<std::uint64_t>::max());
  BOOST_REQUIRE(view.has_value());
  BOOST_TEST((*view)[0].checkpoint->state.empty());
  BOOST_TEST((*view)[0].checkpoint->key_id == "k1");
  BOOST_TEST(!(*view)[0].state_error.ok());
}

BOOST_AUTO_TEST_CASE(wrong_key_bytes_for_the_id_is_a_clear_error) {
  SessionFixture f(encrypted_with(key("k1", 0x11)));
  BOOST_REQUIRE(f.sessions().create("pay").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("pay", checkpoint_data(kSecret)).has_value());
  f.reopen(encrypted_with(key("k1", 0x22)));
  auto latest = f.sessions().latest_checkpoint("pay");
  BOOST_REQUIRE(!latest.has_value());
  BOOST_TEST((latest.error().code() == Code::invalid_argument));
  BOOST_TEST(latest.error().message().find("does not decrypt it") != std::string::npos);
  // update() refuses too: it would otherwise build on nothing.
  auto updated = f.sessions().update("pay", [](const std::optional<Checkpoint>&) { return checkpoint_data("x"); });
  BOOST_TEST(!updated.has_value());
}

BOOST_AUTO_TEST_CASE(key_rotation_reads_old_and_writes_new) {
  SessionFixture f(encrypted_with(key("2023", 0x11)));
  BOOST_REQUIRE(f.sessions().create("pay").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("pay", checkpoint_data("old secret")).has_value());
  SessionOptions rotated = encrypted_with(key("2024", 0x33));
  rotated.decryption_keys = {key("2023", 0x11)};
  f.reopen(rotated);
  BOOST_TEST((*f.sessions().load_checkpoint("pay", 1))->state == "old secret");
  BOOST_REQUIRE(f.sessions().checkpoint("pay", checkpoint_data("new secret")).has_value());
  auto latest = f.sessions().latest_checkpoint("pay");
  BOOST_TEST((*latest)->key_id == "2024");
  BOOST_TEST((*latest)->state == "new secret");
  // Checkpoints written in clear before encryption was turned on still read.
  SessionFixture g;
  BOOST_REQUIRE(g.sessions().create("s").ok());
  BOOST_REQUIRE(g.sessions().checkpoint("s", checkpoint_data("clear")).has_value());
  g.reopen(encrypted_with(key("k", 1)));
  BOOST_TEST((*g.sessions().latest_checkpoint("s"))->state == "clear");
}

BOOST_AUTO_TEST_CASE(tampering_is_detected) {
  SessionFixture f(encrypted_with(key("k1", 0x11)));
  BOOST_REQUIRE(f.sessions().create("a").ok());
  BOOST_REQUIRE(f.sessions().create("b").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("a", checkpoint_data("state of a")).has_value());
  BOOST_REQUIRE(f.sessions().checkpoint("b", checkpoint_data("state of b")).has_value());
  // Moving a's checkpoint to b (hash still matches the ciphertext) does not open:
  // the associated data binds it to its session and number.
  auto a1 = f.store().get(session::checkpoint_key("a", 1));
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("b", 1), **a1).ok());
  auto moved = f.sessions().load_checkpoint("b", 1);
  BOOST_REQUIRE(!moved.has_value());
  BOOST_TEST((moved.error().code() == Code::invalid_argument));
  // Flipping a ciphertext byte and fixing the hash: the tag fails.
  auto cp = session::decode_checkpoint(**a1);
  std::string nonce;
  (void)session::decode_checkpoint(**a1, &nonce);
  cp->state[0] ^= 1;
  cp->state_hash = session::state_hash(cp->state);
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("a", 1), session::encode_checkpoint(*cp, nonce)).ok());
  BOOST_TEST(!f.sessions().load_checkpoint("a", 1).has_value());
  // Flipping without fixing the hash is caught by the hash first.
  cp->state[0] ^= 2;
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("a", 1), session::encode_checkpoint(*cp, nonce)).ok());
  BOOST_TEST((f.sessions().load_checkpoint("a", 1).error().code() == Code::corruption));
}

BOOST_AUTO_TEST_CASE(key_ids_are_checked) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), small_store_options());
  BOOST_REQUIRE(store.has_value());
  BOOST_TEST((SessionStore::open(**store, encrypted_with(key("", 1))).error().code() == Code::invalid_argument));
  BOOST_TEST((SessionStore::open(**store, encrypted_with(key(std::string(65, 'k'), 1))).error().code() ==
              Code::invalid_argument));
  SessionOptions twice = encrypted_with(key("k", 1));
  twice.decryption_keys = {key("k", 2)};
  BOOST_TEST((SessionStore::open(**store, twice).error().code() == Code::invalid_argument));
  twice.decryption_keys = {key("k", 1)};  // the same key again is fine
  BOOST_TEST(SessionStore::open(**store, twice).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
