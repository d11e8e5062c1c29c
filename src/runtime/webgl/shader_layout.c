/* shader_layout.c — ops that move values without arithmetic: zero Pad,
 * Concatenation (any axis, up to 8 inputs), DepthToSpace (TF's DCR order)
 * and a Reshape that changes the channel count (one that keeps it is a
 * view: the same texture, no pass). Where whole texels line up they are
 * copied as texels; otherwise each of the 4 lanes is gathered on its own. */
#include <stdio.h>

#include "core/error.h"
#include "runtime/webgl/gl_ops.h"

/* u_p0 = padding before, per [N, H, W, C] dim. */
static const char kPad[] =
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  ivec3 q = ivec3(n, h, w) - u_p0.xyz;\n"
    "  if (any(lessThan(q, ivec3(0))) || any(greaterThanEqual(q, u_d0.xyz))) return vec4(0.0);\n"
    "  if (u_p0.w == 0) return s < slices(u_d0.w) ? texel(u_x0, tindex(u_d0, q.x, q.y, q.z, s)) : vec4(0.0);\n"
    "  vec4 v;\n"
    "  for (int k = 0; k < 4; k++) {\n"
    "    int c = s * 4 + k - u_p0.w;\n"
    "    v[k] = c >= 0 && c < u_d0.w ? elem(u_x0, u_d0, q.x, q.y, q.z, c) : 0.0;\n"
    "  }\n"
    "  return v;\n"
    "}\n";

/* u_p0.x = block size. */
static const char kDepthToSpace[] =
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  int b = u_p0.x;\n"
    "  int base = ((h % b) * b + w % b) * u_dy.w;\n"
    "  if (u_dy.w % 4 == 0) return texel(u_x0, tindex(u_d0, n, h / b, w / b, base / 4 + s));\n"
    "  vec4 v;\n"
    "  for (int k = 0; k < 4; k++) v[k] = elem(u_x0, u_d0, n, h / b, w / b, base + min(s * 4 + k, u_dy.w - 1));\n"
    "  return v;\n"
    "}\n";

/* Element e of the output (row-major) is element e of the input. */
static const char kReshape[] =
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  int e0 = ((n * u_dy.y + h) * u_dy.z + w) * u_dy.w + s * 4;\n"
    "  int last = u_dy.x * u_dy.y * u_dy.z * u_dy.w - 1;\n"
    "  vec4 v;\n"
    "  for (int k = 0; k < 4; k++) {\n"
    "    int e = min(e0 + k, last);\n"
    "    int c = e % u_d0.w, p = e / u_d0.w;\n"
    "    int x = p % u_d0.z;\n"
    "    p /= u_d0.z;\n"
    "    v[k] = elem(u_x0, u_d0, p / u_d0.y, p % u_d0.y, x, c);\n"
    "  }\n"
    "  return v;\n"
    "}\n";

kt_status kt_gl_build_pad(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  const kt_tensor* x = kt_in(g, n, 0);
  int32_t p[2 * KT_MAX_DIMS];
  int cnt = 0;
  kt_status s = kt_const_ints(kt_in(g, n, 1), p, 2 * KT_MAX_DIMS, &cnt);
  if (s != kt_status_ok) return s;
  if (cnt != 2 * x->rank || x->rank > 4) return kt_status_unsupported;
  for (int i = 0; i < x->rank; i++) pass->params[0][4 - x->rank + i] = p[2 * i];
  pass->num_inputs = 1;
  pass->inputs[0] = n->inputs[0];
  return kt_gl_program_get(kPad, &pass->program);
}

kt_status kt_gl_build_depth_to_space(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  (void)g;
  pass->num_inputs = 1;
  pass->inputs[0] = n->inputs[0];
  pass->params[0][0] = n->attrs.block_size;
  return kt_gl_program_get(kDepthToSpace, &pass->program);
}

bool kt_gl_reshape_is_view(const kt_graph* g, const kt_node* n) {
  int32_t a[4], b[4];
  return kt_gl_dims4(&g->tensors[n->inputs[0]], a) && kt_gl_dims4(&g->tensors[n->outputs[0]], b) && a[3] == b[3];
}

kt_status kt_gl_build_reshape(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  (void)g;
  pass->num_inputs = 1;
  pass->inputs[0] = n->inputs[0];
  return kt_gl_program_get(kReshape, &pass->program);
}

/* The concatenation shader for `count` inputs: sampler arrays take only
 * constant indices in GLSL ES 3.00, so the walk over inputs is written out.
 * u_p0.x = the axis in [N, H, W, C]. */
static void concat_source(int count, char* buf, size_t size) {
  int len = snprintf(buf, size,
                     "float pick(ivec4 q) {\n"
                     "  int a = u_p0.x;\n"
                     "  int pos = q[a];\n");
  for (int i = 0; i < count; i++)
    len += snprintf(buf + len, size - (size_t)len,
                    "  if (pos < u_d%d[a]) { q[a] = pos; return elem(u_x%d, u_d%d, q.x, q.y, q.z, q.w); }\n"
                    "  pos -= u_d%d[a];\n",
                    i, i, i, i);
  snprintf(buf + len, size - (size_t)len,
           "  return 0.0;\n"
           "}\n"
           "vec4 compute(int n, int h, int w, int s) {\n"
           "  vec4 v;\n"
           "  for (int k = 0; k < 4; k++) v[k] = s * 4 + k < u_dy.w ? pick(ivec4(n, h, w, s * 4 + k)) : 0.0;\n"
           "  return v;\n"
           "}\n");
}

kt_status kt_gl_build_concat(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  const int count = n->num_inputs - 1;
  const kt_tensor* x = kt_in(g, n, 0);
  int axis = 0;
  kt_status s = kt_const_axis(kt_in(g, n, count), x->rank, &axis);
  if (s != kt_status_ok) return s;
  if (count < 1 || count > KT_GL_MAX_INPUTS || x->rank > 4)
    return kt_fail(kt_status_unsupported, "webgl: concatenation of %d inputs of rank %d", count, x->rank);
  pass->num_inputs = count;
  for (int i = 0; i < count; i++) pass->inputs[i] = n->inputs[i];
  pass->params[0][0] = axis + 4 - x->rank;
  char source[2048];
  concat_source(count, source, sizeof(source));
  return kt_gl_program_get(source, &pass->program);
}
