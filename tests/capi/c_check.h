/* Shared checks of the walkv C API tests (plain C11): every check aborts on
 * failure, independently of NDEBUG, so a test fails if anything is wrong. */
#ifndef WALKV_TESTS_C_CHECK_H
#define WALKV_TESTS_C_CHECK_H

#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <walkv/c.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                              \
    }                                                                       \
  } while (0)

/* Checks that a call returned WALKV_OK, printing its error message if not. */
#define CHECK_OK(call)                                                                  \
  do {                                                                                  \
    char* check_ok_err_ = NULL;                                                         \
    walkv_code_t check_ok_code_ = (call);                                               \
    if (check_ok_code_ != WALKV_OK) {                                                   \
      fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, (int)check_ok_code_, \
              check_ok_err_ ? check_ok_err_ : "(no message)");                          \
      abort();                                                                          \
    }                                                                                   \
    CHECK(check_ok_err_ == NULL);                                                       \
  } while (0)

#define E (&check_ok_err_)

/* Checks that `call` (which uses `err`) fails with `code` and a message that
 * starts with the code's name and contains `needle`. */
static inline void expect_error(walkv_code_t got, char** err, walkv_code_t code, const char* needle, int line) {
  if (got != code) {
    fprintf(stderr, "line %d: expected code %d (%s), got %d (%s): %s\n", line, (int)code, walkv_code_name(code),
            (int)got, walkv_code_name(got), *err ? *err : "(no message)");
    abort();
  }
  if (*err == NULL) {
    fprintf(stderr, "line %d: no error message\n", line);
    abort();
  }
  size_t name_len = strlen(walkv_code_name(code));
  if (strncmp(*err, walkv_code_name(code), name_len) != 0 || strncmp(*err + name_len, ": ", 2) != 0 ||
      (needle != NULL && strstr(*err, needle) == NULL)) {
    fprintf(stderr, "line %d: unexpected message \"%s\" (wanted \"%s: ...%s...\")\n", line, *err,
            walkv_code_name(code), needle ? needle : "");
    abort();
  }
  walkv_free(*err);
  *err = NULL;
}
#define EE (&expect_err_)
#define EXPECT_ERROR(call, code, needle)                              \
  do {                                                                \
    char* expect_err_ = NULL;                                         \
    walkv_code_t expect_code_ = (call);                               \
    expect_error(expect_code_, &expect_err_, code, needle, __LINE__); \
  } while (0)

#define S(literal) literal, (sizeof(literal) - 1)

static inline int remove_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* The test's scratch directory (make_base_dir()). */
static char base_dir[4096];

static inline void path_in(char* out, size_t size, const char* name) {
  int n = snprintf(out, size, "%s/%s", base_dir, name);
  CHECK(n > 0 && (size_t)n < size);
}

static inline int bytes_equal(const char* got, size_t got_len, const char* want, size_t want_len) {
  return got != NULL && got_len == want_len && memcmp(got, want, want_len) == 0;
}

/* Creates base_dir under $TMPDIR (or /tmp). */
static inline void make_base_dir(const char* name) {
  const char* tmp = getenv("TMPDIR");
  int n = snprintf(base_dir, sizeof base_dir, "%s/%s-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp", name);
  CHECK(n > 0 && (size_t)n < sizeof base_dir);
  CHECK(mkdtemp(base_dir) != NULL);
}

/* Removes base_dir and everything in it. */
static inline void remove_base_dir(void) { CHECK(nftw(base_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0); }

#endif /* WALKV_TESTS_C_CHECK_H */
