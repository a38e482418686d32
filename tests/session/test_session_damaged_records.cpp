// Damaged session records: SessionStore::open and the listings go on past
// them, damaged_sessions() reports them, repair() rebuilds them from the
// checkpoints and index entries still stored.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "../support/log_files.hpp"
#include "session.capnp.h"
#include "session/session_codec.hpp"
#include "session/session_keys.hpp"
#include "session/session_read.hpp"
#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

template <class Session>
std::vector<std::string> ids_of(const std::vector<Session>& sessions) {
  std::vector<std::string> ids;
  for (const auto& s : sessions) {
    if constexpr (requires { s.info; }) {
      ids.push_back(s.info.id);
    } else {
      ids.push_back(s.id);
    }
  }
  return ids;
}

void put_garbage_record(Store& store, const std::string& id) {
  BOOST_REQUIRE(store.put(WriteOptions{}, session::record_key(id), std::string(16, '\xee')).ok());
}

// A record as a newer walkv could write it: a status this build does not know.
void put_newer_record(Store& store, const std::string& id) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<session::wire::SessionRecord>();
  root.setId(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(id.data()), id.size()));
  root.setStatus(static_cast<session::wire::SessionRecord::Status>(9));
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  std::string value(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
  BOOST_REQUIRE(store.put(WriteOptions{}, session::record_key(id), value).ok());
}

// Flips byte `value_offset` of the value of `key` in the closed store's
// snapshot file. The key is found in its LMDB leaf node; the value follows it.
void flip_snapshot_value_byte(const std::string& store_dir, const std::string& key, std::size_t value_offset) {
  const std::string data_file = store_dir + "/snapshot/data.mdb";
  const std::string bytes = test::read_bytes(data_file);
  const std::size_t at = bytes.find(key);
  BOOST_REQUIRE(at != std::string::npos);
  BOOST_REQUIRE(bytes.find(key, at + 1) == std::string::npos);
  const std::size_t target = at + key.size() + value_offset;
  std::fstream file(data_file, std::ios::in | std::ios::out | std::ios::binary);  // no truncation
  file.seekp(static_cast<std::streamoff>(target));
  file.put(static_cast<char>(bytes[target] ^ 0x20));
  BOOST_REQUIRE(file.good());
}

CheckpointData step(std::uint32_t n) { return checkpoint_data("msg-" + std::to_string(n), n, 9); }

}  // namespace

BOOST_AUTO_TEST_SUITE(damaged_records)

BOOST_AUTO_TEST_CASE(a_damaged_record_does_not_stop_the_open_and_is_reported) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("a", "chat", {{"alias", "x"}}).ok());
  BOOST_REQUIRE(f.sessions().checkpoint("a", step(1)).has_value());
  BOOST_REQUIRE(f.sessions().create("b").ok());
  put_garbage_record(f.store(), "a");

  f.reopen();  // throws when SessionStore::open fails
  auto damaged = f.sessions().damaged_sessions();
  BOOST_REQUIRE(damaged.has_value());
  BOOST_TEST((ids_of(*damaged) == std::vector<std::string>{"a"}));
  BOOST_TEST((damaged->front().problem.code() == Code::corruption));
  BOOST_TEST(damaged->front().problem.message().find("session 'a'") != std::string::npos);

  // The sound session was marked interrupted at open; the damaged one is left
  // out of the listings, and a call on it names the damage.
  BOOST_TEST((ids_of(*f.sessions().list()) == std::vector<std::string>{"b"}));
  BOOST_TEST((ids_of(*f.sessions().interrupted()) == std::vector<std::string>{"b"}));
  BOOST_TEST((f.sessions().info("a").error().code() == Code::corruption));
  BOOST_TEST((f.sessions().checkpoint("a", step(2)).error().code() == Code::corruption));
  BOOST_TEST((ids_of(*list_sessions(f.store())) == std::vector<std::string>{"b"}));
  BOOST_TEST((ids_of(*list_interrupted(f.store(), std::numeric_limits<std::uint64_t>::max())) ==
              std::vector<std::string>{"b"}));
  BOOST_TEST((ids_of(*list_damaged_sessions(f.store())) == std::vector<std::string>{"a"}));

  // cleanup neither deletes nor counts it: its age and status are unknown.
  auto cleaned = f.sessions().cleanup(CleanupPolicy{.max_age = std::nullopt, .max_count = 0});
  BOOST_REQUIRE(cleaned.has_value());
  BOOST_TEST((cleaned->deleted == std::vector<std::string>{"b"}));
  BOOST_TEST(cleaned->kept.empty());
  BOOST_TEST((ids_of(*f.sessions().damaged_sessions()) == std::vector<std::string>{"a"}));
  BOOST_TEST((stored_checkpoints(f.store(), "a") == std::vector<std::uint64_t>{1}));

  // drop removes it with its checkpoints and index entries.
  BOOST_REQUIRE(f.sessions().drop("a").ok());
  BOOST_TEST(f.sessions().damaged_sessions()->empty());
  BOOST_TEST(count_keys(f.store(), session::kSessionSpace) == 0u);
}

