// dump_log (include/walkv/check.hpp), the library side of walkv-replay dump:
// what its summary says when the listing runs to the end of the log and when
// it stops early (past --to, or the visitor says stop).
#define BOOST_TEST_MODULE walkv_log_dump
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <walkv/check.hpp>

#include "../support/temp_dir.hpp"
#include "store_fixture.hpp"

using namespace walkv;
using namespace walkv::tools_test;
using walkv::test::error_text;
using walkv::test::TempDir;

namespace {

constexpr int kKeys = 20;  // sequences 1..20, one put each

SequenceRange range(std::uint64_t from, std::uint64_t to = SequenceRange{}.to) {
  SequenceRange r;
  r.from = from;
  r.to = to;
  return r;
}

struct DumpedStore {
  TempDir tmp;
  std::string dir = tmp.sub("store");
  DumpedStore() { fill_store(dir, kKeys, 100); }

  // Dumps `which`, stopping after the record of sequence `stop_at` (0: never);
  // `sequences` receives the sequence of every record visited.
  DumpSummary dump(const SequenceRange& which, std::uint64_t stop_at = 0) {
    auto summary = dump_log(dir, which, [&](const LogRecord& record) {
      sequences.push_back(record.sequence);
      return record.sequence != stop_at;
    });
    BOOST_REQUIRE_MESSAGE(summary.has_value(), error_text(summary));
    return *summary;
  }
  std::vector<std::uint64_t> sequences;
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_whole_dump_reports_the_last_sequence_of_the_log, DumpedStore) {
  DumpSummary summary = dump({});
  BOOST_TEST(summary.frames == static_cast<std::uint64_t>(kKeys));
  BOOST_TEST(summary.last_sequence == static_cast<std::uint64_t>(kKeys));
  BOOST_TEST(!summary.stopped);
}

BOOST_FIXTURE_TEST_CASE(a_dump_stopped_by_to_reports_the_last_sequence_it_listed, DumpedStore) {
  DumpSummary summary = dump(range(5, 8));
  BOOST_TEST(sequences == (std::vector<std::uint64_t>{5, 6, 7, 8}));
  BOOST_TEST(summary.frames == 4u);
  BOOST_TEST(summary.last_sequence == 8u);  // not 0, and not the 9 that ended the scan
  BOOST_TEST(!summary.stopped);
}

BOOST_FIXTURE_TEST_CASE(a_dump_stopped_by_the_visitor_reports_where_it_stopped, DumpedStore) {
  DumpSummary summary = dump(range(3), /*stop_at=*/6);
  BOOST_TEST(sequences == (std::vector<std::uint64_t>{3, 4, 5, 6}));
  BOOST_TEST(summary.stopped);
  BOOST_TEST(summary.last_sequence == 6u);
}

BOOST_FIXTURE_TEST_CASE(a_range_past_the_end_lists_nothing_and_reports_the_last_sequence, DumpedStore) {
  DumpSummary summary = dump(range(kKeys + 5));
  BOOST_TEST(sequences.empty());
  BOOST_TEST(summary.frames == 0u);
  BOOST_TEST(summary.last_sequence == static_cast<std::uint64_t>(kKeys));
}

BOOST_FIXTURE_TEST_CASE(a_range_before_the_first_frame_that_stops_at_once_reports_0, DumpedStore) {
  DumpSummary summary = dump(range(0, 0));
  BOOST_TEST(sequences.empty());
  BOOST_TEST(summary.last_sequence == 0u);  // the scan stopped at sequence 1: nothing read up to --to
}
