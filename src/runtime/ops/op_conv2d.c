/* Conv2D and DepthwiseConv2D, NHWC, the graph's filter layouts (OHWI and
 * [1, H, W, C*M]), SAME/VALID padding, stride, dilation, optional bias and
 * a fused clamp. This is the reference the XNNPACK lowering is tested against:
 * plain loops, no tricks. */
#include <math.h>

#include "runtime/ops/ops.h"

void kt_conv_output_size(int32_t in, int32_t kernel, int32_t stride,
                         int32_t dilation, bool same, int32_t* out_size,
                         int32_t* pad_before, int32_t* pad_after) {
  int32_t eff = (kernel - 1) * dilation + 1;
  int32_t out = same ? (in + stride - 1) / stride : (in - eff + stride) / stride;
  if (out < 0) out = 0;
  int32_t total = same ? (out - 1) * stride + eff - in : 0;
  if (total < 0) total = 0;
  *out_size = out;
  *pad_before = total / 2;
  *pad_after = total - total / 2;
}

kt_status kt_op_conv2d_infer(kt_graph* g, kt_node* n) {
  const kt_tensor* x = kt_in(g, n, 0);
  const kt_tensor* f = kt_in(g, n, 1);
  const kt_node_attrs* a = &n->attrs;
  if (n->num_inputs < 2 || n->num_inputs > 3) return kt_status_model_format;
  if (x->rank != 4 || f->rank != 4 || x->dtype != kt_dtype_f32 || !f->is_const) return kt_status_unsupported;
  if (a->stride_h < 1 || a->stride_w < 1 || a->dilation_h < 1 || a->dilation_w < 1) return kt_status_model_format;
  bool dw = n->op == kt_op_depthwise_conv2d;
  if (x->dims[3] < 1) return kt_status_model_format;
  if (dw ? (f->dims[0] != 1 || f->dims[3] % x->dims[3] != 0) : f->dims[3] != x->dims[3])
    return kt_status_model_format;
  int32_t cout = dw ? f->dims[3] : f->dims[0];
  if (n->num_inputs == 3) {
    const kt_tensor* b = kt_in(g, n, 2);
    if (!b->is_const || b->count != (size_t)cout) return kt_status_model_format;
  }
  int32_t oh, ow, p0, p1;
  kt_conv_output_size(x->dims[1], f->dims[1], a->stride_h, a->dilation_h, a->padding_same, &oh, &p0, &p1);
  kt_conv_output_size(x->dims[2], f->dims[2], a->stride_w, a->dilation_w, a->padding_same, &ow, &p0, &p1);
  int32_t dims[4] = {x->dims[0], oh, ow, cout};
  return kt_tensor_set_shape(kt_out(g, n, 0), kt_dtype_f32, 4, dims);
}

static float clampf(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

kt_status kt_op_conv2d_run(kt_graph* g, const kt_node* n) {
  const kt_tensor* xt = kt_in(g, n, 0);
  const kt_tensor* ft = kt_in(g, n, 1);
  const kt_tensor* yt = kt_out(g, n, 0);
  const float* x = xt->data;
  const float* f = ft->data;
  const float* bias = n->num_inputs == 3 ? kt_in(g, n, 2)->data : NULL;
  float* y = yt->data;
  const kt_node_attrs* a = &n->attrs;
  const bool dw = n->op == kt_op_depthwise_conv2d;
  const int32_t N = xt->dims[0], H = xt->dims[1], W = xt->dims[2], C = xt->dims[3];
  const int32_t KH = ft->dims[1], KW = ft->dims[2];
  const int32_t OH = yt->dims[1], OW = yt->dims[2], OC = yt->dims[3];
  const int32_t M = dw ? OC / C : 1;
  int32_t tmp, pad_t, pad_l, pad_after;
  kt_conv_output_size(H, KH, a->stride_h, a->dilation_h, a->padding_same, &tmp, &pad_t, &pad_after);
  kt_conv_output_size(W, KW, a->stride_w, a->dilation_w, a->padding_same, &tmp, &pad_l, &pad_after);
  for (int32_t b = 0; b < N; b++)
    for (int32_t oy = 0; oy < OH; oy++)
      for (int32_t ox = 0; ox < OW; ox++) {
        float* out = y + (((size_t)b * OH + oy) * OW + ox) * OC;
        for (int32_t oc = 0; oc < OC; oc++) out[oc] = bias ? bias[oc] : 0.0f;
        for (int32_t ky = 0; ky < KH; ky++) {
          int32_t iy = oy * a->stride_h - pad_t + ky * a->dilation_h;
          if (iy < 0 || iy >= H) continue;
          for (int32_t kx = 0; kx < KW; kx++) {
            int32_t ix = ox * a->stride_w - pad_l + kx * a->dilation_w;
            if (ix < 0 || ix >= W) continue;
            const float* in = x + (((size_t)b * H + iy) * W + ix) * C;
            if (dw) {
              const float* w = f + ((size_t)ky * KW + kx) * OC;
              for (int32_t c = 0; c < C; c++)
                for (int32_t m = 0; m < M; m++) out[c * M + m] += in[c] * w[c * M + m];
            } else {
              /* Filter row (oc, ky, kx, .): stride KH*KW*C between outputs. */
              const float* w = f + ((size_t)ky * KW + kx) * C;
              const size_t w_stride = (size_t)KH * KW * C;
              for (int32_t c = 0; c < C; c++) {
                const float v = in[c];
                for (int32_t oc = 0; oc < OC; oc++) out[oc] += v * w[oc * w_stride + c];
              }
            }
          }
        }
        for (int32_t oc = 0; oc < OC; oc++) out[oc] = clampf(out[oc], a->act_min, a->act_max);
      }
  return kt_status_ok;
}
