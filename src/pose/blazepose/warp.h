/* warp.h — a rotated rectangle of an RGBA frame resampled into a model's
 * f32 RGB input (internal), as MediaPipe's ImageToTensorCalculator does:
 * output pixel (u, v) samples the frame at the point of the rectangle
 * (u + 0.5) / out_w, (v + 0.5) / out_h of the way across it, rotated by
 * the rectangle's rotation about its centre, with bilinear interpolation
 * between pixel centres. Values are p / 255 * scale + offset. */
#ifndef KT_POSE_BLAZEPOSE_WARP_H
#define KT_POSE_BLAZEPOSE_WARP_H

#include <stdint.h>

#include "kinetrack.h"
#include "runtime/frame_warp.h"

/* A rectangle in frame pixels: centre, size, rotation (radians,
 * clockwise on screen since y points down). */
typedef struct kt_bp_rect {
  float cx, cy, w, h, rotation;
} kt_bp_rect;

/* What an output pixel whose sample point falls outside the frame gets.
 * Either way, points inside the frame interpolate with the edge pixels
 * repeated, as a GL texture clamped to its edge does (MediaPipe converts
 * on the GPU): black never bleeds into the image's edge. */
typedef enum kt_bp_border {
  kt_bp_border_zero = 0,      /* black (the detector's letterbox) */
  kt_bp_border_replicate = 1, /* the nearest edge pixel (the landmark crop) */
} kt_bp_border;

/* Writes out_w * out_h * 3 floats (HWC, RGB) to `out`. */
kt_status kt_bp_warp(const uint8_t* rgba, int32_t width, int32_t height, const kt_bp_rect* rect, int32_t out_w,
                     int32_t out_h, kt_bp_border border, float scale, float offset, float* out);

/* kt_bp_warp's sampling as a warp (runtime/frame_warp.h), for a frame held
 * as a GPU texture. kt_bp_warp itself runs this warp on the CPU, in
 * float32 as the GPU does (positions within a thousandth of a pixel on a
 * 4K frame), so both paths feed the model the same values. */
kt_status kt_bp_warp_spec(int32_t width, int32_t height, const kt_bp_rect* rect, int32_t out_w, int32_t out_h,
                          kt_bp_border border, float scale, float offset, kt_warp* warp_out);

/* The rectangle that letterboxes the whole frame into a square: centred,
 * side = the long edge, no rotation. */
kt_bp_rect kt_bp_letterbox_rect(int32_t width, int32_t height);

#endif
