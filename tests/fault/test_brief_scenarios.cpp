// The store-level scenarios of brief §7 that tests/store and tests/wal do not
// already cover (docs/durability.md lists where each scenario is tested):
// duplicate / out-of-order / stale segments, snapshot ahead of the log,
// MDB_MAP_FULL at commit. (Symlinks: tests/security/test_symlinks.cpp.)
#define BOOST_TEST_MODULE fault_brief_scenarios
#include <boost/test/unit_test.hpp>

#include <walkv/check.hpp>

#include <cstring>

#include "../support/log_files.hpp"
#include "fault_fixture.hpp"
#include "wal/batch_codec.hpp"
#include "wal/format.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

wal::StoreId store_id_of(const stdfs::path& segment) {
  const std::string bytes = read_bytes(segment);
  wal::StoreId id{};
  std::memcpy(id.data(), bytes.data() + 16, id.size());
  return id;
}

std::uint64_t segment_number_of(const stdfs::path& segment) {
  const std::string bytes = read_bytes(segment);
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data() + 32, 8);  // little-endian host (x86-64, aarch64)
  return n;
}

// Writes wal/<first_sequence>.wal: a valid header (store id, number, first
// sequence), then `puts` frames with consecutive sequences, then zeros to 64 KiB.
stdfs::path write_segment(const std::string& store, const wal::StoreId& id, std::uint64_t number,
                          std::uint64_t first_sequence, const std::vector<std::string>& puts) {
  wal::SegmentHeader h;
  h.store_id = id;
  h.segment_number = number;
  h.first_sequence = first_sequence;
  std::uint8_t header[wal::kSegmentHeaderSize];
  wal::encode_segment_header(h, header);
  std::string data(reinterpret_cast<const char*>(header), sizeof header);
  std::uint64_t sequence = first_sequence;
  for (const auto& key : puts) {
    WriteBatch b;
    b.put(key, "planted");
    const std::string payload = wal::encode_batch(b);
    std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
    wal::append_frame(data, sequence++, bytes, wal::payload_crc(bytes));
  }
  data.resize(64u << 10, '\0');
  const stdfs::path path = stdfs::path(store) / "wal" / wal::segment_file_name(first_sequence);
  write_bytes(path, data);
  return path;
}

// A closed store with puts k100.. spanning `min_segments` segments; returns the model.
Model make_store(const std::string& dir, std::size_t min_segments, int puts = 60) {
  Model m;
  FaultFs fs;
  auto s = must_open(fs, dir);
  for (int i = 0; i < puts; ++i) {
    const std::string key = "k" + std::to_string(100 + i);
    BOOST_REQUIRE(s->put(kNone, key, filler(3000, i)).ok());
    m[key] = filler(3000, i);
  }
  BOOST_REQUIRE(s->close().ok());
  BOOST_REQUIRE(segments(dir).size() >= min_segments);
  return m;
}

std::uint64_t last_sequence_of(const std::string& dir) {
  FaultFs fs;
  return must_open(fs, dir)->last_sequence();
}

Status open_error(const std::string& dir) {
  FaultFs fs;
  auto s = open_over(fs, dir);
  return s ? Status() : s.error();
}

// Every test's setup: a store path in a temporary directory.
struct StoreFixture {
  TempDir tmp;
  const std::string store = tmp.sub("store");
};

// Which segment header a segment planted in the middle of the log copies
// (and how it differs from it).
struct Plant {
  std::size_t number_of = 1;        // takes the number of segment [number_of] of the log...
  std::uint64_t number_offset = 0;  // ...plus this
  bool foreign = false;             // with another store's id
};

// Makes a closed store of three or more segments in `store` and plants a
// segment with one put in its middle, named as if it started one sequence
// after the second segment; then expects open to refuse the log as
// corruption, naming `reason` and the planted file.
void expect_planted_middle_segment_refused(const std::string& store, const Plant& plant, const std::string& reason) {
  make_store(store, 3);
  const auto segs = segments(store);
  std::uint64_t first = 0;
  BOOST_REQUIRE(wal::parse_segment_file_name(segs[1].filename().string(), &first));
  wal::StoreId id = store_id_of(segs[1]);
  if (plant.foreign) id[3] ^= 0x55;
  const std::uint64_t number = segment_number_of(segs[plant.number_of]) + plant.number_offset;
  const auto planted = write_segment(store, id, number, first + 1, {"planted"});
  Status st = open_error(store);
  BOOST_TEST((st.code() == Code::corruption), st.to_string());
  BOOST_TEST(st.message().find(reason) != std::string::npos, st.message());
  BOOST_TEST(st.message().find(planted.filename().string()) != std::string::npos, st.message());
}

}  // namespace

// A second segment with the same number as its predecessor, in the middle of
// the log (e.g. restored from a backup of another moment): refused, naming it.
BOOST_FIXTURE_TEST_CASE(duplicate_segment_in_the_middle_is_refused, StoreFixture) {
  expect_planted_middle_segment_refused(store, Plant{.number_of = 1, .number_offset = 0, .foreign = false},
                                        "duplicate segment");
}

// A segment whose number goes back, in the middle of the log: refused.
BOOST_FIXTURE_TEST_CASE(out_of_order_segment_in_the_middle_is_refused, StoreFixture) {
  expect_planted_middle_segment_refused(store, Plant{.number_of = 0, .number_offset = 0, .foreign = false},
                                        "out-of-order segment");
}

