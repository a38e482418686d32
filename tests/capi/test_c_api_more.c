/* walkv C API test, plain C11: store statistics, checkpoint lists,
 * namespaced session ids with exact prefix drops, the checkpointer and
 * damaged session records (include/walkv/c.h: walkv_store_statistics and the
 * sections "Checkpoint lists", "Session ids", "Checkpointer", "Damaged
 * sessions"), against real stores. */
#define _XOPEN_SOURCE 700

#include <walkv/c.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "c_check.h"

static walkv_store_t* open_store(const char* name) {
  char dir[4200];
  path_in(dir, sizeof dir, name);
  walkv_options_t* options = walkv_options_create();
  CHECK(options != NULL);
  walkv_options_set_create_if_missing(options, 1);
  walkv_store_t* store = NULL;
  CHECK_OK(walkv_open(dir, options, &store, E));
  walkv_options_destroy(options);
  return store;
}

static walkv_sessions_t* open_sessions(walkv_store_t* store, uint32_t keep) {
  walkv_sessionoptions_t* options = walkv_sessionoptions_create();
  CHECK(options != NULL);
  walkv_sessionoptions_set_keep_checkpoints(options, keep);
  CHECK_OK(walkv_sessionoptions_set_app_version(options, S("1.2.0")));
  walkv_sessions_t* sessions = NULL;
  CHECK_OK(walkv_sessions_open(store, options, &sessions, E));
  walkv_sessionoptions_destroy(options);
  return sessions;
}

/* ---- statistics ------------------------------------------------------------------ */

static void test_statistics(void) {
  walkv_store_t* store = open_store("statistics");
  walkv_statistics_t before;
  CHECK_OK(walkv_store_statistics(store, &before));
  CHECK(before.frames_written == 0);
  CHECK(before.poisoned == 0);

  walkv_writeoptions_t* sync = walkv_writeoptions_create();
  CHECK(sync != NULL);
  walkv_writeoptions_set_durability(sync, WALKV_DURABILITY_SYNC);
  for (int i = 0; i < 3; ++i) CHECK_OK(walkv_put(store, sync, S("key"), S("value"), E));
  walkv_writeoptions_destroy(sync);

  walkv_statistics_t after;
  CHECK_OK(walkv_store_statistics(store, &after));
  /* Three synced writes from one thread: three frames, three fdatasyncs,
   * each making one writer durable. */
  CHECK(after.frames_written == 3);
  CHECK(after.fdatasyncs == 3);
  CHECK(after.synced_writers == 3);
  CHECK(after.bytes_written > 3 * strlen("keyvalue"));
  CHECK(after.compactions == 0);

  CHECK_OK(walkv_compact(store, E));
  CHECK_OK(walkv_store_statistics(store, &after));
  CHECK(after.compactions == 1);
  CHECK(after.bytes_compacted > 0);

  CHECK(walkv_store_statistics(NULL, &after) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_store_statistics(store, NULL) == WALKV_INVALID_ARGUMENT);
  CHECK_OK(walkv_close(store, E));
}

/* ---- checkpoint lists --------------------------------------------------------- */

