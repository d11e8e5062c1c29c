/* test_exercise_catalog.c — ids and aliases, creation errors, every
 * embedded definition compiling at every difficulty, and the field names
 * of the exercise messages (CONTRACT section 4). */
#include <string.h>

#include "exercise/catalog.h"
#include "exercise/catalog_data.h"
#include "exercise/engine.h"
#include "exercise_synth.h"
#include "kt_test.h"
#include "messages/exercise_messages.h"

static void test_lookup(void) {
  const char* id = NULL;
  int impl = -1, kind = -1;
  KT_CHECK(kt_exercise_lookup("squat", &id, &impl, &kind) == kt_status_ok && !strcmp(id, "squat") && impl == 1 &&
           kind == kt_exercise_kind_rep);
  KT_CHECK(kt_exercise_lookup("face_pushup", &id, &impl, &kind) == kt_status_ok && !strcmp(id, "push_up"));
  KT_CHECK(kt_exercise_lookup("pushup", &id, NULL, NULL) == kt_status_ok && !strcmp(id, "push_up"));
  KT_CHECK(kt_exercise_lookup("side_squat", &id, NULL, NULL) == kt_status_ok && !strcmp(id, "squat"));
  KT_CHECK(kt_exercise_lookup("jump", &id, &impl, &kind) == kt_status_ok && !strcmp(id, "air_time_jump") &&
           kind == kt_exercise_kind_jump && impl == 1);
  KT_CHECK(kt_exercise_lookup("face_plank", &id, &impl, &kind) == kt_status_ok && !strcmp(id, "plank") &&
           kind == kt_exercise_kind_hold);
  KT_CHECK(kt_exercise_lookup("face_balance_leg_left", &id, NULL, NULL) == kt_status_ok &&
           !strcmp(id, "balance_leg_left"));
  KT_CHECK(kt_exercise_lookup("deadlift", &id, &impl, &kind) == kt_status_ok && impl == 1);
  KT_CHECK(kt_exercise_lookup("side_lunge", &id, &impl, NULL) == kt_status_ok && !strcmp(id, "side_lunge") &&
           impl == 1);
  KT_CHECK(kt_exercise_in_v4("squat") && kt_exercise_in_v4("shoulder_roll") && !kt_exercise_in_v4("push_up") &&
           !kt_exercise_in_v4("air_time_jump") && !kt_exercise_in_v4("burpee") && !kt_exercise_in_v4(NULL));
  KT_CHECK(kt_exercise_lookup("cobra", NULL, &impl, &kind) == kt_status_ok && kind == kt_exercise_kind_hold);
  id = "untouched";
  KT_CHECK(kt_exercise_lookup("burpee", &id, NULL, NULL) == kt_status_invalid_argument && !strcmp(id, "untouched"));
  KT_CHECK(kt_exercise_lookup("Squat", NULL, NULL, NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_exercise_lookup(NULL, NULL, NULL, NULL) == kt_status_invalid_argument);
}

/* Every catalogue id with a definition compiles at every difficulty, its
 * kind as the catalogue says. */
static void test_every_definition_compiles(void) {
  int compiled = 0;
  for (int i = 0; i < kt_exercise_catalog_count; i++) {
    const kt_exercise_catalog_entry* e = &kt_exercise_catalog[i];
    if (!e->definition) continue;
    for (int level = 0; level < 3; level++) {
      kt_exercise_config cfg = {.id = e->id, .difficulty = (kt_difficulty)level, .user_height_cm = 170};
      kt_exercise* ex = NULL;
      const kt_status s = kt_exercise_create(&cfg, &ex);
      if (s != kt_status_ok) fprintf(stderr, "  %s: %s\n", e->id, kt_last_error());
      KT_CHECK(s == kt_status_ok);
      KT_CHECK(ex && !strcmp(kt_exercise_id(ex), e->id) && kt_exercise_kind_of(ex) == e->kind);
      kt_exercise_destroy(ex);
      compiled++;
    }
  }
  KT_CHECK(compiled >= 3 * 41);
}

/* A custom movement (userExercise): compiled from the operator's text;
 * a malformed one is refused with the field at fault, never a crash. */
static void test_custom_definitions(void) {
  static const char kGood[] =
      "{\"id\":\"my_curl\",\"kind\":\"rep\",\"placement\":{\"required\":[\"left_elbow||right_elbow\"]},"
      "\"metrics\":{\"elbow\":{\"type\":\"angle\",\"points\":[\"shoulder\",\"elbow\",\"wrist\"],\"sides\":\"best\"}},"
      "\"rep\":{\"signals\":[{\"metric\":\"elbow\",\"rest\":160,\"target\":45}]}}";
  kt_exercise_config cfg = {.id = "u-42", .definition_json = kGood};
  kt_exercise* ex = NULL;
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_ok);
  KT_CHECK(ex && !strcmp(kt_exercise_id(ex), "u-42") && kt_exercise_kind_of(ex) == kt_exercise_kind_rep);
  kt_exercise_destroy(ex);
  static const struct { const char* json; const char* reason; } kBad[] = {
      {"{\"id\":\"x\",\"kind\":\"rep\"", "not a JSON object"},
      {"{\"id\":\"x\",\"kind\":\"walk\",\"placement\":{}}", "kind"},
      {"{\"id\":\"x\",\"kind\":\"rep\",\"placement\":{},\"metrics\":{\"a\":{\"type\":\"angle\",\"points\":[\"hip\",\"knee\",\"elbow\"]}},"
       "\"rep\":{\"signals\":[{\"metric\":\"b\",\"rest\":0,\"target\":1}]}}", "unknown metric 'b'"},
      {"{\"id\":\"x\",\"kind\":\"rep\",\"placement\":{\"frames\":1e308},\"metrics\":{}}", "frames"},
      {"{\"id\":\"x\",\"kind\":\"hold\",\"placement\":{},\"metrics\":[1,2]}", "metrics"},
  };
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    cfg.definition_json = kBad[i].json;
    ex = NULL;
    KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_model_format && ex == NULL);
    if (!strstr(kt_last_error(), kBad[i].reason)) fprintf(stderr, "  bad #%zu: %s\n", i, kt_last_error());
    KT_CHECK(strstr(kt_last_error(), kBad[i].reason) != NULL);
  }
}

