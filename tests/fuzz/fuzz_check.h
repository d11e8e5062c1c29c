/* fuzz_check.h — the invariant check shared by the fuzz harnesses: a
 * failed check prints where and why, then aborts, which libFuzzer reports
 * as a crash (and tests/fuzz/replay.c as a failed input). */
#ifndef KT_FUZZ_CHECK_H
#define KT_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                        \
    }                                                                                 \
  } while (0)

#endif
