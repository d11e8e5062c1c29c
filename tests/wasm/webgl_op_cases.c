/* webgl_op_cases.c — op-by-op cases for the WebGL2 backend, run in a
 * browser (tests/node/webgl.test.mjs): each case builds the same one-node
 * graph (random shapes from a seed, odd sizes and channel counts not
 * divisible by 4 included) twice, runs it with the reference C kernels and
 * with the WebGL2 backend on the same input, and reports the largest
 * difference as JSON. "chain" is a small multi-node graph (textures
 * reused, a reshape view, an intermediate read back). */
#include <emscripten/emscripten.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "runtime/graph.h"
#include "runtime/model_internal.h"
#include "runtime/webgl/gl_backend.h"

typedef struct rng { uint32_t s; } rng;
static uint32_t next_u32(rng* r) {
  r->s ^= r->s << 13;
  r->s ^= r->s >> 17;
  r->s ^= r->s << 5;
  return r->s;
}
static int rnd(rng* r, int lo, int hi) { return lo + (int)(next_u32(r) % (uint32_t)(hi - lo + 1)); }
static float rndf(rng* r) { return (float)(next_u32(r) & 0xffffff) / 8388608.0f - 1.0f; }

typedef struct builder {
  kt_graph* g;
  rng r;
  kt_status s;
  int names;
  char desc[256];
} builder;

static const char* next_name(builder* b) {
  static char name[16];
  snprintf(name, sizeof(name), "t%d", b->names++);
  return name;
}

static int tensor(builder* b, int rank, const int32_t* dims) {
  int i = -1;
  if (b->s == kt_status_ok) b->s = kt_graph_add_tensor(b->g, next_name(b), kt_dtype_f32, rank, dims, &i);
  return i;
}
static int input(builder* b, int rank, const int32_t* dims) {
  int i = tensor(b, rank, dims);
  if (b->s == kt_status_ok) b->s = kt_graph_add_input(b->g, i);
  return i;
}
static int constant(builder* b, int rank, const int32_t* dims) {
  int i = tensor(b, rank, dims);
  if (b->s != kt_status_ok) return -1;
  kt_tensor* t = &b->g->tensors[i];
  t->data = malloc(t->count * sizeof(float) + 4);
  if (!t->data) {
    b->s = kt_status_out_of_memory;
    return -1;
  }
  t->is_const = true;
  for (size_t k = 0; k < t->count; k++) ((float*)t->data)[k] = rndf(&b->r);
  return i;
}
static int ints(builder* b, int rank, const int32_t* dims, const int32_t* values) {
  int i = -1;
  if (b->s == kt_status_ok) b->s = kt_graph_add_tensor(b->g, next_name(b), kt_dtype_i32, rank, dims, &i);
  if (b->s != kt_status_ok) return -1;
  kt_tensor* t = &b->g->tensors[i];
  t->data = malloc(t->count * sizeof(int32_t) + 4);
  if (!t->data) {
    b->s = kt_status_out_of_memory;
    return -1;
  }
  t->is_const = true;
  memcpy(t->data, values, t->count * sizeof(int32_t));
  return i;
}
/* A node reading `in` and writing a new tensor (shape inferred); returns
 * the node, its output in *out. */
static kt_node* node(builder* b, kt_op_type op, const int* in, int num_in, int* out) {
  int n = -1;
  *out = tensor(b, 0, NULL);
  if (b->s == kt_status_ok) b->s = kt_graph_add_node(b->g, op, kt_op_get_info(op)->name, &n);
  if (b->s != kt_status_ok) return NULL;
  kt_node* nd = &b->g->nodes[n];
  nd->num_inputs = num_in;
  memcpy(nd->inputs, in, sizeof(int) * (size_t)num_in);
  nd->num_outputs = 1;
  nd->outputs[0] = *out;
  b->g->tensors[*out].producer = n;
  return nd;
}
static void output(builder* b, int t) {
  if (b->s == kt_status_ok) b->s = kt_graph_add_output(b->g, t);
}
static void activation(builder* b, kt_node* n) {
  int a = rnd(&b->r, 0, 2);
  n->attrs.act_min = a == 0 ? -INFINITY : 0.0f;
  n->attrs.act_max = a == 2 ? 6.0f : INFINITY;
}
#define DESC(...) snprintf(b->desc, sizeof(b->desc), __VA_ARGS__)

