#define BOOST_TEST_MODULE store_recovery
#include <boost/test/unit_test.hpp>

#include <walkv/check.hpp>
#include <walkv/store.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "../support/log_files.hpp"
#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace walkv;
using walkv::test::TempDir;

namespace {

const WriteOptions kSync{Durability::sync};

Options small_options(RecoveryMode mode = RecoveryMode::tolerate_corrupted_tail) {
  Options o;
  o.segment_size = 64u << 10;
  o.compaction_trigger = 0;
  o.recovery_mode = mode;
  return o;
}

std::string key(int i) { return "key" + std::to_string(i); }
std::string value(int i) { return std::string(100 + i, static_cast<char>('a' + i % 26)); }

// A store with `n` puts in its log (one frame each), closed.
void make_store(const std::string& dir, int n, const Options& o = small_options()) {
  auto s = Store::open(dir, o);
  BOOST_REQUIRE(s.has_value());
  for (int i = 0; i < n; ++i) BOOST_REQUIRE((*s)->put(kSync, key(i), value(i)).ok());
  BOOST_REQUIRE((*s)->close().ok());
}

void expect_prefix_present(Store& s, int n) {
  for (int i = 0; i < n; ++i) {
    auto r = s.get(key(i));
    BOOST_REQUIRE(r.has_value());
    BOOST_REQUIRE_MESSAGE(r->has_value() && **r == value(i), "key " << i << " lost");
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(torn_last_frame_cut_at_every_byte_is_truncated_and_appends_continue) {
  TempDir dir;
  const std::string pristine = dir.sub("pristine");
  make_store(pristine, 5);
  const auto segs = test::segments(pristine);
  BOOST_REQUIRE(segs.size() == 1u);
  const auto offsets = test::frame_offsets(segs[0]);
  BOOST_REQUIRE(offsets.size() == 6u);
  const std::uint64_t start = offsets[4], end = offsets[5];
  for (std::uint64_t cut = start + 1; cut < end; ++cut) {
    const std::string work = dir.sub("work");
    fs::remove_all(work);
    fs::copy(pristine, work, fs::copy_options::recursive);
    fs::resize_file(test::segments(work)[0], cut);
    {
      auto s = Store::open(work, small_options());
      BOOST_REQUIRE_MESSAGE(s.has_value(), "cut at " << cut << ": " << test::error_text(s));
      const auto& report = (*s)->recovery_report();
      BOOST_TEST(report.bytes_truncated > 0u);
      BOOST_REQUIRE(report.corruptions.size() == 1u);
      BOOST_TEST(report.corruptions[0].torn_tail);
      BOOST_TEST(report.last_sequence == 4u);
      expect_prefix_present(**s, 4);
      auto torn = (*s)->get(key(4));
      BOOST_REQUIRE_MESSAGE(torn.has_value(), test::error_text(torn));
      BOOST_TEST(!torn->has_value());
      BOOST_REQUIRE((*s)->put(kSync, "after", "tear").ok());
    }
    auto again = Store::open(work, small_options());
    BOOST_REQUIRE(again.has_value());
    BOOST_TEST((*again)->recovery_report().corruptions.empty());
    BOOST_TEST((*again)->get("after")->value() == "tear");
    BOOST_TEST((*again)->last_sequence() == 5u);
  }
}

BOOST_AUTO_TEST_CASE(bit_flip_mid_log_refuses_to_open_and_names_segment_and_offset) {
  TempDir dir;
  make_store(dir.path(), 6);
  const auto seg = test::segments(dir.path())[0];
  const auto offsets = test::frame_offsets(seg);
  test::flip_byte(seg, offsets[2] + 20);  // payload of the third frame
  auto s = Store::open(dir.path(), small_options());
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code() == Code::corruption));
  const std::string& msg = s.error().message();
  BOOST_TEST_MESSAGE(msg);
  BOOST_TEST(msg.find(seg.filename().string()) != std::string::npos);
  BOOST_TEST(msg.find(std::to_string(offsets[2])) != std::string::npos);

  // The checker reports the same place without changing anything.
  auto check = check_log(dir.path());
  BOOST_REQUIRE(check.has_value());
  BOOST_TEST(check->corrupt);
  BOOST_REQUIRE(!check->report.corruptions.empty());
  BOOST_TEST(check->report.corruptions[0].offset == offsets[2]);
  BOOST_TEST(check->report.corruptions[0].segment.find(seg.filename().string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(zeroed_preallocated_tail_is_a_clean_end) {
  TempDir dir;
  make_store(dir.path(), 3);
  const auto seg = test::segments(dir.path())[0];
  BOOST_TEST(fs::file_size(seg) == (64u << 10));  // preallocated
  auto s = Store::open(dir.path(), small_options(RecoveryMode::absolute_consistency));
  BOOST_REQUIRE_MESSAGE(s.has_value(), test::error_text(s));
  BOOST_TEST((*s)->recovery_report().corruptions.empty());
  BOOST_TEST((*s)->recovery_report().bytes_truncated == 0u);
  expect_prefix_present(**s, 3);
}

BOOST_AUTO_TEST_CASE(absolute_consistency_refuses_a_torn_tail) {
  TempDir dir;
  make_store(dir.path(), 3);
  const auto seg = test::segments(dir.path())[0];
  const auto offsets = test::frame_offsets(seg);
  fs::resize_file(seg, offsets[2] + 30);
  auto s = Store::open(dir.path(), small_options(RecoveryMode::absolute_consistency));
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code() == Code::corruption));
}

BOOST_AUTO_TEST_CASE(point_in_time_keeps_the_prefix_before_damage) {
  TempDir dir;
  make_store(dir.path(), 6);
  const auto seg = test::segments(dir.path())[0];
  test::flip_byte(seg, test::frame_offsets(seg)[3] + 20);
  {
    auto s = Store::open(dir.path(), small_options(RecoveryMode::point_in_time));
    BOOST_REQUIRE_MESSAGE(s.has_value(), test::error_text(s));
    expect_prefix_present(**s, 3);
    BOOST_TEST(!(*s)->get(key(3))->has_value());
    BOOST_TEST(!(*s)->get(key(5))->has_value());
    BOOST_TEST((*s)->last_sequence() == 3u);
    BOOST_REQUIRE((*s)->put(kSync, "after", "pit").ok());
  }
  auto s = Store::open(dir.path(), small_options());  // the default mode now finds a clean log
  BOOST_REQUIRE_MESSAGE(s.has_value(), test::error_text(s));
  BOOST_TEST((*s)->get("after")->value() == "pit");
}

BOOST_AUTO_TEST_CASE(skip_corrupted_salvages_around_damage) {
  TempDir dir;
  make_store(dir.path(), 6);
  const auto seg = test::segments(dir.path())[0];
  test::flip_byte(seg, test::frame_offsets(seg)[2] + 20);
  {
    auto s = Store::open(dir.path(), small_options(RecoveryMode::skip_corrupted));
    BOOST_REQUIRE_MESSAGE(s.has_value(), test::error_text(s));
    BOOST_TEST(!(*s)->get(key(2))->has_value());
    BOOST_TEST((*s)->get(key(5))->value() == value(5));
    BOOST_TEST((*s)->recovery_report().corruptions.size() == 1u);
  }
  auto s = Store::open(dir.path(), small_options());
  BOOST_REQUIRE_MESSAGE(s.has_value(), test::error_text(s));
  BOOST_TEST((*s)->get(key(5))->value() == value(5));
}

BOOST_AUTO_TEST_CASE(repair_keeps_a_broken_copy_and_is_idempotent) {
  TempDir dir;
  make_store(dir.path(), 4);
  const auto seg = test::segments(dir.path())[0];
  fs::resize_file(seg, test::frame_offsets(seg)[3] + 9);
  auto check = check_log(dir.path());
  BOOST_REQUIRE(check.has_value());
  BOOST_TEST(check->torn_tail);
  BOOST_TEST(!check->corrupt);
  auto first = repair_log(dir.path());
  BOOST_REQUIRE_MESSAGE(first.has_value(), test::error_text(first));
  BOOST_TEST(first->bytes_truncated > 0u);
  BOOST_TEST(fs::exists(seg.string() + ".broken"));
  auto second = repair_log(dir.path());
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(second->bytes_truncated == 0u);
  BOOST_TEST(second->corruptions.empty());
  auto clean = check_log(dir.path());
  BOOST_TEST(!clean->torn_tail);
  BOOST_TEST(!clean->corrupt);
}

BOOST_AUTO_TEST_CASE(missing_snapshot_with_a_log_is_a_clear_error) {
  TempDir dir;
  make_store(dir.path(), 2);
  fs::remove_all(dir.sub("snapshot"));
  fs::create_directory(dir.sub("snapshot"));
  auto s = Store::open(dir.path(), small_options());
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code() == Code::corruption));
  BOOST_TEST(s.error().message().find("snapshot") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_first_segment_after_compaction_boundary_is_refused) {
  TempDir dir;
  Options o = small_options();
  {
    auto s = Store::open(dir.path(), o);
    BOOST_REQUIRE(s.has_value());
    // Enough to span several segments.
    for (int i = 0; i < 400; ++i) BOOST_REQUIRE((*s)->put(WriteOptions{Durability::none}, key(i), std::string(1000, 'x')).ok());
  }
  auto segs = test::segments(dir.path());
  BOOST_REQUIRE(segs.size() >= 3u);
  fs::remove(segs[1]);
  auto s = Store::open(dir.path(), o);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code() == Code::corruption));
}

