/* walkv C API test, plain C11: exercises every function of include/walkv/c.h
 * against real stores in a temporary directory. Every check aborts on
 * failure (independently of NDEBUG), so the test fails if anything is wrong. */
#define _XOPEN_SOURCE 700

#include <walkv/c.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c_check.h"

/* ---- names ---------------------------------------------------------------- */

static void test_names(void) {
  CHECK(strcmp(walkv_code_name(WALKV_OK), "ok") == 0);
  CHECK(strcmp(walkv_code_name(WALKV_CORRUPTION), "corruption") == 0);
  CHECK(strcmp(walkv_code_name(WALKV_LOCKED), "locked") == 0);
  CHECK(strcmp(walkv_code_name(WALKV_VERSION_MISMATCH), "version mismatch") == 0);
  CHECK(strcmp(walkv_code_name((walkv_code_t)42), "unknown") == 0);
  CHECK(WALKV_IO_ERROR == 1 && WALKV_NOT_FOUND == 8 && WALKV_VERSION_MISMATCH == 9);
  CHECK(strcmp(walkv_recovery_mode_name(WALKV_RECOVERY_POINT_IN_TIME), "point_in_time") == 0);
  CHECK(strcmp(walkv_recovery_mode_name((walkv_recovery_mode_t)7), "unknown") == 0);
  CHECK(strcmp(walkv_session_status_name(WALKV_SESSION_INTERRUPTED), "interrupted") == 0);
  CHECK(strcmp(walkv_session_status_name((walkv_session_status_t)9), "unknown") == 0);
  CHECK(strcmp(walkv_skip_reason_name(WALKV_SKIP_HASH_MISMATCH), "hash_mismatch") == 0);
  CHECK(strcmp(walkv_skip_reason_name((walkv_skip_reason_t)9), "unknown") == 0);
  walkv_free(NULL);
}

/* ---- store ---------------------------------------------------------------- */

struct scan_state {
  int visits;
  int stop_after;
  char keys[16][32];
  size_t key_lens[16];
};

static int collect(void* context, const char* key, size_t key_len, const char* value, size_t value_len) {
  struct scan_state* s = (struct scan_state*)context;
  CHECK(s->visits < 16 && key_len < 32);
  CHECK(value != NULL || value_len == 0);
  memcpy(s->keys[s->visits], key, key_len);
  s->key_lens[s->visits] = key_len;
  s->visits++;
  return s->stop_after == 0 || s->visits < s->stop_after;
}

static void check_value(walkv_store_t* db, const char* key, size_t key_len, const char* want, size_t want_len) {
  char* value = (char*)1;
  size_t len = 99;
  CHECK_OK(walkv_get(db, key, key_len, &value, &len, E));
  if (want == NULL) {
    CHECK(value == NULL);
    CHECK(len == 0);
    return;
  }
  CHECK(bytes_equal(value, len, want, want_len));
  CHECK(value[len] == '\0');
  walkv_free(value);
}

static void test_open_errors(void) {
  char dir[4200];
  path_in(dir, sizeof dir, "missing");
  walkv_options_t* options = walkv_options_create();
  CHECK(options != NULL);
  walkv_options_set_create_if_missing(options, 0);
  walkv_store_t* db = (walkv_store_t*)1;
  EXPECT_ERROR(walkv_open(dir, options, &db, EE), WALKV_NOT_FOUND, NULL);
  CHECK(db == NULL);

  /* errptr may be NULL: only the code comes back. */
  CHECK(walkv_open(dir, options, &db, NULL) == WALKV_NOT_FOUND);

  /* A message left in *errptr is freed and replaced by the next error. */
  char* err = NULL;
  CHECK(walkv_open(dir, options, &db, &err) == WALKV_NOT_FOUND);
  char* first = err;
  CHECK(first != NULL);
  CHECK(walkv_open(NULL, options, &db, &err) == WALKV_INVALID_ARGUMENT);
  CHECK(err != NULL && strstr(err, "dir") != NULL);
  walkv_free(err);

  EXPECT_ERROR(walkv_open(dir, options, NULL, EE), WALKV_INVALID_ARGUMENT, "store");

  /* A recovery mode outside the enumeration is refused at open. */
  walkv_options_set_create_if_missing(options, 1);
  walkv_options_set_recovery_mode(options, (walkv_recovery_mode_t)99);
  EXPECT_ERROR(walkv_open(dir, options, &db, EE), WALKV_INVALID_ARGUMENT, "recovery mode");
  CHECK(db == NULL);
  walkv_options_destroy(options);
  walkv_options_destroy(NULL);
  CHECK(walkv_close(NULL, NULL) == WALKV_OK);
}