/* "[d0,d1,..]" of the first `rank` dims, in one of 4 rotating buffers. */
static const char* dims_str(int rank, const int32_t* d) {
  static char bufs[4][48];
  static int which;
  char* s = bufs[which++ % 4];
  int len = snprintf(s, 48, "[");
  for (int i = 0; i < rank; i++) len += snprintf(s + len, 48 - (size_t)len, i ? ",%d" : "%d", d[i]);
  snprintf(s + len, 48 - (size_t)len, "]");
  return s;
}

enum { F_CONV1X1, F_CONV, F_DEPTHWISE, F_ADD, F_BINARY, F_UNARY, F_PAD, F_MAX_POOL, F_RESIZE, F_CONCAT,
       F_DEPTH_TO_SPACE, F_RESHAPE, F_CHAIN, F_COUNT };
static const char* const kFamilies[F_COUNT] = {"conv1x1", "conv", "depthwise", "add", "binary", "unary", "pad",
                                               "max_pool", "resize_bilinear", "concat", "depth_to_space",
                                               "reshape", "chain"};

static void build_conv(builder* b, int family) {
  rng* r = &b->r;
  const bool dw = family == F_DEPTHWISE;
  int32_t C = rnd(r, 1, 19), K = family == F_CONV1X1 ? 1 : rnd(r, 1, 5), KW = family == F_CONV1X1 ? 1 : rnd(r, 1, 5);
  if (family == F_CONV && K == 1 && KW == 1) K = 3;
  int32_t M = dw && rnd(r, 0, 3) == 0 ? 2 : 1, OC = dw ? C * M : rnd(r, 1, 21);
  int32_t x_dims[4] = {rnd(r, 1, 2), rnd(r, K, 14), rnd(r, KW, 14), C};
  int32_t f_dims[4] = {dw ? 1 : OC, K, KW, dw ? C * M : C}, b_dims[1] = {OC};
  int in[3] = {input(b, 4, x_dims), constant(b, 4, f_dims), -1}, num_in = 2, y;
  if (rnd(r, 0, 3) > 0) in[num_in++] = constant(b, 1, b_dims);
  kt_node* n = node(b, dw ? kt_op_depthwise_conv2d : kt_op_conv2d, in, num_in, &y);
  if (!n) return;
  n->attrs.stride_h = rnd(r, 1, 2);
  n->attrs.stride_w = rnd(r, 1, 2);
  n->attrs.padding_same = rnd(r, 0, 1);
  if (family != F_CONV1X1 && rnd(r, 0, 4) == 0) n->attrs.dilation_h = n->attrs.dilation_w = 2;
  if (!n->attrs.padding_same && (x_dims[1] < (K - 1) * n->attrs.dilation_h + 1 || x_dims[2] < (KW - 1) * n->attrs.dilation_w + 1))
    n->attrs.padding_same = true;
  activation(b, n);
  output(b, y);
  DESC("x[%d,%d,%d,%d] filter[%d,%d,%d,%d]%s stride %d,%d dilation %d %s clamp[%g,%g]", x_dims[0], x_dims[1],
       x_dims[2], x_dims[3], f_dims[0], f_dims[1], f_dims[2], f_dims[3], num_in == 3 ? " bias" : "",
       n->attrs.stride_h, n->attrs.stride_w, n->attrs.dilation_h, n->attrs.padding_same ? "SAME" : "VALID",
       n->attrs.act_min, n->attrs.act_max);
}

