// The snapshot's checksums (format version 2): damaged bytes in data.mdb come
// back as Code::corruption, never as a different value; version 1 snapshots
// (bare values, no meta checksum) are still read and written in their layout.
#define BOOST_TEST_MODULE snapshot_checksums
#include <boost/test/unit_test.hpp>

#include <lmdb.h>

#include <cstring>
#include <string>
#include <vector>

#include "memtable/memtable.hpp"
#include "snapshot/entry_checksum.hpp"
#include "snapshot/snapshot.hpp"
#include "../support/log_files.hpp"
#include "../support/temp_dir.hpp"
#include "snapshot_helpers.hpp"

using walkv::Code;
using walkv::MemTable;
using walkv::Snapshot;
using walkv::test::TempDir;
namespace format = walkv::snapshot_format;

namespace {

using walkv::test::describe;
using walkv::test::open_rw;
using walkv::test::test_store_id;

// Flips the lowest bit of the byte `at` bytes into the only occurrence of
// `pattern` in data.mdb (the environment must be closed).
void flip_in_data_file(const std::string& dir, const std::string& pattern, std::size_t at) {
  const std::string path = dir + "/data.mdb";
  std::string bytes = walkv::test::read_bytes(path);
  const std::size_t found = bytes.find(pattern);
  BOOST_REQUIRE_MESSAGE(found != std::string::npos, "pattern not in data.mdb");
  BOOST_REQUIRE_MESSAGE(bytes.find(pattern, found + 1) == std::string::npos, "pattern twice in data.mdb");
  bytes[found + at] = static_cast<char>(bytes[found + at] ^ 1);
  walkv::test::write_bytes(path, bytes);
}

std::string le64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// Two keys with distinctive values, applied at `sequence`.
void write_two_keys(const std::string& dir, std::uint64_t sequence) {
  auto snap = open_rw(dir);
  BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
  MemTable table;
  table.put("session/alpha", "alpha-value-0123456789");
  table.put("session/beta", "beta-value-9876543210");
  BOOST_REQUIRE(snap->apply(table, sequence).ok());
}

// Raw LMDB access to the files, as an older walkv (or a damaged file) left them.
class RawEnv {
 public:
  explicit RawEnv(const std::string& dir) {
    BOOST_REQUIRE(mdb_env_create(&env_) == 0);
    BOOST_REQUIRE(mdb_env_set_maxdbs(env_, 2) == 0);
    BOOST_REQUIRE(mdb_env_open(env_, dir.c_str(), 0, 0600) == 0);
  }
  ~RawEnv() { mdb_env_close(env_); }
  RawEnv(const RawEnv&) = delete;
  RawEnv& operator=(const RawEnv&) = delete;

  void put(const char* db, const std::string& key, const std::string& value) {
    MDB_txn* txn = nullptr;
    BOOST_REQUIRE(mdb_txn_begin(env_, nullptr, 0, &txn) == 0);
    MDB_dbi dbi;
    BOOST_REQUIRE(mdb_dbi_open(txn, db, MDB_CREATE, &dbi) == 0);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    BOOST_REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
    BOOST_REQUIRE(mdb_txn_commit(txn) == 0);
  }

  // The stored bytes of `key` in `db`, or "<absent>".
  std::string get(const char* db, const std::string& key) {
    MDB_txn* txn = nullptr;
    BOOST_REQUIRE(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn) == 0);
    MDB_dbi dbi;
    BOOST_REQUIRE(mdb_dbi_open(txn, db, 0, &dbi) == 0);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v;
    const int rc = mdb_get(txn, dbi, &k, &v);
    std::string out = rc == 0 ? std::string(static_cast<const char*>(v.mv_data), v.mv_size) : "<absent>";
    mdb_txn_abort(txn);
    return out;
  }

 private:
  MDB_env* env_ = nullptr;
};

// A version 1 snapshot, as walkv wrote it before checksums: bare values, meta
// without meta_checksum.
void write_version_1_snapshot(const std::string& dir) {
  RawEnv raw(dir);
  const walkv::wal::StoreId id = test_store_id();
  raw.put("meta", "format_version", std::string("\x01\x00\x00\x00", 4));
  raw.put("meta", "store_id", std::string(reinterpret_cast<const char*>(id.data()), id.size()));
  raw.put("meta", "applied_sequence", le64(5));
  raw.put("meta", "open_epoch", le64(3));
  raw.put("data", "old", "bare-value");
}

}  // namespace

