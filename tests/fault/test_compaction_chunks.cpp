// A process killed (SIGKILL) part-way through Snapshot::apply()'s write
// transactions: after the second of them committed, before the last one set
// applied_sequence. The snapshot then holds some writes newer than its
// applied_sequence; the LMDB environment must be readable and consistent, and
// the store must come back with every key's newest value (recovery replays
// the log after applied_sequence into the memtable, which shadows the
// snapshot; snapshot.hpp). Once through the Snapshot alone (its commit hook
// kills the child), once end to end through Store::compact(): this executable
// links with -Wl,--wrap=mdb_txn_commit (see meson.build) so the child can kill
// itself right after a given LMDB commit of the store's compaction.
#define BOOST_TEST_MODULE fault_compaction_chunks
#include <boost/test/unit_test.hpp>

#include <lmdb.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>

#include "fault_fixture.hpp"
#include "memtable/memtable.hpp"
#include "snapshot/snapshot.hpp"

using namespace walkv;
using namespace walkv::test;

// ---------------------------------------------------------------- wrapper

namespace {

// > 0: this process kills itself (SIGKILL) right after that many more LMDB
// commits succeed. 0: mdb_txn_commit is passed through untouched.
std::atomic<int> commits_until_kill{0};

}  // namespace

extern "C" {
int __real_mdb_txn_commit(MDB_txn* txn);
int __wrap_mdb_txn_commit(MDB_txn* txn) {
  const int rc = __real_mdb_txn_commit(txn);
  if (rc == 0 && commits_until_kill.load() > 0 && commits_until_kill.fetch_sub(1) == 1) ::raise(SIGKILL);
  return rc;
}
}

// ---------------------------------------------------------------- helpers

namespace {

std::string numbered(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%05d", prefix, i);
  return buf;
}

// A 4 KiB value naming its key and its generation ("old" or "new").
std::string value_of(const std::string& key, const char* generation) {
  std::string v = std::string(generation) + " " + key + " ";
  v += filler(4096 - v.size(), static_cast<int>(key.size()));
  return v;
}

// The two generations of the data: `old_state` as applied (or compacted) in
// full, then the changes whose application the crash interrupts — overwrites
// of every "k/" key, point tombstones, and a prefix tombstone for "gone/".
struct Generations {
  int keys = 0;
  Model old_state;
  Model new_state;

  explicit Generations(int n) : keys(n) {
    for (int i = 0; i < n; ++i) old_state[numbered("k/", i)] = value_of(numbered("k/", i), "old");
    for (int i = 0; i < 20; ++i) old_state[numbered("gone/", i)] = "under the prefix tombstone";
    new_state = old_state;
    apply_to_model(new_state, WriteBatch::Kind::remove_prefix, "gone/", "");
    for (int i = 0; i < n; ++i) {
      const std::string key = numbered("k/", i);
      if (i % 10 == 3) new_state.erase(key);
      else new_state[key] = value_of(key, "new");
    }
  }
  bool removed(int i) const { return i % 10 == 3; }
};

void put_old(MemTable& t, const Generations& g) {
  for (const auto& [key, value] : g.old_state) t.put(key, value);
}

void put_new(MemTable& t, const Generations& g) {
  t.remove_prefix("gone/");
  for (int i = 0; i < g.keys; ++i) {
    const std::string key = numbered("k/", i);
    if (g.removed(i)) t.remove(key);
    else t.put(key, value_of(key, "new"));
  }
}

// What a snapshot interrupted part-way through applying the new generation
// over the old one holds: for each key its old or its new state, the new ones
// a prefix in key order (the transactions commit in key order), and not
// everything new (the last transaction never committed). The prefix
// tombstone went with the first transaction. Returns the number of keys found
// in their new state; "" as the message when all holds.
std::string check_interrupted(const Snapshot& snap, const Generations& g, int* applied) {
  Model found;
  Status s = snap.scan("", [&](std::string_view k, std::string_view v) {
    found.emplace(std::string(k), std::string(v));
    return true;
  });
  if (!s.ok()) return "scan: " + s.to_string();
  auto stats = snap.stats();
  if (!stats) return "stats: " + stats.error().to_string();
  if (stats->entries != found.size())
    return std::to_string(stats->entries) + " entries but a scan finds " + std::to_string(found.size());
  for (const auto& [key, value] : found)
    if (key.starts_with("gone/")) return key + " survived the prefix tombstone of the first transaction";
  *applied = 0;
  bool past_applied = false;
  for (int i = 0; i < g.keys; ++i) {
    const std::string key = numbered("k/", i);
    const auto at = found.find(key);
    const bool is_new = g.removed(i) ? at == found.end() : at != found.end() && at->second == g.new_state.at(key);
    const bool is_old = at != found.end() && at->second == g.old_state.at(key);
    if (!is_new && !is_old) return key + " holds neither its old nor its new state";
    if (is_new && past_applied) return key + " is new although an earlier key is still old";
    if (is_new) ++*applied;
    past_applied = past_applied || is_old;
  }
  if (*applied == 0) return "nothing of the interrupted apply was committed";
  if (*applied == g.keys) return "all of the interrupted apply was committed";
  return "";
}

// The error of a failed Result, for assertion messages (which Boost
// evaluates even when the assertion holds).
template <class T>
std::string describe(const Result<T>& r) {
  return r.has_value() ? "ok" : r.error().to_string();
}

// Keys whose read differs from the newest state: their count and the first few.
struct Mismatches {
  int count = 0;
  std::string first;
  void check(const std::string& key, const std::optional<std::string>& read, const Model& newest) {
    const auto at = newest.find(key);
    if (read == (at == newest.end() ? std::nullopt : std::optional(at->second))) return;
    if (count++ < 5) first += " " + key;
  }
};

// Waits for `child` and expects it to have been killed by SIGKILL.
void expect_killed(pid_t child) {
  int status = 0;
  BOOST_REQUIRE(::waitpid(child, &status, 0) == child);
  BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                        "the child was not killed part-way: "
                            << (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                                  : "signal " + std::to_string(WTERMSIG(status))));
}

}  // namespace