static void build_binary(builder* b, int family) {
  rng* r = &b->r;
  static const kt_op_type kOps[] = {kt_op_sub, kt_op_mul, kt_op_div, kt_op_squared_difference, kt_op_maximum,
                                    kt_op_minimum};
  kt_op_type op = family == F_ADD ? kt_op_add : kOps[rnd(r, 0, 5)];
  int32_t a_dims[4] = {1, rnd(r, 1, 11), rnd(r, 1, 11), rnd(r, 1, 13)}, b_dims[4];
  memcpy(b_dims, a_dims, sizeof(b_dims));
  int shape = rnd(r, 0, 4), b_rank = 4;
  if (shape == 1) b_dims[3] = 1;                           /* [1,H,W,1]: channel broadcast */
  if (shape == 2) b_dims[1] = b_dims[2] = 1;               /* [1,1,1,C] */
  if (shape == 3) b_dims[0] = a_dims[3], b_rank = 1;       /* [C] */
  if (shape == 4) b_dims[1] = 1;                           /* [1,1,W,C] */
  int bi = rnd(r, 0, 1) ? constant(b, b_rank, b_dims) : input(b, b_rank, b_dims);
  int ai = input(b, 4, a_dims);
  int in[2] = {ai, bi}, y;
  if (rnd(r, 0, 1)) in[0] = bi, in[1] = ai; /* broadcast either side */
  kt_node* n = node(b, op, in, 2, &y);
  if (!n) return;
  if (op == kt_op_div) { /* keep divisors away from 0: |b| in [0.5, 1.5] */
    kt_tensor* d = &b->g->tensors[in[1]];
    if (d->is_const)
      for (size_t k = 0; k < d->count; k++) ((float*)d->data)[k] = copysignf(0.5f + fabsf(((float*)d->data)[k]), ((float*)d->data)[k]);
  }
  activation(b, n);
  output(b, y);
  DESC("%s %s with %s %s%s", kt_op_get_info(op)->name, dims_str(4, a_dims),
       b->g->tensors[bi].is_const ? "constant" : "input", dims_str(b_rank, b_dims), in[0] == bi ? " (first)" : "");
}

static void build_unary(builder* b) {
  rng* r = &b->r;
  static const kt_op_type kOps[] = {kt_op_sigmoid, kt_op_relu, kt_op_relu6, kt_op_sqrt};
  kt_op_type op = kOps[rnd(r, 0, 3)];
  int rank = rnd(r, 2, 4);
  int32_t d[4] = {rnd(r, 1, 9), rnd(r, 1, 9), rnd(r, 1, 9), rnd(r, 1, 9)};
  int in = input(b, rank, d), y;
  node(b, op, &in, 1, &y);
  output(b, y);
  DESC("%s %s", kt_op_get_info(op)->name, dims_str(rank, d));
}

static void build_pad(builder* b) {
  rng* r = &b->r;
  int rank = rnd(r, 0, 3) ? 4 : 2;
  int32_t d[4] = {1, rnd(r, 1, 9), rnd(r, 1, 9), rnd(r, 1, 11)}, p[8], pd[2] = {rank, 2};
  if (rank == 2) d[0] = rnd(r, 1, 7);
  for (int i = 0; i < 2 * rank; i++) p[i] = i < 2 && rank == 4 ? 0 : rnd(r, 0, 3);
  int in[2] = {input(b, rank, d), ints(b, 2, pd, p)}, y;
  node(b, kt_op_pad, in, 2, &y);
  output(b, y);
  DESC("%s paddings %s", dims_str(rank, d), dims_str(2 * rank, p));
}

static void build_max_pool(builder* b) {
  rng* r = &b->r;
  int32_t d[4] = {rnd(r, 1, 2), rnd(r, 3, 13), rnd(r, 3, 13), rnd(r, 1, 11)};
  int in = input(b, 4, d), y;
  kt_node* n = node(b, kt_op_max_pool2d, &in, 1, &y);
  if (!n) return;
  n->attrs.filter_h = rnd(r, 1, 3);
  n->attrs.filter_w = rnd(r, 1, 3);
  n->attrs.stride_h = rnd(r, 1, 2);
  n->attrs.stride_w = rnd(r, 1, 2);
  n->attrs.padding_same = rnd(r, 0, 1);
  activation(b, n);
  output(b, y);
  DESC("x[%d,%d,%d,%d] window %dx%d stride %d,%d %s", d[0], d[1], d[2], d[3], n->attrs.filter_h, n->attrs.filter_w,
       n->attrs.stride_h, n->attrs.stride_w, n->attrs.padding_same ? "SAME" : "VALID");
}

