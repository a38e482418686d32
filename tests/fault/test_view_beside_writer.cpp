// tests/fault: a read-only view of a store opened in the process that writes
// it. LMDB must not have one file open twice in a process (its record locks
// and reader table are per process: a second environment broke the writer's
// reads with MDB_BAD_RSLOT), so both share one LMDB environment per data file
// (lib/snapshot/shared_env.hpp), reference counted: whichever closes first,
// the other keeps reading — and the writer keeps writing and compacting.
#define BOOST_TEST_MODULE fault_view_beside_writer
#include <boost/test/unit_test.hpp>

#include <walkv/check.hpp>

#include "fault_fixture.hpp"
#include "memtable/memtable.hpp"
#include "snapshot/shared_env.hpp"
#include "snapshot/snapshot.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

Options small_map() {
  Options o = fault_options();
  o.initial_map_size = 256u << 10;  // compactions below grow it while the view is open
  return o;
}

// `count` keys "<prefix><i>" with values large enough to grow a small map.
Model put_keys(Store& s, const std::string& prefix, int count) {
  Model m;
  for (int i = 0; i < count; ++i) {
    const std::string key = prefix + std::to_string(i);
    BOOST_REQUIRE(s.put(kNone, key, filler(2000, i)).ok());
    m[key] = filler(2000, i);
  }
  return m;
}

// Every key of `expected` reads back through `s` (snapshot or memtable), many
// times over (pooled LMDB read transactions are renewed on every call).
void check_reads(const Store& s, const Model& expected, const char* who) {
  BOOST_TEST_CONTEXT(who) {
    for (int round = 0; round < 3; ++round) {
      for (const auto& [key, value] : expected) {
        auto got = s.get(key);
        BOOST_REQUIRE_MESSAGE(got.has_value(), key << ": " << error_text(got));
        BOOST_REQUIRE_MESSAGE(got->has_value(), key << " missing");
        BOOST_TEST((**got == value), key);
      }
    }
    auto all = read_all(s);
    BOOST_REQUIRE_MESSAGE(all.has_value(), error_text(all));
    for (const auto& [key, value] : expected) BOOST_TEST(all->count(key) == 1u, key);
  }
}

