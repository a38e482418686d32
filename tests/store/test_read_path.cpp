// The read path (lib/store/read_path.cpp, lib/store/read_tables.hpp,
// Snapshot::get_into): gets that reach the memtables through published,
// epoch-protected tables while compactions rotate and drop them; reads into a
// caller's buffer from the LMDB snapshot; per-thread read transactions.
// The concurrent cases are meant to be run under ASan and TSan too
// (scripts/sanitize): a table freed under a reader is a use-after-free there.
#define BOOST_TEST_MODULE read_path
#include <boost/test/unit_test.hpp>

#include <walkv/store.hpp>

#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "memtable/memtable.hpp"
#include "snapshot/snapshot.hpp"
#include "store/read_tables.hpp"
#include "../support/temp_dir.hpp"

using walkv::Code;
using walkv::Durability;
using walkv::MemTable;
using walkv::Options;
using walkv::PublishedTables;
using walkv::Snapshot;
using walkv::Store;
using walkv::WriteOptions;
using walkv::test::TempDir;

namespace {

const WriteOptions kNoSync{Durability::none};

template <class T>
std::string describe(const walkv::Result<T>& r) {
  return r.has_value() ? "ok" : r.error().to_string();
}

Options small_options() {
  Options o;
  o.segment_size = 64u << 10;
  o.compaction_trigger = 0;  // compactions only when the test asks
  return o;
}

std::unique_ptr<Store> open_store(const std::string& dir) {
  auto s = Store::open(dir, small_options());
  BOOST_REQUIRE_MESSAGE(s.has_value(), describe(s));
  return std::move(*s);
}

// Opens the snapshot in `dir`, initialising it the first time (apply()
// records its sequence in meta).
std::unique_ptr<Snapshot> open_snapshot(const std::string& dir, std::uint64_t map = 1u << 20) {
  auto snap = Snapshot::open(dir, Snapshot::Mode::read_write, map);
  BOOST_REQUIRE_MESSAGE(snap.has_value(), describe(snap));
  if (!*(*snap)->initialized()) BOOST_REQUIRE((*snap)->initialize(walkv::wal::StoreId{1}).ok());
  return std::move(*snap);
}

std::string key_of(int k) { return "key-" + std::to_string(k); }

// "<key>@<version>:" followed by filler up to `size` bytes, so a torn or
// misattributed value is recognisable.
std::string value_of(int k, int version, std::size_t size = 300) {
  std::string v = key_of(k) + "@" + std::to_string(version) + ":";
  v.resize(std::max(size, v.size()), static_cast<char>('a' + (k + version) % 26));
  return v;
}

// The version in a value made by value_of for key k, or -1 when the value is
// not one of k's (torn, or another key's).
int version_in(const std::string& value, int k) {
  const std::string head = key_of(k) + "@";
  if (value.compare(0, head.size(), head) != 0) return -1;
  const std::size_t colon = value.find(':', head.size());
  if (colon == std::string::npos) return -1;
  const int version = std::stoi(value.substr(head.size(), colon - head.size()));
  return value == value_of(k, version, value.size()) ? version : -1;
}

}  // namespace

// ---- PublishedTables ------------------------------------------------------

BOOST_AUTO_TEST_CASE(published_tables_before_any_publish_are_null) {
  PublishedTables tables;
  PublishedTables::Reader reader(tables);
  BOOST_TEST(reader.mem() == nullptr);
  BOOST_TEST(reader.imm() == nullptr);
}

BOOST_AUTO_TEST_CASE(a_reader_sees_the_pair_current_when_it_started) {
  PublishedTables tables;
  auto a = std::make_shared<MemTable>();
  auto b = std::make_shared<MemTable>();
  tables.publish(a, nullptr);
  PublishedTables::Reader before(tables);
  tables.publish(b, a);  // a rotation
  PublishedTables::Reader after(tables);
  BOOST_TEST(before.mem() == a.get());
  BOOST_TEST(before.imm() == nullptr);
  BOOST_TEST(after.mem() == b.get());
  BOOST_TEST(after.imm() == a.get());
}

