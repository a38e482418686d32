// Real-process crash loop: crash_writer writes from several threads (durable
// and unsynced) and acknowledges each write on a pipe; after k acknowledgements
// it is killed with SIGKILL; the store is reopened with the library and every
// acknowledged write must be there, batches whole. Repeated on the same store
// CRASH_LOOP_ITERATIONS times (8 by default; the 'slow' suite runs 200).
#define BOOST_TEST_MODULE crash_loop
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

#include <walkv/store.hpp>

#include "crash_record.hpp"
#include <stdexcept>

#include "../support/temp_dir.hpp"
#include "tool_runner.hpp"
#include "writer_process.hpp"

using namespace walkv;
using namespace walkv::crash_test;

namespace {

constexpr unsigned kWriterThreads = 4;

unsigned iterations() {
  const char* value = std::getenv("CRASH_LOOP_ITERATIONS");
  return value ? static_cast<unsigned>(std::strtoul(value, nullptr, 10)) : 8u;
}

// Acknowledgements to wait for before the kill: varies per iteration.
std::size_t acks_before_kill(unsigned iteration) { return 20 + (iteration * 97u) % 400u; }

Options writer_options() {
  Options options;
  options.segment_size = 64 << 10;
  options.compaction_trigger = 256 << 10;
  return options;
}

std::optional<std::uint64_t> stored_counter(const Store& store, const std::string& key) {
  auto value = store.get(key);
  if (!value) BOOST_FAIL("get " << key << ": " << value.error().to_string());
  if (!*value) return std::nullopt;
  auto counter = counter_of(key, **value);
  BOOST_CHECK_MESSAGE(counter.has_value(), key << " holds a value crash_writer never wrote");
  return counter;
}

void check_single(const Store& store, const std::string& key, std::uint64_t acked) {
  auto counter = stored_counter(store, key);
  BOOST_CHECK_MESSAGE(counter && *counter >= acked,
                      key << ": acknowledged counter " << acked << " lost (stored: " << (counter ? *counter : 0) << ")");
}

void check_pair(const Store& store, const std::string& pair, std::uint64_t acked) {
  auto a = stored_counter(store, pair + "-a");
  auto b = stored_counter(store, pair + "-b");
  BOOST_CHECK_MESSAGE(a && *a >= acked, pair << ": acknowledged batch " << acked << " lost");
  BOOST_CHECK_MESSAGE(a == b, pair << ": a batch was applied in part (" << (a ? *a : 0) << " vs " << (b ? *b : 0) << ")");
}

void verify_acknowledged(const std::string& dir, const AckedWrites& acks, unsigned iteration) {
  auto store = Store::open(dir, writer_options());
  if (!store) BOOST_FAIL("iteration " << iteration << ": reopen: " << store.error().to_string());
  for (const auto& [key, counter] : acks.max_counter) {
    if (key[0] == 'p') {
      check_pair(**store, key, counter);
    } else {
      check_single(**store, key, counter);
    }
  }
  BOOST_REQUIRE((*store)->close().ok());
}

}  // namespace

BOOST_AUTO_TEST_CASE(acknowledged_writes_survive_kill_9) {
  walkv::test::TempDir tmp;
  std::string dir = tmp.sub("store");
  std::string writer = walkv::tools_test::tool_path("CRASH_WRITER");
  AckedWrites acks;
  unsigned count = iterations();
  for (unsigned i = 0; i < count; ++i) {
    WriterProcess process(writer, dir, i, kWriterThreads);
    process.read_acks(acks_before_kill(i), acks, std::chrono::seconds(60));
    process.kill_and_drain(acks);
    verify_acknowledged(dir, acks, i);
  }
  BOOST_TEST_MESSAGE(count << " kills, " << acks.total << " acknowledged writes, all recovered");
  BOOST_TEST(acks.total >= count * 20);
}
