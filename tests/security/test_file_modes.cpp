// Files a store creates are 0600 and its directories 0700, whatever the umask
// (brief §1): LOCK, wal/, segments, snapshot/, LMDB's data.mdb and lock.mdb
// (created with the mode the snapshot passes to mdb_env_open), and the
// ".broken" copy that recovery keeps.
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>

#include <walkv/store.hpp>

#include "../support/log_files.hpp"
#include "security_fixture.hpp"

using namespace walkv;
using namespace walkv::security_test;

namespace {

Options small_segments() {
  Options o;
  o.segment_size = 64 << 10;  // several segments from a few hundred KiB
  o.compaction_trigger = 0;
  return o;
}

void fill(Store& store, int count, std::size_t value_size) {
  for (int i = 0; i < count; ++i) {
    Status s = store.put({}, "key" + std::to_string(i), std::string(value_size, static_cast<char>('a' + i % 26)));
    BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
  }
}

void check_modes(const std::string& store_dir) {
  const auto entries = tree(store_dir);
  for (const auto& [name, e] : entries) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST((e.type == S_IFREG || e.type == S_IFDIR));  // no symlinks, fifos, sockets
      if (e.type == S_IFDIR) BOOST_TEST(e.perms == 0700u);
      if (e.type == S_IFREG) BOOST_TEST(e.perms == 0600u);
    }
  }
  // The files the brief names are all there (so the loop above saw them).
  for (const char* name : {"LOCK", "wal", "snapshot", "snapshot/data.mdb", "snapshot/lock.mdb"})
    BOOST_TEST(entries.count(name) == 1u, name << " exists");
  int segments = 0;
  for (const auto& [name, e] : entries)
    if (name.rfind("wal/", 0) == 0 && name.size() > 4 && name.ends_with(".wal")) ++segments;
  BOOST_TEST(segments >= 1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(store_files_are_0600_and_directories_0700_under_umask_0) {
  UmaskGuard umask0(0);
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  {
    auto store = Store::open(path, small_segments());
    BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
    fill(**store, 40, 8 << 10);  // 320 KiB: rolls over several 64 KiB segments
    BOOST_REQUIRE((*store)->compact().ok());
    fill(**store, 5, 100);
    check_modes(path);
    BOOST_TEST(perms_of(path) == 0700u);  // the store directory walkv created
    BOOST_REQUIRE((*store)->close().ok());
  }
  {
    auto store = Store::open(path, small_segments());  // reopen: replay, new epoch
    BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
    fill(**store, 5, 100);
    BOOST_REQUIRE((*store)->close().ok());
  }
  check_modes(path);
  // A read-only view creates nothing and changes no mode.
  auto view = Store::open_read_only(path);
  BOOST_REQUIRE_MESSAGE(view.has_value(), walkv::test::error_text(view));
  check_modes(path);
}

BOOST_AUTO_TEST_CASE(broken_copy_kept_by_recovery_is_0600) {
  UmaskGuard umask0(0);
  walkv::test::TempDir dir;
  const std::string path = dir.sub("store");
  {
    auto store = Store::open(path, small_segments());
    BOOST_REQUIRE(store.has_value());
    fill(**store, 3, 100);
    BOOST_REQUIRE((*store)->close().ok());
  }
  // A torn last frame: a length word running past the end of the file.
  const auto segs = walkv::test::segments(path);
  BOOST_REQUIRE(!segs.empty());
  const auto offsets = walkv::test::frame_offsets(segs.back());
  std::string data = walkv::test::read_bytes(segs.back());
  const std::uint32_t huge = 0x7ffffff0u;
  std::memcpy(data.data() + offsets.back(), &huge, 4);
  std::memset(data.data() + offsets.back() + 4, 0x5a, 12);
  walkv::test::write_bytes(segs.back(), data);

  Options o = small_segments();
  o.keep_broken_segments = true;
  auto store = Store::open(path, o);
  BOOST_REQUIRE_MESSAGE(store.has_value(), walkv::test::error_text(store));
  BOOST_TEST((*store)->recovery_report().bytes_truncated > 0u);
  const auto entries = tree(path);
  int broken = 0;
  for (const auto& [name, e] : entries) {
    if (!name.ends_with(".broken")) continue;
    ++broken;
    BOOST_TEST(e.type == S_IFREG);
    BOOST_TEST(e.perms == 0600u, name);
  }
  BOOST_TEST(broken == 1);
  check_modes(path);
}
