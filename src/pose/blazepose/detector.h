/* detector.h — BlazePose's person detector around the model (internal):
 * the letterboxed 224x224 input, decoding of the 2254 anchor predictions,
 * MediaPipe's weighted non-maximum suppression, and the letterbox removed
 * (TensorsToDetectionsCalculator, NonMaxSuppressionCalculator,
 * DetectionLetterboxRemovalCalculator with pose detection's options). */
#ifndef KT_POSE_BLAZEPOSE_DETECTOR_H
#define KT_POSE_BLAZEPOSE_DETECTOR_H

#include <stdint.h>

#include "kinetrack.h"
#include "pose/blazepose/anchors.h"
#include "runtime/frame_warp.h"

#define KT_BP_DETECTOR_KEYPOINTS 4
#define KT_BP_MIN_DETECTION_SCORE 0.5f  /* minDetectionConfidence */
#define KT_BP_NMS_IOU 0.3f

/* A detection, normalized to the frame it was found in (the letterboxed
 * input when it comes from kt_bp_decode). Keypoints: 0 mid-hip, 1 a point
 * giving the body's size and rotation, 2 mid-shoulder, 3 the upper body's
 * size/rotation point. The box is the face. */
typedef struct kt_bp_detection {
  float xmin, ymin, width, height;
  float kp[KT_BP_DETECTOR_KEYPOINTS][2];
  float score;
} kt_bp_detection;

/* The detector's input for a frame: letterboxed, p/255*2-1, black (-1)
 * padding. `input` holds 224*224*3 floats. */
kt_status kt_bp_detector_input(const uint8_t* rgba, int32_t width, int32_t height, float* input);
/* The same input as a warp, for a frame held as a GPU texture. */
kt_status kt_bp_detector_warp(int32_t width, int32_t height, kt_warp* warp_out);

/* Decodes the model's outputs (boxes [2254][12], score logits [2254]) into
 * the detections scoring >= KT_BP_MIN_DETECTION_SCORE, written to `scratch`
 * (room for KT_BP_NUM_ANCHORS), then suppresses: `*best_out` is the first
 * weighted-NMS cluster (the best score, boxes and keypoints averaged over
 * every detection overlapping it by IoU > 0.3, weighted by score).
 * `*found_out` is 0 when nothing scored high enough. */
kt_status kt_bp_detect(const float* boxes, const float* scores, const kt_bp_anchor* anchors,
                       kt_bp_detection* scratch, kt_bp_detection* best_out, int* found_out);

/* From the letterboxed square of a width x height frame to the frame. */
void kt_bp_detection_remove_letterbox(kt_bp_detection* d, int32_t width, int32_t height);

#endif