static void test_store(void) {
  char dir[4200];
  path_in(dir, sizeof dir, "store");
  walkv_options_t* options = walkv_options_create();
  walkv_options_set_create_if_missing(options, 1);
  walkv_options_set_error_if_exists(options, 0);
  walkv_options_set_segment_size(options, 64u << 10);
  walkv_options_set_compaction_trigger(options, 0);
  walkv_options_set_recovery_mode(options, WALKV_RECOVERY_TOLERATE_CORRUPTED_TAIL);
  walkv_options_set_keep_broken_segments(options, 0);
  walkv_options_set_sync_interval_ms(options, 0);
  walkv_options_set_max_key_size(options, 100);
  walkv_options_set_max_value_size(options, 1u << 20);
  walkv_options_set_max_batch_size(options, 4u << 20);
  walkv_options_set_initial_map_size(options, 16u << 20);

  walkv_store_t* db = NULL;
  CHECK_OK(walkv_open(dir, options, &db, E));
  CHECK(db != NULL);
  CHECK(walkv_store_open_epoch(db) == 1);
  CHECK(walkv_store_read_only(db) == 0);
  CHECK(walkv_store_last_sequence(db) == 0);
  CHECK(strstr(walkv_store_directory(db), "store") != NULL);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_CORRUPTIONS) == 0);
  CHECK(walkv_store_recovery_corruption(db, 0, NULL, NULL, NULL, NULL) == WALKV_INVALID_ARGUMENT);

  /* A second open of a held store names the holder. */
  walkv_store_t* second = (walkv_store_t*)1;
  EXPECT_ERROR(walkv_open(dir, NULL, &second, EE), WALKV_LOCKED, NULL);
  CHECK(second == NULL);

  /* put / get with binary keys and values; NULL write options = sync. */
  static const char bin_key[] = {'b', 0, 'k'};
  static const char bin_value[] = {0, 1, 0, 2};
  CHECK_OK(walkv_put(db, NULL, bin_key, sizeof bin_key, bin_value, sizeof bin_value, E));
  check_value(db, bin_key, sizeof bin_key, bin_value, sizeof bin_value);
  CHECK_OK(walkv_put(db, NULL, S("empty"), NULL, 0, E));
  check_value(db, S("empty"), "", 0);
  check_value(db, S("absent"), NULL, 0);
  size_t ignored_len = 5;
  char* value = NULL;
  CHECK_OK(walkv_get(db, S("empty"), &value, NULL, E)); /* value_len may be NULL */
  CHECK(value != NULL && value[0] == '\0');
  walkv_free(value);
  (void)ignored_len;

  walkv_writeoptions_t* unsynced = walkv_writeoptions_create();
  CHECK(unsynced != NULL);
  walkv_writeoptions_set_durability(unsynced, WALKV_DURABILITY_NONE);
  walkv_writeoptions_t* synced = walkv_writeoptions_create();
  walkv_writeoptions_set_durability(synced, WALKV_DURABILITY_SYNC);
  for (int i = 0; i < 5; ++i) {
    char key[8], val[8];
    snprintf(key, sizeof key, "k/%d", 4 - i);
    snprintf(val, sizeof val, "v%d", 4 - i);
    CHECK_OK(walkv_put(db, i % 2 ? unsynced : synced, key, strlen(key), val, strlen(val), E));
  }
  check_value(db, S("k/3"), S("v3"));

  /* Refused arguments. */
  char big_key[101];
  memset(big_key, 'x', sizeof big_key);
  EXPECT_ERROR(walkv_put(db, NULL, big_key, sizeof big_key, S("v"), EE), WALKV_INVALID_ARGUMENT, NULL);
  EXPECT_ERROR(walkv_put(db, NULL, "", 0, S("v"), EE), WALKV_INVALID_ARGUMENT, NULL);
  EXPECT_ERROR(walkv_put(db, NULL, NULL, 3, S("v"), EE), WALKV_INVALID_ARGUMENT, "key");
  EXPECT_ERROR(walkv_put(db, NULL, S("k"), NULL, 3, EE), WALKV_INVALID_ARGUMENT, "value");
  EXPECT_ERROR(walkv_put(NULL, NULL, S("k"), S("v"), EE), WALKV_INVALID_ARGUMENT, "store");
  EXPECT_ERROR(walkv_get(db, S("k"), NULL, NULL, EE), WALKV_INVALID_ARGUMENT, "value");
  EXPECT_ERROR(walkv_scan(db, S("k"), NULL, NULL, EE), WALKV_INVALID_ARGUMENT, "visit");

  /* scan: ordered, prefix-bounded, stoppable. */
  struct scan_state scan;
  memset(&scan, 0, sizeof scan);
  CHECK_OK(walkv_scan(db, S("k/"), collect, &scan, E));
  CHECK(scan.visits == 5);
  for (int i = 0; i < 5; ++i) {
    char want[8];
    snprintf(want, sizeof want, "k/%d", i);
    CHECK(bytes_equal(scan.keys[i], scan.key_lens[i], want, strlen(want)));
  }
  memset(&scan, 0, sizeof scan);
  scan.stop_after = 2;
  CHECK_OK(walkv_scan(db, S("k/"), collect, &scan, E));
  CHECK(scan.visits == 2);
  memset(&scan, 0, sizeof scan);
  CHECK_OK(walkv_scan(db, NULL, 0, collect, &scan, E)); /* every key */
  CHECK(scan.visits == 7);

  /* remove, remove_prefix */
  CHECK_OK(walkv_remove(db, NULL, S("k/0"), E));
  CHECK_OK(walkv_remove(db, unsynced, S("never-there"), E));
  check_value(db, S("k/0"), NULL, 0);
  CHECK_OK(walkv_remove_prefix(db, synced, S("k/"), E));
  check_value(db, S("k/4"), NULL, 0);
  check_value(db, S("empty"), "", 0);

  /* write batches */
  walkv_writebatch_t* batch = walkv_writebatch_create();
  CHECK(batch != NULL);
  CHECK_OK(walkv_writebatch_put(batch, S("a/1"), S("one")));
  CHECK_OK(walkv_writebatch_put(batch, S("a/2"), S("two")));
  CHECK_OK(walkv_writebatch_put(batch, S("b/1"), S("x")));
  CHECK_OK(walkv_writebatch_remove(batch, S("a/2")));
  CHECK_OK(walkv_writebatch_remove_prefix(batch, S("b/")));
  CHECK_OK(walkv_writebatch_remove(batch, S("empty")));
  CHECK(walkv_writebatch_count(batch) == 6);
  CHECK(walkv_writebatch_byte_size(batch) == (3 + 3) + (3 + 3) + (3 + 1) + 3 + 2 + 5);
  CHECK(walkv_writebatch_put(batch, NULL, 1, S("v")) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_writebatch_remove(NULL, S("k")) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_writebatch_remove_prefix(batch, NULL, 2) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_writebatch_count(batch) == 6);
  uint64_t before = walkv_store_last_sequence(db);
  CHECK_OK(walkv_write(db, NULL, batch, E));
  CHECK(walkv_store_last_sequence(db) == before + 1); /* one batch, one sequence number */
  check_value(db, S("a/1"), S("one"));
  check_value(db, S("a/2"), NULL, 0);
  check_value(db, S("b/1"), NULL, 0);
  check_value(db, S("empty"), NULL, 0);
  walkv_writebatch_clear(batch);
  CHECK(walkv_writebatch_count(batch) == 0 && walkv_writebatch_byte_size(batch) == 0);
  CHECK_OK(walkv_write(db, unsynced, batch, E)); /* empty: no-op */
  CHECK(walkv_store_last_sequence(db) == before + 1);
  /* An oversized value inside a batch is refused by write, and nothing applies. */
  static char big_value[(1u << 20) + 1];
  CHECK_OK(walkv_writebatch_put(batch, S("a/3"), S("three")));
  CHECK_OK(walkv_writebatch_put(batch, S("a/4"), big_value, sizeof big_value));
  EXPECT_ERROR(walkv_write(db, NULL, batch, EE), WALKV_INVALID_ARGUMENT, NULL);
  check_value(db, S("a/3"), NULL, 0);
  EXPECT_ERROR(walkv_write(db, NULL, NULL, EE), WALKV_INVALID_ARGUMENT, "batch");
  walkv_writebatch_destroy(batch);
  walkv_writebatch_destroy(NULL);
  CHECK(walkv_writebatch_count(NULL) == 0 && walkv_writebatch_byte_size(NULL) == 0);
  walkv_writebatch_clear(NULL);

  /* sync and compact keep everything readable. */
  CHECK_OK(walkv_sync(db, E));
  CHECK_OK(walkv_compact(db, E));
  check_value(db, S("a/1"), S("one"));
  check_value(db, bin_key, sizeof bin_key, bin_value, sizeof bin_value);
  CHECK_OK(walkv_put(db, unsynced, S("after-compact"), S("yes"), E));
  uint64_t last = walkv_store_last_sequence(db);
  CHECK(last > before);

  /* A read-only view works while the writer holds the store. */
  walkv_store_t* view = NULL;
  CHECK_OK(walkv_open_read_only(dir, NULL, &view, E));
  CHECK(walkv_store_read_only(view) == 1);
  CHECK(walkv_store_open_epoch(view) == 1);
  check_value(view, S("after-compact"), S("yes"));
  EXPECT_ERROR(walkv_put(view, NULL, S("k"), S("v"), EE), WALKV_NOT_SUPPORTED, NULL);
  /* Nothing reads through either handle once the other is closed: in one
   * process, closing one LMDB environment of the store breaks the reads of
   * the other (MDB_BAD_RSLOT; see docs/api.md). Read-only views are meant for
   * other processes (walkv-replay). */
  CHECK_OK(walkv_close(view, E));
  CHECK_OK(walkv_close(db, E));

  /* error_if_exists */
  walkv_options_t* exclusive = walkv_options_create();
  walkv_options_set_error_if_exists(exclusive, 1);
  EXPECT_ERROR(walkv_open(dir, exclusive, &second, EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK(second == NULL);
  walkv_options_destroy(exclusive);

  /* Reopen: everything is there, a new epoch, the recovery report adds up. */
  CHECK_OK(walkv_open(dir, options, &db, E));
  CHECK(walkv_store_open_epoch(db) == 2);
  CHECK(walkv_store_last_sequence(db) == last);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_LAST_SEQUENCE) == last);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_SNAPSHOT_SEQUENCE) < last);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_FRAMES_REPLAYED) >= 1);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_BYTES_REPLAYED) > 0);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_SEGMENTS) >= 1);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_FRAMES) >=
        walkv_store_recovery_counter(db, WALKV_RECOVERY_FRAMES_REPLAYED));
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_BYTES_TRUNCATED) == 0);
  (void)walkv_store_recovery_counter(db, WALKV_RECOVERY_REPLAY_NS);
  CHECK(walkv_store_recovery_counter(db, (walkv_recovery_counter_t)77) == 0);
  check_value(db, S("after-compact"), S("yes"));
  check_value(db, S("a/1"), S("one"));
  check_value(db, bin_key, sizeof bin_key, bin_value, sizeof bin_value);
  CHECK_OK(walkv_close(db, E));

  CHECK(walkv_store_open_epoch(NULL) == 0 && walkv_store_last_sequence(NULL) == 0);
  CHECK(walkv_store_read_only(NULL) == 0 && strcmp(walkv_store_directory(NULL), "") == 0);
  walkv_writeoptions_destroy(unsynced);
  walkv_writeoptions_destroy(synced);
  walkv_writeoptions_destroy(NULL);
  walkv_options_destroy(options);
}

