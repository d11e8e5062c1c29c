/* ArgMax along one axis; ties resolve to the first index, as in
 * TensorFlow. The index is i32 (TF.js has no int64). */
#include <stdint.h>

#include "runtime/ops/ops.h"

static kt_status read_axis(kt_graph* g, const kt_node* n, int* axis_out) {
  return kt_const_axis(kt_in(g, n, 1), kt_in(g, n, 0)->rank, axis_out);
}

kt_status kt_op_argmax_infer(kt_graph* g, kt_node* n) {
  int axis = 0;
  if (n->num_inputs != 2) return kt_status_model_format;
  kt_status s = read_axis(g, n, &axis);
  if (s != kt_status_ok) return s;
  const kt_tensor* x = kt_in(g, n, 0);
  if (x->dims[axis] == 0) return kt_status_model_format;
  int32_t dims[KT_MAX_DIMS];
  for (int i = 0, j = 0; i < x->rank; i++)
    if (i != axis) dims[j++] = x->dims[i];
  return kt_tensor_set_shape(kt_out(g, n, 0), kt_dtype_i32, x->rank - 1, dims);
}

kt_status kt_op_argmax_run(kt_graph* g, const kt_node* n) {
  int axis = 0;
  kt_status s = read_axis(g, n, &axis);
  if (s != kt_status_ok) return s;
  const kt_tensor* x = kt_in(g, n, 0);
  size_t outer = 1, inner = 1, len = (size_t)x->dims[axis];
  for (int i = 0; i < axis; i++) outer *= (size_t)x->dims[i];
  for (int i = axis + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
  int32_t* y = kt_out(g, n, 0)->data;
  for (size_t o = 0; o < outer; o++)
    for (size_t in = 0; in < inner; in++) {
      size_t base = o * len * inner + in, best = 0;
      if (x->dtype == kt_dtype_f32) {
        const float* v = x->data;
        float bv = v[base];
        for (size_t k = 1; k < len; k++)
          if (v[base + k * inner] > bv) { bv = v[base + k * inner]; best = k; }
      } else {
        const int32_t* v = x->data;
        int32_t bv = v[base];
        for (size_t k = 1; k < len; k++)
          if (v[base + k * inner] > bv) { bv = v[base + k * inner]; best = k; }
      }
      y[o * inner + in] = (int32_t)best;
    }
  return kt_status_ok;
}
