/* preprocess.c — see preprocess.h. */
#include "pose/movenet/preprocess.h"

#include <math.h>

/* Sample positions and blends are computed in float32, in the same order
 * as TF.js's wasm backend kernel, so the model sees bit-identical input
 * (checked on every test photo). No fused multiply-add: clang contracts by
 * default on targets that have FMA; GCC does not in ISO C mode and does not
 * know this pragma. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* tf.cast(float32 -> int32) is Int32Array.from: truncation toward zero.
 * The blend of 0..255 values stays in 0..255, so the cast is defined. */
static int32_t to_i32(float v) { return (int32_t)v; }

/* One output row, blended from source rows `top` and `bottom` (equal when
 * the sample falls exactly on a row). */
static void sample_row(const uint8_t* top, const uint8_t* bottom, float y_lerp,
                       int32_t width, float x_start, float x_scale,
                       int32_t out_width, int32_t* out) {
  const float x_last = (float)width - 1;
  for (int32_t x = 0; x < out_width; x++, out += 3) {
    const float xi = x_start + x * x_scale;
    if (xi < 0 || xi > x_last) { /* extrapolationValue = 0 */
      out[0] = out[1] = out[2] = 0;
      continue;
    }
    const float left = floorf(xi), right = ceilf(xi), x_lerp = xi - left;
    const uint8_t* tl = top + (size_t)left * 4;
    const uint8_t* tr = top + (size_t)right * 4;
    const uint8_t* bl = bottom + (size_t)left * 4;
    const uint8_t* br = bottom + (size_t)right * 4;
    for (int c = 0; c < 3; c++) {
      const float t = tl[c] + (float)(tr[c] - tl[c]) * x_lerp;
      const float b = bl[c] + (float)(br[c] - bl[c]) * x_lerp;
      out[c] = to_i32(t + (b - t) * y_lerp);
    }
  }
}

kt_status kt_movenet_crop_and_resize(const uint8_t* rgba, int32_t width,
                                     int32_t height, const kt_crop_region* crop,
                                     int32_t out_height, int32_t out_width,
                                     int32_t* out, size_t out_count) {
  if (rgba == NULL || crop == NULL || out == NULL || width <= 0 ||
      height <= 0 || out_height <= 0 || out_width <= 0 ||
      (size_t)width > SIZE_MAX / 4 / (size_t)height ||
      (size_t)out_width > SIZE_MAX / 3 / (size_t)out_height ||
      out_count != (size_t)out_height * (size_t)out_width * 3) {
    return kt_status_invalid_argument;
  }
  /* The sample grid is the texture path's (kt_movenet_crop_warp), so both
   * read the frame at the same positions. */
  kt_warp grid;
  kt_status st = kt_movenet_crop_warp(width, height, crop, out_height, out_width, &grid);
  if (st != kt_status_ok) return st;
  const float h1 = (float)height - 1;
  const size_t stride = (size_t)width * 4;
  for (int32_t y = 0; y < out_height; y++) {
    int32_t* row = out + (size_t)y * (size_t)out_width * 3;
    const float yi = grid.origin_y + y * grid.dv_y;
    if (yi < 0 || yi > h1) {
      for (size_t i = 0; i < (size_t)out_width * 3; i++) row[i] = 0;
      continue;
    }
    const float top = floorf(yi), bottom = ceilf(yi);
    sample_row(rgba + (size_t)top * stride, rgba + (size_t)bottom * stride,
               yi - top, width, grid.origin_x, grid.du_x, out_width, row);
  }
  return kt_status_ok;
}

kt_status kt_movenet_crop_warp(int32_t width, int32_t height, const kt_crop_region* crop,
                               int32_t out_height, int32_t out_width, kt_warp* warp_out) {
  if (crop == NULL || warp_out == NULL || width <= 0 || height <= 0 ||
      out_height <= 0 || out_width <= 0) {
    return kt_status_invalid_argument;
  }
  const float y1 = crop->y_min, x1 = crop->x_min;
  const float y2 = crop->y_max, x2 = crop->x_max;
  if (!isfinite(y1) || !isfinite(x1) || !isfinite(y2) || !isfinite(x2)) {
    return kt_status_invalid_argument;
  }
  /* The box tensor is float32 in TF.js, which is what the struct holds.
   * Row y samples y1 * h1 + y * dv_y, column x samples x1 * w1 + x * du_x
   * (the centre, with a step of 0, for a single one); the CPU crop
   * (kt_movenet_crop_and_resize) and the texture shader both use this grid. */
  const float h1 = (float)height - 1, w1 = (float)width - 1;
  kt_warp w = {.out_w = out_width, .out_h = out_height, .rule = kt_warp_rule_tf_crop,
               .truncate = true, .scale = 1.0f, .offset = 0.0f};
  w.origin_y = out_height > 1 ? y1 * h1 : 0.5f * (y1 + y2) * h1;
  w.dv_y = out_height > 1 ? (y2 - y1) * h1 / (out_height - 1) : 0;
  w.origin_x = out_width > 1 ? x1 * w1 : 0.5f * (x1 + x2) * w1;
  w.du_x = out_width > 1 ? (x2 - x1) * w1 / (out_width - 1) : 0;
  *warp_out = w;
  return kt_status_ok;
}

kt_status kt_movenet_letterbox_crop(int32_t width, int32_t height,
                                    kt_crop_region* crop_out) {
  return kt_crop_region_init(width, height, 0, crop_out);
}

kt_status kt_movenet_crop_to_source(const kt_crop_region* crop, float y, float x,
                                    float* x_out, float* y_out) {
  if (crop == NULL || x_out == NULL || y_out == NULL) {
    return kt_status_invalid_argument;
  }
  *x_out = (float)((double)crop->x_min + (double)x * crop->width);
  *y_out = (float)((double)crop->y_min + (double)y * crop->height);
  return kt_status_ok;
}

kt_status kt_movenet_decode(const float output[KT_NUM_KEYPOINTS * 3],
                            const kt_crop_region* crop,
                            kt_keypoint keypoints_out[KT_NUM_KEYPOINTS]) {
  if (output == NULL || crop == NULL || keypoints_out == NULL) {
    return kt_status_invalid_argument;
  }
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    const float* o = output + i * 3; /* y, x, score */
    kt_keypoint k;
    (void)kt_movenet_crop_to_source(crop, o[0], o[1], &k.x, &k.y);
    k.score = o[2];
    keypoints_out[i] = k;
  }
  return kt_status_ok;
}