// Without readers, a replaced pair is freed by publish() itself: a dropped
// imm is not kept alive until some later publish.
BOOST_AUTO_TEST_CASE(a_replaced_table_is_released_at_once_when_no_reader_holds_it) {
  PublishedTables tables;
  auto mem = std::make_shared<MemTable>();
  std::weak_ptr<MemTable> imm_alive;
  {
    auto imm = std::make_shared<MemTable>();
    imm_alive = imm;
    tables.publish(mem, imm);
  }
  BOOST_TEST(!imm_alive.expired());  // the published pair owns it
  tables.publish(mem, nullptr);      // compaction dropped imm
  BOOST_TEST(imm_alive.expired());
}

// A reader that started before imm was dropped keeps it alive; synchronize()
// returns only once that reader has left, and then imm is freed.
BOOST_AUTO_TEST_CASE(a_dropped_table_lives_until_the_readers_that_saw_it_leave) {
  PublishedTables tables;
  auto mem = std::make_shared<MemTable>();
  std::weak_ptr<MemTable> imm_alive;
  {
    auto imm = std::make_shared<MemTable>();
    imm->put("k", "in imm");
    imm_alive = imm;
    tables.publish(mem, imm);
  }
  auto reader = std::make_unique<PublishedTables::Reader>(tables);
  const MemTable* seen = reader->imm();
  BOOST_REQUIRE(seen != nullptr);

  tables.publish(mem, nullptr);
  BOOST_TEST(!imm_alive.expired());  // held for the reader
  std::string value;
  BOOST_TEST((seen->get_into("k", &value) == MemTable::Found::value));
  BOOST_TEST(value == "in imm");

  std::atomic<bool> synchronized{false};
  std::thread waiter([&] {
    tables.synchronize();
    synchronized.store(true);
  });
  // synchronize() cannot have returned: the reader is still inside.
  BOOST_TEST(!synchronized.load());
  BOOST_TEST(!imm_alive.expired());
  reader.reset();
  waiter.join();
  BOOST_TEST(synchronized.load());
  BOOST_TEST(imm_alive.expired());
}

// ---- Snapshot::get_into -----------------------------------------------------

BOOST_AUTO_TEST_CASE(snapshot_get_into_assigns_a_hit_and_leaves_the_buffer_alone_otherwise) {
  TempDir dir;
  auto snap = open_snapshot(dir.path());
  MemTable imm;
  imm.put("present", std::string(2000, 'p'));
  imm.put("empty", "");
  imm.put("binary", std::string("a\0b", 3));
  BOOST_REQUIRE(snap->apply(imm, 3).ok());

  std::string buffer(4096, 'x');
  buffer.assign("untouched");
  const char* storage = buffer.data();
  const std::size_t capacity = buffer.capacity();

  auto miss = snap->get_into("absent", buffer);
  BOOST_REQUIRE_MESSAGE(miss.has_value(), describe(miss));
  BOOST_TEST(!*miss);
  BOOST_TEST(buffer == "untouched");
  BOOST_TEST(static_cast<const void*>(buffer.data()) == static_cast<const void*>(storage));

  auto bad = snap->get_into("", buffer);  // LMDB keys are 1..max_key_size() bytes
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST((bad.error().code() == Code::invalid_argument));
  auto long_key = snap->get_into(std::string(snap->max_key_size() + 1, 'k'), buffer);
  BOOST_REQUIRE(!long_key.has_value());
  BOOST_TEST((long_key.error().code() == Code::invalid_argument));
  BOOST_TEST(buffer == "untouched");

  auto hit = snap->get_into("present", buffer);
  BOOST_REQUIRE_MESSAGE(hit.has_value(), describe(hit));
  BOOST_TEST(*hit);
  BOOST_TEST(buffer == std::string(2000, 'p'));
  // Assigned into the existing storage: no allocation.
  BOOST_TEST(static_cast<const void*>(buffer.data()) == static_cast<const void*>(storage));
  BOOST_TEST(buffer.capacity() == capacity);

  auto empty = snap->get_into("empty", buffer);
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(*empty);
  BOOST_TEST(buffer.empty());
  auto binary = snap->get_into("binary", buffer);
  BOOST_REQUIRE(binary.has_value());
  BOOST_TEST(*binary);
  BOOST_TEST(buffer == std::string("a\0b", 3));

  // get agrees.
  for (const char* key : {"present", "empty", "binary", "absent"}) {
    auto via_get = snap->get(key);
    BOOST_REQUIRE(via_get.has_value());
    std::string into = "before";
    auto via_into = snap->get_into(key, into);
    BOOST_REQUIRE(via_into.has_value());
    BOOST_TEST(via_get->has_value() == *via_into);
    BOOST_TEST((via_get->has_value() ? **via_get : std::string("before")) == into);
  }
}

