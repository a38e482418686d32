/**
 * @file c.h
 * @brief walkv's C API: the store and its sessions for C programs and for
 *        other languages' foreign-function interfaces.
 *
 * A thin layer over the C++ API (walkv/store.hpp, walkv/session.hpp) with the
 * same semantics; read the C++ comments for the details of each operation.
 * Plain C99/C11 (`#include <walkv/c.h>`), also usable from C++. Link with
 * `pkg-config --cflags --libs walkv` (docs/api.md).
 *
 * @par Errors
 * Every fallible function returns a ::walkv_code_t (::WALKV_OK = 0 on success;
 * the values are those of the C++ `walkv::Code`) and takes a last argument
 * `char** errptr`, as LevelDB's C API does:
 *  - `errptr` may be NULL when the caller only wants the code;
 *  - otherwise `*errptr` must be NULL or a message returned by an earlier walkv
 *    call. On failure that earlier message is freed and `*errptr` is set to a
 *    new NUL-terminated message, `"<code name>: <detail>"` (e.g.
 *    `"locked: store /x is held by pid 4242"`), which the caller frees with
 *    walkv_free(). On success `*errptr` is left unchanged.
 *
 * "Not found" for a key, a session or a checkpoint is never an error: the
 * result pointer is set to NULL. ::WALKV_NOT_FOUND means a missing *store*.
 * No C++ exception ever leaves a walkv_* function: an allocation failure
 * inside the library is reported as ::WALKV_IO_ERROR ("out of memory").
 * A NULL handle or a NULL data pointer with a non-zero length is refused with
 * ::WALKV_INVALID_ARGUMENT.
 *
 * @par Memory
 * Every object a `walkv_*_create`, `walkv_open*` or query function hands out
 * is owned by the caller and released with the matching `*_destroy` /
 * `*_close` function; every byte buffer or message is released with
 * walkv_free(). Pointers returned by accessor functions (`const char*` and
 * `const walkv_..._t*`) are borrowed: they stay valid until the object they
 * came from is destroyed, and must not be freed. Returned byte strings are
 * always followed by a NUL byte (not counted in the length), so text can be
 * used as a C string; binary data may contain NUL bytes, so use the length.
 *
 * @par Strings
 * Keys, values, session ids, descriptions and states are byte strings passed
 * as (pointer, length) pairs: any bytes, NUL included. Paths are
 * NUL-terminated.
 *
 * @par Threads
 * A ::walkv_store_t and a ::walkv_sessions_t may be used from any number of
 * threads at once, except that their close functions must not race with any
 * other call on them. Option handles and write batches are not synchronised:
 * build them on one thread; the calls that take them only read them. Result
 * objects are immutable and may be read from several threads; destroy them
 * once.
 *
 * @par Units
 * Sizes are bytes, times are Unix time in nanoseconds, durations are
 * nanoseconds unless the name says otherwise (e.g. `_ms`).
 */
#ifndef WALKV_C_H
#define WALKV_C_H

#include <stddef.h>
#include <stdint.h>

/** Marks the functions as non-throwing for C++ callers (empty in C). */
#ifdef __cplusplus
#define WALKV_NOEXCEPT noexcept
#else
#define WALKV_NOEXCEPT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/** @name Codes, enumerations and memory                                    */
/** @{                                                                      */

/** Result codes; equal to the C++ `walkv::Code` values, and stable. */
typedef enum walkv_code_t {
  WALKV_OK = 0,               /**< Success. */
  WALKV_IO_ERROR = 1,         /**< A system call failed (errno text in the message), or out of memory. */
  WALKV_CORRUPTION = 2,       /**< On-disk data failed a checksum or structural check (message names file and offset, or the key of a damaged snapshot entry). */
  WALKV_LOCKED = 3,           /**< Another process or another open holds the store (message names its pid). */
  WALKV_INVALID_ARGUMENT = 4, /**< The caller passed something walkv refuses (oversized key, unknown session, NULL handle, ...). */
  WALKV_NOT_SUPPORTED = 5,    /**< Not available here, e.g. a write on a read-only view. */
  WALKV_POISONED = 6,         /**< An earlier fdatasync failed; every write fails until the store is reopened. */
  WALKV_NO_SPACE = 7,         /**< ENOSPC/EDQUOT: nothing was written; retry once space is available. */
  WALKV_NOT_FOUND = 8,        /**< A store (not a key) does not exist, e.g. open without create_if_missing. */
  WALKV_VERSION_MISMATCH = 9  /**< Data written by an incompatible format or application version. */
} walkv_code_t;

/** How durable a write is when the call returns (C++ `walkv::Durability`). */
typedef enum walkv_durability_t {
  /** Returns after the write was fdatasync'd: survives power loss. Concurrent
   *  writers share one fdatasync (group commit). The default. */
  WALKV_DURABILITY_SYNC = 0,
  /** Returns after write(2): survives a process crash (kill -9), not a power
   *  loss; the log never has holes. See walkv_options_set_sync_interval_ms(). */
  WALKV_DURABILITY_NONE = 1
} walkv_durability_t;

/** What open does with a damaged log (C++ `walkv::RecoveryMode`, RocksDB's
 *  WAL recovery modes of the same names). */
typedef enum walkv_recovery_mode_t {
  /** Default: cut off a torn last frame, refuse any other damage. */
  WALKV_RECOVERY_TOLERATE_CORRUPTED_TAIL = 0,
  /** Refuse any damage, a torn tail included. */
  WALKV_RECOVERY_ABSOLUTE_CONSISTENCY = 1,
  /** Stop replay at the first damaged frame; discard everything after it. */
  WALKV_RECOVERY_POINT_IN_TIME = 2,
  /** Skip damaged frames and continue (may leave holes; salvage only). */
  WALKV_RECOVERY_SKIP_CORRUPTED = 3
} walkv_recovery_mode_t;

/** A session's status (C++ `walkv::SessionStatus`). */
typedef enum walkv_session_status_t {
  WALKV_SESSION_ACTIVE = 0,     /**< Owned by a live process (or not yet found interrupted). */
  WALKV_SESSION_COMPLETED = 1,  /**< walkv_session_complete() was called. */
  WALKV_SESSION_FAILED = 2,     /**< walkv_session_fail() was called (see walkv_session_info_reason()). */
  WALKV_SESSION_INTERRUPTED = 3 /**< Its process ended without completing it. */
} walkv_session_status_t;

/** Why a checkpoint was passed over before a resume (C++ `walkv::SkipReason`). */
typedef enum walkv_skip_reason_t {
  WALKV_SKIP_MALFORMED = 0,           /**< The stored value does not decode. */
  WALKV_SKIP_NUMBER_MISMATCH = 1,     /**< It holds another checkpoint's number. */
  WALKV_SKIP_HASH_MISMATCH = 2,       /**< The XXH3-64 of the stored state differs from the stored hash. */
  WALKV_SKIP_INCOMPATIBLE_VERSION = 3, /**< Another major application version (or not semver). */
  WALKV_SKIP_DAMAGED = 4               /**< The store reports its entry damaged (it fails the snapshot's checksum). */
} walkv_skip_reason_t;

/**
 * Frees memory that walkv handed to the caller: error messages (`errptr`),
 * values from walkv_get(), strings from walkv_resume_notice(). NULL is
 * ignored. Do not use it for objects that have a `*_destroy` function.
 * @param ptr the memory, or NULL.
 */
void walkv_free(void* ptr) WALKV_NOEXCEPT;

/**
 * A short stable name of a code, e.g. "corruption" (the first part of every
 * error message).
 * @param code any value; unknown values give "unknown".
 * @return a static string (never NULL, never freed).
 */
const char* walkv_code_name(walkv_code_t code) WALKV_NOEXCEPT;

/**
 * The stable name of a recovery mode, e.g. "tolerate_corrupted_tail".
 * @param mode any value; unknown values give "unknown".
 * @return a static string (never NULL, never freed).
 */
const char* walkv_recovery_mode_name(walkv_recovery_mode_t mode) WALKV_NOEXCEPT;

/**
 * The stable name of a session status, e.g. "interrupted".
 * @param status any value; unknown values give "unknown".
 * @return a static string (never NULL, never freed).
 */
const char* walkv_session_status_name(walkv_session_status_t status) WALKV_NOEXCEPT;

/**
 * The stable name of a skip reason, e.g. "hash_mismatch".
 * @param reason any value; unknown values give "unknown".
 * @return a static string (never NULL, never freed).
 */
const char* walkv_skip_reason_name(walkv_skip_reason_t reason) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Store options                                                     */
/** @{                                                                      */

/** Options for walkv_open() (C++ `walkv::Options`). Not synchronised. */
typedef struct walkv_options_t walkv_options_t;

/**
 * Creates options holding the defaults of the C++ `walkv::Options`.
 * @return a new handle, to free with walkv_options_destroy(); NULL when out
 *         of memory.
 */
walkv_options_t* walkv_options_create(void) WALKV_NOEXCEPT;

/**
 * Frees options. Stores opened with them are not affected.
 * @param options the handle, or NULL.
 */
void walkv_options_destroy(walkv_options_t* options) WALKV_NOEXCEPT;

/**
 * Whether open creates the store (directory mode 0700) when `dir` holds none.
 * When 0, opening a missing store fails with ::WALKV_NOT_FOUND.
 * @param options the options to change.
 * @param value non-zero (default) or 0.
 */
void walkv_options_set_create_if_missing(walkv_options_t* options, int value) WALKV_NOEXCEPT;

/**
 * Whether open fails with ::WALKV_INVALID_ARGUMENT when the store exists.
 * @param options the options to change.
 * @param value non-zero or 0 (default).
 */
void walkv_options_set_error_if_exists(walkv_options_t* options, int value) WALKV_NOEXCEPT;