/* Zeroes a 512-byte sector inside the frame holding `pattern` (the last
 * frame written), which makes it a torn write. */
static void tear_frame(const char* store_dir, char pattern, size_t pattern_len) {
  char wal[4300];
  int n = snprintf(wal, sizeof wal, "%s/wal", store_dir);
  CHECK(n > 0 && (size_t)n < sizeof wal);
  DIR* d = opendir(wal);
  CHECK(d != NULL);
  int torn = 0;
  struct dirent* entry;
  char* run = malloc(pattern_len);
  CHECK(run != NULL);
  memset(run, pattern, pattern_len);
  while ((entry = readdir(d)) != NULL) {
    size_t len = strlen(entry->d_name);
    if (len < 4 || strcmp(entry->d_name + len - 4, ".wal") != 0) continue;
    char file[4600];
    n = snprintf(file, sizeof file, "%s/%s", wal, entry->d_name);
    CHECK(n > 0 && (size_t)n < sizeof file);
    int fd = open(file, O_RDWR);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    char* data = malloc((size_t)st.st_size);
    CHECK(data != NULL);
    CHECK(pread(fd, data, (size_t)st.st_size, 0) == st.st_size);
    for (size_t off = 0; off + pattern_len <= (size_t)st.st_size; ++off) {
      if (memcmp(data + off, run, pattern_len) != 0) continue;
      size_t sector = (off + 511) / 512 * 512;
      CHECK(sector + 512 <= off + pattern_len);
      static const char zeros[512];
      CHECK(pwrite(fd, zeros, sizeof zeros, (off_t)sector) == (ssize_t)sizeof zeros);
      torn = 1;
      break;
    }
    free(data);
    CHECK(close(fd) == 0);
  }
  closedir(d);
  free(run);
  CHECK(torn);
}

static void test_recovery_report(void) {
  char dir[4200];
  path_in(dir, sizeof dir, "torn");
  walkv_store_t* db = NULL;
  CHECK_OK(walkv_open(dir, NULL, &db, E));
  CHECK_OK(walkv_put(db, NULL, S("keeper"), S("kept"), E));
  static char victim[4096];
  memset(victim, 'V', sizeof victim);
  CHECK_OK(walkv_put(db, NULL, S("victim"), victim, sizeof victim, E));
  CHECK_OK(walkv_close(db, E));
  tear_frame(dir, 'V', sizeof victim);

  walkv_options_t* strict = walkv_options_create();
  walkv_options_set_recovery_mode(strict, WALKV_RECOVERY_ABSOLUTE_CONSISTENCY);
  EXPECT_ERROR(walkv_open(dir, strict, &db, EE), WALKV_CORRUPTION, "wal/");
  CHECK(db == NULL);
  walkv_options_destroy(strict);

  /* The default mode cuts the torn frame off and reports it. */
  CHECK_OK(walkv_open(dir, NULL, &db, E));
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_CORRUPTIONS) == 1);
  CHECK(walkv_store_recovery_counter(db, WALKV_RECOVERY_BYTES_TRUNCATED) > 0);
  const char* segment = NULL;
  const char* reason = NULL;
  uint64_t offset = 0;
  int torn_tail = 0;
  CHECK_OK(walkv_store_recovery_corruption(db, 0, &segment, &offset, &reason, &torn_tail));
  CHECK(segment != NULL && strncmp(segment, "wal/", 4) == 0);
  CHECK(reason != NULL && reason[0] != '\0');
  CHECK(torn_tail == 1);
  CHECK(offset > 0);
  CHECK_OK(walkv_store_recovery_corruption(db, 0, NULL, NULL, NULL, NULL));
  CHECK(walkv_store_recovery_corruption(db, 1, &segment, &offset, &reason, &torn_tail) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_store_recovery_corruption(NULL, 0, NULL, NULL, NULL, NULL) == WALKV_INVALID_ARGUMENT);
  check_value(db, S("keeper"), S("kept"));
  check_value(db, S("victim"), NULL, 0);
  CHECK_OK(walkv_close(db, E));
}

