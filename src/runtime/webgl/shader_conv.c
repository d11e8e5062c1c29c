/* shader_conv.c — convolutions: 1x1 as a matrix product, general KxK,
 * depthwise; bias and the clamp of a fused activation in the same pass.
 *
 * Uniforms: u_p0 = (KH, KW, stride_h, stride_w), u_p1 = (dilation_h,
 * dilation_w, pad_top, pad_left), u_p2 = (has_bias, depth_multiplier),
 * u_f.xy = clamp. Weights are packed once, at load, so the inner loop reads
 * whole texels:
 *   conv: texel ((os*KH + ky)*KW + kx)*IS*4 + ic holds filter[4os..4os+3][ky][kx][ic]
 *         (IS = input texels a position; ic runs over 4*IS, zero past C);
 *   depthwise: texel (ky*KW + kx)*OS + os holds filter[0][ky][kx][4os..4os+3]. */
#include <stdlib.h>

#include "runtime/ops/ops.h"
#include "runtime/webgl/gl_ops.h"

static const char kConv1x1[] =
    "// conv 1x1\n"
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  vec4 acc = u_p2.x != 0 ? texel(u_b, s) : vec4(0.0);\n"
    "  int IS = slices(u_d0.w);\n"
    "  int xi = tindex(u_d0, n, h * u_p0.z, w * u_p0.w, 0);\n"
    "  int wi = s * IS * 4;\n"
    "  for (int c = 0; c < IS; c++, wi += 4) {\n"
    "    acc += dot4(texel(u_x0, xi + c), u_w, wi);\n"
    "  }\n"
    "  return clamp(acc, u_f.x, u_f.y);\n"
    "}\n";

static const char kConv[] =
    "// conv KxK\n"
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  vec4 acc = u_p2.x != 0 ? texel(u_b, s) : vec4(0.0);\n"
    "  int IS = slices(u_d0.w);\n"
    "  for (int ky = 0; ky < u_p0.x; ky++) {\n"
    "    int iy = h * u_p0.z - u_p1.z + ky * u_p1.x;\n"
    "    if (iy < 0 || iy >= u_d0.y) continue;\n"
    "    for (int kx = 0; kx < u_p0.y; kx++) {\n"
    "      int ix = w * u_p0.w - u_p1.w + kx * u_p1.y;\n"
    "      if (ix < 0 || ix >= u_d0.z) continue;\n"
    "      int xi = tindex(u_d0, n, iy, ix, 0);\n"
    "      int wi = ((s * u_p0.x + ky) * u_p0.y + kx) * IS * 4;\n"
    "      for (int c = 0; c < IS; c++, wi += 4) {\n"
    "        acc += dot4(texel(u_x0, xi + c), u_w, wi);\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "  return clamp(acc, u_f.x, u_f.y);\n"
    "}\n";

/* The input texel index and the weight index advance by constants per
 * tap (no per-tap index products); taps outside the input are skipped.
 * Two programs, so the common multiplier-1 one carries no gather: CPU
 * implementations run both sides of a branch under lane masks, a uniform
 * branch included. */
#define DEPTHWISE_BODY                                                                              \
  "vec4 compute(int n, int h, int w, int s) {\n"                                                    \
  "  vec4 acc = u_p2.x != 0 ? texel(u_b, s) : vec4(0.0);\n"                                         \
  "  int OS = slices(u_dy.w), IS = slices(u_d0.w);\n"                                               \
  "  int y0 = h * u_p0.z - u_p1.z, x0 = w * u_p0.w - u_p1.w;\n"                                     \
  "  int dy = u_p1.x * u_d0.z * IS, dx = u_p1.y * IS;\n" /* texels between taps */                  \
  "  int xrow = tindex(u_d0, n, y0, x0, s);\n"           /* tap (0, 0), maybe outside the input */  \
  "  int wi = s;\n"                                                                                 \
  "  for (int ky = 0, iy = y0; ky < u_p0.x; ky++, iy += u_p1.x, xrow += dy) {\n"                    \
  "    if (iy < 0 || iy >= u_d0.y) { wi += u_p0.y * OS; continue; }\n"                             \
  "    for (int kx = 0, ix = x0, xi = xrow; kx < u_p0.y; kx++, ix += u_p1.y, xi += dx, wi += OS) {\n" \
  "      if (ix < 0 || ix >= u_d0.z) continue;\n"                                                   \
  "      acc += INPUT4(xi, n, iy, ix, s) * texel(u_w, wi);\n"                                       \
  "    }\n"                                                                                         \
  "  }\n"                                                                                           \
  "  return clamp(acc, u_f.x, u_f.y);\n"                                                            \
  "}\n"

