#include <walkv/checkpointer.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

namespace walkv {

namespace {

using Time = std::chrono::steady_clock::time_point;
constexpr std::size_t kMaxKeptErrors = 64;

enum class Why { count, timer, request };

}  // namespace

struct Checkpointer::Impl {
  // One session's unsaved state. Fields other than flush_mutex are guarded by
  // Impl::mutex; flush_mutex serialises the flushes of this session, so an
  // older state is never written after a newer one.
  struct Entry {
    std::mutex flush_mutex;
    std::optional<CheckpointData> pending;
    std::uint32_t unsaved = 0;
    Time dirty_since{};
    std::optional<Time> last_write;
    bool flushing = false;
  };

  Impl(SessionStore& s, CheckpointerOptions o) : sessions(s), options(std::move(o)) {}

  SessionStore& sessions;
  CheckpointerOptions options;

  mutable std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries;
  CheckpointerStats stats;
  std::vector<Status> errors;
  bool closed = false;

  std::mutex thread_mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  std::shared_ptr<Entry> find(std::string_view id) const {
    std::lock_guard lock(mutex);
    auto it = entries.find(std::string(id));
    return it == entries.end() ? nullptr : it->second;
  }

  // Writes the entry's unsaved state, if any. Returns whether it wrote.
  Result<bool> flush_entry(const std::string& id, const std::shared_ptr<Entry>& entry, Why why) {
    std::lock_guard serial(entry->flush_mutex);
    CheckpointData data;
    std::uint32_t unsaved_before = 0;
    {
      std::lock_guard lock(mutex);
      if (!entry->pending) return false;
      data = std::move(*entry->pending);
      entry->pending.reset();
      unsaved_before = std::exchange(entry->unsaved, 0);
      entry->flushing = true;
    }
    auto written = sessions.checkpoint(id, data);
    Time written_at = options.clock();  // never called with `mutex` held
    std::lock_guard lock(mutex);
    entry->flushing = false;
    if (written) {
      entry->last_write = written_at;
      ++stats.checkpoints;
      stats.state_bytes += data.state.size();
      switch (why) {
        case Why::count: ++stats.by_count; break;
        case Why::timer: ++stats.by_timer; break;
        case Why::request: ++stats.by_request; break;
      }
      return true;
    }
    ++stats.failed;
    // An unknown or finished session will never take this state: discard it.
    // Anything else (I/O, no space, poisoned) keeps it for the next flush,
    // unless a newer state arrived meanwhile.
    if (written.error().code() != Code::invalid_argument && !entry->pending) {
      entry->pending = std::move(data);
      entry->unsaved += unsaved_before;
    }
    return error(written.error());
  }

  void note_error(const Status& status) {
    std::lock_guard lock(mutex);
    if (errors.size() < kMaxKeptErrors) errors.push_back(status);
  }

  Result<std::size_t> tick(Time now) {
    std::vector<std::pair<std::string, std::shared_ptr<Entry>>> due;
    {
      std::lock_guard lock(mutex);
      for (auto it = entries.begin(); it != entries.end();) {
        Entry& e = *it->second;
        if (e.pending) {
          Time base = e.last_write ? *e.last_write : e.dirty_since;
          if (now - base >= options.flush_interval) due.emplace_back(it->first, it->second);
          ++it;
        } else if (!e.flushing && (!e.last_write || now - *e.last_write >= options.flush_interval)) {
          // Clean and quiet for a whole interval: nothing to remember. (A later
          // message starts a new entry whose first write is at least an
          // interval away, so ticks still write a session at most once per
          // interval.)
          it = entries.erase(it);
        } else {
          ++it;
        }
      }
    }
    std::size_t flushed = 0;
    Status first;
    for (auto& [id, entry] : due) {
      auto written = flush_entry(id, entry, Why::timer);
      if (written && *written) ++flushed;
      if (!written && first.ok()) first = written.error();
    }
    {
      std::lock_guard lock(mutex);
      ++stats.ticks;
    }
    if (!first.ok()) return error(first);
    return flushed;
  }

  Status flush_all() {
    std::vector<std::pair<std::string, std::shared_ptr<Entry>>> dirty;
    {
      std::lock_guard lock(mutex);
      for (auto& [id, entry] : entries) {
        if (entry->pending) dirty.emplace_back(id, entry);
      }
    }
    Status first;
    for (auto& [id, entry] : dirty) {
      auto written = flush_entry(id, entry, Why::request);
      if (!written && first.ok()) first = written.error();
    }
    return first;
  }

