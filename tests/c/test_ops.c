/* Tests for the reference kernels (src/runtime/ops) and kt_graph_prepare
 * (folding, memory planning). Each case builds a tiny kt_graph by hand:
 * one graph input, constants, nodes; prepare with the reference backend,
 * fill the input, run, compare with values computed by hand. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kt_test.h"
#include "runtime/graph.h"

/* ------------------------------------------------------------- helpers */

static int input_tensor(kt_graph* g, kt_dtype dt, int rank, const int32_t* dims) {
  int idx = -1;
  KT_CHECK(kt_graph_add_tensor(g, "x", dt, rank, dims, &idx) == kt_status_ok);
  kt_graph_add_input(g, idx);
  return idx;
}

static int const_tensor(kt_graph* g, const char* name, kt_dtype dt, int rank, const int32_t* dims,
                        const void* values) {
  int idx = -1;
  static const int32_t no_dims[1] = {1};
  KT_CHECK(kt_graph_add_tensor(g, name, dt, rank, dims ? dims : no_dims, &idx) == kt_status_ok);
  kt_tensor* t = &g->tensors[idx];
  t->data = malloc(t->count ? t->count * 4 : 1);
  if (t->count) memcpy(t->data, values, t->count * 4);
  t->is_const = true;
  t->phase = -1;
  return idx;
}

static int const_f(kt_graph* g, const char* name, int rank, const int32_t* dims, const float* v) {
  return const_tensor(g, name, kt_dtype_f32, rank, dims, v);
}
static int const_i(kt_graph* g, const char* name, int rank, const int32_t* dims, const int32_t* v) {
  return const_tensor(g, name, kt_dtype_i32, rank, dims, v);
}
static int scalar_i(kt_graph* g, const char* name, int32_t v) { return const_i(g, name, 0, NULL, &v); }

/* Adds a node reading `ins` and producing `nout` fresh tensors; returns the
 * node index. Its k-th output tensor is node_out(g, node, k). */
static int add_node(kt_graph* g, kt_op_type op, const char* name, const int* ins, int nin, int nout) {
  int ni = -1;
  KT_CHECK(kt_graph_add_node(g, op, name, &ni) == kt_status_ok);
  for (int i = 0; i < nin; i++) g->nodes[ni].inputs[g->nodes[ni].num_inputs++] = ins[i];
  for (int k = 0; k < nout; k++) {
    char tname[64];
    snprintf(tname, sizeof(tname), "%s:%d", name, k);
    int ti = -1;
    KT_CHECK(kt_graph_add_tensor(g, tname, kt_dtype_f32, 0, NULL, &ti) == kt_status_ok);
    g->tensors[ti].producer = ni;
    g->nodes[ni].outputs[g->nodes[ni].num_outputs++] = ti;
  }
  return ni;
}
static int node_out(const kt_graph* g, int node, int k) { return g->nodes[node].outputs[k]; }

/* Data of tensor t; a zeroed scratch block when it has none (after a
 * failed prepare), so a failing check never turns into a crash. */
static uint32_t g_scratch[4096];
static float* fdata(kt_graph* g, int t) {
  return g->tensors[t].data ? (float*)g->tensors[t].data : (float*)(void*)g_scratch;
}
static int32_t* idata(kt_graph* g, int t) {
  return g->tensors[t].data ? (int32_t*)g->tensors[t].data : (int32_t*)(void*)g_scratch;
}

/* Prepares with the reference backend, copies `in` (count elements of 4
 * bytes) into the input and runs. */
static kt_status prepare_and_run(kt_graph* g, int output, const void* in) {
  kt_graph_add_output(g, output);
  kt_status s = kt_graph_prepare(g, kt_backend_reference);
  if (s != kt_status_ok) return s;
  kt_tensor* x = &g->tensors[g->inputs[0]];
  memcpy(x->data, in, x->count * 4);
  return kt_graph_run(g);
}

static void check_dims(const kt_graph* g, int t, int rank, const int32_t* dims) {
  KT_CHECK(g->tensors[t].rank == rank);
  for (int i = 0; i < rank && i < g->tensors[t].rank; i++) KT_CHECK(g->tensors[t].dims[i] == dims[i]);
}

static void check_f32(const float* got, const float* want, size_t n, double tol) {
  for (size_t i = 0; i < n; i++) KT_CHECK_NEAR(got[i], want[i], tol);
}

/* --------------------------------------------------------------- conv */

/* x = 1..25 on a 5x5x1 image, filter 1x3x3x1 = 1..9 (OHWI). */
static void conv_case(bool same, int stride, int dilation, int oh, int ow, const float* want) {
  kt_graph g;
  kt_graph_init(&g);
  float x[25], f[9];
  for (int i = 0; i < 25; i++) x[i] = (float)(i + 1);
  for (int i = 0; i < 9; i++) f[i] = (float)(i + 1);
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 5, 5, 1});
  int fi = const_f(&g, "f", 4, (int32_t[]){1, 3, 3, 1}, f);
  int n = add_node(&g, kt_op_conv2d, "conv", (int[]){xi, fi}, 2, 1);
  g.nodes[n].attrs.padding_same = same;
  g.nodes[n].attrs.stride_h = g.nodes[n].attrs.stride_w = stride;
  g.nodes[n].attrs.dilation_h = g.nodes[n].attrs.dilation_w = dilation;
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);
  check_dims(&g, y, 4, (int32_t[]){1, oh, ow, 1});
  if (g.tensors[y].count == (size_t)(oh * ow)) check_f32(fdata(&g, y), want, (size_t)(oh * ow), 1e-4);
  kt_graph_release(&g);
}

static void test_conv2d_same_stride2(void) {
  /* out(0,0): pad 1 -> 1*5 + 2*6 + 6*8 + 7*9 = 128. */
  conv_case(true, 2, 1, 3, 3, (const float[]){128, 241, 184, 441, 681, 453, 320, 457, 280});
}

static void test_conv2d_valid_stride2(void) {
  /* out(0,0) = sum of rows 0..2 cols 0..2 times 1..9 = 411. */
  conv_case(false, 2, 1, 2, 2, (const float[]){411, 501, 861, 951});
}

