/* Pack (stack N tensors along a new axis), Unpack (its inverse) and
 * ConcatV2 (join along an existing axis). All three are the same strided
 * copy: an "outer" loop over dims before the axis and contiguous "inner"
 * blocks after it. */
#include <string.h>

#include "runtime/ops/ops.h"

static size_t prod(const int32_t* dims, int from, int to) {
  size_t p = 1;
  for (int i = from; i < to; i++) p *= (size_t)dims[i];
  return p;
}

static int norm_axis(int axis, int rank) { return axis < 0 ? axis + rank : axis; }

kt_status kt_op_pack_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  int axis = norm_axis(n->attrs.axis, x->rank + 1);
  if (axis < 0 || axis > x->rank || x->rank + 1 > KT_MAX_DIMS) return kt_status_model_format;
  for (int i = 1; i < n->num_inputs; i++) {
    const kt_tensor* xi = kt_in(g, n, i);
    if (xi->rank != x->rank || xi->dtype != x->dtype) return kt_status_model_format;
    for (int d = 0; d < x->rank; d++)
      if (xi->dims[d] != x->dims[d]) return kt_status_model_format;
  }
  int32_t dims[KT_MAX_DIMS];
  for (int i = 0, j = 0; i <= x->rank; i++) dims[i] = i == axis ? n->num_inputs : x->dims[j++];
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, x->rank + 1, dims);
}

kt_status kt_op_pack_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  kt_tensor* y = kt_out(g, n, 0);
  int axis = norm_axis(n->attrs.axis, x->rank + 1);
  size_t outer = prod(x->dims, 0, axis), inner = prod(x->dims, axis, x->rank) * 4;
  uint8_t* out = y->data;
  for (size_t o = 0; o < outer; o++)
    for (int i = 0; i < n->num_inputs; i++) {
      const uint8_t* in = kt_in(g, n, i)->data;
      memcpy(out, in + o * inner, inner);
      out += inner;
    }
  return kt_status_ok;
}

kt_status kt_op_unpack_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  int axis = norm_axis(n->attrs.axis, x->rank);
  if (axis < 0 || axis >= x->rank || x->dims[axis] != n->num_outputs) return kt_status_model_format;
  int32_t dims[KT_MAX_DIMS];
  for (int i = 0, j = 0; i < x->rank; i++)
    if (i != axis) dims[j++] = x->dims[i];
  for (int o = 0; o < n->num_outputs; o++) {
    kt_status s = kt_tensor_set_shape(kt_out(g, n, o), x->dtype, x->rank - 1, dims);
    if (s != kt_status_ok) return s;
  }
  return kt_status_ok;
}

kt_status kt_op_unpack_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  int axis = norm_axis(n->attrs.axis, x->rank);
  size_t outer = prod(x->dims, 0, axis), inner = prod(x->dims, axis + 1, x->rank) * 4;
  const uint8_t* in = x->data;
  for (size_t o = 0; o < outer; o++)
    for (int i = 0; i < n->num_outputs; i++) {
      uint8_t* out = kt_out(g, n, i)->data;
      memcpy(out + o * inner, in, inner);
      in += inner;
    }
  return kt_status_ok;
}

/* ConcatV2: inputs x0..x{k-1}, then the axis as a constant. */
static kt_status concat_axis(kt_graph* g, const kt_node* n, int* axis_out) {
  return kt_const_axis(kt_in(g, n, n->num_inputs - 1), kt_in(g, n, 0)->rank, axis_out);
}

kt_status kt_op_concat_infer(kt_graph* g, kt_node* n) {
  if (n->num_inputs < 2) return kt_status_model_format;
  int axis = 0;
  kt_status s = concat_axis(g, n, &axis);
  if (s != kt_status_ok) return s;
  const kt_tensor* x = kt_in(g, n, 0);
  int32_t dims[KT_MAX_DIMS];
  memcpy(dims, x->dims, sizeof(dims));
  for (int i = 1; i < n->num_inputs - 1; i++) {
    const kt_tensor* xi = kt_in(g, n, i);
    if (xi->rank != x->rank || xi->dtype != x->dtype) return kt_status_model_format;
    for (int d = 0; d < x->rank; d++)
      if (d != axis && xi->dims[d] != x->dims[d]) return kt_status_model_format;
    dims[axis] += xi->dims[axis];
  }
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, x->rank, dims);
}

kt_status kt_op_concat_run(kt_graph* g, const kt_node* n) {
  int axis = 0;
  kt_status s = concat_axis(g, n, &axis);
  if (s != kt_status_ok) return s;
  const kt_tensor* x = kt_in(g, n, 0);
  size_t outer = prod(x->dims, 0, axis);
  uint8_t* out = kt_out(g, n, 0)->data;
  for (size_t o = 0; o < outer; o++)
    for (int i = 0; i < n->num_inputs - 1; i++) {
      const kt_tensor* xi = kt_in(g, n, i);
      size_t inner = prod(xi->dims, axis, xi->rank) * 4;
      memcpy(out, (const uint8_t*)xi->data + o * inner, inner);
      out += inner;
    }
  return kt_status_ok;
}
