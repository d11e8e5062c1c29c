/* Status names, keypoint names, the last-error text and kt_free. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "kinetrack.h"

/* Per thread, as kinetrack.h promises: a pool's worker never overwrites the
 * reason the calling thread is about to read. */
static _Thread_local char g_last_error[256];

const char* kt_status_name(kt_status status) {
  switch (status) {
    case kt_status_ok: return "ok";
    case kt_status_invalid_argument: return "invalid_argument";
    case kt_status_out_of_memory: return "out_of_memory";
    case kt_status_model_format: return "model_format";
    case kt_status_unsupported: return "unsupported";
    case kt_status_backend_error: return "backend_error";
    case kt_status_invalid_state: return "invalid_state";
    case kt_status_invalid_query: return "invalid_query";
  }
  return "unknown";
}

static const char* const kKeypointNames[KT_NUM_KEYPOINTS] = {
    "nose",       "left_eye",       "right_eye",      "left_ear",   "right_ear",  "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow",    "left_wrist", "right_wrist", "left_hip",
    "right_hip",  "left_knee",      "right_knee",     "left_ankle", "right_ankle"};

const char* kt_keypoint_name(int id) {
  return (id >= 0 && id < KT_NUM_KEYPOINTS) ? kKeypointNames[id] : NULL;
}

const char* kt_last_error(void) { return g_last_error; }

kt_status kt_fail(kt_status status, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g_last_error, sizeof(g_last_error), fmt, ap);
  va_end(ap);
  return status;
}

void kt_clear_error(void) { g_last_error[0] = '\0'; }

void kt_free(void* ptr) { free(ptr); }
