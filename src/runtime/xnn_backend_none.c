/* The XNNPACK backend for builds without XNNPACK (native unit tests run
 * the reference kernels). Selecting XNNPACK there is an explicit error. */
#include "runtime/xnn_backend.h"

kt_status kt_xnn_backend_create(kt_graph* graph, struct kt_xnn_backend** backend_out) {
  (void)graph;
  (void)backend_out;
  return kt_status_unsupported;
}

kt_status kt_xnn_backend_invoke(struct kt_xnn_backend* backend) {
  (void)backend;
  return kt_status_invalid_state;
}

void kt_xnn_backend_destroy(struct kt_xnn_backend* backend) { (void)backend; }
