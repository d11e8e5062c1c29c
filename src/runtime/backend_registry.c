/* The backends this build has. XNNPACK exists only in wasm builds
 * (KT_HAVE_XNNPACK, set in wasm/flags.mk); native tests run the reference
 * kernels, and asking them for XNNPACK is an explicit `unsupported`. */
#include "runtime/backend.h"

#ifdef KT_HAVE_XNNPACK
extern const kt_backend_impl kt_xnnpack_backend;
#endif

const kt_backend_impl* kt_backend_get(kt_backend backend) {
#ifdef KT_HAVE_XNNPACK
  if (backend == kt_backend_xnnpack) return &kt_xnnpack_backend;
#endif
  (void)backend;
  return NULL;
}
