#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include <walkv/store.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using walkv::Code;
using walkv::Durability;
using walkv::Options;
using walkv::Store;
using walkv::WriteBatch;
using walkv::WriteOptions;

namespace {

const WriteOptions kSync{Durability::sync};
const WriteOptions kNoSync{Durability::none};

Options small_options() {
  Options o;
  o.segment_size = 64u << 10;
  o.compaction_trigger = 0;
  return o;
}

std::unique_ptr<Store> open_store(const std::string& dir, const Options& o = small_options()) {
  auto s = Store::open(dir, o);
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
  return std::move(*s);
}

std::optional<std::string> get(const Store& s, std::string_view key) {
  auto r = s.get(key);
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().to_string()));
  return *r;
}

std::map<std::string, std::string> scan_all(const Store& s, std::string_view prefix) {
  std::map<std::string, std::string> out;
  auto st = s.scan(prefix, [&](std::string_view k, std::string_view v) {
    out.emplace(std::string(k), std::string(v));
    return true;
  });
  BOOST_REQUIRE_MESSAGE(st.ok(), st.to_string());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(put_get_remove_and_reopen) {
  walkv::test::TempDir dir;
  {
    auto s = open_store(dir.path());
    BOOST_TEST(s->open_epoch() == 1u);
    BOOST_TEST(s->put(kSync, "a", "1").ok());
    BOOST_TEST(s->put(kNoSync, std::string("k\0ey", 4), std::string("v\0al", 4)).ok());
    BOOST_TEST(s->put(kSync, "b", "2").ok());
    BOOST_TEST(s->remove(kSync, "b").ok());
    BOOST_TEST(get(*s, "a").value() == "1");
    BOOST_TEST(!get(*s, "b").has_value());
    BOOST_TEST(!get(*s, "missing").has_value());
    BOOST_TEST(s->last_sequence() == 4u);
    BOOST_TEST(s->close().ok());
  }
  auto s = open_store(dir.path());
  BOOST_TEST(s->open_epoch() == 2u);
  BOOST_TEST(get(*s, "a").value() == "1");
  BOOST_TEST(get(*s, std::string("k\0ey", 4)).value() == std::string("v\0al", 4));
  BOOST_TEST(!get(*s, "b").has_value());
  BOOST_TEST(s->recovery_report().frames_replayed == 4u);
  BOOST_TEST(s->last_sequence() == 4u);
}

// A relative store name resolves against the working directory at open (the
// store keeps its absolute path, so a later chdir changes nothing).
BOOST_AUTO_TEST_CASE(store_named_without_a_directory_part_is_created_in_the_working_directory) {
  walkv::test::TempDir dir;
  const fs::path previous = fs::current_path();
  fs::current_path(dir.path());
  struct RestoreWorkingDirectory {
    fs::path path;
    ~RestoreWorkingDirectory() { fs::current_path(path); }
  } restore{previous};
  {
    auto s = open_store("store");
    BOOST_TEST(s->put(kSync, "a", "1").ok());
    fs::current_path(previous);  // the open store does not follow
    BOOST_TEST(s->put(kSync, "b", "2").ok());
    BOOST_TEST(s->compact().ok());
    BOOST_TEST(s->close().ok());
  }
  BOOST_TEST(!fs::exists(previous / "store"));
  auto s = open_store((fs::path(dir.path()) / "store").string());
  BOOST_TEST(get(*s, "a").value() == "1");
  BOOST_TEST(get(*s, "b").value() == "2");
}

BOOST_AUTO_TEST_CASE(write_batch_is_atomic_and_prefix_removal_is_exact) {
  walkv::test::TempDir dir;
  auto s = open_store(dir.path());
  WriteBatch b;
  b.put("issue/1/a", "x");
  b.put("issue/10/a", "y");
  b.put("issue/1/b", "z");
  BOOST_TEST(s->write(kSync, b).ok());
  BOOST_TEST(s->last_sequence() == 1u);  // one sequence number per batch
  BOOST_TEST(s->remove_prefix(kSync, "issue/1/").ok());
  auto all = scan_all(*s, "issue/");
  BOOST_TEST(all.size() == 1u);
  BOOST_TEST(all.count("issue/10/a") == 1u);
}

BOOST_AUTO_TEST_CASE(scan_merges_memtable_and_snapshot_in_order) {
  walkv::test::TempDir dir;
  auto s = open_store(dir.path());
  BOOST_TEST(s->put(kSync, "p/3", "old").ok());
  BOOST_TEST(s->put(kSync, "p/1", "one").ok());
  BOOST_TEST(s->put(kSync, "p/9", "gone").ok());
  BOOST_TEST(s->put(kSync, "q/1", "other").ok());
  BOOST_TEST(s->compact().ok());
  BOOST_TEST(s->put(kSync, "p/3", "new").ok());
  BOOST_TEST(s->put(kSync, "p/2", "two").ok());
  BOOST_TEST(s->remove(kSync, "p/9").ok());
  auto p = scan_all(*s, "p/");
  std::vector<std::string> keys;
  for (auto& [k, v] : p) keys.push_back(k);
  BOOST_TEST((keys == std::vector<std::string>{"p/1", "p/2", "p/3"}));
  BOOST_TEST(p["p/3"] == "new");
  // A prefix removal hides snapshot keys too, and a later put shows again.
  BOOST_TEST(s->remove_prefix(kSync, "p/").ok());
  BOOST_TEST(s->put(kSync, "p/5", "five").ok());
  p = scan_all(*s, "p/");
  BOOST_TEST(p.size() == 1u);
  BOOST_TEST(!get(*s, "p/1").has_value());
  BOOST_TEST(get(*s, "q/1").value() == "other");
  // Early stop.
  int visited = 0;
  BOOST_TEST(s->scan("", [&](std::string_view, std::string_view) { return ++visited < 1; }).ok());
  BOOST_TEST(visited == 1);
}

BOOST_AUTO_TEST_CASE(compaction_folds_log_into_snapshot_and_deletes_segments) {
  walkv::test::TempDir dir;
  {
    auto s = open_store(dir.path());
    std::string value(1000, 'v');
    for (int i = 0; i < 300; ++i) BOOST_TEST(s->put(kNoSync, "k" + std::to_string(i), value).ok());
    BOOST_TEST(s->remove_prefix(kSync, "k1").ok());
    std::size_t segments_before = std::distance(fs::directory_iterator(dir.sub("wal")), {});
    BOOST_TEST(segments_before > 2u);
    BOOST_TEST(s->compact().ok());
    std::size_t segments_after = std::distance(fs::directory_iterator(dir.sub("wal")), {});
    BOOST_TEST(segments_after == 1u);
    BOOST_TEST(get(*s, "k0").value() == value);
    BOOST_TEST(!get(*s, "k10").has_value());
    BOOST_TEST(s->put(kSync, "after", "x").ok());
  }
  auto s = open_store(dir.path());
  BOOST_TEST(s->recovery_report().frames_replayed == 1u);
  BOOST_TEST(s->recovery_report().snapshot_sequence == 301u);
  BOOST_TEST(get(*s, "k299").has_value());
  BOOST_TEST(!get(*s, "k150").has_value());
  BOOST_TEST(get(*s, "after").value() == "x");
}

namespace {

// Counts background compactions and lets a test wait for the first one.
class BackgroundCompactions : public walkv::EventListener {
 public:
  void on_compaction_done(const walkv::CompactionInfo& info) override {
    if (!info.background) return;
    std::lock_guard lock(mutex_);
    ++done_;
    changed_.notify_all();
  }
  // True once a background compaction completed (false after `limit`).
  bool wait_for_one(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return done_ > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int done_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_CASE(background_compaction_runs_past_the_trigger) {
  walkv::test::TempDir dir;
  Options o = small_options();
  o.compaction_trigger = 128u << 10;
  auto compactions = std::make_shared<BackgroundCompactions>();
  o.listener = compactions;
  auto s = open_store(dir.path(), o);
  std::string value(4096, 'x');
  for (int i = 0; i < 200; ++i) BOOST_TEST(s->put(kNoSync, "k" + std::to_string(i), value).ok());
  // 800 KiB written against a 128 KiB trigger: the background thread folds
  // the log into the snapshot (waited for as an event, not a delay).
  BOOST_TEST_REQUIRE(compactions->wait_for_one(std::chrono::seconds(120)));
  BOOST_TEST(s->close().ok());
  auto t = open_store(dir.path(), o);
  BOOST_TEST(t->recovery_report().snapshot_sequence > 0u);
  for (int i = 0; i < 200; ++i) BOOST_TEST(get(*t, "k" + std::to_string(i)).value() == value);
}

BOOST_AUTO_TEST_CASE(crash_between_snapshot_commit_and_segment_deletion_replays_idempotently) {
  walkv::test::TempDir dir;
  fs::path kept = dir.sub("kept");
  fs::create_directory(kept);
  {
    auto s = open_store(dir.path());
    for (int i = 0; i < 50; ++i) BOOST_TEST(s->put(kNoSync, "k" + std::to_string(i), std::to_string(i)).ok());
    BOOST_TEST(s->remove(kSync, "k7").ok());
    // Keep hard links of the segments compaction is about to delete, then put
    // them back: the state after the LMDB commit but before the unlinks.
    for (auto& e : fs::directory_iterator(dir.sub("wal"))) fs::create_hard_link(e.path(), kept / e.path().filename());
    BOOST_TEST(s->compact().ok());
    BOOST_TEST(s->put(kSync, "k8", "changed").ok());
  }
  for (auto& e : fs::directory_iterator(kept)) {
    fs::path back = fs::path(dir.sub("wal")) / e.path().filename();
    if (!fs::exists(back)) fs::rename(e.path(), back);
  }
  for (int round = 0; round < 2; ++round) {
    auto s = open_store(dir.path());
    BOOST_TEST(s->recovery_report().frames_replayed == 1u);  // only the write after the snapshot
    // The first open replays over the obsolete segments, then deletes them.
    BOOST_TEST(s->recovery_report().frames == (round == 0 ? 52u : 1u));
    BOOST_TEST(!get(*s, "k7").has_value());
    BOOST_TEST(get(*s, "k8").value() == "changed");
    BOOST_TEST(get(*s, "k49").value() == "49");
  }
}

BOOST_AUTO_TEST_CASE(invalid_arguments_are_refused_before_writing) {
  walkv::test::TempDir dir;
  auto s = open_store(dir.path());
  auto seq = s->last_sequence();
  BOOST_TEST((s->put(kSync, std::string(512, 'k'), "v").code() == Code::invalid_argument));
  BOOST_TEST((s->put(kSync, "", "v").code() == Code::invalid_argument));
  Options o = small_options();
  BOOST_TEST((s->put(kSync, "k", std::string(o.max_value_size + 1, 'v')).code() == Code::invalid_argument));
  BOOST_TEST(s->last_sequence() == seq);
  BOOST_TEST(s->put(kSync, std::string(511, 'k'), "v").ok());
  Options bad = small_options();
  bad.segment_size = 1024;
  BOOST_TEST((Store::open(dir.sub("other"), bad).error().code() == Code::invalid_argument));
}

BOOST_AUTO_TEST_CASE(missing_store_without_create_is_not_found) {
  walkv::test::TempDir dir;
  Options o = small_options();
  o.create_if_missing = false;
  auto s = Store::open(dir.sub("nothing"), o);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code() == Code::not_found));
  o.create_if_missing = true;
  o.error_if_exists = true;
  BOOST_TEST(Store::open(dir.sub("fresh"), o).has_value());
  BOOST_TEST((Store::open(dir.sub("fresh"), o).error().code() == Code::invalid_argument));
}

BOOST_AUTO_TEST_CASE(concurrent_writers_and_readers_with_compaction) {
  walkv::test::TempDir dir;
  Options o = small_options();
  o.compaction_trigger = 256u << 10;
  auto s = open_store(dir.path(), o);
  constexpr int kThreads = 8, kPerThread = 300;
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        std::string value(512, static_cast<char>('a' + t));
        if (!s->put(i % 3 == 0 ? kSync : kNoSync, key, value).ok()) failed = true;
        auto r = s->get(key);
        if (!r || !r->has_value() || **r != value) failed = true;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 5; ++i)
      if (!s->compact().ok()) failed = true;
  });
  for (auto& th : threads) th.join();
  BOOST_TEST(!failed.load());
  BOOST_TEST(s->last_sequence() == static_cast<std::uint64_t>(kThreads * kPerThread));
  BOOST_TEST(scan_all(*s, "t").size() == static_cast<std::size_t>(kThreads * kPerThread));
  BOOST_TEST(s->close().ok());
  auto r = open_store(dir.path(), o);
  BOOST_TEST(scan_all(*r, "t").size() == static_cast<std::size_t>(kThreads * kPerThread));
}

