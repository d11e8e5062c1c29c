/* test_exercise_jumps.c — jump_analysis (calibrated height) and
 * air_time_jump (h = g t^2 / 8) on synthetic jumps: heights, counts,
 * the six message types, discards. */
#include <stdio.h>

#include "exercise_synth.h"
#include "kt_test.h"

typedef struct jump_ctx { double peak; } jump_ctx;

/* depth = the fraction of the flight (0..1), -1 standing; tracking lost: -2. */
static void pose_jump(kt_keypoint* k, double u, void* ctx) {
  const jump_ctx* c = ctx;
  const double lift = u >= 0 ? 4 * c->peak * u * (1 - u) : 0;
  syn_front(k, 10, 0.08, lift, lift, lift);
  if (u < -1.5)
    for (int i = 0; i < KT_NUM_KEYPOINTS; i++) k[i].score = 0.05f;
}

static void flight(syn_run* r, jump_ctx* c, double ms) {
  const double start = r->ts;
  while (r->ts < start + ms) syn_frame(r, pose_jump, (r->ts - start) / ms, c);
}

static void test_air_time_height(void) {
  kt_exercise_config cfg = {.id = "jump"};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 11));
  r.fps = 60;
  jump_ctx c = {0.1};
  syn_hold(&r, pose_jump, -1, 1500, &c);
  for (int i = 0; i < 3; i++) {
    flight(&r, &c, 500);
    syn_hold(&r, pose_jump, -1, 1500, &c);
  }
  jump_ctx hop = {0.055}; /* a 0.15 s hop: under the 10 cm minimum */
  flight(&r, &hop, 150);
  syn_hold(&r, pose_jump, -1, 1500, &hop);
  syn_end(&r);
  const double expected = 9.81 * 0.5 * 0.5 / 8 * 100; /* 30.7 cm */
  KT_CHECK(r.jump_results == 3);
  KT_CHECK(r.summary_count == 3);
  KT_CHECK(r.final_count == 3);
  KT_CHECK_NEAR(r.last_jump_cm, expected, expected * 0.1);
  KT_CHECK(r.jump_started >= 3);
  KT_CHECK(r.jump_calibrations == 0);
  cJSON_Delete(r.summary);
}

static void test_calibrated_height(void) {
  kt_exercise_config cfg = {.id = "jump_analysis", .user_height_cm = 175};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 12));
  r.noise = 0.0005;
  jump_ctx c = {0.15};
  syn_hold(&r, pose_jump, -1, 1500, &c);
  for (int i = 0; i < 2; i++) {
    flight(&r, &c, 500);
    syn_hold(&r, pose_jump, -1, 1000, &c);
  }
  syn_end(&r);
  /* Body height in the pose: nose at 0.22, ankles at 0.95 of 1000 px. */
  const double cm_per_px = 175.0 / (730.0 / 0.88);
  KT_CHECK(r.jump_calibrations == 1);
  KT_CHECK(r.jump_results == 2);
  KT_CHECK_NEAR(r.last_jump_cm, 150 * cm_per_px, 2.0);
  cJSON_Delete(r.summary);
}

static void test_tracking_lost_discards(void) {
  kt_exercise_config cfg = {.id = "jump_analysis", .user_height_cm = 180};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 13));
  r.noise = 0.0005;
  jump_ctx c = {0.15};
  syn_hold(&r, pose_jump, -1, 1500, &c);
  const double start = r.ts;
  while (r.ts < start + 200) syn_frame(&r, pose_jump, (r.ts - start) / 500, &c);
  syn_hold(&r, pose_jump, -2, 600, &c); /* hips gone mid-air */
  syn_hold(&r, pose_jump, -1, 1000, &c);
  syn_end(&r);
  KT_CHECK(r.jump_started == 1);
  KT_CHECK(r.jump_discarded == 1);
  KT_CHECK(r.jump_results == 0);
  cJSON_Delete(r.summary);
}

static void test_missing_height_is_refused(void) {
  kt_exercise_config cfg = {.id = "jump_analysis"};
  kt_exercise* ex = NULL;
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_invalid_argument);
  KT_CHECK(ex == NULL);
  cfg.user_height_cm = -5;
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_invalid_argument);
}

int main(void) {
  KT_RUN(test_air_time_height);
  KT_RUN(test_calibrated_height);
  KT_RUN(test_tracking_lost_discards);
  KT_RUN(test_missing_height_is_refused);
  return kt_test_summary();
}
