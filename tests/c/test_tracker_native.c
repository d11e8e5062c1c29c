/* End-to-end tests of the tracker (src/session/tracker.c) with the real
 * MoveNet model on the reference backend. Each frame costs ~1-2 s under
 * ASan, so the whole file processes 5 frames. Skips (with a note) when the
 * model files are absent. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "kinetrack.h"
#include "kt_test.h"

static kt_model* g_model;


static bool load_model(void) {
  size_t jl = 0, bl = 0;
  char* json = (char*)kt_test_read_file("models/movenet-lightning.json", &jl);
  uint8_t* bin = kt_test_read_file("models/movenet-lightning.bin", &bl);
  if (json && bin) {
    kt_status s = kt_model_load_tfjs(json, jl, bin, bl, kt_backend_reference, &g_model);
    if (s != kt_status_ok) fprintf(stderr, "  load: %s (%s)\n", kt_status_name(s), kt_last_error());
    KT_CHECK(s == kt_status_ok);
  }
  free(json);
  free(bin);
  return g_model != NULL;
}

/* Checks a keypoints message object; returns its 17 entries' validity. */
static void check_keypoints_message(const cJSON* m, int64_t frame_id) {
  KT_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "type")) &&
           strcmp(cJSON_GetObjectItemCaseSensitive(m, "type")->valuestring, "keypoints") == 0);
  const cJSON* fid = cJSON_GetObjectItemCaseSensitive(m, "frameId");
  KT_CHECK(cJSON_IsNumber(fid) && fid->valuedouble == (double)frame_id);
  const cJSON* kps = cJSON_GetObjectItemCaseSensitive(m, "keypoints");
  KT_CHECK(cJSON_IsArray(kps) && cJSON_GetArraySize(kps) == KT_NUM_KEYPOINTS);
  KT_CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m, "data")) == KT_NUM_KEYPOINTS);
  for (int i = 0; i < cJSON_GetArraySize(kps); i++) {
    const cJSON* k = cJSON_GetArrayItem(kps, i);
    const cJSON* name = cJSON_GetObjectItemCaseSensitive(k, "name");
    KT_CHECK(cJSON_IsString(name) && strcmp(name->valuestring, kt_keypoint_name(i)) == 0);
    const char* fields[3] = {"x", "y", "score"};
    for (int f = 0; f < 3; f++) {
      const cJSON* v = cJSON_GetObjectItemCaseSensitive(k, fields[f]);
      KT_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble));
    }
    const cJSON* score = cJSON_GetObjectItemCaseSensitive(k, "score");
    KT_CHECK(cJSON_IsNumber(score) && score->valuedouble >= 0.0 && score->valuedouble <= 1.0);
  }
}

