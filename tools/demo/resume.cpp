#include "demo/resume.hpp"

#include <random>
#include <thread>

#include "demo/conversation.hpp"

namespace walkv::demo {
namespace {

Status resume_one(SessionStore& sessions, const std::string& id, std::mt19937_64& rng, ResumeResult& result) {
  auto taken = sessions.resume(id);
  if (!taken) return taken.error();
  Conversation conversation;
  conversation.id = id;
  if (taken->checkpoint) {
    conversation = restore_conversation(id, *taken->checkpoint);
    ++result.from_checkpoint;
  }
  std::uint32_t restored_at = conversation.messages;
  receive_message(conversation, rng);
  auto number = sessions.checkpoint(id, checkpoint_of(conversation));
  if (!number) return number.error();
  if (result.example.empty()) {
    result.example = id + ": restored at message " + std::to_string(restored_at) +
                     ", handled message " + std::to_string(conversation.messages) + ", saved checkpoint #" +
                     std::to_string(*number);
  }
  ++result.resumed;
  return sessions.complete(id);
}

// Resumes interrupted[first], interrupted[first + stride], ...
Status resume_share(SessionStore& sessions, const std::vector<InterruptedSession>& interrupted, std::size_t first,
                    std::size_t stride, std::uint64_t seed, ResumeResult& result) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = first; i < interrupted.size(); i += stride) {
    Status resumed = resume_one(sessions, interrupted[i].info.id, rng, result);
    if (!resumed.ok()) return resumed;
  }
  return Status();
}

}  // namespace

Result<ResumeResult> resume_and_complete(SessionStore& sessions, const std::vector<InterruptedSession>& interrupted,
                                         unsigned threads, std::uint64_t seed) {
  std::vector<ResumeResult> shares(threads);
  std::vector<Status> statuses(threads);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] { statuses[t] = resume_share(sessions, interrupted, t, threads, seed + t, shares[t]); });
  }
  for (std::thread& worker : workers) worker.join();
  ResumeResult total;
  for (unsigned t = 0; t < threads; ++t) {
    if (!statuses[t].ok()) return error(statuses[t]);
    total.resumed += shares[t].resumed;
    total.from_checkpoint += shares[t].from_checkpoint;
    if (total.example.empty()) total.example = shares[t].example;
  }
  return total;
}

}  // namespace walkv::demo