static void test_create_errors(void) {
  kt_exercise* ex = NULL;
  kt_exercise_config cfg = {.id = "burpee"};
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_invalid_argument);
  cfg.id = "squat";
  cfg.min_grade = 'F';
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_invalid_argument);
  cfg.min_grade = 0;
  cfg.placement_padding = 0.7;
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_invalid_argument);
  KT_CHECK(kt_exercise_create(NULL, &ex) == kt_status_invalid_argument);
  KT_CHECK(ex == NULL);
  kt_exercise_destroy(NULL);
}

static void test_update_errors(void) {
  kt_exercise_config cfg = {.id = "squat"};
  kt_exercise* ex = NULL;
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_ok);
  kt_keypoint k[KT_NUM_KEYPOINTS] = {{0}};
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(kt_exercise_update(ex, k, 0, 10, 0, list, 0, 0) == kt_status_invalid_argument);
  KT_CHECK(kt_exercise_update(ex, k, 10, 10, 100, list, 0, 0) == kt_status_ok);
  KT_CHECK(kt_exercise_update(ex, k, 10, 10, 50, list, 0, 0) == kt_status_invalid_argument);
  /* NaN keypoints are ignored, never trusted. */
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) k[i].x = k[i].y = NAN, k[i].score = 1;
  KT_CHECK(kt_exercise_update(ex, k, 10, 10, 150, list, 1, 1) == kt_status_ok);
  KT_CHECK(kt_exercise_finish(ex, 200, list) == kt_status_ok);
  KT_CHECK(kt_exercise_finish(ex, 200, list) == kt_status_invalid_state);
  KT_CHECK(kt_exercise_update(ex, k, 10, 10, 250, list, 0, 0) == kt_status_invalid_state);
  cJSON_Delete(list);
  kt_exercise_destroy(ex);
}