static void test_conv2d_dilation2(void) {
  /* VALID, dilation 2: taps at even rows/cols: 1,3,5,11,13,15,21,23,25. */
  conv_case(false, 1, 2, 1, 1, (const float[]){777});
  conv_case(true, 1, 2, 5, 5,
            (const float[]){228, 256, 365, 224, 248, 368, 396, 560, 344, 368, 519, 552, 777,
                            474, 501, 224, 240, 326, 188, 200, 304, 320, 431, 248, 260});
}

static void test_conv2d_channels_ohwi(void) {
  /* 1x1 kernel, 2 in, 3 out: y[oc] = x0*w[oc][0] + x1*w[oc][1]. */
  kt_graph g;
  kt_graph_init(&g);
  const float w[6] = {1, 10, /* to oc0 */ 2, 20, /* to oc1 */ 3, 30 /* to oc2 */};
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 1, 2, 2});
  int fi = const_f(&g, "f", 4, (int32_t[]){3, 1, 1, 2}, w);
  int n = add_node(&g, kt_op_conv2d, "conv", (int[]){xi, fi}, 2, 1);
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){1, 2, -1, 0.5f}) == kt_status_ok);
  check_dims(&g, y, 4, (int32_t[]){1, 1, 2, 3});
  check_f32(fdata(&g, y), (const float[]){21, 42, 63, 4, 8, 12}, 6, 1e-5);
  kt_graph_release(&g);
}

static void test_conv2d_bias_relu6(void) {
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 1, 2, 1});
  int fi = const_f(&g, "f", 4, (int32_t[]){3, 1, 1, 1}, (const float[]){1, 1, 1});
  int bi = const_f(&g, "b", 1, (int32_t[]){3}, (const float[]){-10, 0, 10});
  int n = add_node(&g, kt_op_conv2d, "conv", (int[]){xi, fi, bi}, 3, 1);
  g.nodes[n].attrs.act_min = 0.0f;
  g.nodes[n].attrs.act_max = 6.0f;
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){2, 5}) == kt_status_ok);
  check_f32(fdata(&g, y), (const float[]){0, 2, 6, 0, 5, 6}, 6, 0);
  kt_graph_release(&g);

  /* A bias of the wrong length is a format error. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 1, 2, 1});
  fi = const_f(&g, "f", 4, (int32_t[]){3, 1, 1, 1}, (const float[]){1, 1, 1});
  bi = const_f(&g, "b", 1, (int32_t[]){2}, (const float[]){0, 0});
  n = add_node(&g, kt_op_conv2d, "conv", (int[]){xi, fi, bi}, 3, 1);
  kt_graph_add_output(&g, node_out(&g, n, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);
}

/* Input 3x3x2: channel 0 = 1..9, channel 1 = 10..90; filter [1, 2, 2, 2*2]
 * (TF's HWCM [2, 2, 2, 2] is the same memory). */
static void dw_case(bool same, int stride, int oh, int ow, const float* want) {
  kt_graph g;
  kt_graph_init(&g);
  float x[18];
  for (int i = 0; i < 9; i++) {
    x[2 * i] = (float)(i + 1);
    x[2 * i + 1] = (float)(10 * (i + 1));
  }
  const float f[16] = {1, 2, 3, 4, -1, 0, 0, 1, 2, -1, 1, 1, 0, 1, -2, 3};
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 3, 3, 2});
  int fi = const_f(&g, "f", 4, (int32_t[]){1, 2, 2, 4}, f);
  int n = add_node(&g, kt_op_depthwise_conv2d, "dw", (int[]){xi, fi}, 2, 1);
  g.nodes[n].attrs.padding_same = same;
  g.nodes[n].attrs.stride_h = g.nodes[n].attrs.stride_w = stride;
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);
  check_dims(&g, y, 4, (int32_t[]){1, oh, ow, 4});
  if (g.tensors[y].count == (size_t)(oh * ow * 4)) check_f32(fdata(&g, y), want, (size_t)(oh * ow * 4), 1e-4);
  kt_graph_release(&g);
}

static void test_depthwise_multiplier2(void) {
  /* out(0,0) channel c*2+m = sum over the 2x2 window of x[c] * f[ky][kx][c][m]:
   * c0,m0: 1*1 + 2*-1 + 4*2 + 5*0 = 7; c1,m1: 10*4 + 20*1 + 40*1 + 50*3 = 250. */
  dw_case(false, 1, 2, 2, (const float[]){7, 3, -30, 250, 9, 5, -10, 340, 13, 9, 30, 520, 15, 11, 50, 610});
  /* SAME stride 2 on 3x3 with a 2x2 kernel: padding 0 before, 1 after. */
  dw_case(true, 2, 2, 2, (const float[]){7, 3, -30, 250, 15, 0, 150, 180, -1, 14, 210, 360, 9, 18, 270, 360});
}

/* ------------------------------------------------------------- unary */

static void test_unary(void) {
  const kt_op_type ops[4] = {kt_op_relu, kt_op_relu6, kt_op_sigmoid, kt_op_sqrt};
  const float in[5] = {-1, 0, 3, 6, 7.5f};
  const float want[4][5] = {
      {0, 0, 3, 6, 7.5f},
      {0, 0, 3, 6, 6},
      {0.26894142f, 0.5f, 0.95257413f, 0.99752738f, 0.99944722f},
      {NAN, 0, 1.7320508f, 2.4494897f, 2.7386128f},
  };
  for (int o = 0; o < 4; o++) {
    kt_graph g;
    kt_graph_init(&g);
    int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){5});
    int n = add_node(&g, ops[o], "u", (int[]){xi}, 1, 1);
    int y = node_out(&g, n, 0);
    KT_CHECK(prepare_and_run(&g, y, in) == kt_status_ok);
    for (int i = 0; i < 5; i++) {
      if (isnan(want[o][i]))
        KT_CHECK(isnan(fdata(&g, y)[i]));
      else
        KT_CHECK_NEAR(fdata(&g, y)[i], want[o][i], 1e-6);
    }
    kt_graph_release(&g);
  }
}