BOOST_AUTO_TEST_CASE(entries_are_stored_with_their_checksum) {
  TempDir dir;
  write_two_keys(dir.path(), 7);
  RawEnv raw(dir.path());
  const std::string stored = raw.get("data", "session/alpha");
  const std::string value = "alpha-value-0123456789";
  BOOST_TEST(stored == value + le64(format::entry_checksum("session/alpha", value)));
  BOOST_TEST(raw.get("meta", "format_version") == std::string("\x02\x00\x00\x00", 4));
  const std::string id(reinterpret_cast<const char*>(test_store_id().data()), test_store_id().size());
  BOOST_TEST(raw.get("meta", "meta_checksum") == le64(format::meta_checksum(id, 2, 7, 0)));
}

BOOST_AUTO_TEST_CASE(checksum_binds_the_value_to_its_key) {
  const std::string value = "same bytes";
  std::string stored = value + le64(format::entry_checksum("a", value));
  BOOST_TEST((format::checked_value("a", stored) == std::optional<std::string_view>(value)));
  BOOST_TEST(!format::checked_value("b", stored).has_value());
  BOOST_TEST(!format::checked_value("a", "short").has_value());
  stored[0] = 'S';
  BOOST_TEST(!format::checked_value("a", stored).has_value());
}

BOOST_AUTO_TEST_CASE(damaged_value_is_corruption_naming_the_key_and_never_returned) {
  TempDir dir;
  write_two_keys(dir.path(), 7);
  flip_in_data_file(dir.path(), "alpha-value-0123456789", 3);

  auto snap = open_rw(dir.path());
  auto got = snap->get("session/alpha");
  BOOST_REQUIRE(!got.has_value());
  BOOST_TEST((got.error().code() == Code::corruption));
  BOOST_TEST(got.error().message().find("\"session/alpha\"") != std::string::npos, got.error().message());
  BOOST_TEST(got.error().message().find("checksum") != std::string::npos);

  std::string buffer = "left alone";
  auto into = snap->get_into("session/alpha", buffer);
  BOOST_REQUIRE(!into.has_value());
  BOOST_TEST((into.error().code() == Code::corruption));
  BOOST_TEST(buffer == "left alone");

  // The sound entry beside it reads as written.
  auto beta = snap->get("session/beta");
  BOOST_REQUIRE_MESSAGE(beta.has_value(), describe(beta));
  BOOST_TEST(beta->value_or("<absent>") == "beta-value-9876543210");

  // A scan stops at the damaged entry, after nothing (it is the first key).
  std::vector<std::string> visited;
  auto scanned = snap->scan("", [&](std::string_view k, std::string_view) {
    visited.emplace_back(k);
    return true;
  });
  BOOST_TEST((scanned.code() == Code::corruption));
  BOOST_TEST(visited.empty());

  // verify goes on past it and names it.
  std::vector<std::string> damaged;
  auto verified = snap->verify([&](std::string_view k, const walkv::Status& e) {
    BOOST_TEST((e.code() == Code::corruption));
    damaged.emplace_back(k);
  });
  BOOST_REQUIRE_MESSAGE(verified.has_value(), describe(verified));
  BOOST_TEST(verified->entries == 2u);
  BOOST_TEST(verified->damaged == 1u);
  BOOST_TEST((damaged == std::vector<std::string>{"session/alpha"}));

  // Writing the key again replaces the damaged entry.
  MemTable heal;
  heal.put("session/alpha", "rewritten");
  BOOST_REQUIRE(snap->apply(heal, 8).ok());
  auto healed = snap->get("session/alpha");
  BOOST_REQUIRE_MESSAGE(healed.has_value(), describe(healed));
  BOOST_TEST(healed->value_or("<absent>") == "rewritten");
  BOOST_TEST(snap->verify({})->damaged == 0u);
}

