/* GatherNd: output[i...] = params[indices[i..., :]]. An index out of range
 * yields zeros for that slice (TensorFlow would fail the op; a pose
 * pipeline must never crash on a model's odd output). */
#include <string.h>

#include "runtime/ops/ops.h"

kt_status kt_op_gather_nd_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* p = kt_in(g, n, 0);
  const kt_tensor* ix = kt_in(g, n, 1);
  if (n->num_inputs != 2 || ix->dtype != kt_dtype_i32 || ix->rank < 1) return kt_status_model_format;
  int k = ix->dims[ix->rank - 1];
  if (k < 1 || k > p->rank) return kt_status_model_format;
  int32_t dims[KT_MAX_DIMS];
  int rank = 0;
  for (int i = 0; i < ix->rank - 1; i++) dims[rank++] = ix->dims[i];
  for (int i = k; i < p->rank; i++) {
    if (rank >= KT_MAX_DIMS) return kt_status_unsupported;
    dims[rank++] = p->dims[i];
  }
  return kt_tensor_set_shape(kt_out(g, n, 0), p->dtype, rank, dims);
}

kt_status kt_op_gather_nd_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* p = kt_in(g, n, 0);
  const kt_tensor* ix = kt_in(g, n, 1);
  kt_tensor* y = kt_out(g, n, 0);
  int k = ix->dims[ix->rank - 1];
  size_t slice = 1;
  for (int i = k; i < p->rank; i++) slice *= (size_t)p->dims[i];
  size_t num = ix->count / (size_t)k;
  const int32_t* idx = ix->data;
  uint8_t* out = y->data;
  for (size_t j = 0; j < num; j++, idx += k, out += slice * 4) {
    size_t off = 0;
    bool valid = true;
    for (int d = 0; d < k; d++) {
      if (idx[d] < 0 || idx[d] >= p->dims[d]) valid = false;
      off = off * (size_t)p->dims[d] + (size_t)(valid ? idx[d] : 0);
    }
    if (valid)
      memcpy(out, (const uint8_t*)p->data + off * slice * 4, slice * 4);
    else
      memset(out, 0, slice * 4);
  }
  return kt_status_ok;
}