static void build_resize(builder* b) {
  rng* r = &b->r;
  int32_t d[4] = {rnd(r, 1, 2), rnd(r, 1, 9), rnd(r, 1, 9), rnd(r, 1, 11)}, size[2] = {rnd(r, 1, 17), rnd(r, 1, 17)};
  int32_t sd[1] = {2};
  int in[2] = {input(b, 4, d), ints(b, 1, sd, size)}, y;
  kt_node* n = node(b, kt_op_resize_bilinear, in, 2, &y);
  if (!n) return;
  int mode = rnd(r, 0, 2);
  n->attrs.half_pixel_centers = mode == 1;
  n->attrs.align_corners = mode == 2;
  output(b, y);
  DESC("x[%d,%d,%d,%d] to %dx%d %s", d[0], d[1], d[2], d[3], size[0], size[1],
       mode == 0 ? "legacy" : mode == 1 ? "half_pixel_centers" : "align_corners");
}

static void build_concat(builder* b) {
  rng* r = &b->r;
  int count = rnd(r, 2, 6), rank = rnd(r, 0, 3) ? 4 : 2, axis = rnd(r, 0, rank - 1);
  int32_t d[4] = {rnd(r, 1, 2), rnd(r, 1, 7), rnd(r, 1, 7), rnd(r, 1, 9)}, ad[1] = {0}, av = axis - rank * rnd(r, 0, 1);
  int in[KT_MAX_NODE_INPUTS], y, len = snprintf(b->desc, sizeof(b->desc), "rank %d axis %d:", rank, av);
  for (int i = 0; i < count; i++) {
    d[axis] = rnd(r, 1, 7);
    in[i] = rnd(r, 0, 4) ? input(b, rank, d) : constant(b, rank, d);
    len += snprintf(b->desc + len, sizeof(b->desc) - (size_t)len, " %s", dims_str(rank, d));
  }
  in[count] = ints(b, 0, ad, &av);
  node(b, kt_op_concat, in, count + 1, &y);
  output(b, y);
}

static void build_depth_to_space(builder* b) {
  rng* r = &b->r;
  int32_t bs = rnd(r, 2, 3), d[4] = {1, rnd(r, 1, 7), rnd(r, 1, 7), 0};
  d[3] = bs * bs * rnd(r, 1, 6);
  int in = input(b, 4, d), y;
  kt_node* n = node(b, kt_op_depth_to_space, &in, 1, &y);
  if (n) n->attrs.block_size = bs;
  output(b, y);
  DESC("x[%d,%d,%d,%d] block %d", d[0], d[1], d[2], d[3], bs);
}

static void build_reshape(builder* b) {
  rng* r = &b->r;
  int32_t d[4] = {1, rnd(r, 1, 7), rnd(r, 1, 7), rnd(r, 1, 9)}, sd[1], shape[3];
  int kind = rnd(r, 0, 2);
  if (kind == 0) sd[0] = 3, shape[0] = 1, shape[1] = d[1] * d[2], shape[2] = d[3]; /* a view */
  if (kind == 1) sd[0] = 2, shape[0] = 1, shape[1] = d[1] * d[2] * d[3];          /* channels change */
  if (kind == 2) sd[0] = 3, shape[0] = d[1], shape[1] = d[2] * d[3], shape[2] = 1;
  int x = input(b, 4, d), y, z = -1;
  /* The view case reads through a pass: a graph input is no texture of a pass. */
  kt_node* n = node(b, kt_op_relu, &x, 1, &y);
  int in[2] = {y, ints(b, 1, sd, shape)};
  if (n) node(b, kt_op_reshape, in, 2, &z);
  output(b, z);
  DESC("relu then reshape [%d,%d,%d,%d] to rank %d (%s)", d[0], d[1], d[2], d[3], sd[0],
       kind == 0 ? "view" : "copy");
}

