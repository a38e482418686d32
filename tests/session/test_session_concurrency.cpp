// Many threads checkpointing one session, and many sessions at once.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <future>
#include <map>
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
  auto removed = f.sessions().cleanup(CleanupPolicy{.max_age = std::chrono::nanoseconds(0)});
  writer.join();
  BOOST_REQUIRE(removed.has_value());
  BOOST_TEST(removed->deleted.size() == 8u);
  // Whatever the interleaving, no session is left half-deleted: every remaining
  // checkpoint belongs to a session whose record exists.
  auto listed = f.sessions().list();
  BOOST_REQUIRE(listed.has_value());
  BOOST_TEST(listed->size() + removed->deleted.size() == 8u);
  for (int i = 0; i < 8; ++i) {
    std::string id = "s" + std::to_string(i);
    bool has_record = f.sessions().info(id)->has_value();
    if (!has_record) BOOST_TEST(stored_checkpoints(f.store(), id).empty());
  }
}

// 50+ writers doing read-modify-write on one session: each appends its own
// values to the state through update(). Every value written must be in the
// final state exactly once, and each checkpoint must hold exactly the state
// its writer built (checked value by value, every checkpoint kept).
BOOST_AUTO_TEST_CASE(fifty_two_writers_updating_one_session_lose_nothing) {
  constexpr int kThreads = 52;
  constexpr int kPerThread = 5;
  constexpr int kTotal = kThreads * kPerThread;
  SessionFixture f(SessionOptions{.keep_checkpoints = kTotal + 1, .durability = Durability::none});
  BOOST_REQUIRE(f.sessions().create("shared").ok());

  std::mutex results_mutex;
  std::map<std::uint64_t, std::string> written;  // checkpoint number -> state the writer built
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string mine = "<" + std::to_string(t) + "." + std::to_string(i) + ">";
        std::string built;
        auto number = f.sessions().update("shared", [&](const std::optional<Checkpoint>& latest) {
          built = (latest ? latest->state : std::string()) + mine;
          CheckpointData next = checkpoint_data(built);
          return next;
        });
        std::lock_guard lock(results_mutex);
        if (number) {
          written.emplace(*number, built);
        } else {
          errors.push_back(number.error().to_string());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(errors.empty());
  BOOST_REQUIRE(written.size() == std::size_t{kTotal});

  // Numbers 1..kTotal, each extending the previous one by exactly one value.
  std::string previous;
  std::uint64_t expected_number = 1;
  for (const auto& [number, state] : written) {
    BOOST_TEST(number == expected_number);
    ++expected_number;
    BOOST_TEST(state.starts_with(previous));
    BOOST_TEST(std::count(state.begin(), state.end(), '<') == static_cast<long>(number));
    auto stored = f.sessions().load_checkpoint("shared", number);
    BOOST_REQUIRE(stored.has_value() && stored->has_value());
    BOOST_TEST((*stored)->state == state);
    previous = state;
  }
  // The final state holds every value exactly once.
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      std::string mine = "<" + std::to_string(t) + "." + std::to_string(i) + ">";
      auto first = previous.find(mine);
      BOOST_TEST(first != std::string::npos, mine);
      BOOST_TEST(previous.find(mine, first + 1) == std::string::npos, mine);
    }
  }
  BOOST_TEST((*f.sessions().info("shared"))->latest_checkpoint == std::uint64_t{kTotal});
}

// Distinct sessions never wait for each other: while one thread holds session
// "held" (inside an update() callback), 100 other sessions are created,
// checkpointed and completed. With a lock shared between sessions this test
// would hang instead of finishing.
BOOST_AUTO_TEST_CASE(a_busy_session_does_not_block_others) {
  SessionFixture f(SessionOptions{.durability = Durability::none});
  BOOST_REQUIRE(f.sessions().create("held").ok());
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    auto number = f.sessions().update("held", [&](const std::optional<Checkpoint>&) {
      entered.set_value();
      released.wait();
      return checkpoint_data("held state");
    });
    BOOST_TEST(number.has_value());
  });
  entered.get_future().wait();
  for (int i = 0; i < 100; ++i) {
    std::string id = "other-" + std::to_string(i);
    BOOST_REQUIRE(f.sessions().create(id).ok());
    BOOST_REQUIRE(f.sessions().checkpoint(id, checkpoint_data(id)).value() == 1u);
    BOOST_REQUIRE(f.sessions().add_index(id, "n", std::to_string(i)).ok());
    BOOST_REQUIRE(f.sessions().complete(id).ok());
  }
  // Reads of the held session do not wait either.
  BOOST_TEST((*f.sessions().info("held"))->latest_checkpoint == 0u);
  release.set_value();
  holder.join();
  BOOST_TEST((*f.sessions().latest_checkpoint("held"))->state == "held state");
}

BOOST_AUTO_TEST_SUITE_END()
