/* xnn_backend.c — the XNNPACK backend (backend.h): a graph's phase-1
 * nodes as one XNNPACK subgraph and runtime, built once at model load
 * (weights packed once, the runtime reshaped and set up once with the
 * arena's pointers); each run only invokes it. Value ids live here, not in
 * the graph. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

#include "runtime/backend.h"
#include "runtime/xnnpack/xnn_kernels.h"
#include "runtime/xnnpack/xnn_threadpool.h"

typedef struct xnn_state {
  xnn_subgraph_t subgraph;
  xnn_runtime_t runtime;
  uint32_t* ids; /* per graph tensor: XNNPACK value id, or XNN_INVALID_VALUE_ID */
  bool holds_pool; /* the runtime was handed the shared pool (kt_xnn_pool_acquire) */
} xnn_state;

static kt_status from_xnn(enum xnn_status s) {
  switch (s) {
    case xnn_status_success: return kt_status_ok;
    case xnn_status_out_of_memory: return kt_status_out_of_memory;
    case xnn_status_unsupported_parameter:
    case xnn_status_unsupported_hardware: return kt_status_unsupported;
    default: return kt_status_backend_error;
  }
}

static kt_status ensure_initialized(void) {
  static int done;
  if (!done) {
    kt_status s = from_xnn(xnn_initialize(NULL));
    if (s != kt_status_ok) return s;
    kt_xnn_select_kernels(); /* before any operator reads the configs */
    done = 1;
  }
  return kt_status_ok;
}

static bool xnn_supports(const kt_graph* g, const kt_node* n) {
  switch (n->op) {
    case kt_op_conv2d: case kt_op_depthwise_conv2d: case kt_op_add: case kt_op_sub: case kt_op_mul:
    case kt_op_div: case kt_op_squared_difference: case kt_op_maximum: case kt_op_minimum: case kt_op_sqrt:
    case kt_op_sigmoid: case kt_op_relu: case kt_op_relu6: case kt_op_reshape: case kt_op_resize_bilinear:
    case kt_op_pad: case kt_op_max_pool2d: case kt_op_depth_to_space: break;
    case kt_op_concat: /* XNNPACK has 2- to 5-input concatenation nodes */
      if (n->num_inputs - 1 > 5) return false;
      break;
    default: return false;
  }
  if (n->num_outputs != 1) return false;
  for (int k = 0; k < n->num_inputs; k++) {
    const kt_tensor* t = &g->tensors[n->inputs[k]];
    /* Shape operands (reshape/resize sizes, paddings, axes) are read here, at build time. */
    if (!kt_is_shape_operand(n, k) && t->dtype != kt_dtype_f32) return false;
  }
  return g->tensors[n->outputs[0]].dtype == kt_dtype_f32;
}

static kt_status define_value(kt_graph* g, xnn_state* b, int ti, uint32_t* next_external) {
  kt_tensor* t = &g->tensors[ti];
  if (b->ids[ti] != XNN_INVALID_VALUE_ID) return kt_status_ok;
  size_t xd[KT_MAX_DIMS];
  for (int i = 0; i < t->rank; i++) xd[i] = (size_t)t->dims[i];
  uint32_t flags = 0, external = XNN_INVALID_VALUE_ID;
  if (!t->is_const && t->needs_buffer) {
    bool produced_here = t->producer >= 0 && g->nodes[t->producer].phase == 1;
    flags = produced_here ? XNN_VALUE_FLAG_EXTERNAL_OUTPUT : XNN_VALUE_FLAG_EXTERNAL_INPUT;
    external = (*next_external)++;
  }
  uint32_t id = XNN_INVALID_VALUE_ID;
  kt_status s = from_xnn(xnn_define_tensor_value(b->subgraph, xnn_datatype_fp32, (size_t)t->rank, xd,
                                                 t->is_const ? t->data : NULL, external, flags, &id));
  if (s != kt_status_ok) return s;
  b->ids[ti] = id;
  return kt_status_ok;
}

