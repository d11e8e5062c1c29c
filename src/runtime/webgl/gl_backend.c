/* gl_backend.c — the WebGL2 backend (backend.h): each phase-1 node is one
 * render pass into an RGBA32F texture. At load: the shared context, one
 * program per op family and variant, weights packed and uploaded once, and
 * a plan that gives every intermediate tensor a texture reused once its
 * last reader ran (as the arena plan does for C). Each run uploads the
 * tensors C wrote (the model input), draws the passes in order and reads
 * back only the tensors C reads after (the model outputs): one
 * glReadPixels each. A run from a frame texture (invoke_texture) samples
 * the model input on the GPU instead of uploading it. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "runtime/backend.h"
#include "runtime/webgl/gl_backend.h"
#include "runtime/webgl/gl_frame.h"
#include "runtime/webgl/gl_ops.h"

/* Bound used before a context exists (WebGL2 guarantees 2048 rows). */
#define KT_GL_MAX_TEXELS ((size_t)KT_GL_TEX_WIDTH * 2048)

typedef struct slot { /* the storage of one tensor and of the views of it */
  size_t texels;
  int first, last; /* passes that write and last read it */
  bool permanent;  /* an upload, a constant or a read-back: never reused */
  bool released;   /* its texture went back to the pool (it keeps the index for runs) */
  int texture;
} slot;

typedef struct texture {
  GLuint tex, fbo;
  int rows;
  bool busy;
} texture;

typedef struct gl_state {
  kt_gl_pass* passes;
  int num_passes;
  int* slot_of; /* per graph tensor; -1 when none */
  slot* slots;
  int num_slots;
  texture* textures;
  int num_textures;
  int* uploads; /* tensors C writes and a pass reads, uploaded each run */
  int num_uploads;
  int* readbacks; /* tensors a pass writes and C reads */
  int num_readbacks;
  float* staging; /* one tensor's texels, for uploads and read-backs */
  size_t staging_floats;
  bool acquired;
  kt_graph* graph; /* invoke() gets only the state; the graph stays put (kt_model owns it) */
} gl_state;

static bool gl_supports(const kt_graph* g, const kt_node* n) {
  switch (n->op) {
    case kt_op_conv2d: case kt_op_depthwise_conv2d: case kt_op_add: case kt_op_sub: case kt_op_mul:
    case kt_op_div: case kt_op_squared_difference: case kt_op_maximum: case kt_op_minimum: case kt_op_sqrt:
    case kt_op_sigmoid: case kt_op_relu: case kt_op_relu6: case kt_op_reshape: case kt_op_resize_bilinear:
    case kt_op_pad: case kt_op_max_pool2d: case kt_op_depth_to_space: break;
    case kt_op_concat:
      if (n->num_inputs - 1 > KT_GL_MAX_INPUTS) return false;
      break;
    default: return false;
  }
  if (n->num_outputs != 1) return false;
  int32_t d[4];
  for (int k = 0; k < n->num_inputs; k++) {
    const kt_tensor* t = &g->tensors[n->inputs[k]];
    if (kt_is_shape_operand(n, k)) continue;
    if (t->dtype != kt_dtype_f32 || !kt_gl_dims4(t, d) || kt_gl_texels(d) > KT_GL_MAX_TEXELS) return false;
  }
  const kt_tensor* y = &g->tensors[n->outputs[0]];
  return y->dtype == kt_dtype_f32 && y->count > 0 && kt_gl_dims4(y, d) && kt_gl_texels(d) <= KT_GL_MAX_TEXELS;
}

static void gl_destroy(void* state) {
  gl_state* b = state;
  if (!b) return;
  if (b->acquired && kt_gl_make_current() == kt_status_ok) {
    for (int i = 0; i < b->num_passes; i++) kt_gl_pass_release(&b->passes[i]);
    for (int i = 0; i < b->num_textures; i++) {
      glDeleteFramebuffers(1, &b->textures[i].fbo);
      glDeleteTextures(1, &b->textures[i].tex);
    }
  }
  if (b->acquired) kt_gl_release();
  free(b->passes);
  free(b->slot_of);
  free(b->slots);
  free(b->textures);
  free(b->uploads);
  free(b->readbacks);
  free(b->staging);
  free(b);
}

