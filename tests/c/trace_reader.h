/* trace_reader.h — one line of a keypoint trace (the JSONL of `kinetrack
 * analyze` with keypoints=true) for the trace tools. Header-only, tool use. */
#ifndef KT_TRACE_READER_H
#define KT_TRACE_READER_H
#include <stdbool.h>
#include <string.h>

#include "cJSON.h"
#include "kinetrack.h"

/* The keypoints and timestamp of a `keypoints` message; false for any
 * other message. */
static inline bool trace_keypoints(const cJSON* m, kt_keypoint kps[KT_NUM_KEYPOINTS], double* ts) {
  const cJSON* type = cJSON_GetObjectItem(m, "type");
  if (!cJSON_IsString(type) || strcmp(type->valuestring, "keypoints") != 0) return false;
  const cJSON* arr = cJSON_GetObjectItem(m, "keypoints");
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    const cJSON* k = cJSON_GetArrayItem(arr, i);
    kps[i].x = (float)cJSON_GetObjectItem(k, "x")->valuedouble;
    kps[i].y = (float)cJSON_GetObjectItem(k, "y")->valuedouble;
    kps[i].score = (float)cJSON_GetObjectItem(k, "score")->valuedouble;
  }
  *ts = cJSON_GetObjectItem(m, "timestampMs")->valuedouble;
  return true;
}

#endif