/**
 * Size of each preallocated log segment.
 * @param options the options to change.
 * @param bytes default 64 MiB, minimum 64 KiB (checked by open).
 */
void walkv_options_set_segment_size(walkv_options_t* options, uint64_t bytes) WALKV_NOEXCEPT;

/**
 * Log volume since the last snapshot that starts a background compaction.
 * @param options the options to change.
 * @param bytes default 64 MiB; 0 disables automatic compaction
 *        (walkv_compact() still works).
 */
void walkv_options_set_compaction_trigger(walkv_options_t* options, uint64_t bytes) WALKV_NOEXCEPT;

/**
 * What open does with a damaged log.
 * @param options the options to change.
 * @param mode default ::WALKV_RECOVERY_TOLERATE_CORRUPTED_TAIL; a value outside
 *        the enumeration makes walkv_open() fail with ::WALKV_INVALID_ARGUMENT.
 */
void walkv_options_set_recovery_mode(walkv_options_t* options, walkv_recovery_mode_t mode) WALKV_NOEXCEPT;

/**
 * Whether recovery first copies a segment it cuts to "wal/<name>.broken".
 * @param options the options to change.
 * @param value non-zero or 0 (default).
 */
void walkv_options_set_keep_broken_segments(walkv_options_t* options, int value) WALKV_NOEXCEPT;

/**
 * Period of the store-wide background fdatasync for ::WALKV_DURABILITY_NONE
 * writes (Redis's "appendfsync everysec"): a power loss loses at most this
 * window.
 * @param options the options to change.
 * @param milliseconds default 0: no periodic sync.
 */
void walkv_options_set_sync_interval_ms(walkv_options_t* options, uint64_t milliseconds) WALKV_NOEXCEPT;

/**
 * Largest key accepted by writes.
 * @param options the options to change.
 * @param bytes default and maximum 511 (LMDB's key limit).
 */
void walkv_options_set_max_key_size(walkv_options_t* options, uint32_t bytes) WALKV_NOEXCEPT;

/**
 * Largest value accepted by writes.
 * @param options the options to change.
 * @param bytes default 64 MiB.
 */
void walkv_options_set_max_value_size(walkv_options_t* options, uint32_t bytes) WALKV_NOEXCEPT;

/**
 * Largest write batch accepted (sum of key and value sizes).
 * @param options the options to change.
 * @param bytes default 256 MiB.
 */
void walkv_options_set_max_batch_size(walkv_options_t* options, uint32_t bytes) WALKV_NOEXCEPT;

/**
 * Initial LMDB map size; the map doubles whenever it fills.
 * @param options the options to change.
 * @param bytes default 256 MiB.
 */
void walkv_options_set_initial_map_size(walkv_options_t* options, uint64_t bytes) WALKV_NOEXCEPT;

/** Per-write options (C++ `walkv::WriteOptions`). Not synchronised. */
typedef struct walkv_writeoptions_t walkv_writeoptions_t;

/**
 * Creates write options with durability ::WALKV_DURABILITY_SYNC.
 * @return a new handle, to free with walkv_writeoptions_destroy(); NULL when
 *         out of memory.
 */
walkv_writeoptions_t* walkv_writeoptions_create(void) WALKV_NOEXCEPT;

/**
 * Frees write options.
 * @param options the handle, or NULL.
 */
void walkv_writeoptions_destroy(walkv_writeoptions_t* options) WALKV_NOEXCEPT;

/**
 * Sets how durable a write is when the call returns.
 * @param options the options to change.
 * @param durability ::WALKV_DURABILITY_SYNC (default) or ::WALKV_DURABILITY_NONE;
 *        any other value means ::WALKV_DURABILITY_SYNC.
 */
void walkv_writeoptions_set_durability(walkv_writeoptions_t* options, walkv_durability_t durability) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Store                                                             */
/** @{                                                                      */

/** An open store (C++ `walkv::Store`). Thread-safe except walkv_close(). */
typedef struct walkv_store_t walkv_store_t;

/**
 * Opens (creating, per options) the store in directory `dir`: takes its lock,
 * replays the log and starts a new open epoch.
 * @param dir the store directory (NUL-terminated); symlinks are resolved once.
 * @param options the options, or NULL for the defaults.
 * @param[out] store receives the new handle (close it with walkv_close()); set
 *        to NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_LOCKED (the message names the holder's pid),
 *         ::WALKV_NOT_FOUND, ::WALKV_INVALID_ARGUMENT, ::WALKV_CORRUPTION (names
 *         segment file and byte offset), ::WALKV_VERSION_MISMATCH,
 *         ::WALKV_IO_ERROR, ::WALKV_NO_SPACE.
 */
walkv_code_t walkv_open(const char* dir, const walkv_options_t* options, walkv_store_t** store,
                        char** errptr) WALKV_NOEXCEPT;

/**
 * Opens a read-only, point-in-time view of the store in `dir` without taking
 * its lock (works while another process holds it). Writes on it fail with
 * ::WALKV_NOT_SUPPORTED.
 * @param dir the store directory (NUL-terminated).
 * @param options the options, or NULL for the defaults.
 * @param[out] store receives the new handle (close it with walkv_close()); set
 *        to NULL on failure.
 * @param errptr see "Errors" above.
 * @return as walkv_open().
 */
walkv_code_t walkv_open_read_only(const char* dir, const walkv_options_t* options, walkv_store_t** store,
                                  char** errptr) WALKV_NOEXCEPT;

/**
 * Closes the store (stops background work, makes written data durable,
 * releases the lock) and frees the handle, even when closing reports an
 * error. Refused with ::WALKV_INVALID_ARGUMENT, the handle staying valid,
 * while a ::walkv_sessions_t opened on it is still open: close that first.
 * Must not race with other calls on `store`.
 * @param store the handle, or NULL (a no-op returning ::WALKV_OK).
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK, or the first error met while closing.
 */
walkv_code_t walkv_close(walkv_store_t* store, char** errptr) WALKV_NOEXCEPT;

/**
 * Stores `value` under `key`.
 * @param store an open store.
 * @param options the write options, or NULL for ::WALKV_DURABILITY_SYNC.
 * @param key the key bytes (1..max_key_size).
 * @param key_len its length.
 * @param value the value bytes (may be NULL when value_len is 0).
 * @param value_len its length (0..max_value_size).
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (empty or oversized key,
 *         oversized value), ::WALKV_POISONED, ::WALKV_NO_SPACE,
 *         ::WALKV_IO_ERROR, ::WALKV_NOT_SUPPORTED (read-only view).
 */
walkv_code_t walkv_put(walkv_store_t* store, const walkv_writeoptions_t* options, const char* key, size_t key_len,
                       const char* value, size_t value_len, char** errptr) WALKV_NOEXCEPT;

/**
 * Removes `key` (an absent key is not an error).
 * @param store an open store.
 * @param options the write options, or NULL for ::WALKV_DURABILITY_SYNC.
 * @param key the key bytes.
 * @param key_len its length.
 * @param errptr see "Errors" above.
 * @return as walkv_put().
 */
walkv_code_t walkv_remove(walkv_store_t* store, const walkv_writeoptions_t* options, const char* key, size_t key_len,
                          char** errptr) WALKV_NOEXCEPT;

/**
 * Removes every key that starts with `prefix`, atomically. An empty prefix
 * removes every key.
 * @param store an open store.
 * @param options the write options, or NULL for ::WALKV_DURABILITY_SYNC.
 * @param prefix the prefix bytes (may be NULL when prefix_len is 0).
 * @param prefix_len its length.
 * @param errptr see "Errors" above.
 * @return as walkv_put().
 */
walkv_code_t walkv_remove_prefix(walkv_store_t* store, const walkv_writeoptions_t* options, const char* prefix,
                                 size_t prefix_len, char** errptr) WALKV_NOEXCEPT;

/**
 * Returns the value of `key`.
 * @param store an open store.
 * @param key the key bytes.
 * @param key_len its length.
 * @param[out] value receives a copy of the value followed by a NUL byte
 *        (free it with walkv_free()), or NULL when the key is absent.
 * @param[out] value_len receives the value's length (0 when absent); may be
 *        NULL.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK (found or not); ::WALKV_IO_ERROR, ::WALKV_CORRUPTION.
 */
walkv_code_t walkv_get(walkv_store_t* store, const char* key, size_t key_len, char** value, size_t* value_len,
                       char** errptr) WALKV_NOEXCEPT;

/**
 * Called by walkv_scan() for each key in order.
 * @param context the pointer given to walkv_scan().
 * @param key the key bytes, valid only during the call.
 * @param key_len its length.
 * @param value the value bytes, valid only during the call.
 * @param value_len its length.
 * @return non-zero to continue, 0 to stop the scan.
 */
typedef int (*walkv_scan_fn)(void* context, const char* key, size_t key_len, const char* value, size_t value_len);

/**
 * Calls `visit` for every key starting with `prefix`, in ascending byte
 * order, on a consistent view taken at the start of the call. `visit` must
 * not write to the store; it may stop the scan by returning 0.
 * @param store an open store.
 * @param prefix the prefix bytes (NULL with prefix_len 0: every key).
 * @param prefix_len its length.
 * @param visit the callback.
 * @param context passed to `visit` unchanged.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK (also when `visit` stopped the scan); ::WALKV_IO_ERROR,
 *         ::WALKV_CORRUPTION.
 */
walkv_code_t walkv_scan(walkv_store_t* store, const char* prefix, size_t prefix_len, walkv_scan_fn visit,
                        void* context, char** errptr) WALKV_NOEXCEPT;

/**
 * Makes every write that returned before the call durable (fdatasync).
 * @param store an open store.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_POISONED, ::WALKV_IO_ERROR.
 */
walkv_code_t walkv_sync(walkv_store_t* store, char** errptr) WALKV_NOEXCEPT;

