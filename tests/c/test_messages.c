/* Tests for src/messages: the JSON message builders (checked on the
 * printed text, parsed back) and the cJSON arena. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "kt_test.h"
#include "messages/json_arena.h"
#include "messages/messages.h"

static const char* const kCoco[KT_NUM_KEYPOINTS] = {
    "nose",       "left_eye",    "right_eye",  "left_ear",  "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip",  "left_knee",   "right_knee", "left_ankle", "right_ankle"};

/* Prints `list`, parses the text back (so the checks see what a host
 * sees) and returns the parsed array; *text_out keeps the printed text. */
static cJSON* round_trip(cJSON* list, char** text_out) {
  char* text = cJSON_PrintUnformatted(list);
  KT_CHECK(text != NULL);
  cJSON* parsed = text ? cJSON_Parse(text) : NULL;
  KT_CHECK(parsed != NULL && cJSON_IsArray(parsed));
  if (text_out) *text_out = text;
  else free(text);
  return parsed;
}

static double num(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  KT_CHECK(cJSON_IsNumber(v));
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char* str(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  KT_CHECK(cJSON_IsString(v));
  return cJSON_IsString(v) ? v->valuestring : "";
}

static void fill_keypoints(kt_keypoint kp[KT_NUM_KEYPOINTS]) {
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++)
    kp[i] = (kt_keypoint){0.01f * (float)i + 0.1f, 1.0f - 0.02f * (float)i, 0.05f * (float)i};
}

/* A MoveNet pose (the COCO-17 skeleton) holding `kp`. */
static const kt_pose* coco_pose(const kt_keypoint kp[KT_NUM_KEYPOINTS]) {
  static kt_pose pose;
  kt_pose_clear(&pose, &kt_skeleton_coco17);
  pose.detected = true;
  memcpy(pose.coco, kp, sizeof(pose.coco));
  return &pose;
}

static void test_keypoints_message(void) {
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  fill_keypoints(kp);
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(kt_msg_keypoints(list, 1234.5, 42, coco_pose(kp)) == kt_status_ok);
  cJSON* parsed = round_trip(list, NULL);
  KT_CHECK(cJSON_GetArraySize(parsed) == 1);
  const cJSON* m = cJSON_GetArrayItem(parsed, 0);
  KT_CHECK(strcmp(str(m, "type"), "keypoints") == 0);
  KT_CHECK(num(m, "timestampMs") == 1234.5);
  KT_CHECK(num(m, "frameId") == 42);
  const cJSON* arrays[2] = {cJSON_GetObjectItemCaseSensitive(m, "data"),
                            cJSON_GetObjectItemCaseSensitive(m, "keypoints")};
  for (int a = 0; a < 2; a++) {
    KT_CHECK(cJSON_IsArray(arrays[a]) && cJSON_GetArraySize(arrays[a]) == KT_NUM_KEYPOINTS);
    for (int i = 0; i < KT_NUM_KEYPOINTS && i < cJSON_GetArraySize(arrays[a]); i++) {
      const cJSON* k = cJSON_GetArrayItem(arrays[a], i);
      KT_CHECK(strcmp(str(k, "name"), kCoco[i]) == 0);
      KT_CHECK_NEAR(num(k, "x"), kp[i].x, 1e-6);
      KT_CHECK_NEAR(num(k, "y"), kp[i].y, 1e-6);
      KT_CHECK(num(k, "z") == 0.0);
      KT_CHECK_NEAR(num(k, "score"), kp[i].score, 1e-6);
      KT_CHECK(cJSON_GetArraySize(k) == 5); /* name, x, y, z, score */
    }
  }
  cJSON_Delete(parsed);
  cJSON_Delete(list);
}


/* BlazePose: the 17 COCO entries carry z and the visibility as score; all
 * 33 landmarks follow as data33 and worldLandmarks. */
