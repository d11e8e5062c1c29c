/* MaxPool2D, NHWC f32, SAME/VALID padding (padded positions never win),
 * with an optional fused clamp. */
#include <math.h>

#include "runtime/ops/ops.h"

kt_status kt_op_max_pool2d_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  const kt_node_attrs* a = &n->attrs;
  if (x->rank != 4 || x->dtype != kt_dtype_f32) return kt_status_unsupported;
  if (a->filter_h < 1 || a->filter_w < 1 || a->stride_h < 1 || a->stride_w < 1 || a->filter_h > 64 ||
      a->filter_w > 64)
    return kt_status_model_format;
  int32_t oh, ow, p0, p1;
  kt_conv_output_size(x->dims[1], a->filter_h, a->stride_h, 1, a->padding_same, &oh, &p0, &p1);
  kt_conv_output_size(x->dims[2], a->filter_w, a->stride_w, 1, a->padding_same, &ow, &p0, &p1);
  if (oh < 1 || ow < 1) return kt_status_model_format;
  int32_t dims[4] = {x->dims[0], oh, ow, x->dims[3]};
  return kt_tensor_set_shape(kt_out(g, n, 0), kt_dtype_f32, 4, dims);
}

kt_status kt_op_max_pool2d_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* xt = kt_in(g, n, 0);
  const kt_tensor* yt = kt_out(g, n, 0);
  const kt_node_attrs* a = &n->attrs;
  const float* x = xt->data;
  float* y = yt->data;
  const int32_t N = xt->dims[0], H = xt->dims[1], W = xt->dims[2], C = xt->dims[3];
  const int32_t OH = yt->dims[1], OW = yt->dims[2];
  int32_t tmp, pad_t, pad_l, after;
  kt_conv_output_size(H, a->filter_h, a->stride_h, 1, a->padding_same, &tmp, &pad_t, &after);
  kt_conv_output_size(W, a->filter_w, a->stride_w, 1, a->padding_same, &tmp, &pad_l, &after);
  for (int32_t b = 0; b < N; b++)
    for (int32_t oy = 0; oy < OH; oy++)
      for (int32_t ox = 0; ox < OW; ox++)
        for (int32_t c = 0; c < C; c++) {
          float m = -INFINITY;
          for (int32_t ky = 0; ky < a->filter_h; ky++) {
            int32_t iy = oy * a->stride_h - pad_t + ky;
            if (iy < 0 || iy >= H) continue;
            for (int32_t kx = 0; kx < a->filter_w; kx++) {
              int32_t ix = ox * a->stride_w - pad_l + kx;
              if (ix < 0 || ix >= W) continue;
              float v = x[(((size_t)b * H + iy) * W + ix) * C + c];
              if (v > m) m = v;
            }
          }
          m = m < a->act_min ? a->act_min : (m > a->act_max ? a->act_max : m);
          y[(((size_t)b * OH + oy) * OW + ox) * C + c] = m;
        }
  return kt_status_ok;
}
