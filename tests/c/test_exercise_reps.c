/* test_exercise_reps.c — repetition counting on synthetic sequences for
 * every built-in rep exercise and every difficulty: full reps, a pause at
 * the bottom, reps only deep enough for the easier levels, half reps,
 * jitter, a too-fast bob, a last rep cut at the bottom, noise and dropped
 * keypoints. Exact expected counts. */
#include <stdio.h>

#include "exercise_synth.h"
#include "kt_test.h"

static void pose_push_up(kt_keypoint* k, double d, void* c) {
  (void)c;
  syn_push_up(k, 170 - 100 * d, 0);
}
static void pose_lunge(kt_keypoint* k, double d, void* c) {
  (void)c;
  syn_lunge(k, 175 - 100 * d);
}
static void pose_jack(kt_keypoint* k, double d, void* c) {
  (void)c;
  syn_front(k, 170 * d, 0.1 + 0.25 * d, 0, 0, 0);
}

typedef struct rep_case {
  const char* id;
  syn_pose_fn pose;
  double full, mid, half;  /* depths: counts everywhere; counts on some levels; never counts */
  int mid_counts[3];       /* does a `mid` rep count at easy, medium, hard */
  double rep_ms;
} rep_case;

/* Depths chosen from the definitions' signals (measured through the
 * engine) so that a `mid` rep moves between medium's and hard's min_rom
 * from the pose's own start (0.62 of the textbook range, 0.67 for jacks)
 * and a `half` one under easy's but over its attempt size. */
static const rep_case kCases[] = {
    {"squat", syn_pose_squat, 0.95, 0.545, 0.25, {1, 1, 0}, 2000},
    {"push_up", pose_push_up, 0.95, 0.45, 0.2, {1, 1, 0}, 1600},
    {"lunge", pose_lunge, 0.95, 0.44, 0.25, {1, 1, 0}, 2000},
    {"jumping_jack", pose_jack, 0.93, 0.56, 0.3, {1, 1, 0}, 1000},
    {"low_impact_jack", pose_jack, 0.93, 0.56, 0.3, {1, 1, 0}, 1400},
};

/* The scripted session; returns the expected count. The person's own
 * range comes first: mid-depth reps, which count where the difficulty's
 * min_rom allows; then full reps, a pause at the bottom, half reps that
 * never count, jitter, and a last rep cut at the bottom. */
static int script(syn_run* r, const rep_case* c, int level) {
  int expected = 0;
  syn_hold(r, c->pose, 0, r->drop_rate > 0 ? 3000 : 1000, NULL); /* standing still */
  for (int i = 0; i < 2; i++) {
    syn_rep(r, c->pose, 0, c->mid, 0, c->rep_ms, NULL);
    expected += c->mid_counts[level];
  }
  for (int i = 0; i < 3; i++, expected++) syn_rep(r, c->pose, 0, c->full, 0, c->rep_ms, NULL);
  /* A pause at the bottom is still one rep. */
  syn_rep(r, c->pose, 0, c->full, c->full, c->rep_ms / 2, NULL);
  syn_hold(r, c->pose, c->full, 1500, NULL);
  syn_rep(r, c->pose, c->full, c->full, 0, c->rep_ms / 2, NULL);
  expected++;
  syn_hold(r, c->pose, 0, 500, NULL);
  for (int i = 0; i < 2; i++) syn_rep(r, c->pose, 0, c->half, 0, c->rep_ms, NULL); /* half reps */
  /* Jitter: hovering at half depth with extra noise. */
  const double noise = r->noise;
  r->noise = 0.005;
  syn_hold(r, c->pose, c->half, 1500, NULL);
  r->noise = noise;
  syn_rep(r, c->pose, c->half, c->half, 0, 600, NULL);
  syn_hold(r, c->pose, 0, 500, NULL);
  /* A last rep that ends at the bottom when the media ends. */
  syn_rep(r, c->pose, 0, c->full, c->full, c->rep_ms / 2, NULL);
  return expected;
}

static void run_case(const rep_case* c, int level, double drop_rate, uint64_t seed) {
  kt_exercise_config cfg = {0};
  cfg.id = c->id;
  cfg.difficulty = (kt_difficulty)level;
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, seed));
  if (!r.ex) return;
  r.drop_rate = drop_rate;
  const int expected = script(&r, c, level);
  syn_end(&r);
  if (r.summary_count != expected)
    fprintf(stderr, "  %s level %d drop %.2f: counted %d, expected %d\n", c->id, level, drop_rate, r.summary_count,
            expected);
  KT_CHECK(r.summary_count == expected);
  KT_CHECK(r.final_count == expected);
  KT_CHECK(r.form_scores == expected);
  KT_CHECK(r.ready);
  KT_CHECK(r.progressions > 0);
  KT_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r.summary, "history")) == expected);
  cJSON_Delete(r.summary);
}

static void test_every_exercise_every_difficulty(void) {
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++)
    for (int level = 0; level < 3; level++) run_case(&kCases[i], level, 0, 1234 + i * 7 + (uint64_t)level);
}

