/* landmarks.c — see landmarks.h. */
#include "pose/blazepose/landmarks.h"

#include <math.h>
#include <stddef.h>

static float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

kt_status kt_bp_landmark_input(const uint8_t* rgba, int32_t width, int32_t height, const kt_bp_rect* roi,
                               float* input) {
  return kt_bp_warp(rgba, width, height, roi, KT_BP_LANDMARK_SIZE, KT_BP_LANDMARK_SIZE, kt_bp_border_replicate, 1.0f,
                    0.0f, input);
}

kt_status kt_bp_landmark_warp(int32_t width, int32_t height, const kt_bp_rect* roi, kt_warp* warp_out) {
  return kt_bp_warp_spec(width, height, roi, KT_BP_LANDMARK_SIZE, KT_BP_LANDMARK_SIZE, kt_bp_border_replicate, 1.0f,
                         0.0f, warp_out);
}

/* MediaPipe's refinement, including its integer truncation of the centre
 * (a point just left of the crop truncates to column 0) and its bounds
 * check, which tests the column twice and the row only against 0 (rows
 * 64..66 still see the bottom of the heatmap). */
static void refine(const float* hm, int index, kt_landmark* lm) {
  const int size = KT_BP_HEATMAP_SIZE, channels = KT_BP_NUM_MODEL_LANDMARKS, offset = (KT_BP_HEATMAP_KERNEL - 1) / 2;
  const float fx = lm->x * size, fy = lm->y * size;
  if (!(fx > -1e6f && fx < 1e6f && fy > -1e6f && fy < 1e6f)) return;
  const int col = (int)fx, row = (int)fy;
  if (col < 0 || col >= size || row < 0) return; /* outside the crop: kept as is */
  const int c0 = col - offset < 0 ? 0 : col - offset, c1 = col + offset + 1 > size ? size : col + offset + 1;
  const int r0 = row - offset < 0 ? 0 : row - offset, r1 = row + offset + 1 > size ? size : row + offset + 1;
  float sum = 0, wx = 0, wy = 0, best = 0;
  for (int r = r0; r < r1; r++)
    for (int c = c0; c < c1; c++) {
      const float conf = sigmoidf(hm[((size_t)r * size + (size_t)c) * channels + index]);
      sum += conf;
      best = fmaxf(best, conf);
      wx += c * conf;
      wy += r * conf;
    }
  if (best >= KT_BP_HEATMAP_MIN_CONFIDENCE && sum > 0) {
    lm->x = wx / size / sum;
    lm->y = wy / size / sum;
  }
}

kt_status kt_bp_decode_landmarks(const float* raw, const float* heatmap, kt_landmark out[KT_BP_NUM_MODEL_LANDMARKS]) {
  if (!raw || !out) return kt_status_invalid_argument;
  const float s = (float)KT_BP_LANDMARK_SIZE;
  for (int i = 0; i < KT_BP_NUM_MODEL_LANDMARKS; i++) {
    const float* r = raw + i * 5;
    out[i] = (kt_landmark){r[0] / s, r[1] / s, r[2] / s, sigmoidf(r[3]), sigmoidf(r[4])};
    if (heatmap) refine(heatmap, i, &out[i]);
  }
  return kt_status_ok;
}

void kt_bp_project_landmarks(kt_landmark* lm, int count, const kt_bp_rect* roi, int32_t width, int32_t height) {
  const double c = cos(roi->rotation), s = sin(roi->rotation);
  for (int i = 0; i < count; i++) {
    const double x = lm[i].x - 0.5, y = lm[i].y - 0.5;
    /* In pixels: the crop is roi->w x roi->h around its centre. */
    lm[i].x = (float)(((c * x - s * y) * roi->w + roi->cx) / width);
    lm[i].y = (float)(((s * x + c * y) * roi->h + roi->cy) / height);
    lm[i].z = (float)(lm[i].z * roi->w / width); /* z scales with the crop's normalized width */
  }
}

void kt_bp_world_landmarks(const float* raw, const kt_bp_rect* roi, const kt_landmark* image, kt_landmark* out,
                           int count) {
  const double c = cos(roi->rotation), s = sin(roi->rotation);
  for (int i = 0; i < count; i++) {
    const double x = raw[i * 3], y = raw[i * 3 + 1];
    out[i] = (kt_landmark){(float)(c * x - s * y), (float)(s * x + c * y), raw[i * 3 + 2], image[i].visibility,
                           image[i].presence};
  }
}
