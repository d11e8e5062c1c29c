/* Tests for src/pose/movenet/preprocess.c: cropAndResize sampling worked
 * out by hand, plus checksums of outputs that TF.js 4.22 (tfjs-backend-cpu,
 * tf.cast(tf.image.cropAndResize(...), 'int32')) gave for the same image. */
#include <stdint.h>
#include <string.h>

#include "kt_test.h"
#include "pose/movenet/preprocess.h"

#define MAX_W 640
#define MAX_H 480
static uint8_t g_rgba[MAX_W * MAX_H * 4];
static int32_t g_out[KT_MOVENET_INPUT_SIZE * KT_MOVENET_INPUT_SIZE * 3];

static kt_crop_region box(float y0, float x0, float y1, float x1) {
  kt_crop_region r = {y0, x0, y1, x1, y1 - y0, x1 - x0};
  return r;
}

static void set_px(int w, int x, int y, int r, int g, int b) {
  uint8_t* p = g_rgba + ((size_t)y * w + x) * 4;
  p[0] = (uint8_t)r, p[1] = (uint8_t)g, p[2] = (uint8_t)b, p[3] = 77;
}

static kt_status crop(int w, int h, kt_crop_region c, int oh, int ow) {
  return kt_movenet_crop_and_resize(g_rgba, w, h, &c, oh, ow, g_out,
                                    (size_t)oh * ow * 3);
}

static void test_identity_crop_reproduces_pixels(void) {
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 5; x++) set_px(5, x, y, 10 * x, 20 * y, 255 - x - y);
  KT_CHECK(crop(5, 4, box(0, 0, 1, 1), 4, 5) == kt_status_ok);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 5; x++) {
      const int32_t* o = g_out + (y * 5 + x) * 3;
      KT_CHECK(o[0] == 10 * x && o[1] == 20 * y && o[2] == 255 - x - y);
    }
}

static void test_gradient_upsampling(void) {
  /* Red = 0, 100, 200 across 3 columns; 5 samples land at 0, .5, 1, 1.5, 2. */
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 3; x++) set_px(3, x, y, 100 * x, 0, 0);
  KT_CHECK(crop(3, 2, box(0, 0, 1, 1), 1, 5) == kt_status_ok);
  /* One output row samples the middle of the box: y = 0.5 * (0 + 1) * 1. */
  const int32_t want[5] = {0, 50, 100, 150, 200};
  for (int x = 0; x < 5; x++) KT_CHECK(g_out[x * 3] == want[x]);
}

static void test_extrapolation_is_zero(void) {
  /* Red = 100, 150, 200; box x from -0.5 to 1.5 puts samples at
   * -1, 0, 1, 2, 3: the outer two fall outside [0, 2]. Rows likewise. */
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 3; x++) set_px(3, x, y, 100 + 50 * x, 100 + 50 * y, 9);
  KT_CHECK(crop(3, 3, box(-0.5f, -0.5f, 1.5f, 1.5f), 5, 5) == kt_status_ok);
  const int32_t want_r[5] = {0, 100, 150, 200, 0};
  for (int y = 0; y < 5; y++)
    for (int x = 0; x < 5; x++) {
      const int32_t* o = g_out + (y * 5 + x) * 3;
      const int inside = y >= 1 && y <= 3 && x >= 1 && x <= 3;
      KT_CHECK(o[0] == (inside ? want_r[x] : 0));
      KT_CHECK(o[1] == (inside ? 100 + 50 * (y - 1) : 0));
      KT_CHECK(o[2] == (inside ? 9 : 0));
    }
}

static void test_cast_truncates(void) {
  /* Red 0 and 3: the middle sample is 1.5, which int32 truncates to 1. */
  set_px(2, 0, 0, 0, 255, 1);
  set_px(2, 1, 0, 3, 0, 2);
  KT_CHECK(crop(2, 1, box(0, 0, 1, 1), 1, 3) == kt_status_ok);
  KT_CHECK(g_out[3] == 1 && g_out[4] == 127 && g_out[5] == 1);
}

static void test_one_pixel_image(void) {
  /* With H-1 = W-1 = 0 every sample position is 0: all 192x192 = the pixel,
   * whatever the box. */
  set_px(1, 0, 0, 12, 34, 56);
  KT_CHECK(crop(1, 1, box(-1, -2, 3, 4), 192, 192) == kt_status_ok);
  for (int i = 0; i < 192 * 192; i++) {
    KT_CHECK(g_out[i * 3] == 12 && g_out[i * 3 + 1] == 34 && g_out[i * 3 + 2] == 56);
  }
}

/* Same LCG as the script that produced the checksums with TF.js 4.22's
 * wasm backend (tf.image.cropAndResize bilinear, extrapolation 0, cast to
 * int32): the backend kinetrack's parity is measured against. */
static void fill_lcg(int w, int h) {
  uint32_t s = 12345;
  for (int i = 0; i < w * h * 4; i++) {
    s = s * 1103515245u + 12345u;
    g_rgba[i] = (uint8_t)((s >> 16) & 255);
  }
}