/* ------------------------------------------------------------ binary */

static double ref_f(kt_op_type op, double a, double b) {
  switch (op) {
    case kt_op_add: return a + b;
    case kt_op_sub: return a - b;
    case kt_op_mul: return a * b;
    case kt_op_div: return a / b;
    case kt_op_squared_difference: return (a - b) * (a - b);
    case kt_op_maximum: return a > b ? a : b;
    case kt_op_minimum: return a < b ? a : b;
    case kt_op_floor_div: return floor(a / b);
    default: return NAN;
  }
}

static void test_binary_broadcast(void) {
  /* a: input [2,1,3]; b: const [1,4,1]; y[i][j][k] = a[i][0][k] op b[0][j][0]. */
  const float a[6] = {1, 2, 3, -4, 5, 6};
  const float b[4] = {1, 2, -3, 4};
  const kt_op_type ops[] = {kt_op_add, kt_op_sub, kt_op_mul, kt_op_div, kt_op_squared_difference,
                            kt_op_maximum, kt_op_minimum, kt_op_floor_div};
  for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
    for (int swap = 0; swap < 2; swap++) {
      kt_graph g;
      kt_graph_init(&g);
      int xi = input_tensor(&g, kt_dtype_f32, 3, (int32_t[]){2, 1, 3});
      int ci = const_f(&g, "b", 3, (int32_t[]){1, 4, 1}, b);
      int n = add_node(&g, ops[o], "op", swap ? (int[]){ci, xi} : (int[]){xi, ci}, 2, 1);
      int y = node_out(&g, n, 0);
      KT_CHECK(prepare_and_run(&g, y, a) == kt_status_ok);
      check_dims(&g, y, 3, (int32_t[]){2, 4, 3});
      const float* out = fdata(&g, y);
      for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
          for (int k = 0; k < 3; k++) {
            double av = a[i * 3 + k], bv = b[j];
            double want = swap ? ref_f(ops[o], bv, av) : ref_f(ops[o], av, bv);
            KT_CHECK_NEAR(out[(i * 4 + j) * 3 + k], want, 1e-5);
          }
      kt_graph_release(&g);
    }
  }
  /* Spot values: (1,2,0): a=-4, b=-3: sub -> -1, squared difference -> 1. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 3, (int32_t[]){2, 1, 3});
  int ci = const_f(&g, "b", 3, (int32_t[]){1, 4, 1}, b);
  int n = add_node(&g, kt_op_sub, "op", (int[]){xi, ci}, 2, 1);
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, a) == kt_status_ok);
  KT_CHECK(fdata(&g, y)[(1 * 4 + 2) * 3 + 0] == -1.0f);
  KT_CHECK(fdata(&g, y)[(0 * 4 + 3) * 3 + 2] == -1.0f); /* 3 - 4 */
  KT_CHECK(fdata(&g, y)[(1 * 4 + 0) * 3 + 2] == 5.0f);  /* 6 - 1 */
  kt_graph_release(&g);

  /* Rank broadcast: [3] with [2,3]. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){3});
  ci = const_f(&g, "b", 2, (int32_t[]){2, 3}, (const float[]){10, 20, 30, 40, 50, 60});
  n = add_node(&g, kt_op_add, "op", (int[]){xi, ci}, 2, 1);
  y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){1, 2, 3}) == kt_status_ok);
  check_dims(&g, y, 2, (int32_t[]){2, 3});
  check_f32(fdata(&g, y), (const float[]){11, 22, 33, 41, 52, 63}, 6, 0);
  kt_graph_release(&g);

  /* Incompatible shapes [2,3] + [4,3] are refused. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){2, 3});
  ci = const_f(&g, "b", 2, (int32_t[]){4, 3}, (const float[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  n = add_node(&g, kt_op_add, "op", (int[]){xi, ci}, 2, 1);
  kt_graph_add_output(&g, node_out(&g, n, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);
}

static void test_binary_i32(void) {
  const int32_t x[7] = {-7, 7, -7, 7, 5, INT32_MIN, 6};
  const int32_t d[7] = {2, 2, -2, -2, 0, -1, 3};
  struct {
    kt_op_type op;
    int32_t want[7];
  } cases[] = {
      {kt_op_floor_div, {-4, 3, 3, -4, 0, 0, 2}},
      {kt_op_div, {-3, 3, 3, -3, 0, 0, 2}}, /* truncating; /0 and MIN/-1 give 0 */
      {kt_op_sub, {-9, 5, -5, 9, 5, INT32_MIN + 1, 3}},
      /* (INT32_MIN - -1)^2 = (2^31 - 1)^2 wraps to 1 modulo 2^32. */
      {kt_op_squared_difference, {81, 25, 25, 81, 25, 1, 9}},
  };
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    kt_graph g;
    kt_graph_init(&g);
    int xi = input_tensor(&g, kt_dtype_i32, 1, (int32_t[]){7});
    int ci = const_i(&g, "d", 1, (int32_t[]){7}, d);
    int n = add_node(&g, cases[c].op, "op", (int[]){xi, ci}, 2, 1);
    int y = node_out(&g, n, 0);
    KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);
    KT_CHECK(g.tensors[y].dtype == kt_dtype_i32);
    for (int i = 0; i < 7; i++) {
      if (idata(&g, y)[i] != cases[c].want[i])
        fprintf(stderr, "  op %d element %d: got %d want %d\n", (int)cases[c].op, i, (int)idata(&g, y)[i],
                (int)cases[c].want[i]);
      KT_CHECK(idata(&g, y)[i] == cases[c].want[i]);
    }
    kt_graph_release(&g);
  }
  /* f32 FloorDiv: -7 / 2 -> -4. Mixed dtypes are refused. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){2});
  int ci = const_f(&g, "d", 1, (int32_t[]){2}, (const float[]){2, -2});
  int n = add_node(&g, kt_op_floor_div, "op", (int[]){xi, ci}, 2, 1);
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){-7, -7}) == kt_status_ok);
  check_f32(fdata(&g, y), (const float[]){-4, 3}, 2, 0);
  kt_graph_release(&g);

  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){2});
  ci = const_i(&g, "d", 1, (int32_t[]){2}, (const int32_t[]){1, 2});
  n = add_node(&g, kt_op_add, "op", (int[]){xi, ci}, 2, 1);
  kt_graph_add_output(&g, node_out(&g, n, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);
}

/* ------------------------------------------------------------ argmax */

