#define BOOST_TEST_MODULE snapshot
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "memtable/memtable.hpp"
#include "snapshot/snapshot.hpp"
#include "../support/temp_dir.hpp"
#include "snapshot_helpers.hpp"

using walkv::Code;
using walkv::MemTable;
using walkv::Snapshot;
using walkv::test::TempDir;

namespace {

using walkv::test::describe;
using walkv::test::kMiB;
using walkv::test::open_rw;
using walkv::test::test_store_id;

constexpr std::uint64_t kTinyMap = 64 * 1024;

// apply() records applied_sequence in meta: the snapshot must be initialised.
std::unique_ptr<Snapshot> open_initialized(const std::string& dir, std::uint64_t map = kMiB) {
  auto snap = open_rw(dir, map);
  BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
  return snap;
}

std::string value_at(const Snapshot& snap, const std::string& key) {
  auto got = snap.get(key);
  BOOST_REQUIRE_MESSAGE(got.has_value(), describe(got));
  return got->value_or("<absent>");
}

std::vector<std::pair<std::string, std::string>> scan_all(const Snapshot& snap,
                                                          const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  auto s = snap.scan(prefix, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return true;
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
  return out;
}

std::string numbered(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%05d", prefix, i);
  return buf;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(initialize_and_meta_round_trip) {
  TempDir dir;
  {
    auto snap = open_rw(dir.path());
    auto init = snap->initialized();
    BOOST_REQUIRE(init.has_value());
    BOOST_TEST(!*init);
    auto missing = snap->meta();
    BOOST_REQUIRE(!missing.has_value());
    BOOST_TEST((missing.error().code() == Code::not_found));

    BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
    BOOST_TEST(*snap->initialized());
    auto meta = snap->meta();
    BOOST_REQUIRE_MESSAGE(meta.has_value(), describe(meta));
    BOOST_TEST(meta->format_version == walkv::snapshot_format::kVersion);
    BOOST_TEST((meta->store_id == test_store_id()));
    BOOST_TEST(meta->applied_sequence == 0u);
    BOOST_TEST(meta->open_epoch == 0u);

    BOOST_REQUIRE(snap->set_open_epoch(0x0102030405060708ull).ok());
    auto again = snap->initialize(walkv::wal::StoreId{});
    BOOST_TEST((again.code() == Code::invalid_argument));
    BOOST_TEST(again.message().find(dir.path()) != std::string::npos);
  }
  auto reopened = open_rw(dir.path());
  auto meta = reopened->meta();
  BOOST_REQUIRE(meta.has_value());
  BOOST_TEST(meta->open_epoch == 0x0102030405060708ull);
  BOOST_TEST((meta->store_id == test_store_id()));

  struct stat st;
  BOOST_REQUIRE(::stat((dir.path() + "/data.mdb").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(read_only_open_of_missing_environment_is_not_found) {
  TempDir dir;
  auto snap = Snapshot::open(dir.path(), Snapshot::Mode::read_only, 0);
  BOOST_REQUIRE(!snap.has_value());
  BOOST_TEST((snap.error().code() == Code::not_found));
  BOOST_TEST(snap.error().message().find(dir.path()) != std::string::npos);
  BOOST_TEST(!exists(dir.path() + "/lock.mdb"));
}

BOOST_AUTO_TEST_CASE(open_of_garbage_file_is_corruption) {
  TempDir dir;
  {
    std::FILE* f = std::fopen((dir.path() + "/data.mdb").c_str(), "wb");
    BOOST_REQUIRE(f != nullptr);
    std::string junk(16384, 'J');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  auto snap = Snapshot::open(dir.path(), Snapshot::Mode::read_write, kMiB);
  BOOST_REQUIRE(!snap.has_value());
  BOOST_TEST((snap.error().code() == Code::corruption));
  BOOST_TEST(snap.error().message().find(dir.path()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(apply_puts_deletes_and_prefix_tombstones) {
  TempDir dir;
  {
    auto snap = open_rw(dir.path());
    BOOST_REQUIRE(snap->initialize(test_store_id()).ok());

    MemTable first;
    for (const char* k : {"a1", "a2", "a", "b1", "c1", "ab"}) first.put(k, std::string("v-") + k);
    BOOST_REQUIRE(snap->apply(first, 10).ok());
    BOOST_TEST(value_at(*snap, "a2") == "v-a2");
    BOOST_TEST(snap->meta()->applied_sequence == 10u);

    MemTable second;
    second.put("a2", "shadowed");    // older than the prefix tombstone: erased by it
    second.remove_prefix("a");
    second.put("a3", "v-a3-new");    // newer than the tombstone: survives
    second.remove("b1");
    second.remove("zz");             // deleting an absent key is fine
    second.put("c1", "v-c1-new");
    BOOST_REQUIRE(snap->apply(second, 20).ok());
  }
  auto snap = open_rw(dir.path());
  for (const char* gone : {"a", "a1", "a2", "ab", "b1", "zz"}) {
    BOOST_TEST(value_at(*snap, gone) == "<absent>", "key " << gone);
  }
  BOOST_TEST(value_at(*snap, "a3") == "v-a3-new");
  BOOST_TEST(value_at(*snap, "c1") == "v-c1-new");
  BOOST_TEST(snap->meta()->applied_sequence == 20u);
  auto all = scan_all(*snap, "");
  BOOST_TEST(all.size() == 2u);
  BOOST_TEST(all[0].first == "a3");
  BOOST_TEST(all[1].first == "c1");
  BOOST_TEST(snap->stats()->entries == 2u);
}

BOOST_AUTO_TEST_CASE(prefix_tombstone_spanning_many_pages) {
  TempDir dir;
  auto snap = open_initialized(dir.path(), 16 * kMiB);
  MemTable fill;
  fill.put("p", "before-prefix");          // the prefix itself, without the slash
  fill.put("p.", "sorts-just-before");
  fill.put("p0", "sorts-just-after");
  for (int i = 0; i < 3000; ++i) fill.put(numbered("p/", i), std::string(100, 'x'));
  BOOST_REQUIRE(snap->apply(fill, 1).ok());
  BOOST_TEST(snap->stats()->entries == 3003u);

  MemTable drop;
  drop.remove_prefix("p/");
  BOOST_REQUIRE(snap->apply(drop, 2).ok());
  auto left = scan_all(*snap, "");
  BOOST_REQUIRE(left.size() == 3u);
  BOOST_TEST(left[0].first == "p");
  BOOST_TEST(left[1].first == "p.");
  BOOST_TEST(left[2].first == "p0");
}

BOOST_AUTO_TEST_CASE(empty_prefix_tombstone_clears_everything_older) {
  TempDir dir;
  auto snap = open_initialized(dir.path());
  MemTable fill;
  for (int i = 0; i < 50; ++i) fill.put(numbered("k", i), "v");
  BOOST_REQUIRE(snap->apply(fill, 1).ok());
  MemTable wipe;
  wipe.remove_prefix("");
  wipe.put("fresh", "v");
  BOOST_REQUIRE(snap->apply(wipe, 2).ok());
  auto all = scan_all(*snap, "");
  BOOST_REQUIRE(all.size() == 1u);
  BOOST_TEST(all[0].first == "fresh");
}

BOOST_AUTO_TEST_CASE(scan_visits_prefix_in_order_and_stops_early) {
  using namespace std::string_literals;
  TempDir dir;
  auto snap = open_initialized(dir.path());
  MemTable t;
  for (const std::string& k : {"s/b"s, "s/a"s, "s"s, "s/c"s, "r"s, "t"s, "s/\0"s}) t.put(k, "v" + k);
  BOOST_REQUIRE(snap->apply(t, 1).ok());

  auto under = scan_all(*snap, "s/");
  BOOST_REQUIRE(under.size() == 4u);
  BOOST_TEST(under[0].first == "s/\0"s);
  BOOST_TEST(under[1].first == "s/a");
  BOOST_TEST(under[1].second == "vs/a");
  BOOST_TEST(under[3].first == "s/c");

  int visited = 0;
  auto s = snap->scan("s/", [&](std::string_view, std::string_view) { return ++visited < 2; });
  BOOST_TEST(s.ok());
  BOOST_TEST(visited == 2);
  BOOST_TEST(scan_all(*snap, "u").empty());
  BOOST_TEST(scan_all(*snap, std::string(snap->max_key_size() + 1, 's')).empty());
}

BOOST_AUTO_TEST_CASE(map_grows_when_full) {
  TempDir dir;
  const std::string big(4096, 'v');
  constexpr int kKeys = 600;  // ~2.4 MiB of values into a 64 KiB map
  std::uint64_t grown = 0;
  {
    auto snap = open_rw(dir.path(), kTinyMap);
    BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
    const auto before = snap->stats();
    BOOST_REQUIRE(before.has_value());
    BOOST_TEST(before->map_size == kTinyMap);

    MemTable t;
    for (int i = 0; i < kKeys; ++i) t.put(numbered("big/", i), big);
    auto s = snap->apply(t, 42);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    const auto after = snap->stats();
    BOOST_REQUIRE(after.has_value());
    grown = after->map_size;
    BOOST_TEST(grown >= 2 * kMiB);
    BOOST_TEST(after->used_bytes <= grown);
    BOOST_TEST(after->used_bytes >= static_cast<std::uint64_t>(kKeys) * 4096);
    BOOST_TEST(after->entries == static_cast<std::uint64_t>(kKeys));
    BOOST_TEST(snap->meta()->applied_sequence == 42u);
  }
  // Reopening with the small initial size keeps the grown map.
  auto snap = open_rw(dir.path(), kTinyMap);
  BOOST_TEST(snap->stats()->map_size >= grown);
  BOOST_TEST(value_at(*snap, numbered("big/", kKeys - 1)) == big);
  MemTable more;
  more.put("one-more", big);
  BOOST_TEST(snap->apply(more, 43).ok());
}

BOOST_AUTO_TEST_CASE(reads_run_while_apply_grows_the_map) {
  TempDir dir;
  auto snap = open_initialized(dir.path(), kTinyMap);
  MemTable seed;
  for (int i = 0; i < 20; ++i) seed.put(numbered("seed/", i), numbered("seed-value-", i));
  BOOST_REQUIRE(snap->apply(seed, 1).ok());

  std::atomic<bool> done{false};
  std::atomic<long> failures{0};
  auto reader = [&] {
    int i = 0;
    while (!done.load(std::memory_order_acquire)) {
      auto got = snap->get(numbered("seed/", i % 20));
      if (!got.has_value() || *got != numbered("seed-value-", i % 20)) failures.fetch_add(1);
      ++i;
    }
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) readers.emplace_back(reader);
  const std::string big(2048, 'g');
  for (int round = 0; round < 4; ++round) {
    MemTable t;
    for (int i = 0; i < 300; ++i) t.put(numbered(("r" + std::to_string(round) + "/").c_str(), i), big);
    auto s = snap->apply(t, 2 + round);
    BOOST_TEST(s.ok(), s.to_string());
  }
  done.store(true, std::memory_order_release);
  for (auto& th : readers) th.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(snap->stats()->map_size > kTinyMap);
  BOOST_TEST(snap->stats()->entries == 20u + 4 * 300);
}

BOOST_AUTO_TEST_CASE(keys_outside_lmdb_limits_are_invalid_arguments) {
  TempDir dir;
  auto snap = open_rw(dir.path());
  BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
  BOOST_TEST(snap->max_key_size() >= 511u);
  const std::string oversized(snap->max_key_size() + 1, 'k');

  MemTable t;
  t.put("fine", "v");
  t.put(oversized, "v");
  auto s = snap->apply(t, 5);
  BOOST_TEST((s.code() == Code::invalid_argument));
  BOOST_TEST(s.message().find(dir.path()) != std::string::npos);
  // Nothing of the refused table was written.
  BOOST_TEST(value_at(*snap, "fine") == "<absent>");
  BOOST_TEST(snap->meta()->applied_sequence == 0u);

  auto got = snap->get(oversized);
  BOOST_REQUIRE(!got.has_value());
  BOOST_TEST((got.error().code() == Code::invalid_argument));
  auto empty = snap->get("");
  BOOST_REQUIRE(!empty.has_value());
  BOOST_TEST((empty.error().code() == Code::invalid_argument));

  MemTable max_ok;
  const std::string longest(snap->max_key_size(), 'm');
  max_ok.put(longest, "v");
  BOOST_REQUIRE(snap->apply(max_ok, 6).ok());
  BOOST_TEST(value_at(*snap, longest) == "v");
}

BOOST_AUTO_TEST_CASE(copy_compact_produces_an_equivalent_environment) {
  TempDir dir;
  const std::string src = dir.subdir("src");
  const std::string dst = dir.subdir("dst");
  {
    auto snap = open_rw(src);
    BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
    MemTable t;
    for (int i = 0; i < 200; ++i) t.put(numbered("c/", i), std::string(500, 'c'));
    BOOST_REQUIRE(snap->apply(t, 7).ok());
    MemTable drop;
    drop.remove_prefix("c/001");  // frees pages so compaction has work to do
    BOOST_REQUIRE(snap->apply(drop, 8).ok());
    auto s = snap->copy_compact(dst);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    BOOST_TEST((snap->copy_compact(dst).code() == Code::io_error));  // refuses to overwrite
  }
  struct stat st;
  BOOST_REQUIRE(::stat((dst + "/data.mdb").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  auto copy = open_rw(dst);
  BOOST_TEST(copy->meta()->applied_sequence == 8u);
  BOOST_TEST((copy->meta()->store_id == test_store_id()));
  BOOST_TEST(copy->stats()->entries == 100u);
  BOOST_TEST(value_at(*copy, numbered("c/", 99)) == std::string(500, 'c'));
  BOOST_TEST(value_at(*copy, numbered("c/", 150)) == "<absent>");
}

// ---- a read-only view of an environment another process is writing ----------

namespace {

// One-byte messages over a pipe pair; EOF (the other side died) reads as '\0'.
struct Channel {
  int to_child[2];
  int to_parent[2];
};

bool send(int fd, char c) { return ::write(fd, &c, 1) == 1; }
char receive(int fd) {
  char c = '\0';
  return ::read(fd, &c, 1) == 1 ? c : '\0';
}

// The child: a writer holding the environment read-write throughout.
[[noreturn]] void run_writer_child(const std::string& dir, const Channel& ch) {
  auto snap = Snapshot::open(dir, Snapshot::Mode::read_write, kTinyMap);
  if (!snap.has_value() || !(*snap)->initialize(test_store_id()).ok()) ::_exit(10);
  MemTable first;
  first.put("k1", "v1");
  if (!(*snap)->apply(first, 1).ok()) ::_exit(11);
  if (!send(ch.to_parent[1], 'A')) ::_exit(12);

  if (receive(ch.to_child[0]) != 'a') ::_exit(13);
  // Grow the map far past what the reader mapped.
  MemTable big;
  for (int i = 0; i < 500; ++i) big.put(numbered("big/", i), std::string(4096, 'b'));
  if (!(*snap)->apply(big, 2).ok()) ::_exit(14);
  if (!send(ch.to_parent[1], 'B')) ::_exit(15);

  if (receive(ch.to_child[0]) != 'b') ::_exit(16);
  snap->reset();
  ::_exit(0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(read_only_view_while_another_process_writes) {
  TempDir dir;
  Channel ch;
  BOOST_REQUIRE(::pipe(ch.to_child) == 0);
  BOOST_REQUIRE(::pipe(ch.to_parent) == 0);
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ch.to_child[1]);
    ::close(ch.to_parent[0]);
    run_writer_child(dir.path(), ch);
  }
  ::close(ch.to_child[0]);
  ::close(ch.to_parent[1]);

  BOOST_REQUIRE(receive(ch.to_parent[0]) == 'A');
  auto opened = Snapshot::open(dir.path(), Snapshot::Mode::read_only, 0);
  BOOST_REQUIRE_MESSAGE(opened.has_value(), describe(opened));
  auto& view = *opened;
  BOOST_TEST(value_at(*view, "k1") == "v1");
  BOOST_TEST(view->meta()->applied_sequence == 1u);
  const auto map_before = view->stats()->map_size;
  MemTable refused;
  refused.put("x", "y");
  BOOST_TEST((view->apply(refused, 9).code() == Code::not_supported));
  BOOST_TEST((view->set_open_epoch(3).code() == Code::not_supported));

  BOOST_REQUIRE(send(ch.to_child[1], 'a'));
  BOOST_REQUIRE(receive(ch.to_parent[0]) == 'B');
  // The writer outgrew our map: the view follows (MDB_MAP_RESIZED) and reads on.
  BOOST_TEST(value_at(*view, numbered("big/", 499)) == std::string(4096, 'b'));
  BOOST_TEST(view->meta()->applied_sequence == 2u);
  BOOST_TEST(view->stats()->entries == 501u);
  BOOST_TEST(view->stats()->map_size > map_before);
  BOOST_TEST(scan_all(*view, "big/").size() == 500u);

  BOOST_REQUIRE(send(ch.to_child[1], 'b'));
  int status = 0;
  BOOST_REQUIRE(::waitpid(child, &status, 0) == child);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  ::close(ch.to_child[1]);
  ::close(ch.to_parent[0]);
}

namespace {

// Model of the snapshot's data: what apply(table) must leave behind.
using Model = std::map<std::string, std::string>;

void apply_to_model(Model& model, const MemTable& table) {
  for (const std::string& prefix : table.prefix_tombstones()) {
    for (auto it = model.lower_bound(prefix); it != model.end() && it->first.starts_with(prefix);)
      it = model.erase(it);
  }
  for (const MemTable::Entry& e : table.collect("")) {
    if (e.value) model[e.key] = *e.value;
    else model.erase(e.key);
  }
}

bool matches(const Snapshot& snap, const Model& model) {
  const auto all = scan_all(snap, "");
  return all == std::vector<std::pair<std::string, std::string>>(model.begin(), model.end());
}

}  // namespace

BOOST_AUTO_TEST_CASE(apply_appends_above_the_last_key_and_searches_below_it) {
  // apply() streams the table in key order: keys above the database's last
  // key are appended, the others put where they belong. Both, around the
  // boundary, with values on overflow pages and inline.
  TempDir dir;
  auto snap = open_rw(dir.path(), 16 * kMiB);
  BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
  Model model;
  MemTable first;  // into an empty database: every key appended
  for (int i = 0; i < 300; i += 2) first.put(numbered("m", i), std::string(i % 3 == 0 ? 4096 : 50, 'a'));
  first.remove("m00007");  // absent, and above every key so far
  BOOST_REQUIRE(snap->apply(first, 1).ok());
  apply_to_model(model, first);
  BOOST_TEST(matches(*snap, model));

  MemTable second;
  second.put("a", "below the first key");
  second.put("m00001", std::string(4096, 'b'));     // between existing keys
  second.put("m00002", "overwritten");              // an existing key
  second.remove("m00004");                          // an existing key
  second.remove("m00005");                          // absent, between existing keys
  second.put("m00298", std::string(5000, 'c'));     // the last key, overwritten
  second.put("m00298x", "just above the last key");  // appended from here on
  second.remove("m00299");                          // absent, above the last key
  second.put("m00300", std::string(4096, 'd'));
  second.put("z", "far above");
  BOOST_REQUIRE(snap->apply(second, 2).ok());
  apply_to_model(model, second);
  BOOST_TEST(matches(*snap, model));
  BOOST_TEST(value_at(*snap, "m00298") == std::string(5000, 'c'));
  BOOST_TEST(value_at(*snap, "m00004") == "<absent>");
  BOOST_TEST(snap->stats()->entries == model.size());

  MemTable third;  // a prefix tombstone first: the last key is looked up after it
  third.remove_prefix("m");
  third.put("m00500", "after the tombstone");
  third.put("n", "v");
  BOOST_REQUIRE(snap->apply(third, 3).ok());
  apply_to_model(model, third);
  BOOST_TEST(matches(*snap, model));
  BOOST_TEST(snap->meta()->applied_sequence == 3u);
}

BOOST_AUTO_TEST_CASE(apply_matches_a_model_over_many_rounds) {
  // Random tables (puts, point and prefix tombstones, overwrites within a
  // table) applied one after another give the same snapshot as a model.
  TempDir dir;
  Model model;
  unsigned x = 777;
  auto next = [&x] { return x = x * 1103515245u + 12345u, (x >> 8); };
  {
    auto snap = open_rw(dir.path(), kTinyMap);  // small: the map grows on the way
    BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
    for (int round = 0; round < 12; ++round) {
      MemTable t;
      for (int i = 0; i < 400; ++i) {
        const unsigned r = next();
        const std::string key = numbered(("k" + std::to_string(r % 9) + "/").c_str(), static_cast<int>((r / 9) % 200));
        if (r % 97 == 0) {
          t.remove_prefix("k" + std::to_string(next() % 9) + "/");
        } else if (r % 5 == 0) {
          t.remove(key);
        } else {
          const std::size_t size = (r / 1800) % 4 == 0 ? 4096 : (r / 1800) % 700;
          t.put(key, std::string(size, static_cast<char>('a' + (round + i) % 26)));
        }
      }
      const auto s = snap->apply(t, static_cast<std::uint64_t>(round + 1));
      BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
      apply_to_model(model, t);
      BOOST_REQUIRE_MESSAGE(matches(*snap, model), "round " << round);
    }
    BOOST_TEST(snap->stats()->map_size > kTinyMap);
  }
  auto snap = open_rw(dir.path());
  BOOST_TEST(matches(*snap, model));
  BOOST_TEST(snap->meta()->applied_sequence == 12u);
}

BOOST_AUTO_TEST_CASE(a_refused_key_after_appended_keys_writes_nothing) {
  // The keys are checked as they stream into the transaction: a bad key
  // after good ones (here after keys already appended) aborts it all.
  TempDir dir;
  auto snap = open_rw(dir.path());
  BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
  MemTable seed;
  seed.put("b", "v");
  BOOST_REQUIRE(snap->apply(seed, 1).ok());

  MemTable bad;
  bad.put("c", "appended");
  bad.put("d", std::string(4096, 'd'));
  bad.put(std::string(snap->max_key_size() + 1, 'z'), "too long a key");
  auto s = snap->apply(bad, 2);
  BOOST_TEST((s.code() == Code::invalid_argument));
  BOOST_TEST(s.message().find("bytes for LMDB snapshot") != std::string::npos, s.message());
  BOOST_TEST(scan_all(*snap, "").size() == 1u);
  BOOST_TEST(snap->meta()->applied_sequence == 1u);

  MemTable empty_key;
  empty_key.put("", "an empty key");
  empty_key.put("c", "v");
  BOOST_TEST((snap->apply(empty_key, 3).code() == Code::invalid_argument));
  BOOST_TEST(scan_all(*snap, "").size() == 1u);
  BOOST_TEST(snap->meta()->applied_sequence == 1u);
  // The store still takes a good table afterwards.
  bad.remove(std::string(snap->max_key_size() + 1, 'z'));
  BOOST_TEST((snap->apply(bad, 4).code() == Code::invalid_argument));  // a point tombstone's key is checked too
  MemTable good;
  good.put("c", "v");
  BOOST_REQUIRE(snap->apply(good, 5).ok());
  BOOST_TEST(scan_all(*snap, "").size() == 2u);
}

// ---- apply() in several write transactions ----------------------------------

namespace {

constexpr std::uint64_t kKiB = 1024;

// The transactions LMDB has committed so far.
std::uint64_t last_txnid(const Snapshot& snap) {
  auto stats = snap.stats();
  BOOST_REQUIRE_MESSAGE(stats.has_value(), describe(stats));
  return stats->last_txnid;
}

// Counts apply()'s commits through the hook; also the map size after each.
struct CommitLog {
  std::vector<std::uint64_t> map_sizes;
  void attach(Snapshot& snap) {
    snap.set_apply_commit_hook([this, &snap](std::uint64_t committed) {
      BOOST_REQUIRE(committed == map_sizes.size() + 1);
      map_sizes.push_back(snap.stats()->map_size);
    });
  }
};

// A few thousand keys with 4 KiB values under "k/", and small ones under "p/".
void fill_table(MemTable& t, char fill) {
  for (int i = 0; i < 2000; ++i) t.put(numbered("k/", i), std::string(4096, fill));
  for (int i = 0; i < 200; ++i) t.put(numbered("p/", i), std::string(30, fill));
}

// Overwrites, point tombstones (present and absent keys), a prefix tombstone,
// and new keys below and above the existing ones.
void change_table(MemTable& t) {
  t.remove_prefix("p/");
  t.put("a/below", "below every key");
  for (int i = 0; i < 2000; i += 3) t.put(numbered("k/", i), std::string(4096 + i % 7, 'n'));
  for (int i = 1; i < 2000; i += 10) t.remove(numbered("k/", i));
  t.remove("k/absent");
  t.put(numbered("p/", 5), "newer than the prefix tombstone");
  for (int i = 0; i < 500; ++i) t.put(numbered("z/", i), std::string(4096, 'z'));
  t.remove("zz");  // absent, above every key
}

}  // namespace

BOOST_AUTO_TEST_CASE(apply_in_small_transactions_writes_what_one_transaction_writes) {
  TempDir dir;
  auto whole = open_rw(dir.subdir("whole"), 64 * kMiB);
  auto chunked = open_rw(dir.subdir("chunked"), 64 * kMiB);
  BOOST_TEST(whole->apply_txn_bytes() == Snapshot::kDefaultApplyTxnBytes);
  BOOST_REQUIRE(whole->initialize(test_store_id()).ok());
  BOOST_REQUIRE(chunked->initialize(test_store_id()).ok());
  chunked->set_apply_txn_bytes(64 * kKiB);
  CommitLog commits;
  commits.attach(*chunked);
  Model model;
  MemTable first;  // into empty databases: every key appended
  fill_table(first, 'o');
  MemTable second;
  change_table(second);
  for (const MemTable* t : {&first, &second}) {
    const std::uint64_t sequence = t == &first ? 10 : 20;
    const std::uint64_t whole_before = last_txnid(*whole);
    const std::uint64_t chunked_before = last_txnid(*chunked);
    commits.map_sizes.clear();
    BOOST_REQUIRE(whole->apply(*t, sequence).ok());
    const auto s = chunked->apply(*t, sequence);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    apply_to_model(model, *t);
    BOOST_TEST(matches(*whole, model));
    BOOST_TEST(matches(*chunked, model));
    BOOST_TEST(whole->meta()->applied_sequence == sequence);
    BOOST_TEST(chunked->meta()->applied_sequence == sequence);
    BOOST_TEST(last_txnid(*whole) - whole_before == 1u);
    // About one transaction per 64 KiB of the table (~8 MiB, then ~4.7 MiB).
    const std::uint64_t transactions = last_txnid(*chunked) - chunked_before;
    BOOST_TEST(transactions > (t == &first ? 120u : 60u));
    BOOST_TEST(transactions == commits.map_sizes.size());
  }
  BOOST_TEST(value_at(*chunked, numbered("p/", 5)) == "newer than the prefix tombstone");
  BOOST_TEST(value_at(*chunked, numbered("k/", 11)) == "<absent>");
  BOOST_TEST(chunked->stats()->entries == model.size());
}

BOOST_AUTO_TEST_CASE(empty_table_in_small_transactions_records_the_sequence) {
  TempDir dir;
  auto snap = open_rw(dir.path());
  BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
  snap->set_apply_txn_bytes(1);
  MemTable seed;
  for (int i = 0; i < 10; ++i) seed.put(numbered("s/", i), "v");
  BOOST_REQUIRE(snap->apply(seed, 1).ok());
  for (const bool with_prefix_tombstone : {false, true}) {
    MemTable t;
    if (with_prefix_tombstone) t.remove_prefix("s/");
    const std::uint64_t before = last_txnid(*snap);
    const std::uint64_t sequence = with_prefix_tombstone ? 3 : 2;
    BOOST_REQUIRE(snap->apply(t, sequence).ok());
    BOOST_TEST(last_txnid(*snap) - before == 1u);
    BOOST_TEST(snap->meta()->applied_sequence == sequence);
    BOOST_TEST(scan_all(*snap, "").size() == (with_prefix_tombstone ? 0u : 10u));
  }
}

BOOST_AUTO_TEST_CASE(map_growth_part_way_through_an_apply_redoes_only_that_transaction) {
  // A 64 KiB map fills in the middle of the apply, again and again: each
  // time the transaction is redone from its own first key. Appends (MDB_APPEND
  // fails on a key that is already there) and puts between existing keys.
  TempDir dir;
  Model model;
  CommitLog commits;
  {
    auto snap = open_rw(dir.path(), kTinyMap);
    BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
    snap->set_apply_txn_bytes(16 * kKiB);
    commits.attach(*snap);
    MemTable seed;
    for (int i = 0; i < 600; i += 50) seed.put(numbered("g/", i), "seed");
    BOOST_REQUIRE(snap->apply(seed, 1).ok());
    apply_to_model(model, seed);
    commits.map_sizes.clear();
    MemTable big;
    for (int i = 0; i < 600; ++i) big.put(numbered("g/", i), std::string(4096, static_cast<char>('a' + i % 26)));
    for (int i = 0; i < 600; i += 100) big.remove(numbered("g/", i + 1));
    const auto s = snap->apply(big, 2);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    apply_to_model(model, big);
    BOOST_REQUIRE(commits.map_sizes.size() > 10u);
    BOOST_TEST(commits.map_sizes.front() < commits.map_sizes.back());  // grown after the first commit
    BOOST_TEST(snap->stats()->map_size > 2 * kMiB);
    BOOST_TEST(snap->stats()->entries == model.size());
    BOOST_TEST(matches(*snap, model));
  }
  auto snap = open_rw(dir.path(), kTinyMap);
  BOOST_TEST(snap->meta()->applied_sequence == 2u);
  for (const auto& [key, value] : model) BOOST_TEST(value_at(*snap, key) == value, "key " << key);
  BOOST_TEST(matches(*snap, model));
}

BOOST_AUTO_TEST_CASE(a_refused_key_in_a_later_transaction_leaves_the_sequence) {
  // The transactions before the one holding the bad key stay committed (as
  // after a crash part-way); that one is not written and the sequence stays.
  TempDir dir;
  auto snap = open_rw(dir.path());
  BOOST_REQUIRE(snap->initialize(test_store_id()).ok());
  snap->set_apply_txn_bytes(4 * kKiB);
  MemTable t;
  for (int i = 0; i < 10; ++i) t.put(numbered("r/", i), std::string(4096, 'r'));
  t.put(std::string(snap->max_key_size() + 1, 's'), "too long a key");  // sorts after "r/..."
  auto s = snap->apply(t, 7);
  BOOST_TEST((s.code() == Code::invalid_argument));
  BOOST_TEST(s.message().find("bytes for LMDB snapshot") != std::string::npos, s.message());
  BOOST_TEST(snap->meta()->applied_sequence == 0u);
  BOOST_TEST(scan_all(*snap, "").size() == 10u);  // each "r/" key committed on its own
}

BOOST_AUTO_TEST_CASE(small_transactions_keep_overwrites_from_doubling_the_file) {
  // Overwriting every value of a ~20 MB snapshot in one transaction needs new
  // pages for all of it while the old ones are still referenced; in small
  // transactions the later ones reuse the pages the earlier ones freed.
  // (No read transaction is open meanwhile: none pins the freed pages.)
  TempDir dir;
  auto used_after_overwrites = [&](const std::string& name, std::uint64_t txn_bytes) {
    auto snap = open_initialized(dir.subdir(name), 16 * kMiB);
    snap->set_apply_txn_bytes(txn_bytes);
    for (int round = 0; round < 3; ++round) {
      MemTable t;
      for (int i = 0; i < 20000; ++i) t.put(numbered("o/", i), std::string(1000, static_cast<char>('a' + round)));
      const auto s = snap->apply(t, static_cast<std::uint64_t>(round + 1));
      BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    }
    BOOST_TEST(value_at(*snap, numbered("o/", 19999)) == std::string(1000, 'c'));
    const std::uint64_t used = snap->stats()->used_bytes;
    BOOST_TEST_MESSAGE(name << ": " << used << " bytes used after two overwrites");
    return used;
  };
  const std::uint64_t whole = used_after_overwrites("whole", ~std::uint64_t{0});
  const std::uint64_t chunked = used_after_overwrites("chunked", kMiB);
  BOOST_TEST(whole > 40 * kMiB);  // the ~20 MB twice over
  BOOST_TEST(chunked * 10 < whole * 8, chunked << " bytes used in small transactions, " << whole << " in one");
}
