/* tracker.c — frames in, messages out: the MoveNet pipeline of TF.js
 * pose-detection (letterbox crop for photos and first frames, crop region
 * tracked from the previous frame for video, One Euro smoothing) followed
 * by the message builders. All buffers are set up at creation; a frame
 * allocates nothing (cJSON builds inside the tracker's arena). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "core/error.h"
#include "kinetrack.h"
#include "exercise/engine.h"
#include "messages/json_arena.h"
#include "messages/messages.h"
#include "pose/angles.h"
#include "pose/filters/one_euro.h"
#include "pose/movenet/crop_region.h"
#include "pose/movenet/preprocess.h"
#include "query/query.h"
#include "runtime/model_internal.h"

#define KT_TRACKER_ARENA_BYTES (512 * 1024)
#define KT_TRACKER_OUTPUT_BYTES (128 * 1024)
/* Frames larger than this are refused rather than risking huge reads. */
#define KT_MAX_FRAME_PIXELS ((int64_t)100 * 1000 * 1000)

typedef struct kt_batch_frame {
  int64_t frame_id;
  double timestamp_ms;
  kt_keypoint keypoints[KT_NUM_KEYPOINTS];
} kt_batch_frame;

struct kt_tracker {
  kt_model* model;
  kt_query query;
  int64_t frame_id;
  bool has_crop;           /* video: a crop tracked from the last frame */
  int32_t crop_width, crop_height;
  kt_crop_region crop;
  kt_crop_filter crop_filter;
  kt_keypoints_one_euro smoother;
  double last_ts;          /* media time of the last frame (frame_id > 0) */
  kt_keypoint last[KT_NUM_KEYPOINTS];
  kt_exercise* exercise;   /* NULL without exercise= (pose only) and for photos */
  kt_json_arena arena;
  char* output;            /* the JSON array handed to the caller */
  char* finish_json;       /* end-of-media messages (malloc'd: can be large) */
  /* keypoints_batch: every frame's keypoints, for uploads with keypoints=true.
   * Grows geometrically (amortized, not per frame); 17*3 floats a frame. */
  kt_batch_frame* batch;
  size_t batch_count, batch_cap;
  int32_t batch_width, batch_height;
  char* overlay_json;      /* image_overlay message (malloc'd: data URLs are big) */
};

/* Photos carry no movement: an exercise there only names the page. Uploads
 * place the user anywhere in the frame (padding 0); the camera page asks
 * for the reference's 10 % safe zone (kt_tracker_set_live). */
static kt_status create_exercise(kt_tracker* t, double padding) {
  kt_exercise_destroy(t->exercise);
  t->exercise = NULL;
  if (!t->query.exercise[0] || t->query.source != kt_source_video) return kt_status_ok;
  kt_exercise_config cfg = {.id = t->query.exercise,
                            .difficulty = t->query.difficulty,
                            .min_grade = t->query.min_grade,
                            .user_height_cm = t->query.user_height_cm,
                            .device_pitch_deg = t->query.device_pitch_deg,
                            .placement_padding = padding};
  return kt_exercise_create(&cfg, &t->exercise);
}

kt_status kt_tracker_set_live(kt_tracker* t, int live) {
  if (!t) return kt_status_invalid_argument;
  if (t->frame_id > 0) return kt_fail(kt_status_invalid_state, "set live mode before the first frame");
  return create_exercise(t, live ? 0.10 : 0.0);
}