static void argmax_case(int32_t axis, const float* in, int32_t out_len, const int32_t* want) {
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){2, 4});
  int ai = scalar_i(&g, "axis", axis);
  int n = add_node(&g, kt_op_argmax, "am", (int[]){xi, ai}, 2, 1);
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, in) == kt_status_ok);
  KT_CHECK(g.tensors[y].dtype == kt_dtype_i32);
  check_dims(&g, y, 1, (int32_t[]){out_len});
  for (int i = 0; i < out_len; i++) KT_CHECK(idata(&g, y)[i] == want[i]);
  kt_graph_release(&g);
}

static void test_argmax_ties(void) {
  /* Rows: [1,3,3,2] -> 1 (first of the tied 3s); [5,5,5,5] -> 0. */
  const float a[8] = {1, 3, 3, 2, 5, 5, 5, 5};
  argmax_case(1, a, 2, (const int32_t[]){1, 0});
  argmax_case(-1, a, 2, (const int32_t[]){1, 0});
  /* Along axis 0: columns (1,7) (7,7) (3,1) (-2,-1) -> 1, 0, 0, 1. */
  const float b[8] = {1, 7, 3, -2, 7, 7, 1, -1};
  argmax_case(0, b, 4, (const int32_t[]){1, 0, 0, 1});
}

/* --------------------------------------------------------- gather_nd */

static void test_gather_nd(void) {
  /* params [3,2] = rows (1,2) (3,4) (5,6); indices [4,1] = 2, 0, 3, -1. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){3, 2});
  int ii = const_i(&g, "idx", 2, (int32_t[]){4, 1}, (const int32_t[]){2, 0, 3, -1});
  int n = add_node(&g, kt_op_gather_nd, "g", (int[]){xi, ii}, 2, 1);
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){1, 2, 3, 4, 5, 6}) == kt_status_ok);
  check_dims(&g, y, 2, (int32_t[]){4, 2});
  check_f32(fdata(&g, y), (const float[]){5, 6, 1, 2, 0, 0, 0, 0}, 8, 0);
  kt_graph_release(&g);

  /* Full index (k = rank): indices [3,2] = (1,1) (0,5) (2,0) -> 4, 0, 5. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){3, 2});
  ii = const_i(&g, "idx", 2, (int32_t[]){3, 2}, (const int32_t[]){1, 1, 0, 5, 2, 0});
  n = add_node(&g, kt_op_gather_nd, "g", (int[]){xi, ii}, 2, 1);
  y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){1, 2, 3, 4, 5, 6}) == kt_status_ok);
  check_dims(&g, y, 1, (int32_t[]){3});
  check_f32(fdata(&g, y), (const float[]){4, 0, 5}, 3, 0);
  kt_graph_release(&g);

  /* Index depth larger than the params' rank is a format error. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){3});
  ii = const_i(&g, "idx", 2, (int32_t[]){1, 2}, (const int32_t[]){0, 0});
  n = add_node(&g, kt_op_gather_nd, "g", (int[]){xi, ii}, 2, 1);
  kt_graph_add_output(&g, node_out(&g, n, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);
}

/* ------------------------------------------------ pack/unpack/concat */

static void test_pack_unpack_concat_round_trip(void) {
  /* x [2,3] = 1..6 -> unpack axis 1 (3 x [2]) -> pack axis 1 -> x again;
   * concat(x, packed) along axis 1 -> [2,6]. */
  kt_graph g;
  kt_graph_init(&g);
  const float x[6] = {1, 2, 3, 4, 5, 6};
  int xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){2, 3});
  int un = add_node(&g, kt_op_unpack, "unpack", (int[]){xi}, 1, 3);
  g.nodes[un].attrs.axis = 1;
  g.nodes[un].attrs.num = 3;
  int pk = add_node(&g, kt_op_pack, "pack",
                    (int[]){node_out(&g, un, 0), node_out(&g, un, 1), node_out(&g, un, 2)}, 3, 1);
  g.nodes[pk].attrs.axis = -1;
  int ax = scalar_i(&g, "axis", 1);
  int cc = add_node(&g, kt_op_concat, "concat", (int[]){xi, node_out(&g, pk, 0), ax}, 3, 1);
  int y = node_out(&g, cc, 0);
  KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);
  check_dims(&g, node_out(&g, un, 1), 1, (int32_t[]){2});
  check_dims(&g, node_out(&g, pk, 0), 2, (int32_t[]){2, 3});
  check_dims(&g, y, 2, (int32_t[]){2, 6});
  check_f32(fdata(&g, y), (const float[]){1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}, 12, 0);
  kt_graph_release(&g);

  /* unpack axis 0, pack axis 1 is a transpose: [3,2] = 1,4,2,5,3,6; then
   * concat along axis 0 with a constant row block. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){2, 3});
  un = add_node(&g, kt_op_unpack, "unpack", (int[]){xi}, 1, 2);
  g.nodes[un].attrs.axis = 0;
  g.nodes[un].attrs.num = 2;
  pk = add_node(&g, kt_op_pack, "pack", (int[]){node_out(&g, un, 0), node_out(&g, un, 1)}, 2, 1);
  g.nodes[pk].attrs.axis = 1;
  int ci = const_f(&g, "row", 2, (int32_t[]){1, 2}, (const float[]){7, 8});
  ax = scalar_i(&g, "axis", -2);
  cc = add_node(&g, kt_op_concat, "concat", (int[]){node_out(&g, pk, 0), ci, ax}, 3, 1);
  y = node_out(&g, cc, 0);
  KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);
  check_dims(&g, y, 2, (int32_t[]){4, 2});
  check_f32(fdata(&g, y), (const float[]){1, 4, 2, 5, 3, 6, 7, 8}, 8, 0);
  kt_graph_release(&g);
}

static void test_unpack_unused_output(void) {
  /* An Unpack output nothing reads still gets written by the kernel: it
   * must have memory (MoveNet has such nodes). pack(u2, u0) = 3,6,1,4. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){2, 3});
  int un = add_node(&g, kt_op_unpack, "unpack", (int[]){xi}, 1, 3);
  g.nodes[un].attrs.axis = 1;
  g.nodes[un].attrs.num = 3;
  int pk = add_node(&g, kt_op_pack, "pack", (int[]){node_out(&g, un, 2), node_out(&g, un, 0)}, 2, 1);
  int y = node_out(&g, pk, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){1, 2, 3, 4, 5, 6}) == kt_status_ok);
  KT_CHECK(g.tensors[node_out(&g, un, 1)].data != NULL);
  check_dims(&g, y, 2, (int32_t[]){2, 2});
  check_f32(fdata(&g, y), (const float[]){3, 6, 1, 4}, 4, 0);
  kt_graph_release(&g);
}

/* ---------------------------------------------------- resize_bilinear */