BOOST_AUTO_TEST_CASE(read_only_view_sees_store_without_lock) {
  walkv::test::TempDir dir;
  {
    auto s = open_store(dir.path());
    BOOST_TEST(s->put(kSync, "a", "1").ok());
    BOOST_TEST(s->compact().ok());
    BOOST_TEST(s->put(kSync, "b", "2").ok());
  }
  auto v = Store::open_read_only(dir.path());
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST((*v)->read_only());
  BOOST_TEST(get(**v, "a").value() == "1");
  BOOST_TEST(get(**v, "b").value() == "2");
  BOOST_TEST(((*v)->put(kSync, "c", "3").code() == Code::not_supported));
}

// ---- get(key, value): the value copied into the caller's buffer

namespace {

// get(key, value) with the buffer the caller passes; fails the test on error.
bool get_into(const Store& s, std::string_view key, std::string& value) {
  auto r = s.get(key, value);
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().to_string()));
  return *r;
}

// Checks that get(key, buffer) and get(key) agree on `key`, and that a miss
// leaves the buffer as it was.
void check_agrees(const Store& s, std::string_view key) {
  std::string buffer = "sentinel";
  const bool found = get_into(s, key, buffer);
  const std::optional<std::string> expected = get(s, key);
  BOOST_TEST_CONTEXT("key " << key) {
    BOOST_TEST(found == expected.has_value());
    BOOST_TEST(buffer == (expected ? *expected : std::string("sentinel")));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(get_into_buffer_from_the_memtable) {
  walkv::test::TempDir dir;
  auto s = open_store(dir.path());
  BOOST_TEST(s->put(kSync, "a", "1").ok());
  BOOST_TEST(s->put(kSync, std::string("k\0ey", 4), std::string("v\0al", 4)).ok());
  BOOST_TEST(s->put(kSync, "empty", "").ok());
  BOOST_TEST(s->put(kSync, "erased", "x").ok());
  BOOST_TEST(s->remove(kSync, "erased").ok());
  BOOST_TEST(s->put(kSync, "p/1", "one").ok());
  BOOST_TEST(s->put(kSync, "p/2", "two").ok());
  BOOST_TEST(s->remove_prefix(kSync, "p/").ok());
  BOOST_TEST(s->put(kSync, "p/3", "three").ok());  // written after the prefix removal

  std::string value = "previous contents";
  BOOST_TEST(get_into(*s, "a", value));
  BOOST_TEST(value == "1");
  BOOST_TEST(get_into(*s, std::string("k\0ey", 4), value));
  BOOST_TEST(value == std::string("v\0al", 4));
  BOOST_TEST(get_into(*s, "empty", value));  // found, and empty
  BOOST_TEST(value.empty());
  BOOST_TEST(get_into(*s, "p/3", value));
  BOOST_TEST(value == "three");

  // Misses of every kind leave the buffer as it was.
  for (std::string_view key : {"missing", "erased", "p/1", "p/2"}) {
    BOOST_TEST_CONTEXT("key " << key) {
      value = "untouched";
      BOOST_TEST(!get_into(*s, key, value));
      BOOST_TEST(value == "untouched");
    }
  }
  for (std::string_view key : {"a", "empty", "erased", "p/1", "p/3", "missing"}) check_agrees(*s, key);
}

BOOST_AUTO_TEST_CASE(get_into_buffer_reuses_its_capacity_for_memtable_values) {
  walkv::test::TempDir dir;
  auto s = open_store(dir.path());
  const std::string big(4096, 'b');
  BOOST_TEST(s->put(kSync, "big", big).ok());
  BOOST_TEST(s->put(kSync, "small", "s").ok());

  std::string value;
  value.reserve(8192);
  const char* const storage = value.data();
  const std::size_t capacity = value.capacity();
  for (int round = 0; round < 3; ++round) {
    BOOST_TEST(get_into(*s, "big", value));
    BOOST_TEST(value == big);
    BOOST_TEST(get_into(*s, "small", value));
    BOOST_TEST(value == "s");
    BOOST_TEST(!get_into(*s, "missing", value));
    BOOST_TEST(value == "s");
  }
  // The same storage throughout: no allocation once the buffer was large enough.
  BOOST_TEST(static_cast<const void*>(value.data()) == static_cast<const void*>(storage));
  BOOST_TEST(value.capacity() == capacity);

  // A value larger than the buffer grows it, and is then copied whole.
  const std::string bigger(3 * 8192, 'c');
  BOOST_TEST(s->put(kSync, "bigger", bigger).ok());
  BOOST_TEST(get_into(*s, "bigger", value));
  BOOST_TEST(value == bigger);
}

BOOST_AUTO_TEST_CASE(get_into_buffer_after_compaction) {
  walkv::test::TempDir dir;
  auto s = open_store(dir.path());
  BOOST_TEST(s->put(kSync, "a", "1").ok());
  BOOST_TEST(s->put(kSync, "b", "2").ok());
  BOOST_TEST(s->put(kSync, "empty", "").ok());
  BOOST_TEST(s->put(kSync, "erased", "x").ok());
  BOOST_TEST(s->remove(kSync, "erased").ok());  // erased before compaction
  BOOST_TEST(s->put(kSync, "p/1", "one").ok());
  BOOST_TEST(s->remove_prefix(kSync, "p/").ok());  // prefix removed before compaction
  BOOST_TEST(s->put(kSync, "q/1", "q1").ok());
  BOOST_TEST(s->put(kSync, "q/2", "q2").ok());
  BOOST_TEST(s->put(kSync, "r/1", "r1").ok());
  BOOST_TEST(s->put(kSync, "c", "snapshot value").ok());
  BOOST_TEST(s->compact().ok());

  // All from the LMDB snapshot now.
  std::string value = "previous contents";
  BOOST_TEST(get_into(*s, "a", value));
  BOOST_TEST(value == "1");
  BOOST_TEST(get_into(*s, "empty", value));
  BOOST_TEST(value.empty());
  for (std::string_view key : {"missing", "erased", "p/1"}) {
    BOOST_TEST_CONTEXT("key " << key) {
      value = "untouched";
      BOOST_TEST(!get_into(*s, key, value));
      BOOST_TEST(value == "untouched");
    }
  }

  // Recent writes hide the snapshot: an erasure, a prefix removal, an overwrite.
  BOOST_TEST(s->remove(kSync, "b").ok());
  BOOST_TEST(s->remove_prefix(kSync, "q/").ok());
  BOOST_TEST(s->put(kSync, "c", "memtable value").ok());
  for (std::string_view key : {"b", "q/1", "q/2"}) {
    BOOST_TEST_CONTEXT("key " << key) {
      value = "untouched";
      BOOST_TEST(!get_into(*s, key, value));
      BOOST_TEST(value == "untouched");
    }
  }
  BOOST_TEST(get_into(*s, "c", value));
  BOOST_TEST(value == "memtable value");
  BOOST_TEST(get_into(*s, "r/1", value));  // beside the removed prefix, still in the snapshot
  BOOST_TEST(value == "r1");
  for (std::string_view key : {"a", "b", "c", "empty", "erased", "p/1", "q/1", "r/1", "missing"})
    check_agrees(*s, key);

  // And once those are compacted too, and after a reopen.
  BOOST_TEST(s->compact().ok());
  for (std::string_view key : {"a", "b", "c", "q/1", "r/1"}) check_agrees(*s, key);
  BOOST_TEST(get_into(*s, "c", value));
  BOOST_TEST(value == "memtable value");
  BOOST_TEST(s->close().ok());
  s = open_store(dir.path());
  for (std::string_view key : {"a", "b", "c", "empty", "erased", "p/1", "q/1", "r/1", "missing"})
    check_agrees(*s, key);
}

BOOST_AUTO_TEST_CASE(get_into_buffer_refuses_an_empty_key_and_keeps_the_buffer) {
  walkv::test::TempDir dir;
  auto s = open_store(dir.path());
  std::string value = "untouched";
  auto r = s->get("", value);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code() == Code::invalid_argument));
  BOOST_TEST(value == "untouched");
}

