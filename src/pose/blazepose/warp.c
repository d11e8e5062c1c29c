/* warp.c — see warp.h. */
#include "pose/blazepose/warp.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

/* No fused multiply-add: the GPU path (gl_frame.c) rounds every product,
 * and so must this (clang contracts by default where FMA exists; GCC does
 * not in ISO C mode and does not know this pragma). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

kt_bp_rect kt_bp_letterbox_rect(int32_t width, int32_t height) {
  const float side = (float)(width > height ? width : height);
  return (kt_bp_rect){(float)width / 2, (float)height / 2, side, side, 0.0f};
}

/* Pixel (x, y), clamped to the frame (GL's CLAMP_TO_EDGE). */
static const uint8_t* pixel(const uint8_t* rgba, int32_t w, int32_t h, int32_t x, int32_t y) {
  x = x < 0 ? 0 : (x >= w ? w - 1 : x);
  y = y < 0 ? 0 : (y >= h ? h - 1 : y);
  return rgba + ((size_t)y * (size_t)w + (size_t)x) * 4;
}

kt_status kt_bp_warp_spec(int32_t width, int32_t height, const kt_bp_rect* r, int32_t out_w, int32_t out_h,
                          kt_bp_border border, float scale, float offset, kt_warp* warp_out) {
  if (!r || !warp_out || width < 1 || height < 1 || out_w < 1 || out_h < 1) return kt_status_invalid_argument;
  if (!isfinite(r->cx) || !isfinite(r->cy) || !isfinite(r->w) || !isfinite(r->h) || !isfinite(r->rotation))
    return kt_status_invalid_argument;
  /* kt_bp_warp's geometry, term for term. */
  const double c = cos(r->rotation), s = sin(r->rotation);
  const double dux = c * r->w / out_w, duy = s * r->w / out_w;
  const double dvx = -s * r->h / out_h, dvy = c * r->h / out_h;
  const double ox = r->cx - 0.5 + dux * (0.5 - out_w / 2.0) + dvx * (0.5 - out_h / 2.0);
  const double oy = r->cy - 0.5 + duy * (0.5 - out_w / 2.0) + dvy * (0.5 - out_h / 2.0);
  *warp_out = (kt_warp){.out_w = out_w, .out_h = out_h, .origin_x = (float)ox, .origin_y = (float)oy,
                        .du_x = (float)dux, .du_y = (float)duy, .dv_x = (float)dvx, .dv_y = (float)dvy,
                        .rule = kt_warp_rule_mediapipe, .replicate = border == kt_bp_border_replicate,
                        .truncate = false, .scale = scale / 255.0f, .offset = offset};
  return kt_status_ok;
}

kt_status kt_bp_warp(const uint8_t* rgba, int32_t width, int32_t height, const kt_bp_rect* r, int32_t out_w,
                     int32_t out_h, kt_bp_border border, float scale, float offset, float* out) {
  if (!rgba || !out) return kt_status_invalid_argument;
  kt_warp w;
  kt_status st = kt_bp_warp_spec(width, height, r, out_w, out_h, border, scale, offset, &w);
  if (st != kt_status_ok) return st;
  /* float32 throughout, in the order gl_frame.c's shader computes, so a
   * frame sampled here and one sampled on the GPU give the model the same
   * input (MediaPipe samples on the GPU in float32 too): BlazePose's
   * heatmap refinement and pose flag are thresholds, where a last-bit
   * difference in the input can move a landmark by pixels. */
  for (int32_t v = 0; v < out_h; v++) {
    for (int32_t u = 0; u < out_w; u++) {
      float x = w.origin_x + (float)u * w.du_x + (float)v * w.dv_x;
      float y = w.origin_y + (float)u * w.du_y + (float)v * w.dv_y;
      float* o = out + ((size_t)v * (size_t)out_w + (size_t)u) * 3;
      /* Outside the frame (pixel-centre coordinates: the frame spans
       * [-0.5, w - 0.5)); also catches NaN. */
      const bool inside = x >= -0.5f && x < (float)width - 0.5f && y >= -0.5f && y < (float)height - 0.5f;
      if (!inside && !w.replicate) {
        o[0] = o[1] = o[2] = w.offset;
        continue;
      }
      /* Clamp far points first (only the edge pixel matters there), which
       * also keeps the integer conversion in range. */
      x = x < -1.0f ? -1.0f : (x > (float)width ? (float)width : x);
      y = y < -1.0f ? -1.0f : (y > (float)height ? (float)height : y);
      const float fx = floorf(x), fy = floorf(y);
      const float ax = x - fx, ay = y - fy;
      const int32_t x0 = (int32_t)fx, y0 = (int32_t)fy;
      const uint8_t* p00 = pixel(rgba, width, height, x0, y0);
      const uint8_t* p10 = pixel(rgba, width, height, x0 + 1, y0);
      const uint8_t* p01 = pixel(rgba, width, height, x0, y0 + 1);
      const uint8_t* p11 = pixel(rgba, width, height, x0 + 1, y0 + 1);
      for (int ch = 0; ch < 3; ch++) {
        const float top = p00[ch] + (p10[ch] - p00[ch]) * ax;
        const float bottom = p01[ch] + (p11[ch] - p01[ch]) * ax;
        o[ch] = (top + (bottom - top) * ay) * w.scale + w.offset;
      }
    }
  }
  return kt_status_ok;
}
