/* messages.c — cJSON builders for the PoseTracker-compatible messages. */
#include "messages/messages.h"

#include <math.h>
#include <stdio.h>

double kt_msg_round(double v) {
  if (!isfinite(v)) return 0.0;
  return round(v * 1e6) / 1e6;
}

cJSON* kt_msg_begin(cJSON* list, const char* type, double timestamp_ms) {
  cJSON* m = cJSON_CreateObject();
  if (!m) return NULL;
  if (!cJSON_AddStringToObject(m, "type", type) ||
      !cJSON_AddNumberToObject(m, "timestampMs", kt_msg_round(timestamp_ms)) ||
      !cJSON_AddItemToArray(list, m)) {
    cJSON_Delete(m);
    return NULL;
  }
  return m;
}

cJSON* kt_msg_keypoint_list(const kt_keypoint keypoints[KT_NUM_KEYPOINTS], const float* z) {
  cJSON* list = cJSON_CreateArray();
  bool ok = list != NULL;
  for (int i = 0; ok && i < KT_NUM_KEYPOINTS; i++) {
    cJSON* k = cJSON_CreateObject();
    if (!k || !cJSON_AddItemToArray(list, k)) {
      cJSON_Delete(k);
      ok = false;
      break;
    }
    ok = cJSON_AddStringToObject(k, "name", kt_keypoint_name(i)) &&
         cJSON_AddNumberToObject(k, "x", kt_msg_round(keypoints[i].x)) &&
         cJSON_AddNumberToObject(k, "y", kt_msg_round(keypoints[i].y)) &&
         cJSON_AddNumberToObject(k, "z", z ? kt_msg_round(z[i]) : 0) &&
         cJSON_AddNumberToObject(k, "score", kt_msg_round(keypoints[i].score));
  }
  if (ok) return list;
  cJSON_Delete(list); /* frees every attached keypoint */
  return NULL;
}

cJSON* kt_msg_landmark_list(const kt_skeleton* skeleton, const kt_landmark* landmarks) {
  cJSON* list = cJSON_CreateArray();
  bool ok = list != NULL;
  for (int i = 0; ok && i < skeleton->count; i++) {
    const kt_landmark* l = &landmarks[i];
    cJSON* k = cJSON_CreateObject();
    if (!k || !cJSON_AddItemToArray(list, k)) {
      cJSON_Delete(k);
      ok = false;
      break;
    }
    ok = cJSON_AddStringToObject(k, "name", skeleton->names[i]) && cJSON_AddNumberToObject(k, "x", kt_msg_round(l->x)) &&
         cJSON_AddNumberToObject(k, "y", kt_msg_round(l->y)) && cJSON_AddNumberToObject(k, "z", kt_msg_round(l->z)) &&
         cJSON_AddNumberToObject(k, "visibility", kt_msg_round(l->visibility)) &&
         cJSON_AddNumberToObject(k, "presence", kt_msg_round(l->presence));
  }
  if (ok) return list;
  cJSON_Delete(list);
  return NULL;
}

static bool add_landmarks(cJSON* m, const char* key, const kt_skeleton* skeleton, const kt_landmark* landmarks) {
  cJSON* l = kt_msg_landmark_list(skeleton, landmarks);
  if (l && cJSON_AddItemToObject(m, key, l)) return true;
  cJSON_Delete(l);
  return false;
}