/**
 * Folds the in-memory table into the LMDB snapshot (one durable
 * transaction) and deletes the log segments that made obsolete; returns when
 * done.
 * @param store an open store.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_POISONED, ::WALKV_IO_ERROR, ::WALKV_NO_SPACE,
 *         ::WALKV_NOT_SUPPORTED (read-only view).
 */
walkv_code_t walkv_compact(walkv_store_t* store, char** errptr) WALKV_NOEXCEPT;

/**
 * The store's open epoch: 1 at the first open, +1 at every later one
 * (read-only views report the last writer's).
 * @param store an open store.
 * @return the epoch; 0 when `store` is NULL.
 */
uint64_t walkv_store_open_epoch(const walkv_store_t* store) WALKV_NOEXCEPT;

/**
 * The sequence number of the last write applied.
 * @param store an open store.
 * @return the sequence (0 for an empty store, or when `store` is NULL).
 */
uint64_t walkv_store_last_sequence(const walkv_store_t* store) WALKV_NOEXCEPT;

/**
 * Whether the store is a view made by walkv_open_read_only().
 * @param store an open store.
 * @return 1 or 0 (0 when `store` is NULL).
 */
int walkv_store_read_only(const walkv_store_t* store) WALKV_NOEXCEPT;

/**
 * The store directory as resolved at open.
 * @param store an open store.
 * @return a NUL-terminated path, borrowed from `store`; "" when `store` is NULL.
 */
const char* walkv_store_directory(const walkv_store_t* store) WALKV_NOEXCEPT;

/** Counters of the recovery that open performed (C++ `walkv::RecoveryReport`). */
typedef enum walkv_recovery_counter_t {
  WALKV_RECOVERY_SEGMENTS = 0,          /**< Segment files examined. */
  WALKV_RECOVERY_FRAMES = 1,            /**< Valid frames read. */
  WALKV_RECOVERY_FRAMES_REPLAYED = 2,   /**< Frames applied (sequence after the snapshot's). */
  WALKV_RECOVERY_BYTES_REPLAYED = 3,    /**< Bytes of the frames applied, headers included. */
  WALKV_RECOVERY_SNAPSHOT_SEQUENCE = 4, /**< Applied sequence recorded in the snapshot. */
  WALKV_RECOVERY_LAST_SEQUENCE = 5,     /**< Last sequence after recovery. */
  WALKV_RECOVERY_BYTES_TRUNCATED = 6,   /**< Bytes cut off as a torn tail (or discarded by point-in-time). */
  WALKV_RECOVERY_REPLAY_NS = 7,         /**< Wall time of the replay, nanoseconds. */
  WALKV_RECOVERY_CORRUPTIONS = 8        /**< Damaged places found (see walkv_store_recovery_corruption()). */
} walkv_recovery_counter_t;

/**
 * One counter of the recovery report of the open that made `store`.
 * @param store an open store.
 * @param counter which counter.
 * @return its value; 0 for an unknown counter or a NULL store.
 */
uint64_t walkv_store_recovery_counter(const walkv_store_t* store, walkv_recovery_counter_t counter) WALKV_NOEXCEPT;

/** The store's statistics counters since open (C++ `walkv::Statistics`,
 *  include/walkv/statistics.hpp, which documents each counter exactly). */
typedef struct walkv_statistics_t {
  uint64_t bytes_written;    /**< log bytes written (frame headers and padding included) */
  uint64_t frames_written;   /**< frames (write batches) written */
  uint64_t group_commits;    /**< group-commit rounds (one write of the log each) */
  uint64_t fdatasyncs;       /**< fdatasync calls on the log */
  uint64_t synced_writers;   /**< writers whose write one of those fdatasyncs made durable */
  uint64_t write_stalls;     /**< write groups that waited for a segment rollover */
  uint64_t write_stall_ns;   /**< time spent in those waits, ns */
  uint64_t compactions;      /**< compactions completed */
  uint64_t bytes_compacted;  /**< log bytes folded into the snapshot */
  uint64_t compaction_ns;    /**< wall time of those compactions, ns */
  uint64_t replay_bytes;     /**< log bytes replayed by open */
  uint64_t replay_ns;        /**< wall time of that replay, ns */
  int poisoned;              /**< 1 once an fdatasync failed: every write fails until reopen */
} walkv_statistics_t;

/**
 * Reads the store's statistics counters (a consistent-enough copy: each
 * counter is read atomically, not all at one instant). Thread-safe.
 * Mean writers per fdatasync = synced_writers / fdatasyncs.
 * @param store an open store or view.
 * @param[out] stats receives the counters.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL argument).
 */
walkv_code_t walkv_store_statistics(const walkv_store_t* store, walkv_statistics_t* stats) WALKV_NOEXCEPT;

/**
 * One damaged place found by the recovery of the open that made `store` (a
 * torn tail or, with the salvaging modes, corruption), in log order.
 * @param store an open store.
 * @param index 0 .. walkv_store_recovery_counter(store, ::WALKV_RECOVERY_CORRUPTIONS) - 1.
 * @param[out] segment receives the segment file name relative to the store,
 *        e.g. "wal/0000000000000001.wal" (borrowed from `store`); may be NULL.
 * @param[out] offset receives the byte offset in that file; may be NULL.
 * @param[out] reason receives a description such as "checksum mismatch"
 *        (borrowed from `store`); may be NULL.
 * @param[out] torn_tail receives 1 for a torn last frame, 0 for corruption;
 *        may be NULL.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT when `index` is out of range.
 */
walkv_code_t walkv_store_recovery_corruption(const walkv_store_t* store, size_t index, const char** segment,
                                             uint64_t* offset, const char** reason, int* torn_tail) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Write batches                                                     */
/** @{                                                                      */

/** Puts, removes and prefix removes applied atomically by walkv_write()
 *  (C++ `walkv::WriteBatch`). Not synchronised. */
typedef struct walkv_writebatch_t walkv_writebatch_t;

/**
 * Creates an empty batch.
 * @return a new handle, to free with walkv_writebatch_destroy(); NULL when
 *         out of memory.
 */
walkv_writebatch_t* walkv_writebatch_create(void) WALKV_NOEXCEPT;

/**
 * Frees a batch.
 * @param batch the handle, or NULL.
 */
void walkv_writebatch_destroy(walkv_writebatch_t* batch) WALKV_NOEXCEPT;

/**
 * Adds a put of `value` under `key` (limits are checked by walkv_write()).
 * @param batch the batch.
 * @param key the key bytes.
 * @param key_len its length.
 * @param value the value bytes (may be NULL when value_len is 0).
 * @param value_len its length.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL batch or data);
 *         ::WALKV_IO_ERROR when out of memory (the batch is unchanged).
 */
walkv_code_t walkv_writebatch_put(walkv_writebatch_t* batch, const char* key, size_t key_len, const char* value,
                                  size_t value_len) WALKV_NOEXCEPT;

/**
 * Adds a removal of `key`.
 * @param batch the batch.
 * @param key the key bytes.
 * @param key_len its length.
 * @return as walkv_writebatch_put().
 */
walkv_code_t walkv_writebatch_remove(walkv_writebatch_t* batch, const char* key, size_t key_len) WALKV_NOEXCEPT;

/**
 * Adds a removal of every key starting with `prefix` (empty: every key).
 * @param batch the batch.
 * @param prefix the prefix bytes (may be NULL when prefix_len is 0).
 * @param prefix_len its length.
 * @return as walkv_writebatch_put().
 */
walkv_code_t walkv_writebatch_remove_prefix(walkv_writebatch_t* batch, const char* prefix,
                                            size_t prefix_len) WALKV_NOEXCEPT;

/**
 * Empties the batch.
 * @param batch the batch, or NULL.
 */
void walkv_writebatch_clear(walkv_writebatch_t* batch) WALKV_NOEXCEPT;

/**
 * The number of operations in the batch.
 * @param batch the batch.
 * @return the count (0 for NULL).
 */
size_t walkv_writebatch_count(const walkv_writebatch_t* batch) WALKV_NOEXCEPT;

/**
 * The sum of the key and value sizes in the batch.
 * @param batch the batch.
 * @return bytes (0 for NULL).
 */
size_t walkv_writebatch_byte_size(const walkv_writebatch_t* batch) WALKV_NOEXCEPT;

/**
 * Applies `batch` atomically: after any crash either all of it or none of it
 * is visible. The batch is only read and may be reused.
 * @param store an open store.
 * @param options the write options, or NULL for ::WALKV_DURABILITY_SYNC.
 * @param batch the batch (an empty batch is a no-op).
 * @param errptr see "Errors" above.
 * @return as walkv_put().
 */
walkv_code_t walkv_write(walkv_store_t* store, const walkv_writeoptions_t* options, const walkv_writebatch_t* batch,
                         char** errptr) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Session options and results                                       */
/** @{                                                                      */

/** Which sessions walkv_sessions_cleanup() deletes (C++ `walkv::CleanupPolicy`).
 *  A session is deleted when any rule applies: idle for max_age or more;
 *  completed and not keep_completed; failed and not keep_failed; beyond
 *  max_count (those updated longest ago first). Not synchronised. */
typedef struct walkv_cleanup_policy_t walkv_cleanup_policy_t;

/**
 * Creates a policy with the defaults: max age 24 h, no count limit, keep
 * completed and failed sessions.
 * @return a new handle, to free with walkv_cleanup_policy_destroy(); NULL
 *         when out of memory.
 */
walkv_cleanup_policy_t* walkv_cleanup_policy_create(void) WALKV_NOEXCEPT;

/**
 * Frees a policy.
 * @param policy the handle, or NULL.
 */
void walkv_cleanup_policy_destroy(walkv_cleanup_policy_t* policy) WALKV_NOEXCEPT;