static void test_blazepose_keypoints_message(void) {
  kt_pose pose;
  kt_pose_clear(&pose, &kt_skeleton_blazepose33);
  pose.detected = true;
  for (int i = 0; i < 33; i++) {
    pose.landmarks[i] = (kt_landmark){0.01f * i, 0.5f, -0.001f * i, 0.02f * i, 0.9f};
    pose.world[i] = (kt_landmark){0.1f * i - 1, 0.2f, 0.3f, 0.02f * i, 0.9f};
  }
  kt_pose_fill_coco(&pose);
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(kt_msg_keypoints(list, 10, 3, &pose) == kt_status_ok);
  cJSON* parsed = round_trip(list, NULL);
  const cJSON* m = cJSON_GetArrayItem(parsed, 0);
  const cJSON* kps = cJSON_GetObjectItemCaseSensitive(m, "keypoints");
  const cJSON* d33 = cJSON_GetObjectItemCaseSensitive(m, "data33");
  const cJSON* world = cJSON_GetObjectItemCaseSensitive(m, "worldLandmarks");
  KT_CHECK(cJSON_GetArraySize(kps) == 17 && cJSON_GetArraySize(d33) == 33 && cJSON_GetArraySize(world) == 33);
  /* COCO left_hip (11) is BlazePose's 23. */
  const cJSON* hip = cJSON_GetArrayItem(kps, 11);
  KT_CHECK(hip && strcmp(str(hip, "name"), "left_hip") == 0);
  KT_CHECK(hip && fabs(num(hip, "z") - (-0.023)) < 1e-6 && fabs(num(hip, "score") - 0.46) < 1e-6);
  const cJSON* heel = cJSON_GetArrayItem(d33, 29);
  KT_CHECK(heel && strcmp(str(heel, "name"), "left_heel") == 0 && fabs(num(heel, "visibility") - 0.58) < 1e-6 &&
           fabs(num(heel, "presence") - 0.9) < 1e-6 && cJSON_GetArraySize(heel) == 6);
  const cJSON* w = cJSON_GetArrayItem(world, 32);
  KT_CHECK(w && strcmp(str(w, "name"), "right_foot_index") == 0 && fabs(num(w, "x") - 2.2) < 1e-6);
  cJSON_Delete(parsed);
  cJSON_Delete(list);
}

static void test_rounding(void) {
  KT_CHECK(kt_msg_round(0.123456789) == 0.123457);
  KT_CHECK(kt_msg_round(-0.123456389) == -0.123456);
  KT_CHECK(kt_msg_round(1.0000004) == 1.0);
  KT_CHECK(kt_msg_round(2.5e-7) == 0.0);
  KT_CHECK(kt_msg_round(12345.6789) == 12345.6789);
  KT_CHECK(kt_msg_round(NAN) == 0.0);
  KT_CHECK(kt_msg_round(INFINITY) == 0.0);
  KT_CHECK(kt_msg_round(-INFINITY) == 0.0);

  /* In the printed message: x = 0.123456789f prints as 0.123457; a NaN
   * score prints as 0, never as "nan"/null. */
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  fill_keypoints(kp);
  kp[0].x = 0.123456789f;
  kp[0].y = 0.5f;
  kp[1].score = NAN;
  kp[2].x = INFINITY;
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(kt_msg_keypoints(list, 1000.0 / 3.0, 0, coco_pose(kp)) == kt_status_ok);
  char* text = NULL;
  cJSON* parsed = round_trip(list, &text);
  KT_CHECK(text && strstr(text, "\"x\":0.123457,") != NULL);
  KT_CHECK(text && strstr(text, "\"timestampMs\":333.333333,") != NULL);
  KT_CHECK(text && strstr(text, "nan") == NULL && strstr(text, "null") == NULL && strstr(text, "inf") == NULL);
  const cJSON* data = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(parsed, 0), "data");
  KT_CHECK(num(cJSON_GetArrayItem(data, 1), "score") == 0.0);
  KT_CHECK(num(cJSON_GetArrayItem(data, 2), "x") == 0.0);
  /* No number in the text has more than 6 decimals. */
  for (const char* p = text; p && *p; p++) {
    if (*p != '.') continue;
    int digits = 0;
    while (p[1 + digits] >= '0' && p[1 + digits] <= '9') digits++;
    KT_CHECK(digits <= 6);
  }
  free(text);
  cJSON_Delete(parsed);
  cJSON_Delete(list);
}