// Read transactions kept per thread go back to the environment's pool when
// the Snapshot is destroyed: another Snapshot of the same file (sharing the
// environment) reuses them, and the environment closes cleanly at the end.
BOOST_AUTO_TEST_CASE(per_thread_read_transactions_outlive_their_snapshot_safely) {
  TempDir dir;
  auto writer = open_snapshot(dir.path());
  MemTable imm;
  for (int k = 0; k < 100; ++k) imm.put(key_of(k), value_of(k, 1));
  BOOST_REQUIRE(writer->apply(imm, 100).ok());

  for (int round = 0; round < 3; ++round) {
    auto reader = Snapshot::open(dir.path(), Snapshot::Mode::read_only, 0);
    BOOST_REQUIRE_MESSAGE(reader.has_value(), describe(reader));
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::string buffer;
        for (int i = 0; i < 500; ++i) {
          const int k = (i * 7 + t) % 100;
          auto r = (i % 2 ? **reader : *writer).get_into(key_of(k), buffer);
          if (!r || !*r || version_in(buffer, k) != 1) wrong.fetch_add(1);
        }
      });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(wrong.load() == 0);
  }  // each read-only Snapshot hands its threads' transactions to the shared pool
  std::string buffer;
  auto r = writer->get_into(key_of(5), buffer);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(*r);
  BOOST_TEST(version_in(buffer, 5) == 1);
}

// ---- the store --------------------------------------------------------------

// From the snapshot, Store::get(key, buffer) now copies into the buffer's
// storage (Snapshot::get_into) instead of moving a fresh string in.
BOOST_AUTO_TEST_CASE(store_get_from_the_snapshot_reuses_the_buffer) {
  TempDir dir;
  auto store = open_store(dir.path());
  BOOST_REQUIRE(store->put(kNoSync, "k", std::string(3000, 'v')).ok());
  BOOST_REQUIRE(store->compact().ok());

  std::string buffer(4096, 'x');
  buffer.assign("untouched");
  const char* storage = buffer.data();
  auto miss = store->get("absent", buffer);
  BOOST_REQUIRE(miss.has_value());
  BOOST_TEST(!*miss);
  BOOST_TEST(buffer == "untouched");

  auto hit = store->get("k", buffer);
  BOOST_REQUIRE_MESSAGE(hit.has_value(), describe(hit));
  BOOST_TEST(*hit);
  BOOST_TEST(buffer == std::string(3000, 'v'));
  BOOST_TEST(static_cast<const void*>(buffer.data()) == static_cast<const void*>(storage));

  // A key erased in the memtable hides the snapshot's value; the buffer stays.
  BOOST_REQUIRE(store->remove(kNoSync, "k").ok());
  buffer.assign("after erase");
  auto erased = store->get("k", buffer);
  BOOST_REQUIRE(erased.has_value());
  BOOST_TEST(!*erased);
  BOOST_TEST(buffer == "after erase");
  auto erased_plain = store->get("k");
  BOOST_REQUIRE(erased_plain.has_value());
  BOOST_TEST(!erased_plain->has_value());
}

