/* shader_resize.c — bilinear resize with TensorFlow's coordinate
 * conventions (half_pixel_centers, align_corners, legacy), computed as the
 * reference kernel does: texelFetch of the 4 neighbours and the same lerp
 * order, no hardware filtering (so no OES_texture_float_linear).
 * u_f.xy = scale (y, x), computed in C as the reference does;
 * u_p0.x = half_pixel_centers. */
#include "runtime/webgl/gl_ops.h"

static const char kResize[] =
    "ivec3 axis_weight(int o, int size, float scale, out float lerp) {\n"
    "  float src = u_p0.x != 0 ? (float(o) + 0.5) * scale - 0.5 : float(o) * scale;\n"
    "  float fl = floor(src);\n"
    "  int lo = min(fl < 0.0 ? 0 : int(fl), size - 1);\n"
    "  int hi = clamp(int(ceil(src)), 0, size - 1);\n"
    "  lerp = src - fl;\n"
    "  return ivec3(lo, hi, 0);\n"
    "}\n"
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  float ly, lx;\n"
    "  ivec3 y = axis_weight(h, u_d0.y, u_f.x, ly);\n"
    "  ivec3 x = axis_weight(w, u_d0.z, u_f.y, lx);\n"
    "  vec4 tl = texel(u_x0, tindex(u_d0, n, y.x, x.x, s));\n"
    "  vec4 tr = texel(u_x0, tindex(u_d0, n, y.x, x.y, s));\n"
    "  vec4 bl = texel(u_x0, tindex(u_d0, n, y.y, x.x, s));\n"
    "  vec4 br = texel(u_x0, tindex(u_d0, n, y.y, x.y, s));\n"
    "  vec4 top = tl + (tr - tl) * lx;\n"
    "  vec4 bot = bl + (br - bl) * lx;\n"
    "  return top + (bot - top) * ly;\n"
    "}\n";

static float scale_of(int32_t in, int32_t out, bool align_corners) {
  return (align_corners && out > 1) ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
}

kt_status kt_gl_build_resize(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  const kt_tensor* x = kt_in(g, n, 0);
  const kt_tensor* y = kt_out(g, n, 0);
  pass->num_inputs = 1;
  pass->inputs[0] = n->inputs[0];
  pass->params[0][0] = n->attrs.half_pixel_centers;
  pass->floats[0] = scale_of(x->dims[1], y->dims[1], n->attrs.align_corners);
  pass->floats[1] = scale_of(x->dims[2], y->dims[2], n->attrs.align_corners);
  return kt_gl_program_get(kResize, &pass->program);
}