/* Input 2x2 [[0,1],[2,7]] is f(x,y) = x + 2y + 4xy, so an output pixel
 * sampling source (sx, sy) is sx + 2 sy + 4 sx sy. TensorFlow's source
 * coordinates for 2 -> 4 (clamped to [0, 1] by lower/upper clamping):
 *   half_pixel_centers: (i + 0.5) * 0.5 - 0.5 -> -0.25, 0.25, 0.75, 1.25 -> 0, .25, .75, 1
 *   align_corners:      i * 1/3               -> 0, 1/3, 2/3, 1
 *   legacy:             i * 0.5               -> 0, 0.5, 1, 1.5 -> 0, .5, 1, 1 */
static void resize_case(bool half_pixel, bool align, const double* coords) {
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 2, 2, 1});
  int si = const_i(&g, "size", 1, (int32_t[]){2}, (const int32_t[]){4, 4});
  int n = add_node(&g, kt_op_resize_bilinear, "rs", (int[]){xi, si}, 2, 1);
  g.nodes[n].attrs.half_pixel_centers = half_pixel;
  g.nodes[n].attrs.align_corners = align;
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){0, 1, 2, 7}) == kt_status_ok);
  check_dims(&g, y, 4, (int32_t[]){1, 4, 4, 1});
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      double sy = coords[i], sx = coords[j];
      KT_CHECK_NEAR(fdata(&g, y)[i * 4 + j], sx + 2 * sy + 4 * sx * sy, 1e-5);
    }
  kt_graph_release(&g);
}

static void test_resize_bilinear(void) {
  resize_case(true, false, (const double[]){0, 0.25, 0.75, 1});
  resize_case(false, true, (const double[]){0, 1.0 / 3, 2.0 / 3, 1});
  resize_case(false, false, (const double[]){0, 0.5, 1, 1});
  /* Hand-checked corners: half-pixel (1,2) samples (0.75, 0.25): .75+.5+.75 = 2. */
  /* Both flags at once is not a TensorFlow mode. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 2, 2, 1});
  int si = const_i(&g, "size", 1, (int32_t[]){2}, (const int32_t[]){4, 4});
  int n = add_node(&g, kt_op_resize_bilinear, "rs", (int[]){xi, si}, 2, 1);
  g.nodes[n].attrs.half_pixel_centers = g.nodes[n].attrs.align_corners = true;
  kt_graph_add_output(&g, node_out(&g, n, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_unsupported);
  kt_graph_release(&g);

  /* An empty image (a constant of height 0, folded at prepare) has no
   * pixels to interpolate: a format error, not a read before the data. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 4, 4, 1});
  int ci = const_f(&g, "empty", 4, (int32_t[]){1, 0, 2, 1}, NULL);
  si = const_i(&g, "size", 1, (int32_t[]){2}, (const int32_t[]){4, 4});
  n = add_node(&g, kt_op_resize_bilinear, "rs", (int[]){ci, si}, 2, 1);
  int add = add_node(&g, kt_op_add, "add", (int[]){xi, node_out(&g, n, 0)}, 2, 1);
  kt_graph_add_output(&g, node_out(&g, add, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);
}

/* --------------------------------------------------------------- cast */

static void test_cast(void) {
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){8});
  int n = add_node(&g, kt_op_cast, "cast", (int[]){xi}, 1, 1);
  g.nodes[n].attrs.dst_type = kt_dtype_i32;
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){1.9f, -1.9f, -0.5f, NAN, 3e9f, -3e9f, 0.0f, 255.99f}) ==
           kt_status_ok);
  KT_CHECK(g.tensors[y].dtype == kt_dtype_i32);
  const int32_t want[8] = {1, -1, 0, 0, INT32_MAX, INT32_MIN, 0, 255};
  for (int i = 0; i < 8; i++) KT_CHECK(idata(&g, y)[i] == want[i]);
  kt_graph_release(&g);

  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_i32, 1, (int32_t[]){3});
  n = add_node(&g, kt_op_cast, "cast", (int[]){xi}, 1, 1);
  g.nodes[n].attrs.dst_type = kt_dtype_f32;
  y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const int32_t[]){-3, 0, 16777217}) == kt_status_ok);
  KT_CHECK(g.tensors[y].dtype == kt_dtype_f32);
  check_f32(fdata(&g, y), (const float[]){-3, 0, 16777216.0f}, 3, 0);
  kt_graph_release(&g);
}

/* -------------------------------------------------------------- shape */

static kt_status reshape_case(const int32_t* shape, int n, int want_rank, const int32_t* want) {
  kt_graph g;
  kt_graph_init(&g);
  float x[24];
  for (int i = 0; i < 24; i++) x[i] = (float)i;
  int xi = input_tensor(&g, kt_dtype_f32, 3, (int32_t[]){2, 3, 4});
  int si = const_i(&g, "shape", 1, (int32_t[]){n}, shape);
  int nd = add_node(&g, kt_op_reshape, "reshape", (int[]){xi, si}, 2, 1);
  int y = node_out(&g, nd, 0);
  kt_status s = prepare_and_run(&g, y, x);
  if (s == kt_status_ok) {
    check_dims(&g, y, want_rank, want);
    check_f32(fdata(&g, y), x, 24, 0);
  }
  kt_graph_release(&g);
  return s;
}