namespace {

// A stale last segment (never this log's) reads as the end of the log: its
// frames are not replayed, it is reported and removed, appends continue and
// roll past its name without the log ever reading it again.
void stale_last_segment_is_the_end_of_the_log(bool foreign) {
  StoreFixture fixture;
  const std::string& store = fixture.store;
  Model model = make_store(store, 2);
  const auto segs = segments(store);
  const std::uint64_t next = last_sequence_of(store) + 1;
  wal::StoreId id = store_id_of(segs.back());
  std::uint64_t number = segment_number_of(segs.back()) + 1;
  if (foreign) id[0] ^= 0xff;  // another store's segment, numbered as if it were ours
  else number = 1;             // ours, but a number from the past (a recycled file)
  const auto planted = write_segment(store, id, number, next, {"planted/1", "planted/2"});
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    const auto& report = s->recovery_report();
    BOOST_REQUIRE(report.corruptions.size() == 1u);
    BOOST_TEST(report.corruptions[0].reason.find("stale segment ignored") != std::string::npos,
               report.corruptions[0].reason);
    BOOST_TEST(report.corruptions[0].segment == "wal/" + planted.filename().string());
    BOOST_TEST(!report.corruptions[0].torn_tail);
    BOOST_TEST(s->last_sequence() == next - 1);
    BOOST_TEST(must_read_all(*s) == model);
    for (int i = 0; i < 30; ++i) {  // past the planted segment's name, into a new segment
      const std::string key = "after/" + std::to_string(100 + i);
      BOOST_REQUIRE(s->put(kSync, key, filler(3000, i)).ok());
      model[key] = filler(3000, i);
    }
  }
  FaultFs fs;
  auto s = must_open(fs, store);
  BOOST_TEST(s->recovery_report().corruptions.empty());
  BOOST_TEST(must_read_all(*s) == model);
}

}  // namespace

BOOST_AUTO_TEST_CASE(stale_segment_of_another_store_at_the_end_is_ignored) {
  stale_last_segment_is_the_end_of_the_log(/*foreign=*/true);
}

BOOST_AUTO_TEST_CASE(stale_segment_with_an_earlier_number_at_the_end_is_ignored) {
  stale_last_segment_is_the_end_of_the_log(/*foreign=*/false);
}

// Another store's segment in the middle of the log is damage, not a stale end.
BOOST_FIXTURE_TEST_CASE(segment_of_another_store_in_the_middle_is_refused, StoreFixture) {
  expect_planted_middle_segment_refused(store, Plant{.number_of = 1, .number_offset = 1, .foreign = true},
                                        "foreign segment");
}

// The snapshot holds sequences the surviving log never reached (wal/ restored
// from an older backup): a clear error, not a silent rollback.
BOOST_FIXTURE_TEST_CASE(snapshot_ahead_of_the_log_is_a_clear_error, StoreFixture) {
  const std::string old_wal = tmp.sub("old-wal");
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    for (int i = 0; i < 5; ++i) BOOST_REQUIRE(s->put(kSync, "a" + std::to_string(i), "1").ok());
    BOOST_REQUIRE(s->close().ok());
  }
  stdfs::copy(store + "/wal", old_wal, stdfs::copy_options::recursive);
  {
    FaultFs fs;
    auto s = must_open(fs, store);
    for (int i = 0; i < 5; ++i) BOOST_REQUIRE(s->put(kSync, "b" + std::to_string(i), "2").ok());
    BOOST_REQUIRE(s->compact().ok());  // the snapshot now ends at sequence 10
  }
  stdfs::remove_all(store + "/wal");
  stdfs::copy(old_wal, store + "/wal", stdfs::copy_options::recursive);  // ends at sequence 5
  Status st = open_error(store);
  BOOST_TEST((st.code() == Code::corruption), st.to_string());
  BOOST_TEST(st.message().find("ahead of the log") != std::string::npos, st.message());
  auto check = check_log(store);
  BOOST_REQUIRE(check.has_value());
  BOOST_TEST(check->corrupt);
}

// MDB_MAP_FULL at commit: with a tiny initial map, compaction grows the map
// and retries; nothing is lost and a reopen (with the same tiny option) reads
// everything.
BOOST_FIXTURE_TEST_CASE(map_full_at_compaction_grows_the_map, StoreFixture) {
  Options o = fault_options();
  o.initial_map_size = 64u << 10;
  Model model;
  {
    FaultFs fs;
    auto s = must_open(fs, store, o);
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 300; ++i) {
        const std::string key = "r" + std::to_string(round) + "/" + std::to_string(1000 + i);
        BOOST_REQUIRE(s->put(kNone, key, filler(3000, i + round)).ok());
        model[key] = filler(3000, i + round);
      }
      Status st = s->compact();
      BOOST_REQUIRE_MESSAGE(st.ok(), st.to_string());
      BOOST_TEST(must_read_all(*s) == model);
    }
  }
  auto sizes = store_sizes(store);
  BOOST_REQUIRE(sizes.has_value());
  BOOST_TEST(sizes->snapshot_bytes > (1u << 20));  // far beyond the 64 KiB it started with
  FaultFs fs;
  auto s = must_open(fs, store, o);
  BOOST_TEST(s->recovery_report().frames_replayed == 0u);
  BOOST_TEST(must_read_all(*s) == model);
}