BOOST_AUTO_TEST_CASE(repair_rebuilds_a_record_from_its_checkpoints_and_index_entries) {
  SessionFixture f(SessionOptions{.keep_checkpoints = 2});
  BOOST_REQUIRE(f.sessions().create("a", "chat", {{"alias", "x"}, {"tenant", "t1"}}).ok());
  for (std::uint32_t n = 1; n <= 3; ++n) BOOST_REQUIRE(f.sessions().checkpoint("a", step(n)).has_value());
  auto history = f.sessions().list_checkpoints("a");  // newest first: 3, 2
  BOOST_REQUIRE(history.has_value() && history->size() == 2u);
  put_garbage_record(f.store(), "a");
  f.reopen();

  auto repaired = f.sessions().repair("a");
  BOOST_REQUIRE_MESSAGE(repaired.has_value(), (repaired ? "ok" : repaired.error().to_string()));
  BOOST_TEST((repaired->status == SessionStatus::interrupted));
  BOOST_TEST(repaired->owner_epoch == 0u);
  BOOST_TEST(repaired->step == 3u);
  BOOST_TEST(repaired->total_steps == 9u);
  BOOST_TEST(repaired->description == "step 3");
  BOOST_TEST(repaired->latest_checkpoint == 3u);
  BOOST_TEST(repaired->oldest_checkpoint == 2u);
  BOOST_TEST(repaired->updated_ns == (*history)[0].time_ns);
  BOOST_TEST(repaired->created_ns == (*history)[1].time_ns);
  BOOST_TEST((repaired->indexes == std::vector<IndexEntry>{{"alias", "x"}, {"tenant", "t1"}}));

  // It is a sound session again, found by its index, listed as interrupted.
  BOOST_TEST(f.sessions().damaged_sessions()->empty());
  BOOST_TEST((*f.sessions().find("alias", "x") == std::vector<std::string>{"a"}));
  auto interrupted = f.sessions().interrupted();
  BOOST_REQUIRE(interrupted.has_value() && interrupted->size() == 1u);
  BOOST_REQUIRE(interrupted->front().checkpoint.has_value());
  BOOST_TEST(interrupted->front().checkpoint->state == "msg-3");

  // Resumed, it goes on numbering after the stored checkpoints, and the
  // retention starts from the oldest one still stored.
  auto resumed = f.sessions().resume("a");
  BOOST_REQUIRE(resumed.has_value());
  BOOST_TEST(resumed->checkpoint->number == 3u);
  auto next = f.sessions().checkpoint("a", step(4));
  BOOST_REQUIRE(next.has_value());
  BOOST_TEST(*next == 4u);
  BOOST_TEST((stored_checkpoints(f.store(), "a") == std::vector<std::uint64_t>{3, 4}));

  // The repair is durable: a reopen finds the rebuilt record.
  f.reopen();
  BOOST_TEST(f.sessions().damaged_sessions()->empty());
  BOOST_TEST((*f.sessions().info("a"))->latest_checkpoint == 4u);
}

BOOST_AUTO_TEST_CASE(repair_of_a_session_without_readable_checkpoints_keeps_their_numbers) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("a").ok());
  BOOST_REQUIRE(f.sessions().checkpoint("a", step(1)).has_value());
  BOOST_REQUIRE(f.sessions().checkpoint("a", step(2)).has_value());
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("a", 1), "garbage!").ok());
  BOOST_REQUIRE(f.store().put(WriteOptions{}, session::checkpoint_key("a", 2), "garbage!").ok());
  put_garbage_record(f.store(), "a");

  const std::uint64_t before = session::now_ns();
  auto repaired = f.sessions().repair("a");
  BOOST_REQUIRE(repaired.has_value());
  BOOST_TEST(repaired->latest_checkpoint == 2u);
  BOOST_TEST(repaired->oldest_checkpoint == 1u);
  BOOST_TEST(repaired->step == 0u);
  BOOST_TEST(repaired->description.empty());
  BOOST_TEST(repaired->created_ns >= before);
  BOOST_TEST(repaired->updated_ns == repaired->created_ns);
  BOOST_TEST(repaired->indexes.empty());
  auto interrupted = f.sessions().interrupted();
  BOOST_REQUIRE(interrupted.has_value() && interrupted->size() == 1u);
  BOOST_TEST(!interrupted->front().checkpoint.has_value());
  BOOST_TEST(interrupted->front().skipped_checkpoints.size() == 2u);
  BOOST_REQUIRE(f.sessions().resume("a").has_value());
  BOOST_TEST(*f.sessions().checkpoint("a", step(3)) == 3u);
}

