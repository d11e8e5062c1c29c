/* crop_region.c — see crop_region.h. Arithmetic is done in double because
 * TF.js does it in JS numbers; only the stored region is float. */
#include "pose/movenet/crop_region.h"

#include <math.h>
#include <stddef.h>

static kt_crop_region make_region(double y_min, double x_min, double y_max,
                                  double x_max, double height, double width) {
  kt_crop_region r;
  r.y_min = (float)y_min;
  r.x_min = (float)x_min;
  r.y_max = (float)y_max;
  r.x_max = (float)x_max;
  r.height = (float)height;
  r.width = (float)width;
  return r;
}

kt_status kt_crop_region_init(int32_t width, int32_t height, int first_frame,
                              kt_crop_region* region_out) {
  if (region_out == NULL || width <= 0 || height <= 0) {
    return kt_status_invalid_argument;
  }
  const double w = width, h = height;
  double box_h, box_w, y_min, x_min;
  /* The two cases are mirror images: the first frame fits the square inside
   * the frame, the fallback fits the frame inside the square. */
  if ((width > height) == (first_frame != 0)) {
    box_h = 1.0;
    box_w = h / w;
    y_min = 0.0;
    x_min = (w / 2 - h / 2) / w;
  } else {
    box_h = w / h;
    box_w = 1.0;
    y_min = (h / 2 - w / 2) / h;
    x_min = 0.0;
  }
  *region_out = make_region(y_min, x_min, y_min + box_h, x_min + box_w,
                            box_h, box_w);
  return kt_status_ok;
}

kt_status kt_crop_region_torso_visible(const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                                       int* visible_out) {
  if (keypoints == NULL || visible_out == NULL) {
    return kt_status_invalid_argument;
  }
  const float t = KT_MIN_CROP_KEYPOINT_SCORE;
  *visible_out = (keypoints[kt_left_hip].score > t ||
                  keypoints[kt_right_hip].score > t) &&
                 (keypoints[kt_left_shoulder].score > t ||
                  keypoints[kt_right_shoulder].score > t);
  return kt_status_ok;
}

/* determineTorsoAndBodyRange: the largest |dy|, |dx| (pixels) from the hip
 * center to the four torso joints (whatever their score) and to every
 * keypoint scoring at least 0.2. range[] = {torsoY, torsoX, bodyY, bodyX}. */
static void torso_and_body_range(const kt_keypoint* kp, const double* py,
                                 const double* px, double cy, double cx,
                                 double range[4]) {
  static const int torso[4] = {kt_left_shoulder, kt_right_shoulder,
                               kt_left_hip, kt_right_hip};
  range[0] = range[1] = range[2] = range[3] = 0.0;
  for (int i = 0; i < 4; i++) {
    range[0] = fmax(range[0], fabs(cy - py[torso[i]]));
    range[1] = fmax(range[1], fabs(cx - px[torso[i]]));
  }
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    if (kp[i].score < KT_MIN_CROP_KEYPOINT_SCORE) continue;
    range[2] = fmax(range[2], fabs(cy - py[i]));
    range[3] = fmax(range[3], fabs(cx - px[i]));
  }
}

kt_status kt_crop_region_next(const kt_crop_region* current,
                              const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                              int32_t width, int32_t height,
                              kt_crop_region* region_out) {
  if (keypoints == NULL || region_out == NULL || width <= 0 || height <= 0) {
    return kt_status_invalid_argument;
  }
  double py[KT_NUM_KEYPOINTS], px[KT_NUM_KEYPOINTS];
  const double w = width, h = height;
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    const kt_keypoint* k = &keypoints[i];
    if (!isfinite(k->x) || !isfinite(k->y) || !isfinite(k->score)) {
      return kt_status_invalid_argument;
    }
    py[i] = (double)k->y * h; /* TF.js works in pixels here */
    px[i] = (double)k->x * w;
  }
  int visible = 0;
  (void)kt_crop_region_torso_visible(keypoints, &visible);
  if (!visible) return kt_crop_region_init(width, height, current == NULL, region_out);

  const double cy = (py[kt_left_hip] + py[kt_right_hip]) / 2;
  const double cx = (px[kt_left_hip] + px[kt_right_hip]) / 2;
  double r[4];
  torso_and_body_range(keypoints, py, px, cy, cx, r);
  double half = fmax(fmax(r[1] * 1.9, r[0] * 1.9), fmax(r[2] * 1.2, r[3] * 1.2));
  /* Never larger than the distance from the center to the farthest edge. */
  half = fmin(half, fmax(fmax(cx, w - cx), fmax(cy, h - cy)));
  if (half > fmax(w, h) / 2) {
    return kt_crop_region_init(width, height, current == NULL, region_out);
  }
  const double y0 = cy - half, x0 = cx - half, len = half * 2;
  *region_out = make_region(y0 / h, x0 / w, (y0 + len) / h, (x0 + len) / w,
                            (y0 + len) / h - y0 / h, (x0 + len) / w - x0 / w);
  return kt_status_ok;
}

kt_status kt_crop_filter_reset(kt_crop_filter* filter) {
  if (filter == NULL) return kt_status_invalid_argument;
  for (int i = 0; i < 4; i++) filter->stored[i] = 0.0;
  filter->initialized = 0;
  return kt_status_ok;
}

kt_status kt_crop_filter_apply(kt_crop_filter* filter,
                               const kt_crop_region* region,
                               kt_crop_region* region_out) {
  if (filter == NULL || region == NULL || region_out == NULL) {
    return kt_status_invalid_argument;
  }
  const double in[4] = {region->y_min, region->x_min, region->y_max, region->x_max};
  for (int i = 0; i < 4; i++) {
    if (!isfinite(in[i])) return kt_status_invalid_argument;
  }
  double* s = filter->stored;
  for (int i = 0; i < 4; i++) {
    /* LowPassFilter.apply: the first value initializes the filter. */
    s[i] = filter->initialized ? s[i] + KT_CROP_FILTER_ALPHA * (in[i] - s[i]) : in[i];
  }
  filter->initialized = 1;
  *region_out = make_region(s[0], s[1], s[2], s[3], s[2] - s[0], s[3] - s[1]);
  return kt_status_ok;
}