  void run(std::chrono::nanoseconds period) {
    std::unique_lock lock(thread_mutex);
    while (!stopping) {
      wake.wait_for(lock, period, [this] { return stopping; });
      if (stopping) break;
      lock.unlock();
      auto ticked = tick(options.clock());
      if (!ticked) note_error(ticked.error());
      lock.lock();
    }
  }

  void stop_thread() {
    {
      std::lock_guard lock(thread_mutex);
      stopping = true;
    }
    wake.notify_all();
    if (thread.joinable()) thread.join();
  }
};

Checkpointer::Checkpointer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Checkpointer::~Checkpointer() {
  if (impl_) (void)close();
}

Result<std::unique_ptr<Checkpointer>> Checkpointer::start(SessionStore& sessions, CheckpointerOptions options) {
  if (options.every_messages == 0) return error(Code::invalid_argument, "every_messages must be at least 1");
  if (options.flush_interval.count() <= 0) return error(Code::invalid_argument, "flush_interval must be positive");
  if (options.tick_period.count() < 0) return error(Code::invalid_argument, "tick_period must not be negative");
  if (!options.clock) options.clock = [] { return std::chrono::steady_clock::now(); };
  std::chrono::nanoseconds period = options.tick_period;
  if (period.count() == 0) {
    period = std::clamp<std::chrono::nanoseconds>(options.flush_interval / 10, std::chrono::milliseconds(1),
                                                  std::chrono::seconds(1));
  }
  bool background = options.background;
  std::unique_ptr<Checkpointer> checkpointer(new Checkpointer(std::make_unique<Impl>(sessions, std::move(options))));
  if (background) {
    Impl* impl = checkpointer->impl_.get();
    impl->thread = std::thread([impl, period] { impl->run(period); });
  }
  return checkpointer;
}

Result<bool> Checkpointer::message(std::string_view id, CheckpointData state) {
  std::shared_ptr<Impl::Entry> entry;
  bool due = false;
  std::string key(id);
  Time now = impl_->options.clock();
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) return error(Code::not_supported, "the checkpointer is closed");
    auto& slot = impl_->entries[key];
    if (!slot) slot = std::make_shared<Impl::Entry>();
    entry = slot;
    if (!entry->pending) entry->dirty_since = now;
    entry->pending = std::move(state);
    ++entry->unsaved;
    ++impl_->stats.messages;
    due = entry->unsaved >= impl_->options.every_messages;
  }
  if (!due) return false;
  return impl_->flush_entry(key, entry, Why::count);
}

Status Checkpointer::identify(std::string_view id, std::string_view name, std::string_view value) {
  Status written = impl_->sessions.set_index(id, name, value);
  std::lock_guard lock(impl_->mutex);
  if (written) {
    ++impl_->stats.identity_writes;
  } else {
    ++impl_->stats.failed;
  }
  return written;
}

Result<std::size_t> Checkpointer::tick(std::chrono::steady_clock::time_point now) { return impl_->tick(now); }

Status Checkpointer::flush(std::string_view id) {
  auto entry = impl_->find(id);
  if (!entry) return Status::ok_status();
  auto written = impl_->flush_entry(std::string(id), entry, Why::request);
  return written ? Status::ok_status() : written.error();
}

Status Checkpointer::flush_all() { return impl_->flush_all(); }

Status Checkpointer::complete(std::string_view id) {
  if (Status flushed = flush(id); !flushed) return flushed;
  forget(id);
  return impl_->sessions.complete(id);
}

Status Checkpointer::fail(std::string_view id, std::string_view reason) {
  if (Status flushed = flush(id); !flushed) return flushed;
  forget(id);
  return impl_->sessions.fail(id, reason);
}

void Checkpointer::forget(std::string_view id) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->entries.find(std::string(id));
  if (it == impl_->entries.end()) return;
  it->second->pending.reset();
  it->second->unsaved = 0;
}

Status Checkpointer::close() {
  impl_->stop_thread();
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) return Status::ok_status();
    impl_->closed = true;
  }
  return impl_->flush_all();
}

std::size_t Checkpointer::dirty_count() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<std::size_t>(std::count_if(impl_->entries.begin(), impl_->entries.end(),
                                                [](const auto& e) { return e.second->pending.has_value(); }));
}

CheckpointerStats Checkpointer::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

std::vector<Status> Checkpointer::take_errors() {
  std::lock_guard lock(impl_->mutex);
  return std::exchange(impl_->errors, {});
}

}  // namespace walkv
