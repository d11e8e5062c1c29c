/*
 * crop_region.h — MoveNet SinglePose crop-region tracking for video.
 *
 * Reproduces TF.js pose-detection (movenet/crop_utils.ts and the crop
 * low-pass filter of movenet/detector.ts): the model sees a square crop of
 * the frame that follows the person from frame to frame, so a small person
 * still fills the model's 192x192 input.
 *
 * All regions are normalized to the source frame (0..1 covers it; values
 * outside mean the crop extends past the edges and is padded with zeros).
 */
#ifndef KT_POSE_MOVENET_CROP_REGION_H
#define KT_POSE_MOVENET_CROP_REGION_H

#include "kinetrack.h"

/* Same fields as TF.js's BoundingBox: height = y_max - y_min and
 * width = x_max - x_min, kept explicitly as TF.js does. */
typedef struct kt_crop_region {
  float y_min, x_min, y_max, x_max, height, width;
} kt_crop_region;

/* TF.js MIN_CROP_KEYPOINT_SCORE and CROP_FILTER_ALPHA. */
#define KT_MIN_CROP_KEYPOINT_SCORE 0.2f
#define KT_CROP_FILTER_ALPHA 0.9

/* initCropRegion. `first_frame` != 0: the square centered inside the frame
 * (side = the short edge; TF.js's best guess for the first frame).
 * `first_frame` == 0: the square centered on the frame that covers all of
 * it (side = the long edge, the rest padded). */
kt_status kt_crop_region_init(int32_t width, int32_t height, int first_frame,
                              kt_crop_region* region_out);

/* torsoVisible: a hip and a shoulder both score above 0.2. Keypoints are
 * read by COCO id; `visible_out` receives 1 or 0. */
kt_status kt_crop_region_torso_visible(const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                                       int* visible_out);

/* determineNextCropRegion: the crop for the next frame from this frame's
 * (source-normalized) keypoints. `current` is the crop used for this frame,
 * or NULL if there was none (it only picks which init crop is the
 * fallback). Non-finite keypoint values are invalid_argument. */
kt_status kt_crop_region_next(const kt_crop_region* current,
                              const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                              int32_t width, int32_t height,
                              kt_crop_region* region_out);

/* The detector's smoothing of successive crops: one low-pass filter
 * (alpha 0.9, the first value passes through) per corner coordinate. */
typedef struct kt_crop_filter {
  double stored[4]; /* y_min, x_min, y_max, x_max */
  int initialized;
} kt_crop_filter;

kt_status kt_crop_filter_reset(kt_crop_filter* filter);

/* Filters `region` (height and width are recomputed from the filtered
 * corners, as TF.js does) into `*region_out`. */
kt_status kt_crop_filter_apply(kt_crop_filter* filter,
                               const kt_crop_region* region,
                               kt_crop_region* region_out);

#endif /* KT_POSE_MOVENET_CROP_REGION_H */