/* conv 3x3 -> reshape (view) -> add constant -> sigmoid, and a pooling
 * branch concatenated back: several textures live at once, then reused;
 * the conv output is also a model output (read back mid-graph). */
static void build_chain(builder* b) {
  rng* r = &b->r;
  int32_t C = rnd(r, 3, 9), OC = rnd(r, 3, 10), x_dims[4] = {1, rnd(r, 4, 12), rnd(r, 4, 12), C};
  int32_t f_dims[4] = {OC, 3, 3, C}, b_dims[1] = {OC}, sd[1] = {3}, shape[3] = {x_dims[1], x_dims[2], OC};
  int x = input(b, 4, x_dims), in[3] = {x, constant(b, 4, f_dims), constant(b, 1, b_dims)}, c, v, a, s, p, cat;
  kt_node* n = node(b, kt_op_conv2d, in, 3, &c);
  if (!n) return;
  n->attrs.padding_same = true;
  int rin[2] = {c, ints(b, 1, sd, shape)};
  node(b, kt_op_reshape, rin, 2, &v);
  int32_t k_dims[1] = {OC};
  int ain[2] = {v, constant(b, 1, k_dims)};
  node(b, kt_op_add, ain, 2, &a);
  node(b, kt_op_sigmoid, &a, 1, &s);
  kt_node* pool = node(b, kt_op_max_pool2d, &x, 1, &p);
  if (!pool) return;
  pool->attrs.filter_h = pool->attrs.filter_w = 3;
  pool->attrs.padding_same = true;
  int32_t ad[1] = {0}, axis = 3;
  int s4;
  int32_t sd4[1] = {4}, shape4[4] = {1, x_dims[1], x_dims[2], OC};
  int back[2] = {s, ints(b, 1, sd4, shape4)};
  node(b, kt_op_reshape, back, 2, &s4);
  int cin[3] = {s4, p, ints(b, 0, ad, &axis)};
  node(b, kt_op_concat, cin, 3, &cat);
  output(b, cat);
  output(b, c);
  DESC("x[1,%d,%d,%d]: conv 3x3 to %d, reshape, add, sigmoid, reshape, concat with max pool; conv read back",
       x_dims[1], x_dims[2], C, OC);
}

static kt_status build(kt_graph* g, int family, uint32_t seed, char* desc) {
  builder b = {g, {seed * 2654435761u + 12345u}, kt_status_ok, 0, ""};
  switch (family) {
    case F_CONV1X1: case F_CONV: case F_DEPTHWISE: build_conv(&b, family); break;
    case F_ADD: case F_BINARY: build_binary(&b, family); break;
    case F_UNARY: build_unary(&b); break;
    case F_PAD: build_pad(&b); break;
    case F_MAX_POOL: build_max_pool(&b); break;
    case F_RESIZE: build_resize(&b); break;
    case F_CONCAT: build_concat(&b); break;
    case F_DEPTH_TO_SPACE: build_depth_to_space(&b); break;
    case F_RESHAPE: build_reshape(&b); break;
    case F_CHAIN: build_chain(&b); break;
    default: return kt_status_invalid_argument;
  }
  memcpy(desc, b.desc, sizeof(b.desc));
  return b.s;
}

/* Builds, prepares and runs one graph; inputs from `seed` (the same
 * values for both backends). */
