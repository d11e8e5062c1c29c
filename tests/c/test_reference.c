/* test_reference.c — reference movements: the signature (features, file,
 * parser), the clearest-repetition search, and counting and scoring
 * against a reference on synthetic sets: the same movement in another
 * depth, tempo and mirror counts; standing still, a quarter of the
 * movement and another exercise do not. */
#include <string.h>

#include "exercise/engine.h"
#include "exercise/reference/ref_signature.h"
#include "exercise_synth.h"
#include "kt_test.h"

/* A builder fed with a pose function over a script: still, reps, still. */
typedef struct { kt_reference_builder* b; syn_rng rng; double ts; } feed;

static void feed_frame(feed* f, syn_pose_fn pose, double depth) {
  kt_keypoint k[KT_NUM_KEYPOINTS];
  memset(k, 0, sizeof(k));
  pose(k, depth, NULL);
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    k[i].x += (float)syn_noise(&f->rng, 0.002);
    k[i].y += (float)syn_noise(&f->rng, 0.002);
  }
  KT_CHECK(kt_reference_builder_add(f->b, k, 1000, 1000, f->ts) == kt_status_ok);
  f->ts += 1000.0 / 30;
}

static void feed_rep(feed* f, syn_pose_fn pose, double peak, double ms) {
  const double start = f->ts;
  while (f->ts < start + ms) feed_frame(f, pose, peak * (1 - cos(2 * SYN_PI * (f->ts - start) / ms)) / 2);
}

static void feed_still(feed* f, syn_pose_fn pose, double ms) {
  const double end = f->ts + ms;
  while (f->ts < end) feed_frame(f, pose, 0);
}

/* A squat reference: one 2 s rep between 1 s of standing, span given. */
static char* squat_reference(double start, double end, int reps) {
  feed f = {NULL, {7}, 0};
  KT_CHECK(kt_reference_builder_create(&f.b) == kt_status_ok);
  feed_still(&f, syn_pose_squat, 1000);
  for (int i = 0; i < reps; i++) {
    feed_rep(&f, syn_pose_squat, 1, 2000);
    feed_still(&f, syn_pose_squat, 600);
  }
  feed_still(&f, syn_pose_squat, 400);
  char* json = NULL;
  const kt_status s = kt_reference_builder_finish(f.b, start, end, "squat-ref", "squat", "synthetic", &json);
  if (s != kt_status_ok) fprintf(stderr, "  finish: %s\n", kt_last_error());
  kt_reference_builder_destroy(f.b);
  return json;
}

static void test_signature_from_a_span(void) {
  char* json = squat_reference(1000, 3000, 1);
  KT_CHECK(json != NULL);
  kt_ref_signature s;
  char err[200];
  KT_CHECK(kt_ref_signature_parse(json, &s, err, sizeof(err)) == kt_status_ok);
  KT_CHECK(s.n == 41); /* 2 s at 20 per second */
  KT_CHECK_NEAR(s.duration_ms, 2000, 1e-9);
  KT_CHECK(!s.auto_span);
  /* the knees and hips move; the elbows stay still */
  KT_CHECK(s.moving[6] && s.moving[7] && s.moving[4] && s.moving[5]);
  KT_CHECK(s.used[0] && !s.moving[0]);
  /* the knee closes and reopens: straight (near 1) at both ends */
  KT_CHECK(s.x[0][6] > 0.9f && s.x[40][6] > 0.9f && s.x[20][6] < 0.7f);
  kt_free(json);
}

static void test_round_trip(void) {
  char* json = squat_reference(1000, 3000, 1);
  kt_ref_signature a, b;
  char err[200];
  KT_CHECK(kt_ref_signature_parse(json, &a, err, sizeof(err)) == kt_status_ok);
  cJSON* o = kt_ref_signature_json(&a);
  char* again = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  KT_CHECK(kt_ref_signature_parse(again, &b, err, sizeof(err)) == kt_status_ok);
  KT_CHECK(a.n == b.n && strcmp(a.id, b.id) == 0 && strcmp(a.name, b.name) == 0);
  for (int k = 0; k < a.n; k++)
    for (int f = 0; f < KT_REF_NFEAT; f++)
      KT_CHECK((isnan(a.x[k][f]) && isnan(b.x[k][f])) || fabsf(a.x[k][f] - b.x[k][f]) <= 1e-6f);
  for (int f = 0; f < KT_REF_NFEAT; f++) KT_CHECK(a.moving[f] == b.moving[f] && a.used[f] == b.used[f]);
  free(again);
  kt_free(json);
}

