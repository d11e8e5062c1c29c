/* xnn_threadpool.c — see xnn_threadpool.h. */
#include "runtime/xnnpack/xnn_threadpool.h"

#include "core/error.h"

static pthreadpool_t g_pool; /* NULL: one thread, no pool */
static int g_threads = 1;
static int g_runtimes;       /* runtimes created with g_pool and not yet deleted */

kt_status kt_xnn_set_threads(int threads) {
  if (threads == g_threads) return kt_status_ok;
  /* A runtime keeps the pool it was created with: it cannot change under it. */
  if (g_runtimes > 0)
    return kt_fail(kt_status_invalid_state, "threads %d: %d XNNPACK runtime(s) still use %d thread(s)", threads,
                   g_runtimes, g_threads);
  /* The old pool goes first: its threads may be the ones a host had ready. */
  if (g_pool) pthreadpool_destroy(g_pool);
  g_pool = NULL;
  g_threads = 1;
  if (threads > 1) {
    g_pool = pthreadpool_create((size_t)threads);
    if (!g_pool)
      return kt_fail(kt_status_unsupported, "threads %d: this build's pthreadpool has no threads", threads);
    g_threads = threads;
  }
  return kt_status_ok;
}

int kt_xnn_threads(void) { return g_threads; }

pthreadpool_t kt_xnn_pool_acquire(void) {
  g_runtimes++;
  return g_pool;
}

void kt_xnn_pool_release(void) {
  if (g_runtimes > 0) g_runtimes--;
}