static int new_slot(gl_state* b, const kt_tensor* t, int first, bool permanent) {
  int32_t d[4];
  kt_gl_dims4(t, d);
  b->slots[b->num_slots] = (slot){kt_gl_texels(d), first, first, permanent, false, -1};
  size_t floats = (size_t)kt_gl_rows(kt_gl_texels(d)) * KT_GL_TEX_WIDTH * 4;
  if (permanent && floats > b->staging_floats) b->staging_floats = floats;
  return b->num_slots++;
}

/* A texture for slot `s`: the smallest free one tall enough, else a new
 * one with its framebuffer. */
static kt_status take_texture(gl_state* b, int s) {
  const int rows = kt_gl_rows(b->slots[s].texels);
  int best = -1;
  for (int i = 0; i < b->num_textures; i++)
    if (!b->textures[i].busy && b->textures[i].rows >= rows && (best < 0 || b->textures[i].rows < b->textures[best].rows))
      best = i;
  if (best < 0) {
    texture* t = &b->textures[b->num_textures];
    memset(t, 0, sizeof(*t));
    kt_status st = kt_gl_texture_create(rows, NULL, &t->tex);
    if (st != kt_status_ok) return st;
    t->rows = rows;
    glGenFramebuffers(1, &t->fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->tex, 0);
    GLenum fb = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    best = b->num_textures++;
    if (fb != GL_FRAMEBUFFER_COMPLETE)
      return kt_fail(kt_status_unsupported, "webgl: an RGBA32F render target is incomplete (0x%x): no float rendering", fb);
  }
  b->textures[best].busy = true;
  b->slots[s].texture = best;
  return kt_status_ok;
}

/* The slot of tensor `t` that pass `p` reads: made on first sight for
 * what C wrote (uploaded each run) and for constants (uploaded once). */
static int input_slot(kt_graph* g, gl_state* b, int t, int p) {
  if (b->slot_of[t] < 0) {
    b->slot_of[t] = new_slot(b, &g->tensors[t], -1, true);
    if (!g->tensors[t].is_const) b->uploads[b->num_uploads++] = t;
  }
  slot* sl = &b->slots[b->slot_of[t]];
  if (sl->last < p) sl->last = p;
  return b->slot_of[t];
}

/* Passes and slots in execution order. A reshape that keeps the layout is
 * no pass: its output shares its input's slot, and its readers extend that
 * slot's life. */
static kt_status plan_passes(kt_graph* g, gl_state* b) {
  for (int o = 0; o < g->num_order; o++) {
    const kt_node* n = &g->nodes[g->order[o]];
    if (n->phase != 1) continue;
    if (n->op == kt_op_reshape && kt_gl_reshape_is_view(g, n)) {
      b->slot_of[n->outputs[0]] = input_slot(g, b, n->inputs[0], b->num_passes - 1);
      continue;
    }
    kt_gl_pass* pass = &b->passes[b->num_passes];
    kt_status s = kt_gl_pass_build(g, n, pass);
    if (s != kt_status_ok) return s;
    for (int i = 0; i < pass->num_inputs; i++) input_slot(g, b, pass->inputs[i], b->num_passes);
    b->slot_of[pass->output] = new_slot(b, &g->tensors[pass->output], b->num_passes, false);
    b->num_passes++;
  }
  return kt_status_ok;
}

/* Walks the passes: a pass's output takes a texture before its inputs
 * free theirs, so no pass reads the texture it writes. */
static kt_status plan_textures(gl_state* b) {
  for (int s = 0; s < b->num_slots; s++)
    if (b->slots[s].permanent) {
      kt_status st = take_texture(b, s);
      if (st != kt_status_ok) return st;
    }
  for (int p = 0; p < b->num_passes; p++) {
    const kt_gl_pass* pass = &b->passes[p];
    kt_status st = take_texture(b, b->slot_of[pass->output]);
    if (st != kt_status_ok) return st;
    for (int s = 0; s < b->num_slots; s++)
      if (!b->slots[s].permanent && !b->slots[s].released && b->slots[s].texture >= 0 && b->slots[s].last <= p) {
        b->textures[b->slots[s].texture].busy = false;
        b->slots[s].released = true;
      }
  }
  return kt_status_ok;
}

static kt_status upload(gl_state* b, const kt_tensor* t, int s) {
  int32_t d[4];
  kt_gl_dims4(t, d);
  kt_gl_pack(d, t->data, b->staging);
  glBindTexture(GL_TEXTURE_2D, b->textures[b->slots[s].texture].tex);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, KT_GL_TEX_WIDTH, kt_gl_rows(b->slots[s].texels), GL_RGBA, GL_FLOAT,
                  b->staging);
  return kt_status_ok;
}

