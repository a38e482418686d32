#define BOOST_TEST_MODULE memtable
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "memtable/arena.hpp"
#include "memtable/memtable.hpp"
#include "memtable/version_arena.hpp"

// Counts this program's operator new calls while `counting` is set (the
// allocation tests below); otherwise the plain malloc/free behaviour. (GCC
// warns about free() of operator new's memory once both are inlined: they are
// the same malloc here.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using walkv::MemTable;
using Found = MemTable::Found;

namespace {

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%06d", i);
  return buf;
}

std::string value_of(int i) { return "value-" + std::to_string(i * 7919); }

// operator new calls made by fn.
template <class Fn>
long allocations_of(Fn&& fn) {
  allocations.store(0);
  counting.store(true);
  fn();
  counting.store(false);
  return allocations.load();
}

// Everything for_each visits, as collect() would return it.
std::vector<MemTable::Entry> walk(const MemTable& t, std::string_view prefix) {
  std::vector<MemTable::Entry> out;
  t.for_each(prefix, [&](std::string_view key, const std::string_view* value) {
    out.push_back(MemTable::Entry{std::string(key), value ? std::optional<std::string>(*value) : std::nullopt});
    return true;
  });
  return out;
}

bool same_entries(const std::vector<MemTable::Entry>& a, const std::vector<MemTable::Entry>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key || a[i].value != b[i].value) return false;
  }
  return true;
}

std::vector<std::string> keys_of(const std::vector<MemTable::Entry>& entries) {
  std::vector<std::string> keys;
  for (const auto& e : entries) keys.push_back(e.key);
  return keys;
}

}  // namespace

BOOST_AUTO_TEST_CASE(empty_table_knows_nothing) {
  MemTable t;
  BOOST_TEST(t.empty());
  BOOST_TEST(t.entry_count() == 0u);
  BOOST_TEST(t.approximate_bytes() == 0u);
  BOOST_TEST((t.get("x").found == Found::absent));
  BOOST_TEST(t.collect("").empty());
}

BOOST_AUTO_TEST_CASE(put_get_overwrite) {
  MemTable t;
  t.put("a", "1");
  t.put("b", "2");
  t.put("a", "3");
  auto a = t.get("a");
  BOOST_TEST((a.found == Found::value));
  BOOST_TEST(a.value == "3");
  BOOST_TEST(t.get("b").value == "2");
  BOOST_TEST((t.get("c").found == Found::absent));
  BOOST_TEST(t.entry_count() == 2u);
  BOOST_TEST(!t.empty());
}

BOOST_AUTO_TEST_CASE(remove_records_a_point_tombstone) {
  MemTable t;
  t.put("a", "1");
  t.remove("a");
  t.remove("never-written");
  BOOST_TEST((t.get("a").found == Found::deleted));
  BOOST_TEST((t.get("never-written").found == Found::deleted));
  auto entries = t.collect("");
  BOOST_REQUIRE(entries.size() == 2u);
  BOOST_TEST(!entries[0].value.has_value());
  BOOST_TEST(!entries[1].value.has_value());
  t.put("a", "again");
  BOOST_TEST(t.get("a").value == "again");
}

BOOST_AUTO_TEST_CASE(put_after_prefix_tombstone_is_visible) {
  MemTable t;
  t.remove_prefix("a");
  t.put("ab", "new");
  auto ab = t.get("ab");
  BOOST_TEST((ab.found == Found::value));
  BOOST_TEST(ab.value == "new");
  BOOST_TEST((t.get("ac").found == Found::deleted));
  BOOST_TEST((t.get("a").found == Found::deleted));
  BOOST_TEST((t.get("b").found == Found::absent));
  BOOST_TEST((t.get("").found == Found::absent));
  BOOST_TEST(t.covered("azzz"));
  BOOST_TEST(!t.covered("b"));
}

