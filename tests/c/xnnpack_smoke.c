/* Smoke test for the XNNPACK WebAssembly build (mk/third_party.mk).
 *
 * Builds small XNNPACK subgraphs through the public subgraph API of the
 * vendored XNNPACK (2024-11-08) and checks the outputs against direct C
 * computations:
 *   1. convolution_2d, explicit padding, bias, clamp           (NHWC / OHWI)
 *   2. convolution_2d stride 2 + XNN_FLAG_TENSORFLOW_SAME_PADDING,
 *      depthwise_convolution_2d (SAME), unary sigmoid, binary add,
 *      static_resize_bilinear_2d (half-pixel centers), concatenate2,
 *      static_reshape
 *   3. 1x1 convolution timing (informational only, prints GFLOP/s)
 * Single-threaded builds pass a NULL pthreadpool; with KT_THREADS=1
 * (-pthread, __EMSCRIPTEN_PTHREADS__) a 2-thread pthreadpool is used.
 *
 *   make xnnpack-smoke
 *   (node --no-experimental-fetch build/wasm/xnnpack-smoke/xnnpack_smoke.js)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <emscripten.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include "kt_test.h"

#define CHECK_OK(expr)                                                       \
  do {                                                                       \
    enum xnn_status st_ = (expr);                                            \
    if (st_ != xnn_status_success) {                                         \
      fprintf(stderr, "  %s:%d: %s -> status %d\n", __FILE__, __LINE__,      \
              #expr, (int)st_);                                              \
      kt_test_failed_checks++;                                               \
      goto cleanup;                                                          \
    }                                                                        \
  } while (0)

static pthreadpool_t threadpool = NULL; /* NULL: run on the caller thread */

/* Deterministic pseudo-random values in [-1, 1). */
static uint32_t rng_state = 12345u;
static float frand(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return (float)((rng_state >> 8) & 0xFFFF) / 32768.0f - 1.0f;
}
static void fill(float* p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = frand();
}

/* ---- reference ops (NHWC, batch 1) ------------------------------------ */

/* Convolution, filter [OC][KH][KW][IC] (OHWI), groups = 1. */
static void ref_conv(const float* in, int ih, int iw, int ic, const float* w,
                     const float* b, int oc, int kh, int kw, int sh, int sw,
                     int pad_top, int pad_left, int oh, int ow, float lo,
                     float hi, float* out) {
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox++)
      for (int o = 0; o < oc; o++) {
        double acc = b ? b[o] : 0.0;
        for (int ky = 0; ky < kh; ky++)
          for (int kx = 0; kx < kw; kx++) {
            int y = oy * sh + ky - pad_top, x = ox * sw + kx - pad_left;
            if (y < 0 || y >= ih || x < 0 || x >= iw) continue;
            for (int c = 0; c < ic; c++)
              acc += (double)in[(y * iw + x) * ic + c] *
                     w[((o * kh + ky) * kw + kx) * ic + c];
          }
        float v = (float)acc;
        out[(oy * ow + ox) * oc + o] = v < lo ? lo : (v > hi ? hi : v);
      }
}

/* Depthwise convolution (multiplier 1), filter [1][KH][KW][C]. */
static void ref_dwconv(const float* in, int ih, int iw, int c, const float* w,
                       const float* b, int kh, int kw, int sh, int sw,
                       int pad_top, int pad_left, int oh, int ow, float* out) {
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox++)
      for (int ch = 0; ch < c; ch++) {
        double acc = b[ch];
        for (int ky = 0; ky < kh; ky++)
          for (int kx = 0; kx < kw; kx++) {
            int y = oy * sh + ky - pad_top, x = ox * sw + kx - pad_left;
            if (y < 0 || y >= ih || x < 0 || x >= iw) continue;
            acc += (double)in[(y * iw + x) * c + ch] * w[(ky * kw + kx) * c + ch];
          }
        out[(oy * ow + ox) * c + ch] = (float)acc;
      }
}

/* TensorFlow "SAME": out = ceil(in / stride), extra padding goes after. */
static void tf_same(int in, int k, int s, int* out, int* pad_before) {
  *out = (in + s - 1) / s;
  int total = (*out - 1) * s + k - in;
  if (total < 0) total = 0;
  *pad_before = total / 2;
}