kt_status kt_tracker_create(kt_model* model, const char* query, const char* plan, kt_tracker** tracker_out,
                            char** error_json_out) {
  kt_clear_error();
  if (error_json_out) *error_json_out = NULL;
  if (!model || !tracker_out) return kt_fail(kt_status_invalid_argument, "NULL model or output");
  int32_t in[4], out[4];
  if (kt_model_input_dims(model, in) != kt_status_ok || kt_model_output_dims(model, out) != kt_status_ok ||
      in[1] != KT_MOVENET_INPUT_SIZE || in[2] != KT_MOVENET_INPUT_SIZE || in[3] != 3 ||
      out[2] != KT_NUM_KEYPOINTS || out[3] != 3 || !kt_model_input_buffer(model, kt_element_i32))
    return kt_fail(kt_status_unsupported, "the model is not a MoveNet SinglePose model");
  kt_query q;
  kt_query_error qe;
  kt_status s = kt_query_parse(query, plan, &q, &qe);
  if (s == kt_status_invalid_argument) return kt_fail(s, "unknown plan '%s'", plan ? plan : "");
  if (s != kt_status_ok) {
    if (error_json_out && kt_query_error_json(&qe, 0, error_json_out) != kt_status_ok) return kt_status_out_of_memory;
    return kt_fail(kt_status_invalid_query, "%s: %s", qe.code, qe.message);
  }
  kt_tracker* t = calloc(1, sizeof(*t));
  if (!t) return kt_status_out_of_memory;
  t->model = model;
  t->query = q;
  t->arena.base = malloc(KT_TRACKER_ARENA_BYTES);
  t->arena.size = KT_TRACKER_ARENA_BYTES;
  t->output = malloc(KT_TRACKER_OUTPUT_BYTES);
  if (!t->arena.base || !t->output) {
    kt_tracker_destroy(t);
    return kt_status_out_of_memory;
  }
  strcpy(t->output, "[]");
  kt_status es = create_exercise(t, 0.0);
  if (es != kt_status_ok) {
    kt_tracker_destroy(t);
    return es;
  }
  kt_keypoints_one_euro_init(&t->smoother, NULL);
  kt_crop_filter_reset(&t->crop_filter);
  *tracker_out = t;
  return kt_status_ok;
}

void kt_tracker_destroy(kt_tracker* t) {
  if (!t) return;
  free(t->arena.base);
  free(t->output);
  free(t->overlay_json);
  free(t->finish_json);
  free(t->batch);
  kt_exercise_destroy(t->exercise);
  free(t);
}

/* Runs the model on one frame; writes source-normalized keypoints. */
static kt_status estimate(kt_tracker* t, const uint8_t* rgba, int32_t w, int32_t h, double ts,
                          kt_keypoint kps[KT_NUM_KEYPOINTS]) {
  const bool video = t->query.source == kt_source_video;
  kt_crop_region crop;
  kt_status s;
  if (video && t->has_crop && t->crop_width == w && t->crop_height == h) {
    crop = t->crop;
  } else {
    s = kt_movenet_letterbox_crop(w, h, &crop);
    if (s != kt_status_ok) return s;
    kt_crop_filter_reset(&t->crop_filter);
    kt_keypoints_one_euro_reset(&t->smoother);
  }
  int32_t* input = kt_model_input_buffer(t->model, kt_element_i32);
  const float* output = NULL;
  const size_t n = (size_t)KT_MOVENET_INPUT_SIZE * KT_MOVENET_INPUT_SIZE * 3;
  s = kt_movenet_crop_and_resize(rgba, w, h, &crop, KT_MOVENET_INPUT_SIZE, KT_MOVENET_INPUT_SIZE, input, n);
  if (s == kt_status_ok) s = kt_model_run_in_place(t->model);
  if (s == kt_status_ok) s = kt_model_output(t->model, 0, &output, NULL);
  if (s == kt_status_ok) s = kt_movenet_decode(output, &crop, kps);
  if (s != kt_status_ok) return s;
  if (!video) return kt_status_ok;
  /* Smoothing and the next crop; a failure here (non-finite values from a
   * broken frame) only restarts tracking. */
  if (kt_keypoints_one_euro_apply(&t->smoother, kps, ts) != kt_status_ok) kt_keypoints_one_euro_reset(&t->smoother);
  kt_crop_region next;
  if (kt_crop_region_next(&crop, kps, w, h, &next) == kt_status_ok &&
      kt_crop_filter_apply(&t->crop_filter, &next, &t->crop) == kt_status_ok) {
    t->has_crop = true;
    t->crop_width = w;
    t->crop_height = h;
  } else {
    t->has_crop = false;
  }
  return kt_status_ok;
}

static kt_status emit(kt_tracker* t, cJSON* list, const char** out) {
  if (!cJSON_PrintPreallocated(list, t->output, KT_TRACKER_OUTPUT_BYTES, 0)) {
    strcpy(t->output, "[]");
    return kt_fail(kt_status_out_of_memory, "messages exceed the tracker's output buffer");
  }
  *out = t->output;
  return kt_status_ok;
}

