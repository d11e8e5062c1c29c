/* Tests for src/pose/filters/one_euro.c. The MoveNet-config sequence was
 * computed with a line-by-line JS transcription of tfjs-models'
 * shared/filters/{one_euro_filter,low_pass_filter}.ts. */
#include <math.h>
#include <string.h>

#include "kt_test.h"
#include "pose/filters/one_euro.h"

static const double kTwoPi = 6.283185307179586;

static void fill(kt_keypoint kp[KT_NUM_KEYPOINTS], float x, float y) {
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) kp[i] = (kt_keypoint){x, y, 0.01f * i};
}

static void test_hand_computed_step(void) {
  /* No threshold, beta 0: a plain low-pass. Samples 1 s apart give 1 Hz,
   * so alpha = 1 / (1 + 1 / (2*pi*1)) = 2pi / (1 + 2pi). */
  const kt_one_euro_config c = {30, 1.0, 0.0, 1.0, 0, 0, 0};
  kt_keypoints_one_euro f;
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  KT_CHECK(kt_keypoints_one_euro_init(&f, &c) == kt_status_ok);
  fill(kp, 0.0f, 1.0f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 1000.0) == kt_status_ok);
  KT_CHECK(kp[3].x == 0.0f && kp[3].y == 1.0f); /* first sample passes */
  fill(kp, 1.0f, 0.0f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 2000.0) == kt_status_ok);
  const double a = kTwoPi / (1 + kTwoPi);
  KT_CHECK_NEAR(kp[3].x, a, 1e-7);
  KT_CHECK_NEAR(kp[3].y, 1 - a, 1e-7);
  KT_CHECK(kp[3].score == 0.03f); /* scores are not filtered */
  KT_CHECK_NEAR(f.x[0].frequency, 1.0, 1e-12);
}

static void test_matches_tfjs_movenet_config(void) {
  const double ms[8] = {1000, 1033.4, 1066.7, 1100, 1100, 1133.3, 1166.6, 1200};
  const float v[8] = {0.5f, 0.52f, 0.51f, 0.9f, 0.1f, 0.3f, 0.3f, 0.31f};
  const double want[8] = {0.5, 0.51861988267839965, 0.51243419921947286,
                          0.89845948500701889, 0.10000000149011612,
                          0.30278773707656115, 0.30001895837272247,
                          0.30989011489063456};
  kt_keypoints_one_euro f;
  KT_CHECK(kt_keypoints_one_euro_init(&f, NULL) == kt_status_ok);
  for (int i = 0; i < 8; i++) {
    double out = -1;
    KT_CHECK(kt_one_euro_apply(&f.x[0], &f.config, v[i], trunc(ms[i] * 1000), &out) == kt_status_ok);
    KT_CHECK_NEAR(out, want[i], 1e-12);
  }
  /* The same through the keypoint API (float results). */
  kt_keypoints_one_euro g;
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  KT_CHECK(kt_keypoints_one_euro_init(&g, NULL) == kt_status_ok);
  for (int i = 0; i < 8; i++) {
    fill(kp, v[i], v[i]);
    KT_CHECK(kt_keypoints_one_euro_apply(&g, kp, ms[i]) == kt_status_ok);
    KT_CHECK_NEAR(kp[16].y, want[i], 1e-7);
  }
}

static void test_movenet_config_values(void) {
  kt_one_euro_config c;
  KT_CHECK(kt_one_euro_movenet_config(&c) == kt_status_ok);
  KT_CHECK(c.frequency == 30 && c.min_cutoff == 2.5 && c.beta == 300 &&
           c.derivate_cutoff == 2.5 && c.use_threshold &&
           c.threshold_cutoff == 0.5 && c.threshold_beta == 5);
}

static void test_converges_to_constant(void) {
  kt_keypoints_one_euro f;
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  KT_CHECK(kt_keypoints_one_euro_init(&f, NULL) == kt_status_ok);
  fill(kp, 0.2f, 0.2f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 1.0) == kt_status_ok);
  for (int i = 1; i <= 60; i++) { /* 2 s at 30 fps on a new position */
    fill(kp, 0.8f, 0.3f);
    KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 1.0 + i * 1000.0 / 30) == kt_status_ok);
    if (i == 1) KT_CHECK(kp[0].x > 0.2f && kp[0].x < 0.8f); /* smoothed */
  }
  KT_CHECK_NEAR(kp[0].x, 0.8, 1e-6);
  KT_CHECK_NEAR(kp[0].y, 0.3, 1e-6);
}