BOOST_AUTO_TEST_CASE(prefix_tombstone_hides_older_puts) {
  MemTable t;
  t.put("ab", "old");
  t.put("a", "old");
  t.put("b", "kept");
  t.remove_prefix("a");
  BOOST_TEST((t.get("ab").found == Found::deleted));
  BOOST_TEST((t.get("a").found == Found::deleted));
  BOOST_TEST(t.get("b").value == "kept");
  BOOST_TEST(keys_of(t.collect("")) == std::vector<std::string>{"b"});
  BOOST_TEST(t.prefix_tombstones() == std::vector<std::string>{"a"});
  BOOST_TEST(!t.empty());

  // The erased key can be written again, and removed again.
  t.put("ab", "reborn");
  BOOST_TEST(t.get("ab").value == "reborn");
  t.remove("ab");
  BOOST_TEST((t.get("ab").found == Found::deleted));
  BOOST_TEST(t.entry_count() == 2u);
  BOOST_TEST(keys_of(t.collect("a")) == std::vector<std::string>{"ab"});
}

BOOST_AUTO_TEST_CASE(prefix_tombstones_stay_prefix_free) {
  MemTable t;
  t.remove_prefix("ab");
  t.remove_prefix("b");
  t.remove_prefix("abc");  // covered by "ab": redundant
  BOOST_TEST((t.prefix_tombstones() == std::vector<std::string>{"ab", "b"}));
  t.remove_prefix("a");  // covers "ab": replaces it
  BOOST_TEST((t.prefix_tombstones() == std::vector<std::string>{"a", "b"}));
  BOOST_TEST(t.covered("abc"));
  BOOST_TEST(t.covered("a"));
  BOOST_TEST(t.covered("bz"));
  BOOST_TEST(!t.covered("c"));
  BOOST_TEST(!t.covered(""));
  t.remove_prefix("");  // covers everything
  BOOST_TEST(t.prefix_tombstones() == std::vector<std::string>{""});
  BOOST_TEST(t.covered(""));
  BOOST_TEST(t.covered("zzz"));
}

BOOST_AUTO_TEST_CASE(covered_finds_the_tombstone_among_many) {
  MemTable t;
  for (int i = 0; i < 100; i += 2) t.remove_prefix(key_of(i) + "/");
  for (int i = 0; i < 100; ++i) {
    const bool expect = i % 2 == 0;
    BOOST_TEST(t.covered(key_of(i) + "/x") == expect);
    BOOST_TEST(t.covered(key_of(i) + "/") == expect);
    BOOST_TEST(!t.covered(key_of(i)));
  }
}

BOOST_AUTO_TEST_CASE(collect_returns_sorted_entries_under_prefix) {
  MemTable t;
  for (const char* k : {"s/2", "s/10", "r", "s/1", "t", "s/", "s"}) t.put(k, std::string("v") + k);
  t.remove("s/3");
  auto under = t.collect("s/");
  BOOST_TEST((keys_of(under) == std::vector<std::string>{"s/", "s/1", "s/10", "s/2", "s/3"}));
  BOOST_TEST(under[1].value.value() == "vs/1");
  BOOST_TEST(!under[4].value.has_value());
  auto all = t.collect("");
  BOOST_TEST(all.size() == 8u);
  BOOST_TEST(std::is_sorted(all.begin(), all.end(),
                            [](const auto& x, const auto& y) { return x.key < y.key; }));
  BOOST_TEST(t.collect("u").empty());
}

BOOST_AUTO_TEST_CASE(keys_with_nul_bytes) {
  using namespace std::string_literals;
  MemTable t;
  t.put("a"s, "plain");
  t.put("a\0"s, "nul");
  t.put("a\0b"s, "nul-b");
  t.put("a\0\0"s, "nul-nul");
  BOOST_TEST(t.get("a"s).value == "plain");
  BOOST_TEST(t.get("a\0"s).value == "nul");
  BOOST_TEST(t.get("a\0b"s).value == "nul-b");
  BOOST_TEST((t.get("a\0c"s).found == Found::absent));
  BOOST_TEST((keys_of(t.collect("a\0"s)) == std::vector<std::string>{"a\0"s, "a\0\0"s, "a\0b"s}));

  t.remove_prefix("a\0"s);
  BOOST_TEST(t.get("a"s).value == "plain");
  BOOST_TEST((t.get("a\0b"s).found == Found::deleted));
  BOOST_TEST((t.get("a\0"s).found == Found::deleted));
  BOOST_TEST(keys_of(t.collect("")) == std::vector<std::string>{"a"});
  BOOST_TEST(!t.covered("a"s));
}

