/* Elementwise binary ops with numpy broadcasting: Add, Sub, Mul, Div,
 * FloorDiv, SquaredDifference, Maximum, Minimum, for f32 (with an optional
 * fused clamp) and i32.
 * Integer division by zero yields 0 instead of trapping. */
#include <math.h>
#include <stdint.h>

#include "runtime/ops/ops.h"

kt_status kt_op_binary_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* a = kt_in(g, n, 0);
  const kt_tensor* b = kt_in(g, n, 1);
  if (n->num_inputs != 2 || a->dtype != b->dtype) return kt_status_model_format;
  int rank = a->rank > b->rank ? a->rank : b->rank;
  int32_t dims[KT_MAX_DIMS];
  for (int i = 0; i < rank; i++) {
    int ia = i - (rank - a->rank), ib = i - (rank - b->rank);
    int32_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
    if (da != db && da != 1 && db != 1) return kt_status_model_format;
    dims[i] = da == 1 ? db : da;
  }
  return kt_tensor_set_shape(kt_out(g, n, 0), a->dtype, rank, dims);
}

static float apply_f32(kt_op_type op, float x, float y) {
  switch (op) {
    case kt_op_add: return x + y;
    case kt_op_sub: return x - y;
    case kt_op_mul: return x * y;
    case kt_op_div: return x / y;
    case kt_op_floor_div: return floorf(x / y);
    case kt_op_squared_difference: return (x - y) * (x - y);
    case kt_op_maximum: return x > y ? x : y;
    case kt_op_minimum: return x < y ? x : y;
    default: return 0.0f;
  }
}

static int32_t floor_div_i32(int32_t x, int32_t y) {
  if (y == 0 || (x == INT32_MIN && y == -1)) return 0;
  int32_t q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
  return q;
}

static int32_t apply_i32(kt_op_type op, int32_t x, int32_t y) {
  /* Wrapping arithmetic through uint32 avoids signed-overflow UB. */
  switch (op) {
    case kt_op_add: return (int32_t)((uint32_t)x + (uint32_t)y);
    case kt_op_sub: return (int32_t)((uint32_t)x - (uint32_t)y);
    case kt_op_mul: return (int32_t)((uint32_t)x * (uint32_t)y);
    case kt_op_div: return (y == 0 || (x == INT32_MIN && y == -1)) ? 0 : x / y;
    case kt_op_floor_div: return floor_div_i32(x, y);
    case kt_op_squared_difference: {
      uint32_t d = (uint32_t)x - (uint32_t)y;
      return (int32_t)(d * d);
    }
    case kt_op_maximum: return x > y ? x : y;
    case kt_op_minimum: return x < y ? x : y;
    default: return 0;
  }
}

kt_status kt_op_binary_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* a = kt_in(g, n, 0);
  const kt_tensor* b = kt_in(g, n, 1);
  kt_tensor* y = kt_out(g, n, 0);
  const int rank = y->rank;
  /* Element strides of a and b in output coordinates (0 = broadcast). */
  size_t sa[KT_MAX_DIMS] = {0}, sb[KT_MAX_DIMS] = {0};
  size_t acc_a = 1, acc_b = 1;
  for (int i = rank - 1; i >= 0; i--) {
    int ia = i - (rank - a->rank), ib = i - (rank - b->rank);
    int32_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
    sa[i] = da == 1 ? 0 : acc_a;
    sb[i] = db == 1 ? 0 : acc_b;
    acc_a *= (size_t)da;
    acc_b *= (size_t)db;
  }
  int32_t idx[KT_MAX_DIMS] = {0};
  size_t oa = 0, ob = 0;
  for (size_t i = 0; i < y->count; i++) {
    if (y->dtype == kt_dtype_f32) {
      float v = apply_f32(n->op, ((const float*)a->data)[oa], ((const float*)b->data)[ob]);
      /* A fused activation (TFLite's ADD ... RELU6); +-inf when none. */
      if (v < n->attrs.act_min) v = n->attrs.act_min;
      if (v > n->attrs.act_max) v = n->attrs.act_max;
      ((float*)y->data)[i] = v;
    } else
      ((int32_t*)y->data)[i] = apply_i32(n->op, ((const int32_t*)a->data)[oa], ((const int32_t*)b->data)[ob]);
    for (int d = rank - 1; d >= 0; d--) { /* odometer increment */
      idx[d]++;
      oa += sa[d];
      ob += sb[d];
      if (idx[d] < y->dims[d]) break;
      oa -= sa[d] * (size_t)idx[d];
      ob -= sb[d] * (size_t)idx[d];
      idx[d] = 0;
    }
  }
  return kt_status_ok;
}