static int has_keys(const cJSON* m, const char* const* keys, int n) {
  for (int i = 0; i < n; i++)
    if (!cJSON_HasObjectItem(m, keys[i])) {
      fprintf(stderr, "  missing %s\n", keys[i]);
      return 0;
    }
  return 1;
}

static void test_message_fields(void) {
  kt_exercise_config cfg = {.id = "squat"};
  kt_exercise* ex = NULL;
  KT_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_ok);
  cJSON* all = cJSON_CreateArray();
  kt_keypoint k[KT_NUM_KEYPOINTS];
  double ts = 0;
  for (int rep = 0; rep < 3; rep++) {
    for (int i = 0; i < 60; i++, ts += 33.3) {
      const double d = rep == 0 ? 0 : 0.95 * (1 - cos(2 * SYN_PI * i / 60.0)) / 2;
      memset(k, 0, sizeof(k));
      syn_pose_squat(k, d, NULL);
      KT_CHECK(kt_exercise_update(ex, k, 1000, 1000, ts, all, 1, 1) == kt_status_ok);
    }
  }
  KT_CHECK(kt_exercise_finish(ex, ts, all) == kt_status_ok);
  kt_exercise_destroy(ex);
  static const char* const posture[] = {"type", "timestampMs", "message", "placementMessage", "direction",
                                        "postureDirection", "ready", "requirements", "missingKeypoints"};
  static const char* const counter[] = {"type", "timestampMs", "current_count", "form_score"};
  static const char* const form[] = {"score", "avg_score", "grade"};
  static const char* const summary[] = {"type", "exercise", "counter", "avg_rep_score", "grade", "durationMs",
                                        "history", "recommendations", "timestampMs"};
  static const char* const item[] = {"index", "formScore", "grade", "startMs", "endMs", "durationMs"};
  int seen_posture = 0, seen_counter = 0, seen_form = 0, seen_summary = 0, seen_progress = 0, finals = 0;
  const cJSON* m;
  cJSON_ArrayForEach(m, all) {
    const char* t = cJSON_GetObjectItem(m, "type")->valuestring;
    if (!strcmp(t, "posture")) seen_posture += has_keys(m, posture, 9);
    if (!strcmp(t, "counter")) {
      seen_counter += has_keys(m, counter, 4) && has_keys(cJSON_GetObjectItem(m, "form_score"), form, 3);
      finals += cJSON_IsTrue(cJSON_GetObjectItem(m, "final"));
    }
    if (!strcmp(t, "form_score")) seen_form += has_keys(m, form, 3);
    if (!strcmp(t, "progression")) seen_progress += cJSON_IsNumber(cJSON_GetObjectItem(m, "value"));
    if (!strcmp(t, "exercise_summary")) {
      seen_summary += has_keys(m, summary, 9);
      const cJSON* h = cJSON_GetObjectItem(m, "history");
      KT_CHECK(cJSON_GetArraySize(h) == 2);
      KT_CHECK(has_keys(cJSON_GetArrayItem(h, 0), item, 6));
      KT_CHECK(!strcmp(cJSON_GetObjectItem(m, "exercise")->valuestring, "squat"));
    }
  }
  KT_CHECK(seen_posture >= 2);
  KT_CHECK(seen_counter == 3); /* two reps and the final counter */
  KT_CHECK(finals == 1);
  KT_CHECK(seen_form == 2);
  KT_CHECK(seen_progress > 4);
  KT_CHECK(seen_summary == 1);
  cJSON_Delete(all);
}

int main(void) {
  KT_RUN(test_lookup);
  KT_RUN(test_every_definition_compiles);
  KT_RUN(test_custom_definitions);
  KT_RUN(test_create_errors);
  KT_RUN(test_update_errors);
  KT_RUN(test_message_fields);
  return kt_test_summary();
}
