// Store::statistics() and Options::listener: the counters move by exactly
// what the calls did, and every listener callback fires (a poisoned store is
// made with the fault-injecting file system of tests/support).
#define BOOST_TEST_MODULE walkv_statistics
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <walkv/event_listener.hpp>
#include <walkv/statistics.hpp>
#include <walkv/store.hpp>

#include "../support/fault_fs.hpp"
#include "../support/temp_dir.hpp"
#include "store/open_with.hpp"
#include "wal/batch_codec.hpp"
#include "wal/format.hpp"

using namespace walkv;
using walkv::test::FaultFs;
using walkv::test::FsOp;
using walkv::test::TempDir;

namespace {

const WriteOptions kSync{Durability::sync};
const WriteOptions kNone{Durability::none};

// Records every callback; wait_for() blocks (with a deadline) until a count is reached.
class RecordingListener final : public EventListener {
 public:
  void on_background_error(const Status& error) override { add([&] { background_errors.push_back(error); }); }
  void on_compaction_done(const CompactionInfo& info) override {
    add([&] { compactions.push_back(info); });
    if (during_compaction) during_compaction();
  }
  void on_store_poisoned(const Status& cause) override { add([&] { poisonings.push_back(cause); }); }
  void on_recovery_done(const RecoveryReport& report) override { add([&] { recoveries.push_back(report); }); }

  template <class Pred>
  bool wait_for(Pred pred) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), pred);
  }
  std::size_t count(const std::vector<Status>& v) {
    std::lock_guard<std::mutex> lock(mu_);
    return v.size();
  }

  std::vector<Status> background_errors;
  std::vector<CompactionInfo> compactions;
  std::vector<Status> poisonings;
  std::vector<RecoveryReport> recoveries;
  std::function<void()> during_compaction;  // runs inside on_compaction_done

 private:
  template <class Fn>
  void add(Fn fn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn();
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
};

Options small_options(std::shared_ptr<EventListener> listener = nullptr) {
  Options o;
  o.segment_size = 64u << 10;
  o.compaction_trigger = 0;
  o.initial_map_size = 1u << 20;
  o.listener = std::move(listener);
  return o;
}

// The log bytes one put of (key, value) takes: its frame.
std::uint64_t frame_bytes_of_put(const std::string& key, const std::string& value) {
  WriteBatch batch;
  batch.put(key, value);
  return wal::frame_size(wal::encode_batch(batch).size());
}

std::size_t segment_count(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/wal"))
    if (e.path().extension() == ".wal") ++n;
  return n;
}