static void check_golden(int w, int h, kt_crop_region c, int oh, int ow,
                         long long want_sum, uint32_t want_hash) {
  fill_lcg(w, h);
  KT_CHECK(crop(w, h, c, oh, ow) == kt_status_ok);
  long long sum = 0;
  uint32_t hash = 0;
  for (int i = 0; i < oh * ow * 3; i++) {
    sum += g_out[i];
    hash = hash * 31u + (uint32_t)g_out[i];
  }
  KT_CHECK(sum == want_sum);
  KT_CHECK(hash == want_hash);
}

static void test_matches_tfjs(void) {
  check_golden(37, 23, box(-0.1f, 0.05f, 1.2f, 0.9f), 192, 192, 10873851, 830751099u);
  kt_crop_region lb;
  KT_CHECK(kt_movenet_letterbox_crop(640, 480, &lb) == kt_status_ok);
  check_golden(640, 480, lb, 192, 192, 10543371, 672817775u);
  check_golden(5, 300, box(0.3f, -0.4f, 0.7f, 1.4f), 192, 192, 7810641, 948717153u);
  /* An inverted box flips the image. */
  check_golden(31, 17, box(0.9f, 0.8f, 0.1f, 0.2f), 7, 5, 14395, 2838687185u);
}

static void test_letterbox_and_inverse_mapping(void) {
  kt_crop_region lb;
  KT_CHECK(kt_movenet_letterbox_crop(640, 480, &lb) == kt_status_ok);
  KT_CHECK_NEAR(lb.y_min, -1.0 / 6, 1e-6);
  KT_CHECK_NEAR(lb.y_max, 7.0 / 6, 1e-6);
  KT_CHECK(lb.x_min == 0.0f && lb.x_max == 1.0f);
  float x, y;
  /* The crop's center is the frame's center; its corner is the box's. */
  KT_CHECK(kt_movenet_crop_to_source(&lb, 0.5f, 0.5f, &x, &y) == kt_status_ok);
  KT_CHECK_NEAR(x, 0.5, 1e-6);
  KT_CHECK_NEAR(y, 0.5, 1e-6);
  kt_crop_region c = box(0.25f, 0.5f, 0.75f, 0.75f);
  KT_CHECK(kt_movenet_crop_to_source(&c, 0.0f, 1.0f, &x, &y) == kt_status_ok);
  KT_CHECK_NEAR(x, 0.75, 1e-7);
  KT_CHECK_NEAR(y, 0.25, 1e-7);
  float raw[KT_NUM_KEYPOINTS * 3];
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    raw[i * 3] = 0.5f, raw[i * 3 + 1] = 0.5f, raw[i * 3 + 2] = 0.01f * i;
  }
  KT_CHECK(kt_movenet_decode(raw, &c, kp) == kt_status_ok);
  KT_CHECK_NEAR(kp[16].x, 0.625, 1e-7);
  KT_CHECK_NEAR(kp[16].y, 0.5, 1e-7);
  KT_CHECK(kp[16].score == raw[16 * 3 + 2]);
}

static void test_invalid_arguments(void) {
  kt_crop_region c = box(0, 0, 1, 1);
  const size_t n = 192 * 192 * 3;
  g_out[0] = -7;
  KT_CHECK(kt_movenet_crop_and_resize(NULL, 1, 1, &c, 192, 192, g_out, n) == kt_status_invalid_argument);
  KT_CHECK(kt_movenet_crop_and_resize(g_rgba, 0, 1, &c, 192, 192, g_out, n) == kt_status_invalid_argument);
  KT_CHECK(kt_movenet_crop_and_resize(g_rgba, 1, 1, NULL, 192, 192, g_out, n) == kt_status_invalid_argument);
  KT_CHECK(kt_movenet_crop_and_resize(g_rgba, 1, 1, &c, 192, 192, g_out, n - 1) == kt_status_invalid_argument);
  KT_CHECK(kt_movenet_crop_and_resize(g_rgba, 1, 1, &c, 0, 192, g_out, 0) == kt_status_invalid_argument);
  c.x_max = NAN;
  KT_CHECK(kt_movenet_crop_and_resize(g_rgba, 1, 1, &c, 192, 192, g_out, n) == kt_status_invalid_argument);
  KT_CHECK(g_out[0] == -7);
  float x = 3, y = 3;
  KT_CHECK(kt_movenet_crop_to_source(NULL, 0, 0, &x, &y) == kt_status_invalid_argument);
  KT_CHECK(kt_movenet_letterbox_crop(0, 5, &c) == kt_status_invalid_argument);
  KT_CHECK(kt_movenet_decode(NULL, &c, NULL) == kt_status_invalid_argument);
}

int main(void) {
  KT_RUN(test_identity_crop_reproduces_pixels);
  KT_RUN(test_gradient_upsampling);
  KT_RUN(test_extrapolation_is_zero);
  KT_RUN(test_cast_truncates);
  KT_RUN(test_one_pixel_image);
  KT_RUN(test_matches_tfjs);
  KT_RUN(test_letterbox_and_inverse_mapping);
  KT_RUN(test_invalid_arguments);
  return kt_test_summary();
}