static void draw(const gl_state* b, const kt_gl_pass* pass, bool warm_only);

static kt_status build(kt_graph* g, gl_state* b) {
  const int nt = g->num_tensors;
  b->passes = calloc((size_t)g->num_order + 1, sizeof(*b->passes));
  b->slot_of = malloc(((size_t)nt + 1) * sizeof(int));
  b->slots = calloc((size_t)nt + 1, sizeof(*b->slots));
  b->textures = calloc((size_t)nt + 1, sizeof(*b->textures));
  b->uploads = malloc(((size_t)nt + 1) * sizeof(int));
  b->readbacks = malloc(((size_t)nt + 1) * sizeof(int));
  if (!b->passes || !b->slot_of || !b->slots || !b->textures || !b->uploads || !b->readbacks)
    return kt_status_out_of_memory;
  for (int i = 0; i < nt; i++) b->slot_of[i] = -1;
  kt_status s = plan_passes(g, b);
  /* What C reads after the backend comes back each run. */
  for (int i = 0; s == kt_status_ok && i < nt; i++) {
    const kt_tensor* t = &g->tensors[i];
    if (b->slot_of[i] < 0 || !t->needs_buffer || t->producer < 0 || g->nodes[t->producer].phase != 1) continue;
    slot* sl = &b->slots[b->slot_of[i]];
    sl->permanent = true;
    size_t floats = (size_t)kt_gl_rows(sl->texels) * KT_GL_TEX_WIDTH * 4;
    if (floats > b->staging_floats) b->staging_floats = floats;
    b->readbacks[b->num_readbacks++] = i;
  }
  if (s == kt_status_ok) s = plan_textures(b);
  if (s != kt_status_ok) return s;
  b->staging = calloc(b->staging_floats + 4, sizeof(float));
  if (!b->staging) return kt_status_out_of_memory;
  for (int i = 0; i < nt; i++) /* constants read as tensors (an Add's operand) */
    if (g->tensors[i].is_const && b->slot_of[i] >= 0) {
      s = upload(b, &g->tensors[i], b->slot_of[i]);
      if (s != kt_status_ok) return s;
    }
  for (int p = 0; p < b->num_passes; p++) { /* each program's first draw, here */
    bool seen = false;
    for (int q = 0; q < p && !seen; q++) seen = b->passes[q].program == b->passes[p].program;
    if (!seen) draw(b, &b->passes[p], true);
  }
  /* A model whose one upload is an image ([1, H, W, 3]) may take frames
   * as textures: its warp program too, at load. */
  int32_t d[4];
  if (b->num_uploads == 1 && kt_gl_dims4(&g->tensors[b->uploads[0]], d) && d[0] == 1 && d[3] == 3) {
    s = kt_gl_frame_warm(b->textures[b->slots[b->slot_of[b->uploads[0]]].texture].fbo);
    if (s != kt_status_ok) return s;
  }
  return kt_gl_check("backend setup");
}

static kt_status gl_create(kt_graph* g, void** state_out) {
  gl_state* b = calloc(1, sizeof(*b));
  if (!b) return kt_status_out_of_memory;
  b->acquired = true;
  b->graph = g;
  kt_status s = kt_gl_acquire();
  if (s != kt_status_ok) b->acquired = false;
  if (s == kt_status_ok) s = build(g, b);
  if (s != kt_status_ok) {
    gl_destroy(b);
    return s;
  }
  *state_out = b;
  return kt_status_ok;
}

/* One pass; `warm_only`: one fragment, to make the driver finish the
 * program at load (browsers compile on first draw: 16-57 ms a program on
 * SwiftShader) instead of during the first frame. */
