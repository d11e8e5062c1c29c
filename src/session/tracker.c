/* tracker.c — a session: frames in, messages out. The query picks the
 * pose pipeline (pose/pipeline.h: MoveNet, or BlazePose with
 * blazepose=true); the session feeds it frames and turns each pose into
 * the messages of CONTRACT section 4 (keypoints, angles, the exercise
 * engine's, keypoints_batch at the end). All buffers are set up at
 * creation; a frame allocates nothing (cJSON builds inside the tracker's
 * arena; keypoints_batch grows geometrically). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "core/error.h"
#include "exercise/engine.h"
#include "kinetrack.h"
#include "messages/json_arena.h"
#include "messages/messages.h"
#include "pose/angles.h"
#include "pose/pipeline.h"
#include "query/query.h"

#define KT_TRACKER_ARENA_BYTES (512 * 1024)
#define KT_TRACKER_OUTPUT_BYTES (128 * 1024)
/* Frames larger than this are refused rather than risking huge reads. */
#define KT_MAX_FRAME_PIXELS ((int64_t)100 * 1000 * 1000)

/* keypoints_batch: what each frame contributes; the 33 BlazePose landmarks
 * (image and world) live in a parallel array only BlazePose sessions have. */
typedef struct kt_batch_frame {
  int64_t frame_id;
  double timestamp_ms;
  kt_keypoint keypoints[KT_NUM_KEYPOINTS];
  float z[KT_NUM_KEYPOINTS];
} kt_batch_frame;

typedef struct kt_batch_landmarks {
  kt_landmark image[KT_MAX_LANDMARKS], world[KT_MAX_LANDMARKS];
} kt_batch_landmarks;

struct kt_tracker {
  kt_pose_pipeline* pipeline;
  kt_query query;
  int64_t frame_id;
  double last_ts;          /* media time of the last frame (frame_id > 0) */
  kt_pose last;            /* the last frame's pose */
  kt_exercise* exercise;   /* NULL without exercise= (pose only) and for photos */
  double padding;          /* placement inset: 0.10 live, 0 for media */
  char* movement;          /* userExercise: the definition the host set (malloc'd) */
  char* reference;         /* reference: the signature the host set (malloc'd) */
  kt_json_arena arena;
  char* output;            /* the JSON array handed to the caller */
  char* finish_json;       /* end-of-media messages (malloc'd: can be large) */
  /* keypoints_batch, for uploads with keypoints=true. Grows geometrically
   * (amortized, not per frame). */
  kt_batch_frame* batch;
  kt_batch_landmarks* batch_landmarks; /* BlazePose only */
  size_t batch_count, batch_cap;
  int32_t batch_width, batch_height;
  char* overlay_json;      /* image_overlay message (malloc'd: data URLs are big) */
  int64_t rgba_bytes;      /* frame bytes read from memory (kt_tracker_frame_stats) */
  int64_t texture_frames;  /* frames taken as GPU textures */
};

/* Photos carry no movement: an exercise there only names the page. Uploads
 * place the user anywhere in the frame (padding 0); the camera page asks
 * for the reference's 10 % safe zone (kt_tracker_set_live). */