static void test_bad_query(void) {
  kt_tracker* t = (kt_tracker*)&g_model; /* sentinel, never dereferenced */
  char* err = NULL;
  KT_CHECK(kt_tracker_create(g_model, "source=webcam", NULL, &t, &err) == kt_status_invalid_query);
  KT_CHECK(t == (kt_tracker*)&g_model);
  KT_CHECK(err != NULL);
  cJSON* j = err ? cJSON_Parse(err) : NULL;
  KT_CHECK(cJSON_IsObject(j));
  const cJSON* type = cJSON_GetObjectItemCaseSensitive(j, "type");
  KT_CHECK(cJSON_IsString(type) && strcmp(type->valuestring, "error") == 0);
  const cJSON* code = cJSON_GetObjectItemCaseSensitive(j, "code");
  KT_CHECK(cJSON_IsString(code) && strcmp(code->valuestring, "invalid_param") == 0);
  KT_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "fatal")));
  const cJSON* details = cJSON_GetObjectItemCaseSensitive(j, "details");
  const cJSON* param = cJSON_GetObjectItemCaseSensitive(details, "param");
  const cJSON* allowed = cJSON_GetObjectItemCaseSensitive(details, "allowed");
  KT_CHECK(cJSON_IsString(param) && strcmp(param->valuestring, "source") == 0);
  KT_CHECK(cJSON_IsString(allowed) && strcmp(allowed->valuestring, "video|image") == 0);
  cJSON_Delete(j);
  kt_free(err);

  /* Free plan with angles: an error message with that code. */
  err = NULL;
  KT_CHECK(kt_tracker_create(g_model, "angles=true", "free", &t, &err) == kt_status_invalid_query);
  KT_CHECK(err && strstr(err, "developer_features_not_allowed") != NULL);
  kt_free(err);
  /* Without an error_json_out the status is the same. */
  KT_CHECK(kt_tracker_create(g_model, "placementCountdownSeconds=3", NULL, &t, NULL) == kt_status_invalid_query);
  KT_CHECK(strstr(kt_last_error(), "feature_not_available") != NULL);
  /* BlazePose asked of a MoveNet-only tracker: the missing models are named. */
  KT_CHECK(kt_tracker_create(g_model, "blazepose=true&mediapipeModel=full", NULL, &t, NULL) == kt_status_invalid_argument);
  KT_CHECK(strstr(kt_last_error(), "BlazePose full") != NULL);
  /* Unknown plan, NULL model, NULL output: invalid arguments. */
  KT_CHECK(kt_tracker_create(g_model, "", "gold", &t, NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_create(NULL, "", NULL, &t, NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_create(g_model, "", NULL, NULL, NULL) == kt_status_invalid_argument);
  KT_CHECK(t == (kt_tracker*)&g_model);
  kt_tracker_destroy(NULL);
}

static void test_video_frames(void) {
  kt_tracker* t = NULL;
  char* err = NULL;
  KT_CHECK(kt_tracker_create(g_model, "", NULL, &t, &err) == kt_status_ok);
  KT_CHECK(err == NULL);
  if (!t) return;
  KT_CHECK(kt_tracker_source_is_image(t) == 0);
  KT_CHECK(kt_tracker_skeleton_enabled(t) == 1);
  kt_keypoint kps[KT_NUM_KEYPOINTS];
  KT_CHECK(kt_tracker_last_keypoints(t, kps) == kt_status_invalid_state);

  /* Argument errors before any frame. */
  static uint8_t tiny[4] = {255, 0, 0, 255};
  const char* out = "untouched";
  KT_CHECK(kt_tracker_process_rgba(t, tiny, 0, 1, 0, &out) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_process_rgba(t, tiny, 1, 0, 0, &out) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_process_rgba(t, tiny, -5, 1, 0, &out) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_process_rgba(t, NULL, 1, 1, 0, &out) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_process_rgba(t, tiny, 1, 1, NAN, &out) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_process_rgba(t, tiny, 1, 1, 0, NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_process_rgba(NULL, tiny, 1, 1, 0, &out) == kt_status_invalid_argument);
  KT_CHECK(kt_tracker_process_rgba(t, tiny, 100000, 100000, 0, &out) == kt_status_invalid_argument);
  KT_CHECK(strcmp(out, "untouched") == 0);

  /* Three frames of different sizes: 1x1, black 64x48, grey-ish 300x500. */
  struct {
    int32_t w, h;
  } sizes[3] = {{1, 1}, {64, 48}, {300, 500}};
  for (int f = 0; f < 3; f++) {
    const int32_t w = sizes[f].w, h = sizes[f].h;
    uint8_t* rgba = malloc((size_t)w * h * 4); /* exact size: ASan sees overreads */
    for (size_t i = 0; i < (size_t)w * h; i++) {
      uint8_t v = f == 1 ? 0 : (uint8_t)(i * 7 + f * 31);
      rgba[4 * i] = v, rgba[4 * i + 1] = (uint8_t)(v / 2), rgba[4 * i + 2] = (uint8_t)(255 - v), rgba[4 * i + 3] = 255;
    }
    out = NULL;
    kt_status s = kt_tracker_process_rgba(t, rgba, w, h, 33.25 * f, &out);
    if (s != kt_status_ok) fprintf(stderr, "  frame %dx%d: %s (%s)\n", w, h, kt_status_name(s), kt_last_error());
    KT_CHECK(s == kt_status_ok);
    KT_CHECK(out != NULL);
    cJSON* j = out ? cJSON_Parse(out) : NULL;
    KT_CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 1);
    const cJSON* m = cJSON_GetArrayItem(j, 0);
    check_keypoints_message(m, f);
    const cJSON* ts = cJSON_GetObjectItemCaseSensitive(m, "timestampMs");
    KT_CHECK(cJSON_IsNumber(ts) && ts->valuedouble == 33.25 * f);
    cJSON_Delete(j);

    KT_CHECK(kt_tracker_last_keypoints(t, kps) == kt_status_ok);
    for (int i = 0; i < KT_NUM_KEYPOINTS; i++)
      KT_CHECK(isfinite(kps[i].x) && isfinite(kps[i].y) && isfinite(kps[i].score));
    /* The overlay renders onto the frame in place without trouble. */
    KT_CHECK(kt_render_skeleton(rgba, w, h, kps, 0.0f, 1.0f) == kt_status_ok);
    KT_CHECK(kt_render_skeleton(rgba, w, h, kps, 0.0f, 0.0f) == kt_status_invalid_argument); /* scale 0 */
    free(rgba);
  }
  KT_CHECK(kt_render_skeleton(NULL, 4, 4, kps, 0.3f, 1.0f) == kt_status_invalid_argument);

  /* A frame as a texture needs the models on the webgl backend: refused
   * with the reason here, and counted nowhere; the bytes were counted. */
  KT_CHECK(kt_tracker_process_texture(t, 1, 64, 48, 200, &out) == kt_status_unsupported);
  KT_CHECK(strstr(kt_last_error(), "cannot read a frame from a GPU texture") != NULL);
  KT_CHECK(kt_tracker_process_texture(t, 0, 64, 48, 200, &out) == kt_status_invalid_argument);
  int64_t bytes = -1, textures = -1;
  KT_CHECK(kt_tracker_frame_stats(t, &bytes, &textures) == kt_status_ok);
  KT_CHECK(bytes == (1 * 1 + 64 * 48 + 300 * 500) * 4 && textures == 0);
  KT_CHECK(kt_tracker_frame_stats(t, NULL, &textures) == kt_status_invalid_argument);

  out = NULL;
  KT_CHECK(kt_tracker_finish(t, &out) == kt_status_ok);
  KT_CHECK(out && strcmp(out, "[]") == 0);
  KT_CHECK(kt_tracker_finish(t, NULL) == kt_status_invalid_argument);
  kt_tracker_destroy(t);
}

static void test_image_with_angles(void) {
  kt_tracker* t = NULL;
  KT_CHECK(kt_tracker_create(g_model, "source=image&angles=true&skeleton=false", "developer", &t, NULL) ==
           kt_status_ok);
  if (!t) return;
  KT_CHECK(kt_tracker_source_is_image(t) == 1);
  KT_CHECK(kt_tracker_skeleton_enabled(t) == 0);
  const int32_t w = 120, h = 90;
  uint8_t* rgba = malloc((size_t)w * h * 4);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint8_t* p = rgba + ((size_t)y * w + x) * 4;
      p[0] = (uint8_t)(x * 2), p[1] = (uint8_t)(y * 2), p[2] = 128, p[3] = 255;
    }
  const char* out = NULL;
  KT_CHECK(kt_tracker_process_rgba(t, rgba, w, h, 0, &out) == kt_status_ok);
  cJSON* j = out ? cJSON_Parse(out) : NULL;
  KT_CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 2);
  check_keypoints_message(cJSON_GetArrayItem(j, 0), 0);
  const cJSON* a = cJSON_GetArrayItem(j, 1);
  const cJSON* type = cJSON_GetObjectItemCaseSensitive(a, "type");
  KT_CHECK(cJSON_IsString(type) && strcmp(type->valuestring, "angles") == 0);
  const cJSON* knee = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "data"), "left_side"), "knee_angle");
  const cJSON* deg = cJSON_GetObjectItemCaseSensitive(knee, "from_hip_to_ankle");
  KT_CHECK(cJSON_IsNumber(deg) && deg->valuedouble >= 0.0 && deg->valuedouble <= 180.0);
  KT_CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(knee, "score_from_hip_to_ankle")));
  cJSON_Delete(j);

  /* image_overlay wraps the host's data URL. */
  out = NULL;
  KT_CHECK(kt_tracker_image_overlay(t, "data:image/png;base64,AAAA", w, h, 0, &out) == kt_status_ok);
  j = out ? cJSON_Parse(out) : NULL;
  KT_CHECK(cJSON_IsArray(j));
  const cJSON* m = cJSON_GetArrayItem(j, 0);
  KT_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "type")) &&
           strcmp(cJSON_GetObjectItemCaseSensitive(m, "type")->valuestring, "image_overlay") == 0);
  cJSON_Delete(j);
  KT_CHECK(kt_tracker_image_overlay(t, NULL, w, h, 0, &out) == kt_status_invalid_argument);

  /* The rendered frame differs from the input where the skeleton is drawn
   * (min_score 0 draws every keypoint, so something changes). */
  kt_keypoint kps[KT_NUM_KEYPOINTS];
  KT_CHECK(kt_tracker_last_keypoints(t, kps) == kt_status_ok);
  uint8_t* copy = malloc((size_t)w * h * 4);
  memcpy(copy, rgba, (size_t)w * h * 4);
  KT_CHECK(kt_render_skeleton(copy, w, h, kps, 0.0f, 1.0f) == kt_status_ok);
  KT_CHECK(memcmp(copy, rgba, (size_t)w * h * 4) != 0);
  free(copy);
  free(rgba);
  kt_tracker_destroy(t);
}

int main(void) {
  if (!load_model()) {
    printf("# skipped: models/movenet-lightning.{json,bin} not found or not loadable\n");
    return kt_test_summary() || kt_test_failed_checks;
  }
  KT_RUN(test_bad_query);
  KT_RUN(test_video_frames);
  KT_RUN(test_image_with_angles);
  kt_model_destroy(g_model);
  return kt_test_summary();
}