static kt_status batch_append(kt_tracker* t, int64_t frame_id, double ts, const kt_keypoint kps[KT_NUM_KEYPOINTS],
                              int32_t width, int32_t height) {
  if (t->batch_count == t->batch_cap) {
    size_t cap = t->batch_cap ? t->batch_cap * 2 : 256;
    kt_batch_frame* b = realloc(t->batch, cap * sizeof(*b));
    if (!b) return kt_fail(kt_status_out_of_memory, "keypoints_batch: no memory for %zu frames", cap);
    t->batch = b;
    t->batch_cap = cap;
  }
  kt_batch_frame* f = &t->batch[t->batch_count++];
  f->frame_id = frame_id;
  f->timestamp_ms = ts;
  memcpy(f->keypoints, kps, sizeof(f->keypoints));
  t->batch_width = width;
  t->batch_height = height;
  return kt_status_ok;
}

/* {type:"keypoints_batch", model, width, height, frames:[{frameId, timestampMs, keypoints}]} */
static kt_status add_keypoints_batch(const kt_tracker* t, cJSON* list, double ts) {
  cJSON* m = cJSON_CreateObject();
  if (!m || !cJSON_AddItemToArray(list, m)) {
    cJSON_Delete(m);
    return kt_status_out_of_memory;
  }
  cJSON* frames;
  if (!cJSON_AddStringToObject(m, "type", "keypoints_batch") ||
      !cJSON_AddNumberToObject(m, "timestampMs", kt_msg_round(ts)) ||
      !cJSON_AddStringToObject(m, "model", "movenet-lightning") ||
      !cJSON_AddNumberToObject(m, "width", t->batch_width) || !cJSON_AddNumberToObject(m, "height", t->batch_height) ||
      !(frames = cJSON_AddArrayToObject(m, "frames")))
    return kt_status_out_of_memory;
  for (size_t i = 0; i < t->batch_count; i++) {
    const kt_batch_frame* f = &t->batch[i];
    cJSON* o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(frames, o)) {
      cJSON_Delete(o);
      return kt_status_out_of_memory;
    }
    cJSON* kps = NULL;
    if (!cJSON_AddNumberToObject(o, "frameId", (double)f->frame_id) ||
        !cJSON_AddNumberToObject(o, "timestampMs", kt_msg_round(f->timestamp_ms)) ||
        !(kps = kt_msg_keypoint_list(f->keypoints)) || !cJSON_AddItemToObject(o, "keypoints", kps)) {
      cJSON_Delete(kps);
      return kt_status_out_of_memory;
    }
  }
  return kt_status_ok;
}

kt_status kt_tracker_process_rgba(kt_tracker* t, const uint8_t* rgba, int32_t width, int32_t height,
                                  double timestamp_ms, const char** messages_json_out) {
  kt_clear_error();
  if (!t || !rgba || !messages_json_out) return kt_fail(kt_status_invalid_argument, "NULL argument");
  if (width < 1 || height < 1 || (int64_t)width * height > KT_MAX_FRAME_PIXELS)
    return kt_fail(kt_status_invalid_argument, "frame size %dx%d", (int)width, (int)height);
  if (!isfinite(timestamp_ms)) return kt_fail(kt_status_invalid_argument, "timestamp is not finite");
  kt_keypoint kps[KT_NUM_KEYPOINTS];
  kt_status s = estimate(t, rgba, width, height, timestamp_ms, kps);
  if (s != kt_status_ok) return s;
  memcpy(t->last, kps, sizeof(kps));
  t->last_ts = timestamp_ms;
  const int64_t frame_id = t->frame_id++;
  if (t->query.source == kt_source_video && t->query.keypoints) {
    s = batch_append(t, frame_id, timestamp_ms, kps, width, height);
    if (s != kt_status_ok) return s;
  }

  kt_json_arena_begin(&t->arena);
  cJSON* list = cJSON_CreateArray();
  s = list ? kt_status_ok : kt_status_out_of_memory;
  /* Pose-only sessions stream keypoints; during an exercise only with
   * keypoints=true (a developer feature, gated by the query parser). */
  if (s == kt_status_ok && (!t->exercise || t->query.keypoints)) s = kt_msg_keypoints(list, timestamp_ms, frame_id, kps);
  if (s == kt_status_ok && t->query.angles) {
    kt_pose_angles angles;
    s = kt_pose_angles_compute(kps, width, height, &angles);
    if (s == kt_status_ok) s = kt_msg_angles(list, timestamp_ms, &angles);
  }
  if (s == kt_status_ok && t->exercise)
    s = kt_exercise_update(t->exercise, kps, width, height, timestamp_ms, list, t->query.progression,
                           t->query.recommendations);
  if (s == kt_status_ok) s = emit(t, list, messages_json_out);
  kt_json_arena_end();
  return s;
}

