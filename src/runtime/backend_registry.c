/* The backends this build has. XNNPACK exists only in wasm builds
 * (KT_HAVE_XNNPACK, set in wasm/flags.mk), WebGL2 only in the GL wasm
 * build (KT_HAVE_WEBGL, mk/webgl.mk); native tests run the reference
 * kernels, and asking a build for a backend it lacks is an explicit
 * `unsupported`. */
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
