/* Elementwise f32 unary ops: Sqrt, Sigmoid, Relu, Relu6. */
#include <math.h>

#include "runtime/ops/ops.h"

kt_status kt_op_unary_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  if (x->dtype != kt_dtype_f32) return kt_status_unsupported;
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, x->rank, x->dims);
}

kt_status kt_op_unary_run(kt_graph* g, const kt_node* n) {
  const float* x = kt_in(g, n, 0)->data;
  kt_tensor* yt = kt_out(g, n, 0);
  float* y = yt->data;
  for (size_t i = 0; i < yt->count; i++) {
    float v = x[i];
    switch (n->op) {
      case kt_op_sqrt: y[i] = sqrtf(v); break;
      case kt_op_sigmoid: y[i] = 1.0f / (1.0f + expf(-v)); break;
      case kt_op_relu: y[i] = v > 0.0f ? v : 0.0f; break;
      case kt_op_relu6: y[i] = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v); break;
      default: return kt_status_unsupported;
    }
  }
  return kt_status_ok;
}