static uint32_t id_of(const xnn_state* b, const kt_node* n, int k) { return b->ids[n->inputs[k]]; }

static kt_status define_conv(kt_graph* g, xnn_state* b, const kt_node* n, uint32_t out) {
  const kt_node_attrs* a = &n->attrs;
  const kt_tensor* x = kt_in(g, n, 0);
  const kt_tensor* f = kt_in(g, n, 1);
  uint32_t bias = n->num_inputs == 3 ? id_of(b, n, 2) : XNN_INVALID_VALUE_ID;
  uint32_t flags = a->padding_same ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0;
  if (n->op == kt_op_conv2d) /* OHWI */
    return from_xnn(xnn_define_convolution_2d(
        b->subgraph, 0, 0, 0, 0, (uint32_t)f->dims[1], (uint32_t)f->dims[2], (uint32_t)a->stride_h,
        (uint32_t)a->stride_w, (uint32_t)a->dilation_h, (uint32_t)a->dilation_w, 1, (size_t)f->dims[3],
        (size_t)f->dims[0], a->act_min, a->act_max, id_of(b, n, 0), id_of(b, n, 1), bias, out, flags));
  const int32_t channels = x->dims[3]; /* [1, H, W, C*M] */
  return from_xnn(xnn_define_depthwise_convolution_2d(
      b->subgraph, 0, 0, 0, 0, (uint32_t)f->dims[1], (uint32_t)f->dims[2], (uint32_t)a->stride_h,
      (uint32_t)a->stride_w, (uint32_t)a->dilation_h, (uint32_t)a->dilation_w, (uint32_t)(f->dims[3] / channels),
      (size_t)channels, a->act_min, a->act_max, id_of(b, n, 0), id_of(b, n, 1), bias, out, flags));
}

static kt_status define_pad(kt_graph* g, xnn_state* b, const kt_node* n, uint32_t out) {
  const kt_tensor* x = kt_in(g, n, 0);
  int32_t p[2 * KT_MAX_DIMS];
  int cnt = 0;
  kt_status s = kt_const_ints(kt_in(g, n, 1), p, 2 * KT_MAX_DIMS, &cnt);
  if (s != kt_status_ok || cnt != 2 * x->rank) return s != kt_status_ok ? s : kt_status_model_format;
  size_t pre[KT_MAX_DIMS], post[KT_MAX_DIMS];
  for (int i = 0; i < x->rank; i++) {
    pre[i] = (size_t)p[2 * i];
    post[i] = (size_t)p[2 * i + 1];
  }
  return from_xnn(xnn_define_static_constant_pad(b->subgraph, pre, post, 0.0f, id_of(b, n, 0), out, 0));
}

static kt_status define_concat(kt_graph* g, xnn_state* b, const kt_node* n, uint32_t out) {
  int axis = 0;
  kt_status s = kt_const_axis(kt_in(g, n, n->num_inputs - 1), kt_in(g, n, 0)->rank, &axis);
  if (s != kt_status_ok) return s;
  uint32_t in[5];
  for (int i = 0; i < n->num_inputs - 1; i++) in[i] = id_of(b, n, i);
  switch (n->num_inputs - 1) {
    case 2: return from_xnn(xnn_define_concatenate2(b->subgraph, axis, in[0], in[1], out, 0));
    case 3: return from_xnn(xnn_define_concatenate3(b->subgraph, axis, in[0], in[1], in[2], out, 0));
    case 4: return from_xnn(xnn_define_concatenate4(b->subgraph, axis, in[0], in[1], in[2], in[3], out, 0));
    case 5: return from_xnn(xnn_define_concatenate5(b->subgraph, axis, in[0], in[1], in[2], in[3], in[4], out, 0));
    default: return kt_status_unsupported;
  }
}