static void test_angles_message(void) {
  kt_pose_angles a;
  kt_side_angles* sides[2] = {&a.left, &a.right};
  for (int s = 0; s < 2; s++) {
    float base = s ? 100.0f : 10.0f;
    sides[s]->knee = (kt_joint_angle){base + 1.25f, 0.5f};
    sides[s]->hip = (kt_joint_angle){base + 2.5f, 0.25f};
    sides[s]->shoulder = (kt_joint_angle){base + 3.75f, 0.125f};
    sides[s]->elbow = (kt_joint_angle){base + 5.0f, 0.0625f};
  }
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(kt_msg_angles(list, 66.0, &a) == kt_status_ok);
  cJSON* parsed = round_trip(list, NULL);
  const cJSON* m = cJSON_GetArrayItem(parsed, 0);
  KT_CHECK(strcmp(str(m, "type"), "angles") == 0);
  KT_CHECK(num(m, "timestampMs") == 66.0);
  const cJSON* data = cJSON_GetObjectItemCaseSensitive(m, "data");
  KT_CHECK(cJSON_IsObject(data) && cJSON_GetArraySize(data) == 2);
  const char* side_names[2] = {"left_side", "right_side"};
  const char* joints[4] = {"knee_angle", "hip_angle", "shoulder_angle", "elbow_angle"};
  const char* relations[4] = {"from_hip_to_ankle", "from_knee_to_shoulder", "from_hip_to_elbow",
                              "from_shoulder_to_wrist"};
  for (int s = 0; s < 2; s++) {
    const cJSON* side = cJSON_GetObjectItemCaseSensitive(data, side_names[s]);
    KT_CHECK(cJSON_IsObject(side) && cJSON_GetArraySize(side) == 4);
    const kt_joint_angle* want[4] = {&sides[s]->knee, &sides[s]->hip, &sides[s]->shoulder, &sides[s]->elbow};
    for (int j = 0; j < 4; j++) {
      const cJSON* joint = cJSON_GetObjectItemCaseSensitive(side, joints[j]);
      KT_CHECK(cJSON_IsObject(joint) && cJSON_GetArraySize(joint) == 2);
      char score_key[64];
      snprintf(score_key, sizeof(score_key), "score_%s", relations[j]);
      KT_CHECK(num(joint, relations[j]) == want[j]->degrees);
      KT_CHECK(num(joint, score_key) == want[j]->score);
    }
  }
  KT_CHECK(num(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, "left_side"), "knee_angle"),
               "from_hip_to_ankle") == 11.25);
  cJSON_Delete(parsed);
  cJSON_Delete(list);
}

static void test_error_message(void) {
  cJSON* list = cJSON_CreateArray();
  cJSON* details = cJSON_CreateObject();
  cJSON_AddStringToObject(details, "param", "source");
  KT_CHECK(kt_msg_error(list, 0, "invalid_param", "Invalid value for source", details, true) == kt_status_ok);
  KT_CHECK(kt_msg_error(list, 5.5, "camera_denied", "no camera", NULL, false) == kt_status_ok);
  cJSON* parsed = round_trip(list, NULL);
  KT_CHECK(cJSON_GetArraySize(parsed) == 2);
  const cJSON* m = cJSON_GetArrayItem(parsed, 0);
  KT_CHECK(strcmp(str(m, "type"), "error") == 0);
  KT_CHECK(strcmp(str(m, "code"), "invalid_param") == 0);
  KT_CHECK(strcmp(str(m, "error"), "invalid_param") == 0);
  KT_CHECK(strcmp(str(m, "message"), "Invalid value for source") == 0);
  KT_CHECK(num(m, "timestampMs") == 0);
  KT_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "fatal")));
  const cJSON* d = cJSON_GetObjectItemCaseSensitive(m, "details");
  KT_CHECK(cJSON_IsObject(d) && strcmp(str(d, "param"), "source") == 0);
  m = cJSON_GetArrayItem(parsed, 1);
  KT_CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "fatal")));
  d = cJSON_GetObjectItemCaseSensitive(m, "details");
  KT_CHECK(cJSON_IsObject(d) && cJSON_GetArraySize(d) == 0); /* NULL details -> {} */
  KT_CHECK(num(m, "timestampMs") == 5.5);
  cJSON_Delete(parsed);
  cJSON_Delete(list);
}