BOOST_AUTO_TEST_CASE(damaged_key_is_found_by_scan_and_verify) {
  TempDir dir;
  write_two_keys(dir.path(), 7);
  flip_in_data_file(dir.path(), "session/beta", 9);  // "session/beta" -> "session/bdta"

  auto snap = open_rw(dir.path());
  // LMDB cannot tell: the original key is simply not there any more.
  auto got = snap->get("session/beta");
  BOOST_REQUIRE_MESSAGE(got.has_value(), describe(got));
  BOOST_TEST(!got->has_value());

  std::vector<std::string> visited;
  auto scanned = snap->scan("session/", [&](std::string_view k, std::string_view) {
    visited.emplace_back(k);
    return true;
  });
  BOOST_TEST((scanned.code() == Code::corruption));
  BOOST_TEST((visited == std::vector<std::string>{"session/alpha"}));

  std::vector<std::string> damaged;
  auto verified = snap->verify([&](std::string_view k, const walkv::Status& e) {
    BOOST_TEST((e.code() == Code::corruption));
    damaged.emplace_back(k);
  });
  BOOST_REQUIRE_MESSAGE(verified.has_value(), describe(verified));
  BOOST_TEST(verified->damaged == 1u);
  BOOST_TEST((damaged == std::vector<std::string>{"session/bdta"}));
}

BOOST_AUTO_TEST_CASE(damaged_meta_is_refused_and_never_rewritten) {
  TempDir dir;
  constexpr std::uint64_t kSequence = 0x0123456789abcdefull;
  write_two_keys(dir.path(), kSequence);
  flip_in_data_file(dir.path(), le64(kSequence), 1);  // applied_sequence 0x...cdef -> 0x...ccef

  auto snap = open_rw(dir.path());
  auto meta = snap->meta();
  BOOST_REQUIRE(!meta.has_value());
  BOOST_TEST((meta.error().code() == Code::corruption));
  BOOST_TEST(meta.error().message().find("meta fails its checksum") != std::string::npos, meta.error().message());

  // Neither writer of meta blesses the damaged fields with a new checksum.
  BOOST_TEST((snap->set_open_epoch(9).code() == Code::corruption));
  MemTable table;
  table.put("session/gamma", "g");
  BOOST_TEST((snap->apply(table, kSequence + 1).code() == Code::corruption));
  BOOST_TEST((snap->meta().error().code() == Code::corruption));
  // The one transaction of that apply was not committed.
  BOOST_TEST(!snap->get("session/gamma")->has_value());
}

BOOST_AUTO_TEST_CASE(version_1_snapshot_is_read_and_written_in_its_layout) {
  TempDir dir;
  write_version_1_snapshot(dir.path());
  {
    auto snap = open_rw(dir.path());
    BOOST_TEST(snap->format_version() == 1u);
    auto meta = snap->meta();
    BOOST_REQUIRE_MESSAGE(meta.has_value(), describe(meta));
    BOOST_TEST(meta->format_version == 1u);
    BOOST_TEST(meta->applied_sequence == 5u);
    BOOST_TEST(snap->get("old")->value_or("<absent>") == "bare-value");

    MemTable table;
    table.put("new", "also-bare");
    BOOST_REQUIRE(snap->apply(table, 6).ok());
    BOOST_REQUIRE(snap->set_open_epoch(4).ok());
    BOOST_TEST(snap->get("new")->value_or("<absent>") == "also-bare");
    auto verified = snap->verify({});
    BOOST_REQUIRE(verified.has_value());
    BOOST_TEST(verified->entries == 2u);
    BOOST_TEST(verified->damaged == 0u);
  }
  RawEnv raw(dir.path());
  BOOST_TEST(raw.get("data", "new") == "also-bare");
  BOOST_TEST(raw.get("meta", "applied_sequence") == le64(6));
  BOOST_TEST(raw.get("meta", "open_epoch") == le64(4));
  BOOST_TEST(raw.get("meta", "meta_checksum") == "<absent>");
  BOOST_TEST(raw.get("meta", "format_version") == std::string("\x01\x00\x00\x00", 4));
}

BOOST_AUTO_TEST_CASE(newer_format_version_is_returned_unchecked_and_never_written) {
  TempDir dir;
  write_version_1_snapshot(dir.path());
  RawEnv(dir.path()).put("meta", "format_version", std::string("\x03\x00\x00\x00", 4));
  auto snap = open_rw(dir.path());
  auto meta = snap->meta();
  BOOST_REQUIRE_MESSAGE(meta.has_value(), describe(meta));
  BOOST_TEST(meta->format_version == 3u);
  BOOST_TEST((snap->set_open_epoch(9).code() == Code::version_mismatch));
}

BOOST_AUTO_TEST_CASE(format_version_0_is_corruption) {
  TempDir dir;
  write_version_1_snapshot(dir.path());
  RawEnv(dir.path()).put("meta", "format_version", std::string(4, '\0'));
  auto snap = open_rw(dir.path());
  BOOST_TEST((snap->meta().error().code() == Code::corruption));
}