Model merged(Model a, const Model& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// Opens the writer (Store::open) or a read-only view of `path`; must succeed.
std::unique_ptr<Store> must_open_writer(const std::string& path) {
  auto opened = Store::open(path, small_map());
  BOOST_REQUIRE_MESSAGE(opened.has_value(), "writer: " << error_text(opened));
  return std::move(*opened);
}
std::unique_ptr<Store> must_open_view(const std::string& path) {
  auto opened = Store::open_read_only(path, small_map());
  BOOST_REQUIRE_MESSAGE(opened.has_value(), "view: " << error_text(opened));
  return std::move(*opened);
}

// `count` keys "snap/<i>" written and compacted into the snapshot.
Model put_and_compact(Store& writer, int count) {
  Model m = put_keys(writer, "snap/", count);
  BOOST_REQUIRE(writer.compact().ok());
  return m;
}

// Every test's setup: a store path in a temporary directory, and the number
// of LMDB environments this process had open before the test.
struct StoreFixture {
  TempDir tmp;
  const std::string path = tmp.sub("store");
  const std::size_t envs_before = snapshot_detail::shared_env_count();
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(view_closed_first_leaves_the_writer_reading_and_writing, StoreFixture) {
  auto writer = must_open_writer(path);
  const Model compacted = put_and_compact(*writer, 40);
  const Model logged = put_keys(*writer, "log/", 5);
  BOOST_REQUIRE(writer->sync().ok());
  {
    auto view = must_open_view(path);
    // one LMDB environment for the file, shared by both
    BOOST_TEST(snapshot_detail::shared_env_count() == envs_before + 1);
    check_reads(*view, merged(compacted, logged), "view");
    check_reads(*writer, merged(compacted, logged), "writer beside the view");
    // The writer compacts (and grows the map) while the view is open.
    const Model more = put_keys(*writer, "more/", 80);
    BOOST_REQUIRE(writer->compact().ok());
    check_reads(*writer, merged(merged(compacted, logged), more), "writer after compacting");
    check_reads(*view, compacted, "view after the writer compacted");
  }
  // The view is gone; the writer's environment is not.
  BOOST_TEST(snapshot_detail::shared_env_count() == envs_before + 1);
  check_reads(*writer, merged(compacted, logged), "writer after the view closed");
  const Model last = put_keys(*writer, "last/", 5);
  BOOST_REQUIRE(writer->compact().ok());
  check_reads(*writer, last, "writer after compacting again");
  BOOST_REQUIRE(writer->close().ok());
  writer.reset();
  BOOST_TEST(snapshot_detail::shared_env_count() == envs_before);
}

BOOST_FIXTURE_TEST_CASE(writer_closed_first_leaves_the_view_reading, StoreFixture) {
  auto writer = must_open_writer(path);
  const Model compacted = put_and_compact(*writer, 40);
  auto view = must_open_view(path);
  check_reads(*view, compacted, "view beside the writer");
  check_reads(*writer, compacted, "writer beside the view");
  BOOST_REQUIRE(writer->close().ok());
  writer.reset();
  BOOST_TEST(snapshot_detail::shared_env_count() == envs_before + 1);  // the view still holds it
  check_reads(*view, compacted, "view after the writer closed");
  view.reset();
  BOOST_TEST(snapshot_detail::shared_env_count() == envs_before);
  // Reopening for writing after both closed works as before.
  check_reads(*must_open_writer(path), compacted, "writer reopened");
}

// A writer cannot use an environment this process opened read-only (LMDB
// cannot upgrade it, nor open the file a second time): a clear error, and the
// view keeps working; once the view is closed the store opens.
BOOST_FIXTURE_TEST_CASE(writer_opened_beside_an_earlier_view_is_refused_clearly, StoreFixture) {
  const Model compacted = put_and_compact(*must_open_writer(path), 10);
  auto view = must_open_view(path);
  {
    auto writer = Store::open(path, small_map());
    BOOST_REQUIRE(!writer.has_value());
    BOOST_TEST((writer.error().code() == Code::not_supported), writer.error().to_string());
    BOOST_TEST(writer.error().message().find("read-only") != std::string::npos, writer.error().to_string());
  }
  check_reads(*view, compacted, "view after the refused writer");
  view.reset();
  check_reads(*must_open_writer(path), compacted, "writer after the view closed");
}

// read_point_in_time reads again when any LMDB write transaction committed
// while it read — also one that left the applied sequence as it was, as each
// but the last of a compaction's transactions does (Snapshot::apply).
BOOST_FIXTURE_TEST_CASE(point_in_time_read_retries_after_a_commit_that_kept_the_sequence, StoreFixture) {
  auto writer = must_open_writer(path);
  const Model compacted = put_and_compact(*writer, 10);
  int calls = 0;
  Status s = read_point_in_time(path, RecoveryMode::tolerate_corrupted_tail, [&](const Store& view) {
    calls += 1;
    if (calls == 1) {
      // Shares the writer's environment; commits one transaction, same sequence.
      auto snapshot = Snapshot::open(path + "/snapshot", Snapshot::Mode::read_write, 0);
      BOOST_REQUIRE_MESSAGE(snapshot.has_value(), error_text(snapshot));
      auto meta = (*snapshot)->meta();
      BOOST_REQUIRE_MESSAGE(meta.has_value(), error_text(meta));
      const MemTable empty;
      BOOST_REQUIRE((*snapshot)->apply(empty, meta->applied_sequence).ok());
    }
    check_reads(view, compacted, "view");
    return Status();
  });
  BOOST_TEST(s.ok(), s.to_string());
  BOOST_TEST(calls == 2);
  check_reads(*writer, compacted, "writer afterwards");
}
