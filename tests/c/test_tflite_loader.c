/* Tests of the TFLite loader (src/loaders/tflite): the flatbuffer reader's
 * bounds checks, the op mappings on the hand-built seed models of
 * tests/fuzz/corpus/tflite_loader (written by tests/fuzz/make_seeds.mjs;
 * expected values computed here by plain loops), refusals that name the
 * cause, truncated and corrupted files, and BlazePose's four real files
 * from models/ (names, shapes, one run on the reference kernels). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kinetrack.h"
#include "kt_test.h"
#include "loaders/tflite/flatbuffer.h"

#define SEEDS "tests/fuzz/corpus/tflite_loader/"

static kt_model* load_file(const char* path, kt_status* status) {
  size_t n = 0;
  uint8_t* bytes = kt_test_read_file(path, &n);
  kt_model* m = NULL;
  *status = bytes ? kt_model_load_tflite(bytes, n, kt_backend_reference, &m) : kt_status_invalid_argument;
  if (!bytes) fprintf(stderr, "  cannot read %s\n", path);
  free(bytes);
  return m;
}

/* ---------------------------------------------------------- flatbuffers */

static void test_flatbuffer_bounds(void) {
  /* root -> table at 12 whose vtable (at 4) has one u32 field at +4. */
  uint8_t b[20] = {12, 0, 0, 0, 6, 0, 8, 0, 4, 0, 0, 0, 8, 0, 0, 0, 42, 0, 0, 0};
  kt_fb fb = {b, sizeof(b)};
  kt_fb_table t;
  uint32_t v = 0;
  KT_CHECK(kt_fb_root(&fb, NULL, &t));
  KT_CHECK(kt_fb_u32(&t, 0, 7, &v) && v == 42);
  KT_CHECK(kt_fb_u32(&t, 5, 7, &v) && v == 7); /* beyond the vtable: default */
  KT_CHECK(!kt_fb_root(&fb, "TFL3", &t));      /* wrong identifier */
  fb.len = 18;                                 /* the field's value cut off */
  KT_CHECK(!kt_fb_root(&fb, NULL, &t) || !kt_fb_u32(&t, 0, 7, &v));
  b[0] = 200; /* root offset past the end */
  fb.len = sizeof(b);
  KT_CHECK(!kt_fb_root(&fb, NULL, &t));
  b[0] = 12;
  b[12] = 100; /* vtable before the start of the buffer */
  KT_CHECK(!kt_fb_root(&fb, NULL, &t));
  b[12] = 8;
  b[16] = 4; /* field 0 read as a vector: offset to 20 + count past the end */
  kt_fb_vector vec;
  KT_CHECK(kt_fb_root(&fb, NULL, &t) && !kt_fb_vector_field(&t, 0, 4, &vec));
  const char* s = NULL;
  size_t sl = 0;
  KT_CHECK(!kt_fb_string(&t, 0, &s, &sl));
}

/* ------------------------------------------------------ the seed models */

static float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

static void test_conv_chain(void) {
  kt_status s;
  kt_model* m = load_file(SEEDS "conv_chain", &s);
  KT_CHECK(s == kt_status_ok);
  if (!m) return;
  float x[18];
  for (int i = 0; i < 18; i++) x[i] = (float)((i * 5) % 7) - 2.5f;
  KT_CHECK(kt_model_run(m, kt_element_f32, x, 18) == kt_status_ok);
  KT_CHECK(kt_model_run(m, kt_element_i32, x, 18) == kt_status_invalid_argument);
  KT_CHECK(kt_model_run(m, kt_element_f32, x, 17) == kt_status_invalid_argument);
  const float* out = NULL;
  size_t n = 0;
  KT_CHECK(kt_model_output(m, 0, &out, &n) == kt_status_ok && n == 8);
  /* 1x1 conv, OHWI w = [[1,2],[3,-1]], bias [.5,-.5], relu6. */
  float y1[3][3][2], y2[2][2][2], y3[3][3][2] = {{{0}}}, want[2][2][2];
  for (int h = 0; h < 3; h++)
    for (int w = 0; w < 3; w++) {
      const float* p = x + (h * 3 + w) * 2;
      y1[h][w][0] = fminf(fmaxf(p[0] * 1 + p[1] * 2 + 0.5f, 0), 6);
      y1[h][w][1] = fminf(fmaxf(p[0] * 3 - p[1] + -0.5f, 0), 6);
    }
  /* depthwise [1,2,2,2] = {ky,kx,c}: (0,0)=1,.5 (0,1)=-1,2 (1,0)=.25,1 (1,1)=2,-.5 */
  const float dw[2][2][2] = {{{1, 0.5f}, {-1, 2}}, {{0.25f, 1}, {2, -0.5f}}};
  for (int h = 0; h < 2; h++)
    for (int w = 0; w < 2; w++)
      for (int c = 0; c < 2; c++) {
        float acc = 0;
        for (int ky = 0; ky < 2; ky++)
          for (int kx = 0; kx < 2; kx++) acc += y1[h + ky][w + kx][c] * dw[ky][kx][c];
        y2[h][w][c] = acc;
      }
  for (int h = 0; h < 2; h++) /* pad: one row before, one column after */
    for (int w = 0; w < 2; w++)
      for (int c = 0; c < 2; c++) y3[h + 1][w][c] = y2[h][w][c];
  const float add[2] = {-1, 0.5f};
  for (int h = 0; h < 2; h++)
    for (int w = 0; w < 2; w++)
      for (int c = 0; c < 2; c++) {
        float mx = -INFINITY;
        for (int ky = 0; ky < 2; ky++)
          for (int kx = 0; kx < 2; kx++) mx = fmaxf(mx, y3[h + ky][w + kx][c]);
        want[h][w][c] = sigmoidf(mx + add[c]);
      }
  for (int i = 0; out && n == 8 && i < 8; i++) KT_CHECK_NEAR(out[i], (&want[0][0][0])[i], 1e-6);
  kt_model_destroy(m);
}