static void test_dropped_keypoints(void) {
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++)
    for (int level = 0; level < 3; level++) run_case(&kCases[i], level, 0.03, 99 + i * 13 + (uint64_t)level);
}

static void test_too_fast_bobs_do_not_count(void) {
  kt_exercise_config cfg = {.id = "squat", .difficulty = kt_difficulty_medium};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 5));
  syn_hold(&r, syn_pose_squat, 0, 1000, NULL);
  for (int i = 0; i < 4; i++) syn_rep(&r, syn_pose_squat, 0, 0.95, 0, 500, NULL); /* 0.5 s: under min_rep_ms */
  syn_rep(&r, syn_pose_squat, 0, 0.95, 0, 2000, NULL);
  syn_end(&r);
  KT_CHECK(r.summary_count == 1);
  cJSON_Delete(r.summary);
}

static void test_starting_mid_rep_is_not_credited(void) {
  kt_exercise_config cfg = {.id = "push_up"};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 6));
  syn_hold(&r, pose_push_up, 0.95, 800, NULL); /* starts at the bottom */
  syn_rep(&r, pose_push_up, 0.95, 0.95, 0, 1000, NULL);
  for (int i = 0; i < 2; i++) syn_rep(&r, pose_push_up, 0, 0.95, 0, 1600, NULL);
  syn_end(&r);
  KT_CHECK(r.summary_count == 2);
  cJSON_Delete(r.summary);
}

static void test_min_grade_filters_reps(void) {
  /* Very fast but deep reps: tempo pulls the score down. */
  int counts[2];
  for (int g = 0; g < 2; g++) {
    kt_exercise_config cfg = {.id = "squat", .min_grade = g ? 'A' : 0};
    syn_run r;
    KT_CHECK(syn_begin(&r, &cfg, 7));
    syn_hold(&r, syn_pose_squat, 0, 1000, NULL);
    for (int i = 0; i < 3; i++) syn_rep(&r, syn_pose_squat, 0, 0.95, 0, 3000, NULL);
    for (int i = 0; i < 3; i++) syn_rep(&r, syn_pose_squat, 0, 0.95, 0, 1500, NULL);
    syn_end(&r);
    counts[g] = r.summary_count;
    KT_CHECK(r.form_scores == r.summary_count);
    cJSON_Delete(r.summary);
  }
  if (counts[0] != 6 || counts[1] != 3) fprintf(stderr, "  minGrade: %d %d\n", counts[0], counts[1]);
  KT_CHECK(counts[0] == 6);
  KT_CHECK(counts[1] == 3);
}

/* After a person's deep reps, one at less than half their depth is a
 * half rep even where the difficulty's bound would accept it alone. */
static void test_calibrated_to_the_person(void) {
  for (int deep_first = 0; deep_first < 2; deep_first++) {
    kt_exercise_config cfg = {.id = "squat", .difficulty = kt_difficulty_easy};
    syn_run r;
    KT_CHECK(syn_begin(&r, &cfg, 21));
    syn_hold(&r, syn_pose_squat, 0, 1000, NULL);
    if (deep_first)
      for (int i = 0; i < 4; i++) syn_rep(&r, syn_pose_squat, 0, 1.0, 0, 2000, NULL);
    syn_rep(&r, syn_pose_squat, 0, 0.45, 0, 2000, NULL); /* about 0.45 of the textbook range */
    syn_end(&r);
    KT_CHECK(r.summary_count == (deep_first ? 4 : 1));
    cJSON_Delete(r.summary);
  }
}

static void test_half_rep_cue(void) {
  kt_exercise_config cfg = {.id = "squat"};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 8));
  syn_hold(&r, syn_pose_squat, 0, 1000, NULL);
  syn_rep(&r, syn_pose_squat, 0, 0.444, 0, 2000, NULL);
  syn_end(&r);
  KT_CHECK(r.recommendations == 1);
  const cJSON* recs = cJSON_GetObjectItem(r.summary, "recommendations");
  KT_CHECK(cJSON_GetArraySize(recs) == 1);
  cJSON_Delete(r.summary);
}

static void test_wide_frame(void) {
  /* 16:9: metrics are measured in pixels, so the same pose (drawn in a
   * square) keeps its angles when its x is squeezed accordingly. */
  kt_exercise_config cfg = {.id = "squat"};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 9));
  r.w = 1000;
  r.h = 1000;
  syn_hold(&r, syn_pose_squat, 0, 1000, NULL);
  for (int i = 0; i < 5; i++) syn_rep(&r, syn_pose_squat, 0, 0.95, 0, 1800, NULL);
  syn_end(&r);
  KT_CHECK(r.summary_count == 5);
  cJSON_Delete(r.summary);
}

int main(void) {
  KT_RUN(test_every_exercise_every_difficulty);
  KT_RUN(test_dropped_keypoints);
  KT_RUN(test_too_fast_bobs_do_not_count);
  KT_RUN(test_starting_mid_rep_is_not_credited);
  KT_RUN(test_min_grade_filters_reps);
  KT_RUN(test_calibrated_to_the_person);
  KT_RUN(test_half_rep_cue);
  KT_RUN(test_wide_frame);
  return kt_test_summary();
}