/* Bilinear resize, TF2 half_pixel_centers=True (XNNPACK default flags). */
static void ref_resize_half_pixel(const float* in, int ih, int iw, int c,
                                  int oh, int ow, float* out) {
  float sy = (float)ih / oh, sx = (float)iw / ow;
  for (int oy = 0; oy < oh; oy++) {
    float fy = ((float)oy + 0.5f) * sy - 0.5f;
    if (fy < 0) fy = 0;
    int y0 = (int)fy, y1 = y0 + 1 < ih ? y0 + 1 : ih - 1;
    float ay = fy - y0;
    for (int ox = 0; ox < ow; ox++) {
      float fx = ((float)ox + 0.5f) * sx - 0.5f;
      if (fx < 0) fx = 0;
      int x0 = (int)fx, x1 = x0 + 1 < iw ? x0 + 1 : iw - 1;
      float ax = fx - x0;
      for (int ch = 0; ch < c; ch++) {
        float tl = in[(y0 * iw + x0) * c + ch], tr = in[(y0 * iw + x1) * c + ch];
        float bl = in[(y1 * iw + x0) * c + ch], br = in[(y1 * iw + x1) * c + ch];
        float top = tl + (tr - tl) * ax, bot = bl + (br - bl) * ax;
        out[(oy * ow + ox) * c + ch] = top + (bot - top) * ay;
      }
    }
  }
}

/* ---- test 1: plain convolution --------------------------------------- */

static void test_conv2d_explicit_padding(void) {
  enum { IH = 5, IW = 6, IC = 3, OC = 4, K = 3, OH = 5, OW = 6 };
  static float in[IH * IW * IC], w[OC * K * K * IC], b[OC];
  static float out[OH * OW * OC], ref[OH * OW * OC];
  fill(in, IH * IW * IC);
  fill(w, OC * K * K * IC);
  fill(b, OC);
  const float lo = -1.5f, hi = 1.5f; /* exercise the fused clamp */

  xnn_subgraph_t sg = NULL;
  xnn_runtime_t rt = NULL;
  uint32_t in_id, w_id, b_id, out_id;
  CHECK_OK(xnn_create_subgraph(/*external_value_ids=*/2, 0, &sg));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, IH, IW, IC}, NULL, 0,
                                   XNN_VALUE_FLAG_EXTERNAL_INPUT, &in_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){OC, K, K, IC}, w,
                                   XNN_INVALID_VALUE_ID, 0, &w_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, (size_t[]){OC},
                                   b, XNN_INVALID_VALUE_ID, 0, &b_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, OH, OW, OC}, NULL, 1,
                                   XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &out_id));
  CHECK_OK(xnn_define_convolution_2d(sg, 1, 1, 1, 1, K, K, 1, 1, 1, 1,
                                     /*groups=*/1, IC, OC, lo, hi, in_id,
                                     w_id, b_id, out_id, 0));
  CHECK_OK(xnn_create_runtime_v2(sg, threadpool, 0, &rt));
  CHECK_OK(xnn_reshape_runtime(rt));
  struct xnn_external_value ext[2] = {{in_id, in}, {out_id, out}};
  CHECK_OK(xnn_setup_runtime_v2(rt, 2, ext));
  CHECK_OK(xnn_invoke_runtime(rt));

  ref_conv(in, IH, IW, IC, w, b, OC, K, K, 1, 1, 1, 1, OH, OW, lo, hi, ref);
  {
    float maxerr = 0;
    for (int i = 0; i < OH * OW * OC; i++) {
      float e = fabsf(out[i] - ref[i]);
      if (e > maxerr) maxerr = e;
    }
    KT_CHECK_NEAR(maxerr, 0.0, 1e-4);
  }
cleanup:
  if (rt) xnn_delete_runtime(rt);
  if (sg) xnn_delete_subgraph(sg);
}

/* ---- test 2: the op set a pose model needs ---------------------------- */