/* ---- sessions ------------------------------------------------------------- */

static const char chat_id[] = {'c', 'h', 'a', 't', 0, '1'}; /* ids are bytes */

static walkv_session_info_t* must_info(walkv_sessions_t* s, const char* id, size_t id_len) {
  walkv_session_info_t* info = NULL;
  CHECK_OK(walkv_session_info(s, id, id_len, &info, E));
  CHECK(info != NULL);
  return info;
}

static void check_checkpoint(const walkv_checkpoint_t* c, uint64_t number, const char* state, size_t state_len,
                             uint32_t step, uint32_t total, const char* description, const char* app_version) {
  size_t len = 0;
  CHECK(c != NULL);
  CHECK(walkv_checkpoint_number(c) == number);
  const char* got = walkv_checkpoint_state(c, &len);
  CHECK(bytes_equal(got, len, state, state_len));
  CHECK(got[len] == '\0');
  CHECK(walkv_checkpoint_step(c) == step);
  CHECK(walkv_checkpoint_total_steps(c) == total);
  got = walkv_checkpoint_description(c, &len);
  CHECK(bytes_equal(got, len, description, strlen(description)));
  CHECK(strcmp(walkv_checkpoint_app_version(c, NULL), app_version) == 0);
  CHECK(walkv_checkpoint_time_ns(c) > 1600000000ull * 1000000000ull);
  CHECK(walkv_checkpoint_state_hash(c) != 0);
}

static int strlist_equals(const walkv_strlist_t* list, const char* const* want, size_t count) {
  if (walkv_strlist_count(list) != count) return 0;
  for (size_t i = 0; i < count; ++i) {
    size_t len = 0;
    const char* got = walkv_strlist_at(list, i, &len);
    if (!bytes_equal(got, len, want[i], strlen(want[i]))) return 0;
  }
  return 1;
}

static void checkpoint_n(walkv_sessions_t* s, const char* id, uint64_t want_number) {
  uint64_t number = 0;
  char state[32];
  snprintf(state, sizeof state, "state %llu", (unsigned long long)want_number);
  CHECK_OK(walkv_session_checkpoint(s, id, strlen(id), state, strlen(state), (uint32_t)want_number, 10, S("step"),
                                    NULL, 0, &number, E));
  CHECK(number == want_number);
}