BOOST_AUTO_TEST_CASE(values_may_be_empty_or_binary) {
  using namespace std::string_literals;
  MemTable t;
  t.put("empty", "");
  t.put("bin", "\0\xff\0"s);
  auto e = t.get("empty");
  BOOST_TEST((e.found == Found::value));
  BOOST_TEST(e.value.empty());
  BOOST_TEST(t.get("bin").value == "\0\xff\0"s);
}

BOOST_AUTO_TEST_CASE(approximate_bytes_tracks_contents) {
  MemTable t;
  t.put("key", std::string(1000, 'x'));
  const auto one = t.approximate_bytes();
  BOOST_TEST(one >= 1003u);
  t.put("key", std::string(10, 'x'));
  const auto shrunk = t.approximate_bytes();
  BOOST_TEST(shrunk < one);
  BOOST_TEST(one - shrunk == 990u);
  t.remove("key");
  BOOST_TEST(t.approximate_bytes() == shrunk - 10);
  t.put("key2", std::string(5000, 'y'));
  BOOST_TEST(t.approximate_bytes() > 5000u);
  t.remove_prefix("key");  // erases both entries, adds one small tombstone
  BOOST_TEST(t.approximate_bytes() < 100u);
  BOOST_TEST(t.approximate_bytes() > 0u);
  BOOST_TEST(t.entry_count() == 0u);
}

BOOST_AUTO_TEST_CASE(readers_see_every_completed_write_while_writing) {
  MemTable t;
  constexpr int kWrites = 20000;
  std::atomic<int> published{-1};  // highest i whose put has returned
  std::atomic<bool> done{false};
  std::atomic<long> failures{0};

  auto reader = [&] {
    long local_reads = 0;
    while (!done.load(std::memory_order_acquire)) {
      const int upto = published.load(std::memory_order_acquire);
      if (upto < 0) continue;
      // The latest completed write and an earlier one must both be visible.
      for (int i : {upto, upto / 2}) {
        auto got = t.get(key_of(i));
        if (got.found != Found::value || got.value != value_of(i)) failures.fetch_add(1);
      }
      // A key beyond what was published may or may not be there, but if it
      // is, its value is never torn.
      auto ahead = t.get(key_of(upto + 1));
      if (ahead.found == Found::value && ahead.value != value_of(upto + 1)) failures.fetch_add(1);
      if (ahead.found == Found::deleted) failures.fetch_add(1);
      if (local_reads % 64 == 0) {
        auto under = t.collect("k0000");
        if (!std::is_sorted(under.begin(), under.end(),
                            [](const auto& x, const auto& y) { return x.key < y.key; })) {
          failures.fetch_add(1);
        }
      }
      ++local_reads;
    }
  };

  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) readers.emplace_back(reader);
  for (int i = 0; i < kWrites; ++i) {
    t.put(key_of(i), value_of(i));
    published.store(i, std::memory_order_release);
  }
  done.store(true, std::memory_order_release);
  for (auto& th : readers) th.join();

  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(t.entry_count() == static_cast<std::size_t>(kWrites));
  for (int i = 0; i < kWrites; i += 997) BOOST_TEST(t.get(key_of(i)).value == value_of(i));
}