static void test_small_graph(void) {
  enum { IH = 9, IW = 11, IC = 3, C = 8, K = 3, S = 2 };
  int oh, ow, pt, pl, dpt, dpl, doh, dow;
  tf_same(IH, K, S, &oh, &pt);
  tf_same(IW, K, S, &ow, &pl);
  tf_same(oh, K, 1, &doh, &dpt);
  tf_same(ow, K, 1, &dow, &dpl);
  const int rh = 2 * oh, rw = 2 * ow; /* resize x2 */

  float in[IH * IW * IC], w1[C * K * K * IC], b1[C], w2[K * K * C], b2[C];
  fill(in, IH * IW * IC);
  fill(w1, C * K * K * IC);
  fill(b1, C);
  fill(w2, K * K * C);
  fill(b2, C);
  const size_t n_small = (size_t)oh * ow * C, n_big = (size_t)rh * rw * C;
  float* conv = malloc(n_small * sizeof(float));
  float* dw = malloc(n_small * sizeof(float));
  float* sum = malloc(n_small * sizeof(float));
  float* rz = malloc(n_big * sizeof(float));
  float* out = malloc(2 * n_big * sizeof(float));
  float* out2 = malloc(n_small * sizeof(float));

  xnn_subgraph_t sg = NULL;
  xnn_runtime_t rt = NULL;
  uint32_t x, w1_id, b1_id, c1, w2_id, b2_id, d1, sg1, add, res, cat, flat;
  CHECK_OK(xnn_create_subgraph(3, 0, &sg));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, IH, IW, IC}, NULL, 0,
                                   XNN_VALUE_FLAG_EXTERNAL_INPUT, &x));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){C, K, K, IC}, w1,
                                   XNN_INVALID_VALUE_ID, 0, &w1_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, (size_t[]){C},
                                   b1, XNN_INVALID_VALUE_ID, 0, &b1_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, oh, ow, C}, NULL,
                                   XNN_INVALID_VALUE_ID, 0, &c1));
  /* conv 3x3 stride 2, TF SAME padding (paddings must be 0 with the flag) */
  CHECK_OK(xnn_define_convolution_2d(
      sg, 0, 0, 0, 0, K, K, S, S, 1, 1, 1, IC, C, -INFINITY, INFINITY, x,
      w1_id, b1_id, c1, XNN_FLAG_TENSORFLOW_SAME_PADDING));
  /* depthwise 3x3 stride 1 SAME: filter [1, KH, KW, C] */
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, K, K, C}, w2,
                                   XNN_INVALID_VALUE_ID, 0, &w2_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, (size_t[]){C},
                                   b2, XNN_INVALID_VALUE_ID, 0, &b2_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, oh, ow, C}, NULL,
                                   XNN_INVALID_VALUE_ID, 0, &d1));
  CHECK_OK(xnn_define_depthwise_convolution_2d(
      sg, 0, 0, 0, 0, K, K, 1, 1, 1, 1, /*depth_multiplier=*/1, C,
      -INFINITY, INFINITY, c1, w2_id, b2_id, d1,
      XNN_FLAG_TENSORFLOW_SAME_PADDING));
  /* sigmoid(d1) */
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, oh, ow, C}, NULL,
                                   XNN_INVALID_VALUE_ID, 0, &sg1));
  CHECK_OK(xnn_define_unary(sg, xnn_unary_sigmoid, NULL, d1, sg1, 0));
  /* add = clamp(sigmoid + conv, -1, 2): binary op with output clamp params */
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, oh, ow, C}, NULL, 2,
                                   XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &add));
  struct xnn_binary_params bp = {.output_min = -1.0, .output_max = 2.0};
  CHECK_OK(xnn_define_binary(sg, xnn_binary_add, &bp, sg1, c1, add, 0));
  /* resize bilinear x2, half-pixel centers (flags 0) */
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, rh, rw, C}, NULL,
                                   XNN_INVALID_VALUE_ID, 0, &res));
  CHECK_OK(xnn_define_static_resize_bilinear_2d(sg, rh, rw, add, res, 0));
  /* concatenate [res, res] on channels, reshape to [1, rh*rw, 2C] */
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, rh, rw, 2 * C}, NULL,
                                   XNN_INVALID_VALUE_ID, 0, &cat));
  CHECK_OK(xnn_define_concatenate2(sg, /*axis=*/3, res, res, cat, 0));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 3,
                                   (size_t[]){1, rh * rw, 2 * C}, NULL, 1,
                                   XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &flat));
  CHECK_OK(xnn_define_static_reshape(sg, 3, (size_t[]){1, rh * rw, 2 * C},
                                     cat, flat, 0));

  CHECK_OK(xnn_create_runtime_v2(sg, threadpool, 0, &rt));
  CHECK_OK(xnn_reshape_runtime(rt));
  {
    size_t nd = 0, dims[XNN_MAX_TENSOR_DIMS];
    CHECK_OK(xnn_get_external_value_shape(rt, flat, &nd, dims));
    KT_CHECK(nd == 3 && dims[0] == 1 && dims[1] == (size_t)(rh * rw) &&
             dims[2] == 2 * C);
  }
  struct xnn_external_value ext[3] = {{x, in}, {flat, out}, {add, out2}};
  CHECK_OK(xnn_setup_runtime_v2(rt, 3, ext));
  CHECK_OK(xnn_invoke_runtime(rt));

  /* reference */
  ref_conv(in, IH, IW, IC, w1, b1, C, K, K, S, S, pt, pl, oh, ow, -INFINITY,
           INFINITY, conv);
  ref_dwconv(conv, oh, ow, C, w2, b2, K, K, 1, 1, dpt, dpl, doh, dow, dw);
  for (size_t i = 0; i < n_small; i++) {
    float v = 1.0f / (1.0f + expf(-dw[i])) + conv[i];
    sum[i] = v < -1.0f ? -1.0f : (v > 2.0f ? 2.0f : v);
  }
  ref_resize_half_pixel(sum, oh, ow, C, rh, rw, rz);
  {
    float e_add = 0, e_out = 0;
    for (size_t i = 0; i < n_small; i++) e_add = fmaxf(e_add, fabsf(out2[i] - sum[i]));
    for (size_t p = 0; p < (size_t)rh * rw; p++)
      for (int ch = 0; ch < 2 * C; ch++)
        e_out = fmaxf(e_out, fabsf(out[p * 2 * C + ch] - rz[p * C + ch % C]));
    KT_CHECK_NEAR(e_add, 0.0, 1e-4);
    KT_CHECK_NEAR(e_out, 0.0, 1e-4);
  }
