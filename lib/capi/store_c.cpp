// walkv C API — codes, memory, options, the store and write batches
// (include/walkv/c.h). Sessions are bound in session_c.cpp.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "capi/capi_internal.hpp"
#include "capi/statistics_c.hpp"

namespace walkv::capi {

walkv_code_t set_error(char** errptr, walkv_code_t code, std::string_view message) noexcept {
  if (errptr == nullptr || code == WALKV_OK) return code;
  const char* name = walkv_code_name(code);
  std::size_t name_len = std::strlen(name);
  std::size_t total = name_len + 2 + message.size();
  char* text = static_cast<char*>(std::malloc(total + 1));
  if (text == nullptr) return code;
  std::memcpy(text, name, name_len);
  std::memcpy(text + name_len, ": ", 2);
  if (!message.empty()) std::memcpy(text + name_len + 2, message.data(), message.size());
  text[total] = '\0';
  std::free(*errptr);
  *errptr = text;
  return code;
}

walkv_code_t report(char** errptr, const Status& status) noexcept {
  auto code = static_cast<walkv_code_t>(status.code());
  if (status.ok()) return WALKV_OK;
  return set_error(errptr, code, status.message());
}

char* copy_out(std::string_view bytes) noexcept {
  char* out = static_cast<char*>(std::malloc(bytes.size() + 1));
  if (out == nullptr) return nullptr;
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  out[bytes.size()] = '\0';
  return out;
}

}  // namespace walkv::capi

using namespace walkv::capi;

extern "C" {

// ---- codes and memory -------------------------------------------------------

void walkv_free(void* ptr) noexcept { std::free(ptr); }

const char* walkv_code_name(walkv_code_t code) noexcept {
  int value = static_cast<int>(code);
  if (value < WALKV_OK || value > WALKV_VERSION_MISMATCH) return "unknown";
  return walkv::code_name(static_cast<walkv::Code>(value));
}

const char* walkv_recovery_mode_name(walkv_recovery_mode_t mode) noexcept {
  int value = static_cast<int>(mode);
  if (value < WALKV_RECOVERY_TOLERATE_CORRUPTED_TAIL || value > WALKV_RECOVERY_SKIP_CORRUPTED) return "unknown";
  return walkv::recovery_mode_name(static_cast<walkv::RecoveryMode>(value));
}

// ---- options ----------------------------------------------------------------

walkv_options_t* walkv_options_create(void) noexcept { return new (std::nothrow) walkv_options_t(); }
void walkv_options_destroy(walkv_options_t* options) noexcept { delete options; }

void walkv_options_set_create_if_missing(walkv_options_t* options, int value) noexcept {
  if (options != nullptr) options->options.create_if_missing = value != 0;
}
void walkv_options_set_error_if_exists(walkv_options_t* options, int value) noexcept {
  if (options != nullptr) options->options.error_if_exists = value != 0;
}
void walkv_options_set_segment_size(walkv_options_t* options, uint64_t bytes) noexcept {
  if (options != nullptr) options->options.segment_size = bytes;
}
void walkv_options_set_compaction_trigger(walkv_options_t* options, uint64_t bytes) noexcept {
  if (options != nullptr) options->options.compaction_trigger = bytes;
}
void walkv_options_set_recovery_mode(walkv_options_t* options, walkv_recovery_mode_t mode) noexcept {
  if (options == nullptr) return;
  int value = static_cast<int>(mode);
  options->bad_recovery_mode = value < WALKV_RECOVERY_TOLERATE_CORRUPTED_TAIL || value > WALKV_RECOVERY_SKIP_CORRUPTED;
  if (!options->bad_recovery_mode) options->options.recovery_mode = static_cast<walkv::RecoveryMode>(value);
}
void walkv_options_set_keep_broken_segments(walkv_options_t* options, int value) noexcept {
  if (options != nullptr) options->options.keep_broken_segments = value != 0;
}
void walkv_options_set_sync_interval_ms(walkv_options_t* options, uint64_t milliseconds) noexcept {
  using Ms = std::chrono::milliseconds;
  auto limit = static_cast<uint64_t>(Ms::max().count());
  if (options != nullptr) options->options.sync_interval = Ms(static_cast<Ms::rep>(std::min(milliseconds, limit)));
}
void walkv_options_set_max_key_size(walkv_options_t* options, uint32_t bytes) noexcept {
  if (options != nullptr) options->options.max_key_size = bytes;
}
void walkv_options_set_max_value_size(walkv_options_t* options, uint32_t bytes) noexcept {
  if (options != nullptr) options->options.max_value_size = bytes;
}
void walkv_options_set_max_batch_size(walkv_options_t* options, uint32_t bytes) noexcept {
  if (options != nullptr) options->options.max_batch_size = bytes;
}
void walkv_options_set_initial_map_size(walkv_options_t* options, uint64_t bytes) noexcept {
  if (options != nullptr) options->options.initial_map_size = bytes;
}

walkv_writeoptions_t* walkv_writeoptions_create(void) noexcept { return new (std::nothrow) walkv_writeoptions_t(); }
void walkv_writeoptions_destroy(walkv_writeoptions_t* options) noexcept { delete options; }
void walkv_writeoptions_set_durability(walkv_writeoptions_t* options, walkv_durability_t d) noexcept {
  if (options != nullptr) options->options.durability = durability(d);
}

}  // extern "C"