static void test_reshape(void) {
  KT_CHECK(reshape_case((const int32_t[]){-1, 4}, 2, 2, (const int32_t[]){6, 4}) == kt_status_ok);
  KT_CHECK(reshape_case((const int32_t[]){4, -1}, 2, 2, (const int32_t[]){4, 6}) == kt_status_ok);
  KT_CHECK(reshape_case((const int32_t[]){2, -1, 3}, 3, 3, (const int32_t[]){2, 4, 3}) == kt_status_ok);
  KT_CHECK(reshape_case((const int32_t[]){24}, 1, 1, (const int32_t[]){24}) == kt_status_ok);
  KT_CHECK(reshape_case((const int32_t[]){-1, -1}, 2, 0, NULL) == kt_status_model_format);
  KT_CHECK(reshape_case((const int32_t[]){5, -1}, 2, 0, NULL) == kt_status_model_format);
  KT_CHECK(reshape_case((const int32_t[]){5, 5}, 2, 0, NULL) == kt_status_model_format);
  KT_CHECK(reshape_case((const int32_t[]){-2, 12}, 2, 0, NULL) == kt_status_model_format);
}

static kt_status squeeze_case(uint32_t mask, int want_rank, const int32_t* want) {
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 3, 1, 2});
  int n = add_node(&g, kt_op_squeeze, "sq", (int[]){xi}, 1, 1);
  g.nodes[n].attrs.squeeze_mask = mask;
  int y = node_out(&g, n, 0);
  kt_status s = prepare_and_run(&g, y, (const float[]){1, 2, 3, 4, 5, 6});
  if (s == kt_status_ok) {
    check_dims(&g, y, want_rank, want);
    check_f32(fdata(&g, y), (const float[]){1, 2, 3, 4, 5, 6}, 6, 0);
  }
  kt_graph_release(&g);
  return s;
}

static kt_status expand_case(int32_t axis, int want_rank, const int32_t* want) {
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 2, (int32_t[]){3, 2});
  int ai = scalar_i(&g, "axis", axis);
  int n = add_node(&g, kt_op_expand_dims, "ed", (int[]){xi, ai}, 2, 1);
  int y = node_out(&g, n, 0);
  kt_status s = prepare_and_run(&g, y, (const float[]){1, 2, 3, 4, 5, 6});
  if (s == kt_status_ok) {
    check_dims(&g, y, want_rank, want);
    check_f32(fdata(&g, y), (const float[]){1, 2, 3, 4, 5, 6}, 6, 0);
  }
  kt_graph_release(&g);
  return s;
}

static void test_squeeze_expand_dims(void) {
  KT_CHECK(squeeze_case(0, 2, (const int32_t[]){3, 2}) == kt_status_ok);
  KT_CHECK(squeeze_case(1u << 2, 3, (const int32_t[]){1, 3, 2}) == kt_status_ok);
  KT_CHECK(squeeze_case(1u << 0, 3, (const int32_t[]){3, 1, 2}) == kt_status_ok);
  KT_CHECK(squeeze_case(1u << 1, 0, NULL) == kt_status_model_format); /* dim 1 is 3 */
  KT_CHECK(expand_case(0, 3, (const int32_t[]){1, 3, 2}) == kt_status_ok);
  KT_CHECK(expand_case(1, 3, (const int32_t[]){3, 1, 2}) == kt_status_ok);
  KT_CHECK(expand_case(-1, 3, (const int32_t[]){3, 2, 1}) == kt_status_ok);
  KT_CHECK(expand_case(3, 0, NULL) == kt_status_model_format);
  KT_CHECK(expand_case(-4, 0, NULL) == kt_status_model_format);
}

/* ------------------------------------------------------------ folding */

static void test_constant_folding(void) {
  /* t = cast(c_i32) * c2 is all-constant: folded at prepare. y = x + t. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){3});
  int ci = const_i(&g, "ci", 1, (int32_t[]){3}, (const int32_t[]){1, 2, 3});
  int c2 = const_f(&g, "c2", 1, (int32_t[]){3}, (const float[]){0.5f, -1, 10});
  int cast = add_node(&g, kt_op_cast, "cast", (int[]){ci}, 1, 1);
  g.nodes[cast].attrs.dst_type = kt_dtype_f32;
  int mul = add_node(&g, kt_op_mul, "mul", (int[]){node_out(&g, cast, 0), c2}, 2, 1);
  int add = add_node(&g, kt_op_add, "add", (int[]){xi, node_out(&g, mul, 0)}, 2, 1);
  int y = node_out(&g, add, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){100, 200, 300}) == kt_status_ok);
  KT_CHECK(g.nodes[cast].folded && g.nodes[mul].folded && !g.nodes[add].folded);
  int t = node_out(&g, mul, 0);
  KT_CHECK(g.tensors[t].is_const && g.tensors[node_out(&g, cast, 0)].is_const);
  KT_CHECK(!g.tensors[y].is_const);
  check_f32(fdata(&g, t), (const float[]){0.5f, -2, 30}, 3, 0);
  KT_CHECK(g.num_order == 1 && g.order[0] == add);
  check_f32(fdata(&g, y), (const float[]){100.5f, 198, 330}, 3, 0);
  /* Running twice gives the same result (folded values are not overwritten). */
  KT_CHECK(kt_graph_run(&g) == kt_status_ok);
  check_f32(fdata(&g, y), (const float[]){100.5f, 198, 330}, 3, 0);
  kt_graph_release(&g);

  /* A graph whose output is itself constant is refused. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){3});
  c2 = const_f(&g, "c2", 1, (int32_t[]){3}, (const float[]){1, 2, 3});
  int id = add_node(&g, kt_op_identity, "id", (int[]){c2}, 1, 1);
  kt_graph_add_output(&g, node_out(&g, id, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_unsupported);
  kt_graph_release(&g);
}

static void test_prepare_errors(void) {
  kt_graph g;
  kt_graph_init(&g);
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_invalid_argument); /* no input/output */
  KT_CHECK(kt_graph_run(&g) == kt_status_invalid_state);
  int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){3});
  int other = -1;
  KT_CHECK(kt_graph_add_tensor(&g, "dangling", kt_dtype_f32, 1, (int32_t[]){3}, &other) == kt_status_ok);
  int n = add_node(&g, kt_op_add, "add", (int[]){xi, other}, 2, 1);
  kt_graph_add_output(&g, node_out(&g, n, 0));
  /* `dangling` has no producer and is neither constant nor the input. */
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);

  /* A cycle: a = relu(b), b = relu(a). */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){3});
  int na = add_node(&g, kt_op_relu, "a", (int[]){xi}, 1, 1);
  int nb = add_node(&g, kt_op_relu, "b", (int[]){node_out(&g, na, 0)}, 1, 1);
  g.nodes[na].inputs[0] = node_out(&g, nb, 0);
  kt_graph_add_output(&g, node_out(&g, nb, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);
}