BOOST_AUTO_TEST_CASE(prefix_removal_is_atomic_for_readers) {
  // Readers must never see a half-removed prefix: after remove_prefix returns,
  // every key under it reads as deleted, and before it, all read as values.
  MemTable t;
  constexpr int kGroups = 200;
  constexpr int kPerGroup = 20;
  auto group_key = [](int g, int i) { return "g" + std::to_string(1000 + g) + "/" + std::to_string(i); };
  for (int g = 0; g < kGroups; ++g) {
    for (int i = 0; i < kPerGroup; ++i) t.put(group_key(g, i), "v");
  }
  std::atomic<int> removed_upto{-1};
  std::atomic<bool> done{false};
  std::atomic<long> failures{0};
  auto reader = [&] {
    while (!done.load(std::memory_order_acquire)) {
      const int upto = removed_upto.load(std::memory_order_acquire);
      if (upto >= 0) {
        for (int i = 0; i < kPerGroup; i += 7) {
          if (t.get(group_key(upto, i)).found != Found::deleted) failures.fetch_add(1);
        }
      }
      // The last group is never removed.
      if (t.get(group_key(kGroups - 1, 0)).found != Found::value) failures.fetch_add(1);
    }
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) readers.emplace_back(reader);
  for (int g = 0; g < kGroups - 1; ++g) {
    t.remove_prefix("g" + std::to_string(1000 + g) + "/");
    removed_upto.store(g, std::memory_order_release);
  }
  done.store(true, std::memory_order_release);
  for (auto& th : readers) th.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(t.entry_count() == static_cast<std::size_t>(kPerGroup));
  BOOST_TEST(t.prefix_tombstones().size() == static_cast<std::size_t>(kGroups - 1));
}

BOOST_AUTO_TEST_CASE(overwrites_under_lock_free_readers_are_never_torn) {
  // Readers take no lock: every value they copy must be one that was written
  // whole (each value is one repeated byte), while the writer keeps replacing
  // and retiring versions of a few hot keys and erasing some by prefix.
  MemTable t;
  std::atomic<bool> done{false};
  std::atomic<long> failures{0};
  auto reader = [&](int seed) {
    std::string value;
    unsigned x = static_cast<unsigned>(seed);
    while (!done.load(std::memory_order_acquire)) {
      x = x * 1103515245u + 12345u;
      const Found f = t.get_into("hot/" + std::to_string((x >> 8) % 64), &value);
      if (f == Found::value && (value.empty() || value.find_first_not_of(value[0]) != std::string::npos))
        failures.fetch_add(1);
    }
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) readers.emplace_back(reader, r + 1);
  for (int i = 0; i < 20000; ++i) {
    if (i % 500 == 499) t.remove_prefix("hot/1");
    else t.put("hot/" + std::to_string(i % 64), std::string(1 + i % 2000, static_cast<char>('a' + i % 26)));
  }
  done.store(true, std::memory_order_release);
  for (auto& th : readers) th.join();
  BOOST_TEST(failures.load() == 0);
  std::string value = "unchanged";
  BOOST_TEST((t.get_into("absent", &value) == Found::absent));
  BOOST_TEST(value == "unchanged");
}

BOOST_AUTO_TEST_CASE(overwrites_keep_a_single_key) {
  MemTable t;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 20; ++i) t.put(key_of(i), value_of(round * 100 + i));
    t.remove(key_of(3));
  }
  t.put(key_of(3), "back");
  auto all = t.collect("");
  BOOST_REQUIRE(all.size() == 20u);
  BOOST_TEST((std::adjacent_find(all.begin(), all.end(), [](const auto& x, const auto& y) {
                return x.key >= y.key;  // sorted and each key once
              }) == all.end()));
  BOOST_TEST(all[3].value.value() == "back");
  BOOST_TEST(all[4].value.value() == value_of(49 * 100 + 4));
  BOOST_TEST(same_entries(walk(t, ""), all));
  BOOST_TEST(t.entry_count() == 20u);
}

BOOST_AUTO_TEST_CASE(new_keys_and_overwrites_allocate_only_their_version) {
  // A put allocates its Version; a new key's place in the ordered set comes
  // from the table's arena (a block now and then), an overwrite's from
  // nowhere. (Before the arena a new key cost a set node and a key string
  // too: three allocations.) Keys longer than a short string's inline buffer,
  // as the store's session keys are.
  MemTable t;
  constexpr int kKeys = 4000;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back("session-" + std::to_string(1000000000000000 + i * 7919));
  const long adding = allocations_of([&] {
    for (const auto& k : keys) t.put(k, "value");
  });
  // One per key, plus the hash index doubling and the arena's blocks.
  BOOST_TEST(adding >= kKeys);
  BOOST_TEST(adding <= kKeys + kKeys / 20, "allocations for " << kKeys << " new keys: " << adding);
  const long overwriting = allocations_of([&] {
    for (const auto& k : keys) t.put(k, "other value");
  });
  // One per put, plus the reclaimer's retire list growing.
  BOOST_TEST(overwriting <= kKeys + kKeys / 20, "allocations for " << kKeys << " overwrites: " << overwriting);
  BOOST_TEST(t.collect("").size() == static_cast<std::size_t>(kKeys));
}