// The replay releases the pages of the segment behind its cursor every few
// MiB (FileSystem::release_pages); every value must still come back whole,
// including those whose frames sit on either side of a released range.
BOOST_AUTO_TEST_CASE(replay_of_a_segment_larger_than_the_release_step_restores_every_value) {
  walkv::test::TempDir dir;
  Options o;
  o.segment_size = 32u << 20;  // one segment holds the whole log
  o.compaction_trigger = 0;
  const int keys = 3000;       // 3000 frames of ~4 KiB: ~12 MiB of log
  auto value_of = [](int i) {
    std::string v(4000 + i % 300, '\0');
    for (std::size_t j = 0; j < v.size(); ++j) v[j] = static_cast<char>('a' + (i * 31 + j) % 26);
    return v;
  };
  {
    auto s = open_store(dir.path(), o);
    for (int i = 0; i < keys; ++i) BOOST_REQUIRE(s->put(kNoSync, "k" + std::to_string(i), value_of(i)).ok());
    BOOST_TEST(s->close().ok());
  }
  auto s = open_store(dir.path(), o);
  BOOST_TEST(s->recovery_report().frames_replayed == static_cast<std::uint64_t>(keys));
  BOOST_TEST(s->recovery_report().bytes_replayed > (8ull << 20));
  std::string value;
  int mismatches = 0;
  for (int i = 0; i < keys; ++i) {
    if (!get_into(*s, "k" + std::to_string(i), value) || value != value_of(i)) ++mismatches;
  }
  BOOST_TEST(mismatches == 0);
}