static void test_clearest_repetition_is_found(void) {
  char* json = squat_reference(-1, -1, 3);
  kt_ref_signature s;
  char err[200];
  KT_CHECK(json && kt_ref_signature_parse(json, &s, err, sizeof(err)) == kt_status_ok);
  KT_CHECK(s.auto_span);
  /* one of the three reps (each 2 s, the standing around it free) */
  KT_CHECK(s.duration_ms >= 1500 && s.duration_ms <= 2700);
  KT_CHECK(s.x[0][6] > 0.9f && s.x[s.n - 1][6] > 0.9f);
  kt_free(json);
}

static void test_builder_refusals(void) {
  feed f = {NULL, {3}, 0};
  KT_CHECK(kt_reference_builder_create(&f.b) == kt_status_ok);
  char* json = NULL;
  KT_CHECK(kt_reference_builder_finish(f.b, -1, -1, "x", "", "", &json) == kt_status_invalid_state);
  feed_still(&f, syn_pose_squat, 3000);
  KT_CHECK(kt_reference_builder_finish(f.b, -1, -1, "x", "", "", &json) == kt_status_model_format); /* nothing moves */
  KT_CHECK(kt_reference_builder_finish(f.b, 500, 2500, "x", "", "", &json) == kt_status_model_format);
  KT_CHECK(kt_reference_builder_finish(f.b, 500, 600, "x", "", "", &json) == kt_status_invalid_argument); /* too short */
  KT_CHECK(kt_reference_builder_finish(f.b, 2000, 9000, "x", "", "", &json) == kt_status_invalid_argument); /* outside */
  kt_keypoint k[KT_NUM_KEYPOINTS] = {{0, 0, 0}};
  KT_CHECK(kt_reference_builder_add(f.b, k, 1000, 1000, 10) == kt_status_invalid_argument); /* back in time */
  KT_CHECK(json == NULL);
  kt_reference_builder_destroy(f.b);
}

static void test_parser_refusals(void) {
  char* json = squat_reference(1000, 3000, 1);
  kt_ref_signature s;
  char err[200];
  struct { const char* from; const char* to; kt_status want; const char* field; } cases[] = {
      {"\"version\":1", "\"version\":2", kt_status_unsupported, "version"},
      {"\"format\":\"kinetrack-reference-signature\"", "\"format\":\"other\"", kt_status_model_format, "format"},
      {"\"name\":\"left_knee_angle\"", "\"name\":\"left_toe_angle\"", kt_status_model_format, "features[6].name"},
      {"\"durationMs\":2000", "\"durationMs\":-5", kt_status_model_format, "durationMs"},
      {"\"durationMs\":2000", "\"durationMs\":\"2000\"", kt_status_model_format, "durationMs"},
      {"\"id\":\"squat-ref\"", "\"id\":\"../../etc/passwd\"", kt_status_model_format, "id"},
      {"\"moving\":true", "\"moving\":1", kt_status_model_format, "moving"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char* at = strstr(json, cases[i].from);
    KT_CHECK(at != NULL);
    if (!at) continue;
    char* bad = malloc(strlen(json) + 64);
    const size_t pre = (size_t)(at - json);
    memcpy(bad, json, pre);
    strcpy(bad + pre, cases[i].to);
    strcat(bad, at + strlen(cases[i].from));
    const kt_status got = kt_ref_signature_parse(bad, &s, err, sizeof(err));
    KT_CHECK(got == cases[i].want);
    KT_CHECK(strstr(err, cases[i].field) != NULL);
    if (got != cases[i].want || !strstr(err, cases[i].field)) fprintf(stderr, "  case %zu: %s\n", i, err);
    free(bad);
  }
  KT_CHECK(kt_ref_signature_parse("[1,2]", &s, err, sizeof(err)) == kt_status_model_format);
  KT_CHECK(kt_ref_signature_parse("{\"format\":", &s, err, sizeof(err)) == kt_status_model_format);
  KT_CHECK(kt_ref_signature_parse(NULL, &s, err, sizeof(err)) == kt_status_invalid_argument);
  kt_free(json);
}

/* ------------------------------------------------------------- counting */

typedef struct { int mirror; double peak; } pose_ctx;

static void mirrored_squat(kt_keypoint* k, double d, void* c) {
  const pose_ctx* p = c;
  syn_pose_squat(k, d * p->peak, NULL);
  if (!p->mirror) return;
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) k[i].x = 1.0f - k[i].x;
  for (int i = 1; i + 1 < KT_NUM_KEYPOINTS; i += 2) {
    const kt_keypoint t = k[i];
    k[i] = k[i + 1];
    k[i + 1] = t;
  }
}