BOOST_AUTO_TEST_CASE(for_each_visits_what_collect_returns) {
  using namespace std::string_literals;
  MemTable t;
  for (const std::string& k : {"s/2"s, "s/10"s, "r"s, "s/1"s, "t"s, "s/"s, "s"s, "s/\0"s, "s/\xff"s})
    t.put(k, "v" + k);
  t.remove("s/3");
  t.put("x/1", "gone");
  t.put("x/2", "gone");
  t.remove_prefix("x/");  // erased keys are not entries
  t.put("x/2", "again");
  for (const char* prefix : {"", "s", "s/", "s/1", "x/", "u", "\xff"}) {
    BOOST_TEST(same_entries(walk(t, prefix), t.collect(prefix)), "prefix " << prefix);
  }
  auto under = walk(t, "s/");
  BOOST_TEST((keys_of(under) == std::vector<std::string>{"s/", "s/\0"s, "s/1", "s/10", "s/2", "s/3", "s/\xff"}));
  BOOST_TEST(!under[5].value.has_value());
  BOOST_TEST((keys_of(walk(t, "x/")) == std::vector<std::string>{"x/2"}));

  int visited = 0;
  t.for_each("s/", [&](std::string_view, const std::string_view*) { return ++visited < 3; });
  BOOST_TEST(visited == 3);
  MemTable empty;
  BOOST_TEST(walk(empty, "").empty());
}

BOOST_AUTO_TEST_CASE(for_each_matches_a_model_after_random_writes) {
  // Random puts, removes and prefix removals over a small key space, against
  // a std::map model of what the table holds.
  MemTable t;
  std::map<std::string, std::optional<std::string>> model;
  unsigned x = 12345;
  auto next = [&x] { return x = x * 1103515245u + 12345u, (x >> 8); };
  for (int i = 0; i < 20000; ++i) {
    const unsigned r = next();
    const std::string key = "k/" + std::to_string(r % 37) + "/" + std::to_string((r / 37) % 23);
    switch (r % 50) {
      case 0: {
        const std::string prefix = "k/" + std::to_string(next() % 37) + "/";
        t.remove_prefix(prefix);
        for (auto it = model.lower_bound(prefix); it != model.end() && it->first.starts_with(prefix);)
          it = model.erase(it);
        break;
      }
      case 1: case 2: case 3: case 4: case 5:
        t.remove(key);
        model[key] = std::nullopt;
        break;
      default: {
        const std::string value(next() % 300, static_cast<char>('a' + i % 26));
        t.put(key, value);
        model[key] = value;
      }
    }
  }
  std::vector<MemTable::Entry> expected;
  for (const auto& [k, v] : model) expected.push_back(MemTable::Entry{k, v});
  BOOST_TEST(same_entries(walk(t, ""), expected));
  BOOST_TEST(same_entries(t.collect(""), expected));
  BOOST_TEST(t.entry_count() == expected.size());
}