std::unique_ptr<Store> must_open(const std::string& dir, const Options& o) {
  auto s = Store::open(dir, o);
  if (!s) throw std::runtime_error("open " + dir + ": " + s.error().to_string());
  return std::move(*s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_store_starts_at_zero) {
  TempDir tmp;
  auto store = must_open(tmp.sub("s"), small_options());
  Statistics s = store->statistics();
  BOOST_TEST(s.bytes_written == 0u);
  BOOST_TEST(s.frames_written == 0u);
  BOOST_TEST(s.group_commits == 0u);
  BOOST_TEST(s.fdatasyncs == 0u);
  BOOST_TEST(s.compactions == 0u);
  BOOST_TEST(s.replay_bytes == 0u);
  BOOST_TEST(s.mean_writers_per_fdatasync() == 0.0);
  BOOST_TEST(!s.poisoned);
}

BOOST_AUTO_TEST_CASE(writes_move_the_counters_by_exactly_what_they_wrote) {
  TempDir tmp;
  auto store = must_open(tmp.sub("s"), small_options());
  std::uint64_t expected_bytes = 0;
  for (int i = 0; i < 5; ++i) {
    const std::string key = "key-" + std::to_string(i), value(100 + i, 'v');
    BOOST_REQUIRE(store->put(kSync, key, value).ok());
    expected_bytes += frame_bytes_of_put(key, value);
  }
  Statistics s = store->statistics();
  BOOST_TEST(s.frames_written == 5u);
  BOOST_TEST(s.bytes_written == expected_bytes);
  BOOST_TEST(s.group_commits == 5u);  // one writer at a time: one group each
  BOOST_TEST(s.fdatasyncs == 5u);
  BOOST_TEST(s.synced_writers == 5u);
  BOOST_TEST(s.mean_writers_per_fdatasync() == 1.0);

  // A write that does not ask for durability: a group, a frame, no fdatasync.
  BOOST_REQUIRE(store->put(kNone, "k", "v").ok());
  expected_bytes += frame_bytes_of_put("k", "v");
  s = store->statistics();
  BOOST_TEST(s.frames_written == 6u);
  BOOST_TEST(s.bytes_written == expected_bytes);
  BOOST_TEST(s.group_commits == 6u);
  BOOST_TEST(s.fdatasyncs == 5u);

  // sync(): a group without frames and one fdatasync serving one writer.
  BOOST_REQUIRE(store->sync().ok());
  s = store->statistics();
  BOOST_TEST(s.frames_written == 6u);
  BOOST_TEST(s.group_commits == 7u);
  BOOST_TEST(s.fdatasyncs == 6u);
  BOOST_TEST(s.synced_writers == 6u);
  BOOST_TEST(s.write_stalls == 0u);  // everything fit in the first segment
}

BOOST_AUTO_TEST_CASE(a_rollover_to_a_new_segment_counts_as_one_write_stall) {
  TempDir tmp;
  const std::string dir = tmp.sub("s");
  auto store = must_open(dir, small_options());
  const std::string value(10000, 'x');  // six fit in a 64 KiB segment
  for (int i = 0; i < 20; ++i) BOOST_REQUIRE(store->put(kNone, "k" + std::to_string(i), value).ok());
  Statistics s = store->statistics();
  BOOST_REQUIRE_GE(segment_count(dir), 3u);
  BOOST_TEST(s.write_stalls == segment_count(dir) - 1);
  BOOST_TEST(s.write_stall_ns > 0u);
}

BOOST_AUTO_TEST_CASE(compaction_counts_the_log_bytes_it_folds_and_tells_the_listener) {
  TempDir tmp;
  const std::string dir = tmp.sub("s");
  auto listener = std::make_shared<RecordingListener>();
  auto store = must_open(dir, small_options(listener));
  const std::string value(10000, 'x');
  for (int i = 0; i < 10; ++i) BOOST_REQUIRE(store->put(kNone, "k" + std::to_string(i), value).ok());
  const std::size_t segments_before = segment_count(dir);
  const std::uint64_t written = store->statistics().bytes_written;
  // A callback may call the store: it runs outside the store's locks.
  Status put_from_callback(Code::io_error, "not called");
  listener->during_compaction = [&] { put_from_callback = store->put(kSync, "from-callback", "1"); };

  BOOST_REQUIRE(store->compact().ok());
  Statistics s = store->statistics();
  BOOST_TEST(s.compactions == 1u);
  BOOST_TEST(s.bytes_compacted == written);
  BOOST_TEST(s.compaction_ns > 0u);
  BOOST_REQUIRE_EQUAL(listener->compactions.size(), 1u);
  const CompactionInfo& info = listener->compactions[0];
  BOOST_TEST(info.bytes == written);
  BOOST_TEST(info.duration_ns == s.compaction_ns);
  BOOST_TEST(info.applied_sequence == 10u);
  BOOST_TEST(info.segments_deleted == segments_before);
  BOOST_TEST(!info.background);
  BOOST_TEST(put_from_callback.ok(), put_from_callback.to_string());

  // The second compaction folds only the write made from the callback.
  listener->during_compaction = nullptr;
  BOOST_REQUIRE(store->compact().ok());
  BOOST_TEST(store->statistics().compactions == 2u);
  BOOST_TEST(store->statistics().bytes_compacted == written + frame_bytes_of_put("from-callback", "1"));
}

BOOST_AUTO_TEST_CASE(background_compaction_is_reported_as_background) {
  TempDir tmp;
  auto listener = std::make_shared<RecordingListener>();
  Options o = small_options(listener);
  o.compaction_trigger = 1;  // the first write triggers it
  auto store = must_open(tmp.sub("s"), o);
  BOOST_REQUIRE(store->put(kSync, "a", "1").ok());
  BOOST_REQUIRE(listener->wait_for([&] { return !listener->compactions.empty(); }));
  BOOST_TEST(listener->compactions[0].background);
  BOOST_TEST(listener->compactions[0].bytes == frame_bytes_of_put("a", "1"));
}

BOOST_AUTO_TEST_CASE(reopening_counts_the_replay_and_tells_the_listener) {
  TempDir tmp;
  const std::string dir = tmp.sub("s");
  std::uint64_t written = 0;
  {
    auto store = must_open(dir, small_options());
    for (int i = 0; i < 7; ++i) BOOST_REQUIRE(store->put(kSync, "k" + std::to_string(i), "value").ok());
    written = store->statistics().bytes_written;
    BOOST_REQUIRE(store->close().ok());
  }
  auto listener = std::make_shared<RecordingListener>();
  auto store = must_open(dir, small_options(listener));
  Statistics s = store->statistics();
  BOOST_TEST(s.replay_bytes == written);
  BOOST_TEST(s.replay_ns == store->recovery_report().replay_ns);
  BOOST_TEST(s.bytes_written == 0u);  // counters are per open
  BOOST_REQUIRE_EQUAL(listener->recoveries.size(), 1u);
  BOOST_TEST(listener->recoveries[0].bytes_replayed == written);
  BOOST_TEST(listener->recoveries[0].frames_replayed == 7u);
}

BOOST_AUTO_TEST_CASE(a_failed_fdatasync_poisons_once_and_shows_in_the_statistics) {
  TempDir tmp;
  FaultFs fs;
  auto listener = std::make_shared<RecordingListener>();
  auto opened = open_store_with(fs, tmp.sub("s"), small_options(listener));
  BOOST_REQUIRE(opened.has_value());
  Store& store = **opened;
  BOOST_REQUIRE(store.put(kSync, "a", "1").ok());
  fs.fail(FsOp::fdatasync, 1, EIO);
  Status failed = store.put(kSync, "b", "2");
  BOOST_TEST((failed.code() == Code::poisoned), failed.to_string());
  Statistics s = store.statistics();
  BOOST_TEST(s.poisoned);
  BOOST_TEST(s.fdatasyncs == 2u);  // the failed one counts
  BOOST_TEST(s.frames_written == 1u);  // "b" was written but its group failed
  BOOST_REQUIRE_EQUAL(listener->poisonings.size(), 1u);
  BOOST_TEST((listener->poisonings[0].code() == Code::poisoned));
  BOOST_TEST(listener->poisonings[0].message().find("fdatasync") != std::string::npos,
             listener->poisonings[0].message());
  // Later refusals do not repeat the callback.
  BOOST_TEST((store.put(kSync, "c", "3").code() == Code::poisoned));
  BOOST_TEST((store.close().code() == Code::poisoned));
  BOOST_TEST(listener->poisonings.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_failing_background_compaction_is_a_background_error) {
  TempDir tmp;
  FaultFs fs;
  auto listener = std::make_shared<RecordingListener>();
  Options o = small_options(listener);
  o.compaction_trigger = 1;
  auto opened = open_store_with(fs, tmp.sub("s"), o);
  BOOST_REQUIRE(opened.has_value());
  fs.fail(FsOp::unlink, 1, EIO, /*until_healed=*/true);  // deleting the obsolete segment fails
  BOOST_REQUIRE((*opened)->put(kSync, "a", "1").ok());
  BOOST_REQUIRE(listener->wait_for([&] { return !listener->background_errors.empty(); }));
  BOOST_TEST((listener->background_errors[0].code() == Code::io_error), listener->background_errors[0].to_string());
  BOOST_TEST(listener->compactions.empty());
  BOOST_TEST((*opened)->statistics().compactions == 0u);
  fs.heal();
  BOOST_REQUIRE((*opened)->close().ok());
}
