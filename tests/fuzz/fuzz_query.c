/* fuzz_query.c — libFuzzer harness for the query parser (src/query).
 *
 * Input: byte 0 picks the plan (one of the five names, NULL = default,
 * or an unknown name); the remaining bytes, copied and NUL-terminated,
 * are the query string. The whole input also goes through
 * kt_query_decode with a small, exactly-sized output buffer.
 *
 * Invariants (any status is fine, these must always hold):
 *  - the status is ok, invalid_query, or invalid_argument, and
 *    invalid_argument exactly when the plan name is unknown;
 *  - ok: source is video/image, plan is the requested one, the free plan
 *    never gets angles (CONTRACT §6), and no error code was reported;
 *  - invalid_query: every string of the error is NUL-terminated inside
 *    its buffer and the code is non-empty; the query output is untouched;
 *  - kt_query_decode always NUL-terminates inside `cap` (cap > 0). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "query/query.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static const char* const kPlanNames[] = {"free", "developer", "custom", "company", "enterprise"};

static bool terminated(const char* buf, size_t cap) { return memchr(buf, '\0', cap) != NULL; }

static void fuzz_decode(const uint8_t* data, size_t size) {
  /* cap 0..15; malloc exactly cap bytes so a write past it is an ASan report. */
  size_t cap = size ? data[0] % 16 : 4;
  char* out = malloc(cap ? cap : 1);
  if (!out) return;
  memset(out, 0x5A, cap ? cap : 1);
  (void)kt_query_decode((const char*)data, size, out, cap);
  if (cap) FUZZ_CHECK(terminated(out, cap));
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;
  fuzz_decode(data, size);

  unsigned selector = size ? data[0] % 8 : 1;
  const char* plan;
  int expected_plan = -1; /* -1: unknown name */
  if (selector < 5) {
    plan = kPlanNames[selector];
    expected_plan = (int)selector;
  } else if (selector == 5) {
    plan = NULL; /* "developer" */
    expected_plan = kt_plan_developer;
  } else if (selector == 6) {
    plan = "platinum";
  } else {
    plan = "";
  }

  size_t qlen = size ? size - 1 : 0;
  char* query = malloc(qlen + 1); /* exact size: ASan sees reads past the NUL */
  if (!query) return 0;
  if (qlen) memcpy(query, data + 1, qlen);
  query[qlen] = '\0';

  kt_query q;
  kt_query_error e;
  memset(&q, 0xA5, sizeof(q));
  memset(&e, 0xA5, sizeof(e));
  const kt_query q_before = q;

  kt_status s = kt_query_parse(query, plan, &q, &e);
  FUZZ_CHECK(s == kt_status_ok || s == kt_status_invalid_query || s == kt_status_invalid_argument);
  FUZZ_CHECK((s == kt_status_invalid_argument) == (expected_plan < 0));
  if (s == kt_status_ok) {
    FUZZ_CHECK(q.source == kt_source_video || q.source == kt_source_image);
    FUZZ_CHECK((int)q.plan == expected_plan);
    FUZZ_CHECK(!(q.plan == kt_plan_free && q.angles));
    /* Never both: an ok parse reports no error code (left untouched or empty). */
    FUZZ_CHECK((unsigned char)e.code[0] == 0xA5 || e.code[0] == '\0');
  } else {
    FUZZ_CHECK(memcmp(&q, &q_before, sizeof(q)) == 0); /* untouched on failure */
  }
  if (s == kt_status_invalid_query) {
    FUZZ_CHECK(terminated(e.code, sizeof(e.code)) && e.code[0] != '\0');
    FUZZ_CHECK(terminated(e.message, sizeof(e.message)));
    FUZZ_CHECK(terminated(e.param, sizeof(e.param)));
    FUZZ_CHECK(terminated(e.value, sizeof(e.value)));
    FUZZ_CHECK(terminated(e.allowed, sizeof(e.allowed)));
  }

  /* The same query, with and without the optional leading '?'. */
  if (expected_plan >= 0 && query[0] != '?') {
    char* with_q = malloc(qlen + 2);
    if (with_q) {
      with_q[0] = '?';
      memcpy(with_q + 1, query, qlen + 1);
      kt_query q2;
      kt_query_error e2;
      memset(&q2, 0, sizeof(q2));
      memset(&e2, 0, sizeof(e2));
      kt_status s2 = kt_query_parse(with_q, plan, &q2, &e2);
      FUZZ_CHECK(s2 == s);
      if (s == kt_status_ok) FUZZ_CHECK(q2.source == q.source && q2.keypoints == q.keypoints &&
                                        q2.angles == q.angles && q2.skeleton == q.skeleton);
      free(with_q);
    }
  }
  free(query);
  return 0;
}
