/* Cast between f32 and i32. f32 -> i32 truncates toward zero like
 * TensorFlow; out-of-range and NaN values saturate instead of invoking UB. */
#include <math.h>
#include <stdint.h>

#include "runtime/ops/ops.h"

kt_status kt_op_cast_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  return kt_tensor_set_shape(kt_out(g, n, 0), n->attrs.dst_type, x->rank, x->dims);
}

static int32_t f32_to_i32(float v) {
  if (isnan(v)) return 0;
  if (v >= 2147483647.0f) return INT32_MAX;
  if (v <= -2147483648.0f) return INT32_MIN;
  return (int32_t)v;
}

kt_status kt_op_cast_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  kt_tensor* y = kt_out(g, n, 0);
  if (x->dtype == y->dtype) return kt_op_copy_run(g, n);
  if (x->dtype == kt_dtype_i32) {
    const int32_t* in = x->data;
    float* out = y->data;
    for (size_t i = 0; i < x->count; i++) out[i] = (float)in[i];
  } else {
    const float* in = x->data;
    int32_t* out = y->data;
    for (size_t i = 0; i < x->count; i++) out[i] = f32_to_i32(in[i]);
  }
  return kt_status_ok;
}