static void test_list_checkpoints(void) {
  walkv_store_t* store = open_store("list");
  walkv_sessions_t* sessions = open_sessions(store, 3);
  CHECK_OK(walkv_session_create(sessions, S("chat-1"), S("a chat"), E));
  for (uint32_t step = 1; step <= 5; ++step) {
    char state[16];
    int n = snprintf(state, sizeof state, "state-%u", step);
    uint64_t number = 0;
    CHECK_OK(walkv_session_checkpoint(sessions, S("chat-1"), state, (size_t)n, step, 5, S("step"), NULL, 0, &number,
                                      E));
    CHECK(number == step);
  }

  walkv_checkpoint_summary_list_t* list = NULL;
  CHECK_OK(walkv_session_list_checkpoints(sessions, S("chat-1"), &list, E));
  /* keep-last-3: checkpoints 5, 4, 3, newest first. */
  CHECK(walkv_checkpoint_summary_list_count(list) == 3);
  for (size_t i = 0; i < 3; ++i) {
    walkv_checkpoint_summary_t entry;
    CHECK_OK(walkv_checkpoint_summary_list_at(list, i, &entry));
    CHECK(entry.number == 5 - i);
    CHECK(entry.step == 5 - i);
    CHECK(entry.total_steps == 5);
    CHECK(entry.state_size == strlen("state-5"));
    CHECK(entry.valid == 1);
    CHECK(entry.time_ns > 0);
    CHECK(bytes_equal(entry.app_version, entry.app_version_len, S("1.2.0")));
    CHECK(bytes_equal(entry.description, entry.description_len, S("step")));
    CHECK(entry.key_id_len == 0);
  }
  walkv_checkpoint_summary_t beyond;
  CHECK(walkv_checkpoint_summary_list_at(list, 3, &beyond) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_checkpoint_summary_list_at(list, 0, NULL) == WALKV_INVALID_ARGUMENT);
  walkv_checkpoint_summary_list_destroy(list);

  list = NULL;
  CHECK_OK(walkv_session_list_checkpoints(sessions, S("no-such-session"), &list, E));
  CHECK(walkv_checkpoint_summary_list_count(list) == 0);
  walkv_checkpoint_summary_list_destroy(list);
  EXPECT_ERROR(walkv_session_list_checkpoints(sessions, S("chat-1"), NULL, EE), WALKV_INVALID_ARGUMENT, "list");

  walkv_sessions_close(sessions);
  CHECK_OK(walkv_close(store, E));
}

/* ---- session ids ----------------------------------------------------------------- */

static void test_session_ids(void) {
  const char* parts[] = {"agent", "repo/x", "1"};
  size_t lens[] = {5, 6, 1};
  char* id = NULL;
  size_t id_len = 0;
  CHECK_OK(walkv_session_id_make(parts, lens, 3, &id, &id_len, E));
  /* '/' inside a part is escaped, so it only ever separates parts. */
  CHECK(bytes_equal(id, id_len, S("agent/repo%2Fx/1")));
  CHECK(id[id_len] == '\0');

  walkv_strlist_t* split = NULL;
  CHECK_OK(walkv_session_id_split(id, id_len, &split, E));
  CHECK(walkv_strlist_count(split) == 3);
  size_t len = 0;
  const char* part = walkv_strlist_at(split, 1, &len);
  CHECK(bytes_equal(part, len, S("repo/x")));
  walkv_strlist_destroy(split);
  walkv_free(id);

  char* prefix = NULL;
  size_t prefix_len = 0;
  CHECK_OK(walkv_session_id_prefix(parts, lens, 2, &prefix, &prefix_len, E));
  CHECK(bytes_equal(prefix, prefix_len, S("agent/repo%2Fx/")));
  walkv_free(prefix);

  EXPECT_ERROR(walkv_session_id_make(parts, lens, 0, &id, NULL, EE), WALKV_INVALID_ARGUMENT, "at least one part");
  CHECK(id == NULL);
  EXPECT_ERROR(walkv_session_id_make(NULL, lens, 2, &id, NULL, EE), WALKV_INVALID_ARGUMENT, "parts");
  EXPECT_ERROR(walkv_session_id_split(S("bad%zz"), &split, EE), WALKV_INVALID_ARGUMENT, NULL);
  CHECK(split == NULL);
}

static void create_under(walkv_sessions_t* sessions, const char* issue) {
  const char* parts[] = {"agent", "repo", issue};
  size_t lens[] = {5, 4, strlen(issue)};
  char* id = NULL;
  size_t id_len = 0;
  CHECK_OK(walkv_session_id_make(parts, lens, 3, &id, &id_len, E));
  CHECK_OK(walkv_session_create(sessions, id, id_len, NULL, 0, E));
  walkv_free(id);
}

