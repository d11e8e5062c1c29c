/* roi.h — the region the landmark model looks at (internal): from two
 * points, the body's centre and a point giving its size and rotation (the
 * detector's keypoints 0 and 1, or the previous frame's auxiliary
 * landmarks 33 and 34), as MediaPipe's AlignmentPointsRectsCalculator
 * (target angle 90 degrees) then RectTransformationCalculator (square on
 * the long side, scale 1.25) compute it. */
#ifndef KT_POSE_BLAZEPOSE_ROI_H
#define KT_POSE_BLAZEPOSE_ROI_H

#include <stdint.h>

#include "kinetrack.h"
#include "pose/blazepose/warp.h"

#define KT_BP_ROI_SCALE 1.25f

/* Angle in [-pi, pi), as MediaPipe's NormalizeRadians. */
double kt_bp_normalize_radians(double angle);

/* Points normalized to a width x height frame; the rectangle in pixels.
 * invalid_argument for non-finite points or a zero-size region. */
kt_status kt_bp_roi_from_points(float x0, float y0, float x1, float y1, int32_t width, int32_t height,
                                kt_bp_rect* roi_out);

#endif