static void test_other_messages(void) {
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(kt_msg_image_overlay(list, 7, "data:image/png;base64,AAAA", 640, 480) == kt_status_ok);
  KT_CHECK(kt_msg_initialization(list, 8, "Model loaded", true, "model") == kt_status_ok);
  cJSON* parsed = round_trip(list, NULL);
  const cJSON* m = cJSON_GetArrayItem(parsed, 0);
  KT_CHECK(strcmp(str(m, "type"), "image_overlay") == 0);
  KT_CHECK(strcmp(str(m, "data"), "data:image/png;base64,AAAA") == 0);
  KT_CHECK(strcmp(str(m, "url"), "data:image/png;base64,AAAA") == 0);
  KT_CHECK(num(m, "width") == 640 && num(m, "height") == 480);
  m = cJSON_GetArrayItem(parsed, 1);
  KT_CHECK(strcmp(str(m, "type"), "initialization") == 0);
  KT_CHECK(strcmp(str(m, "message"), "Model loaded") == 0);
  KT_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "ready")));
  KT_CHECK(strcmp(str(m, "step"), "model") == 0);
  KT_CHECK(num(m, "timestampMs") == 8);
  cJSON_Delete(parsed);
  cJSON_Delete(list);
}

static void test_export_ready_message(void) {
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(kt_msg_export_ready(list, 5120, "blob:http://127.0.0.1/abc", "video/mp4; codecs=\"avc1.640028\"", 5080, 1280,
                               720, 127) == kt_status_ok);
  /* Nothing to download: refused, nothing added. */
  KT_CHECK(kt_msg_export_ready(list, 0, "blob:x", "video/mp4", 0, 1280, 720, 0) == kt_status_invalid_argument);
  KT_CHECK(kt_msg_export_ready(list, 0, NULL, "video/mp4", 0, 1280, 720, 1) == kt_status_invalid_argument);
  KT_CHECK(cJSON_GetArraySize(list) == 1);
  cJSON* parsed = round_trip(list, NULL);
  const cJSON* m = cJSON_GetArrayItem(parsed, 0);
  KT_CHECK(strcmp(str(m, "type"), "export_ready") == 0);
  KT_CHECK(strcmp(str(m, "url"), "blob:http://127.0.0.1/abc") == 0);
  KT_CHECK(strcmp(str(m, "mimeType"), "video/mp4; codecs=\"avc1.640028\"") == 0);
  KT_CHECK(num(m, "durationMs") == 5080 && num(m, "timestampMs") == 5120);
  KT_CHECK(num(m, "width") == 1280 && num(m, "height") == 720 && num(m, "frames") == 127);
  cJSON_Delete(parsed);
  cJSON_Delete(list);
}

/* cJSON hooks that fail after `g_budget` allocations. */
static int g_budget;
static void* budget_malloc(size_t n) {
  if (g_budget <= 0) return NULL;
  g_budget--;
  return malloc(n);
}

static void test_error_message_oom_no_leak(void) {
  /* `details` is adopted: whichever allocation fails, it is either in the
   * list or freed (LeakSanitizer fails this program otherwise). */
  int ok = 0;
  for (int budget = 0; budget < 40; budget++) {
    cJSON* list = cJSON_CreateArray();
    cJSON* details = cJSON_CreateObject();
    cJSON_AddStringToObject(details, "param", "source");
    cJSON_Hooks hooks = {budget_malloc, free};
    g_budget = budget;
    cJSON_InitHooks(&hooks);
    kt_status s = kt_msg_error(list, 0, "invalid_param", "bad", details, true);
    cJSON_InitHooks(NULL);
    KT_CHECK(s == kt_status_ok || s == kt_status_out_of_memory);
    if (s == kt_status_ok) ok++;
    cJSON_Delete(list);
  }
  KT_CHECK(ok > 0);
}

/* ------------------------------------------------------------- arena */

