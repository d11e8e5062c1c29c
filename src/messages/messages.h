/* messages.h — builders for the JSON messages of CONTRACT §4 (internal).
 * Each kt_msg_* creates one message object, adds it to `list` (a cJSON
 * array) and returns kt_status_out_of_memory when cJSON cannot allocate.
 * Every message carries "type" and "timestampMs". */
#ifndef KT_MESSAGES_MESSAGES_H
#define KT_MESSAGES_MESSAGES_H

#include <stdbool.h>

#include "cJSON.h"
#include "kinetrack.h"
#include "pose/angles.h"
#include "pose/pose.h"

/* Creates {type, timestampMs} and appends it to `list`; NULL on OOM. The
 * start of every message. */
cJSON* kt_msg_begin(cJSON* list, const char* type, double timestamp_ms);

/* {type:"keypoints", frameId, data, keypoints} — data and keypoints are the
 * same array of the pose's 17 COCO {name, x, y, z, score}; a pose whose
 * skeleton has world landmarks (BlazePose) adds data33 and worldLandmarks,
 * its 33 {name, x, y, z, visibility, presence} in the frame and in metres. */
kt_status kt_msg_keypoints(cJSON* list, double timestamp_ms, int64_t frame_id, const kt_pose* pose);

/* The array of 17 {name, x, y, z, score} shared by keypoints and
 * keypoints_batch (`z` NULL: all 0); NULL on OOM. The caller owns it until
 * attached. */
cJSON* kt_msg_keypoint_list(const kt_keypoint keypoints[KT_NUM_KEYPOINTS], const float* z);

/* The array of a skeleton's landmarks {name, x, y, z, visibility,
 * presence}; NULL on OOM. Owned by the caller until attached. */
cJSON* kt_msg_landmark_list(const kt_skeleton* skeleton, const kt_landmark* landmarks);

/* {type:"angles", data:{left_side, right_side}} with the reference's
 * relation names (knee: from_hip_to_ankle, ...). */
kt_status kt_msg_angles(cJSON* list, double timestamp_ms, const kt_pose_angles* angles);

/* {type:"error", code, error, message, details, fatal}. `details` is
 * adopted (may be NULL). */
kt_status kt_msg_error(cJSON* list, double timestamp_ms, const char* code, const char* message,
                       cJSON* details, bool fatal);
/* {id, name, model, durationMs, startMs, endMs, signature}: a reference
 * movement's signature (its JSON text, kt_reference_builder_finish's)
 * handed to the host by the reference builder page. invalid_argument when
 * the text is not a JSON object. */
kt_status kt_msg_reference_signature(cJSON* list, double timestamp_ms, const char* signature_json);

/* {type:"image_overlay", data, url, width, height}. */
kt_status kt_msg_image_overlay(cJSON* list, double timestamp_ms, const char* data_url,
                               int32_t width, int32_t height);

/* {type:"export_ready", url, mimeType, durationMs, width, height, frames}:
 * the upload page's overlay video (export=true), url a blob: URL. */
kt_status kt_msg_export_ready(cJSON* list, double timestamp_ms, const char* url, const char* mime_type,
                              double duration_ms, int32_t width, int32_t height, int64_t frames);

/* {type:"initialization", message, ready, step}. */
kt_status kt_msg_initialization(cJSON* list, double timestamp_ms, const char* message, bool ready,
                                const char* step);

/* {type:"environment", poseBackend, webgl, simd, threads, model}. */
kt_status kt_msg_environment(cJSON* list, double timestamp_ms, const char* pose_backend, bool webgl,
                             bool simd, int threads, const char* model);

/* A number rounded to 6 decimals, so messages stay short and stable. */
double kt_msg_round(double v);

#endif
