/* Pad with zeros (TFLite PAD, TF Pad in CONSTANT mode with value 0): any
 * rank, paddings a constant [rank, 2] of (before, after), none negative. */
#include <string.h>

#include "runtime/ops/ops.h"

static kt_status read_paddings(kt_graph* g, const kt_node* n, int32_t* p) {
  const kt_tensor* x = kt_in(g, n, 0);
  int cnt = 0;
  kt_status s = kt_const_ints(kt_in(g, n, 1), p, 2 * KT_MAX_DIMS, &cnt);
  if (s != kt_status_ok) return s;
  if (cnt != 2 * x->rank) return kt_status_model_format;
  for (int i = 0; i < cnt; i++)
    if (p[i] < 0 || p[i] > (1 << 20)) return kt_status_model_format;
  return kt_status_ok;
}

kt_status kt_op_pad_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  if (n->num_inputs != 2) return kt_status_model_format;
  if (x->dtype != kt_dtype_f32) return kt_status_unsupported;
  int32_t p[2 * KT_MAX_DIMS], dims[KT_MAX_DIMS];
  kt_status s = read_paddings(g, n, p);
  if (s != kt_status_ok) return s;
  for (int i = 0; i < x->rank; i++) dims[i] = x->dims[i] + p[2 * i] + p[2 * i + 1];
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, x->rank, dims);
}

/* Copies x's block of dimension d onward into y, recursively; y is zeroed
 * first, so only the inner region is written. */
static void copy_block(const float* x, float* y, const int32_t* xd, const int32_t* yd, const int32_t* p, int d,
                       int rank, const size_t* xs, const size_t* ys) {
  if (d == rank - 1) {
    memcpy(y + p[2 * d], x, (size_t)xd[d] * sizeof(float));
    return;
  }
  for (int32_t i = 0; i < xd[d]; i++)
    copy_block(x + (size_t)i * xs[d], y + (size_t)(i + p[2 * d]) * ys[d], xd, yd, p, d + 1, rank, xs, ys);
}

kt_status kt_op_pad_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  kt_tensor* y = kt_out(g, n, 0);
  int32_t p[2 * KT_MAX_DIMS];
  kt_status s = read_paddings(g, n, p);
  if (s != kt_status_ok) return s;
  memset(y->data, 0, y->count * sizeof(float));
  if (x->count == 0) return kt_status_ok;
  if (x->rank == 0) {
    ((float*)y->data)[0] = ((const float*)x->data)[0];
    return kt_status_ok;
  }
  size_t xs[KT_MAX_DIMS], ys[KT_MAX_DIMS]; /* element strides */
  xs[x->rank - 1] = ys[x->rank - 1] = 1;
  for (int d = x->rank - 2; d >= 0; d--) {
    xs[d] = xs[d + 1] * (size_t)x->dims[d + 1];
    ys[d] = ys[d + 1] * (size_t)y->dims[d + 1];
  }
  copy_block(x->data, y->data, x->dims, y->dims, p, 0, x->rank, xs, ys);
  return kt_status_ok;
}