BOOST_AUTO_TEST_CASE(for_each_under_a_writer_sees_whole_values) {
  // A walk of a table that is still written (the store's scan of its live
  // memtable): every value visited is one that was written whole (each is one
  // repeated byte), keys come in order and once, and new keys may appear.
  MemTable t;
  for (int i = 0; i < 200; ++i) t.put(key_of(i * 2), std::string(100, 'a'));
  std::atomic<bool> done{false};
  std::atomic<long> failures{0};
  std::atomic<long> walks{0};
  auto walker = [&] {
    while (!done.load(std::memory_order_acquire) || walks.load() < 4) {
      std::string previous;
      t.for_each("k", [&](std::string_view key, const std::string_view* value) {
        if (!previous.empty() && key <= previous) failures.fetch_add(1);
        previous.assign(key);
        if (value != nullptr && (value->empty() || value->find_first_not_of((*value)[0]) != std::string_view::npos))
          failures.fetch_add(1);
        return true;
      });
      walks.fetch_add(1);
    }
  };
  std::vector<std::thread> walkers;
  for (int r = 0; r < 2; ++r) walkers.emplace_back(walker);
  for (int i = 0; i < 20000; ++i) {
    if (i % 1000 == 999) t.remove_prefix(key_of(i % 400).substr(0, 5));
    else if (i % 7 == 0) t.remove(key_of(i % 400));
    else t.put(key_of(i % 400), std::string(1 + i % 3000, static_cast<char>('a' + i % 26)));
  }
  done.store(true, std::memory_order_release);
  for (auto& th : walkers) th.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_CASE(arena_hands_out_aligned_stable_memory) {
  walkv::Arena arena;
  std::vector<std::pair<std::string_view, std::string>> copies;
  for (int i = 0; i < 12; ++i) {
    const std::string bytes(static_cast<std::size_t>(i * 60), static_cast<char>('a' + i % 26));
    copies.emplace_back(arena.copy(bytes), bytes);
    void* p = arena.allocate(48, 16);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % 16 == 0u);
    static_cast<char*>(p)[47] = 'z';  // writable to its end (ASan checks the block bounds)
    void* big = arena.allocate(100000, alignof(std::max_align_t));  // larger than any block so far
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(big) % alignof(std::max_align_t) == 0u);
    static_cast<char*>(big)[99999] = 'z';
  }
  for (int i = 0; i < 20000; ++i) {
    const std::string bytes(static_cast<std::size_t>(1 + i % 511), static_cast<char>('A' + i % 26));
    copies.emplace_back(arena.copy(bytes), bytes);
  }
  long wrong = 0;
  for (const auto& [copy, original] : copies) wrong += copy != original;
  BOOST_TEST(wrong == 0);
  BOOST_TEST(arena.copy("").empty());
  BOOST_TEST(arena.block_bytes() > 0u);
}

// ---------------------------------------------------------------- unshared writes (the replay's)

BOOST_AUTO_TEST_CASE(unshared_writes_match_shared_writes_on_random_ops) {
  // The same random puts, removes and prefix removals, with values that
  // grow, shrink and keep their size, go to one table through put / remove
  // and to another mostly through put_unshared / remove_unshared (in-place
  // rewrites, arena versions, malloc versions, and shared writes over them).
  MemTable shared;
  MemTable unshared;
  unsigned x = 777;
  auto next = [&x] { return x = x * 1103515245u + 12345u, (x >> 8); };
  for (int i = 0; i < 30000; ++i) {
    const unsigned r = next();
    const std::string key = "k/" + std::to_string(r % 29) + "/" + std::to_string((r / 29) % 17);
    switch (r % 40) {
      case 0: {
        const std::string prefix = "k/" + std::to_string(next() % 29) + "/";
        shared.remove_prefix(prefix);
        unshared.remove_prefix(prefix);
        break;
      }
      case 1: case 2: case 3: case 4:
        shared.remove(key);
        unshared.remove_unshared(key);
        break;
      case 5: {
        const std::string value(next() % 600, 'S');
        shared.put(key, value);
        unshared.put(key, value);
        break;
      }
      default: {
        const std::size_t sizes[] = {0, 10, 100, 150, 199, 200, 1000, 3000};
        const std::string value(sizes[next() % 8], static_cast<char>('a' + i % 26));
        shared.put(key, value);
        unshared.put_unshared(key, value);
      }
    }
    if (i % 5000 == 4999) {
      BOOST_TEST_REQUIRE(same_entries(unshared.collect(""), shared.collect("")), "after op " << i);
      BOOST_TEST_REQUIRE(unshared.entry_count() == shared.entry_count());
      BOOST_TEST_REQUIRE(unshared.approximate_bytes() == shared.approximate_bytes());
    }
  }
  for (int a = 0; a < 29; ++a) {
    for (int b = 0; b < 17; ++b) {
      const std::string key = "k/" + std::to_string(a) + "/" + std::to_string(b);
      const auto want = shared.get(key);
      const auto got = unshared.get(key);
      BOOST_TEST_REQUIRE((got.found == want.found), key);
      BOOST_TEST_REQUIRE(got.value == want.value, key);
    }
  }
}

