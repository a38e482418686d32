// Child process of test_session_crash: opens the store given on the command
// line and changes sessions and their index entries at random until it is
// killed, writing "ack <n>" to stdout after each acknowledged operation.
// Exit 3 on any unexpected error (its message on stderr).
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

using namespace walkv;

namespace {

[[noreturn]] void die(const std::string& what, const Status& status) {
  std::cerr << "session_crash_child: " << what << ": " << status.to_string() << '\n';
  std::exit(3);
}

void ack(std::uint64_t n) {
  std::string line = "ack " + std::to_string(n) + "\n";
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::exit(4);
}

// invalid_argument is expected for operations racing our own random choices
// (unknown session, duplicate create); anything else is a failure.
void check(const std::string& what, const Status& status) {
  if (!status.ok() && status.code() != Code::invalid_argument) die(what, status);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: session_crash_child STORE_DIR SEED\n";
    return 2;
  }
  Options options;
  options.segment_size = 1u << 20;
  options.compaction_trigger = 256u << 10;  // compactions happen during the run too
  options.initial_map_size = 16u << 20;
  auto store = Store::open(argv[1], options);
  if (!store) die("open", store.error());
  SessionOptions session_options;
  session_options.durability = Durability::none;  // checkpoints; index changes are always synced
  auto sessions = SessionStore::open(**store, session_options);
  if (!sessions) die("sessions", sessions.error());
  SessionStore& s = **sessions;

  std::mt19937_64 random(std::strtoull(argv[2], nullptr, 10));
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  for (std::uint64_t n = 1;; ++n) {
    std::string id = "s" + std::to_string(pick(40));
    std::string gen = std::to_string(n);
    switch (pick(9)) {
      case 0:
      case 1:
        check("create", s.create(id, "", {{"alias", id + "@" + gen}, {"shard", std::to_string(pick(4))}}));
        break;
      case 2: check("set_index", s.set_index(id, "alias", id + "@" + gen)); break;
      case 3: check("add_index", s.add_index(id, "tag", "t" + std::to_string(pick(5)))); break;
      case 4: check("remove_index", s.remove_index(id, "tag")); break;
      case 5: {
        auto number = s.checkpoint(id, CheckpointData{std::string(100 + pick(2000), 'x'), 1, 2, "step", "1.0.0"});
        if (!number) check("checkpoint", number.error());
        break;
      }
      case 6: check("drop", s.drop(id)); break;
      case 7: {
        auto dropped = s.drop_prefix("s" + std::to_string(1 + pick(3)));
        if (!dropped) check("drop_prefix", dropped.error());
        break;
      }
      case 8: {
        auto cleaned = s.cleanup(CleanupPolicy{.max_age = std::nullopt, .max_count = 25});
        if (!cleaned) check("cleanup", cleaned.error());
        break;
      }
    }
    ack(n);
  }
}
