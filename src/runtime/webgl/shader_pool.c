/* shader_pool.c — max pooling (SAME/VALID; padded positions never win),
 * with a fused clamp. u_p0 = (FH, FW, stride_h, stride_w), u_p1.zw =
 * (pad_top, pad_left), u_f.xy = clamp. */
#include "runtime/ops/ops.h"
#include "runtime/webgl/gl_ops.h"

static const char kMaxPool[] =
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  vec4 m = vec4(-3.4028235e38);\n"
    "  for (int ky = 0; ky < u_p0.x; ky++) {\n"
    "    int iy = h * u_p0.z - u_p1.z + ky;\n"
    "    if (iy < 0 || iy >= u_d0.y) continue;\n"
    "    for (int kx = 0; kx < u_p0.y; kx++) {\n"
    "      int ix = w * u_p0.w - u_p1.w + kx;\n"
    "      if (ix < 0 || ix >= u_d0.z) continue;\n"
    "      m = max(m, texel(u_x0, tindex(u_d0, n, iy, ix, s)));\n"
    "    }\n"
    "  }\n"
    "  return clamp(m, u_f.x, u_f.y);\n"
    "}\n";

kt_status kt_gl_build_max_pool(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  const kt_tensor* x = kt_in(g, n, 0);
  const kt_node_attrs* a = &n->attrs;
  int32_t tmp, pad_t, pad_l, after;
  kt_conv_output_size(x->dims[1], a->filter_h, a->stride_h, 1, a->padding_same, &tmp, &pad_t, &after);
  kt_conv_output_size(x->dims[2], a->filter_w, a->stride_w, 1, a->padding_same, &tmp, &pad_l, &after);
  pass->num_inputs = 1;
  pass->inputs[0] = n->inputs[0];
  const int32_t p0[4] = {a->filter_h, a->filter_w, a->stride_h, a->stride_w};
  for (int j = 0; j < 4; j++) pass->params[0][j] = p0[j];
  pass->params[1][2] = pad_t;
  pass->params[1][3] = pad_l;
  return kt_gl_program_get(kMaxPool, &pass->program);
}