cleanup:
  if (rt) xnn_delete_runtime(rt);
  if (sg) xnn_delete_subgraph(sg);
  free(conv); free(dw); free(sum); free(rz); free(out); free(out2);
}

/* ---- test 3: 1x1 convolution throughput (informational) --------------- */

static void test_conv1x1_timing(void) {
  enum { H = 56, W = 56, IC = 128, OC = 128, ITERS = 20 };
  float* in = malloc(sizeof(float) * H * W * IC);
  float* w = malloc(sizeof(float) * OC * IC);
  float* out = malloc(sizeof(float) * H * W * OC);
  fill(in, H * W * IC);
  fill(w, OC * IC);
  xnn_subgraph_t sg = NULL;
  xnn_runtime_t rt = NULL;
  uint32_t in_id, w_id, out_id;
  CHECK_OK(xnn_create_subgraph(2, 0, &sg));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, H, W, IC}, NULL, 0,
                                   XNN_VALUE_FLAG_EXTERNAL_INPUT, &in_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){OC, 1, 1, IC}, w,
                                   XNN_INVALID_VALUE_ID, 0, &w_id));
  CHECK_OK(xnn_define_tensor_value(sg, xnn_datatype_fp32, 4,
                                   (size_t[]){1, H, W, OC}, NULL, 1,
                                   XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &out_id));
  CHECK_OK(xnn_define_convolution_2d(sg, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, IC,
                                     OC, -INFINITY, INFINITY, in_id, w_id,
                                     XNN_INVALID_VALUE_ID, out_id, 0));
  CHECK_OK(xnn_create_runtime_v2(sg, threadpool, 0, &rt));
  CHECK_OK(xnn_reshape_runtime(rt));
  struct xnn_external_value ext[2] = {{in_id, in}, {out_id, out}};
  CHECK_OK(xnn_setup_runtime_v2(rt, 2, ext));
  CHECK_OK(xnn_invoke_runtime(rt)); /* warm-up */
  {
    double t0 = emscripten_get_now();
    for (int i = 0; i < ITERS; i++) CHECK_OK(xnn_invoke_runtime(rt));
    double ms = emscripten_get_now() - t0;
    double gflop = 2.0 * H * W * IC * OC * ITERS / 1e9;
    printf("info: 1x1 conv %dx%dx%d->%d: %.3f ms/iter, %.2f GFLOP/s\n", H, W,
           IC, OC, ms / ITERS, ms > 0 ? gflop / (ms / 1e3) : 0.0);
    /* spot-check one output pixel */
    double acc = 0;
    for (int c = 0; c < IC; c++) acc += (double)in[c] * w[5 * IC + c];
    KT_CHECK_NEAR(out[5], acc, 1e-4);
  }
cleanup:
  if (rt) xnn_delete_runtime(rt);
  if (sg) xnn_delete_subgraph(sg);
  free(in); free(w); free(out);
}

int main(void) {
  if (xnn_initialize(/*allocator=*/NULL) != xnn_status_success) {
    fprintf(stderr, "xnn_initialize failed\n");
    printf("0 passed, 1 failed\n");
    return 1;
  }
#ifdef __EMSCRIPTEN_PTHREADS__
  threadpool = pthreadpool_create(2);
  printf("info: pthreadpool threads: %zu\n",
         threadpool ? pthreadpool_get_threads_count(threadpool) : (size_t)1);
#endif
  KT_RUN(test_conv2d_explicit_padding);
  KT_RUN(test_small_graph);
  KT_RUN(test_conv1x1_timing);
  if (threadpool) pthreadpool_destroy(threadpool);
  xnn_deinitialize();
  return kt_test_summary();
}