static kt_status define_node(kt_graph* g, xnn_state* b, const kt_node* n) {
  const kt_node_attrs* a = &n->attrs;
  uint32_t in0 = id_of(b, n, 0), out = b->ids[n->outputs[0]];
  switch (n->op) {
    case kt_op_conv2d:
    case kt_op_depthwise_conv2d: return define_conv(g, b, n, out);
    case kt_op_add:
    case kt_op_sub:
    case kt_op_mul:
    case kt_op_div:
    case kt_op_squared_difference:
    case kt_op_maximum:
    case kt_op_minimum: {
      enum xnn_binary_operator type = n->op == kt_op_add   ? xnn_binary_add
                                      : n->op == kt_op_sub ? xnn_binary_subtract
                                      : n->op == kt_op_mul ? xnn_binary_multiply
                                      : n->op == kt_op_div ? xnn_binary_divide
                                      : n->op == kt_op_maximum ? xnn_binary_maximum
                                      : n->op == kt_op_minimum ? xnn_binary_minimum
                                                               : xnn_binary_squared_difference;
      struct xnn_binary_params p = {a->act_min, a->act_max};
      return from_xnn(xnn_define_binary(b->subgraph, type, &p, in0, id_of(b, n, 1), out, 0));
    }
    case kt_op_sigmoid:
    case kt_op_sqrt:
    case kt_op_relu:
    case kt_op_relu6: {
      union xnn_unary_params p;
      memset(&p, 0, sizeof(p));
      enum xnn_unary_operator type = xnn_unary_clamp;
      if (n->op == kt_op_sigmoid) type = xnn_unary_sigmoid;
      if (n->op == kt_op_sqrt) type = xnn_unary_square_root;
      p.clamp.min = 0.0f;
      p.clamp.max = n->op == kt_op_relu6 ? 6.0f : INFINITY;
      return from_xnn(xnn_define_unary(b->subgraph, type, &p, in0, out, 0));
    }
    case kt_op_reshape: {
      const kt_tensor* y = kt_out(g, n, 0);
      size_t shape[KT_MAX_DIMS];
      for (int i = 0; i < y->rank; i++) shape[i] = (size_t)y->dims[i];
      return from_xnn(xnn_define_static_reshape(b->subgraph, (size_t)y->rank, shape, in0, out, 0));
    }
    case kt_op_resize_bilinear: {
      const kt_tensor* y = kt_out(g, n, 0);
      uint32_t flags = a->align_corners ? XNN_FLAG_ALIGN_CORNERS
                       : a->half_pixel_centers ? 0 : XNN_FLAG_TENSORFLOW_LEGACY_MODE;
      return from_xnn(xnn_define_static_resize_bilinear_2d(b->subgraph, (size_t)y->dims[1],
                                                           (size_t)y->dims[2], in0, out, flags));
    }
    case kt_op_pad: return define_pad(g, b, n, out);
    case kt_op_concat: return define_concat(g, b, n, out);
    case kt_op_max_pool2d:
      return from_xnn(xnn_define_max_pooling_2d(
          b->subgraph, 0, 0, 0, 0, (uint32_t)a->filter_h, (uint32_t)a->filter_w, (uint32_t)a->stride_h,
          (uint32_t)a->stride_w, 1, 1, a->act_min, a->act_max, in0, out,
          a->padding_same ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0));
    case kt_op_depth_to_space:
      return from_xnn(xnn_define_depth_to_space_2d(b->subgraph, (uint32_t)a->block_size, in0, out, 0));
    default: return kt_status_unsupported;
  }
}

static void xnn_destroy(void* state) {
  xnn_state* b = state;
  if (!b) return;
  if (b->runtime) xnn_delete_runtime(b->runtime);
  if (b->subgraph) xnn_delete_subgraph(b->subgraph);
  if (b->holds_pool) kt_xnn_pool_release();
  free(b->ids);
  free(b);
}

/* Whether tensor i crosses the boundary between C and the runtime. */
static bool is_external(const kt_graph* g, int i) {
  const kt_tensor* t = &g->tensors[i];
  if (t->is_const || !t->needs_buffer) return false;
  if (t->producer >= 0 && g->nodes[t->producer].phase == 1) return true;
  for (int p = 0; p < g->num_order; p++) {
    const kt_node* n = &g->nodes[g->order[p]];
    for (int k = 0; n->phase == 1 && k < n->num_inputs; k++)
      if (n->inputs[k] == i) return true;
  }
  return false;
}