// ---------------------------------------------------------------- snapshot

namespace {

constexpr std::uint64_t kOldSequence = 10;
constexpr std::uint64_t kNewSequence = 20;

// The child: applies the old generation in one transaction, then the new one
// in 64 KiB transactions, and SIGKILLs itself when the second has committed.
[[noreturn]] void apply_until_killed(const std::string& dir, const Generations& g) {
  auto snap = Snapshot::open(dir, Snapshot::Mode::read_write, 64u << 20);
  if (!snap || !(*snap)->initialize(wal::StoreId{1}).ok()) ::_exit(10);
  MemTable old_table;
  put_old(old_table, g);
  if (!(*snap)->apply(old_table, kOldSequence).ok()) ::_exit(11);
  MemTable new_table;
  put_new(new_table, g);
  (*snap)->set_apply_txn_bytes(64u << 10);
  (*snap)->set_apply_commit_hook([](std::uint64_t committed) {
    if (committed == 2) ::raise(SIGKILL);
  });
  (*snap)->apply(new_table, kNewSequence);
  ::_exit(12);  // not killed
}

}  // namespace

BOOST_AUTO_TEST_CASE(snapshot_killed_after_the_second_transaction_of_an_apply) {
  TempDir dir;
  const Generations g(2000);  // ~8 MiB: over a hundred 64 KiB transactions
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) apply_until_killed(dir.path(), g);
  expect_killed(child);

  auto opened = Snapshot::open(dir.path(), Snapshot::Mode::read_write, 64u << 20);
  BOOST_REQUIRE_MESSAGE(opened.has_value(), describe(opened));
  Snapshot& snap = **opened;
  BOOST_TEST(snap.meta()->applied_sequence == kOldSequence);
  int applied = 0;
  const std::string why = check_interrupted(snap, g, &applied);
  BOOST_REQUIRE_MESSAGE(why.empty(), why);
  BOOST_TEST_MESSAGE(applied << " of " << g.keys << " keys applied before the kill");
  BOOST_TEST(applied < g.keys / 10);  // two 64 KiB transactions, not more

  // Recovery replays the records after applied_sequence into a memtable — the
  // new generation — which shadows the snapshot: every key reads its newest state.
  MemTable replayed;
  put_new(replayed, g);
  Mismatches wrong;
  for (const auto& [key, value] : g.old_state) {
    const MemTable::Lookup in_memtable = replayed.get(key);
    std::optional<std::string> read;
    if (in_memtable.found == MemTable::Found::value) read = in_memtable.value;
    if (in_memtable.found == MemTable::Found::absent) read = *snap.get(key);
    wrong.check(key, read, g.new_state);
  }
  BOOST_TEST(wrong.count == 0, wrong.count << " keys read other than their newest state:" << wrong.first);
  // ... and the next compaction applies it in full.
  BOOST_REQUIRE(snap.apply(replayed, kNewSequence).ok());
  BOOST_TEST(snap.meta()->applied_sequence == kNewSequence);
  Model now;
  BOOST_REQUIRE(snap.scan("", [&](std::string_view k, std::string_view v) {
    now.emplace(std::string(k), std::string(v));
    return true;
  }).ok());
  BOOST_TEST((now == g.new_state), describe(now) << " vs " << describe(g.new_state));
}