BOOST_AUTO_TEST_CASE(repair_refuses_sound_unknown_and_newer_records) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("sound").ok());
  auto sound = f.sessions().repair("sound");
  BOOST_REQUIRE(!sound.has_value());
  BOOST_TEST((sound.error().code() == Code::invalid_argument));
  BOOST_TEST(sound.error().message().find("not damaged") != std::string::npos);
  BOOST_TEST((f.sessions().repair("nobody").error().code() == Code::invalid_argument));
  BOOST_TEST((f.sessions().repair("").error().code() == Code::invalid_argument));

  // A record of a newer walkv is not damage: it is refused, and so is the
  // open of a store holding one (this build must not mark it interrupted).
  put_newer_record(f.store(), "future");
  BOOST_TEST((f.sessions().repair("future").error().code() == Code::version_mismatch));
  BOOST_TEST((f.sessions().list().error().code() == Code::version_mismatch));
  BOOST_TEST(f.sessions().damaged_sessions()->empty());
  auto again = SessionStore::open(f.store());
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code() == Code::version_mismatch));
  // drop still removes it.
  BOOST_REQUIRE(f.sessions().drop("future").ok());
  BOOST_TEST((ids_of(*f.sessions().list()) == std::vector<std::string>{"sound"}));
}

// The same through bit rot: the record's entry in the LMDB snapshot fails its
// checksum. Open goes on, repair writes a new record that shadows the damaged
// entry, and the next compaction replaces it.
BOOST_AUTO_TEST_CASE(a_record_damaged_in_the_snapshot_is_reported_and_repaired) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("tenant/a", "chat", {{"alias", "x"}}).ok());
  BOOST_REQUIRE(f.sessions().checkpoint("tenant/a", step(1)).has_value());
  BOOST_REQUIRE(f.sessions().create("tenant/b").ok());
  BOOST_REQUIRE(f.store().compact().ok());
  f.close();
  flip_snapshot_value_byte(f.dir().sub("store"), session::record_key("tenant/a"), 16);

  f.open();  // throws when SessionStore::open fails
  auto damaged = f.sessions().damaged_sessions();
  BOOST_REQUIRE(damaged.has_value());
  BOOST_TEST((ids_of(*damaged) == std::vector<std::string>{"tenant/a"}));
  BOOST_TEST((damaged->front().problem.code() == Code::corruption));
  BOOST_TEST(damaged->front().problem.message().find("session 'tenant/a'") != std::string::npos);
  BOOST_TEST((ids_of(*f.sessions().list()) == std::vector<std::string>{"tenant/b"}));
  BOOST_TEST((f.sessions().info("tenant/a").error().code() == Code::corruption));

  auto repaired = f.sessions().repair("tenant/a");
  BOOST_REQUIRE_MESSAGE(repaired.has_value(), (repaired ? "ok" : repaired.error().to_string()));
  BOOST_TEST(repaired->latest_checkpoint == 1u);
  BOOST_TEST((repaired->indexes == std::vector<IndexEntry>{{"alias", "x"}}));
  BOOST_TEST((ids_of(*f.sessions().list()) == std::vector<std::string>{"tenant/a", "tenant/b"}));
  BOOST_REQUIRE(f.store().compact().ok());
  f.reopen();
  BOOST_TEST(f.sessions().damaged_sessions()->empty());
  BOOST_TEST((*f.sessions().info("tenant/a"))->latest_checkpoint == 1u);
  BOOST_TEST(f.store().scan("", [](std::string_view, std::string_view) { return true; }).ok());
}

// An index entry whose stored id fails the snapshot's checksum: find still
// returns its session (the key ends with a hash of the id), and dropping the
// session removes the entry with the rest.
BOOST_AUTO_TEST_CASE(an_index_entry_damaged_in_the_snapshot_still_finds_its_session) {
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("a", "", {{"alias", "x"}}).ok());
  BOOST_REQUIRE(f.sessions().create("b", "", {{"alias", "x"}}).ok());
  BOOST_REQUIRE(f.store().compact().ok());
  f.close();
  flip_snapshot_value_byte(f.dir().sub("store"), session::index_key("alias", "x", "a"), 0);  // the id's byte

  f.open();
  auto all = [](std::string_view, std::string_view) { return true; };
  BOOST_TEST((f.store().scan(session::kIndexSpace, all).code() == Code::corruption));  // the damage is there
  auto found = f.sessions().find("alias", "x");
  BOOST_REQUIRE_MESSAGE(found.has_value(), (found ? "ok" : found.error().to_string()));
  BOOST_TEST((*found == std::vector<std::string>{"a", "b"}));

  BOOST_REQUIRE(f.sessions().drop("a").ok());
  BOOST_TEST((*f.sessions().find("alias", "x") == std::vector<std::string>{"b"}));
  BOOST_TEST(f.store().scan("", all).ok());
}

BOOST_AUTO_TEST_SUITE_END()