static void test_sparse_d2s_concat(void) {
  kt_status s;
  kt_model* m = load_file(SEEDS "sparse_d2s_concat", &s);
  KT_CHECK(s == kt_status_ok);
  if (!m) return;
  KT_CHECK(kt_model_num_outputs(m) == 2);
  const char* name = NULL;
  int32_t dims[4];
  KT_CHECK(kt_model_output_info(m, 1, &name, dims) == kt_status_ok && strcmp(name, "out1") == 0 && dims[3] == 32);
  float x[16];
  for (int i = 0; i < 16; i++) x[i] = (float)i;
  KT_CHECK(kt_model_run(m, kt_element_f32, x, 16) == kt_status_ok);
  /* The densified permutation: output channel o reads input channel p[o]. */
  const int p[4] = {2, 0, 3, 1};
  float y1[16];
  for (int px = 0; px < 4; px++)
    for (int o = 0; o < 4; o++) y1[px * 4 + o] = x[px * 4 + p[o]];
  /* depth_to_space 2 of a 2x2x4 -> 4x4x1: (h*2+i, w*2+j) = y1[h][w][i*2+j]. */
  float y2[4][4];
  for (int h = 0; h < 2; h++)
    for (int w = 0; w < 2; w++)
      for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) y2[h * 2 + i][w * 2 + j] = y1[(h * 2 + w) * 4 + i * 2 + j];
  const float* out0 = NULL;
  const float* out1 = NULL;
  size_t n0 = 0, n1 = 0;
  KT_CHECK(kt_model_output(m, 0, &out0, &n0) == kt_status_ok && n0 == 4);
  KT_CHECK(kt_model_output(m, 1, &out1, &n1) == kt_status_ok && n1 == 32);
  /* half-pixel resize 4 -> 2 samples at 0.5 and 2.5: means of 2x2 blocks. */
  for (int h = 0; out0 && n0 == 4 && h < 2; h++)
    for (int w = 0; w < 2; w++) {
      float mean = (y2[2 * h][2 * w] + y2[2 * h][2 * w + 1] + y2[2 * h + 1][2 * w] + y2[2 * h + 1][2 * w + 1]) / 4;
      KT_CHECK_NEAR(out0[h * 2 + w], mean, 1e-5);
    }
  for (int i = 0; out1 && n1 == 32 && i < 32; i++) KT_CHECK(out1[i] == y1[i % 16]);
  kt_model_destroy(m);
}

static void expect_refused(const char* file, kt_status want, const char* mention) {
  kt_status s;
  kt_model* m = load_file(file, &s);
  KT_CHECK(m == NULL && s == want);
  if (!strstr(kt_last_error(), mention)) {
    fprintf(stderr, "  %s: '%s' does not mention '%s'\n", file, kt_last_error(), mention);
    KT_CHECK(false);
  }
  kt_model_destroy(m);
}

static void test_refusals_name_the_cause(void) {
  expect_refused(SEEDS "custom_op", kt_status_unsupported, "Landmarks2TransformMatrix");
  expect_refused(SEEDS "gather_op", kt_status_unsupported, "op 36");
  expect_refused(SEEDS "int8_tensor", kt_status_unsupported, "INT8");
  expect_refused(SEEDS "relu_v2", kt_status_unsupported, "schema version 2");
  kt_model* m = NULL;
  KT_CHECK(kt_model_load_tflite(NULL, 10, kt_backend_reference, &m) == kt_status_invalid_argument);
  const uint8_t junk[16] = "not a flatbuffer";
  KT_CHECK(kt_model_load_tflite(junk, sizeof(junk), kt_backend_reference, &m) == kt_status_model_format);
  KT_CHECK(m == NULL);
}

/* Every prefix and every single-byte corruption of a seed: a status, never
 * a crash (ASan/UBSan watch the reads). */