kt_status kt_tracker_finish(kt_tracker* t, const char** messages_json_out) {
  if (!t || !messages_json_out) return kt_status_invalid_argument;
  /* End of media, in CONTRACT order: the final counter, keypoints_batch
   * (uploads with keypoints=true), exercise_summary. Built with malloc,
   * once: the batch holds every frame. */
  cJSON* list = cJSON_CreateArray();
  cJSON* tail = cJSON_CreateArray();
  kt_status s = list && tail ? kt_status_ok : kt_status_out_of_memory;
  const double end_ms = t->frame_id > 0 ? t->last_ts : 0;
  if (s == kt_status_ok && t->exercise) s = kt_exercise_finish(t->exercise, end_ms, tail);
  /* Everything before exercise_summary comes first. */
  cJSON* summary = NULL;
  for (cJSON* m = tail ? tail->child : NULL; m; m = m->next) {
    const cJSON* type = cJSON_GetObjectItemCaseSensitive(m, "type");
    if (cJSON_IsString(type) && strcmp(type->valuestring, "exercise_summary") == 0) summary = m;
  }
  if (summary) cJSON_DetachItemViaPointer(tail, summary);
  while (s == kt_status_ok && tail && tail->child) cJSON_AddItemToArray(list, cJSON_DetachItemViaPointer(tail, tail->child));
  if (s == kt_status_ok && t->query.source == kt_source_video && t->query.keypoints && t->batch_count > 0)
    s = add_keypoints_batch(t, list, end_ms);
  if (summary) {
    if (s == kt_status_ok) cJSON_AddItemToArray(list, summary);
    else cJSON_Delete(summary);
  }
  cJSON_Delete(tail);
  free(t->finish_json);
  t->finish_json = s == kt_status_ok ? cJSON_PrintUnformatted(list) : NULL;
  cJSON_Delete(list);
  if (s == kt_status_ok && !t->finish_json) s = kt_status_out_of_memory;
  if (s != kt_status_ok) return s;
  *messages_json_out = t->finish_json;
  return kt_status_ok;
}

kt_status kt_tracker_last_keypoints(const kt_tracker* t, kt_keypoint keypoints_out[KT_NUM_KEYPOINTS]) {
  if (!t || !keypoints_out) return kt_status_invalid_argument;
  if (t->frame_id == 0) return kt_status_invalid_state;
  memcpy(keypoints_out, t->last, sizeof(t->last));
  return kt_status_ok;
}

kt_status kt_tracker_image_overlay(kt_tracker* t, const char* data_url, int32_t width, int32_t height,
                                   double timestamp_ms, const char** message_json_out) {
  if (!t || !data_url || !message_json_out || width < 1 || height < 1) return kt_status_invalid_argument;
  cJSON* list = cJSON_CreateArray();
  kt_status s = list ? kt_msg_image_overlay(list, timestamp_ms, data_url, width, height) : kt_status_out_of_memory;
  if (s == kt_status_ok) {
    free(t->overlay_json);
    t->overlay_json = cJSON_PrintUnformatted(list);
    if (!t->overlay_json) s = kt_status_out_of_memory;
  }
  cJSON_Delete(list);
  if (s == kt_status_ok) *message_json_out = t->overlay_json;
  return s;
}

int kt_tracker_source_is_image(const kt_tracker* t) { return t && t->query.source == kt_source_image; }
int kt_tracker_skeleton_enabled(const kt_tracker* t) { return t && t->query.skeleton; }
