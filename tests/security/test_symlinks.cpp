// Symlinks (brief §7): every file of a store is opened relative to the store
// directory's descriptor with O_NOFOLLOW, so a symlink planted at a segment's
// name, at LOCK, at wal/ or inside snapshot/ is refused and its target never
// read or written; the store path itself may be a symlink, resolved once at
// open.
#include <boost/test/unit_test.hpp>

#include <climits>
#include <cstdlib>
#include <string>

#include <walkv/store.hpp>

#include "../support/log_files.hpp"
#include "security_fixture.hpp"

using namespace walkv;
using namespace walkv::security_test;

namespace {

Options quiet() {
  Options o;
  o.segment_size = 64 << 10;
  o.compaction_trigger = 0;
  return o;
}

void make_store(const std::string& path, int puts) {
  auto store = Store::open(path, quiet());
  BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
  for (int i = 0; i < puts; ++i) BOOST_REQUIRE((*store)->put({}, "k" + std::to_string(i), "v").ok());
  BOOST_REQUIRE((*store)->close().ok());
}

std::string resolved(const std::string& p) {
  char buf[PATH_MAX];
  BOOST_REQUIRE(::realpath(p.c_str(), buf) != nullptr);
  return buf;
}

}  // namespace

BOOST_AUTO_TEST_CASE(symlink_at_a_segment_name_is_refused_not_followed) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  make_store(path, 3);
  const auto segs = walkv::test::segments(path);
  BOOST_REQUIRE(segs.size() == 1u);
  // The real segment moves outside the store; a symlink to it takes its name.
  const fs::path outside = dir.sub("outside.wal");
  fs::rename(segs.back(), outside);
  fs::create_symlink(outside, segs.back());
  const std::string before = read_file(outside);

  auto store = Store::open(path, quiet());
  BOOST_REQUIRE(!store.has_value());
  BOOST_TEST(store.error().message().find(segs.back().filename().string()) != std::string::npos,
             store.error().to_string());
  auto view = Store::open_read_only(path, quiet());
  BOOST_TEST(!view.has_value());
  BOOST_TEST((read_file(outside) == before));  // neither truncated nor appended to
  BOOST_TEST(fs::is_symlink(segs.back()));
}

BOOST_AUTO_TEST_CASE(symlink_at_lock_is_refused_and_its_target_untouched) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  make_store(path, 1);
  const fs::path victim = dir.sub("victim");
  write_file(victim, "precious\n");
  fs::remove(path + "/LOCK");
  fs::create_symlink(victim, path + "/LOCK");

  auto store = Store::open(path, quiet());
  BOOST_REQUIRE(!store.has_value());
  BOOST_TEST(store.error().message().find("LOCK") != std::string::npos, store.error().to_string());
  BOOST_TEST((read_file(victim) == "precious\n"));  // not truncated, no pid written
}

BOOST_AUTO_TEST_CASE(dangling_symlink_at_lock_creates_nothing) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  make_store(path, 1);
  const fs::path target = dir.sub("created-through-link");
  fs::remove(path + "/LOCK");
  fs::create_symlink(target, path + "/LOCK");

  auto store = Store::open(path, quiet());
  BOOST_REQUIRE(!store.has_value());
  BOOST_TEST(!fs::exists(fs::symlink_status(target)));  // O_CREAT did not follow the link
}

BOOST_AUTO_TEST_CASE(symlinked_wal_directory_is_refused) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  make_store(path, 2);
  const fs::path moved = dir.sub("wal-elsewhere");
  fs::rename(path + "/wal", moved);
  fs::create_symlink(moved, path + "/wal");
  const auto before = contents(moved);

  auto store = Store::open(path, quiet());
  BOOST_REQUIRE(!store.has_value());
  BOOST_TEST(store.error().message().find("wal") != std::string::npos, store.error().to_string());
  BOOST_TEST(!Store::open_read_only(path, quiet()).has_value());
  BOOST_TEST((contents(moved) == before));
}

BOOST_AUTO_TEST_CASE(symlinked_snapshot_directory_is_refused) {
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  make_store(path, 2);
  const fs::path moved = dir.sub("snapshot-elsewhere");
  fs::rename(path + "/snapshot", moved);
  fs::create_symlink(moved, path + "/snapshot");
  const auto before = contents(moved);

  auto store = Store::open(path, quiet());
  BOOST_REQUIRE(!store.has_value());
  BOOST_TEST((contents(moved) == before));
}

// LMDB opens its files by path (outside the io layer), so the snapshot
// checks them for symlinks itself.
BOOST_AUTO_TEST_CASE(symlink_at_lmdb_files_is_refused) {
  for (const char* name : {"data.mdb", "lock.mdb"}) {
    BOOST_TEST_CONTEXT(name) {
      walkv::test::TempDir dir;
      const std::string path = dir.sub("store");
      make_store(path, 2);
      const fs::path moved = dir.sub(std::string("elsewhere-") + name);
      fs::rename(path + "/snapshot/" + name, moved);
      fs::create_symlink(moved, path + "/snapshot/" + name);
      const std::string before = read_file(moved);

      auto store = Store::open(path, quiet());
      BOOST_REQUIRE(!store.has_value());
      BOOST_TEST(store.error().message().find("symbolic link") != std::string::npos, store.error().to_string());
      BOOST_TEST(!Store::open_read_only(path, quiet()).has_value());
      BOOST_TEST((read_file(moved) == before));
    }
  }
}

BOOST_AUTO_TEST_CASE(symlinked_store_path_is_resolved_once) {
  walkv::test::TempDir dir;
  const std::string real = dir.sub("real");
  const std::string other = dir.sub("other");
  fs::create_directory(real);
  fs::create_directory(other);
  const std::string link = dir.sub("link");
  fs::create_symlink(real, link);

  auto store = Store::open(link, quiet());
  BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
  BOOST_TEST((*store)->directory() == resolved(real));
  BOOST_REQUIRE((*store)->put({}, "before", "1").ok());
  // Re-pointing the link while the store is open changes nothing: every
  // later file operation (log, compaction, snapshot) happens in `real`.
  fs::remove(link);
  fs::create_symlink(other, link);
  BOOST_REQUIRE((*store)->put({}, "after", "2").ok());
  BOOST_REQUIRE((*store)->compact().ok());
  BOOST_REQUIRE((*store)->put({}, "later", "3").ok());
  BOOST_REQUIRE((*store)->close().ok());
  BOOST_TEST(fs::is_empty(other));

  auto again = Store::open(real, quiet());
  BOOST_REQUIRE_MESSAGE(again.has_value(), walkv::test::error_text(again));
  for (const char* key : {"before", "after", "later"}) {
    auto v = (*again)->get(key);
    BOOST_REQUIRE(v.has_value());
    BOOST_TEST(v->has_value(), key);
  }
}
