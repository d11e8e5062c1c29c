/* graph_texture.c — a run whose input comes from a GPU texture
 * (model_internal.h: kt_model_run_texture). The backend samples the frame
 * straight into the tensor it would otherwise upload, so C neither writes
 * the model input nor runs what only carries it to the backend (MoveNet's
 * int32 -> float Cast: the warp writes whole numbers, which the Cast would
 * keep as they are). */

#include "core/error.h"
#include "runtime/backend.h"
#include "runtime/model_internal.h"

/* Ops that carry the input's values to the backend unchanged (a cast of
 * whole numbers, a change of shape: MoveNet unstacks its batch of one and
 * stacks it again): the warp writes what they would have produced. */
static bool carries_values(const kt_node* n) {
  switch (n->op) {
    case kt_op_cast: case kt_op_identity: case kt_op_reshape: case kt_op_expand_dims: case kt_op_squeeze: return true;
    case kt_op_unpack: return n->num_outputs == 1;
    default: return false;
  }
}

#define KT_MAX_CHAIN 8

/* The input's chain: the model input, then the outputs of the phase-0
 * nodes that only carry it. */
typedef struct chain {
  int tensors[KT_MAX_CHAIN];
  int count;
} chain;

static bool in_chain(const chain* c, int t) {
  for (int i = 0; i < c->count; i++)
    if (c->tensors[i] == t) return true;
  return false;
}

/* Whether phase-0 node `n` reads the input's values (then it must carry
 * them, and it is skipped: the warp wrote its output). Nodes that do not
 * (shape arithmetic of constants folded late, say) run in C as always. */
static kt_status walk(const kt_node* n, chain* c, bool* carried) {
  *carried = false;
  bool reads = false;
  for (int i = 0; i < n->num_inputs; i++) reads = reads || in_chain(c, n->inputs[i]);
  if (!reads) return kt_status_ok;
  if (!carries_values(n) || !in_chain(c, n->inputs[0]) || n->num_outputs != 1 || c->count == KT_MAX_CHAIN)
    return kt_fail(kt_status_unsupported, "the model runs %s (%s) on its input in C before its backend: the input "
                   "cannot come from a texture", kt_op_get_info(n->op)->name, n->name ? n->name : "?");
  c->tensors[c->count++] = n->outputs[0];
  *carried = true;
  return kt_status_ok;
}

kt_status kt_model_run_texture(kt_model* model, uint32_t texture, int32_t width, int32_t height, const kt_warp* warp) {
  if (!model || !warp || width < 1 || height < 1) return kt_fail(kt_status_invalid_argument, "NULL model or warp, or an empty frame");
  kt_graph* g = &model->graph;
  if (!g->impl || !g->impl->invoke_texture)
    return kt_fail(kt_status_unsupported, "the %s backend cannot read a frame from a GPU texture (the webgl backend can)",
                   g->impl ? g->impl->name : "reference");
  if (g->num_inputs != 1) return kt_fail(kt_status_unsupported, "a texture feeds models of one input");
  chain c = {{g->inputs[0]}, 1};
  bool carried;
  for (int o = 0; o < g->num_order; o++) { /* checked before anything runs */
    const kt_node* n = &g->nodes[g->order[o]];
    kt_status s = n->phase == 0 ? walk(n, &c, &carried) : kt_status_ok;
    if (s != kt_status_ok) return s;
  }
  const int t = c.tensors[c.count - 1];
  const kt_tensor* x = &g->tensors[t];
  if (x->dtype != kt_dtype_f32 || x->rank != 4 || x->dims[0] != 1 || x->dims[1] != warp->out_h ||
      x->dims[2] != warp->out_w || x->dims[3] != 3)
    return kt_fail(kt_status_invalid_argument, "the warp's %dx%dx3 output is not the model's input", (int)warp->out_h,
                   (int)warp->out_w);
  bool invoked = false;
  c.count = 1;
  for (int o = 0; o < g->num_order; o++) {
    const kt_node* n = &g->nodes[g->order[o]];
    kt_status s = kt_status_ok;
    if (n->phase == 0) {
      s = walk(n, &c, &carried);
      if (s == kt_status_ok && !carried) s = kt_op_get_info(n->op)->run(g, n);
    } else if (n->phase == 1) {
      if (invoked) continue;
      s = g->impl->invoke_texture(g->impl_state, t, texture, width, height, warp);
      invoked = true;
    } else {
      s = kt_op_get_info(n->op)->run(g, n);
    }
    if (s != kt_status_ok) return s;
  }
  return invoked ? kt_status_ok : kt_fail(kt_status_unsupported, "no node of the model runs on its backend");
}
