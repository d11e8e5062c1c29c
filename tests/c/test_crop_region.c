/* Tests for src/pose/movenet/crop_region.c against values worked out by hand
 * from TF.js pose-detection's crop_utils.ts. */
#include <math.h>
#include <string.h>

#include "kt_test.h"
#include "pose/movenet/crop_region.h"

#define TOL 1e-6

static void check_region(const kt_crop_region* r, double y0, double x0,
                         double y1, double x1) {
  KT_CHECK_NEAR(r->y_min, y0, TOL);
  KT_CHECK_NEAR(r->x_min, x0, TOL);
  KT_CHECK_NEAR(r->y_max, y1, TOL);
  KT_CHECK_NEAR(r->x_max, x1, TOL);
  KT_CHECK_NEAR(r->height, y1 - y0, TOL);
  KT_CHECK_NEAR(r->width, x1 - x0, TOL);
}

/* A person whose torso is a box: hips at y_hip, shoulders at y_sh, the left
 * side at x_l, the right at x_r; every other keypoint scores 0. */
static void torso(kt_keypoint kp[KT_NUM_KEYPOINTS], float x_l, float x_r,
                  float y_sh, float y_hip) {
  memset(kp, 0, sizeof(kt_keypoint) * KT_NUM_KEYPOINTS);
  kp[kt_left_shoulder] = (kt_keypoint){x_l, y_sh, 0.9f};
  kp[kt_right_shoulder] = (kt_keypoint){x_r, y_sh, 0.9f};
  kp[kt_left_hip] = (kt_keypoint){x_l, y_hip, 0.9f};
  kp[kt_right_hip] = (kt_keypoint){x_r, y_hip, 0.9f};
}

static void test_init_landscape(void) {
  kt_crop_region r;
  KT_CHECK(kt_crop_region_init(640, 480, 1, &r) == kt_status_ok);
  check_region(&r, 0.0, 0.125, 1.0, 0.875); /* 480x480 square in the middle */
  KT_CHECK(kt_crop_region_init(640, 480, 0, &r) == kt_status_ok);
  check_region(&r, -80.0 / 480, 0.0, 560.0 / 480, 1.0); /* 640x640 padded */
}

static void test_init_portrait_and_square(void) {
  kt_crop_region r;
  KT_CHECK(kt_crop_region_init(480, 640, 1, &r) == kt_status_ok);
  check_region(&r, 0.125, 0.0, 0.875, 1.0);
  KT_CHECK(kt_crop_region_init(480, 640, 0, &r) == kt_status_ok);
  check_region(&r, 0.0, -80.0 / 480, 1.0, 560.0 / 480);
  KT_CHECK(kt_crop_region_init(100, 100, 1, &r) == kt_status_ok);
  check_region(&r, 0.0, 0.0, 1.0, 1.0);
  KT_CHECK(kt_crop_region_init(1, 1, 0, &r) == kt_status_ok);
  check_region(&r, 0.0, 0.0, 1.0, 1.0);
}

static void test_torso_visible(void) {
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  int v = -1;
  torso(kp, 0.4f, 0.6f, 0.3f, 0.6f);
  KT_CHECK(kt_crop_region_torso_visible(kp, &v) == kt_status_ok && v == 1);
  kp[kt_left_hip].score = 0.1f; /* one hip is enough */
  KT_CHECK(kt_crop_region_torso_visible(kp, &v) == kt_status_ok && v == 1);
  kp[kt_right_hip].score = 0.2f; /* the test is strictly above 0.2 */
  KT_CHECK(kt_crop_region_torso_visible(kp, &v) == kt_status_ok && v == 0);
  torso(kp, 0.4f, 0.6f, 0.3f, 0.6f);
  kp[kt_left_shoulder].score = 0.0f;
  kp[kt_right_shoulder].score = 0.05f;
  KT_CHECK(kt_crop_region_torso_visible(kp, &v) == kt_status_ok && v == 0);
}

static void test_next_from_torso(void) {
  /* 1000x1000: hip center (500,500) px; torso reaches 200 px up and 50 px
   * sideways: half = max(50*1.9, 200*1.9, 200*1.2, 50*1.2) = 380. */
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  kt_crop_region cur, r;
  KT_CHECK(kt_crop_region_init(1000, 1000, 1, &cur) == kt_status_ok);
  torso(kp, 0.45f, 0.55f, 0.3f, 0.5f);
  KT_CHECK(kt_crop_region_next(&cur, kp, 1000, 1000, &r) == kt_status_ok);
  check_region(&r, 0.12, 0.12, 0.88, 0.88);
  /* An ankle scoring below 0.2 is ignored by the body range... */
  kp[kt_left_ankle] = (kt_keypoint){0.45f, 0.95f, 0.19f};
  KT_CHECK(kt_crop_region_next(&cur, kp, 1000, 1000, &r) == kt_status_ok);
  check_region(&r, 0.12, 0.12, 0.88, 0.88);
  /* ...but at 0.5 it stretches it to 450*1.2 = 540, clamped to the 500 px
   * from the center to the farthest edge: the whole frame. */
  kp[kt_left_ankle].score = 0.5f;
  KT_CHECK(kt_crop_region_next(&cur, kp, 1000, 1000, &r) == kt_status_ok);
  check_region(&r, 0.0, 0.0, 1.0, 1.0);
}

