/* anchors.h — the SSD anchors of BlazePose's detector (internal), as
 * MediaPipe's SsdAnchorsCalculator builds them for pose detection: input
 * 224, 5 layers with strides 8, 16, 32, 32, 32 (layers of equal stride
 * share one grid), aspect ratio 1 plus the interpolated one, offsets 0.5,
 * fixed anchor size. 28*28*2 + 14*14*2 + 7*7*6 = 2254 centres, in the
 * model's output order (y, x, anchor). */
#ifndef KT_POSE_BLAZEPOSE_ANCHORS_H
#define KT_POSE_BLAZEPOSE_ANCHORS_H

#include "kinetrack.h"

#define KT_BP_DETECTOR_SIZE 224
#define KT_BP_NUM_ANCHORS 2254

typedef struct kt_bp_anchor {
  float cx, cy; /* normalized to the 224x224 input */
} kt_bp_anchor;

/* Writes the KT_BP_NUM_ANCHORS anchors. */
kt_status kt_bp_anchors(kt_bp_anchor anchors_out[KT_BP_NUM_ANCHORS]);

#endif