static void test_arena_serves_allocations(void) {
  static uint8_t buf[64 * 1024];
  kt_json_arena arena = {buf, sizeof(buf), 12345};
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  fill_keypoints(kp);
  kt_json_arena_begin(&arena);
  KT_CHECK(arena.used == 0); /* begin resets */
  cJSON* list = cJSON_CreateArray();
  KT_CHECK(list != NULL);
  KT_CHECK((uint8_t*)list >= buf && (uint8_t*)list < buf + sizeof(buf));
  KT_CHECK(((uintptr_t)list & 15) == 0);
  KT_CHECK(kt_msg_keypoints(list, 1, 2, coco_pose(kp)) == kt_status_ok);
  size_t used = arena.used;
  KT_CHECK(used > 17 * 5 * sizeof(cJSON) && used <= sizeof(buf));
  char out[8192];
  KT_CHECK(cJSON_PrintPreallocated(list, out, sizeof(out), 0));
  cJSON_Delete(list); /* frees nothing: the arena is reset by the next begin */
  KT_CHECK(arena.used == used);
  kt_json_arena_end();
  cJSON* parsed = cJSON_Parse(out);
  KT_CHECK(parsed && strcmp(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(parsed, 0), "type")->valuestring,
                            "keypoints") == 0);
  /* After end, cJSON uses malloc again: this object is outside the arena. */
  KT_CHECK(!((uint8_t*)parsed >= buf && (uint8_t*)parsed < buf + sizeof(buf)));
  cJSON_Delete(parsed);

  /* A second begin starts from empty again. */
  kt_json_arena_begin(&arena);
  KT_CHECK(arena.used == 0);
  cJSON* again = cJSON_CreateObject();
  KT_CHECK((uint8_t*)again == buf);
  kt_json_arena_end();
}

static void test_arena_exhaustion(void) {
  /* Every arena size from 0 up: building either succeeds or reports
   * out_of_memory, never crashes; big enough always succeeds. */
  static uint8_t buf[64 * 1024];
  kt_keypoint kp[KT_NUM_KEYPOINTS];
  fill_keypoints(kp);
  kt_pose_angles angles;
  memset(&angles, 0, sizeof(angles));
  int oom = 0, ok = 0;
  size_t first_ok = 0;
  for (size_t size = 0; size <= 24 * 1024; size += 48) {
    kt_json_arena arena = {buf, size, 0};
    kt_json_arena_begin(&arena);
    cJSON* list = cJSON_CreateArray();
    kt_status s = list ? kt_status_ok : kt_status_out_of_memory;
    if (s == kt_status_ok) s = kt_msg_keypoints(list, 1, 2, coco_pose(kp));
    if (s == kt_status_ok) s = kt_msg_angles(list, 1, &angles);
    if (s == kt_status_ok) s = kt_msg_error(list, 1, "x", "y", NULL, false);
    KT_CHECK(s == kt_status_ok || s == kt_status_out_of_memory);
    KT_CHECK(arena.used <= size);
    cJSON_Delete(list);
    kt_json_arena_end();
    if (s == kt_status_ok) {
      ok++;
      if (!first_ok) first_ok = size;
    } else {
      oom++;
      KT_CHECK(ok == 0); /* failures only below the needed size */
    }
  }
  KT_CHECK(oom > 0 && ok > 0);
  KT_CHECK(first_ok > 1024);
  /* Zero-size arena: nothing at all can be created. */
  kt_json_arena empty = {buf, 0, 0};
  kt_json_arena_begin(&empty);
  KT_CHECK(cJSON_CreateArray() == NULL);
  KT_CHECK(cJSON_CreateString("x") == NULL);
  kt_json_arena_end();
  /* Restored: malloc works again. */
  cJSON* o = cJSON_CreateString("after");
  KT_CHECK(o != NULL);
  cJSON_Delete(o);
}

int main(void) {
  KT_RUN(test_keypoints_message);
  KT_RUN(test_blazepose_keypoints_message);
  KT_RUN(test_rounding);
  KT_RUN(test_angles_message);
  KT_RUN(test_error_message);
  KT_RUN(test_other_messages);
  KT_RUN(test_export_ready_message);
  KT_RUN(test_error_message_oom_no_leak);
  KT_RUN(test_arena_serves_allocations);
  KT_RUN(test_arena_exhaustion);
  return kt_test_summary();
}