static void test_drop_under(void) {
  walkv_store_t* store = open_store("drop");
  walkv_sessions_t* sessions = open_sessions(store, 2);
  create_under(sessions, "1");
  create_under(sessions, "10");
  create_under(sessions, "2");

  const char* parts[] = {"agent", "repo", "1"};
  size_t lens[] = {5, 4, 1};
  walkv_strlist_t* dropped = NULL;
  CHECK_OK(walkv_sessions_drop_under(sessions, parts, lens, 3, &dropped, E));
  /* Dropping issue 1 never drops issue 10. */
  CHECK(walkv_strlist_count(dropped) == 1);
  size_t len = 0;
  const char* first = walkv_strlist_at(dropped, 0, &len);
  CHECK(bytes_equal(first, len, S("agent/repo/1")));
  walkv_strlist_destroy(dropped);

  walkv_session_list_t* left = NULL;
  CHECK_OK(walkv_sessions_list(sessions, NULL, 0, &left, E));
  CHECK(walkv_session_list_count(left) == 2);
  const char* id0 = walkv_session_info_id(walkv_session_list_at(left, 0), &len);
  CHECK(bytes_equal(id0, len, S("agent/repo/10")));
  const char* id1 = walkv_session_info_id(walkv_session_list_at(left, 1), &len);
  CHECK(bytes_equal(id1, len, S("agent/repo/2")));
  walkv_session_list_destroy(left);

  EXPECT_ERROR(walkv_sessions_drop_under(sessions, parts, lens, 0, NULL, EE), WALKV_INVALID_ARGUMENT,
               "at least one part");
  walkv_sessions_close(sessions);
  CHECK_OK(walkv_close(store, E));
}

/* ---- checkpointer ------------------------------------------------------------------ */

static uint64_t latest_number(walkv_sessions_t* sessions, const char* id, size_t id_len) {
  walkv_session_info_t* info = NULL;
  CHECK_OK(walkv_session_info(sessions, id, id_len, &info, E));
  CHECK(info != NULL);
  uint64_t number = walkv_session_info_latest_checkpoint(info);
  walkv_session_info_destroy(info);
  return number;
}

static void test_checkpointer(void) {
  walkv_store_t* store = open_store("checkpointer");
  walkv_sessions_t* sessions = open_sessions(store, 5);
  CHECK_OK(walkv_session_create(sessions, S("chat-7"), NULL, 0, E));

  walkv_checkpointer_t* checkpointer = NULL;
  /* Every 3 messages; a flush interval of an hour, so no tick writes here. */
  CHECK_OK(walkv_checkpointer_start(sessions, 3, 3600ull * 1000000000ull, &checkpointer, E));
  int written = -1;
  CHECK_OK(walkv_checkpointer_message(checkpointer, S("chat-7"), S("m1"), 1, 0, NULL, 0, &written, E));
  CHECK(written == 0);
  CHECK_OK(walkv_checkpointer_message(checkpointer, S("chat-7"), S("m2"), 2, 0, NULL, 0, &written, E));
  CHECK(written == 0);
  CHECK(walkv_checkpointer_dirty_count(checkpointer) == 1);
  CHECK(latest_number(sessions, S("chat-7")) == 0);
  CHECK_OK(walkv_checkpointer_message(checkpointer, S("chat-7"), S("m3"), 3, 0, S("third"), &written, E));
  CHECK(written == 1);
  CHECK(walkv_checkpointer_dirty_count(checkpointer) == 0);
  CHECK(latest_number(sessions, S("chat-7")) == 1);

  CHECK_OK(walkv_checkpointer_identify(checkpointer, S("chat-7"), S("alias"), S("ada"), E));
  walkv_strlist_t* found = NULL;
  CHECK_OK(walkv_sessions_find(sessions, S("alias"), S("ada"), &found, E));
  CHECK(walkv_strlist_count(found) == 1);
  walkv_strlist_destroy(found);

  CHECK_OK(walkv_checkpointer_message(checkpointer, S("chat-7"), S("m4"), 4, 0, NULL, 0, NULL, E));
  CHECK_OK(walkv_checkpointer_flush(checkpointer, S("chat-7"), E));
  CHECK(latest_number(sessions, S("chat-7")) == 2);
  CHECK_OK(walkv_checkpointer_flush_all(checkpointer, E)); /* nothing dirty: writes nothing */
  CHECK(latest_number(sessions, S("chat-7")) == 2);

  walkv_checkpointer_stats_t stats;
  CHECK_OK(walkv_checkpointer_stats(checkpointer, &stats));
  CHECK(stats.messages == 4);
  CHECK(stats.checkpoints == 2);
  CHECK(stats.by_count == 1);
  CHECK(stats.by_request == 1);
  CHECK(stats.identity_writes == 1);
  CHECK(stats.failed == 0);

  /* A message for an unknown session is kept until it is written; the write
   * then fails and names the session. */
  CHECK_OK(walkv_checkpointer_message(checkpointer, S("ghost"), S("x"), 1, 0, NULL, 0, NULL, E));
  EXPECT_ERROR(walkv_checkpointer_flush(checkpointer, S("ghost"), EE), WALKV_INVALID_ARGUMENT, "ghost");
  walkv_strlist_t* errors = NULL;
  CHECK_OK(walkv_checkpointer_take_errors(checkpointer, &errors, E));
  CHECK(walkv_strlist_count(errors) == 0); /* only background ticks report here */
  walkv_strlist_destroy(errors);

  /* Unsaved state, then the sessions handle closed first: the checkpointer
   * keeps the session store alive, and the store refuses to close until the
   * checkpointer is closed too. */
  CHECK_OK(walkv_checkpointer_message(checkpointer, S("chat-7"), S("m5"), 5, 0, S("fifth"), NULL, E));
  walkv_sessions_close(sessions);
  EXPECT_ERROR(walkv_close(store, EE), WALKV_INVALID_ARGUMENT, "walkv_sessions_close");
  CHECK_OK(walkv_checkpointer_close(checkpointer, E)); /* flushes m5 */
  CHECK_OK(walkv_close(store, E));

  store = open_store("checkpointer");
  sessions = open_sessions(store, 5);
  walkv_checkpoint_t* latest = NULL;
  CHECK_OK(walkv_session_latest_checkpoint(sessions, S("chat-7"), &latest, NULL, E));
  CHECK(latest != NULL);
  CHECK(walkv_checkpoint_number(latest) == 3);
  size_t len = 0;
  const char* state = walkv_checkpoint_state(latest, &len);
  CHECK(bytes_equal(state, len, S("m5")));
  const char* description = walkv_checkpoint_description(latest, &len);
  CHECK(bytes_equal(description, len, S("fifth")));
  walkv_checkpoint_destroy(latest);

  CHECK(walkv_checkpointer_close(NULL, NULL) == WALKV_OK);
  EXPECT_ERROR(walkv_checkpointer_start(sessions, 0, 0, NULL, EE), WALKV_INVALID_ARGUMENT, "checkpointer");
  walkv_sessions_close(sessions);
  CHECK_OK(walkv_close(store, E));
}