static void test_next_non_square(void) {
  /* 640x480: hips at x 288 and 352 px, y 240; shoulders 50 px higher.
   * half = max(32*1.9, 50*1.9, 50*1.2, 32*1.2) = 95, center (320,240). */
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  kt_crop_region r;
  torso(kp, 0.45f, 0.55f, 190.0f / 480, 0.5f);
  KT_CHECK(kt_crop_region_next(NULL, kp, 640, 480, &r) == kt_status_ok);
  check_region(&r, 145.0 / 480, 225.0 / 640, 335.0 / 480, 415.0 / 640);
}

static void test_next_falls_back_to_init(void) {
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  kt_crop_region cur, r;
  KT_CHECK(kt_crop_region_init(1000, 800, 1, &cur) == kt_status_ok);
  /* Center (100,400) px near the left edge; torso 300 px tall: half =
   * min(570, 900) = 570 > 1000/2, so the padded full-frame crop. */
  torso(kp, 0.05f, 0.15f, 0.125f, 0.5f);
  KT_CHECK(kt_crop_region_next(&cur, kp, 1000, 800, &r) == kt_status_ok);
  check_region(&r, -0.125, 0.0, 1.125, 1.0);
  /* Torso not visible: padded crop, or the centered one with no current. */
  torso(kp, 0.4f, 0.6f, 0.3f, 0.6f);
  kp[kt_left_hip].score = kp[kt_right_hip].score = 0.1f;
  KT_CHECK(kt_crop_region_next(&cur, kp, 1000, 800, &r) == kt_status_ok);
  check_region(&r, -0.125, 0.0, 1.125, 1.0);
  KT_CHECK(kt_crop_region_next(NULL, kp, 1000, 800, &r) == kt_status_ok);
  check_region(&r, 0.0, 0.1, 1.0, 0.9);
}

static void test_crop_filter(void) {
  kt_crop_filter f;
  kt_crop_region a = {0, 0, 1, 1, 1, 1}, b = {1, 1, 2, 3, 1, 2}, r;
  KT_CHECK(kt_crop_filter_reset(&f) == kt_status_ok);
  KT_CHECK(kt_crop_filter_apply(&f, &a, &r) == kt_status_ok);
  check_region(&r, 0, 0, 1, 1); /* the first value passes through */
  KT_CHECK(kt_crop_filter_apply(&f, &b, &r) == kt_status_ok);
  check_region(&r, 0.9, 0.9, 1.9, 2.8); /* 90% of the way to b */
  KT_CHECK(kt_crop_filter_reset(&f) == kt_status_ok);
  KT_CHECK(kt_crop_filter_apply(&f, &b, &r) == kt_status_ok);
  check_region(&r, 1, 1, 2, 3);
}

static void test_invalid_arguments(void) {
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  kt_crop_region r = {7, 7, 7, 7, 7, 7};
  kt_crop_filter f;
  int v;
  torso(kp, 0.45f, 0.55f, 0.3f, 0.5f);
  KT_CHECK(kt_crop_region_init(0, 10, 1, &r) == kt_status_invalid_argument);
  KT_CHECK(kt_crop_region_init(10, -1, 1, &r) == kt_status_invalid_argument);
  KT_CHECK(kt_crop_region_init(10, 10, 1, NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_crop_region_torso_visible(NULL, &v) == kt_status_invalid_argument);
  KT_CHECK(kt_crop_region_next(NULL, NULL, 10, 10, &r) == kt_status_invalid_argument);
  KT_CHECK(kt_crop_region_next(NULL, kp, 10, 0, &r) == kt_status_invalid_argument);
  kp[kt_nose].x = NAN;
  KT_CHECK(kt_crop_region_next(NULL, kp, 10, 10, &r) == kt_status_invalid_argument);
  KT_CHECK(r.y_min == 7.0f); /* outputs untouched on failure */
  KT_CHECK(kt_crop_filter_reset(NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_crop_filter_reset(&f) == kt_status_ok);
  r.y_min = INFINITY;
  KT_CHECK(kt_crop_filter_apply(&f, &r, &r) == kt_status_invalid_argument);
}

int main(void) {
  KT_RUN(test_init_landscape);
  KT_RUN(test_init_portrait_and_square);
  KT_RUN(test_torso_visible);
  KT_RUN(test_next_from_torso);
  KT_RUN(test_next_non_square);
  KT_RUN(test_next_falls_back_to_init);
  KT_RUN(test_crop_filter);
  KT_RUN(test_invalid_arguments);
  return kt_test_summary();
}