/* Sparse inference (XNNPACK's NCHW path for runs of 1x1 convolutions) pays
 * off only where weights are mostly zero: TFLite's delegate asks for it
 * when the model stored weights sparse, and so do we. */
static bool has_sparse_weights(const kt_graph* g) {
  for (int i = 0; i < g->num_tensors; i++)
    if (g->tensors[i].was_sparse) return true;
  return false;
}

static kt_status xnn_create(kt_graph* g, void** state_out) {
  kt_status s = ensure_initialized();
  if (s != kt_status_ok) return s;
  xnn_state* b = calloc(1, sizeof(*b));
  if (!b) return kt_status_out_of_memory;
  b->ids = malloc(((size_t)g->num_tensors + 1) * sizeof(uint32_t));
  struct xnn_external_value* ext = calloc((size_t)g->num_tensors + 1, sizeof(*ext));
  if (!b->ids || !ext) {
    s = kt_status_out_of_memory;
    goto fail;
  }
  for (int i = 0; i < g->num_tensors; i++) b->ids[i] = XNN_INVALID_VALUE_ID;
  /* Count external values first: the subgraph reserves their ids. */
  uint32_t num_external = 0;
  for (int i = 0; i < g->num_tensors; i++) num_external += is_external(g, i);
  s = from_xnn(xnn_create_subgraph(num_external, 0, &b->subgraph));
  if (s != kt_status_ok) goto fail;
  uint32_t next_external = 0;
  for (int p = 0; p < g->num_order && s == kt_status_ok; p++) {
    const kt_node* n = &g->nodes[g->order[p]];
    if (n->phase != 1) continue;
    for (int k = 0; k < n->num_inputs && s == kt_status_ok; k++)
      if (!kt_is_shape_operand(n, k)) s = define_value(g, b, n->inputs[k], &next_external);
    if (s == kt_status_ok) s = define_value(g, b, n->outputs[0], &next_external);
    if (s == kt_status_ok) s = define_node(g, b, n);
  }
  if (s != kt_status_ok) goto fail;
  if (next_external != num_external) {
    s = kt_status_backend_error;
    goto fail;
  }
  uint32_t flags = has_sparse_weights(g) ? XNN_FLAG_HINT_SPARSE_INFERENCE : 0;
  /* A pool's workers sleep once the last operator is done instead of
   * spinning: between two frames the host decodes, converts and draws, and
   * on a 2-core machine a spinning worker takes the core that work needs. */
  flags |= XNN_FLAG_YIELD_WORKERS;
  b->holds_pool = true;
  s = from_xnn(xnn_create_runtime_v2(b->subgraph, kt_xnn_pool_acquire(), flags, &b->runtime));
  if (s == kt_status_ok) s = from_xnn(xnn_reshape_runtime(b->runtime));
  if (s != kt_status_ok) goto fail;
  size_t num_ext = 0;
  for (int i = 0; i < g->num_tensors; i++)
    if (b->ids[i] < num_external) ext[num_ext++] = (struct xnn_external_value){b->ids[i], g->tensors[i].data};
  s = from_xnn(xnn_setup_runtime_v2(b->runtime, num_ext, ext));
  if (s != kt_status_ok) goto fail;
  free(ext);
  *state_out = b;
  return kt_status_ok;
fail:
  free(ext);
  xnn_destroy(b);
  return s;
}

static kt_status xnn_invoke(void* state) {
  xnn_state* b = state;
  if (!b || !b->runtime) return kt_status_invalid_state;
  return from_xnn(xnn_invoke_runtime(b->runtime));
}

const kt_backend_impl kt_xnnpack_backend = {"xnnpack",   xnn_supports,       xnn_create,    xnn_invoke,
                                             xnn_destroy, kt_xnn_set_threads, kt_xnn_threads, NULL};