/* ---- damaged session records --------------------------------------------------- */

/* Checks that `list` holds exactly the damaged session "a", with a problem
 * naming it, and that reading past its end is refused. */
static void check_only_a_damaged(const walkv_damaged_list_t* list) {
  CHECK(walkv_damaged_list_count(list) == 1);
  const char* id = NULL;
  size_t id_len = 0;
  const char* problem = NULL;
  CHECK_OK(walkv_damaged_list_at(list, 0, &id, &id_len, &problem));
  CHECK(bytes_equal(id, id_len, S("a")));
  CHECK(id[id_len] == '\0');
  CHECK(problem != NULL && strlen(problem) > 0);
  CHECK(strstr(problem, "'a'") != NULL); /* names the session */
  /* Every out-parameter is optional. */
  CHECK_OK(walkv_damaged_list_at(list, 0, NULL, NULL, NULL));
  id = NULL;
  problem = NULL;
  CHECK(walkv_damaged_list_at(list, 1, &id, &id_len, &problem) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_damaged_list_at(list, (size_t)-1, &id, &id_len, &problem) == WALKV_INVALID_ARGUMENT);
  CHECK(id == NULL && problem == NULL);
}

/* The ids of a session list, joined with ',' into `out`. */
static void list_ids(walkv_session_list_t* list, char* out, size_t size) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < walkv_session_list_count(list); ++i) {
    size_t len = 0;
    const char* id = walkv_session_info_id(walkv_session_list_at(list, i), &len);
    CHECK(used + len + 2 <= size);
    if (i > 0) out[used++] = ',';
    memcpy(out + used, id, len);
    used += len;
    out[used] = '\0';
  }
}

static void check_sessions(walkv_sessions_t* sessions, const char* want) {
  walkv_session_list_t* list = NULL;
  CHECK_OK(walkv_sessions_list(sessions, NULL, 0, &list, E));
  char ids[64];
  list_ids(list, ids, sizeof ids);
  walkv_session_list_destroy(list);
  if (strcmp(ids, want) != 0) {
    fprintf(stderr, "sessions: \"%s\", wanted \"%s\"\n", ids, want);
    abort();
  }
}