// ---------------------------------------------------------------- store

namespace {

Options store_options() {
  Options o;
  o.compaction_trigger = 0;  // no background compaction: compact() alone writes LMDB
  return o;
}

// The child: writes and compacts the old generation, tells the parent the
// snapshot's applied sequence, writes the new generation and compacts again,
// SIGKILLing itself right after the second LMDB commit of that compaction.
[[noreturn]] void compact_until_killed(const std::string& dir, const Generations& g, int to_parent) {
  auto store = Store::open(dir, store_options());
  if (!store) ::_exit(10);
  for (const auto& [key, value] : g.old_state)
    if (!(*store)->put(kNone, key, value).ok()) ::_exit(11);
  if (!(*store)->compact().ok()) ::_exit(12);
  const std::uint64_t applied = (*store)->last_sequence();
  if (::write(to_parent, &applied, sizeof applied) != sizeof applied) ::_exit(13);
  if (!(*store)->remove_prefix(kNone, "gone/").ok()) ::_exit(14);
  for (int i = 0; i < g.keys; ++i) {
    const std::string key = numbered("k/", i);
    Status s = g.removed(i) ? (*store)->remove(kNone, key) : (*store)->put(kNone, key, value_of(key, "new"));
    if (!s.ok()) ::_exit(15);
  }
  commits_until_kill.store(2);  // compact()'s only LMDB commits are apply()'s
  (*store)->compact();
  ::_exit(16);  // not killed
}

}  // namespace

BOOST_AUTO_TEST_CASE(store_killed_after_the_second_transaction_of_a_compaction) {
  TempDir dir;
  const std::string store_dir = dir.sub("store");
  // The store applies in Snapshot::kDefaultApplyTxnBytes transactions: three of them.
  const Generations g(static_cast<int>(3 * Snapshot::kDefaultApplyTxnBytes / 4096));
  int pipe_fds[2];
  BOOST_REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    compact_until_killed(store_dir, g, pipe_fds[1]);
  }
  ::close(pipe_fds[1]);
  std::uint64_t old_applied = 0;
  const bool told = ::read(pipe_fds[0], &old_applied, sizeof old_applied) == sizeof old_applied;
  ::close(pipe_fds[0]);
  expect_killed(child);
  BOOST_REQUIRE(told);

  {
    auto snap = Snapshot::open(store_dir + "/snapshot", Snapshot::Mode::read_only, 0);
    BOOST_REQUIRE_MESSAGE(snap.has_value(), describe(snap));
    BOOST_TEST((*snap)->meta()->applied_sequence == old_applied);
    int applied = 0;
    const std::string why = check_interrupted(**snap, g, &applied);
    BOOST_REQUIRE_MESSAGE(why.empty(), why);
    BOOST_TEST_MESSAGE(applied << " of " << g.keys << " keys applied before the kill");
  }  // closed: this process may open it read-write now

  {
    auto store = Store::open(store_dir, store_options());
    BOOST_REQUIRE_MESSAGE(store.has_value(), describe(store));
    Mismatches wrong;
    for (const auto& [key, value] : g.old_state) {
      auto got = (*store)->get(key);
      BOOST_REQUIRE_MESSAGE(got.has_value(), describe(got));
      wrong.check(key, *got, g.new_state);
    }
    BOOST_TEST(wrong.count == 0, wrong.count << " keys read other than their newest state:" << wrong.first);
    BOOST_TEST((must_read_all(**store) == g.new_state));
    BOOST_REQUIRE((*store)->compact().ok());
    BOOST_REQUIRE((*store)->close().ok());
  }
  auto store = Store::open(store_dir, store_options());
  BOOST_REQUIRE_MESSAGE(store.has_value(), describe(store));
  BOOST_TEST((*store)->recovery_report().frames_replayed == 0u);
  BOOST_TEST((must_read_all(**store) == g.new_state));
}
