/* Minimal unit-test helpers shared by every C test in tests/c.
 * Each test file is one program: main() calls KT_RUN(test_fn) for each case
 * and returns kt_test_summary(). Output ends with "N passed, N failed". */
#ifndef KT_TEST_H
#define KT_TEST_H
#include <math.h>
#include <stdio.h>

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

static inline int kt_test_summary(void) {
  printf("%d passed, %d failed\n", kt_test_passed, kt_test_failed);
  return kt_test_failed == 0 ? 0 : 1;
}
#endif