BOOST_AUTO_TEST_CASE(leftover_temporary_files_are_removed_at_open) {
  TempDir dir;
  make_store(dir.path(), 1);
  test::write_bytes(dir.sub("wal/0000000000000009.wal.tmp"), std::string(100, 'x'));
  auto s = Store::open(dir.path(), small_options());
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(!fs::exists(dir.sub("wal/0000000000000009.wal.tmp")));
}

// ---- the LMDB snapshot's checksums ------------------------------------------

namespace {

// Flips the lowest bit of the byte `at` bytes after the start of every
// occurrence of `pattern` in the store's snapshot/data.mdb (the store must be
// closed). Returns how many were flipped.
int flip_in_snapshot(const std::string& dir, const std::string& pattern, std::size_t at) {
  const std::string path = dir + "/snapshot/data.mdb";
  std::string bytes = test::read_bytes(path);
  int flipped = 0;
  for (std::size_t found = bytes.find(pattern); found != std::string::npos; found = bytes.find(pattern, found + 1)) {
    bytes[found + at] = static_cast<char>(bytes[found + at] ^ 1);
    ++flipped;
  }
  test::write_bytes(path, bytes);
  return flipped;
}

// A store whose snapshot holds three sessions' values (compacted, log empty).
void make_compacted_store(const std::string& dir) {
  auto s = Store::open(dir, small_options());
  BOOST_REQUIRE(s.has_value());
  for (const char* id : {"s1", "s2", "s3"})
    BOOST_REQUIRE((*s)->put(kSync, std::string("session/") + id, std::string("state of ") + id + " #0123456789").ok());
  BOOST_REQUIRE((*s)->compact().ok());
  BOOST_REQUIRE((*s)->close().ok());
}

}  // namespace

