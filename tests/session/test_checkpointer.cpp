// The Checkpointer: every N messages, dirty flush from a tick, idle sessions
// never rewritten, identity written at once, close() flushes everything.
// Time is injected: tests call tick(now) themselves, or wait on a condition
// variable for the background thread; nothing sleeps.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <walkv/checkpointer.hpp>

#include "session_fixture.hpp"
#include "session_inspect.hpp"

using namespace walkv;
using namespace walkv::test;
using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

namespace {

// A clock the test moves by hand. Every call is counted and announced, so a
// test can wait for the background thread's next tick.
class ManualClock {
 public:
  Time now() {
    {
      std::lock_guard lock(mutex_);
      ++calls_;
    }
    called_.notify_all();
    return Time(std::chrono::nanoseconds(ns_.load()));
  }
  void advance(std::chrono::nanoseconds d) { ns_ += d.count(); }
  Time at(std::chrono::nanoseconds d) const { return Time(d); }
  CheckpointerOptions::Clock function() {
    return [this] { return now(); };
  }
  // Waits (bounded) until `done()` holds, re-checking at every clock call.
  template <class Predicate>
  bool wait_until(Predicate done) {
    std::unique_lock lock(mutex_);
    return called_.wait_for(lock, 20s, done);
  }

 private:
  std::atomic<std::int64_t> ns_{0};
  std::mutex mutex_;
  std::condition_variable called_;
  std::uint64_t calls_ = 0;
};

CheckpointData message_state(int n) { return checkpoint_data("state after message " + std::to_string(n), n); }

std::unique_ptr<Checkpointer> start(SessionStore& sessions, ManualClock& clock, std::uint32_t every = 10) {
  CheckpointerOptions options;
  options.every_messages = every;
  options.flush_interval = 30s;
  options.background = false;
  options.clock = clock.function();
  auto checkpointer = Checkpointer::start(sessions, options);
  BOOST_REQUIRE(checkpointer.has_value());
  return std::move(*checkpointer);
}

std::string latest_state(SessionStore& sessions, const std::string& id) {
  auto latest = sessions.latest_checkpoint(id);
  BOOST_REQUIRE(latest.has_value());
  return *latest ? (*latest)->state : std::string("<none>");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(checkpointer)

BOOST_AUTO_TEST_CASE(writes_every_n_messages) {
  SessionFixture f;
  ManualClock clock;
  BOOST_REQUIRE(f.sessions().create("chat").ok());
  auto c = start(f.sessions(), clock);
  for (int n = 1; n <= 25; ++n) {
    auto wrote = c->message("chat", message_state(n));
    BOOST_REQUIRE(wrote.has_value());
    BOOST_TEST(*wrote == (n % 10 == 0), "message " << n);
    if (n == 9) BOOST_TEST(latest_state(f.sessions(), "chat") == "<none>");
    if (n == 10) BOOST_TEST(latest_state(f.sessions(), "chat") == "state after message 10");
  }
  BOOST_TEST(latest_state(f.sessions(), "chat") == "state after message 20");
  BOOST_TEST(stored_checkpoints(f.store(), "chat") == (std::vector<std::uint64_t>{1, 2}));
  BOOST_TEST(c->dirty_count() == 1u);
  auto stats = c->stats();
  BOOST_TEST(stats.messages == 25u);
  BOOST_TEST(stats.checkpoints == 2u);
  BOOST_TEST(stats.by_count == 2u);
  BOOST_TEST(stats.state_bytes == 2 * std::string("state after message 10").size());
  BOOST_REQUIRE(c->close().ok());
  BOOST_TEST(latest_state(f.sessions(), "chat") == "state after message 25");
  BOOST_TEST(c->stats().by_request == 1u);
}

BOOST_AUTO_TEST_CASE(tick_flushes_dirty_sessions_after_the_interval_and_never_idle_ones) {
  SessionFixture f;
  ManualClock clock;
  BOOST_REQUIRE(f.sessions().create("busy").ok());
  BOOST_REQUIRE(f.sessions().create("idle").ok());
  auto c = start(f.sessions(), clock);
  BOOST_REQUIRE(c->message("idle", message_state(1)).has_value());
  BOOST_REQUIRE(c->flush("idle").ok());  // written once, then idle for good
  for (int n = 1; n <= 3; ++n) BOOST_REQUIRE(c->message("busy", message_state(n)).has_value());

  BOOST_TEST(c->tick(clock.at(29s)).value() == 0u);
  BOOST_TEST(latest_state(f.sessions(), "busy") == "<none>");
  clock.advance(30s);
  BOOST_TEST(c->tick(clock.at(30s)).value() == 1u);
  BOOST_TEST(latest_state(f.sessions(), "busy") == "state after message 3");
  BOOST_TEST(c->dirty_count() == 0u);

  // Hours of ticks with nothing new: nothing is rewritten.
  std::uint64_t sequence = f.store().last_sequence();
  for (int minute = 1; minute <= 240; ++minute) {
    BOOST_TEST(c->tick(clock.at(30s + minute * 60s)).value() == 0u);
  }
  BOOST_TEST(f.store().last_sequence() == sequence);
  BOOST_TEST(stored_checkpoints(f.store(), "idle") == (std::vector<std::uint64_t>{1}));
  BOOST_TEST(c->stats().by_timer == 1u);
  BOOST_TEST(c->stats().ticks == 242u);
}

BOOST_AUTO_TEST_CASE(a_session_is_written_at_most_once_per_interval_by_ticks) {
  SessionFixture f;
  ManualClock clock;
  BOOST_REQUIRE(f.sessions().create("s").ok());
  auto c = start(f.sessions(), clock, 1000);
  // One message per second for two minutes, a tick every second.
  for (int second = 0; second < 120; ++second) {
    clock.advance(1s);
    BOOST_REQUIRE(c->message("s", message_state(second)).has_value());
    BOOST_REQUIRE(c->tick(clock.now()).has_value());
  }
  // Written at 31 s, 61 s, 91 s: three checkpoints for 120 messages.
  BOOST_TEST(c->stats().checkpoints == 3u);
  BOOST_TEST(latest_state(f.sessions(), "s") == "state after message 90");
}

BOOST_AUTO_TEST_CASE(identity_is_written_at_once) {
  SessionFixture f;
  ManualClock clock;
  BOOST_REQUIRE(f.sessions().create("chat").ok());
  auto c = start(f.sessions(), clock);
  BOOST_REQUIRE(c->message("chat", message_state(1)).has_value());
  BOOST_REQUIRE(c->identify("chat", "fingerprint", "fp-1").ok());
  BOOST_TEST(f.sessions().find("fingerprint", "fp-1").value() == std::vector<std::string>{"chat"});
  BOOST_REQUIRE(c->identify("chat", "fingerprint", "fp-2").ok());  // replaces
  BOOST_TEST(f.sessions().find("fingerprint", "fp-1")->empty());
  BOOST_TEST(c->stats().identity_writes == 2u);
  // The message state is still only in memory; a crash now loses it, not the identity.
  BOOST_TEST(latest_state(f.sessions(), "chat") == "<none>");
  BOOST_TEST((c->identify("nobody", "fingerprint", "x").code() == Code::invalid_argument));
  c.reset();  // destruction closes (and flushes)
  f.reopen();
  BOOST_TEST(f.sessions().find("fingerprint", "fp-2").value() == std::vector<std::string>{"chat"});
  BOOST_TEST(latest_state(f.sessions(), "chat") == "state after message 1");
}

BOOST_AUTO_TEST_CASE(close_flushes_everything_dirty) {
  SessionFixture f;
  ManualClock clock;
  auto c = start(f.sessions(), clock);
  for (int s = 0; s < 20; ++s) {
    std::string id = "s" + std::to_string(s);
    BOOST_REQUIRE(f.sessions().create(id).ok());
    for (int n = 1; n <= s % 7; ++n) BOOST_REQUIRE(c->message(id, message_state(n)).has_value());
  }
  BOOST_TEST(c->dirty_count() == 17u);  // s % 7 == 0 for s0, s7, s14: no messages
  BOOST_REQUIRE(c->close().ok());
  BOOST_REQUIRE(c->close().ok());  // idempotent
  BOOST_TEST(c->dirty_count() == 0u);
  for (int s = 0; s < 20; ++s) {
    std::string id = "s" + std::to_string(s);
    std::string expected = s % 7 == 0 ? "<none>" : "state after message " + std::to_string(s % 7);
    BOOST_TEST(latest_state(f.sessions(), id) == expected, id);
  }
  auto refused = c->message("s1", message_state(9));
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((refused.error().code() == Code::not_supported));
}

BOOST_AUTO_TEST_CASE(complete_and_fail_flush_first) {
  SessionFixture f;
  ManualClock clock;
  BOOST_REQUIRE(f.sessions().create("done").ok());
  BOOST_REQUIRE(f.sessions().create("broke").ok());
  BOOST_REQUIRE(f.sessions().create("dropped").ok());
  auto c = start(f.sessions(), clock);
  BOOST_REQUIRE(c->message("done", message_state(3)).has_value());
  BOOST_REQUIRE(c->message("broke", message_state(4)).has_value());
  BOOST_REQUIRE(c->message("dropped", message_state(5)).has_value());
  BOOST_REQUIRE(c->complete("done").ok());
  BOOST_REQUIRE(c->fail("broke", "tool crashed").ok());
  BOOST_TEST(latest_state(f.sessions(), "done") == "state after message 3");
  BOOST_TEST(((*f.sessions().info("done"))->status == SessionStatus::completed));
  BOOST_TEST(latest_state(f.sessions(), "broke") == "state after message 4");
  BOOST_TEST((*f.sessions().info("broke"))->reason == "tool crashed");
  BOOST_REQUIRE(f.sessions().drop("dropped").ok());
  c->forget("dropped");
  BOOST_TEST(c->dirty_count() == 0u);
  BOOST_REQUIRE(c->close().ok());
}

BOOST_AUTO_TEST_CASE(unknown_sessions_are_reported_and_not_retried) {
  SessionFixture f;
  ManualClock clock;
  auto c = start(f.sessions(), clock, 2);
  BOOST_REQUIRE(c->message("ghost", message_state(1)).has_value());
  auto second = c->message("ghost", message_state(2));
  BOOST_REQUIRE(!second.has_value());
  BOOST_TEST((second.error().code() == Code::invalid_argument));
  BOOST_TEST(c->dirty_count() == 0u);
  BOOST_TEST(c->stats().failed == 1u);
  // The same through a tick: the error is returned and the state discarded.
  BOOST_REQUIRE(c->message("ghost", message_state(3)).has_value());
  auto ticked = c->tick(clock.at(1h));
  BOOST_REQUIRE(!ticked.has_value());
  BOOST_TEST((ticked.error().code() == Code::invalid_argument));
  BOOST_TEST(c->dirty_count() == 0u);
  BOOST_TEST(c->close().ok());
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
  SessionFixture f;
  BOOST_TEST((Checkpointer::start(f.sessions(), CheckpointerOptions{.every_messages = 0}).error().code() ==
              Code::invalid_argument));
  BOOST_TEST((Checkpointer::start(f.sessions(), CheckpointerOptions{.flush_interval = 0s}).error().code() ==
              Code::invalid_argument));
}

// The background thread ticks on its own: the test moves the clock and waits
// on a condition variable for the ticks that follow.
BOOST_AUTO_TEST_CASE(background_ticks_flush_dirty_sessions) {
  SessionFixture f;
  ManualClock clock;
  BOOST_REQUIRE(f.sessions().create("bg").ok());
  CheckpointerOptions options;
  options.flush_interval = 30s;
  options.tick_period = 1ms;
  options.clock = clock.function();
  auto started = Checkpointer::start(f.sessions(), options);
  BOOST_REQUIRE(started.has_value());
  Checkpointer& c = **started;
  for (int n = 1; n <= 3; ++n) BOOST_REQUIRE(c.message("bg", message_state(n)).has_value());

  auto ticks_reach = [&](std::uint64_t n) { return clock.wait_until([&] { return c.stats().ticks >= n; }); };
  BOOST_REQUIRE(ticks_reach(3));
  BOOST_TEST(c.stats().checkpoints == 0u);  // not due yet at t = 0

  clock.advance(30s);
  std::uint64_t ticks = c.stats().ticks;
  BOOST_REQUIRE(ticks_reach(ticks + 2));  // a whole tick ran after the clock moved
  BOOST_TEST(c.stats().by_timer == 1u);
  BOOST_TEST(latest_state(f.sessions(), "bg") == "state after message 3");

  ticks = c.stats().ticks;
  BOOST_REQUIRE(ticks_reach(ticks + 5));
  BOOST_TEST(c.stats().checkpoints == 1u);  // idle: not rewritten
  BOOST_REQUIRE(c.close().ok());
  BOOST_TEST(c.take_errors().empty());
}

// Messages from many threads on many sessions while ticks run: every
// session's last state is what ends up stored.
BOOST_AUTO_TEST_CASE(concurrent_messages_and_ticks) {
  SessionFixture f(SessionOptions{.durability = Durability::none});
  ManualClock clock;
  constexpr int kThreads = 8;
  constexpr int kMessages = 60;
  for (int t = 0; t < kThreads; ++t) BOOST_REQUIRE(f.sessions().create("t" + std::to_string(t)).ok());
  auto c = start(f.sessions(), clock, 7);
  std::atomic<bool> stop{false};
  std::thread ticker([&] {
    std::int64_t s = 0;
    while (!stop.load()) (void)c->tick(clock.at(std::chrono::seconds(30 * ++s)));
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 1; n <= kMessages; ++n) (void)c->message("t" + std::to_string(t), message_state(n));
    });
  }
  for (auto& thread : threads) thread.join();
  stop = true;
  ticker.join();
  BOOST_REQUIRE(c->close().ok());
  for (int t = 0; t < kThreads; ++t) {
    BOOST_TEST(latest_state(f.sessions(), "t" + std::to_string(t)) == "state after message 60");
  }
  BOOST_TEST(c->stats().failed == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