// Readers get every key in a loop while the main thread overwrites all keys
// and compacts, round after round: each compaction rotates mem into imm,
// writes imm into LMDB and drops it. A reader must never miss a key (a table
// dropped before its data is in the snapshot, or a snapshot read begun before
// the tables were looked at), never see a torn or foreign value, never go
// back to an older version, and never touch a freed table (ASan/TSan).
BOOST_AUTO_TEST_CASE(gets_during_rotations_and_compactions_see_every_key_and_never_go_back) {
  TempDir dir;
  auto store = open_store(dir.path());
  constexpr int kKeys = 64;
  constexpr int kRounds = 40;
  constexpr int kReaders = 3;
  for (int k = 0; k < kKeys; ++k) BOOST_REQUIRE(store->put(kNoSync, key_of(k), value_of(k, 0)).ok());

  std::atomic<bool> done{false};
  std::atomic<long> gets{0};
  std::atomic<long> missing{0};
  std::atomic<long> torn{0};
  std::atomic<long> older{0};
  std::atomic<long> errors{0};
  std::latch readers_started(kReaders);
  std::vector<std::thread> readers;
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&, t] {
      std::vector<int> last_seen(kKeys, 0);
      std::string buffer;
      for (int i = t; !done.load(std::memory_order_acquire) || i < t + 2 * kKeys; ++i) {
        if (i == t) readers_started.count_down();
        const int k = i % kKeys;
        std::optional<std::string> plain;
        bool found = false;
        if (i % 2 == 0) {
          auto r = store->get(key_of(k), buffer);
          if (!r) {
            errors.fetch_add(1);
            continue;
          }
          found = *r;
        } else {
          auto r = store->get(key_of(k));
          if (!r) {
            errors.fetch_add(1);
            continue;
          }
          found = r->has_value();
          if (found) buffer = std::move(**r);
        }
        gets.fetch_add(1, std::memory_order_relaxed);
        if (!found) {
          missing.fetch_add(1);
        } else if (const int v = version_in(buffer, k); v < 0) {
          torn.fetch_add(1);
        } else if (v < last_seen[k]) {
          older.fetch_add(1);
        } else {
          last_seen[k] = v;
        }
      }
    });
  }
  readers_started.wait();  // every reader is reading before the first rotation
  for (int round = 1; round <= kRounds; ++round) {
    for (int k = 0; k < kKeys; ++k) {
      BOOST_REQUIRE(store->put(kNoSync, key_of(k), value_of(k, round, 300 + (round % 3) * 1000)).ok());
    }
    BOOST_REQUIRE(store->compact().ok());
    if (round % 5 == 0) BOOST_REQUIRE(store->remove_prefix(kNoSync, "no-such-prefix/").ok());
  }
  done.store(true, std::memory_order_release);
  for (auto& r : readers) r.join();

  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(missing.load() == 0);
  BOOST_TEST(torn.load() == 0);
  BOOST_TEST(older.load() == 0);
  BOOST_TEST(gets.load() >= long{kReaders} * 2 * kKeys);
  for (int k = 0; k < kKeys; ++k) {
    auto v = store->get(key_of(k));
    BOOST_REQUIRE(v.has_value());
    BOOST_REQUIRE(v->has_value());
    BOOST_TEST(version_in(**v, k) == kRounds);
  }
  BOOST_TEST(store->close().ok());
}

// Erasures racing with compactions: a reader never sees a key come back after
// it saw it erased (an erased version in mem/imm hides the snapshot's value,
// and once compacted the snapshot has it deleted).
BOOST_AUTO_TEST_CASE(an_erased_key_never_reappears_across_compactions) {
  TempDir dir;
  auto store = open_store(dir.path());
  constexpr int kKeys = 32;
  for (int k = 0; k < kKeys; ++k) BOOST_REQUIRE(store->put(kNoSync, key_of(k), value_of(k, 0)).ok());
  BOOST_REQUIRE(store->compact().ok());

  std::atomic<bool> done{false};
  std::atomic<long> reappeared{0};
  std::latch reader_started(1);
  std::thread reader([&] {
    std::vector<bool> gone(kKeys, false);
    std::string buffer;
    for (int i = 0; !done.load(std::memory_order_acquire) || i < 2 * kKeys; ++i) {
      if (i == 0) reader_started.count_down();
      const int k = i % kKeys;
      auto r = store->get(key_of(k), buffer);
      if (r && !*r) gone[k] = true;
      if (r && *r && gone[k]) reappeared.fetch_add(1);
    }
  });
  reader_started.wait();
  for (int k = 0; k < kKeys; ++k) {
    BOOST_REQUIRE(store->remove(kNoSync, key_of(k)).ok());
    if (k % 4 == 3) BOOST_REQUIRE(store->compact().ok());
  }
  BOOST_REQUIRE(store->compact().ok());
  done.store(true, std::memory_order_release);
  reader.join();
  BOOST_TEST(reappeared.load() == 0);
  for (int k = 0; k < kKeys; ++k) {
    auto v = store->get(key_of(k));
    BOOST_REQUIRE(v.has_value());
    BOOST_TEST(!v->has_value());
  }
}
