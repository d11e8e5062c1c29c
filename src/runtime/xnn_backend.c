/* xnn_backend.c — phase-1 nodes of a kt_graph as one XNNPACK runtime. */
#include "runtime/xnn_backend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

struct kt_xnn_backend {
  xnn_subgraph_t subgraph;
  xnn_runtime_t runtime;
  float** repacked; /* filters transposed to XNNPACK's layout; owned */
  int num_repacked;
};

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
    done = 1;
  }
  return kt_status_ok;
}

/* TF's HWIO conv filter -> XNNPACK's OHWI. */
static float* repack_hwio_to_ohwi(struct kt_xnn_backend* b, const kt_tensor* f) {
  const int32_t H = f->dims[0], W = f->dims[1], I = f->dims[2], O = f->dims[3];
  float* out = malloc(f->count * sizeof(float));
  if (!out) return NULL;
  const float* in = f->data;
  for (int32_t h = 0; h < H; h++)
    for (int32_t w = 0; w < W; w++)
      for (int32_t i = 0; i < I; i++)
        for (int32_t o = 0; o < O; o++)
          out[(((size_t)o * H + h) * W + w) * I + i] = in[(((size_t)h * W + w) * I + i) * O + o];
  b->repacked[b->num_repacked++] = out;
  return out;
}

static kt_status define_value(kt_graph* g, struct kt_xnn_backend* b, int ti, uint32_t* next_external) {
  kt_tensor* t = &g->tensors[ti];
  if (t->xnn_id != UINT32_MAX) return kt_status_ok;
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
  t->xnn_id = id;
  return kt_status_ok;
}

/* Filters get a private value (repacked data), so look them up by value. */
static kt_status define_filter(kt_graph* g, struct kt_xnn_backend* b, const kt_node* n, uint32_t* id_out) {
  const kt_tensor* f = kt_in(g, n, 1);
  size_t xd[4];
  const float* data;
  if (n->op == kt_op_conv2d) {
    data = repack_hwio_to_ohwi(b, f);
    if (!data) return kt_status_out_of_memory;
    xd[0] = (size_t)f->dims[3];
    xd[1] = (size_t)f->dims[0];
    xd[2] = (size_t)f->dims[1];
    xd[3] = (size_t)f->dims[2];
  } else { /* HWCM is already [1, H, W, C*M] in memory */
    data = f->data;
    xd[0] = 1;
    xd[1] = (size_t)f->dims[0];
    xd[2] = (size_t)f->dims[1];
    xd[3] = (size_t)f->dims[2] * (size_t)f->dims[3];
  }
  return from_xnn(xnn_define_tensor_value(b->subgraph, xnn_datatype_fp32, 4, xd, data,
                                          XNN_INVALID_VALUE_ID, 0, id_out));
}

static kt_status define_node(kt_graph* g, struct kt_xnn_backend* b, const kt_node* n) {
  const kt_node_attrs* a = &n->attrs;
  uint32_t in0 = kt_in(g, n, 0)->xnn_id, out = kt_out(g, n, 0)->xnn_id;
  switch (n->op) {
    case kt_op_conv2d:
    case kt_op_depthwise_conv2d: {
      uint32_t filter = 0;
      kt_status s = define_filter(g, b, n, &filter);
      if (s != kt_status_ok) return s;
      uint32_t bias = n->num_inputs == 3 ? kt_in(g, n, 2)->xnn_id : XNN_INVALID_VALUE_ID;
      const kt_tensor* f = kt_in(g, n, 1);
      uint32_t flags = a->padding_same ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0;
      if (n->op == kt_op_conv2d)
        return from_xnn(xnn_define_convolution_2d(
            b->subgraph, 0, 0, 0, 0, (uint32_t)f->dims[0], (uint32_t)f->dims[1], (uint32_t)a->stride_h,
            (uint32_t)a->stride_w, (uint32_t)a->dilation_h, (uint32_t)a->dilation_w, 1, (size_t)f->dims[2],
            (size_t)f->dims[3], a->act_min, a->act_max, in0, filter, bias, out, flags));
      return from_xnn(xnn_define_depthwise_convolution_2d(
          b->subgraph, 0, 0, 0, 0, (uint32_t)f->dims[0], (uint32_t)f->dims[1], (uint32_t)a->stride_h,
          (uint32_t)a->stride_w, (uint32_t)a->dilation_h, (uint32_t)a->dilation_w, (uint32_t)f->dims[3],
          (size_t)f->dims[2], a->act_min, a->act_max, in0, filter, bias, out, flags));
    }
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
      struct xnn_binary_params p = {-INFINITY, INFINITY};
      return from_xnn(xnn_define_binary(b->subgraph, type, &p, in0, kt_in(g, n, 1)->xnn_id, out, 0));
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
    default: return kt_status_unsupported;
  }
}