// ---- store --------------------------------------------------------------------

namespace {

using OpenFn = walkv::Result<std::unique_ptr<walkv::Store>> (*)(const std::string&, const walkv::Options&);

walkv_code_t open_with(OpenFn open, const char* dir, const walkv_options_t* options, walkv_store_t** store,
                       char** errptr) noexcept {
  if (store == nullptr) return null_argument(errptr, "store");
  *store = nullptr;
  if (dir == nullptr) return null_argument(errptr, "dir");
  if (options != nullptr && options->bad_recovery_mode) {
    return set_error(errptr, WALKV_INVALID_ARGUMENT, "unknown recovery mode in the options");
  }
  return guarded(errptr, [&] {
    auto opened = open(dir, options != nullptr ? options->options : walkv::Options{});
    if (!opened) return report(errptr, opened.error());
    auto handle = std::make_unique<walkv_store_t>();
    handle->store = std::move(*opened);
    *store = handle.release();
    return WALKV_OK;
  });
}

}  // namespace

extern "C" {

walkv_code_t walkv_open(const char* dir, const walkv_options_t* options, walkv_store_t** store,
                        char** errptr) noexcept {
  return open_with(&walkv::Store::open, dir, options, store, errptr);
}

walkv_code_t walkv_open_read_only(const char* dir, const walkv_options_t* options, walkv_store_t** store,
                                  char** errptr) noexcept {
  return open_with(&walkv::Store::open_read_only, dir, options, store, errptr);
}

walkv_code_t walkv_close(walkv_store_t* store, char** errptr) noexcept {
  if (store == nullptr) return WALKV_OK;
  if (std::size_t n = store->attached_sessions.load(); n != 0) {
    return set_error(errptr, WALKV_INVALID_ARGUMENT,
                     "a walkv_sessions_t is still open on this store; call walkv_sessions_close first");
  }
  walkv_code_t code = guarded(errptr, [&] { return report(errptr, store->store->close()); });
  delete store;  // ~Store after close() is a no-op
  return code;
}

walkv_code_t walkv_put(walkv_store_t* store, const walkv_writeoptions_t* options, const char* key, size_t key_len,
                       const char* value, size_t value_len, char** errptr) noexcept {
  std::string_view k, v;
  if (store == nullptr) return null_argument(errptr, "store");
  if (!as_bytes(key, key_len, k)) return null_argument(errptr, "key");
  if (!as_bytes(value, value_len, v)) return null_argument(errptr, "value");
  return guarded(errptr, [&] { return report(errptr, store->store->put(write_options(options), k, v)); });
}

walkv_code_t walkv_remove(walkv_store_t* store, const walkv_writeoptions_t* options, const char* key, size_t key_len,
                          char** errptr) noexcept {
  std::string_view k;
  if (store == nullptr) return null_argument(errptr, "store");
  if (!as_bytes(key, key_len, k)) return null_argument(errptr, "key");
  return guarded(errptr, [&] { return report(errptr, store->store->remove(write_options(options), k)); });
}

walkv_code_t walkv_remove_prefix(walkv_store_t* store, const walkv_writeoptions_t* options, const char* prefix,
                                 size_t prefix_len, char** errptr) noexcept {
  std::string_view p;
  if (store == nullptr) return null_argument(errptr, "store");
  if (!as_bytes(prefix, prefix_len, p)) return null_argument(errptr, "prefix");
  return guarded(errptr, [&] { return report(errptr, store->store->remove_prefix(write_options(options), p)); });
}

walkv_code_t walkv_get(walkv_store_t* store, const char* key, size_t key_len, char** value, size_t* value_len,
                       char** errptr) noexcept {
  if (value == nullptr) return null_argument(errptr, "value");
  *value = nullptr;
  if (value_len != nullptr) *value_len = 0;
  std::string_view k;
  if (store == nullptr) return null_argument(errptr, "store");
  if (!as_bytes(key, key_len, k)) return null_argument(errptr, "key");
  return guarded(errptr, [&] {
    auto found = store->store->get(k);
    if (!found) return report(errptr, found.error());
    if (!*found) return WALKV_OK;
    char* copy = copy_out(**found);
    if (copy == nullptr) throw std::bad_alloc();
    *value = copy;
    if (value_len != nullptr) *value_len = (*found)->size();
    return WALKV_OK;
  });
}

walkv_code_t walkv_scan(walkv_store_t* store, const char* prefix, size_t prefix_len, walkv_scan_fn visit,
                        void* context, char** errptr) noexcept {
  std::string_view p;
  if (store == nullptr) return null_argument(errptr, "store");
  if (visit == nullptr) return null_argument(errptr, "visit");
  if (!as_bytes(prefix, prefix_len, p)) return null_argument(errptr, "prefix");
  return guarded(errptr, [&] {
    return report(errptr, store->store->scan(p, [&](std::string_view key, std::string_view value) {
      return visit(context, key.data(), key.size(), value.data(), value.size()) != 0;
    }));
  });
}

walkv_code_t walkv_sync(walkv_store_t* store, char** errptr) noexcept {
  if (store == nullptr) return null_argument(errptr, "store");
  return guarded(errptr, [&] { return report(errptr, store->store->sync()); });
}

walkv_code_t walkv_compact(walkv_store_t* store, char** errptr) noexcept {
  if (store == nullptr) return null_argument(errptr, "store");
  return guarded(errptr, [&] { return report(errptr, store->store->compact()); });
}

uint64_t walkv_store_open_epoch(const walkv_store_t* store) noexcept {
  return store != nullptr ? store->store->open_epoch() : 0;
}

uint64_t walkv_store_last_sequence(const walkv_store_t* store) noexcept {
  return store != nullptr ? store->store->last_sequence() : 0;
}

int walkv_store_read_only(const walkv_store_t* store) noexcept {
  return store != nullptr && store->store->read_only() ? 1 : 0;
}

const char* walkv_store_directory(const walkv_store_t* store) noexcept {
  return store != nullptr ? store->store->directory().c_str() : "";
}

walkv_code_t walkv_store_statistics(const walkv_store_t* store, walkv_statistics_t* stats) noexcept {
  if (store == nullptr || stats == nullptr) return WALKV_INVALID_ARGUMENT;
  *stats = to_c(store->store->statistics());
  return WALKV_OK;
}

uint64_t walkv_store_recovery_counter(const walkv_store_t* store, walkv_recovery_counter_t counter) noexcept {
  if (store == nullptr) return 0;
  const walkv::RecoveryReport& r = store->store->recovery_report();
  switch (counter) {
    case WALKV_RECOVERY_SEGMENTS: return r.segments;
    case WALKV_RECOVERY_FRAMES: return r.frames;
    case WALKV_RECOVERY_FRAMES_REPLAYED: return r.frames_replayed;
    case WALKV_RECOVERY_BYTES_REPLAYED: return r.bytes_replayed;
    case WALKV_RECOVERY_SNAPSHOT_SEQUENCE: return r.snapshot_sequence;
    case WALKV_RECOVERY_LAST_SEQUENCE: return r.last_sequence;
    case WALKV_RECOVERY_BYTES_TRUNCATED: return r.bytes_truncated;
    case WALKV_RECOVERY_REPLAY_NS: return r.replay_ns;
    case WALKV_RECOVERY_CORRUPTIONS: return r.corruptions.size();
  }
  return 0;
}

walkv_code_t walkv_store_recovery_corruption(const walkv_store_t* store, size_t index, const char** segment,
                                             uint64_t* offset, const char** reason, int* torn_tail) noexcept {
  if (store == nullptr) return WALKV_INVALID_ARGUMENT;
  const auto& corruptions = store->store->recovery_report().corruptions;
  if (index >= corruptions.size()) return WALKV_INVALID_ARGUMENT;
  const walkv::Corruption& c = corruptions[index];
  if (segment != nullptr) *segment = c.segment.c_str();
  if (offset != nullptr) *offset = c.offset;
  if (reason != nullptr) *reason = c.reason.c_str();
  if (torn_tail != nullptr) *torn_tail = c.torn_tail ? 1 : 0;
  return WALKV_OK;
}

// ---- write batches ------------------------------------------------------------

walkv_writebatch_t* walkv_writebatch_create(void) noexcept { return new (std::nothrow) walkv_writebatch_t(); }
void walkv_writebatch_destroy(walkv_writebatch_t* batch) noexcept { delete batch; }

walkv_code_t walkv_writebatch_put(walkv_writebatch_t* batch, const char* key, size_t key_len, const char* value,
                                  size_t value_len) noexcept {
  std::string_view k, v;
  if (batch == nullptr || !as_bytes(key, key_len, k) || !as_bytes(value, value_len, v)) return WALKV_INVALID_ARGUMENT;
  return guarded(nullptr, [&] {
    batch->batch.put(k, v);
    return WALKV_OK;
  });
}

walkv_code_t walkv_writebatch_remove(walkv_writebatch_t* batch, const char* key, size_t key_len) noexcept {
  std::string_view k;
  if (batch == nullptr || !as_bytes(key, key_len, k)) return WALKV_INVALID_ARGUMENT;
  return guarded(nullptr, [&] {
    batch->batch.remove(k);
    return WALKV_OK;
  });
}

walkv_code_t walkv_writebatch_remove_prefix(walkv_writebatch_t* batch, const char* prefix,
                                            size_t prefix_len) noexcept {
  std::string_view p;
  if (batch == nullptr || !as_bytes(prefix, prefix_len, p)) return WALKV_INVALID_ARGUMENT;
  return guarded(nullptr, [&] {
    batch->batch.remove_prefix(p);
    return WALKV_OK;
  });
}

void walkv_writebatch_clear(walkv_writebatch_t* batch) noexcept {
  if (batch != nullptr) batch->batch.clear();
}

size_t walkv_writebatch_count(const walkv_writebatch_t* batch) noexcept {
  return batch != nullptr ? batch->batch.count() : 0;
}

size_t walkv_writebatch_byte_size(const walkv_writebatch_t* batch) noexcept {
  return batch != nullptr ? batch->batch.byte_size() : 0;
}

walkv_code_t walkv_write(walkv_store_t* store, const walkv_writeoptions_t* options, const walkv_writebatch_t* batch,
                         char** errptr) noexcept {
  if (store == nullptr) return null_argument(errptr, "store");
  if (batch == nullptr) return null_argument(errptr, "batch");
  return guarded(errptr, [&] { return report(errptr, store->store->write(write_options(options), batch->batch)); });
}

}  // extern "C"
