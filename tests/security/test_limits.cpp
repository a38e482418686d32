// Oversized input is refused with Code::invalid_argument before anything is
// written (docs: include/walkv/options.hpp): keys over max_key_size (511, LMDB's
// limit), empty keys, values over max_value_size, batches over max_batch_size.
// "Nothing written": last_sequence unchanged, every byte of wal/ unchanged,
// nothing of the batch visible, nothing after a reopen; the store stays usable.
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

#include <walkv/store.hpp>

#include "security_fixture.hpp"

using namespace walkv;
using namespace walkv::security_test;

namespace {

struct Fixture {
  walkv::test::TempDir dir;
  std::string path = dir.sub("store");
  Options options;
  std::unique_ptr<Store> store;

  Fixture() {
    options.compaction_trigger = 0;  // no background work changing files
    options.max_value_size = 1 << 20;
    options.max_batch_size = 2 << 20;
    open();
    BOOST_REQUIRE(store->put({}, "existing", "value").ok());
  }
  void open() {
    auto s = Store::open(path, options);
    BOOST_REQUIRE_MESSAGE(s.has_value(), walkv::test::error_text(s));
    store = std::move(*s);
  }

  // Writes `batch`, expects invalid_argument, and that nothing changed.
  void expect_refused(const WriteBatch& batch, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
      const std::uint64_t seq = store->last_sequence();
      const auto wal_before = contents(path + "/wal");
      Status s = store->write({}, batch);
      BOOST_TEST((s.code() == Code::invalid_argument), s.to_string());
      BOOST_TEST(!s.message().empty());
      BOOST_TEST(store->last_sequence() == seq);
      BOOST_TEST((contents(path + "/wal") == wal_before));
      for (const auto& op : batch.ops()) {
        if (op.kind != WriteBatch::Kind::put || op.key.empty()) continue;
        auto got = store->get(op.key);
        if (!got) {  // get refuses an oversized key the same way
          BOOST_TEST((got.error().code() == Code::invalid_argument), got.error().to_string());
          continue;
        }
        BOOST_TEST(!got->has_value(), "refused batch left key of " << op.key.size() << " bytes visible");
      }
    }
  }
};

WriteBatch one_put(const std::string& key, const std::string& value) {
  WriteBatch b;
  b.put(key, value);
  return b;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(key_of_512_bytes_is_refused_and_511_accepted, Fixture) {
  expect_refused(one_put(std::string(512, 'k'), "v"), "put, 512-byte key");
  WriteBatch remove;
  remove.remove(std::string(512, 'k'));
  expect_refused(remove, "remove, 512-byte key");
  WriteBatch prefix;
  prefix.remove_prefix(std::string(512, 'k'));
  expect_refused(prefix, "remove_prefix, 512-byte prefix");
  // The convenience calls go through the same check.
  BOOST_TEST((store->put({}, std::string(512, 'k'), "v").code() == Code::invalid_argument));
  BOOST_TEST((store->remove({}, std::string(600, 'k')).code() == Code::invalid_argument));

  const std::uint64_t seq = store->last_sequence();
  BOOST_TEST(store->put({}, std::string(511, 'k'), "v").ok());
  BOOST_TEST(store->last_sequence() == seq + 1);
}

BOOST_FIXTURE_TEST_CASE(empty_key_is_refused, Fixture) {
  expect_refused(one_put("", "v"), "put, empty key");
  WriteBatch remove;
  remove.remove("");
  expect_refused(remove, "remove, empty key");
}

BOOST_FIXTURE_TEST_CASE(value_over_max_value_size_is_refused, Fixture) {
  expect_refused(one_put("big", std::string((1 << 20) + 1, 'v')), "value of max + 1");
  const std::uint64_t seq = store->last_sequence();
  BOOST_TEST(store->put({}, "big", std::string(1 << 20, 'v')).ok());  // exactly the limit
  BOOST_TEST(store->last_sequence() == seq + 1);
}

BOOST_FIXTURE_TEST_CASE(batch_with_one_bad_op_writes_none_of_it, Fixture) {
  WriteBatch b;
  b.put("good-1", "v");
  b.put("good-2", "v");
  b.put(std::string(512, 'k'), "v");
  expect_refused(b, "third op has a 512-byte key");
  WriteBatch c;
  c.put("good-3", "v");
  c.put("too-big", std::string((1 << 20) + 1, 'v'));
  expect_refused(c, "second op has an oversized value");
}

BOOST_FIXTURE_TEST_CASE(batch_over_max_batch_size_is_refused, Fixture) {
  WriteBatch b;
  b.put("part-1", std::string(1 << 20, 'a'));
  b.put("part-2", std::string(1 << 20, 'b'));
  b.put("part-3", "c");  // 2 MiB + a few bytes: each value fits, the batch does not
  expect_refused(b, "batch over max_batch_size");
}

BOOST_FIXTURE_TEST_CASE(refused_writes_leave_nothing_after_reopen, Fixture) {
  expect_refused(one_put(std::string(512, 'x'), "v"), "512-byte key");
  expect_refused(one_put("huge", std::string((1 << 20) + 1, 'v')), "oversized value");
  BOOST_REQUIRE(store->put({}, "after", "ok").ok());  // still usable, not poisoned
  const std::uint64_t seq = store->last_sequence();
  BOOST_REQUIRE(store->close().ok());
  store.reset();
  open();
  BOOST_TEST(store->last_sequence() == seq);
  BOOST_TEST(store->recovery_report().corruptions.empty());
  std::map<std::string, std::string> all;
  BOOST_REQUIRE(store->scan("", [&](std::string_view k, std::string_view v) {
                       all.emplace(k, v);
                       return true;
                     }).ok());
  BOOST_TEST(all.size() == 2u);  // "existing" and "after"
  BOOST_TEST(all.count("existing") == 1u);
  BOOST_TEST(all.count("after") == 1u);
}

BOOST_AUTO_TEST_CASE(default_limits_refuse_a_value_over_64_mib) {
  walkv::test::TempDir dir;
  Options o;
  o.compaction_trigger = 0;
  auto store = Store::open(dir.sub("store"), o);
  BOOST_REQUIRE(store.has_value());
  BOOST_TEST(o.max_value_size == 64u << 20);
  const std::uint64_t seq = (*store)->last_sequence();
  Status s = (*store)->put({}, "k", std::string((64u << 20) + 1, 'v'));
  BOOST_TEST((s.code() == Code::invalid_argument), s.to_string());
  BOOST_TEST((*store)->last_sequence() == seq);
}

BOOST_AUTO_TEST_CASE(max_key_size_above_lmdb_limit_is_refused_at_open) {
  walkv::test::TempDir dir;
  Options o;
  o.max_key_size = 512;
  auto store = Store::open(dir.sub("store"), o);
  BOOST_REQUIRE(!store.has_value());
  BOOST_TEST((store.error().code() == Code::invalid_argument));
  BOOST_TEST(!fs::exists(dir.sub("store")));  // refused before anything was created
}
