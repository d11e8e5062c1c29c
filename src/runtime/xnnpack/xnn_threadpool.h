/* xnn_threadpool.h — the one pthreadpool every XNNPACK runtime of this
 * process shares (internal).
 *
 * Which pthreadpool is linked decides what threads mean: the
 * single-threaded build links pthreadpool's shim (a pool of more than one
 * thread cannot be created: `unsupported`), the threaded build its
 * pthreads implementation. Only the thread that calls kinetrack touches
 * this state (the pool's workers run XNNPACK's kernels and nothing else). */
#ifndef KT_RUNTIME_XNNPACK_THREADPOOL_H
#define KT_RUNTIME_XNNPACK_THREADPOOL_H

#include <pthreadpool.h>

#include "kinetrack.h"

/* Creates (or drops, for 1) the pool; invalid_state while runtimes use it. */
kt_status kt_xnn_set_threads(int threads);
int kt_xnn_threads(void);

/* The pool to hand a new runtime (NULL: the calling thread alone), counted
 * until the runtime is released with kt_xnn_pool_release. */
pthreadpool_t kt_xnn_pool_acquire(void);
void kt_xnn_pool_release(void);

#endif