static void push_up_pose(kt_keypoint* k, double d, void* c) {
  (void)c;
  syn_push_up(k, 170 - 80 * d, 0);
}

/* A session against the squat reference; returns the count. */
static int session(const char* ref, int profile, syn_pose_fn pose, pose_ctx* ctx, int reps, double ms, cJSON** summary) {
  kt_exercise_config cfg = {.id = "squat-ref", .reference_json = ref, .scoring_profile = profile};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 11));
  if (!r.ex) return -1;
  syn_hold(&r, pose, 0, 1200, ctx);
  for (int i = 0; i < reps; i++) {
    syn_rep(&r, pose, 0, 1, 0, ms, ctx);
    syn_hold(&r, pose, 0, 400, ctx);
  }
  syn_hold(&r, pose, 0, 800, ctx);
  syn_end(&r);
  if (summary) *summary = r.summary;
  else cJSON_Delete(r.summary);
  KT_CHECK(r.final_count == r.summary_count);
  return r.final_count;
}

static void test_counts_the_same_movement(void) {
  char* ref = squat_reference(1000, 3000, 1);
  pose_ctx plain = {0, 1.0};
  cJSON* summary = NULL;
  KT_CHECK(session(ref, 2, mirrored_squat, &plain, 5, 2000, &summary) == 5);
  /* history[].referenceScore, avg_similarity and the averages */
  const cJSON* h = cJSON_GetArrayItem(cJSON_GetObjectItem(summary, "history"), 0);
  KT_CHECK(cJSON_IsNumber(cJSON_GetObjectItem(h, "referenceScore")));
  KT_CHECK(cJSON_GetObjectItem(h, "referenceScore")->valuedouble > 0.8);
  KT_CHECK(cJSON_IsNumber(cJSON_GetObjectItem(summary, "avg_similarity")));
  const cJSON* rs = cJSON_GetObjectItem(summary, "reference_score");
  KT_CHECK(rs && cJSON_IsNumber(cJSON_GetObjectItem(rs, "dtwScore")) && cJSON_IsString(cJSON_GetObjectItem(rs, "grade")));
  cJSON_Delete(summary);
  kt_free(ref);
}

static void test_counts_across_person_tempo_and_side(void) {
  char* ref = squat_reference(1000, 3000, 1);
  pose_ctx shallower = {0, 0.7}, deeper_mirror = {1, 1.0};
  KT_CHECK(session(ref, 1, mirrored_squat, &shallower, 4, 2000, NULL) == 4); /* calibrated to this person */
  KT_CHECK(session(ref, 1, mirrored_squat, &deeper_mirror, 4, 2000, NULL) == 4); /* filmed from the other side */
  pose_ctx plain = {0, 1.0};
  KT_CHECK(session(ref, 1, mirrored_squat, &plain, 4, 1200, NULL) == 4); /* faster */
  KT_CHECK(session(ref, 1, mirrored_squat, &plain, 3, 3400, NULL) == 3); /* slower */
  kt_free(ref);
}