kt_status kt_msg_keypoints(cJSON* list, double timestamp_ms, int64_t frame_id, const kt_pose* pose) {
  cJSON* m = kt_msg_begin(list, "keypoints", timestamp_ms);
  if (!m || !cJSON_AddNumberToObject(m, "frameId", (double)frame_id)) return kt_status_out_of_memory;
  /* The reference documents both names for the same array. */
  cJSON* data = kt_msg_keypoint_list(pose->coco, pose->skeleton->has_z ? pose->coco_z : NULL);
  if (!data || !cJSON_AddItemToObject(m, "data", data)) {
    cJSON_Delete(data);
    return kt_status_out_of_memory;
  }
  /* A reference to the same items: printed the same, freed once (cJSON_Delete
   * skips a reference's children). */
  cJSON* ref = cJSON_CreateArrayReference(data->child);
  if (!ref || !cJSON_AddItemToObject(m, "keypoints", ref)) {
    cJSON_Delete(ref);
    return kt_status_out_of_memory;
  }
  if (pose->skeleton->has_world &&
      (!add_landmarks(m, "data33", pose->skeleton, pose->landmarks) ||
       !add_landmarks(m, "worldLandmarks", pose->skeleton, pose->world)))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

static bool add_joint(cJSON* side, const char* joint, const char* relation, const kt_joint_angle* a) {
  char score_key[64];
  cJSON* j = cJSON_AddObjectToObject(side, joint);
  if (!j) return false;
  snprintf(score_key, sizeof(score_key), "score_%s", relation);
  return cJSON_AddNumberToObject(j, relation, kt_msg_round(a->degrees)) &&
         cJSON_AddNumberToObject(j, score_key, kt_msg_round(a->score));
}

static bool add_side(cJSON* data, const char* name, const kt_side_angles* s) {
  cJSON* side = cJSON_AddObjectToObject(data, name);
  return side && add_joint(side, "knee_angle", "from_hip_to_ankle", &s->knee) &&
         add_joint(side, "hip_angle", "from_knee_to_shoulder", &s->hip) &&
         add_joint(side, "shoulder_angle", "from_hip_to_elbow", &s->shoulder) &&
         add_joint(side, "elbow_angle", "from_shoulder_to_wrist", &s->elbow);
}

kt_status kt_msg_angles(cJSON* list, double timestamp_ms, const kt_pose_angles* angles) {
  cJSON* m = kt_msg_begin(list, "angles", timestamp_ms);
  cJSON* data = m ? cJSON_AddObjectToObject(m, "data") : NULL;
  if (!data || !add_side(data, "left_side", &angles->left) || !add_side(data, "right_side", &angles->right))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_error(cJSON* list, double timestamp_ms, const char* code, const char* message,
                       cJSON* details, bool fatal) {
  cJSON* m = kt_msg_begin(list, "error", timestamp_ms);
  if (!m) {
    cJSON_Delete(details);
    return kt_status_out_of_memory;
  }
  if (!details) details = cJSON_CreateObject();
  if (!details || !cJSON_AddStringToObject(m, "code", code) || !cJSON_AddStringToObject(m, "error", code) ||
      !cJSON_AddStringToObject(m, "message", message) || !cJSON_AddItemToObject(m, "details", details)) {
    cJSON_Delete(details); /* adopted but not attached: ours to free */
    return kt_status_out_of_memory;
  }
  return cJSON_AddBoolToObject(m, "fatal", fatal) ? kt_status_ok : kt_status_out_of_memory;
}

kt_status kt_msg_image_overlay(cJSON* list, double timestamp_ms, const char* data_url, int32_t width,
                               int32_t height) {
  cJSON* m = kt_msg_begin(list, "image_overlay", timestamp_ms);
  if (!m || !cJSON_AddStringToObject(m, "data", data_url) || !cJSON_AddStringToObject(m, "url", data_url) ||
      !cJSON_AddNumberToObject(m, "width", width) || !cJSON_AddNumberToObject(m, "height", height))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_export_ready(cJSON* list, double timestamp_ms, const char* url, const char* mime_type,
                              double duration_ms, int32_t width, int32_t height, int64_t frames) {
  if (!url || !mime_type || width < 1 || height < 1 || frames < 1 || !(duration_ms >= 0)) return kt_status_invalid_argument;
  cJSON* m = kt_msg_begin(list, "export_ready", timestamp_ms);
  if (!m || !cJSON_AddStringToObject(m, "url", url) || !cJSON_AddStringToObject(m, "mimeType", mime_type) ||
      !cJSON_AddNumberToObject(m, "durationMs", duration_ms) || !cJSON_AddNumberToObject(m, "width", width) ||
      !cJSON_AddNumberToObject(m, "height", height) || !cJSON_AddNumberToObject(m, "frames", (double)frames))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_initialization(cJSON* list, double timestamp_ms, const char* message, bool ready,
                                const char* step) {
  cJSON* m = kt_msg_begin(list, "initialization", timestamp_ms);
  if (!m || !cJSON_AddStringToObject(m, "message", message) || !cJSON_AddBoolToObject(m, "ready", ready) ||
      !cJSON_AddStringToObject(m, "step", step))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_environment(cJSON* list, double timestamp_ms, const char* pose_backend, bool webgl,
                             bool simd, int threads, const char* model) {
  cJSON* m = kt_msg_begin(list, "environment", timestamp_ms);
  if (!m || !cJSON_AddStringToObject(m, "poseBackend", pose_backend) || !cJSON_AddBoolToObject(m, "webgl", webgl) ||
      !cJSON_AddBoolToObject(m, "simd", simd) || !cJSON_AddNumberToObject(m, "threads", threads) ||
      !cJSON_AddStringToObject(m, "model", model))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_reference_signature(cJSON* list, double timestamp_ms, const char* signature_json) {
  cJSON* sig = signature_json ? cJSON_Parse(signature_json) : NULL;
  if (!cJSON_IsObject(sig)) {
    cJSON_Delete(sig);
    return kt_status_invalid_argument;
  }
  cJSON* m = kt_msg_begin(list, "reference_signature", timestamp_ms);
  if (!m) {
    cJSON_Delete(sig);
    return kt_status_out_of_memory;
  }
  static const char* const kCopy[] = {"id", "name", "model", "durationMs"};
  for (size_t i = 0; i < sizeof(kCopy) / sizeof(kCopy[0]); i++) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(sig, kCopy[i]);
    cJSON* c = v ? cJSON_Duplicate(v, 1) : NULL;
    if (c) cJSON_AddItemToObject(m, kCopy[i], c);
  }
  const cJSON* src = cJSON_GetObjectItemCaseSensitive(sig, "source");
  const cJSON* a = cJSON_GetObjectItemCaseSensitive(src, "startMs");
  const cJSON* b = cJSON_GetObjectItemCaseSensitive(src, "endMs");
  if ((cJSON_IsNumber(a) && !cJSON_AddNumberToObject(m, "startMs", a->valuedouble)) ||
      (cJSON_IsNumber(b) && !cJSON_AddNumberToObject(m, "endMs", b->valuedouble))) {
    cJSON_Delete(sig);
    return kt_status_out_of_memory;
  }
  cJSON_AddItemToObject(m, "signature", sig);
  return kt_status_ok;
}