kt_status kt_xnn_backend_create(kt_graph* g, struct kt_xnn_backend** backend_out) {
  if (!g || !backend_out) return kt_status_invalid_argument;
  kt_status s = ensure_initialized();
  if (s != kt_status_ok) return s;
  struct kt_xnn_backend* b = calloc(1, sizeof(*b));
  if (!b) return kt_status_out_of_memory;
  b->repacked = calloc((size_t)g->num_nodes + 1, sizeof(float*));
  struct xnn_external_value* ext = calloc((size_t)g->num_tensors + 1, sizeof(*ext));
  if (!b->repacked || !ext) {
    s = kt_status_out_of_memory;
    goto fail;
  }
  /* Count external values first: the subgraph reserves their ids. */
  uint32_t num_external = 0;
  for (int i = 0; i < g->num_tensors; i++) g->tensors[i].xnn_id = UINT32_MAX;
  for (int i = 0; i < g->num_tensors; i++) {
    const kt_tensor* t = &g->tensors[i];
    if (t->is_const || !t->needs_buffer) continue;
    bool touches = t->producer >= 0 && g->nodes[t->producer].phase == 1;
    for (int p = 0; p < g->num_order && !touches; p++) {
      const kt_node* n = &g->nodes[g->order[p]];
      for (int k = 0; n->phase == 1 && k < n->num_inputs; k++)
        if (n->inputs[k] == i) touches = true;
    }
    if (touches) num_external++;
  }
  s = from_xnn(xnn_create_subgraph(num_external, 0, &b->subgraph));
  if (s != kt_status_ok) goto fail;
  uint32_t next_external = 0;
  for (int p = 0; p < g->num_order && s == kt_status_ok; p++) {
    const kt_node* n = &g->nodes[g->order[p]];
    if (n->phase != 1) continue;
    bool conv = n->op == kt_op_conv2d || n->op == kt_op_depthwise_conv2d;
    for (int k = 0; k < n->num_inputs && s == kt_status_ok; k++) {
      if (conv && k == 1) continue; /* filter: repacked in define_node */
      if (kt_is_shape_operand(n->op, k)) continue;
      s = define_value(g, b, n->inputs[k], &next_external);
    }
    if (s == kt_status_ok) s = define_value(g, b, n->outputs[0], &next_external);
    if (s == kt_status_ok) s = define_node(g, b, n);
  }
  if (s != kt_status_ok) goto fail;
  if (next_external != num_external) {
    s = kt_status_backend_error;
    goto fail;
  }
  s = from_xnn(xnn_create_runtime_v2(b->subgraph, NULL, 0, &b->runtime));
  if (s == kt_status_ok) s = from_xnn(xnn_reshape_runtime(b->runtime));
  if (s != kt_status_ok) goto fail;
  size_t num_ext = 0;
  for (int i = 0; i < g->num_tensors; i++) {
    const kt_tensor* t = &g->tensors[i];
    if (t->xnn_id != UINT32_MAX && t->xnn_id < num_external) ext[num_ext++] = (struct xnn_external_value){t->xnn_id, t->data};
  }
  s = from_xnn(xnn_setup_runtime_v2(b->runtime, num_ext, ext));
  if (s != kt_status_ok) goto fail;
  free(ext);
  *backend_out = b;
  return kt_status_ok;
fail:
  free(ext);
  kt_xnn_backend_destroy(b);
  return s;
}

kt_status kt_xnn_backend_invoke(struct kt_xnn_backend* b) {
  if (!b || !b->runtime) return kt_status_invalid_state;
  return from_xnn(xnn_invoke_runtime(b->runtime));
}

void kt_xnn_backend_destroy(struct kt_xnn_backend* b) {
  if (!b) return;
  if (b->runtime) xnn_delete_runtime(b->runtime);
  if (b->subgraph) xnn_delete_subgraph(b->subgraph);
  for (int i = 0; i < b->num_repacked; i++) free(b->repacked[i]);
  free(b->repacked);
  free(b);
}
