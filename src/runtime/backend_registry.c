/* The backends this build has. XNNPACK exists only in wasm builds
 * (KT_HAVE_XNNPACK, set in wasm/flags.mk), WebGL2 only in the GL wasm
 * build (KT_HAVE_WEBGL, mk/webgl.mk); native tests run the reference
 * kernels, and asking a build for a backend it lacks is an explicit
 * `unsupported`. Threads belong to the backend that has a pool (XNNPACK);
 * the reference kernels and WebGL2 run on the calling thread. */
#include "core/error.h"
#include "runtime/backend.h"

#ifdef KT_HAVE_XNNPACK
extern const kt_backend_impl kt_xnnpack_backend;
#endif
#ifdef KT_HAVE_WEBGL
extern const kt_backend_impl kt_webgl_backend;
#endif

const kt_backend_impl* kt_backend_get(kt_backend backend) {
#ifdef KT_HAVE_XNNPACK
  if (backend == kt_backend_xnnpack) return &kt_xnnpack_backend;
#endif
#ifdef KT_HAVE_WEBGL
  if (backend == kt_backend_webgl) return &kt_webgl_backend;
#endif
  (void)backend;
  return NULL;
}

kt_status kt_set_threads(int threads) {
  if (threads < 1 || threads > KT_MAX_THREADS)
    return kt_fail(kt_status_invalid_argument, "threads %d: 1..%d", threads, KT_MAX_THREADS);
  const kt_backend_impl* b = kt_backend_get(kt_backend_xnnpack);
  if (b && b->set_threads) return b->set_threads(threads);
  if (threads == 1) return kt_status_ok;
  return kt_fail(kt_status_unsupported, "threads %d: this build has no XNNPACK thread pool", threads);
}

int kt_threads(void) {
  const kt_backend_impl* b = kt_backend_get(kt_backend_xnnpack);
  return b && b->threads ? b->threads() : 1;
}
