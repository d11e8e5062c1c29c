/* landmarks.h — BlazePose's landmark model around the model (internal):
 * the rotated 256x256 crop, decoding of the 39 landmarks, the heatmap
 * refinement, projection back to the frame, world landmarks
 * (TensorsToLandmarksCalculator, RefineLandmarksFromHeatmapCalculator,
 * LandmarkProjectionCalculator, WorldLandmarkProjectionCalculator with
 * pose_landmark_by_roi's options). */
#ifndef KT_POSE_BLAZEPOSE_LANDMARKS_H
#define KT_POSE_BLAZEPOSE_LANDMARKS_H

#include <stdint.h>

#include "kinetrack.h"
#include "pose/blazepose/warp.h"
#include "pose/pose.h"

#define KT_BP_LANDMARK_SIZE 256
#define KT_BP_NUM_MODEL_LANDMARKS 39 /* 33 pose, 33 body centre, 34 size/rotation point, 35-38 unused */
#define KT_BP_AUX_CENTER 33
#define KT_BP_AUX_SCALE 34
#define KT_BP_HEATMAP_SIZE 64
#define KT_BP_HEATMAP_KERNEL 7
#define KT_BP_HEATMAP_MIN_CONFIDENCE 0.5f
#define KT_BP_MIN_POSE_PRESENCE 0.5f /* minTrackingConfidence on the pose flag */

/* The landmark model's input for `roi`: p/255, edges replicated. `input`
 * holds 256*256*3 floats. */
kt_status kt_bp_landmark_input(const uint8_t* rgba, int32_t width, int32_t height, const kt_bp_rect* roi,
                               float* input);
/* The same input as a warp, for a frame held as a GPU texture. */
kt_status kt_bp_landmark_warp(int32_t width, int32_t height, const kt_bp_rect* roi, kt_warp* warp_out);

/* Decodes the 39 landmarks from `raw` (39 x [x, y, z, visibility,
 * presence] in 256-pixel units and logits) into crop-normalized
 * coordinates, and refines x, y from `heatmap` (64x64x39 logits; NULL to
 * skip): the confidence-weighted mean position of the 7x7 window around
 * each landmark when the window's best confidence is >= 0.5. */
kt_status kt_bp_decode_landmarks(const float* raw, const float* heatmap, kt_landmark out[KT_BP_NUM_MODEL_LANDMARKS]);

/* From crop-normalized to frame-normalized coordinates (in place). */
void kt_bp_project_landmarks(kt_landmark* lm, int count, const kt_bp_rect* roi, int32_t width, int32_t height);

/* World landmarks (117 = 39 x [x, y, z] metres) rotated by the crop's
 * rotation; visibility and presence copied from `image`. */
void kt_bp_world_landmarks(const float* raw, const kt_bp_rect* roi, const kt_landmark* image, kt_landmark* out,
                           int count);

#endif
