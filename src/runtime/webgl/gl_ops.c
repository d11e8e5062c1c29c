/* gl_ops.c — the texture layout helpers and the per-node dispatch
 * (gl_ops.h). */
#include "runtime/webgl/gl_ops.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

bool kt_gl_dims4(const kt_tensor* t, int32_t d[4]) {
  if (t->rank > 4) return false;
  for (int i = 0; i < 4; i++) d[i] = 1;
  for (int i = 0; i < t->rank; i++) d[4 - t->rank + i] = t->dims[i];
  return true;
}

size_t kt_gl_texels(const int32_t d[4]) {
  return (size_t)d[0] * (size_t)d[1] * (size_t)d[2] * (size_t)((d[3] + 3) / 4);
}

void kt_gl_pack(const int32_t d[4], const float* data, float* texels) {
  const size_t positions = (size_t)d[0] * d[1] * d[2], C = (size_t)d[3], stride = (C + 3) / 4 * 4;
  memset(texels, 0, positions * stride * sizeof(float));
  for (size_t p = 0; p < positions; p++) memcpy(texels + p * stride, data + p * C, C * sizeof(float));
}

void kt_gl_unpack(const int32_t d[4], const float* texels, float* data) {
  const size_t positions = (size_t)d[0] * d[1] * d[2], C = (size_t)d[3], stride = (C + 3) / 4 * 4;
  for (size_t p = 0; p < positions; p++) memcpy(data + p * C, texels + p * stride, C * sizeof(float));
}

kt_status kt_gl_texture_create(int rows, const float* data, GLuint* texture_out) {
  if (rows < 1 || rows > kt_gl_max_texture_size())
    return kt_fail(kt_status_unsupported, "webgl: a tensor needs %d texture rows, this context allows %d", rows,
                   kt_gl_max_texture_size());
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexStorage2D(GL_TEXTURE_2D, 1, GL_RGBA32F, KT_GL_TEX_WIDTH, rows);
  /* texelFetch only: no filtering, so no OES_texture_float_linear. */
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  if (data) glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, KT_GL_TEX_WIDTH, rows, GL_RGBA, GL_FLOAT, data);
  kt_status s = kt_gl_check("texture upload");
  if (s != kt_status_ok) {
    glDeleteTextures(1, &tex);
    return s;
  }
  *texture_out = tex;
  return kt_status_ok;
}

kt_status kt_gl_texture_from(const float* texels, size_t count_texels, GLuint* texture_out) {
  const int rows = kt_gl_rows(count_texels);
  float* padded = calloc((size_t)rows * KT_GL_TEX_WIDTH * 4, sizeof(float));
  if (!padded) return kt_status_out_of_memory;
  memcpy(padded, texels, count_texels * 4 * sizeof(float));
  kt_status s = kt_gl_texture_create(rows, padded, texture_out);
  free(padded);
  return s;
}

kt_status kt_gl_pass_build(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  memset(pass, 0, sizeof(*pass));
  pass->output = n->outputs[0];
  if (!kt_gl_dims4(kt_out(g, n, 0), pass->dims_out)) return kt_status_unsupported;
  pass->floats[0] = -3.4028235e38f; /* no fused clamp: the float range */
  pass->floats[1] = 3.4028235e38f;
  if (n->attrs.act_min > pass->floats[0]) pass->floats[0] = n->attrs.act_min;
  if (n->attrs.act_max < pass->floats[1]) pass->floats[1] = n->attrs.act_max;
  kt_status s;
  switch (n->op) {
    case kt_op_conv2d:
    case kt_op_depthwise_conv2d: s = kt_gl_build_conv(g, n, pass); break;
    case kt_op_add: case kt_op_sub: case kt_op_mul: case kt_op_div: case kt_op_squared_difference:
    case kt_op_maximum: case kt_op_minimum: case kt_op_sigmoid: case kt_op_relu: case kt_op_relu6:
    case kt_op_sqrt: s = kt_gl_build_elementwise(g, n, pass); break;
    case kt_op_max_pool2d: s = kt_gl_build_max_pool(g, n, pass); break;
    case kt_op_resize_bilinear: s = kt_gl_build_resize(g, n, pass); break;
    case kt_op_pad: s = kt_gl_build_pad(g, n, pass); break;
    case kt_op_concat: s = kt_gl_build_concat(g, n, pass); break;
    case kt_op_depth_to_space: s = kt_gl_build_depth_to_space(g, n, pass); break;
    case kt_op_reshape: s = kt_gl_build_reshape(g, n, pass); break;
    default: s = kt_fail(kt_status_unsupported, "webgl: no shader for op %s", kt_op_get_info(n->op)->name);
  }
  for (int i = 0; s == kt_status_ok && i < pass->num_inputs; i++)
    if (!kt_gl_dims4(&g->tensors[pass->inputs[i]], pass->dims_in[i])) s = kt_status_unsupported;
  if (s != kt_status_ok) kt_gl_pass_release(pass);
  return s;
}

void kt_gl_pass_release(kt_gl_pass* pass) {
  if (pass->weights) glDeleteTextures(1, &pass->weights);
  if (pass->bias) glDeleteTextures(1, &pass->bias);
  pass->weights = pass->bias = 0;
}