/* --------------------------------------------- pad, pooling, d2s, DCE */

static void test_pad(void) {
  /* [1,2,2,1] padded (0,0),(1,0),(0,2),(0,1): 1x3x4x2, values at their spots. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 2, 2, 1});
  int pi = const_i(&g, "p", 2, (int32_t[]){4, 2}, (const int32_t[]){0, 0, 1, 0, 0, 2, 0, 1});
  int n = add_node(&g, kt_op_pad, "pad", (int[]){xi, pi}, 2, 1);
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){1, 2, 3, 4}) == kt_status_ok);
  check_dims(&g, y, 4, (int32_t[]){1, 3, 4, 2});
  float want[24] = {0};
  want[(1 * 4 + 0) * 2] = 1, want[(1 * 4 + 1) * 2] = 2, want[(2 * 4 + 0) * 2] = 3, want[(2 * 4 + 1) * 2] = 4;
  if (g.tensors[y].count == 24) check_f32(fdata(&g, y), want, 24, 0);
  kt_graph_release(&g);

  /* Negative padding is a format error. */
  kt_graph_init(&g);
  xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){2});
  pi = const_i(&g, "p", 2, (int32_t[]){1, 2}, (const int32_t[]){-1, 0});
  n = add_node(&g, kt_op_pad, "pad", (int[]){xi, pi}, 2, 1);
  kt_graph_add_output(&g, node_out(&g, n, 0));
  KT_CHECK(kt_graph_prepare(&g, kt_backend_reference) == kt_status_model_format);
  kt_graph_release(&g);
}

static void test_max_pool(void) {
  /* 4x4 = 0..15, 2x2 stride 2 VALID: maxima 5, 7, 13, 15; SAME 3x3 s2: 10, 11, 14, 15. */
  float x[16];
  for (int i = 0; i < 16; i++) x[i] = (float)i;
  for (int same = 0; same < 2; same++) {
    kt_graph g;
    kt_graph_init(&g);
    int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 4, 4, 1});
    int n = add_node(&g, kt_op_max_pool2d, "mp", (int[]){xi}, 1, 1);
    g.nodes[n].attrs.filter_h = g.nodes[n].attrs.filter_w = same ? 3 : 2;
    g.nodes[n].attrs.stride_h = g.nodes[n].attrs.stride_w = 2;
    g.nodes[n].attrs.padding_same = same;
    int y = node_out(&g, n, 0);
    KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);
    check_dims(&g, y, 4, (int32_t[]){1, 2, 2, 1});
    if (g.tensors[y].count == 4)
      check_f32(fdata(&g, y), same ? (const float[]){10, 11, 14, 15} : (const float[]){5, 7, 13, 15}, 4, 0);
    kt_graph_release(&g);
  }
}

static void test_depth_to_space(void) {
  /* 1x1x2 pixels of 8 channels, block 2 -> 2x4x2: y[i, w*2+j, c] = x[w, (i*2+j)*2 + c]. */
  float x[16];
  for (int i = 0; i < 16; i++) x[i] = (float)i;
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 4, (int32_t[]){1, 1, 2, 8});
  int n = add_node(&g, kt_op_depth_to_space, "d2s", (int[]){xi}, 1, 1);
  g.nodes[n].attrs.block_size = 2;
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);
  check_dims(&g, y, 4, (int32_t[]){1, 2, 4, 2});
  const float want[16] = {0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15};
  if (g.tensors[y].count == 16) check_f32(fdata(&g, y), want, 16, 0);
  kt_graph_release(&g);
}

static void test_binary_fused_clamp(void) {
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){3});
  int ci = const_f(&g, "c", 1, (int32_t[]){3}, (const float[]){1, 1, 1});
  int n = add_node(&g, kt_op_add, "add", (int[]){xi, ci}, 2, 1);
  g.nodes[n].attrs.act_min = 0.0f;
  g.nodes[n].attrs.act_max = 6.0f;
  int y = node_out(&g, n, 0);
  KT_CHECK(prepare_and_run(&g, y, (const float[]){-5, 2, 9}) == kt_status_ok);
  check_f32(fdata(&g, y), (const float[]){0, 3, 6}, 3, 0);
  kt_graph_release(&g);
}

static void test_multi_output_and_dead_nodes(void) {
  /* x -> a = relu(x) (output 0), b = sigmoid(x) (output 1), c = sqrt(x)
   * (read by nothing): c is dropped, a and b both computed. */
  kt_graph g;
  kt_graph_init(&g);
  int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){2});
  int na = add_node(&g, kt_op_relu, "a", (int[]){xi}, 1, 1);
  int nb = add_node(&g, kt_op_sigmoid, "b", (int[]){xi}, 1, 1);
  int nc = add_node(&g, kt_op_sqrt, "c", (int[]){xi}, 1, 1);
  kt_graph_add_output(&g, node_out(&g, na, 0));
  KT_CHECK(kt_graph_add_output(&g, node_out(&g, na, 0)) == kt_status_model_format); /* listed twice */
  int yb = node_out(&g, nb, 0);
  KT_CHECK(prepare_and_run(&g, yb, (const float[]){-1, 4}) == kt_status_ok);
  KT_CHECK(g.num_outputs == 2);
  KT_CHECK(g.nodes[nc].dead && !g.nodes[na].dead && !g.nodes[nb].dead);
  KT_CHECK(g.tensors[node_out(&g, nc, 0)].data == NULL);
  check_f32(fdata(&g, node_out(&g, na, 0)), (const float[]){0, 4}, 2, 0);
  check_f32(fdata(&g, yb), (const float[]){1 / (1 + expf(1)), 1 / (1 + expf(-4))}, 2, 1e-6);
  kt_graph_release(&g);
}