static void draw(const gl_state* b, const kt_gl_pass* pass, bool warm_only) {
  const texture* out = &b->textures[b->slots[b->slot_of[pass->output]].texture];
  const kt_gl_program* pr = pass->program;
  glBindFramebuffer(GL_FRAMEBUFFER, out->fbo);
  if (warm_only)
    glViewport(0, 0, 1, 1);
  else
    glViewport(0, 0, KT_GL_TEX_WIDTH, kt_gl_rows(kt_gl_texels(pass->dims_out)));
  glUseProgram(pr->program);
  /* Every unit is rebound, unused ones to nothing: a texture left on a
   * unit from an earlier pass may be this pass's target, and a target on a
   * sampler the program declares is a feedback loop (INVALID_OPERATION). */
  for (int u = 0; u <= KT_GL_UNIT_BIAS; u++) {
    GLuint tex = 0;
    if (u < pass->num_inputs) tex = b->textures[b->slots[b->slot_of[pass->inputs[u]]].texture].tex;
    if (u == KT_GL_UNIT_WEIGHTS) tex = pass->weights;
    if (u == KT_GL_UNIT_BIAS) tex = pass->bias;
    glActiveTexture(GL_TEXTURE0 + (GLenum)u);
    glBindTexture(GL_TEXTURE_2D, tex);
  }
  for (int i = 0; i < pass->num_inputs; i++) glUniform4iv(pr->dims_in[i], 1, pass->dims_in[i]);
  glUniform4iv(pr->dims_out, 1, pass->dims_out);
  for (int i = 0; i < 3; i++) glUniform4iv(pr->params[i], 1, pass->params[i]);
  glUniform4fv(pr->floats, 1, pass->floats);
  glDrawArrays(GL_TRIANGLES, 0, 3);
}

/* Uploads what C wrote (all but `skip`, a tensor already on the GPU),
 * draws the passes, reads back what C reads after. */
static kt_status run(gl_state* b, int skip) {
  kt_graph* g = b->graph;
  kt_status s = kt_status_ok;
  for (int i = 0; i < b->num_uploads && s == kt_status_ok; i++)
    if (b->uploads[i] != skip) s = upload(b, &g->tensors[b->uploads[i]], b->slot_of[b->uploads[i]]);
  for (int p = 0; p < b->num_passes; p++) draw(b, &b->passes[p], false);
  for (int i = 0; i < b->num_readbacks && s == kt_status_ok; i++) {
    const kt_tensor* t = &g->tensors[b->readbacks[i]];
    const slot* sl = &b->slots[b->slot_of[b->readbacks[i]]];
    glBindFramebuffer(GL_FRAMEBUFFER, b->textures[sl->texture].fbo);
    glReadPixels(0, 0, KT_GL_TEX_WIDTH, kt_gl_rows(sl->texels), GL_RGBA, GL_FLOAT, b->staging);
    s = kt_gl_check("reading the outputs back");
    int32_t d[4];
    kt_gl_dims4(t, d);
    if (s == kt_status_ok) kt_gl_unpack(d, b->staging, t->data);
  }
  if (s == kt_status_ok) s = kt_gl_check("running the passes");
  return s;
}

static kt_status gl_invoke(void* state) {
  gl_state* b = state;
  if (!b || !b->graph) return kt_status_invalid_state;
  kt_status s = kt_gl_make_current();
  return s == kt_status_ok ? run(b, -1) : s;
}

/* The model input sampled from the frame texture into the texture it
 * would be uploaded to, then the run without that upload. */
static kt_status gl_invoke_texture(void* state, int tensor, uint32_t texture, int32_t width, int32_t height,
                                   const kt_warp* warp) {
  gl_state* b = state;
  if (!b || !b->graph) return kt_status_invalid_state;
  bool uploaded = false;
  for (int i = 0; i < b->num_uploads; i++) uploaded = uploaded || b->uploads[i] == tensor;
  if (!uploaded) return kt_fail(kt_status_invalid_argument, "webgl: the model's input is not a tensor the backend reads");
  kt_status s = kt_gl_make_current();
  if (s == kt_status_ok)
    s = kt_gl_frame_warp(texture, width, height, warp, b->textures[b->slots[b->slot_of[tensor]].texture].fbo);
  return s == kt_status_ok ? run(b, tensor) : s;
}

/* No threads: the GPU runs the passes, the calling thread issues them. */
const kt_backend_impl kt_webgl_backend = {"webgl", gl_supports, gl_create, gl_invoke, gl_destroy, NULL, NULL,
                                          gl_invoke_texture};

kt_status kt_gl_plan_stats_of(const kt_graph* graph, kt_gl_plan_stats* stats_out) {
  if (!graph || !stats_out || graph->impl != &kt_webgl_backend || !graph->impl_state) return kt_status_invalid_argument;
  const gl_state* b = graph->impl_state;
  *stats_out = (kt_gl_plan_stats){b->num_passes, b->num_slots, b->num_textures, b->num_uploads, b->num_readbacks};
  return kt_status_ok;
}