BOOST_AUTO_TEST_CASE(damaged_snapshot_value_is_corruption_and_writing_the_key_again_heals_it) {
  TempDir dir;
  make_compacted_store(dir.path());
  BOOST_REQUIRE(flip_in_snapshot(dir.path(), "state of s2 #0123456789", 5) == 1);

  auto s = Store::open(dir.path(), small_options());
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? "ok" : s.error().to_string()));  // meta is intact: the store opens
  auto damaged = (*s)->get("session/s2");
  BOOST_REQUIRE(!damaged.has_value());
  BOOST_TEST((damaged.error().code() == Code::corruption));
  BOOST_TEST(damaged.error().message().find("\"session/s2\"") != std::string::npos, damaged.error().message());
  auto sound = (*s)->get("session/s3");
  BOOST_REQUIRE(sound.has_value());
  BOOST_TEST(sound->value_or("<absent>") == "state of s3 #0123456789");
  std::vector<std::string> visited;
  auto visit = [&](std::string_view k, std::string_view) {
    visited.emplace_back(k);
    return true;
  };
  Status scanned = (*s)->scan("session/", visit);
  BOOST_TEST((scanned.code() == Code::corruption));
  BOOST_TEST(visited.empty());

  // With a handler for damaged entries the scan reads what is sound.
  std::vector<std::string> reported;
  scanned = (*s)->scan("session/", visit, [&](std::string_view k, const Status& e) {
    BOOST_TEST((e.code() == Code::corruption));
    reported.emplace_back(k);
    return true;
  });
  BOOST_TEST(scanned.ok());
  BOOST_TEST((visited == std::vector<std::string>{"session/s1", "session/s3"}));
  BOOST_TEST((reported == std::vector<std::string>{"session/s2"}));
  // ... or stops with the error when it says so.
  scanned = (*s)->scan("session/", visit, [](std::string_view, const Status&) { return false; });
  BOOST_TEST((scanned.code() == Code::corruption));

  // A new write of the key shadows the damaged entry (for gets and scans),
  // and compaction replaces it.
  BOOST_REQUIRE((*s)->put(kSync, "session/s2", "rewritten").ok());
  BOOST_TEST((*s)->get("session/s2")->value_or("<absent>") == "rewritten");
  visited.clear();
  BOOST_TEST((*s)->scan("session/", visit).ok());
  BOOST_TEST((visited == std::vector<std::string>{"session/s1", "session/s2", "session/s3"}));
  BOOST_REQUIRE((*s)->compact().ok());
  BOOST_REQUIRE((*s)->close().ok());
  auto reopened = Store::open(dir.path(), small_options());
  BOOST_REQUIRE(reopened.has_value());
  BOOST_TEST((*reopened)->get("session/s2")->value_or("<absent>") == "rewritten");
  BOOST_TEST((*reopened)->scan("", [](std::string_view, std::string_view) { return true; }).ok());
}

BOOST_AUTO_TEST_CASE(damaged_snapshot_meta_refuses_to_open) {
  TempDir dir;
  make_compacted_store(dir.path());
  // The applied sequence's lowest byte, right after its key in the meta
  // database's leaf (in every copy of that page LMDB has written).
  BOOST_REQUIRE(flip_in_snapshot(dir.path(), "applied_sequence", std::string("applied_sequence").size()) >= 1);
  auto s = Store::open(dir.path(), small_options());
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code() == Code::corruption));
  BOOST_TEST(s.error().message().find("meta fails its checksum") != std::string::npos, s.error().message());
}