/* Lag behind a ramp after 1 s with the given beta (no threshold). */
static double ramp_lag(double beta) {
  const kt_one_euro_config c = {30, 1.0, beta, 1.0, 0, 0, 0};
  kt_keypoints_one_euro f;
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  KT_CHECK(kt_keypoints_one_euro_init(&f, &c) == kt_status_ok);
  for (int i = 0; i <= 30; i++) {
    fill(kp, 0.02f * i, 0);
    KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 100.0 + i * 1000.0 / 30) == kt_status_ok);
  }
  return 0.6 - kp[5].x;
}

static void test_higher_beta_lags_less(void) {
  const double lag0 = ramp_lag(0), lag1 = ramp_lag(1), lag10 = ramp_lag(10);
  KT_CHECK(lag0 > 0.05); /* a 1 Hz low-pass trails a 0.6/s ramp visibly */
  KT_CHECK(lag1 < lag0 && lag1 > 0);
  KT_CHECK(lag10 < lag1 && lag10 > 0);
}

static void test_timestamps(void) {
  kt_keypoints_one_euro f;
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  KT_CHECK(kt_keypoints_one_euro_init(&f, NULL) == kt_status_ok);
  /* 0 us means "no timestamp": passed through, nothing remembered. */
  fill(kp, 0.9f, 0.9f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 0.0) == kt_status_ok);
  KT_CHECK(kp[0].x == 0.9f && f.x[0].initialized == 0);
  fill(kp, 0.1f, 0.1f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 50.0) == kt_status_ok);
  KT_CHECK(kp[0].x == 0.1f && f.x[0].initialized == 1);
  KT_CHECK(f.x[0].frequency == 30.0); /* one timestamp: configured rate */
  /* Not after the last one (0.0004 ms later truncates to the same us):
   * passed through unfiltered, state unchanged. */
  fill(kp, 0.7f, 0.7f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 50.0004) == kt_status_ok);
  KT_CHECK(kp[0].x == 0.7f && f.x[0].raw == (double)0.1f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 10.0) == kt_status_ok);
  KT_CHECK(kp[0].x == 0.7f && f.x[0].last_us == 50000.0);
  fill(kp, 0.7f, 0.7f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 70.0) == kt_status_ok);
  KT_CHECK_NEAR(f.x[0].frequency, 50.0, 1e-9); /* 20 ms apart */
  KT_CHECK(kp[0].x > 0.1f && kp[0].x < 0.7f);
  /* Reset forgets: the next sample passes through again. */
  KT_CHECK(kt_keypoints_one_euro_reset(&f) == kt_status_ok);
  fill(kp, 0.3f, 0.3f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 90.0) == kt_status_ok);
  KT_CHECK(kp[0].x == 0.3f && f.x[0].frequency == 30.0);
}

static void test_invalid_arguments(void) {
  kt_keypoints_one_euro f;
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  kt_one_euro_config c;
  KT_CHECK(kt_keypoints_one_euro_init(NULL, NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_one_euro_movenet_config(&c) == kt_status_ok);
  c.min_cutoff = 0;
  KT_CHECK(kt_keypoints_one_euro_init(&f, &c) == kt_status_invalid_argument);
  KT_CHECK(kt_one_euro_movenet_config(&c) == kt_status_ok);
  c.threshold_cutoff = NAN;
  KT_CHECK(kt_keypoints_one_euro_init(&f, &c) == kt_status_invalid_argument);
  KT_CHECK(kt_keypoints_one_euro_init(&f, NULL) == kt_status_ok);
  fill(kp, 0.5f, 0.5f);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 10.0) == kt_status_ok);
  fill(kp, 0.6f, 0.6f);
  kp[4].y = INFINITY;
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 20.0) == kt_status_invalid_argument);
  KT_CHECK(kp[0].x == 0.6f && f.x[0].last_us == 10000.0); /* untouched */
  kp[4].y = 0.6f;
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, NAN) == kt_status_invalid_argument);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, kp, 1e308) == kt_status_invalid_argument);
  KT_CHECK(kt_keypoints_one_euro_apply(&f, NULL, 20.0) == kt_status_invalid_argument);
  KT_CHECK(kt_keypoints_one_euro_reset(NULL) == kt_status_invalid_argument);
}

int main(void) {
  KT_RUN(test_hand_computed_step);
  KT_RUN(test_matches_tfjs_movenet_config);
  KT_RUN(test_movenet_config_values);
  KT_RUN(test_converges_to_constant);
  KT_RUN(test_higher_beta_lags_less);
  KT_RUN(test_timestamps);
  KT_RUN(test_invalid_arguments);
  return kt_test_summary();
}
