// Keys and values are bytes, never paths (brief §5, §7): keys holding NUL,
// '/', "..", names of the store's own files, and 511-byte keys, with values up
// to 1 MiB of any bytes, are stored and read back from the memtable, after
// replay and from the LMDB snapshot, and the store's directory tree never
// holds anything but its own files. The same for session ids.
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "security_fixture.hpp"

using namespace walkv;
using namespace walkv::security_test;

namespace {

using Pair = std::pair<std::string, std::string>;

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

std::vector<Pair> hostile_pairs() {
  std::string megabyte(1 << 20, '\0');
  for (std::size_t i = 0; i < megabyte.size(); i += 7) megabyte[i] = static_cast<char>(i * 31);
  std::string dotdot_511;
  while (dotdot_511.size() < 511) dotdot_511 += "../";
  dotdot_511.resize(511);
  return {
      {std::string(1, '\0'), "nul key"},
      {std::string("\0\0\0", 3), std::string("\0", 1)},
      {std::string("a\0b", 3), all_bytes()},
      {"/", "slash"},
      {"//", ""},
      {".", "dot"},
      {"..", "dotdot"},
      {"../..", "up two"},
      {"../../../../../../tmp/walkv-escape", "escape"},
      {"/etc/passwd", "absolute"},
      {"a/b/c", "nested"},
      {"LOCK", "lock"},
      {"wal/0000000000000001.wal", "segment name"},
      {"snapshot/data.mdb", "lmdb name"},
      {"x.tmp", "tmp"},
      {std::string("\xff\xfe\n\r\t*?~$", 10), "special"},
      {std::string(511, '/'), "slashes"},
      {std::string(511, '\0'), "nuls"},
      {std::string(511, '\xff'), "ff"},
      {dotdot_511, "dotdots"},
      {"megabyte", megabyte},
      {std::string("mb\0", 3), megabyte + "tail"},
  };
}

// The store's tree holds only what a store is made of.
void check_only_store_files(const std::string& path) {
  for (const auto& [name, e] : tree(path)) {
    const bool ok = name == "LOCK" || name == "wal" || name == "snapshot" || name == "snapshot/data.mdb" ||
                    name == "snapshot/lock.mdb" ||
                    (name.rfind("wal/", 0) == 0 && name.size() == 4 + 20 && name.ends_with(".wal"));
    BOOST_TEST(ok, "unexpected entry in the store: " << name);
  }
}

void check_all(const Store& store, const std::vector<Pair>& pairs, const char* stage) {
  BOOST_TEST_CONTEXT(stage) {
    for (const auto& [key, value] : pairs) {
      auto got = store.get(key);
      BOOST_REQUIRE(got.has_value());
      BOOST_REQUIRE(got->has_value());
      BOOST_TEST((**got == value), "key of " << key.size() << " bytes");
    }
    std::size_t seen = 0;
    Status s = store.scan("", [&](std::string_view, std::string_view) {
      ++seen;
      return true;
    });
    BOOST_TEST(s.ok());
    BOOST_TEST(seen == pairs.size());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(any_bytes_are_stored_and_never_become_paths) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  const auto pairs = hostile_pairs();
  Options o;
  o.compaction_trigger = 0;
  {
    auto store = Store::open(path, o);
    BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
    for (const auto& [key, value] : pairs) {
      Status s = (*store)->put({}, key, value);
      BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    }
    check_all(**store, pairs, "memtable");
    BOOST_REQUIRE((*store)->close().ok());
  }
  check_only_store_files(path);
  {
    auto store = Store::open(path, o);
    BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
    check_all(**store, pairs, "replayed");
    BOOST_REQUIRE((*store)->compact().ok());
    check_all(**store, pairs, "snapshot");
    BOOST_REQUIRE((*store)->close().ok());
  }
  {
    auto store = Store::open(path, o);
    BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
    check_all(**store, pairs, "snapshot after reopen");
    // Prefix removal is bytewise: ".." removes "..", "../..", "../../..." only.
    BOOST_REQUIRE((*store)->remove_prefix({}, "..").ok());
    for (const auto& [key, value] : pairs) {
      auto got = (*store)->get(key);
      BOOST_REQUIRE(got.has_value());
      BOOST_TEST(got->has_value() == !key.starts_with(".."), "key of " << key.size() << " bytes");
    }
    BOOST_REQUIRE((*store)->close().ok());
  }
  check_only_store_files(path);
  // Nothing escaped next to the store either.
  for (const auto& e : fs::directory_iterator(dir.path())) BOOST_TEST(e.path().filename() == "store");
  BOOST_TEST(!fs::exists("/tmp/walkv-escape"));
}

BOOST_AUTO_TEST_CASE(session_ids_of_any_bytes_never_become_paths) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  const std::vector<std::string> ids = {
      "../../../../tmp/walkv-session-escape", "/", "..", std::string("\0", 1), std::string("a\0\x01/b", 5),
      "LOCK", std::string(256, '/'), std::string(200, '\x01'),
  };
  {
    auto store = Store::open(path);
    BOOST_REQUIRE(store.has_value());
    auto sessions = SessionStore::open(**store);
    BOOST_REQUIRE(sessions.has_value());
    for (const auto& id : ids) {
      BOOST_REQUIRE_MESSAGE((*sessions)->create(id, "d").ok(), "id of " << id.size() << " bytes");
      CheckpointData cp;
      cp.state = id + std::string("\0state", 6);
      cp.app_version = "1.0.0";
      auto n = (*sessions)->checkpoint(id, cp);
      BOOST_REQUIRE_MESSAGE(n.has_value(), walkv::test::error_text(n));
    }
    BOOST_REQUIRE((*store)->compact().ok());
  }
  auto store = Store::open(path);
  BOOST_REQUIRE(store.has_value());
  auto sessions = SessionStore::open(**store);
  BOOST_REQUIRE(sessions.has_value());
  for (const auto& id : ids) {
    auto info = (*sessions)->info(id);
    BOOST_REQUIRE(info.has_value());
    BOOST_REQUIRE(info->has_value());
    BOOST_TEST(((*info)->id == id));
    auto cp = (*sessions)->latest_checkpoint(id);
    BOOST_REQUIRE(cp.has_value());
    BOOST_REQUIRE(cp->has_value());
    BOOST_TEST(((*cp)->state == id + std::string("\0state", 6)));
  }
  auto all = (*sessions)->list();
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST(all->size() == ids.size());
  check_only_store_files(path);
  BOOST_TEST(!fs::exists("/tmp/walkv-session-escape"));
}
