/* DepthToSpace, NHWC, TensorFlow's DCR order:
 *   y[b, h*bs + i, w*bs + j, c] = x[b, h, w, (i*bs + j)*C_out + c]. */
#include <string.h>

#include "runtime/ops/ops.h"

kt_status kt_op_depth_to_space_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  const int32_t bs = n->attrs.block_size;
  if (x->rank != 4 || x->dtype != kt_dtype_f32) return kt_status_unsupported;
  if (bs < 1 || bs > 64 || x->dims[3] % (bs * bs) != 0) return kt_status_model_format;
  int32_t dims[4] = {x->dims[0], x->dims[1] * bs, x->dims[2] * bs, x->dims[3] / (bs * bs)};
  return kt_tensor_set_shape(kt_out(g, n, 0), kt_dtype_f32, 4, dims);
}

kt_status kt_op_depth_to_space_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* xt = kt_in(g, n, 0);
  const kt_tensor* yt = kt_out(g, n, 0);
  const float* x = xt->data;
  float* y = yt->data;
  const int32_t bs = n->attrs.block_size;
  const int32_t N = xt->dims[0], H = xt->dims[1], W = xt->dims[2], C = yt->dims[3];
  for (int32_t b = 0; b < N; b++)
    for (int32_t h = 0; h < H; h++)
      for (int32_t w = 0; w < W; w++)
        for (int32_t i = 0; i < bs; i++)
          for (int32_t j = 0; j < bs; j++) {
            const float* src = x + (((size_t)b * H + h) * W + w) * C * bs * bs + ((size_t)i * bs + j) * C;
            float* dst = y + (((size_t)b * H * bs + h * bs + i) * W * bs + (size_t)w * bs + j) * C;
            memcpy(dst, src, (size_t)C * sizeof(float));
          }
  return kt_status_ok;
}
