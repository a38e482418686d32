// The complete example of docs/sessions.md: a toy chat gateway on walkv.
//
//   gateway_sessions [STORE_DIR]
//
// It lives two lives in one run. The first serves a few conversations through
// a Checkpointer and stops before finishing two of them (as a crash would);
// the second starts on the same store, finds those two interrupted, shows the
// resume notices a user would see, resumes one through its alias, finishes it,
// and cleans up. Without STORE_DIR it uses a fresh temporary directory.
// Exit status 0 when every step did what the comments say, 1 otherwise.
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <walkv/checkpointer.hpp>
#include <walkv/session.hpp>
#include <walkv/session_key.hpp>
#include <walkv/store.hpp>

namespace {

using namespace std::chrono_literals;

// ---- the application's own state ------------------------------------------

// A conversation is a list of messages; its serialized form (the checkpoint
// state) is the messages joined by newlines. Bump kStateVersion's major
// number whenever that format changes incompatibly: older checkpoints are
// then skipped (with a reason) instead of being misread.
constexpr const char* kStateVersion = "1.0.0";

std::string serialize(const std::vector<std::string>& messages) {
  std::string out;
  for (const auto& m : messages) out += m + "\n";
  return out;
}

std::vector<std::string> deserialize(const std::string& state) {
  std::vector<std::string> messages;
  std::string line;
  for (char c : state) {
    if (c == '\n') {
      messages.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  return messages;
}

// In a real gateway the key comes from a KMS or a secrets file, never from
// the source code.
walkv::EncryptionKey load_key() {
  walkv::EncryptionKey key;
  key.id = "demo-2024";
  for (std::size_t i = 0; i < key.key.size(); ++i) key.key[i] = static_cast<unsigned char>(i * 7 + 3);
  return key;
}

walkv::SessionOptions session_options() {
  walkv::SessionOptions options;
  options.app_version = kStateVersion;      // checkpoints of another major version are skipped
  options.keep_checkpoints = 5;             // per session, rotated in the same batch as each write
  options.encryption_key = load_key();      // conversation text is sensitive: encrypted at rest
  options.cleanup.max_age = 24h;            // cleanup(): sessions idle for a day go
  options.cleanup.keep_failed = true;       //            failed ones stay until then, for inspection
  return options;
}

bool check(bool ok, const std::string& what) {
  std::cout << (ok ? "  ok   " : "  FAIL ") << what << '\n';
  return ok;
}

bool check(const walkv::Status& status, const std::string& what) {
  if (!status.ok()) std::cout << "  FAIL " << what << ": " << status.to_string() << '\n';
  return status.ok();
}

// ---- first life: serve, then stop without finishing ------------------------

bool first_run(const std::string& dir) {
  std::cout << "first run\n";
  auto store = walkv::Store::open(dir);
  if (!store) return check(store.error(), "open store");
  auto sessions = walkv::SessionStore::open(**store, session_options());
  if (!sessions) return check(sessions.error(), "open sessions");

  // Checkpoint every 10 messages, and flush anything unsaved for 30 s from a
  // background thread; idle conversations are never rewritten.
  walkv::CheckpointerOptions checkpointer_options;
  checkpointer_options.every_messages = 10;
  checkpointer_options.flush_interval = 30s;
  auto checkpointer = walkv::Checkpointer::start(**sessions, checkpointer_options);
  if (!checkpointer) return check(checkpointer.error(), "start checkpointer");

  bool ok = true;
  // Session ids from parts: channel, workspace, thread. Dropping thread "1"
  // later never touches thread "10".
  struct Conversation {
    std::string id;
    std::string alias;
    int messages;
    bool finish;
  };
  std::vector<Conversation> conversations = {
      {walkv::make_session_id({"slack", "T01", "1"}), "ana@acme", 23, false},
      {walkv::make_session_id({"slack", "T01", "10"}), "bob@acme", 4, true},
      {walkv::make_session_id({"telegram", "42"}), "carol", 12, false},
  };
  for (const auto& c : conversations) {
    // Identity (the alias users are known by) is written at once, synced,
    // in the same batch as the session record.
    ok &= check((*sessions)->create(c.id, "support chat", {{"alias", c.alias}}), "create " + c.id);
    std::vector<std::string> history;
    for (int n = 1; n <= c.messages; ++n) {
      history.push_back("message " + std::to_string(n) + " from " + c.alias);
      walkv::CheckpointData state;
      state.state = serialize(history);
      state.step = static_cast<std::uint32_t>(n);
      state.total_steps = 30;
      state.description = n % 2 == 0 ? "waiting for the user" : "waiting for a tool result";
      auto written = (*checkpointer)->message(c.id, std::move(state));
      if (!written) ok &= check(written.error(), "message");
    }
    if (c.finish) ok &= check((*checkpointer)->complete(c.id), "complete " + c.id);
  }
  // A fingerprint learned mid-conversation: identity again, written at once.
  ok &= check((*checkpointer)->identify(conversations[2].id, "fingerprint", "fp-7f3a"), "identify");

  // Shutting down flushes what is still in memory. A crash here would lose
  // at most the unsaved messages, never the identities.
  ok &= check((*checkpointer)->close(), "close checkpointer");
  auto stats = (*checkpointer)->stats();
  std::cout << "  " << stats.messages << " messages, " << stats.checkpoints << " checkpoints written\n";
  // Two conversations were not finished: the next start finds them interrupted.
  return ok;
}

// ---- second life: find, notify, resume, finish, clean up -------------------

bool second_run(const std::string& dir) {
  std::cout << "second run\n";
  auto store = walkv::Store::open(dir);
  if (!store) return check(store.error(), "open store");
  auto sessions = walkv::SessionStore::open(**store, session_options());
  if (!sessions) return check(sessions.error(), "open sessions");
  bool ok = true;

  auto interrupted = (*sessions)->interrupted();
  if (!interrupted) return check(interrupted.error(), "interrupted");
  ok &= check(interrupted->size() == 2, "two conversations were interrupted");
  for (const auto& s : *interrupted) std::cout << "  notice: " << walkv::resume_notice(s) << '\n';

  // A user comes back; the gateway knows them by alias.
  auto found = (*sessions)->find("alias", "ana@acme");
  if (!found) return check(found.error(), "find");
  ok &= check(found->size() == 1, "alias ana@acme names one session");
  const std::string id = found->front();

  auto resumed = (*sessions)->resume(id);
  if (!resumed) return check(resumed.error(), "resume");
  std::vector<std::string> history = deserialize(resumed->checkpoint->state);
  std::cout << "  resumed " << id << " from checkpoint " << resumed->checkpoint->number << " with "
            << history.size() << " messages\n";
  for (const auto& why : resumed->skipped) std::cout << "  skipped " << why << '\n';
  ok &= check(history.size() == 23, "all 23 messages are back (the last 3 were flushed at close)");

  // Read-modify-write of one session from several threads would go through
  // update(): none of them loses another's change.
  auto updated = (*sessions)->update(id, [](const std::optional<walkv::Checkpoint>& latest) {
    std::vector<std::string> messages = latest ? deserialize(latest->state) : std::vector<std::string>{};
    messages.push_back("resumed: welcome back");
    walkv::CheckpointData next;
    next.state = serialize(messages);
    next.step = static_cast<std::uint32_t>(messages.size());
    next.total_steps = 30;
    next.description = "resumed";
    return next;
  });
  if (!updated) return check(updated.error(), "update");
  ok &= check((*sessions)->complete(id), "complete " + id);

  auto checkpoints = (*sessions)->list_checkpoints(id);
  if (!checkpoints) return check(checkpoints.error(), "list_checkpoints");
  std::cout << "  checkpoints of " << id << ", newest first:";
  for (const auto& c : *checkpoints) std::cout << ' ' << c.number;
  std::cout << '\n';

  // The other interrupted one: the gateway gives up on it.
  auto carol = (*sessions)->find("fingerprint", "fp-7f3a");
  if (!carol || carol->size() != 1) return check(false, "find by fingerprint");
  ok &= check((*sessions)->fail(carol->front(), "user did not come back"), "fail");

  // Cleanup: completed sessions are not kept; failed ones stay (policy).
  walkv::CleanupPolicy policy = (*sessions)->options().cleanup;
  policy.keep_completed = false;
  auto cleaned = (*sessions)->cleanup(policy);
  if (!cleaned) return check(cleaned.error(), "cleanup");
  ok &= check(cleaned->deleted.size() == 2 && cleaned->kept.size() == 1, "cleanup deleted 2, kept 1");

  // Everything under telegram/: one atomic batch.
  auto dropped = (*sessions)->drop_under({"telegram"});
  if (!dropped) return check(dropped.error(), "drop_under");
  ok &= check(dropped->size() == 1 && (*sessions)->list()->empty(), "drop_under(telegram) removed the rest");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::string temporary;
  if (argc > 1) {
    dir = argv[1];
  } else {
    std::string pattern = (std::filesystem::temp_directory_path() / "walkv-example-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return 1;
    temporary = pattern;
    dir = temporary + "/store";
  }
  bool ok = first_run(dir) && second_run(dir);
  if (!temporary.empty()) std::filesystem::remove_all(temporary);
  std::cout << (ok ? "all steps ok\n" : "some steps failed\n");
  return ok ? 0 : 1;
}