static const char kDepthwise[] =
    "// depthwise\n"
    "#define INPUT4(xi, n, iy, ix, s) texel(u_x0, xi)\n" DEPTHWISE_BODY;
static const char kDepthwiseMultiplier[] =
    "// depthwise, multiplier > 1\n"
    "vec4 INPUT4(int xi, int n, int iy, int ix, int s) {\n" /* output channel c reads input channel c / M */
    "  vec4 x;\n"
    "  for (int k = 0; k < 4; k++) x[k] = elem(u_x0, u_d0, n, iy, ix, min((s * 4 + k) / u_p2.y, u_d0.w - 1));\n"
    "  return x;\n"
    "}\n" DEPTHWISE_BODY;

static kt_status pack_weights(const kt_tensor* f, bool dw, int32_t C, float** out, size_t* texels_out) {
  const int32_t KH = f->dims[1], KW = f->dims[2];
  const int32_t OC = dw ? f->dims[3] : f->dims[0], OS = (OC + 3) / 4, IS = (C + 3) / 4;
  const size_t texels = dw ? (size_t)KH * KW * OS : (size_t)OS * KH * KW * IS * 4;
  float* t = calloc(texels * 4, sizeof(float));
  if (!t) return kt_status_out_of_memory;
  const float* w = f->data;
  for (int32_t oc = 0; oc < OC; oc++)
    for (int32_t ky = 0; ky < KH; ky++)
      for (int32_t kx = 0; kx < KW; kx++) {
        if (dw) {
          t[(((size_t)ky * KW + kx) * OS + oc / 4) * 4 + oc % 4] = w[((size_t)ky * KW + kx) * OC + oc];
          continue;
        }
        for (int32_t ic = 0; ic < C; ic++) {
          size_t texel = (((size_t)(oc / 4) * KH + ky) * KW + kx) * IS * 4 + (size_t)ic;
          t[texel * 4 + oc % 4] = w[(((size_t)oc * KH + ky) * KW + kx) * C + ic];
        }
      }
  *out = t;
  *texels_out = texels;
  return kt_status_ok;
}

kt_status kt_gl_build_conv(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  const kt_tensor* x = kt_in(g, n, 0);
  const kt_tensor* f = kt_in(g, n, 1);
  const kt_node_attrs* a = &n->attrs;
  const bool dw = n->op == kt_op_depthwise_conv2d;
  const int32_t KH = f->dims[1], KW = f->dims[2], OC = kt_out(g, n, 0)->dims[3];
  int32_t tmp, pad_t, pad_l, after;
  kt_conv_output_size(x->dims[1], KH, a->stride_h, a->dilation_h, a->padding_same, &tmp, &pad_t, &after);
  kt_conv_output_size(x->dims[2], KW, a->stride_w, a->dilation_w, a->padding_same, &tmp, &pad_l, &after);
  const bool one_by_one = !dw && KH == 1 && KW == 1 && pad_t == 0 && pad_l == 0;
  const char* body = dw ? (OC == x->dims[3] ? kDepthwise : kDepthwiseMultiplier) : one_by_one ? kConv1x1 : kConv;
  kt_status s = kt_gl_program_get(body, &pass->program);
  if (s != kt_status_ok) return s;
  pass->num_inputs = 1;
  pass->inputs[0] = n->inputs[0];
  int32_t p[3][4] = {{KH, KW, a->stride_h, a->stride_w},
                     {a->dilation_h, a->dilation_w, pad_t, pad_l},
                     {n->num_inputs == 3, dw ? OC / x->dims[3] : 1, 0, 0}};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++) pass->params[i][j] = p[i][j];
  float* packed = NULL;
  size_t texels = 0;
  s = pack_weights(f, dw, x->dims[3], &packed, &texels);
  if (s == kt_status_ok) s = kt_gl_texture_from(packed, texels, &pass->weights);
  free(packed);
  if (s != kt_status_ok || n->num_inputs != 3) return s;
  const int32_t bias_dims[4] = {1, 1, 1, OC};
  float* bias = calloc(kt_gl_texels(bias_dims) * 4, sizeof(float));
  if (!bias) return kt_status_out_of_memory;
  kt_gl_pack(bias_dims, kt_in(g, n, 2)->data, bias);
  s = kt_gl_texture_from(bias, kt_gl_texels(bias_dims), &pass->bias);
  free(bias);
  return s;
}