static void test_sessions_first_process(const char* dir) {
  walkv_store_t* db = NULL;
  CHECK_OK(walkv_open(dir, NULL, &db, E));

  walkv_sessionoptions_t* options = walkv_sessionoptions_create();
  CHECK(options != NULL);
  walkv_sessionoptions_set_keep_checkpoints(options, 2);
  walkv_sessionoptions_set_durability(options, WALKV_DURABILITY_SYNC);
  CHECK_OK(walkv_sessionoptions_set_app_version(options, S("1.0.0")));
  CHECK(walkv_sessionoptions_set_app_version(options, NULL, 3) == WALKV_INVALID_ARGUMENT);
  CHECK_OK(walkv_sessionoptions_set_cleanup(options, NULL));

  /* Bad options are refused at open. */
  walkv_sessionoptions_t* bad = walkv_sessionoptions_create();
  walkv_sessionoptions_set_keep_checkpoints(bad, 0);
  walkv_sessions_t* s = (walkv_sessions_t*)1;
  EXPECT_ERROR(walkv_sessions_open(db, bad, &s, EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK(s == NULL);
  walkv_sessionoptions_destroy(bad);

  CHECK_OK(walkv_sessions_open(db, options, &s, E));
  CHECK(s != NULL);

  /* The store cannot be closed under an open session store. */
  EXPECT_ERROR(walkv_close(db, EE), WALKV_INVALID_ARGUMENT, "walkv_sessions_close");
  check_value(db, S("nothing"), NULL, 0); /* the handle is still valid */

  /* create */
  CHECK_OK(walkv_session_create(s, chat_id, sizeof chat_id, S("support chat"), E));
  EXPECT_ERROR(walkv_session_create(s, chat_id, sizeof chat_id, NULL, 0, EE), WALKV_INVALID_ARGUMENT, "exists");
  EXPECT_ERROR(walkv_session_create(s, "", 0, NULL, 0, EE), WALKV_INVALID_ARGUMENT, NULL);
  char long_id[257];
  memset(long_id, 'i', sizeof long_id);
  EXPECT_ERROR(walkv_session_create(s, long_id, sizeof long_id, NULL, 0, EE), WALKV_INVALID_ARGUMENT, NULL);
  EXPECT_ERROR(walkv_session_create(NULL, S("x"), NULL, 0, EE), WALKV_INVALID_ARGUMENT, "sessions");
  EXPECT_ERROR(walkv_session_create(s, NULL, 1, NULL, 0, EE), WALKV_INVALID_ARGUMENT, "id");

  walkv_session_info_t* info = must_info(s, chat_id, sizeof chat_id);
  size_t len = 0;
  const char* text = walkv_session_info_id(info, &len);
  CHECK(bytes_equal(text, len, chat_id, sizeof chat_id));
  CHECK(walkv_session_info_status(info) == WALKV_SESSION_ACTIVE);
  CHECK(walkv_session_info_latest_checkpoint(info) == 0);
  CHECK(walkv_session_info_owner_epoch(info) == walkv_store_open_epoch(db));
  CHECK(walkv_session_info_created_ns(info) > 0);
  CHECK(walkv_session_info_updated_ns(info) >= walkv_session_info_created_ns(info));
  text = walkv_session_info_description(info, &len);
  CHECK(bytes_equal(text, len, S("support chat")));
  walkv_session_info_destroy(info);

  /* secondary index entries */
  CHECK_OK(walkv_session_add_index(s, chat_id, sizeof chat_id, S("alias"), S("support-7"), E));
  CHECK_OK(walkv_session_add_index(s, chat_id, sizeof chat_id, S("fingerprint"), S("f00d"), E));
  CHECK_OK(walkv_session_add_index(s, chat_id, sizeof chat_id, S("fingerprint"), S("beef"), E));
  walkv_strlist_t* ids = NULL;
  CHECK_OK(walkv_sessions_find(s, S("alias"), S("support-7"), &ids, E));
  CHECK(walkv_strlist_count(ids) == 1);
  text = walkv_strlist_at(ids, 0, &len);
  CHECK(bytes_equal(text, len, chat_id, sizeof chat_id));
  walkv_strlist_destroy(ids);
  CHECK_OK(walkv_session_set_index(s, chat_id, sizeof chat_id, S("alias"), S("support-8"), E));
  CHECK_OK(walkv_sessions_find(s, S("alias"), S("support-7"), &ids, E));
  CHECK(walkv_strlist_count(ids) == 0);
  walkv_strlist_destroy(ids);
  CHECK_OK(walkv_session_remove_index(s, chat_id, sizeof chat_id, S("fingerprint"), S("f00d"), E));
  info = must_info(s, chat_id, sizeof chat_id);
  CHECK(walkv_session_info_index_count(info) == 2);
  const char* index_name = NULL;
  const char* index_value = NULL;
  size_t name_len = 0, value_len = 0;
  CHECK_OK(walkv_session_info_index_at(info, 0, &index_name, &name_len, &index_value, &value_len));
  CHECK(bytes_equal(index_name, name_len, S("alias")) && bytes_equal(index_value, value_len, S("support-8")));
  CHECK_OK(walkv_session_info_index_at(info, 1, &index_name, &name_len, &index_value, &value_len));
  CHECK(bytes_equal(index_name, name_len, S("fingerprint")) && bytes_equal(index_value, value_len, S("beef")));
  CHECK(walkv_session_info_index_at(info, 2, NULL, NULL, NULL, NULL) == WALKV_INVALID_ARGUMENT);
  walkv_session_info_destroy(info);
  CHECK_OK(walkv_session_add_index(s, chat_id, sizeof chat_id, S("fingerprint"), S("cafe"), E));
  CHECK_OK(walkv_session_remove_index(s, chat_id, sizeof chat_id, S("fingerprint"), NULL, 0, E)); /* every value */
  info = must_info(s, chat_id, sizeof chat_id);
  CHECK(walkv_session_info_index_count(info) == 1);
  walkv_session_info_destroy(info);
  CHECK(walkv_session_info_index_count(NULL) == 0);
  EXPECT_ERROR(walkv_session_add_index(s, S("nobody"), S("alias"), S("x"), EE), WALKV_INVALID_ARGUMENT, NULL);
  EXPECT_ERROR(walkv_session_add_index(s, chat_id, sizeof chat_id, S("alias"), NULL, 1, EE), WALKV_INVALID_ARGUMENT,
               "value");
  EXPECT_ERROR(walkv_sessions_find(s, NULL, 3, S("x"), &ids, EE), WALKV_INVALID_ARGUMENT, "name");
  CHECK(ids == NULL);

  walkv_session_info_t* none = (walkv_session_info_t*)1;
  CHECK_OK(walkv_session_info(s, S("nobody"), &none, E));
  CHECK(none == NULL);

  /* checkpoints: numbered, the last two kept, validated when read */
  static const char state1[] = {'s', 0, '1'};
  uint64_t number = 0;
  CHECK_OK(walkv_session_checkpoint(s, chat_id, sizeof chat_id, state1, sizeof state1, 1, 3, S("first"), NULL, 0,
                                    &number, E));
  CHECK(number == 1);
  CHECK_OK(walkv_session_checkpoint(s, chat_id, sizeof chat_id, S("state two"), 2, 3, S("second"), S("1.2.0"), NULL,
                                    E));
  CHECK_OK(walkv_session_checkpoint(s, chat_id, sizeof chat_id, NULL, 0, 3, 3, S("third"), NULL, 0, &number, E));
  CHECK(number == 3);
  EXPECT_ERROR(walkv_session_checkpoint(s, S("nobody"), NULL, 0, 0, 0, NULL, 0, NULL, 0, &number, EE),
               WALKV_INVALID_ARGUMENT, NULL);
  CHECK(number == 0);
  EXPECT_ERROR(walkv_session_checkpoint(s, chat_id, sizeof chat_id, NULL, 5, 0, 0, NULL, 0, NULL, 0, NULL, EE),
               WALKV_INVALID_ARGUMENT, "state");

  walkv_checkpoint_t* cp = (walkv_checkpoint_t*)1;
  CHECK_OK(walkv_session_load_checkpoint(s, chat_id, sizeof chat_id, 1, &cp, E));
  CHECK(cp == NULL); /* beyond keep_checkpoints: deleted */
  CHECK_OK(walkv_session_load_checkpoint(s, chat_id, sizeof chat_id, 2, &cp, E));
  check_checkpoint(cp, 2, S("state two"), 2, 3, "second", "1.2.0");
  CHECK(strcmp(walkv_checkpoint_key_id(cp, &len), "") == 0 && len == 0);
  walkv_checkpoint_destroy(cp);

  walkv_strlist_t* skipped = (walkv_strlist_t*)1;
  CHECK_OK(walkv_session_latest_checkpoint(s, chat_id, sizeof chat_id, &cp, &skipped, E));
  check_checkpoint(cp, 3, "", 0, 3, 3, "third", "1.0.0"); /* no version given: the options' */
  CHECK(walkv_strlist_count(skipped) == 0);
  CHECK(walkv_strlist_at(skipped, 0, &len) == NULL && len == 0);
  walkv_strlist_destroy(skipped);
  walkv_checkpoint_destroy(cp);

  /* A checkpoint of another major version is passed over, with a reason. */
  CHECK_OK(walkv_session_checkpoint(s, chat_id, sizeof chat_id, S("v2 state"), 4, 4, S("fourth"), S("2.0.0"), &number,
                                    E));
  CHECK(number == 4);
  CHECK_OK(walkv_session_latest_checkpoint(s, chat_id, sizeof chat_id, &cp, &skipped, E));
  check_checkpoint(cp, 3, "", 0, 3, 3, "third", "1.0.0");
  CHECK(walkv_strlist_count(skipped) == 1);
  CHECK(strstr(walkv_strlist_at(skipped, 0, NULL), "checkpoint 4") != NULL);
  walkv_strlist_destroy(skipped);
  walkv_checkpoint_destroy(cp);
  CHECK_OK(walkv_session_latest_checkpoint(s, chat_id, sizeof chat_id, &cp, NULL, E)); /* skipped not wanted */
  CHECK(walkv_checkpoint_number(cp) == 3);
  walkv_checkpoint_destroy(cp);
  EXPECT_ERROR(walkv_session_load_checkpoint(s, chat_id, sizeof chat_id, 4, &cp, EE), WALKV_VERSION_MISMATCH, NULL);
  CHECK(cp == NULL);
  CHECK_OK(walkv_session_latest_checkpoint(s, S("nobody"), &cp, &skipped, E));
  CHECK(cp == NULL);
  walkv_strlist_destroy(skipped);

  /* completed and failed sessions */
  CHECK_OK(walkv_session_create(s, S("done"), NULL, 0, E));
  CHECK_OK(walkv_session_complete(s, S("done"), E));
  EXPECT_ERROR(walkv_session_checkpoint(s, S("done"), S("x"), 1, 1, NULL, 0, NULL, 0, NULL, EE),
               WALKV_INVALID_ARGUMENT, NULL);
  EXPECT_ERROR(walkv_session_complete(s, S("nobody"), EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK_OK(walkv_session_create(s, S("broken"), S("will fail"), E));
  CHECK_OK(walkv_session_fail(s, S("broken"), S("upstream timeout"), E));
  info = must_info(s, S("broken"));
  CHECK(walkv_session_info_status(info) == WALKV_SESSION_FAILED);
  text = walkv_session_info_reason(info, &len);
  CHECK(bytes_equal(text, len, S("upstream timeout")));
  walkv_session_info_destroy(info);
  info = must_info(s, S("done"));
  CHECK(walkv_session_info_status(info) == WALKV_SESSION_COMPLETED);
  CHECK(strcmp(walkv_session_info_reason(info, NULL), "") == 0);
  walkv_session_info_destroy(info);

  /* sessions a crash will interrupt, with checkpoints */
  const char* agents[] = {"agent/1", "agent/10", "agent/2"};
  for (int i = 0; i < 3; ++i) {
    CHECK_OK(walkv_session_create(s, agents[i], strlen(agents[i]), S("agent run"), E));
    checkpoint_n(s, agents[i], 1);
    checkpoint_n(s, agents[i], 2);
  }

  /* list: all, and by prefix, ordered by id */
  walkv_session_list_t* list = NULL;
  CHECK_OK(walkv_sessions_list(s, NULL, 0, &list, E));
  CHECK(walkv_session_list_count(list) == 6);
  const char* order[] = {"agent/1", "agent/10", "agent/2", "broken"};
  for (size_t i = 0; i < 4; ++i) {
    text = walkv_session_info_id(walkv_session_list_at(list, i), &len);
    CHECK(bytes_equal(text, len, order[i], strlen(order[i])));
  }
  text = walkv_session_info_id(walkv_session_list_at(list, 4), &len);
  CHECK(bytes_equal(text, len, chat_id, sizeof chat_id));
  CHECK(walkv_session_list_at(list, 6) == NULL);
  walkv_session_list_destroy(list);
  CHECK_OK(walkv_sessions_list(s, S("agent/1"), &list, E));
  CHECK(walkv_session_list_count(list) == 2);
  CHECK(walkv_session_info_latest_checkpoint(walkv_session_list_at(list, 1)) == 2);
  CHECK(walkv_session_info_step(walkv_session_list_at(list, 1)) == 2);
  CHECK(walkv_session_info_total_steps(walkv_session_list_at(list, 1)) == 10);
  walkv_session_list_destroy(list);
  EXPECT_ERROR(walkv_sessions_list(s, NULL, 4, &list, EE), WALKV_INVALID_ARGUMENT, "id_prefix");

  /* Nothing is interrupted yet in this process. */
  walkv_interrupted_list_t* found = NULL;
  CHECK_OK(walkv_sessions_interrupted(s, &found, E));
  CHECK(walkv_interrupted_list_count(found) == 0);
  CHECK(walkv_interrupted_list_at(found, 0) == NULL);
  walkv_interrupted_list_destroy(found);

  /* The process "ends" without completing chat and the agents. */
  walkv_sessions_close(s);
  walkv_sessions_close(NULL);
  walkv_sessionoptions_destroy(options);
  CHECK_OK(walkv_close(db, E));
}

static void test_sessions_second_process(const char* dir) {
  /* Read-only inspection while no process holds the store (live epoch
   * UINT64_MAX: every active session is one a process left behind). */
  walkv_store_t* view = NULL;
  CHECK_OK(walkv_open_read_only(dir, NULL, &view, E));
  CHECK(walkv_store_open_epoch(view) == 1);
  walkv_sessions_t* s = (walkv_sessions_t*)1;
  EXPECT_ERROR(walkv_sessions_open(view, NULL, &s, EE), WALKV_NOT_SUPPORTED, NULL);
  CHECK(s == NULL);
  walkv_interrupted_list_t* found = NULL;
  CHECK_OK(walkv_store_list_interrupted(view, UINT64_MAX, &found, E));
  CHECK(walkv_interrupted_list_count(found) == 4); /* agent/1, agent/10, agent/2, chat */
  walkv_interrupted_list_destroy(found);
  walkv_session_list_t* all = NULL;
  CHECK_OK(walkv_store_list_sessions(view, &all, E));
  CHECK(walkv_session_list_count(all) == 6);
  walkv_session_list_destroy(all);
  EXPECT_ERROR(walkv_store_list_sessions(NULL, &all, EE), WALKV_INVALID_ARGUMENT, "store");
  EXPECT_ERROR(walkv_store_list_interrupted(view, 1, NULL, EE), WALKV_INVALID_ARGUMENT, "list");
  CHECK_OK(walkv_close(view, E));

  walkv_store_t* db = NULL;
  CHECK_OK(walkv_open(dir, NULL, &db, E));
  CHECK(walkv_store_open_epoch(db) == 2);

  walkv_sessionoptions_t* options = walkv_sessionoptions_create();
  CHECK_OK(walkv_sessionoptions_set_app_version(options, S("1.0.0")));
  CHECK_OK(walkv_sessions_open(db, options, &s, E));

  CHECK_OK(walkv_sessions_interrupted(s, &found, E));
  CHECK(walkv_interrupted_list_count(found) == 4);
  const char* order[] = {"agent/1", "agent/10", "agent/2"};
  size_t len = 0;
  for (size_t i = 0; i < 3; ++i) {
    const walkv_interrupted_t* it = walkv_interrupted_list_at(found, i);
    const walkv_session_info_t* info = walkv_interrupted_info(it);
    const char* id = walkv_session_info_id(info, &len);
    CHECK(bytes_equal(id, len, order[i], strlen(order[i])));
    CHECK(walkv_session_info_status(info) == WALKV_SESSION_INTERRUPTED);
    CHECK(walkv_session_info_owner_epoch(info) == 1);
    check_checkpoint(walkv_interrupted_checkpoint(it), 2, S("state 2"), 2, 10, "step", "1.0.0");
    CHECK(walkv_strlist_count(walkv_interrupted_skipped(it)) == 0);
    CHECK_OK(walkv_interrupted_state_error(it, E));
    char* notice = NULL;
    CHECK_OK(walkv_resume_notice(it, 0, &notice, E));
    CHECK(notice != NULL && strstr(notice, order[i]) != NULL);
    walkv_free(notice);
  }
  /* chat: its newest checkpoint (4, version 2.0.0) is passed over for 3. */
  const walkv_interrupted_t* chat = walkv_interrupted_list_at(found, 3);
  const char* chat_got = walkv_session_info_id(walkv_interrupted_info(chat), &len);
  CHECK(bytes_equal(chat_got, len, chat_id, sizeof chat_id));
  check_checkpoint(walkv_interrupted_checkpoint(chat), 3, "", 0, 3, 3, "third", "1.0.0");
  CHECK(walkv_strlist_count(walkv_interrupted_skipped(chat)) == 1);
  uint64_t skipped_number = 0;
  walkv_skip_reason_t reason = WALKV_SKIP_MALFORMED;
  CHECK_OK(walkv_interrupted_skipped_at(chat, 0, &skipped_number, &reason));
  CHECK(skipped_number == 4 && reason == WALKV_SKIP_INCOMPATIBLE_VERSION);
  CHECK(walkv_interrupted_skipped_at(chat, 1, &skipped_number, &reason) == WALKV_INVALID_ARGUMENT);
  char* notice = NULL;
  uint64_t later = walkv_session_info_updated_ns(walkv_interrupted_info(chat)) + 5ull * 60 * 1000000000ull;
  CHECK_OK(walkv_resume_notice(chat, later, &notice, E));
  CHECK(strstr(notice, "5 minutes ago") != NULL);
  walkv_free(notice);
  EXPECT_ERROR(walkv_resume_notice(NULL, 0, &notice, EE), WALKV_INVALID_ARGUMENT, "session");
  CHECK(notice == NULL);
  walkv_interrupted_list_destroy(found);

  /* resume takes a session over */
  walkv_interrupted_t* resumed = NULL;
  CHECK_OK(walkv_session_resume(s, S("agent/2"), &resumed, E));
  CHECK(walkv_session_info_status(walkv_interrupted_info(resumed)) == WALKV_SESSION_ACTIVE);
  CHECK(walkv_session_info_owner_epoch(walkv_interrupted_info(resumed)) == 2);
  check_checkpoint(walkv_interrupted_checkpoint(resumed), 2, S("state 2"), 2, 10, "step", "1.0.0");
  walkv_interrupted_destroy(resumed);
  EXPECT_ERROR(walkv_session_resume(s, S("done"), &resumed, EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK(resumed == NULL);
  EXPECT_ERROR(walkv_session_resume(s, S("nobody"), &resumed, EE), WALKV_INVALID_ARGUMENT, NULL);
  /* A checkpoint also makes an interrupted session active again. */
  checkpoint_n(s, "agent/10", 3);
  CHECK_OK(walkv_sessions_interrupted(s, &found, E));
  CHECK(walkv_interrupted_list_count(found) == 2); /* agent/1, chat */
  walkv_interrupted_list_destroy(found);

  /* drop, drop_prefix (raw bytes: "agent/1" also matches "agent/10") */
  CHECK_OK(walkv_session_drop(s, S("agent/2"), E));
  CHECK_OK(walkv_session_drop(s, S("agent/2"), E)); /* absent: fine */
  walkv_session_info_t* info = (walkv_session_info_t*)1;
  CHECK_OK(walkv_session_info(s, S("agent/2"), &info, E));
  CHECK(info == NULL);
  walkv_strlist_t* ids = NULL;
  CHECK_OK(walkv_sessions_drop_prefix(s, S("agent/1"), &ids, E));
  const char* dropped[] = {"agent/1", "agent/10"};
  CHECK(strlist_equals(ids, dropped, 2));
  walkv_strlist_destroy(ids);
  CHECK_OK(walkv_sessions_drop_prefix(s, S("agent/"), NULL, E));

  /* cleanup with a policy: completed and failed sessions go, by rule */
  walkv_cleanup_policy_t* policy = walkv_cleanup_policy_create();
  CHECK(policy != NULL);
  walkv_cleanup_policy_clear_max_age(policy);
  walkv_cleanup_policy_clear_max_count(policy);
  walkv_cleanup_policy_set_keep_failed(policy, 1);
  walkv_cleanup_policy_set_keep_completed(policy, 0);
  CHECK_OK(walkv_sessions_cleanup(s, policy, 0, &ids, E));
  const char* done[] = {"done"};
  CHECK(strlist_equals(ids, done, 1));
  walkv_strlist_destroy(ids);
  /* max_count 1: the session updated longest ago goes ("broken" failed after
   * chat's last checkpoint; marking chat interrupted kept its updated time). */
  walkv_cleanup_policy_set_keep_completed(policy, 1);
  walkv_cleanup_policy_set_max_count(policy, 1);
  CHECK_OK(walkv_sessions_cleanup(s, policy, 0, &ids, E));
  CHECK(walkv_strlist_count(ids) == 1);
  const char* deleted_id = walkv_strlist_at(ids, 0, &len);
  CHECK(bytes_equal(deleted_id, len, chat_id, sizeof chat_id));
  walkv_strlist_destroy(ids);
  CHECK_OK(walkv_sessions_find(s, S("alias"), S("support-8"), &ids, E)); /* its index went with it */
  CHECK(walkv_strlist_count(ids) == 0);
  walkv_strlist_destroy(ids);
  /* An age rule evaluated at a given time. */
  CHECK_OK(walkv_session_create(s, S("fresh"), NULL, 0, E));
  walkv_cleanup_policy_clear_max_count(policy);
  walkv_cleanup_policy_set_max_age_ns(policy, 3600ull * 1000000000ull);
  info = must_info(s, S("fresh"));
  uint64_t created = walkv_session_info_created_ns(info);
  walkv_session_info_destroy(info);
  CHECK_OK(walkv_sessions_cleanup(s, policy, created + 1000000000ull, &ids, E)); /* one second later */
  CHECK(walkv_strlist_count(ids) == 0);
  walkv_strlist_destroy(ids);
  CHECK_OK(walkv_sessions_cleanup(s, policy, created + 7200ull * 1000000000ull, &ids, E)); /* two hours later */
  const char* all_left[] = {"broken", "fresh"};
  CHECK(strlist_equals(ids, all_left, 2));
  walkv_strlist_destroy(ids);
  walkv_cleanup_policy_set_max_age_ns(policy, UINT64_MAX); /* clamped: nothing is that old */
  CHECK_OK(walkv_sessions_cleanup(s, policy, 0, NULL, E));
  walkv_cleanup_policy_destroy(policy);
  walkv_cleanup_policy_destroy(NULL);

  /* cleanup_stale(0) removes every session; so does the options' default
   * policy for old ones (nothing left to remove here). */
  CHECK_OK(walkv_session_create(s, S("x1"), NULL, 0, E));
  CHECK_OK(walkv_session_create(s, S("x2"), NULL, 0, E));
  CHECK_OK(walkv_sessions_cleanup(s, NULL, 0, &ids, E)); /* 24 h default: both are new */
  CHECK(walkv_strlist_count(ids) == 0);
  walkv_strlist_destroy(ids);
  CHECK_OK(walkv_sessions_cleanup_stale(s, 0, &ids, E));
  const char* xs[] = {"x1", "x2"};
  CHECK(strlist_equals(ids, xs, 2));
  walkv_strlist_destroy(ids);
  walkv_session_list_t* list = NULL;
  CHECK_OK(walkv_sessions_list(s, NULL, 0, &list, E));
  CHECK(walkv_session_list_count(list) == 0);
  walkv_session_list_destroy(list);

  walkv_sessions_close(s);
  walkv_sessionoptions_destroy(options);
  CHECK_OK(walkv_close(db, E));
}

static void test_encrypted_sessions(void) {
  char dir[4200];
  path_in(dir, sizeof dir, "encrypted");
  walkv_store_t* db = NULL;
  CHECK_OK(walkv_open(dir, NULL, &db, E));

  unsigned char key[32], old_key[32];
  for (int i = 0; i < 32; ++i) {
    key[i] = (unsigned char)(i * 7 + 1);
    old_key[i] = (unsigned char)(255 - i);
  }
  walkv_sessionoptions_t* options = walkv_sessionoptions_create();
  CHECK_OK(walkv_sessionoptions_set_encryption_key(options, S("k2"), key));
  CHECK_OK(walkv_sessionoptions_add_decryption_key(options, S("k1"), old_key));
  CHECK(walkv_sessionoptions_set_encryption_key(options, S("k3"), NULL) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_sessionoptions_add_decryption_key(NULL, S("k3"), key) == WALKV_INVALID_ARGUMENT);
  walkv_sessions_t* s = NULL;
  CHECK_OK(walkv_sessions_open(db, options, &s, E));
  CHECK_OK(walkv_session_create(s, S("secret"), NULL, 0, E));
  CHECK_OK(walkv_session_checkpoint(s, S("secret"), S("plaintext state"), 1, 2, NULL, 0, S("1.0.0"), NULL, E));
  walkv_checkpoint_t* cp = NULL;
  CHECK_OK(walkv_session_latest_checkpoint(s, S("secret"), &cp, NULL, E));
  check_checkpoint(cp, 1, S("plaintext state"), 1, 2, "", "1.0.0");
  size_t len = 0;
  const char* key_id = walkv_checkpoint_key_id(cp, &len);
  CHECK(bytes_equal(key_id, len, S("k2")));
  walkv_checkpoint_destroy(cp);
  walkv_sessions_close(s);

  /* Without the key the state is refused, never returned as garbage. */
  walkv_sessionoptions_t* keyless = walkv_sessionoptions_create();
  CHECK_OK(walkv_sessions_open(db, keyless, &s, E));
  EXPECT_ERROR(walkv_session_latest_checkpoint(s, S("secret"), &cp, NULL, EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK(cp == NULL);
  walkv_sessions_close(s);
  walkv_sessionoptions_destroy(keyless);
  walkv_sessionoptions_destroy(options);
  CHECK_OK(walkv_close(db, E));

  /* In the next process the session is interrupted, and its state cannot be
   * decrypted without the key: state_error says so and resume refuses. */
  CHECK_OK(walkv_open(dir, NULL, &db, E));
  CHECK_OK(walkv_sessions_open(db, NULL, &s, E));
  walkv_interrupted_list_t* found = NULL;
  CHECK_OK(walkv_sessions_interrupted(s, &found, E));
  CHECK(walkv_interrupted_list_count(found) == 1);
  const walkv_interrupted_t* it = walkv_interrupted_list_at(found, 0);
  EXPECT_ERROR(walkv_interrupted_state_error(it, EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK(walkv_interrupted_state_error(it, NULL) == WALKV_INVALID_ARGUMENT);
  walkv_interrupted_list_destroy(found);
  walkv_interrupted_t* resumed = NULL;
  EXPECT_ERROR(walkv_session_resume(s, S("secret"), &resumed, EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK(resumed == NULL);
  walkv_sessions_close(s);
  CHECK_OK(walkv_close(db, E));
}

static void test_null_accessors(void) {
  size_t len = 9;
  CHECK(strcmp(walkv_session_info_id(NULL, &len), "") == 0 && len == 0);
  CHECK(walkv_session_info_created_ns(NULL) == 0 && walkv_session_info_step(NULL) == 0);
  CHECK(walkv_checkpoint_number(NULL) == 0);
  len = 9;
  CHECK(strcmp(walkv_checkpoint_state(NULL, &len), "") == 0 && len == 0);
  CHECK(walkv_interrupted_info(NULL) == NULL && walkv_interrupted_checkpoint(NULL) == NULL);
  CHECK(walkv_interrupted_skipped(NULL) == NULL);
  CHECK(walkv_strlist_count(NULL) == 0 && walkv_session_list_count(NULL) == 0);
  CHECK(walkv_interrupted_list_count(NULL) == 0);
  walkv_strlist_destroy(NULL);
  walkv_session_info_destroy(NULL);
  walkv_session_list_destroy(NULL);
  walkv_checkpoint_destroy(NULL);
  walkv_interrupted_destroy(NULL);
  walkv_interrupted_list_destroy(NULL);
  walkv_sessionoptions_destroy(NULL);
}

int main(void) {
  make_base_dir("walkv-capi");

  test_names();
  test_open_errors();
  test_store();
  test_recovery_report();
  char sessions_dir[4200];
  path_in(sessions_dir, sizeof sessions_dir, "sessions");
  test_sessions_first_process(sessions_dir);
  test_sessions_second_process(sessions_dir);
  test_encrypted_sessions();
  test_null_accessors();

  remove_base_dir();
  printf("walkv C API: all checks passed\n");
  return 0;
}