static kt_status run_case(kt_graph* g, int family, uint32_t seed, kt_backend backend, char* desc) {
  kt_status s = build(g, family, seed, desc);
  if (s == kt_status_ok) s = kt_graph_prepare(g, backend);
  if (s != kt_status_ok) return s;
  rng r = {seed ^ 0x9e3779b9u};
  for (int i = 0; i < g->num_inputs; i++) {
    kt_tensor* t = &g->tensors[g->inputs[i]];
    for (size_t k = 0; k < t->count; k++) ((float*)t->data)[k] = rndf(&r) * 4.0f;
    if (g->nodes[0].op == kt_op_sqrt) /* its domain */
      for (size_t k = 0; k < t->count; k++) ((float*)t->data)[k] = fabsf(((float*)t->data)[k]);
    if (family == F_BINARY) /* keep divisors away from 0 */
      for (size_t k = 0; k < t->count; k++) {
        float v = ((float*)t->data)[k];
        ((float*)t->data)[k] = copysignf(0.5f + fabsf(v), v);
      }
  }
  return kt_graph_run(g);
}

EMSCRIPTEN_KEEPALIVE int kt_webgl_test_family_count(void) { return F_COUNT; }

/* JSON: {"family", "desc", "status", "error", "count", "gl_nodes",
 * "max_abs", "max_rel"}; rel = |gl - ref| / max(1, |ref|). */
EMSCRIPTEN_KEEPALIVE const char* kt_webgl_test_op(int family, uint32_t seed) {
  static char json[1024];
  char desc[256] = "", error[256] = "";
  if (family < 0 || family >= F_COUNT) return "{\"status\":\"invalid_argument\"}";
  kt_graph ref, gl;
  kt_graph_init(&ref);
  kt_graph_init(&gl);
  kt_clear_error();
  kt_status s = run_case(&ref, family, seed, kt_backend_reference, desc);
  if (s == kt_status_ok) s = run_case(&gl, family, seed, kt_backend_webgl, desc);
  if (s != kt_status_ok) snprintf(error, sizeof(error), "%s", kt_last_error());
  size_t count = 0;
  int gl_nodes = 0;
  double max_abs = 0, max_rel = 0;
  for (int p = 0; s == kt_status_ok && p < gl.num_order; p++) gl_nodes += gl.nodes[gl.order[p]].phase == 1;
  for (int o = 0; s == kt_status_ok && o < ref.num_outputs; o++) {
    const kt_tensor* a = &ref.tensors[ref.outputs[o]];
    const kt_tensor* b = &gl.tensors[gl.outputs[o]];
    for (size_t k = 0; k < a->count; k++, count++) {
      double x = ((const float*)a->data)[k], y = ((const float*)b->data)[k], d = fabs(x - y);
      if (!(d <= max_abs)) max_abs = d; /* NaN wins */
      double rel = d / (fabs(x) > 1.0 ? fabs(x) : 1.0);
      if (!(rel <= max_rel)) max_rel = rel;
    }
  }
  for (char* c = error; *c; c++)
    if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) *c = ' ';
  snprintf(json, sizeof(json),
           "{\"family\":\"%s\",\"desc\":\"%s\",\"status\":\"%s\",\"error\":\"%s\",\"count\":%zu,\"gl_nodes\":%d,"
           "\"max_abs\":%.9g,\"max_rel\":%.9g}",
           kFamilies[family], desc, kt_status_name(s), error, count, gl_nodes, isnan(max_abs) ? 1e30 : max_abs,
           isnan(max_rel) ? 1e30 : max_rel);
  kt_graph_release(&ref);
  kt_graph_release(&gl);
  return json;
}

/* A model's WebGL2 plan: passes, slots, textures, uploads, read-backs into
 * out[0..4]; 0 on success. */
EMSCRIPTEN_KEEPALIVE int kt_webgl_test_model_plan(kt_model* m, int32_t* out) {
  kt_gl_plan_stats st;
  kt_status s = m ? kt_gl_plan_stats_of(&m->graph, &st) : kt_status_invalid_argument;
  if (s != kt_status_ok) return (int)s;
  out[0] = st.passes;
  out[1] = st.slots;
  out[2] = st.textures;
  out[3] = st.uploads;
  out[4] = st.readbacks;
  return 0;
}
