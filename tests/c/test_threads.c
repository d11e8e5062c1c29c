/* Threads in the C API: the setting's bounds, what a build without a
 * thread pool (these native tests: reference kernels only) answers, and
 * kt_last_error being per thread. The threaded wasm build itself is
 * tested from Node (tests/node/threads.test.mjs). */
#include <pthread.h>
#include <string.h>

#include "core/error.h"
#include "kinetrack.h"
#include "kt_test.h"

static void test_bounds_are_invalid_arguments(void) {
  KT_CHECK(kt_set_threads(0) == kt_status_invalid_argument);
  KT_CHECK(strstr(kt_last_error(), "threads 0") != NULL);
  KT_CHECK(kt_set_threads(KT_MAX_THREADS + 1) == kt_status_invalid_argument);
  KT_CHECK(kt_threads() == 1);
}

static void test_no_pool_without_xnnpack(void) {
  KT_CHECK(kt_set_threads(1) == kt_status_ok);
  KT_CHECK(kt_set_threads(2) == kt_status_unsupported);
  KT_CHECK(strstr(kt_last_error(), "no XNNPACK thread pool") != NULL);
  KT_CHECK(kt_threads() == 1);
}

static void* fail_on_other_thread(void* arg) {
  (void)arg;
  kt_fail(kt_status_backend_error, "from the other thread");
  return (void*)(strcmp(kt_last_error(), "from the other thread") == 0 ? (void*)1 : NULL);
}

static void test_last_error_is_per_thread(void) {
  kt_fail(kt_status_invalid_argument, "from the calling thread");
  pthread_t t;
  void* seen = NULL;
  KT_CHECK(pthread_create(&t, NULL, fail_on_other_thread, NULL) == 0);
  KT_CHECK(pthread_join(t, &seen) == 0);
  KT_CHECK(seen == (void*)1);
  KT_CHECK(strcmp(kt_last_error(), "from the calling thread") == 0);
}

int main(void) {
  KT_RUN(test_bounds_are_invalid_arguments);
  KT_RUN(test_no_pool_without_xnnpack);
  KT_RUN(test_last_error_is_per_thread);
  return kt_test_summary();
}
