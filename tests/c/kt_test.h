/* Minimal unit-test helpers shared by every C test in tests/c.
 * Each test file is one program: main() calls KT_RUN(test_fn) for each case
 * and returns kt_test_summary(). Output ends with "N passed, N failed". */
#ifndef KT_TEST_H
#define KT_TEST_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int kt_test_failed_checks;
static int kt_test_passed, kt_test_failed;

#define KT_CHECK(cond)                                                        \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "  check failed %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      kt_test_failed_checks++;                                                \
    }                                                                         \
  } while (0)

#define KT_CHECK_NEAR(a, b, tol)                                              \
  do {                                                                        \
    double kt_a_ = (double)(a), kt_b_ = (double)(b);                          \
    if (!(fabs(kt_a_ - kt_b_) <= (tol))) {                                    \
      fprintf(stderr, "  check failed %s:%d: %s=%g vs %s=%g (tol %g)\n",      \
              __FILE__, __LINE__, #a, kt_a_, #b, kt_b_, (double)(tol));       \
      kt_test_failed_checks++;                                                \
    }                                                                         \
  } while (0)

#define KT_RUN(fn)                                                            \
  do {                                                                        \
    int kt_before_ = kt_test_failed_checks;                                   \
    fn();                                                                     \
    if (kt_test_failed_checks == kt_before_) {                                \
      kt_test_passed++;                                                       \
      printf("ok - %s\n", #fn);                                               \
    } else {                                                                  \
      kt_test_failed++;                                                       \
      printf("not ok - %s\n", #fn);                                           \
    }                                                                         \
  } while (0)

/* Reads a whole file into a malloc'd, NUL-terminated buffer (the caller
 * frees it); NULL when it cannot be read. For tests that load models/. */
static inline uint8_t* kt_test_read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t* buf = NULL;
  long n = -1;
  if (fseek(f, 0, SEEK_END) == 0) n = ftell(f);
  if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) buf = (uint8_t*)malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = 0;
    *len = (size_t)n;
  }
  return buf;
}

static inline int kt_test_summary(void) {
  printf("%d passed, %d failed\n", kt_test_passed, kt_test_failed);
  return kt_test_failed == 0 ? 0 : 1;
}
#endif
