/* ResizeBilinear (NHWC, f32) with TensorFlow's coordinate conventions:
 * half_pixel_centers, align_corners, or the legacy mapping. */
#include <math.h>

#include "runtime/ops/ops.h"

kt_status kt_op_resize_bilinear_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  int32_t size[2];
  int cnt = 0;
  if (n->num_inputs != 2 || x->rank != 4 || x->dtype != kt_dtype_f32) return kt_status_unsupported;
  if (x->dims[1] < 1 || x->dims[2] < 1) return kt_status_model_format; /* no pixels to sample */
  kt_status s = kt_const_ints(kt_in(g, n, 1), size, 2, &cnt);
  if (s != kt_status_ok) return s;
  if (cnt != 2 || size[0] < 1 || size[1] < 1) return kt_status_model_format;
  if (n->attrs.half_pixel_centers && n->attrs.align_corners) return kt_status_unsupported;
  int32_t dims[4] = {x->dims[0], size[0], size[1], x->dims[3]};
  return kt_tensor_set_shape(kt_out(g, n, 0), kt_dtype_f32, 4, dims);
}

typedef struct { int32_t lo, hi; float lerp; } axis_weight;

static axis_weight weight(int32_t out_i, int32_t in_size, int32_t out_size, const kt_node_attrs* a) {
  float scale = (a->align_corners && out_size > 1) ? (float)(in_size - 1) / (float)(out_size - 1)
                                                   : (float)in_size / (float)out_size;
  float src = a->half_pixel_centers ? ((float)out_i + 0.5f) * scale - 0.5f : (float)out_i * scale;
  float fl = floorf(src);
  axis_weight w;
  w.lo = fl < 0.0f ? 0 : (int32_t)fl;
  if (w.lo > in_size - 1) w.lo = in_size - 1;
  int32_t ce = (int32_t)ceilf(src);
  w.hi = ce > in_size - 1 ? in_size - 1 : (ce < 0 ? 0 : ce);
  w.lerp = src - fl;
  return w;
}

kt_status kt_op_resize_bilinear_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* xt = kt_in(g, n, 0);
  const kt_tensor* yt = kt_out(g, n, 0);
  const float* x = xt->data;
  float* y = yt->data;
  const int32_t N = xt->dims[0], H = xt->dims[1], W = xt->dims[2], C = xt->dims[3];
  const int32_t OH = yt->dims[1], OW = yt->dims[2];
  for (int32_t b = 0; b < N; b++)
    for (int32_t oy = 0; oy < OH; oy++) {
      axis_weight wy = weight(oy, H, OH, &n->attrs);
      for (int32_t ox = 0; ox < OW; ox++) {
        axis_weight wx = weight(ox, W, OW, &n->attrs);
        const float* tl = x + (((size_t)b * H + wy.lo) * W + wx.lo) * C;
        const float* tr = x + (((size_t)b * H + wy.lo) * W + wx.hi) * C;
        const float* bl = x + (((size_t)b * H + wy.hi) * W + wx.lo) * C;
        const float* br = x + (((size_t)b * H + wy.hi) * W + wx.hi) * C;
        float* out = y + (((size_t)b * OH + oy) * OW + ox) * C;
        for (int32_t c = 0; c < C; c++) {
          float top = tl[c] + (tr[c] - tl[c]) * wx.lerp;
          float bot = bl[c] + (br[c] - bl[c]) * wx.lerp;
          out[c] = top + (bot - top) * wy.lerp;
        }
      }
    }
  return kt_status_ok;
}