static kt_status create_exercise(kt_tracker* t, double padding) {
  kt_exercise_destroy(t->exercise);
  t->exercise = NULL;
  t->padding = padding;
  const bool custom = t->query.user_exercise[0] != '\0';
  const bool reference = t->query.reference[0] != '\0';
  if ((!t->query.exercise[0] && !custom && !reference) || t->query.source != kt_source_video) return kt_status_ok;
  if (custom && !t->movement) return kt_status_ok;       /* kt_tracker_set_movement comes first */
  if (reference && !t->reference) return kt_status_ok;   /* kt_tracker_set_reference comes first */
  kt_exercise_config cfg = {.id = reference ? t->query.reference : custom ? t->query.user_exercise : t->query.exercise,
                            .definition_json = custom ? t->movement : NULL,
                            .reference_json = reference ? t->reference : NULL,
                            .scoring_profile = t->query.scoring_profile,
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

/* What an operator's file sets (userExercise's definition, reference's
 * signature): the query field naming it, the error code and the words for
 * a file the engine refuses. */
typedef struct operator_file {
  const char* id;            /* the query's id for it; "" when the query names none */
  const char* param, *code, *what, *refusal;
} operator_file;

/* Keeps a copy of `json` in *slot and recreates the exercise with it. A
 * file the engine refuses is the operator's fault: the reason goes to the
 * page as an `error` message. */
static kt_status set_operator_file(kt_tracker* t, char** slot, const operator_file* f, const char* json,
                                   char** error_json_out) {
  if (error_json_out) *error_json_out = NULL;
  if (!t || !json) return kt_fail(kt_status_invalid_argument, "NULL tracker or %s", f->what);
  if (!f->id[0]) return kt_fail(kt_status_invalid_state, "the query has no %s", f->param);
  if (t->frame_id > 0) return kt_fail(kt_status_invalid_state, "set the %s before the first frame", f->what);
  free(*slot);
  const size_t len = strlen(json);
  *slot = malloc(len + 1);
  if (!*slot) return kt_status_out_of_memory;
  memcpy(*slot, json, len + 1);
  kt_status s = create_exercise(t, t->padding);
  if (s == kt_status_ok || s == kt_status_out_of_memory) return s;
  kt_query_error qe = {0};
  snprintf(qe.code, sizeof(qe.code), "%s", f->code);
  snprintf(qe.param, sizeof(qe.param), "%s", f->param);
  snprintf(qe.value, sizeof(qe.value), "%s", f->id);
  snprintf(qe.message, sizeof(qe.message), f->refusal, f->id, kt_last_error());
  free(*slot);
  *slot = NULL;
  if (error_json_out && kt_query_error_json(&qe, 0, error_json_out) != kt_status_ok) return kt_status_out_of_memory;
  return kt_fail(kt_status_invalid_query, "%s", qe.message);
}

kt_status kt_tracker_set_movement(kt_tracker* t, const char* json, char** error_json_out) {
  const operator_file f = {t ? t->query.user_exercise : "", "userExercise", "invalid_exercise", "definition",
                           "Movement '%s' is not a valid definition: %s"};
  return set_operator_file(t, t ? &t->movement : NULL, &f, json, error_json_out);
}

kt_status kt_tracker_set_reference(kt_tracker* t, const char* json, char** error_json_out) {
  const operator_file f = {t ? t->query.reference : "", "reference", "invalid_reference", "signature",
                           "Reference movement '%s' cannot be read: %s"};
  return set_operator_file(t, t ? &t->reference : NULL, &f, json, error_json_out);
}

/* The pipeline the query asks for, over the models the host loaded. */
static kt_status create_pipeline(const kt_pose_models* m, const kt_query* q, kt_pose_pipeline** out) {
  if (!q->blazepose) {
    if (!m->movenet) return kt_fail(kt_status_invalid_argument, "the query runs MoveNet; no MoveNet model given");
    return kt_movenet_pipeline_create(m->movenet, out);
  }
  if (!m->blazepose_detector || !m->blazepose_landmarks)
    return kt_fail(kt_status_invalid_argument, "the query runs BlazePose %s; its detector and landmark models are needed",
                   q->mediapipe_model);
  return kt_blazepose_pipeline_create(m->blazepose_detector, m->blazepose_landmarks, q->mediapipe_model, out);
}

kt_status kt_tracker_create_with_models(const kt_pose_models* models, const char* query, const char* plan,
                                        kt_tracker** tracker_out, char** error_json_out) {
  kt_clear_error();
  if (error_json_out) *error_json_out = NULL;
  if (!models || !tracker_out) return kt_fail(kt_status_invalid_argument, "NULL models or output");
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
  t->query = q;
  s = create_pipeline(models, &q, &t->pipeline);
  if (s != kt_status_ok) {
    kt_tracker_destroy(t);
    return s;
  }
  kt_pose_clear(&t->last, &kt_skeleton_coco17);
  t->arena.base = malloc(KT_TRACKER_ARENA_BYTES);
  t->arena.size = KT_TRACKER_ARENA_BYTES;
  t->output = malloc(KT_TRACKER_OUTPUT_BYTES);
  if (!t->arena.base || !t->output) {
    kt_tracker_destroy(t);
    return kt_status_out_of_memory;
  }
  strcpy(t->output, "[]");
  s = create_exercise(t, 0.0);
  if (s != kt_status_ok) {
    kt_tracker_destroy(t);
    return s;
  }
  *tracker_out = t;
  return kt_status_ok;
}

kt_status kt_tracker_create(kt_model* model, const char* query, const char* plan, kt_tracker** tracker_out,
                            char** error_json_out) {
  if (error_json_out) *error_json_out = NULL;
  if (!model || !tracker_out) return kt_fail(kt_status_invalid_argument, "NULL model or output");
  const kt_pose_models models = {model, NULL, NULL};
  return kt_tracker_create_with_models(&models, query, plan, tracker_out, error_json_out);
}

kt_status kt_tracker_set_smoothing(kt_tracker* t, int on) {
  if (!t) return kt_status_invalid_argument;
  if (t->frame_id > 0) return kt_fail(kt_status_invalid_state, "set smoothing before the first frame");
  t->pipeline->smoothing = on != 0;
  return kt_status_ok;
}

const char* kt_tracker_model_name(const kt_tracker* t) { return t ? t->pipeline->model_name : NULL; }

void kt_tracker_destroy(kt_tracker* t) {
  if (!t) return;
  kt_pose_pipeline_destroy(t->pipeline);
  free(t->arena.base);
  free(t->output);
  free(t->overlay_json);
  free(t->finish_json);
  free(t->batch);
  free(t->movement);
  free(t->reference);
  free(t->batch_landmarks);
  kt_exercise_destroy(t->exercise);
  free(t);
}

static kt_status emit(kt_tracker* t, cJSON* list, const char** out) {
  if (!cJSON_PrintPreallocated(list, t->output, KT_TRACKER_OUTPUT_BYTES, 0)) {
    strcpy(t->output, "[]");
    return kt_fail(kt_status_out_of_memory, "messages exceed the tracker's output buffer");
  }
  *out = t->output;
  return kt_status_ok;
}

static kt_status batch_append(kt_tracker* t, int64_t frame_id, double ts, const kt_pose* pose, int32_t width,
                              int32_t height) {
  const bool landmarks = pose->skeleton->has_world;
  if (t->batch_count == t->batch_cap) {
    size_t cap = t->batch_cap ? t->batch_cap * 2 : 256;
    kt_batch_frame* b = realloc(t->batch, cap * sizeof(*b));
    if (!b) return kt_fail(kt_status_out_of_memory, "keypoints_batch: no memory for %zu frames", cap);
    t->batch = b;
    if (landmarks) {
      kt_batch_landmarks* l = realloc(t->batch_landmarks, cap * sizeof(*l));
      if (!l) return kt_fail(kt_status_out_of_memory, "keypoints_batch: no memory for %zu frames", cap);
      t->batch_landmarks = l;
    }
    t->batch_cap = cap;
  }
  kt_batch_frame* f = &t->batch[t->batch_count];
  f->frame_id = frame_id;
  f->timestamp_ms = ts;
  memcpy(f->keypoints, pose->coco, sizeof(f->keypoints));
  memcpy(f->z, pose->coco_z, sizeof(f->z));
  if (landmarks) {
    memcpy(t->batch_landmarks[t->batch_count].image, pose->landmarks, sizeof(pose->landmarks));
    memcpy(t->batch_landmarks[t->batch_count].world, pose->world, sizeof(pose->world));
  }
  t->batch_count++;
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
      !cJSON_AddStringToObject(m, "model", t->pipeline->model_name) ||
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
        !(kps = kt_msg_keypoint_list(f->keypoints, f->z)) || !cJSON_AddItemToObject(o, "keypoints", kps)) {
      cJSON_Delete(kps);
      return kt_status_out_of_memory;
    }
    if (t->batch_landmarks) { /* BlazePose: all 33, image and world */
      cJSON* image = kt_msg_landmark_list(&kt_skeleton_blazepose33, t->batch_landmarks[i].image);
      if (!image || !cJSON_AddItemToObject(o, "data33", image)) {
        cJSON_Delete(image);
        return kt_status_out_of_memory;
      }
      cJSON* world = kt_msg_landmark_list(&kt_skeleton_blazepose33, t->batch_landmarks[i].world);
      if (!world || !cJSON_AddItemToObject(o, "worldLandmarks", world)) {
        cJSON_Delete(world);
        return kt_status_out_of_memory;
      }
    }

  }
  return kt_status_ok;
}

