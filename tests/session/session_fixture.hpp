// Test helpers for the session layer: a temporary store directory and a
// store + SessionStore pair that can be closed and reopened.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "../support/temp_dir.hpp"

namespace walkv::test {

inline Options small_store_options() {
  Options o;
  o.segment_size = 1u << 20;
  o.compaction_trigger = 0;
  o.initial_map_size = 16u << 20;
  return o;
}

// A store under a temporary directory with a SessionStore attached.
class SessionFixture {
 public:
  explicit SessionFixture(SessionOptions options = {}) : options_(options) { open(); }
  ~SessionFixture() { close(); }

  void open() {
    auto opened = Store::open(dir_.sub("store"), small_store_options());
    if (!opened) throw std::runtime_error("Store::open: " + opened.error().to_string());
    store_ = std::move(*opened);
    auto sessions = SessionStore::open(*store_, options_);
    if (!sessions) throw std::runtime_error("SessionStore::open: " + sessions.error().to_string());
    sessions_ = std::move(*sessions);
  }

  // Closes without completing anything: like a process that ended.
  void close() {
    sessions_.reset();
    if (store_) store_->close();
    store_.reset();
  }

  void reopen() {
    close();
    open();
  }

  // Reopens with other session options (e.g. a new app_version or keys).
  void reopen(SessionOptions options) {
    close();
    options_ = std::move(options);
    open();
  }

  Store& store() { return *store_; }
  SessionStore& sessions() { return *sessions_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  SessionOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SessionStore> sessions_;
};

inline CheckpointData checkpoint_data(std::string state, std::uint32_t step = 0, std::uint32_t total = 0) {
  CheckpointData data;
  data.state = std::move(state);
  data.step = step;
  data.total_steps = total;
  data.description = "step " + std::to_string(step);
  data.app_version = "1.0.0";
  return data;
}

}  // namespace walkv::test
