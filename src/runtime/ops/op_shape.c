/* Shape-only ops: Identity, Reshape, ExpandDims, Squeeze. They copy data
 * unchanged (the arena makes the copy cheap and keeps planning simple). */
#include <string.h>

#include "runtime/graph.h"
#include "runtime/ops/ops.h"

kt_status kt_op_copy_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  kt_tensor* y = kt_out(g, n, 0);
  if (y->count != x->count) return kt_status_invalid_state;
  if (y->data != x->data) memcpy(y->data, x->data, x->count * kt_dtype_size(x->dtype));
  return kt_status_ok;
}

kt_status kt_op_identity_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, x->rank, x->dims);
}

kt_status kt_op_reshape_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  int32_t shape[KT_MAX_DIMS];
  int rank = 0;
  if (n->num_inputs != 2) return kt_status_model_format;
  kt_status s = kt_const_ints(kt_in(g, n, 1), shape, KT_MAX_DIMS, &rank);
  if (s != kt_status_ok) return s;
  int infer_at = -1;
  size_t known = 1;
  for (int i = 0; i < rank; i++) {
    if (shape[i] == -1) {
      if (infer_at >= 0) return kt_status_model_format;
      infer_at = i;
    } else if (shape[i] < 0) {
      return kt_status_model_format;
    } else {
      known *= (size_t)shape[i];
    }
  }
  if (infer_at >= 0) {
    if (known == 0 || x->count % known != 0) return kt_status_model_format;
    shape[infer_at] = (int32_t)(x->count / known);
    known *= (size_t)shape[infer_at];
  }
  if (known != x->count) return kt_status_model_format;
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, rank, shape);
}

kt_status kt_op_expand_dims_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  int axis = 0;
  if (n->num_inputs != 2) return kt_status_model_format;
  kt_status s = kt_const_axis(kt_in(g, n, 1), x->rank + 1, &axis);
  if (s != kt_status_ok) return s;
  if (x->rank + 1 > KT_MAX_DIMS) return kt_status_model_format;
  int32_t dims[KT_MAX_DIMS];
  for (int i = 0, j = 0; i < x->rank + 1; i++) dims[i] = (i == axis) ? 1 : x->dims[j++];
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, x->rank + 1, dims);
}

kt_status kt_op_squeeze_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  int32_t dims[KT_MAX_DIMS];
  int rank = 0;
  for (int i = 0; i < x->rank; i++) {
    bool listed = (n->attrs.squeeze_mask >> i) & 1u;
    bool squeeze = n->attrs.squeeze_mask == 0 ? x->dims[i] == 1 : listed;
    if (squeeze && x->dims[i] != 1) return kt_status_model_format;
    if (!squeeze) dims[rank++] = x->dims[i];
  }
  return kt_tensor_set_shape(kt_out(g, n, 0), x->dtype, rank, dims);
}