/**
 * Sets the age limit: sessions whose last update is this old or older go.
 * @param policy the policy to change.
 * @param nanoseconds the age; 0 selects every session; values above
 *        INT64_MAX are clamped to it.
 */
void walkv_cleanup_policy_set_max_age_ns(walkv_cleanup_policy_t* policy, uint64_t nanoseconds) WALKV_NOEXCEPT;

/**
 * Removes the age limit.
 * @param policy the policy to change.
 */
void walkv_cleanup_policy_clear_max_age(walkv_cleanup_policy_t* policy) WALKV_NOEXCEPT;

/**
 * Sets the count limit: at most this many sessions remain.
 * @param policy the policy to change.
 * @param count the limit.
 */
void walkv_cleanup_policy_set_max_count(walkv_cleanup_policy_t* policy, uint64_t count) WALKV_NOEXCEPT;

/**
 * Removes the count limit (the default).
 * @param policy the policy to change.
 */
void walkv_cleanup_policy_clear_max_count(walkv_cleanup_policy_t* policy) WALKV_NOEXCEPT;

/**
 * Whether completed sessions are kept (unless another rule selects them).
 * @param policy the policy to change.
 * @param value non-zero (default) or 0.
 */
void walkv_cleanup_policy_set_keep_completed(walkv_cleanup_policy_t* policy, int value) WALKV_NOEXCEPT;

/**
 * Whether failed sessions are kept (unless another rule selects them).
 * @param policy the policy to change.
 * @param value non-zero (default) or 0.
 */
void walkv_cleanup_policy_set_keep_failed(walkv_cleanup_policy_t* policy, int value) WALKV_NOEXCEPT;

/** Options for walkv_sessions_open() (C++ `walkv::SessionOptions`). Not
 *  synchronised. */
typedef struct walkv_sessionoptions_t walkv_sessionoptions_t;

/**
 * Creates session options holding the C++ defaults (5 checkpoints kept,
 * synced checkpoints, no application version, cleanup of sessions idle
 * 24 h).
 * @return a new handle, to free with walkv_sessionoptions_destroy(); NULL
 *         when out of memory.
 */
walkv_sessionoptions_t* walkv_sessionoptions_create(void) WALKV_NOEXCEPT;

/**
 * Frees session options.
 * @param options the handle, or NULL.
 */
void walkv_sessionoptions_destroy(walkv_sessionoptions_t* options) WALKV_NOEXCEPT;

/**
 * How many checkpoints are kept per session.
 * @param options the options to change.
 * @param count at least 1 (checked by walkv_sessions_open()); default 5.
 */
void walkv_sessionoptions_set_keep_checkpoints(walkv_sessionoptions_t* options, uint32_t count) WALKV_NOEXCEPT;

/**
 * Durability of checkpoint writes (identity changes such as create,
 * complete, fail, resume and drops are always synced).
 * @param options the options to change.
 * @param durability default ::WALKV_DURABILITY_SYNC; any value other than
 *        ::WALKV_DURABILITY_NONE means ::WALKV_DURABILITY_SYNC.
 */
void walkv_sessionoptions_set_durability(walkv_sessionoptions_t* options, walkv_durability_t durability) WALKV_NOEXCEPT;

/**
 * The application's state-format version (semver "MAJOR.MINOR.PATCH",
 * optional leading 'v'): given to checkpoints written without one, and
 * checkpoints of another major version are skipped before a resume. Empty
 * (default): no version check.
 * @param options the options to change.
 * @param version the version text (may be NULL when version_len is 0).
 * @param version_len its length.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL options or data),
 *         ::WALKV_IO_ERROR (out of memory). Validated by walkv_sessions_open().
 */
walkv_code_t walkv_sessionoptions_set_app_version(walkv_sessionoptions_t* options, const char* version,
                                                  size_t version_len) WALKV_NOEXCEPT;

/**
 * The cleanup policy walkv_sessions_cleanup() uses when given none.
 * @param options the options to change.
 * @param policy copied; NULL restores the default (max age 24 h).
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL options).
 */
walkv_code_t walkv_sessionoptions_set_cleanup(walkv_sessionoptions_t* options,
                                              const walkv_cleanup_policy_t* policy) WALKV_NOEXCEPT;

/**
 * Encrypts new checkpoints' state at rest with this key
 * (XChaCha20-Poly1305); the key is also accepted for reading.
 * @param options the options to change.
 * @param key_id the key's id, stored with every checkpoint it encrypts
 *        (1..64 bytes, checked by walkv_sessions_open()).
 * @param key_id_len its length.
 * @param key the 32 key bytes (copied; wiped when the session store closes).
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL argument),
 *         ::WALKV_IO_ERROR (out of memory).
 */
walkv_code_t walkv_sessionoptions_set_encryption_key(walkv_sessionoptions_t* options, const char* key_id,
                                                     size_t key_id_len, const unsigned char key[32]) WALKV_NOEXCEPT;

/**
 * Adds a further key accepted for reading encrypted checkpoints (key
 * rotation). Ids must be distinct (checked by walkv_sessions_open()).
 * @param options the options to change.
 * @param key_id the key's id (1..64 bytes).
 * @param key_id_len its length.
 * @param key the 32 key bytes (copied).
 * @return as walkv_sessionoptions_set_encryption_key().
 */
walkv_code_t walkv_sessionoptions_add_decryption_key(walkv_sessionoptions_t* options, const char* key_id,
                                                     size_t key_id_len, const unsigned char key[32]) WALKV_NOEXCEPT;

/** A list of byte strings (session ids, skip messages). Immutable. */
typedef struct walkv_strlist_t walkv_strlist_t;

/**
 * Frees a string list that a walkv call handed out (not one borrowed from
 * another result).
 * @param list the list, or NULL.
 */
void walkv_strlist_destroy(walkv_strlist_t* list) WALKV_NOEXCEPT;

/**
 * The number of strings.
 * @param list the list.
 * @return the count (0 for NULL).
 */
size_t walkv_strlist_count(const walkv_strlist_t* list) WALKV_NOEXCEPT;

/**
 * One string.
 * @param list the list.
 * @param index 0 .. count - 1.
 * @param[out] len receives its length; may be NULL.
 * @return the bytes (NUL-terminated, borrowed from `list`); NULL when `index`
 *         is out of range.
 */
const char* walkv_strlist_at(const walkv_strlist_t* list, size_t index, size_t* len) WALKV_NOEXCEPT;

/** A session's record (C++ `walkv::SessionInfo`). Immutable. */
typedef struct walkv_session_info_t walkv_session_info_t;

/**
 * Frees a record handed out by walkv_session_info() (not one borrowed from a
 * list).
 * @param info the record, or NULL.
 */