BOOST_AUTO_TEST_CASE(an_unshared_overwrite_that_fits_is_made_in_place) {
  MemTable t;
  t.put_unshared("session/1", std::string(4096, 'a'));
  t.put_unshared("session/2", std::string(4096, 'b'));
  std::vector<std::string> values;
  for (int i = 0; i < 100; ++i) values.emplace_back(3997 + i, static_cast<char>('c' + i % 20));
  const long overwriting = allocations_of([&] {
    for (const std::string& v : values) t.put_unshared("session/1", v);
  });
  BOOST_TEST(overwriting == 0);
  BOOST_TEST(t.get("session/1").value == values.back());
  t.remove_unshared("session/2");  // too small for the old version: a new one (from the arena)
  BOOST_TEST((t.get("session/2").found == Found::deleted));
  BOOST_TEST(t.entry_count() == 2u);
  BOOST_TEST(t.unshared_arena_bytes() == walkv::VersionArena::kBlockBytes);
}

BOOST_AUTO_TEST_CASE(the_unshared_arena_holds_at_most_twice_the_live_bytes_and_a_block) {
  // 5,000 keys of 2 KiB, then four rounds of replacing them all by
  // tombstones (which do not fit their old versions) and again by 3 KiB
  // values: without a bound the arena would hold every version ever made,
  // about 10 MB + 16 MB a round, more than twice the 16 MB live after round 2.
  MemTable t;
  std::size_t most_live = 0;
  auto check = [&](int round) {
    most_live = std::max(most_live, t.approximate_bytes());
    BOOST_TEST_REQUIRE(t.unshared_arena_bytes() <= 2 * most_live + 2 * walkv::VersionArena::kBlockBytes,
                       "round " << round << ": arena " << t.unshared_arena_bytes() << " bytes, live " << most_live);
  };
  for (int i = 0; i < 5000; ++i) t.put_unshared(key_of(i), std::string(2048, 'v'));
  check(0);
  for (int round = 1; round <= 4; ++round) {
    for (int i = 0; i < 5000; ++i) t.remove_unshared(key_of(i));
    check(round);
    for (int i = 0; i < 5000; ++i) t.put_unshared(key_of(i), std::string(3072, static_cast<char>('a' + round)));
    check(round);
  }
  BOOST_TEST(t.get(key_of(4999)).value == std::string(3072, 'a' + 4));
  BOOST_TEST(t.entry_count() == 5000u);
  // Values above VersionArena::kMaxAllocation are never taken from the arena.
  MemTable big;
  big.put_unshared("k", std::string(walkv::VersionArena::kMaxAllocation + 1, 'x'));
  BOOST_TEST(big.unshared_arena_bytes() == 0u);
  BOOST_TEST(big.get("k").value.size() == walkv::VersionArena::kMaxAllocation + 1);
}

BOOST_AUTO_TEST_CASE(version_arena_hands_out_aligned_memory_in_huge_page_blocks) {
  walkv::VersionArena arena;
  BOOST_TEST(arena.block_bytes() == 0u);
  std::vector<char*> got;
  std::size_t total = 0;
  for (std::size_t n : {1u, 17u, 4096u, 100000u, 3u}) {
    auto* p = static_cast<char*>(arena.allocate(n));
    BOOST_REQUIRE(p != nullptr);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % walkv::VersionArena::kAlignment == 0u);
    std::memset(p, 0x5a, n);
    got.push_back(p);
    total += n;
  }
  BOOST_TEST(arena.block_bytes() == walkv::VersionArena::kBlockBytes);
  // Blocks are aligned to their size, as a huge page must be.
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(got[0]) % walkv::VersionArena::kBlockBytes == 0u);
  BOOST_TEST(arena.allocate(walkv::VersionArena::kMaxAllocation + 1) == nullptr);
  while (arena.block_bytes() == walkv::VersionArena::kBlockBytes)
    BOOST_REQUIRE(arena.allocate(walkv::VersionArena::kMaxAllocation) != nullptr);
  BOOST_TEST(arena.block_bytes() == 2 * walkv::VersionArena::kBlockBytes);
  BOOST_TEST(got[4][0] == 0x5a);  // earlier memory stays where it was
}