static void test_does_not_count_what_is_not_the_movement(void) {
  char* ref = squat_reference(1000, 3000, 1);
  pose_ctx still = {0, 0.0}, quarter = {0, 0.25};
  KT_CHECK(session(ref, 2, mirrored_squat, &still, 5, 2000, NULL) == 0);
  KT_CHECK(session(ref, 2, mirrored_squat, &quarter, 5, 2000, NULL) == 0);
  KT_CHECK(session(ref, 2, push_up_pose, NULL, 5, 2000, NULL) == 0);
  kt_free(ref);
}

static void test_scores_and_min_grade(void) {
  char* ref = squat_reference(1000, 3000, 1);
  kt_exercise_config cfg = {.id = "squat-ref", .reference_json = ref, .scoring_profile = 1};
  pose_ctx plain = {0, 1.0};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, 5));
  syn_hold(&r, mirrored_squat, 0, 1200, &plain);
  cJSON* list = cJSON_CreateArray();
  double best = 0;
  int with_scores = 0;
  for (int i = 0; i < 3; i++) {
    const double start = r.ts;
    while (r.ts < start + 2000) {
      kt_keypoint k[KT_NUM_KEYPOINTS];
      mirrored_squat(k, (1 - cos(2 * SYN_PI * (r.ts - start) / 2000)) / 2, &plain);
      cJSON_Delete(list);
      list = cJSON_CreateArray();
      kt_exercise_update(r.ex, k, 1000, 1000, r.ts, list, 0, 0);
      const cJSON* m;
      cJSON_ArrayForEach(m, list) {
        const cJSON* rs = cJSON_GetObjectItem(m, "reference_score");
        if (!rs) continue;
        with_scores++;
        static const char* const keys[] = {"overallScore", "poseScore", "timingScore", "movementScore",
                                           "nccScore",     "dtwScore",  "distScore"};
        for (size_t q = 0; q < 7; q++) {
          const cJSON* v = cJSON_GetObjectItem(rs, keys[q]);
          KT_CHECK(cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 1);
        }
        const double overall = cJSON_GetObjectItem(rs, "overallScore")->valuedouble;
        best = overall > best ? overall : best;
        /* form_score mirrors overallScore */
        KT_CHECK_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "form_score"), "score")->valuedouble, overall * 100, 0.1);
      }
      r.ts += 1000.0 / 30;
    }
  }
  KT_CHECK(with_scores >= 2);
  KT_CHECK(best > 0.85); /* the reference's own movement, noise apart */
  cJSON_Delete(list);
  syn_end(&r);
  cJSON_Delete(r.summary);
  /* minGrade A drops a sloppy (shallow) set's reps */
  kt_exercise_config strict = {.id = "squat-ref", .reference_json = ref, .scoring_profile = 0, .min_grade = 'A'};
  pose_ctx shallow = {0, 0.6};
  KT_CHECK(syn_begin(&r, &strict, 9));
  syn_hold(&r, mirrored_squat, 0, 1200, &shallow);
  for (int i = 0; i < 4; i++) syn_rep(&r, mirrored_squat, 0, 1, 0, 3000, &shallow);
  syn_end(&r);
  cJSON_Delete(r.summary);
  KT_CHECK(r.final_count == 0);
  kt_free(ref);
}

static void test_bad_signature_refused_by_the_engine(void) {
  kt_exercise_config cfg = {.id = "x", .reference_json = "{\"format\":\"kinetrack-reference-signature\",\"version\":9}"};
  kt_exercise* ex = NULL;
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_unsupported);
  KT_CHECK(strstr(kt_last_error(), "version") != NULL);
  KT_CHECK(ex == NULL);
}

int main(void) {
  KT_RUN(test_signature_from_a_span);
  KT_RUN(test_round_trip);
  KT_RUN(test_clearest_repetition_is_found);
  KT_RUN(test_builder_refusals);
  KT_RUN(test_parser_refusals);
  KT_RUN(test_counts_the_same_movement);
  KT_RUN(test_counts_across_person_tempo_and_side);
  KT_RUN(test_does_not_count_what_is_not_the_movement);
  KT_RUN(test_scores_and_min_grade);
  KT_RUN(test_bad_signature_refused_by_the_engine);
  return kt_test_summary();
}