void walkv_session_info_destroy(walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * The session id.
 * @param info the record.
 * @param[out] len receives its length; may be NULL.
 * @return the bytes, borrowed from `info`.
 */
const char* walkv_session_info_id(const walkv_session_info_t* info, size_t* len) WALKV_NOEXCEPT;

/**
 * The session's status.
 * @param info the record.
 * @return the status.
 */
walkv_session_status_t walkv_session_info_status(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * When the session was created.
 * @param info the record.
 * @return Unix time, ns.
 */
uint64_t walkv_session_info_created_ns(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * When the session was last written (checkpoint or status change).
 * @param info the record.
 * @return Unix time, ns.
 */
uint64_t walkv_session_info_updated_ns(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * The open epoch of the process that last wrote the session.
 * @param info the record.
 * @return the epoch (see walkv_store_open_epoch()).
 */
uint64_t walkv_session_info_owner_epoch(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * The step of the latest checkpoint.
 * @param info the record.
 * @return the step.
 */
uint32_t walkv_session_info_step(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * The total steps of the latest checkpoint.
 * @param info the record.
 * @return the total.
 */
uint32_t walkv_session_info_total_steps(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * The description (from create, then from the latest checkpoint).
 * @param info the record.
 * @param[out] len receives its length; may be NULL.
 * @return the bytes, borrowed from `info`.
 */
const char* walkv_session_info_description(const walkv_session_info_t* info, size_t* len) WALKV_NOEXCEPT;

/**
 * The number of the latest checkpoint written.
 * @param info the record.
 * @return the number; 0 when none yet.
 */
uint64_t walkv_session_info_latest_checkpoint(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * The failure reason (status ::WALKV_SESSION_FAILED).
 * @param info the record.
 * @param[out] len receives its length; may be NULL.
 * @return the bytes, borrowed from `info` ("" unless failed).
 */
const char* walkv_session_info_reason(const walkv_session_info_t* info, size_t* len) WALKV_NOEXCEPT;

/**
 * The number of secondary index entries of the session (see
 * walkv_session_add_index()).
 * @param info the record.
 * @return the count (0 for NULL).
 */
size_t walkv_session_info_index_count(const walkv_session_info_t* info) WALKV_NOEXCEPT;

/**
 * One secondary index entry, ordered by (name, value).
 * @param info the record.
 * @param index 0 .. walkv_session_info_index_count(info) - 1.
 * @param[out] name receives the entry's name (borrowed from `info`); may be NULL.
 * @param[out] name_len receives its length; may be NULL.
 * @param[out] value receives the entry's value (borrowed from `info`); may be NULL.
 * @param[out] value_len receives its length; may be NULL.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT when `index` is out of range.
 */
walkv_code_t walkv_session_info_index_at(const walkv_session_info_t* info, size_t index, const char** name,
                                         size_t* name_len, const char** value, size_t* value_len) WALKV_NOEXCEPT;

/** A list of session records. Immutable. */
typedef struct walkv_session_list_t walkv_session_list_t;

/**
 * Frees a list and the records in it.
 * @param list the list, or NULL.
 */
void walkv_session_list_destroy(walkv_session_list_t* list) WALKV_NOEXCEPT;

/**
 * The number of records.
 * @param list the list.
 * @return the count (0 for NULL).
 */
size_t walkv_session_list_count(const walkv_session_list_t* list) WALKV_NOEXCEPT;

/**
 * One record.
 * @param list the list.
 * @param index 0 .. count - 1.
 * @return the record, borrowed from `list`; NULL when out of range.
 */
const walkv_session_info_t* walkv_session_list_at(const walkv_session_list_t* list, size_t index) WALKV_NOEXCEPT;

/** A checkpoint (C++ `walkv::Checkpoint`), validated when read. Immutable. */
typedef struct walkv_checkpoint_t walkv_checkpoint_t;

/**
 * Frees a checkpoint handed out by walkv_session_latest_checkpoint() or
 * walkv_session_load_checkpoint() (not one borrowed from an interrupted
 * session).
 * @param checkpoint the checkpoint, or NULL.
 */
void walkv_checkpoint_destroy(walkv_checkpoint_t* checkpoint) WALKV_NOEXCEPT;

/**
 * The checkpoint's number (1, 2, ... per session).
 * @param checkpoint the checkpoint.
 * @return the number.
 */
uint64_t walkv_checkpoint_number(const walkv_checkpoint_t* checkpoint) WALKV_NOEXCEPT;

/**
 * The application version the checkpoint was written with.
 * @param checkpoint the checkpoint.
 * @param[out] len receives its length; may be NULL.
 * @return the text, borrowed from `checkpoint`.
 */
const char* walkv_checkpoint_app_version(const walkv_checkpoint_t* checkpoint, size_t* len) WALKV_NOEXCEPT;

/**
 * When the checkpoint was written.
 * @param checkpoint the checkpoint.
 * @return Unix time, ns.
 */
uint64_t walkv_checkpoint_time_ns(const walkv_checkpoint_t* checkpoint) WALKV_NOEXCEPT;

/**
 * The step recorded with the checkpoint.
 * @param checkpoint the checkpoint.
 * @return the step.
 */
uint32_t walkv_checkpoint_step(const walkv_checkpoint_t* checkpoint) WALKV_NOEXCEPT;

/**
 * The total steps recorded with the checkpoint.
 * @param checkpoint the checkpoint.
 * @return the total.
 */
uint32_t walkv_checkpoint_total_steps(const walkv_checkpoint_t* checkpoint) WALKV_NOEXCEPT;

/**
 * The description recorded with the checkpoint.
 * @param checkpoint the checkpoint.
 * @param[out] len receives its length; may be NULL.
 * @return the bytes, borrowed from `checkpoint`.
 */
const char* walkv_checkpoint_description(const walkv_checkpoint_t* checkpoint, size_t* len) WALKV_NOEXCEPT;

/**
 * The application state (decrypted when it was stored encrypted).
 * @param checkpoint the checkpoint.
 * @param[out] len receives its length; may be NULL.
 * @return the bytes, borrowed from `checkpoint`.
 */
const char* walkv_checkpoint_state(const walkv_checkpoint_t* checkpoint, size_t* len) WALKV_NOEXCEPT;

/**
 * The XXH3-64 hash of the stored state bytes (the ciphertext when
 * encrypted), verified when the checkpoint was read.
 * @param checkpoint the checkpoint.
 * @return the hash.
 */
uint64_t walkv_checkpoint_state_hash(const walkv_checkpoint_t* checkpoint) WALKV_NOEXCEPT;

/**
 * The id of the key the state was encrypted with.
 * @param checkpoint the checkpoint.
 * @param[out] len receives its length; may be NULL.
 * @return the bytes, borrowed from `checkpoint`; "" when stored in clear.
 */
const char* walkv_checkpoint_key_id(const walkv_checkpoint_t* checkpoint, size_t* len) WALKV_NOEXCEPT;

/** A session with the checkpoint a resume would use (C++
 *  `walkv::InterruptedSession`). Immutable. */
typedef struct walkv_interrupted_t walkv_interrupted_t;

/**
 * Frees an interrupted session handed out by walkv_session_resume() (not one
 * borrowed from a list).
 * @param session the session, or NULL.
 */
void walkv_interrupted_destroy(walkv_interrupted_t* session) WALKV_NOEXCEPT;

/**
 * The session's record.
 * @param session the session.
 * @return the record, borrowed from `session`.
 */
const walkv_session_info_t* walkv_interrupted_info(const walkv_interrupted_t* session) WALKV_NOEXCEPT;

/**
 * The newest checkpoint that passed validation.
 * @param session the session.
 * @return the checkpoint, borrowed from `session`; NULL when the session has
 *         none or none passed.
 */
const walkv_checkpoint_t* walkv_interrupted_checkpoint(const walkv_interrupted_t* session) WALKV_NOEXCEPT;

/**
 * The newer checkpoints passed over, newest first, as "checkpoint N: reason".
 * @param session the session.
 * @return the list, borrowed from `session` (possibly empty).
 */
const walkv_strlist_t* walkv_interrupted_skipped(const walkv_interrupted_t* session) WALKV_NOEXCEPT;

/**
 * One checkpoint passed over, structured.
 * @param session the session.
 * @param index 0 .. walkv_strlist_count(walkv_interrupted_skipped(session)) - 1.
 * @param[out] number receives the checkpoint's number; may be NULL.
 * @param[out] reason receives why it was passed over; may be NULL.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT when `index` is out of range.
 */
walkv_code_t walkv_interrupted_skipped_at(const walkv_interrupted_t* session, size_t index, uint64_t* number,
                                          walkv_skip_reason_t* reason) WALKV_NOEXCEPT;

/**
 * Whether the checkpoint's state could be used: not ::WALKV_OK when it is
 * encrypted and no key opens it (its state is then empty, and
 * walkv_session_resume() refuses the session).
 * @param session the session.
 * @param errptr see "Errors" above; receives the reason.
 * @return ::WALKV_OK or the state's error code.
 */
walkv_code_t walkv_interrupted_state_error(const walkv_interrupted_t* session, char** errptr) WALKV_NOEXCEPT;

/** A list of interrupted sessions. Immutable. */
typedef struct walkv_interrupted_list_t walkv_interrupted_list_t;

/**
 * Frees a list and the sessions in it.
 * @param list the list, or NULL.
 */
void walkv_interrupted_list_destroy(walkv_interrupted_list_t* list) WALKV_NOEXCEPT;

/**
 * The number of sessions.
 * @param list the list.
 * @return the count (0 for NULL).
 */
size_t walkv_interrupted_list_count(const walkv_interrupted_list_t* list) WALKV_NOEXCEPT;

/**
 * One session.
 * @param list the list.
 * @param index 0 .. count - 1.
 * @return the session, borrowed from `list`; NULL when out of range.
 */
const walkv_interrupted_t* walkv_interrupted_list_at(const walkv_interrupted_list_t* list, size_t index) WALKV_NOEXCEPT;

/**
 * A human-readable notice for the session's user, e.g. `Session "chat-7" was
 * interrupted 12 minutes ago at step 4 of 10 ("awaiting tool result"). It can
 * resume from checkpoint 4.`
 * @param session the session.
 * @param now_ns the current Unix time in ns; 0 for the system clock.
 * @param[out] notice receives the NUL-terminated text (free it with
 *        walkv_free()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT, ::WALKV_IO_ERROR (out of memory).
 */
walkv_code_t walkv_resume_notice(const walkv_interrupted_t* session, uint64_t now_ns, char** notice,
                                 char** errptr) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Sessions                                                          */
/** @{                                                                      */

/** The sessions of an open store (C++ `walkv::SessionStore`). Thread-safe
 *  except walkv_sessions_close(). Ids are any bytes, 1..256 long; every call
 *  taking an id refuses an invalid one with ::WALKV_INVALID_ARGUMENT. */
typedef struct walkv_sessions_t walkv_sessions_t;

/**
 * Attaches to an open, writable store: marks sessions that an earlier
 * process left active as interrupted (one atomic batch). Attach one per
 * store. The store cannot be closed while this is open.
 * A session whose record is damaged (it fails the snapshot's checksum or
 * does not decode) does not stop the open: it is left as it is, out of
 * walkv_sessions_list(), walkv_sessions_interrupted() and
 * walkv_sessions_cleanup(), and reported by walkv_sessions_damaged() until
 * walkv_session_repair() rebuilds it or walkv_session_drop() removes it.
 * @param store an open store (must stay open until walkv_sessions_close()).
 * @param options the options, or NULL for the defaults.
 * @param[out] sessions receives the new handle (free it with
 *        walkv_sessions_close()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_NOT_SUPPORTED (read-only view: use
 *         walkv_store_list_interrupted()), ::WALKV_INVALID_ARGUMENT (bad
 *         option), ::WALKV_VERSION_MISMATCH (a record written by a newer
 *         walkv), ::WALKV_IO_ERROR, and the store's write errors; never
 *         ::WALKV_CORRUPTION for a damaged record.
 */
walkv_code_t walkv_sessions_open(walkv_store_t* store, const walkv_sessionoptions_t* options,
                                 walkv_sessions_t** sessions, char** errptr) WALKV_NOEXCEPT;

/**
 * Detaches from the store and frees the handle (encryption keys are wiped).
 * Must not race with other calls on `sessions`.
 * @param sessions the handle, or NULL.
 */
void walkv_sessions_close(walkv_sessions_t* sessions) WALKV_NOEXCEPT;

/**
 * Creates session `id` (status active, owned by this process), synced.
 * @param sessions the session store.
 * @param id the id bytes (1..256).
 * @param id_len its length.
 * @param description free text (may be NULL when description_len is 0).
 * @param description_len its length.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (invalid id, or the session
 *         exists), and the store's write errors.
 */
walkv_code_t walkv_session_create(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* description,
                                  size_t description_len, char** errptr) WALKV_NOEXCEPT;

/**
 * Writes the next checkpoint of `id` and updates its record in one atomic
 * batch that also deletes checkpoints beyond keep_checkpoints. An interrupted
 * session becomes active again.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param state the application's serialized state (may be NULL when
 *        state_len is 0).
 * @param state_len its length.
 * @param step the current step.
 * @param total_steps the number of steps expected.
 * @param description free text (may be NULL when description_len is 0).
 * @param description_len its length.
 * @param app_version semver of the state's format (may be NULL when
 *        app_version_len is 0: the session options' version is used).
 * @param app_version_len its length.
 * @param[out] number receives the new checkpoint's number; may be NULL.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (unknown, completed or failed
 *         session), and the store's write errors.
 */
walkv_code_t walkv_session_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* state,
                                      size_t state_len, uint32_t step, uint32_t total_steps, const char* description,
                                      size_t description_len, const char* app_version, size_t app_version_len,
                                      uint64_t* number, char** errptr) WALKV_NOEXCEPT;

/**
 * Marks the session completed (its checkpoints stay until cleanup or drop).
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (unknown session), and the
 *         store's write errors.
 */
walkv_code_t walkv_session_complete(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                    char** errptr) WALKV_NOEXCEPT;

/**
 * Marks the session failed with a reason.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param reason free text (may be NULL when reason_len is 0).
 * @param reason_len its length.
 * @param errptr see "Errors" above.
 * @return as walkv_session_complete().
 */
walkv_code_t walkv_session_fail(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* reason,
                                size_t reason_len, char** errptr) WALKV_NOEXCEPT;

/**
 * Adds the secondary index entry (name, value) to the session (a no-op when
 * present), written synced with the session's record so that index and
 * records agree after any crash. walkv_sessions_find() looks sessions up by
 * entry (aliases, fingerprints, header values, ...).
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param name the entry's name (1..64 bytes).
 * @param name_len its length.
 * @param value the entry's value (1..256 bytes).
 * @param value_len its length.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (unknown session, invalid id,
 *         name or value), and the store's write errors.
 */
walkv_code_t walkv_session_add_index(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                                     size_t name_len, const char* value, size_t value_len,
                                     char** errptr) WALKV_NOEXCEPT;

/**
 * Replaces every value of index `name` on the session with `value`.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param name the entry's name (1..64 bytes).
 * @param name_len its length.
 * @param value the new value (1..256 bytes).
 * @param value_len its length.
 * @param errptr see "Errors" above.
 * @return as walkv_session_add_index().
 */
walkv_code_t walkv_session_set_index(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                                     size_t name_len, const char* value, size_t value_len,
                                     char** errptr) WALKV_NOEXCEPT;

/**
 * Removes the index entry (name, value) from the session, or every value of
 * `name` when `value` is NULL.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param name the entry's name.
 * @param name_len its length.
 * @param value the value to remove, or NULL for every value of `name`.
 * @param value_len its length (ignored when `value` is NULL).
 * @param errptr see "Errors" above.
 * @return as walkv_session_add_index().
 */
walkv_code_t walkv_session_remove_index(walkv_sessions_t* sessions, const char* id, size_t id_len, const char* name,
                                        size_t name_len, const char* value, size_t value_len,
                                        char** errptr) WALKV_NOEXCEPT;

/**
 * The ids of the sessions holding index entry (name, value), ordered by id.
 * An entry whose stored id fails the snapshot's checksum is still found by
 * the hash of the id its key ends with (SessionStore::find).
 * @param sessions the session store.
 * @param name the entry's name.
 * @param name_len its length.
 * @param value the entry's value.
 * @param value_len its length.
 * @param[out] ids receives the ids (free them with walkv_strlist_destroy());
 *        NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK (also when none holds it); ::WALKV_INVALID_ARGUMENT
 *         (invalid name or value), ::WALKV_IO_ERROR, ::WALKV_CORRUPTION (a
 *         damaged entry that matches no session).
 */
walkv_code_t walkv_sessions_find(walkv_sessions_t* sessions, const char* name, size_t name_len, const char* value,
                                 size_t value_len, walkv_strlist_t** ids, char** errptr) WALKV_NOEXCEPT;

/**
 * Reads the record of one session.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param[out] info receives the record (free it with
 *        walkv_session_info_destroy()), or NULL when there is no such session.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (invalid id),
 *         ::WALKV_CORRUPTION naming the session (its record is damaged: see
 *         walkv_sessions_damaged(); walkv_session_repair() rebuilds it),
 *         ::WALKV_VERSION_MISMATCH (written by a newer walkv), ::WALKV_IO_ERROR.
 */
walkv_code_t walkv_session_info(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                walkv_session_info_t** info, char** errptr) WALKV_NOEXCEPT;

/**
 * Lists the sessions whose id starts with `id_prefix`, ordered by id
 * (bytewise). Reads records only, never checkpoints. Sessions whose record
 * is damaged are left out: walkv_sessions_damaged() lists them.
 * @param sessions the session store.
 * @param id_prefix the prefix (NULL with id_prefix_len 0: every session).
 * @param id_prefix_len its length.
 * @param[out] list receives the list (free it with
 *        walkv_session_list_destroy()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_VERSION_MISMATCH (a record written by a newer
 *         walkv), ::WALKV_IO_ERROR; never ::WALKV_CORRUPTION for a damaged
 *         record.
 */
walkv_code_t walkv_sessions_list(walkv_sessions_t* sessions, const char* id_prefix, size_t id_prefix_len,
                                 walkv_session_list_t** list, char** errptr) WALKV_NOEXCEPT;

/**
 * The latest checkpoint of `id` that passes validation (decodes, carries its
 * number, matches its hash, compatible application version), falling back to
 * older ones.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param[out] checkpoint receives the checkpoint (free it with
 *        walkv_checkpoint_destroy()), or NULL when the session (or a valid
 *        checkpoint) does not exist.
 * @param[out] skipped receives "checkpoint N: reason" for each newer one passed
 *        over (free it with walkv_strlist_destroy()); may be NULL when not
 *        wanted. Set to NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (invalid id, or the checkpoint
 *         found is encrypted and no key opens it), ::WALKV_IO_ERROR,
 *         ::WALKV_CORRUPTION.
 */
walkv_code_t walkv_session_latest_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                             walkv_checkpoint_t** checkpoint, walkv_strlist_t** skipped,
                                             char** errptr) WALKV_NOEXCEPT;

/**
 * One checkpoint by number, validated.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param number the checkpoint's number.
 * @param[out] checkpoint receives the checkpoint (free it with
 *        walkv_checkpoint_destroy()), or NULL when absent.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_CORRUPTION (hash mismatch, undecodable),
 *         ::WALKV_VERSION_MISMATCH (another major application version),
 *         ::WALKV_INVALID_ARGUMENT (invalid id; encrypted with a missing or
 *         wrong key), ::WALKV_IO_ERROR.
 */
walkv_code_t walkv_session_load_checkpoint(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                           uint64_t number, walkv_checkpoint_t** checkpoint,
                                           char** errptr) WALKV_NOEXCEPT;

/**
 * The interrupted sessions (found when the session store was opened, or
 * marked by an earlier open), ordered by id, each with the checkpoint a
 * resume would use. Re-read on every call. Sessions whose record is damaged
 * are left out: walkv_sessions_damaged() lists them.
 * @param sessions the session store.
 * @param[out] list receives the list (free it with
 *        walkv_interrupted_list_destroy()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_IO_ERROR, ::WALKV_VERSION_MISMATCH (a record
 *         written by a newer walkv); never ::WALKV_CORRUPTION for a damaged
 *         record.
 */
walkv_code_t walkv_sessions_interrupted(walkv_sessions_t* sessions, walkv_interrupted_list_t** list,
                                        char** errptr) WALKV_NOEXCEPT;

/**
 * Takes over an interrupted (or active) session: status active, owned by this
 * process. Returns the checkpoint it resumes from and why newer ones were
 * skipped.
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param[out] session receives the session (free it with
 *        walkv_interrupted_destroy()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (unknown, completed or failed
 *         session, or its checkpoint cannot be decrypted: the session is then
 *         left as it was), and the store's errors.
 */
walkv_code_t walkv_session_resume(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                  walkv_interrupted_t** session, char** errptr) WALKV_NOEXCEPT;

/**
 * Deletes one session with its checkpoints and index entries, atomically (an
 * absent session is not an error).
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (invalid id), and the store's
 *         write errors.
 */
walkv_code_t walkv_session_drop(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                char** errptr) WALKV_NOEXCEPT;

/**
 * Deletes every session whose id starts with `id_prefix`, atomically. The
 * prefix is raw bytes, not a path: "agent/issue1" also matches
 * "agent/issue10"; end it with the separator to select one level. An empty
 * prefix deletes every session.
 * @param sessions the session store.
 * @param id_prefix the prefix bytes (may be NULL when id_prefix_len is 0).
 * @param id_prefix_len its length.
 * @param[out] dropped receives the ids deleted, ordered by id (free it with
 *        walkv_strlist_destroy()); may be NULL when not wanted.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; the store's errors.
 */
walkv_code_t walkv_sessions_drop_prefix(walkv_sessions_t* sessions, const char* id_prefix, size_t id_prefix_len,
                                        walkv_strlist_t** dropped, char** errptr) WALKV_NOEXCEPT;

/**
 * Deletes, in one atomic synced batch, every session `policy` selects (record,
 * checkpoints and index entries). Sessions whose record is damaged are
 * neither deleted nor counted (their age and status are unknown): repair
 * them with walkv_session_repair() or drop them with walkv_session_drop().
 * @param sessions the session store.
 * @param policy the policy, or NULL for the session options' policy
 *        (walkv_sessionoptions_set_cleanup()).
 * @param now_ns the current Unix time in ns; 0 for the system clock.
 * @param[out] deleted receives the ids deleted, ordered by id (free it with
 *        walkv_strlist_destroy()); may be NULL when not wanted.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_VERSION_MISMATCH (a record written by a newer
 *         walkv), the store's scan and write errors.
 */
walkv_code_t walkv_sessions_cleanup(walkv_sessions_t* sessions, const walkv_cleanup_policy_t* policy, uint64_t now_ns,
                                    walkv_strlist_t** deleted, char** errptr) WALKV_NOEXCEPT;

/**
 * Deletes the sessions whose last update is `max_age_ns` or more in the past
 * (any status), atomically: walkv_sessions_cleanup() with only an age rule
 * (sessions whose record is damaged are left alone, as there).
 * @param sessions the session store.
 * @param max_age_ns the age in ns; 0 deletes every session.
 * @param[out] deleted receives the ids deleted, ordered by id (free it with
 *        walkv_strlist_destroy()); may be NULL when not wanted.
 * @param errptr see "Errors" above.
 * @return as walkv_sessions_cleanup().
 */
walkv_code_t walkv_sessions_cleanup_stale(walkv_sessions_t* sessions, uint64_t max_age_ns, walkv_strlist_t** deleted,
                                          char** errptr) WALKV_NOEXCEPT;

/**
 * Read-only inspection (works on views from walkv_open_read_only()): the
 * sessions that are interrupted, or would be once the writing process is
 * gone (active and owned by an epoch older than `live_epoch`). Hashes are
 * validated; encrypted states are not decrypted. Sessions whose record is
 * damaged are left out: walkv_store_list_damaged_sessions() reports them.
 * @param store an open store or view.
 * @param live_epoch the epoch of the live writer; UINT64_MAX when none.
 * @param[out] list receives the list (free it with
 *        walkv_interrupted_list_destroy()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_IO_ERROR, ::WALKV_VERSION_MISMATCH (a record
 *         written by a newer walkv); never ::WALKV_CORRUPTION for a damaged
 *         record.
 */
walkv_code_t walkv_store_list_interrupted(walkv_store_t* store, uint64_t live_epoch, walkv_interrupted_list_t** list,
                                          char** errptr) WALKV_NOEXCEPT;

/**
 * Read-only inspection: every session of a store or view, ordered by id.
 * Sessions whose record is damaged are left out:
 * walkv_store_list_damaged_sessions() reports them.
 * @param store an open store or view.
 * @param[out] list receives the list (free it with
 *        walkv_session_list_destroy()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return as walkv_store_list_interrupted().
 */
walkv_code_t walkv_store_list_sessions(walkv_store_t* store, walkv_session_list_t** list,
                                       char** errptr) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Checkpoint lists                                                  */
/** @{                                                                      */

/** A session's checkpoints, newest first (walkv_session_list_checkpoints()).
 *  Immutable: safe to read from several threads. */
typedef struct walkv_checkpoint_summary_list_t walkv_checkpoint_summary_list_t;

/** One entry of a walkv_checkpoint_summary_list_t. The strings are borrowed
 *  from the list (not NUL-free: use the lengths) and live until it is
 *  destroyed. */
typedef struct walkv_checkpoint_summary_t {
  uint64_t number;          /**< the checkpoint's number (1, 2, ...) */
  uint64_t time_ns;         /**< when it was written, Unix time in ns */
  uint32_t step;            /**< the step it records */
  uint32_t total_steps;     /**< the steps expected */
  uint64_t state_size;      /**< stored state bytes (ciphertext when encrypted) */
  const char* app_version;  /**< application version it was written by */
  size_t app_version_len;   /**< its length */
  const char* description;  /**< free text */
  size_t description_len;   /**< its length */
  const char* key_id;       /**< encryption key id; empty when not encrypted */
  size_t key_id_len;        /**< its length */
  int valid;                /**< 1 when it passes validation (a resume may use it) */
  walkv_skip_reason_t problem; /**< why a resume would skip it (when valid is 0) */
} walkv_checkpoint_summary_t;

/**
 * Lists the checkpoints of `id`, newest first, each validated (hash and
 * application version) but without its state (C++
 * `SessionStore::list_checkpoints`).
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param[out] list receives the list (free it with
 *        walkv_checkpoint_summary_list_destroy()); empty when the session has
 *        none or does not exist; NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (invalid id),
 *         ::WALKV_IO_ERROR, ::WALKV_CORRUPTION.
 */
walkv_code_t walkv_session_list_checkpoints(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                            walkv_checkpoint_summary_list_t** list, char** errptr) WALKV_NOEXCEPT;

/** Frees a checkpoint list. @param list the list, or NULL. */
void walkv_checkpoint_summary_list_destroy(walkv_checkpoint_summary_list_t* list) WALKV_NOEXCEPT;

/** @param list a list, or NULL. @return its number of entries (0 for NULL). */
size_t walkv_checkpoint_summary_list_count(const walkv_checkpoint_summary_list_t* list) WALKV_NOEXCEPT;

/**
 * Reads entry `index` of a checkpoint list.
 * @param list the list.
 * @param index 0 .. count - 1 (0 is the newest).
 * @param[out] out receives the entry.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL list or out, index out of
 *         range).
 */
walkv_code_t walkv_checkpoint_summary_list_at(const walkv_checkpoint_summary_list_t* list, size_t index,
                                              walkv_checkpoint_summary_t* out) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Damaged sessions                                                  */
/** @{                                                                      */
/* A session whose record cannot be read (C++ `walkv::DamagedSession`): its
 * entry fails the LMDB snapshot's checksum, or it does not decode. Its
 * checkpoints and index entries are still stored. Such a session does not
 * stop walkv_sessions_open(); the lists and walkv_sessions_cleanup() leave it
 * out, every call on it that reads its record fails with ::WALKV_CORRUPTION,
 * walkv_session_repair() rebuilds its record and walkv_session_drop()
 * removes it all. */

/** Sessions whose record is damaged, ordered by id
 *  (walkv_sessions_damaged(), walkv_store_list_damaged_sessions()).
 *  Immutable: safe to read from several threads. */
typedef struct walkv_damaged_list_t walkv_damaged_list_t;

/**
 * Lists the sessions whose record is damaged, ordered by id, each with what
 * is wrong (C++ `SessionStore::damaged_sessions`). Re-read on every call
 * (one scan of the records).
 * @param sessions the session store.
 * @param[out] list receives the list (free it with
 *        walkv_damaged_list_destroy()); empty on a sound store; NULL on
 *        failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL argument),
 *         ::WALKV_IO_ERROR (the store's scan errors).
 */
walkv_code_t walkv_sessions_damaged(walkv_sessions_t* sessions, walkv_damaged_list_t** list,
                                    char** errptr) WALKV_NOEXCEPT;

/**
 * Rebuilds the record of a session listed by walkv_sessions_damaged() from
 * what is still stored, in one synced batch, and returns it (C++
 * `SessionStore::repair`, which details each field): step, total steps and
 * description from the newest checkpoint that decodes; the latest and oldest
 * checkpoint numbers from those stored, so new checkpoints never reuse a
 * number; the index entries still pointing at the session; status
 * ::WALKV_SESSION_INTERRUPTED and owner epoch 0, so the session shows in
 * walkv_sessions_interrupted() and the caller decides (resume, complete, fail
 * or drop).
 * @param sessions the session store.
 * @param id the session id.
 * @param id_len its length.
 * @param[out] info receives the rebuilt record (free it with
 *        walkv_session_info_destroy()); may be NULL when not wanted. Set to
 *        NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (invalid id, unknown session,
 *         or its record is not damaged), ::WALKV_VERSION_MISMATCH (its record
 *         was written by a newer walkv), and the store's read and write
 *         errors.
 */
walkv_code_t walkv_session_repair(walkv_sessions_t* sessions, const char* id, size_t id_len,
                                  walkv_session_info_t** info, char** errptr) WALKV_NOEXCEPT;

/**
 * Read-only inspection (works on views from walkv_open_read_only()): the
 * sessions of a store or view whose record is damaged, ordered by id (C++
 * `list_damaged_sessions`).
 * @param store an open store or view.
 * @param[out] list receives the list (free it with
 *        walkv_damaged_list_destroy()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return as walkv_sessions_damaged().
 */
walkv_code_t walkv_store_list_damaged_sessions(walkv_store_t* store, walkv_damaged_list_t** list,
                                               char** errptr) WALKV_NOEXCEPT;

/** Frees a damaged-session list. @param list the list, or NULL. */
void walkv_damaged_list_destroy(walkv_damaged_list_t* list) WALKV_NOEXCEPT;

/** @param list a list, or NULL. @return its number of entries (0 for NULL). */
size_t walkv_damaged_list_count(const walkv_damaged_list_t* list) WALKV_NOEXCEPT;

/**
 * Reads entry `index` of a damaged-session list.
 * @param list the list.
 * @param index 0 .. count - 1.
 * @param[out] id receives the session id (borrowed from `list`; may contain
 *        NUL bytes: use the length); may be NULL.
 * @param[out] id_len receives its length; may be NULL.
 * @param[out] problem receives what is wrong with the record, a
 *        NUL-terminated message naming the session and the damage (the
 *        message of a ::WALKV_CORRUPTION error, without the code name;
 *        borrowed from `list`); may be NULL.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL list, index out of
 *         range).
 */
walkv_code_t walkv_damaged_list_at(const walkv_damaged_list_t* list, size_t index, const char** id, size_t* id_len,
                                   const char** problem) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Session ids                                                       */
/** @{                                                                      */
/* Ids built from parts (agent, repository, issue, ...), C++
 * include/walkv/session_key.hpp: each part is percent-encoded so '/' only
 * separates parts, which keeps prefix drops exact (dropping issue 1 never
 * drops issue 10). docs/sessions.md documents the encoding. */

/**
 * Makes the id of `parts` (C++ `make_session_id`).
 * @param parts `count` byte strings (a part may be empty: pointer NULL with
 *        length 0).
 * @param part_lens their lengths.
 * @param count the number of parts (at least 1).
 * @param[out] id receives the id, NUL-terminated (free it with walkv_free());
 *        NULL on failure.
 * @param[out] id_len receives its length; may be NULL.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (count 0, NULL parts).
 *         Session calls refuse ids longer than 256 bytes.
 */
walkv_code_t walkv_session_id_make(const char* const* parts, const size_t* part_lens, size_t count, char** id,
                                   size_t* id_len, char** errptr) WALKV_NOEXCEPT;

/**
 * The prefix of every id with more parts whose leading parts are `parts`
 * (walkv_session_id_make() + "/"; C++ `session_id_prefix`).
 * @param parts, part_lens, count as walkv_session_id_make().
 * @param[out] prefix receives the prefix (free it with walkv_free()).
 * @param[out] prefix_len receives its length; may be NULL.
 * @param errptr see "Errors" above.
 * @return as walkv_session_id_make().
 */
walkv_code_t walkv_session_id_prefix(const char* const* parts, const size_t* part_lens, size_t count, char** prefix,
                                     size_t* prefix_len, char** errptr) WALKV_NOEXCEPT;

/**
 * Splits an id made by walkv_session_id_make() into its parts (C++
 * `split_session_id`).
 * @param id the id.
 * @param id_len its length.
 * @param[out] parts receives the parts (free them with
 *        walkv_strlist_destroy()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (a '%' not followed by two hex
 *         digits, or an escape walkv_session_id_make() would not produce).
 */
walkv_code_t walkv_session_id_split(const char* id, size_t id_len, walkv_strlist_t** parts,
                                    char** errptr) WALKV_NOEXCEPT;

/**
 * Deletes the session walkv_session_id_make(parts) and every session under
 * it, in one atomic batch (C++ `SessionStore::drop_under`): dropping
 * {"agent", "repo", "1"} never touches {"agent", "repo", "10"}.
 * @param sessions the session store.
 * @param parts, part_lens, count as walkv_session_id_make().
 * @param[out] dropped receives the ids deleted, ordered by id (free it with
 *        walkv_strlist_destroy()); may be NULL when not wanted.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (count 0, NULL parts), and the
 *         store's errors.
 */
walkv_code_t walkv_sessions_drop_under(walkv_sessions_t* sessions, const char* const* parts, const size_t* part_lens,
                                       size_t count, walkv_strlist_t** dropped, char** errptr) WALKV_NOEXCEPT;

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Checkpointer                                                      */
/** @{                                                                      */

/** Checkpoints for gateways that do not want a write per message (C++
 *  `walkv::Checkpointer`, include/walkv/checkpointer.hpp): call
 *  walkv_checkpointer_message() on every message; a checkpoint is written
 *  every N messages, and a background tick flushes sessions whose last write
 *  is older than the flush interval (an idle session is never rewritten).
 *  Thread-safe except walkv_checkpointer_close(). It keeps its session store
 *  alive: walkv_sessions_close() may come before walkv_checkpointer_close(),
 *  but the store cannot be closed until both are. */
typedef struct walkv_checkpointer_t walkv_checkpointer_t;

/** Counters of a checkpointer (walkv_checkpointer_stats()); the write
 *  amplification is checkpoints / messages. */
typedef struct walkv_checkpointer_stats_t {
  uint64_t messages;        /**< walkv_checkpointer_message() calls accepted */
  uint64_t checkpoints;     /**< checkpoints written */
  uint64_t state_bytes;     /**< state bytes in those checkpoints */
  uint64_t by_count;        /**< written because of every_messages */
  uint64_t by_timer;        /**< written by a background tick */
  uint64_t by_request;      /**< written by flush, flush_all, complete, fail or close */
  uint64_t identity_writes; /**< walkv_checkpointer_identify() writes */
  uint64_t failed;          /**< writes that failed */
  uint64_t ticks;           /**< ticks completed */
} walkv_checkpointer_stats_t;

/**
 * Starts a checkpointer with a background tick thread.
 * @param sessions the session store (kept alive until the checkpointer is
 *        closed).
 * @param every_messages write a checkpoint every this many messages of a
 *        session; 0 for the default (10).
 * @param flush_interval_ns flush a dirty session whose last write is this old
 *        (ns); 0 for the default (30 s).
 * @param[out] checkpointer receives the handle (free it with
 *        walkv_checkpointer_close()); NULL on failure.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL argument).
 */
walkv_code_t walkv_checkpointer_start(walkv_sessions_t* sessions, uint32_t every_messages, uint64_t flush_interval_ns,
                                      walkv_checkpointer_t** checkpointer, char** errptr) WALKV_NOEXCEPT;

/**
 * Records a message of session `id` whose state is now `state` (kept in
 * memory; written with the every_messages-th unsaved message, by a tick, or
 * by a flush).
 * @param checkpointer the checkpointer.
 * @param id the session id (the session must exist: walkv_session_create()).
 * @param id_len its length.
 * @param state the state bytes (may be NULL when state_len is 0).
 * @param state_len its length.
 * @param step the current step.
 * @param total_steps the steps expected.
 * @param description free text (may be NULL when description_len is 0).
 * @param description_len its length.
 * @param[out] written receives 1 when this call wrote a checkpoint, else 0;
 *        may be NULL.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; when it writes, the errors of
 *         walkv_session_checkpoint() (an unknown or finished session's state
 *         is then discarded; other errors keep it for the next flush);
 *         ::WALKV_NOT_SUPPORTED after close.
 */
walkv_code_t walkv_checkpointer_message(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                        const char* state, size_t state_len, uint32_t step, uint32_t total_steps,
                                        const char* description, size_t description_len, int* written,
                                        char** errptr) WALKV_NOEXCEPT;

/**
 * Writes identity field (name, value) of the session at once, synced
 * (walkv_session_set_index()), whatever its unsaved state.
 * @param checkpointer the checkpointer.
 * @param id the session id.
 * @param id_len its length.
 * @param name the index name (1..64 bytes).
 * @param name_len its length.
 * @param value the value (1..256 bytes).
 * @param value_len its length.
 * @param errptr see "Errors" above.
 * @return as walkv_session_set_index().
 */
walkv_code_t walkv_checkpointer_identify(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                         const char* name, size_t name_len, const char* value, size_t value_len,
                                         char** errptr) WALKV_NOEXCEPT;

/**
 * Writes the session's unsaved state now (nothing when it has none).
 * @param checkpointer the checkpointer.
 * @param id the session id.
 * @param id_len its length.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; as walkv_session_checkpoint().
 */
walkv_code_t walkv_checkpointer_flush(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                      char** errptr) WALKV_NOEXCEPT;

/**
 * Writes every unsaved state now.
 * @param checkpointer the checkpointer.
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; the first error met (the other sessions are still
 *         written).
 */
walkv_code_t walkv_checkpointer_flush_all(walkv_checkpointer_t* checkpointer, char** errptr) WALKV_NOEXCEPT;

/**
 * Flushes the session, then marks it completed.
 * @param checkpointer the checkpointer.
 * @param id the session id.
 * @param id_len its length.
 * @param errptr see "Errors" above.
 * @return as walkv_session_complete().
 */
walkv_code_t walkv_checkpointer_complete(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                         char** errptr) WALKV_NOEXCEPT;

/**
 * Flushes the session, then marks it failed with `reason`.
 * @param checkpointer the checkpointer.
 * @param id the session id.
 * @param id_len its length.
 * @param reason free text (may be NULL when reason_len is 0).
 * @param reason_len its length.
 * @param errptr see "Errors" above.
 * @return as walkv_session_fail().
 */
walkv_code_t walkv_checkpointer_fail(walkv_checkpointer_t* checkpointer, const char* id, size_t id_len,
                                     const char* reason, size_t reason_len, char** errptr) WALKV_NOEXCEPT;

/** @param checkpointer a checkpointer, or NULL.
 *  @return the number of sessions with unsaved state (0 for NULL). */
size_t walkv_checkpointer_dirty_count(const walkv_checkpointer_t* checkpointer) WALKV_NOEXCEPT;

/**
 * Reads the checkpointer's counters.
 * @param checkpointer the checkpointer.
 * @param[out] stats receives the counters.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL argument).
 */
walkv_code_t walkv_checkpointer_stats(const walkv_checkpointer_t* checkpointer,
                                      walkv_checkpointer_stats_t* stats) WALKV_NOEXCEPT;

/**
 * Takes the errors background ticks met since the last call (at most 64
 * kept), each as "<code name>: <message>".
 * @param checkpointer the checkpointer.
 * @param[out] errors receives them (free with walkv_strlist_destroy()).
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; ::WALKV_INVALID_ARGUMENT (NULL argument).
 */
walkv_code_t walkv_checkpointer_take_errors(walkv_checkpointer_t* checkpointer, walkv_strlist_t** errors,
                                            char** errptr) WALKV_NOEXCEPT;

/**
 * Stops the background tick, writes everything unsaved, and frees the
 * handle (also when the final flush fails). Must not race with other calls on
 * `checkpointer`.
 * @param checkpointer the checkpointer, or NULL (a no-op).
 * @param errptr see "Errors" above.
 * @return ::WALKV_OK; the first error of the final flush.
 */
walkv_code_t walkv_checkpointer_close(walkv_checkpointer_t* checkpointer, char** errptr) WALKV_NOEXCEPT;

/** @} */

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* WALKV_C_H */