static void test_damaged_sessions(void) {
  walkv_store_t* store = open_store("damaged");
  walkv_sessions_t* sessions = open_sessions(store, 5);
  CHECK_OK(walkv_session_create(sessions, S("a"), S("to be damaged"), E));
  CHECK_OK(walkv_session_checkpoint(sessions, S("a"), S("s1"), 1, 4, S("first"), NULL, 0, NULL, E));
  CHECK_OK(walkv_session_checkpoint(sessions, S("a"), S("s2"), 2, 4, S("second"), NULL, 0, NULL, E));
  CHECK_OK(walkv_session_add_index(sessions, S("a"), S("alias"), S("ada"), E));
  CHECK_OK(walkv_session_create(sessions, S("b"), NULL, 0, E));
  CHECK_OK(walkv_session_create(sessions, S("c"), NULL, 0, E));
  CHECK_OK(walkv_session_complete(sessions, S("c"), E));

  walkv_damaged_list_t* damaged = NULL;
  CHECK_OK(walkv_sessions_damaged(sessions, &damaged, E));
  CHECK(damaged != NULL);
  CHECK(walkv_damaged_list_count(damaged) == 0); /* a sound store */
  walkv_damaged_list_destroy(damaged);

  /* Garbage at the record key of "a": "sr" + id + 0x00 (the ids here need
   * no escaping). */
  CHECK_OK(walkv_put(store, NULL, S("sr" "a" "\0"), S("not a session record"), E));
  walkv_sessions_close(sessions);

  /* The damaged record no longer stops the open. */
  sessions = open_sessions(store, 5);
  check_sessions(sessions, "b,c");
  EXPECT_ERROR(walkv_session_info(sessions, S("a"), NULL, EE), WALKV_INVALID_ARGUMENT, "info");
  walkv_session_info_t* info = NULL;
  EXPECT_ERROR(walkv_session_info(sessions, S("a"), &info, EE), WALKV_CORRUPTION, "'a'");
  CHECK(info == NULL);

  walkv_session_list_t* all = NULL;
  CHECK_OK(walkv_store_list_sessions(store, &all, E));
  char ids[64];
  list_ids(all, ids, sizeof ids);
  CHECK(strcmp(ids, "b,c") == 0);
  walkv_session_list_destroy(all);

  walkv_interrupted_list_t* interrupted = NULL;
  CHECK_OK(walkv_sessions_interrupted(sessions, &interrupted, E));
  CHECK(walkv_interrupted_list_count(interrupted) == 0); /* "a" is left out */
  walkv_interrupted_list_destroy(interrupted);

  damaged = NULL;
  CHECK_OK(walkv_sessions_damaged(sessions, &damaged, E));
  check_only_a_damaged(damaged);
  walkv_damaged_list_destroy(damaged);

  damaged = NULL;
  CHECK_OK(walkv_store_list_damaged_sessions(store, &damaged, E));
  check_only_a_damaged(damaged);
  walkv_damaged_list_destroy(damaged);

  /* Cleanup neither deletes nor counts the damaged session. */
  walkv_cleanup_policy_t* policy = walkv_cleanup_policy_create();
  CHECK(policy != NULL);
  walkv_cleanup_policy_clear_max_age(policy);
  walkv_cleanup_policy_set_keep_completed(policy, 0);
  walkv_cleanup_policy_set_max_count(policy, 1);
  walkv_strlist_t* deleted = NULL;
  CHECK_OK(walkv_sessions_cleanup(sessions, policy, 0, &deleted, E));
  walkv_cleanup_policy_destroy(policy);
  CHECK(walkv_strlist_count(deleted) == 1);
  size_t len = 0;
  const char* gone = walkv_strlist_at(deleted, 0, &len);
  CHECK(bytes_equal(gone, len, S("c")));
  walkv_strlist_destroy(deleted);
  check_sessions(sessions, "b");

  /* Only a damaged record can be repaired. */
  info = NULL;
  EXPECT_ERROR(walkv_session_repair(sessions, S("b"), &info, EE), WALKV_INVALID_ARGUMENT, "not damaged");
  CHECK(info == NULL);
  EXPECT_ERROR(walkv_session_repair(sessions, S("no-such-session"), &info, EE), WALKV_INVALID_ARGUMENT,
               "no-such-session");
  CHECK(info == NULL);
  EXPECT_ERROR(walkv_session_repair(sessions, NULL, 1, &info, EE), WALKV_INVALID_ARGUMENT, "id");
  EXPECT_ERROR(walkv_session_repair(NULL, S("a"), &info, EE), WALKV_INVALID_ARGUMENT, "sessions");
  EXPECT_ERROR(walkv_sessions_damaged(sessions, NULL, EE), WALKV_INVALID_ARGUMENT, "list");
  EXPECT_ERROR(walkv_sessions_damaged(NULL, &damaged, EE), WALKV_INVALID_ARGUMENT, "sessions");
  CHECK(damaged == NULL);
  EXPECT_ERROR(walkv_store_list_damaged_sessions(NULL, &damaged, EE), WALKV_INVALID_ARGUMENT, "store");
  CHECK(walkv_damaged_list_at(NULL, 0, NULL, NULL, NULL) == WALKV_INVALID_ARGUMENT);
  CHECK(walkv_damaged_list_count(NULL) == 0);
  walkv_damaged_list_destroy(NULL);

  /* The repair rebuilds the record from the checkpoints and the index. */
  CHECK_OK(walkv_session_repair(sessions, S("a"), &info, E));
  CHECK(info != NULL);
  const char* id = walkv_session_info_id(info, &len);
  CHECK(bytes_equal(id, len, S("a")));
  CHECK(walkv_session_info_status(info) == WALKV_SESSION_INTERRUPTED);
  CHECK(walkv_session_info_owner_epoch(info) == 0);
  CHECK(walkv_session_info_latest_checkpoint(info) == 2);
  CHECK(walkv_session_info_step(info) == 2);
  CHECK(walkv_session_info_total_steps(info) == 4);
  const char* description = walkv_session_info_description(info, &len);
  CHECK(bytes_equal(description, len, S("second")));
  CHECK(walkv_session_info_index_count(info) == 1);
  const char* name = NULL;
  const char* value = NULL;
  size_t name_len = 0, value_len = 0;
  CHECK_OK(walkv_session_info_index_at(info, 0, &name, &name_len, &value, &value_len));
  CHECK(bytes_equal(name, name_len, S("alias")));
  CHECK(bytes_equal(value, value_len, S("ada")));
  walkv_session_info_destroy(info);

  damaged = NULL;
  CHECK_OK(walkv_sessions_damaged(sessions, &damaged, E));
  CHECK(walkv_damaged_list_count(damaged) == 0);
  walkv_damaged_list_destroy(damaged);
  damaged = NULL;
  CHECK_OK(walkv_store_list_damaged_sessions(store, &damaged, E));
  CHECK(walkv_damaged_list_count(damaged) == 0);
  walkv_damaged_list_destroy(damaged);
  check_sessions(sessions, "a,b");

  /* Repaired, "a" is interrupted and resumes from its newest checkpoint. */
  interrupted = NULL;
  CHECK_OK(walkv_sessions_interrupted(sessions, &interrupted, E));
  CHECK(walkv_interrupted_list_count(interrupted) == 1);
  const walkv_interrupted_t* a = walkv_interrupted_list_at(interrupted, 0);
  id = walkv_session_info_id(walkv_interrupted_info(a), &len);
  CHECK(bytes_equal(id, len, S("a")));
  CHECK(walkv_checkpoint_number(walkv_interrupted_checkpoint(a)) == 2);
  walkv_interrupted_list_destroy(interrupted);
  /* The record is sound again: a second repair is refused. */
  EXPECT_ERROR(walkv_session_repair(sessions, S("a"), NULL, EE), WALKV_INVALID_ARGUMENT, "not damaged");

  walkv_sessions_close(sessions);
  CHECK_OK(walkv_close(store, E));
}

int main(void) {
  make_base_dir("walkv-capi-more");
  test_statistics();
  test_list_checkpoints();
  test_session_ids();
  test_drop_under();
  test_checkpointer();
  test_damaged_sessions();
  remove_base_dir();
  printf("walkv C API (statistics, checkpoint lists, ids, checkpointer, damaged sessions): all checks passed\n");
  return 0;
}
