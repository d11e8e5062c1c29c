/* query_json.c — the parsed query as JSON for the pages' DOM shell, with
 * the reference's parameter names and already-sanitized values. */
#include <stdlib.h>

#include "cJSON.h"
#include "query/query.h"

static const char* const kDifficultyNames[] = {"easy", "medium", "hard"};

char* kt_query_to_json(const kt_query* q) {
  if (!q) return NULL;
  cJSON* o = cJSON_CreateObject();
  char grade[2] = {q->min_grade, 0};
  bool ok = o && cJSON_AddStringToObject(o, "source", q->source == kt_source_image ? "image" : "video") &&
            cJSON_AddStringToObject(o, "exercise", q->exercise) &&
            cJSON_AddStringToObject(o, "userExercise", q->user_exercise) &&
            cJSON_AddStringToObject(o, "reference", q->reference) &&
            cJSON_AddStringToObject(o, "scoring_profile",
                                    q->scoring_profile == 0 ? "default" : q->scoring_profile == 1 ? "kali" : "kali-analysis") &&
            cJSON_AddStringToObject(o, "engine", q->engine_v4 ? "v4" : "v3") &&
            cJSON_AddStringToObject(o, "difficulty", kDifficultyNames[q->difficulty]) &&
            cJSON_AddStringToObject(o, "minGrade", grade) && cJSON_AddBoolToObject(o, "skeleton", q->skeleton) &&
            cJSON_AddBoolToObject(o, "keypoints", q->keypoints) && cJSON_AddBoolToObject(o, "angles", q->angles) &&
            cJSON_AddBoolToObject(o, "progression", q->progression) &&
            cJSON_AddBoolToObject(o, "recommendations", q->recommendations) &&
            cJSON_AddNumberToObject(o, "userHeightCm", q->user_height_cm) &&
            cJSON_AddNumberToObject(o, "devicePitchDeg", q->device_pitch_deg) &&
            cJSON_AddStringToObject(o, "plan", kt_plan_name(q->plan)) && cJSON_AddBoolToObject(o, "hasToken", q->has_token) &&
            cJSON_AddBoolToObject(o, "isAndroid", q->is_android) && cJSON_AddBoolToObject(o, "isMobile", q->is_mobile) &&
            cJSON_AddBoolToObject(o, "showUpload", q->show_upload) &&
            cJSON_AddBoolToObject(o, "runInWorker", q->run_in_worker) &&
            (q->threads ? cJSON_AddNumberToObject(o, "threads", q->threads) != NULL
                        : cJSON_AddStringToObject(o, "threads", "auto") != NULL) &&
            cJSON_AddBoolToObject(o, "export", q->export_video) &&
            cJSON_AddStringToObject(o, "poseBackend", q->pose_backend) &&
            cJSON_AddBoolToObject(o, "blazepose", q->blazepose) &&
            cJSON_AddStringToObject(o, "mediapipeModel", q->mediapipe_model) && cJSON_AddNumberToObject(o, "width", q->width) &&
            cJSON_AddNumberToObject(o, "height", q->height) &&
            cJSON_AddNumberToObject(o, "containerMinHeight", q->container_min_height) &&
            cJSON_AddNumberToObject(o, "containerMaxWidth", q->container_max_width) &&
            cJSON_AddNumberToObject(o, "containerMaxHeight", q->container_max_height) &&
            cJSON_AddNumberToObject(o, "uploadAreaPadding", q->upload_area_padding) &&
            cJSON_AddStringToObject(o, "objectFit", q->object_fit) &&
            cJSON_AddStringToObject(o, "uploadButtonPosition", q->upload_button_position) &&
            cJSON_AddStringToObject(o, "uploadLabel", q->upload_label) &&
            cJSON_AddStringToObject(o, "loading_message", q->loading_message) &&
            cJSON_AddStringToObject(o, "uploadButtonClass", q->upload_button_class) &&
            cJSON_AddStringToObject(o, "containerClass", q->container_class) &&
            cJSON_AddStringToObject(o, "uploadButtonStyle", q->upload_button_style) &&
            cJSON_AddStringToObject(o, "videoSrc", q->video_src) && cJSON_AddStringToObject(o, "imageSrc", q->image_src);
  char* text = ok ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return text;
}

#include <string.h>

#include "messages/messages.h"

/* details: {param, value, allowed?}; for the plan gate {features:[...]}. */
static cJSON* error_details(const kt_query_error* e) {
  cJSON* d = cJSON_CreateObject();
  if (!d) return NULL;
  bool ok;
  if (strcmp(e->code, "developer_features_not_allowed") == 0) {
    cJSON* list = cJSON_AddArrayToObject(d, "features");
    ok = list != NULL;
    char buf[sizeof(e->param)];
    memcpy(buf, e->param, sizeof(buf));
    for (char* tok = strtok(buf, ","); ok && tok; tok = strtok(NULL, ",")) {
      cJSON* s = cJSON_CreateString(tok);
      ok = s && cJSON_AddItemToArray(list, s);
      if (!ok) cJSON_Delete(s);
    }
  } else {
    ok = cJSON_AddStringToObject(d, "param", e->param) && cJSON_AddStringToObject(d, "value", e->value) &&
         (e->allowed[0] == '\0' || cJSON_AddStringToObject(d, "allowed", e->allowed));
  }
  if (!ok) {
    cJSON_Delete(d);
    return NULL;
  }
  return d;
}

kt_status kt_query_error_json(const kt_query_error* e, double timestamp_ms, char** json_out) {
  if (!e || !json_out) return kt_status_invalid_argument;
  cJSON* list = cJSON_CreateArray();
  cJSON* details = list ? error_details(e) : NULL;
  kt_status s = details ? kt_msg_error(list, timestamp_ms, e->code, e->message, details, true) : kt_status_out_of_memory;
  if (!details) cJSON_Delete(details);
  *json_out = s == kt_status_ok ? cJSON_PrintUnformatted(cJSON_GetArrayItem(list, 0)) : NULL;
  cJSON_Delete(list);
  if (s == kt_status_ok && !*json_out) s = kt_status_out_of_memory;
  return s;
}
