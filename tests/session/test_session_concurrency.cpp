// Many threads checkpointing one session, and many sessions at once.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <thread>

#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(fifty_threads_on_one_session_get_distinct_numbers) {
  constexpr int kThreads = 50;
  constexpr int kPerThread = 4;
  SessionFixture f;
  BOOST_REQUIRE(f.sessions().create("shared").ok());

  std::mutex results_mutex;
  std::vector<std::uint64_t> numbers;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto number = f.sessions().checkpoint("shared", checkpoint_data("t" + std::to_string(t)));
        std::lock_guard lock(results_mutex);
        if (number) {
          numbers.push_back(*number);
        } else {
          errors.push_back(number.error().to_string());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  BOOST_TEST(errors.empty());
  std::sort(numbers.begin(), numbers.end());
  std::vector<std::uint64_t> expected(kThreads * kPerThread);
  std::iota(expected.begin(), expected.end(), 1);
  BOOST_TEST(numbers == expected);

  auto latest = f.sessions().latest_checkpoint("shared");
  BOOST_REQUIRE(latest.has_value() && latest->has_value());
  BOOST_TEST((*latest)->number == std::uint64_t{kThreads * kPerThread});
  BOOST_TEST((*f.sessions().info("shared"))->latest_checkpoint == std::uint64_t{kThreads * kPerThread});
  BOOST_TEST(stored_checkpoints(f.store(), "shared").size() == 5u);
}

BOOST_AUTO_TEST_CASE(threads_on_distinct_sessions) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 10;
  SessionFixture f;

  std::mutex results_mutex;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string id = "session-" + std::to_string(t);
      auto note = [&](const Status& s) {
        std::lock_guard lock(results_mutex);
        errors.push_back(id + ": " + s.to_string());
      };
      if (Status created = f.sessions().create(id); !created) return note(created);
      for (int i = 1; i <= kPerThread; ++i) {
        auto number = f.sessions().checkpoint(id, checkpoint_data(id + "/" + std::to_string(i)));
        if (!number) return note(number.error());
        if (*number != static_cast<std::uint64_t>(i)) return note(Status(Code::corruption, "wrong number"));
      }
      if (t % 2 == 0) {
        if (Status done = f.sessions().complete(id); !done) note(done);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(errors.empty(), [&] {
    std::string all;
    for (const auto& e : errors) all += e + "\n";
    return all;
  }());

  auto listed = f.sessions().list();
  BOOST_REQUIRE(listed.has_value());
  BOOST_TEST(listed->size() == std::size_t{kThreads});
  for (int t = 0; t < kThreads; ++t) {
    std::string id = "session-" + std::to_string(t);
    auto latest = f.sessions().latest_checkpoint(id);
    BOOST_REQUIRE(latest.has_value() && latest->has_value());
    BOOST_TEST((*latest)->state == id + "/" + std::to_string(kPerThread));
  }

  f.reopen();
  auto found = f.sessions().interrupted();
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->size() == std::size_t{kThreads / 2});
}

BOOST_AUTO_TEST_CASE(cleanup_and_checkpoints_race_safely) {
  SessionFixture f;
  for (int i = 0; i < 8; ++i) BOOST_REQUIRE(f.sessions().create("s" + std::to_string(i)).ok());
  std::thread writer([&] {
    for (int round = 0; round < 20; ++round) {
      for (int i = 0; i < 8; ++i) (void)f.sessions().checkpoint("s" + std::to_string(i), checkpoint_data("x"));
    }
  });
  auto removed = f.sessions().cleanup_stale(std::chrono::nanoseconds(0));
  writer.join();
  BOOST_REQUIRE(removed.has_value());
  // Whatever the interleaving, no session is left half-deleted: every remaining
  // checkpoint belongs to a session whose record exists.
  auto listed = f.sessions().list();
  BOOST_REQUIRE(listed.has_value());
  BOOST_TEST(listed->size() + removed->size() == 8u);
  for (int i = 0; i < 8; ++i) {
    std::string id = "s" + std::to_string(i);
    bool has_record = f.sessions().info(id)->has_value();
    if (!has_record) BOOST_TEST(stored_checkpoints(f.store(), id).empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()
