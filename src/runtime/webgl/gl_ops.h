/* gl_ops.h — one render pass per graph node, and the tensor texture
 * layout the passes share (internal to src/runtime/webgl/).
 *
 * Layout: a tensor of rank <= 4 is seen as [N, H, W, C] (leading 1s), and
 * stored as N*H*W*ceil(C/4) RGBA32F texels in that order, wrapping every
 * KT_GL_TEX_WIDTH texels; the channels past C of the last texel of each
 * position are zero. Each op family (shader_*.c) holds its shader source
 * and the builder that packs its weights and fills a pass. */
#ifndef KT_RUNTIME_WEBGL_GL_OPS_H
#define KT_RUNTIME_WEBGL_GL_OPS_H

#include "runtime/graph.h"
#include "runtime/webgl/gl_context.h"

typedef struct kt_gl_pass {
  const kt_gl_program* program;
  int num_inputs;
  int inputs[KT_GL_MAX_INPUTS]; /* graph tensors sampled as u_x0.. */
  int output;                   /* graph tensor written */
  int32_t dims_in[KT_GL_MAX_INPUTS][4], dims_out[4];
  GLuint weights, bias; /* owned textures, 0 when the op has none */
  int32_t params[3][4];
  float floats[4];
} kt_gl_pass;

/* [N, H, W, C] of a tensor of rank <= 4; false for higher ranks. */
bool kt_gl_dims4(const kt_tensor* t, int32_t d[4]);
/* Texels of a [N, H, W, C] tensor, and texture rows for that many texels. */
size_t kt_gl_texels(const int32_t d[4]);
static inline int kt_gl_rows(size_t texels) { return (int)((texels + KT_GL_TEX_WIDTH - 1) / KT_GL_TEX_WIDTH); }

/* Writes `data` ([N, H, W, C] floats) into `texels` in the layout above;
 * `texels` holds kt_gl_texels(d) * 4 floats and is zeroed here first. */
void kt_gl_pack(const int32_t d[4], const float* data, float* texels);
void kt_gl_unpack(const int32_t d[4], const float* texels, float* data);
/* An RGBA32F texture of `rows` full rows; `data` (rows * TEX_WIDTH * 4
 * floats) or NULL. */
kt_status kt_gl_texture_create(int rows, const float* data, GLuint* texture_out);
/* A texture holding `count_texels` texels of `texels` (padded here). */
kt_status kt_gl_texture_from(const float* texels, size_t count_texels, GLuint* texture_out);

/* Fills `pass` for node `n` (its program, inputs, uniforms, packed
 * weights). kt_status_unsupported for what the backend does not run. */
kt_status kt_gl_pass_build(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
void kt_gl_pass_release(kt_gl_pass* pass);

/* Per family (shader_*.c). */
kt_status kt_gl_build_conv(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
kt_status kt_gl_build_elementwise(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
kt_status kt_gl_build_max_pool(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
kt_status kt_gl_build_resize(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
kt_status kt_gl_build_pad(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
kt_status kt_gl_build_concat(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
kt_status kt_gl_build_depth_to_space(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
kt_status kt_gl_build_reshape(kt_graph* g, const kt_node* n, kt_gl_pass* pass);
/* Whether a reshape keeps the texel layout (same channel count), so its
 * output is its input's texture, with no pass. */
bool kt_gl_reshape_is_view(const kt_graph* g, const kt_node* n);

#endif