/* ------------------------------------------------------ memory planning */

static void test_memory_plan_no_overlap(void) {
  /* x[16] -> a1 relu -> a2 relu6 -> a3 sigmoid -> a4 sqrt -> a5 = a4 + a1
   * -> a6 = a5 * c[4,1] ([4,16]) -> a7 = a6 - a2 (output). a1 and a2 stay
   * alive across several nodes, so their memory must not be reused. */
  kt_graph g;
  kt_graph_init(&g);
  float x[16];
  for (int i = 0; i < 16; i++) x[i] = (float)i * 0.5f - 2.0f;
  int xi = input_tensor(&g, kt_dtype_f32, 1, (int32_t[]){16});
  int c = const_f(&g, "c", 2, (int32_t[]){4, 1}, (const float[]){1, -2, 3, 0.25f});
  int n1 = add_node(&g, kt_op_relu, "a1", (int[]){xi}, 1, 1);
  int a1 = node_out(&g, n1, 0);
  int n2 = add_node(&g, kt_op_relu6, "a2", (int[]){a1}, 1, 1);
  int a2 = node_out(&g, n2, 0);
  int n3 = add_node(&g, kt_op_sigmoid, "a3", (int[]){a2}, 1, 1);
  int n4 = add_node(&g, kt_op_sqrt, "a4", (int[]){node_out(&g, n3, 0)}, 1, 1);
  int n5 = add_node(&g, kt_op_add, "a5", (int[]){node_out(&g, n4, 0), a1}, 2, 1);
  int n6 = add_node(&g, kt_op_mul, "a6", (int[]){node_out(&g, n5, 0), c}, 2, 1);
  int n7 = add_node(&g, kt_op_sub, "a7", (int[]){node_out(&g, n6, 0), a2}, 2, 1);
  int y = node_out(&g, n7, 0);
  KT_CHECK(prepare_and_run(&g, y, x) == kt_status_ok);

  /* Lifetimes in execution order: [producer position, last_use]. */
  int pos[16];
  for (int i = 0; i < g.num_nodes; i++) pos[i] = -1;
  for (int p = 0; p < g.num_order; p++) pos[g.order[p]] = p;
  int checked = 0;
  for (int i = 0; i < g.num_tensors; i++) {
    const kt_tensor* ti = &g.tensors[i];
    if (ti->is_const) continue;
    KT_CHECK(ti->needs_buffer);
    KT_CHECK(ti->arena_offset + ti->count * 4 <= g.arena_size);
    for (int j = i + 1; j < g.num_tensors; j++) {
      const kt_tensor* tj = &g.tensors[j];
      if (tj->is_const || !ti->needs_buffer || !tj->needs_buffer) continue;
      int si = ti->producer >= 0 ? pos[ti->producer] : -1, sj = tj->producer >= 0 ? pos[tj->producer] : -1;
      bool live_overlap = !(ti->last_use < sj || tj->last_use < si);
      if (!live_overlap) continue;
      size_t bi = ti->arena_offset, ei = bi + ti->count * 4, bj = tj->arena_offset, ej = bj + tj->count * 4;
      if (bi < ej && bj < ei)
        fprintf(stderr, "  tensors %s [%d,%d] and %s [%d,%d] share bytes\n", ti->name, si, ti->last_use, tj->name,
                sj, tj->last_use);
      KT_CHECK(!(bi < ej && bj < ei));
      checked++;
    }
  }
  KT_CHECK(checked > 10);
  /* Some reuse happened (the arena is smaller than everything summed). */
  size_t sum = 0;
  for (int i = 0; i < g.num_tensors; i++)
    if (!g.tensors[i].is_const) sum += g.tensors[i].count * 4;
  KT_CHECK(g.arena_size < sum);

  /* And the values are right, which they would not be with aliasing. */
  const float cv[4] = {1, -2, 3, 0.25f};
  for (int r = 0; r < 4; r++)
    for (int i = 0; i < 16; i++) {
      double v1 = x[i] > 0 ? x[i] : 0, v2 = v1 > 6 ? 6 : v1;
      double v4 = sqrt(1.0 / (1.0 + exp(-v2)));
      double want = (v4 + v1) * cv[r] - v2;
      KT_CHECK_NEAR(fdata(&g, y)[r * 16 + i], want, 1e-5);
    }
  kt_graph_release(&g);
}

int main(void) {
  KT_RUN(test_conv2d_same_stride2);
  KT_RUN(test_conv2d_valid_stride2);
  KT_RUN(test_conv2d_dilation2);
  KT_RUN(test_conv2d_channels_ohwi);
  KT_RUN(test_conv2d_bias_relu6);
  KT_RUN(test_depthwise_multiplier2);
  KT_RUN(test_unary);
  KT_RUN(test_binary_broadcast);
  KT_RUN(test_binary_i32);
  KT_RUN(test_argmax_ties);
  KT_RUN(test_gather_nd);
  KT_RUN(test_pack_unpack_concat_round_trip);
  KT_RUN(test_unpack_unused_output);
  KT_RUN(test_resize_bilinear);
  KT_RUN(test_cast);
  KT_RUN(test_reshape);
  KT_RUN(test_squeeze_expand_dims);
  KT_RUN(test_constant_folding);
  KT_RUN(test_prepare_errors);
  KT_RUN(test_memory_plan_no_overlap);
  KT_RUN(test_pad);
  KT_RUN(test_max_pool);
  KT_RUN(test_depth_to_space);
  KT_RUN(test_binary_fused_clamp);
  KT_RUN(test_multi_output_and_dead_nodes);
  return kt_test_summary();
}