/* One frame, as bytes or as a texture (pose/image.h). */
static kt_status process_image(kt_tracker* t, const kt_image* img, double timestamp_ms,
                               const char** messages_json_out) {
  const int32_t width = img->width, height = img->height;
  if (width < 1 || height < 1 || (int64_t)width * height > KT_MAX_FRAME_PIXELS)
    return kt_fail(kt_status_invalid_argument, "frame size %dx%d", (int)width, (int)height);
  if (!isfinite(timestamp_ms)) return kt_fail(kt_status_invalid_argument, "timestamp is not finite");
  if (t->query.user_exercise[0] && !t->movement && t->query.source == kt_source_video)
    return kt_fail(kt_status_invalid_state, "userExercise '%s' needs its definition first (kt_tracker_set_movement)",
                   t->query.user_exercise);
  if (t->query.reference[0] && !t->reference && t->query.source == kt_source_video)
    return kt_fail(kt_status_invalid_state, "reference '%s' needs its signature first (kt_tracker_set_reference)",
                   t->query.reference);
  const bool video = t->query.source == kt_source_video;
  kt_status s = kt_pose_estimate(t->pipeline, img, timestamp_ms, video, &t->last);
  if (s != kt_status_ok) return s;
  if (img->rgba)
    t->rgba_bytes += (int64_t)width * height * 4;
  else
    t->texture_frames++;
  const kt_keypoint* kps = t->last.coco;
  t->last_ts = timestamp_ms;
  const int64_t frame_id = t->frame_id++;
  if (video && t->query.keypoints) {
    s = batch_append(t, frame_id, timestamp_ms, &t->last, width, height);
    if (s != kt_status_ok) return s;
  }

  kt_json_arena_begin(&t->arena);
  cJSON* list = cJSON_CreateArray();
  s = list ? kt_status_ok : kt_status_out_of_memory;
  /* Pose-only sessions stream keypoints; during an exercise only with
   * keypoints=true (a developer feature, gated by the query parser). */
  if (s == kt_status_ok && (!t->exercise || t->query.keypoints))
    s = kt_msg_keypoints(list, timestamp_ms, frame_id, &t->last);
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

kt_status kt_tracker_process_rgba(kt_tracker* t, const uint8_t* rgba, int32_t width, int32_t height,
                                  double timestamp_ms, const char** messages_json_out) {
  kt_clear_error();
  if (!t || !rgba || !messages_json_out) return kt_fail(kt_status_invalid_argument, "NULL argument");
  const kt_image img = {rgba, 0, width, height};
  return process_image(t, &img, timestamp_ms, messages_json_out);
}

kt_status kt_tracker_process_texture(kt_tracker* t, uint32_t texture, int32_t width, int32_t height,
                                     double timestamp_ms, const char** messages_json_out) {
  kt_clear_error();
  if (!t || !texture || !messages_json_out) return kt_fail(kt_status_invalid_argument, "NULL argument or texture 0");
  const kt_image img = {NULL, texture, width, height};
  return process_image(t, &img, timestamp_ms, messages_json_out);
}

kt_status kt_tracker_frame_stats(const kt_tracker* t, int64_t* rgba_bytes_out, int64_t* texture_frames_out) {
  if (!t || !rgba_bytes_out || !texture_frames_out) return kt_status_invalid_argument;
  *rgba_bytes_out = t->rgba_bytes;
  *texture_frames_out = t->texture_frames;
  return kt_status_ok;
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
  memcpy(keypoints_out, t->last.coco, sizeof(t->last.coco));
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