static void test_truncated_and_corrupt(void) {
  size_t n = 0;
  uint8_t* b = kt_test_read_file(SEEDS "sparse_d2s_concat", &n);
  KT_CHECK(b != NULL);
  if (!b) return;
  int ok_prefixes = 0, ok_corrupt = 0;
  for (size_t len = 0; len < n; len++) {
    uint8_t* cut = malloc(len ? len : 1); /* exactly sized: an over-read is an ASan report */
    memcpy(cut, b, len);
    kt_model* m = NULL;
    kt_status s = kt_model_load_tflite(cut, len, kt_backend_reference, &m);
    KT_CHECK((s == kt_status_ok) == (m != NULL));
    ok_prefixes += s == kt_status_ok;
    kt_model_destroy(m);
    free(cut);
  }
  for (size_t i = 0; i < n; i++) {
    uint8_t* c = malloc(n);
    memcpy(c, b, n);
    c[i] ^= (uint8_t)(0x5a + i);
    kt_model* m = NULL;
    kt_status s = kt_model_load_tflite(c, n, kt_backend_reference, &m);
    if (s == kt_status_ok) {
      float x[16] = {0};
      (void)kt_model_run(m, kt_element_f32, x, 16);
      ok_corrupt++;
    }
    kt_model_destroy(m);
    free(c);
  }
  KT_CHECK(ok_prefixes == 0); /* the last table ends the file */
  printf("# %zu prefixes refused; %d of %zu corruptions still load (padding, names, values)\n", n, ok_corrupt, n);
  free(b);
}

/* ----------------------------------------------------- BlazePose's files */

static void check_output(kt_model* m, int i, const char* name, int32_t d1, int32_t d2, int32_t d3) {
  const char* got = NULL;
  int32_t dims[4] = {0};
  KT_CHECK(kt_model_output_info(m, i, &got, dims) == kt_status_ok);
  if (!got || strcmp(got, name) != 0 || dims[1] != d1 || dims[2] != d2 || dims[3] != d3) {
    fprintf(stderr, "  output %d: %s [%d,%d,%d,%d], want %s [1,%d,%d,%d]\n", i, got ? got : "-", dims[0], dims[1],
            dims[2], dims[3], name, d1, d2, d3);
    KT_CHECK(false);
  }
}

static bool all_finite(kt_model* m) {
  for (int i = 0; i < kt_model_num_outputs(m); i++) {
    const float* o = NULL;
    size_t n = 0;
    if (kt_model_output(m, i, &o, &n) != kt_status_ok) return false;
    for (size_t k = 0; k < n; k++)
      if (!isfinite(o[k])) return false;
  }
  return true;
}

static void test_blazepose_files(void) {
  static const char* const kFiles[4] = {"models/pose_detection.tflite", "models/pose_landmark_lite.tflite",
                                        "models/pose_landmark_full.tflite", "models/pose_landmark_heavy.tflite"};
  for (int f = 0; f < 4; f++) {
    kt_status s;
    kt_model* m = load_file(kFiles[f], &s);
    if (s != kt_status_ok) fprintf(stderr, "  %s: %s (%s)\n", kFiles[f], kt_status_name(s), kt_last_error());
    KT_CHECK(s == kt_status_ok);
    if (!m) continue;
    int32_t in[4];
    KT_CHECK(kt_model_input_dims(m, in) == kt_status_ok);
    const int32_t side = f == 0 ? 224 : 256;
    KT_CHECK(in[1] == side && in[2] == side && in[3] == 3);
    if (f == 0) {
      KT_CHECK(kt_model_num_outputs(m) == 2);
      check_output(m, 0, "Identity", 1, 2254, 12);
      check_output(m, 1, "Identity_1", 1, 2254, 1);
    } else {
      KT_CHECK(kt_model_num_outputs(m) == 5);
      check_output(m, 0, "Identity", 1, 1, 195);
      check_output(m, 1, "Identity_1", 1, 1, 1);
      check_output(m, 2, "Identity_2", 256, 256, 1);
      check_output(m, 3, "Identity_3", 64, 64, 39);
      check_output(m, 4, "Identity_4", 1, 1, 117);
    }
    if (f <= 1) { /* one run each of the small ones (~1 s under ASan) */
      const size_t count = (size_t)side * side * 3;
      float* x = malloc(count * sizeof(float));
      for (size_t i = 0; i < count; i++) x[i] = (float)((i * 7919) % 255) / 255.0f;
      KT_CHECK(kt_model_run(m, kt_element_f32, x, count) == kt_status_ok);
      KT_CHECK(all_finite(m));
      free(x);
    }
    kt_model_destroy(m);
  }
  /* The detector cut short: a model_format error, whatever the cut. */
  size_t n = 0;
  uint8_t* b = kt_test_read_file(kFiles[0], &n);
  for (size_t cut = 1; b && cut < 8; cut++) {
    kt_model* m = NULL;
    size_t len = n * cut / 8;
    kt_status s = kt_model_load_tflite(b, len, kt_backend_reference, &m);
    KT_CHECK(s == kt_status_model_format && m == NULL);
  }
  free(b);
}

int main(void) {
  KT_RUN(test_flatbuffer_bounds);
  KT_RUN(test_conv_chain);
  KT_RUN(test_sparse_d2s_concat);
  KT_RUN(test_refusals_name_the_cause);
  KT_RUN(test_truncated_and_corrupt);
  KT_RUN(test_blazepose_files);
  return kt_test_summary();
}
