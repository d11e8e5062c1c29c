/* angles.c — see angles.h. */
#include "pose/angles.h"

#include <math.h>
#include <stddef.h>

static const double kDegPerRad = 57.29577951308232; /* 180 / pi */

kt_status kt_joint_angle_compute(const kt_keypoint* a, const kt_keypoint* b,
                                 const kt_keypoint* c, int32_t width,
                                 int32_t height, kt_joint_angle* angle_out) {
  if (a == NULL || b == NULL || c == NULL || angle_out == NULL || width <= 0 ||
      height <= 0) {
    return kt_status_invalid_argument;
  }
  const kt_joint_angle degenerate = {0.0f, 0.0f};
  /* Doubles: float coordinates times a frame size cannot overflow them. */
  const double ux = ((double)a->x - b->x) * width, uy = ((double)a->y - b->y) * height;
  const double vx = ((double)c->x - b->x) * width, vy = ((double)c->y - b->y) * height;
  const double lu = hypot(ux, uy), lv = hypot(vx, vy);
  /* fmin would hide a NaN score, so each is checked. */
  const double score = fmin(fmin(a->score, b->score), c->score);
  /* !(x >= m) also catches NaN from non-finite coordinates. */
  if (!(lu >= KT_ANGLE_MIN_SEGMENT_PX) || !(lv >= KT_ANGLE_MIN_SEGMENT_PX) ||
      !isfinite(lu) || !isfinite(lv) || !isfinite(a->score) ||
      !isfinite(b->score) || !isfinite(c->score)) {
    *angle_out = degenerate;
    return kt_status_ok;
  }
  /* atan2(|u x v|, u . v) stays accurate near 0 and 180 degrees, where
   * acos of the normalized dot product loses precision. */
  const double cross = ux * vy - uy * vx, dot = ux * vx + uy * vy;
  angle_out->degrees = (float)(atan2(fabs(cross), dot) * kDegPerRad);
  angle_out->score = (float)score;
  return kt_status_ok;
}

kt_status kt_pose_angles_compute(const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                                 int32_t width, int32_t height,
                                 kt_pose_angles* angles_out) {
  if (keypoints == NULL || angles_out == NULL || width <= 0 || height <= 0) {
    return kt_status_invalid_argument;
  }
  /* Left and right keypoints alternate in COCO order: right = left + 1. */
  kt_pose_angles r;
  kt_side_angles* sides[2] = {&r.left, &r.right};
  for (int s = 0; s < 2; s++) {
    const kt_keypoint* k = keypoints + s;
    const kt_keypoint *sh = k + kt_left_shoulder, *el = k + kt_left_elbow;
    const kt_keypoint *wr = k + kt_left_wrist, *hip = k + kt_left_hip;
    const kt_keypoint *kn = k + kt_left_knee, *an = k + kt_left_ankle;
    kt_side_angles* o = sides[s];
    (void)kt_joint_angle_compute(hip, kn, an, width, height, &o->knee);
    (void)kt_joint_angle_compute(kn, hip, sh, width, height, &o->hip);
    (void)kt_joint_angle_compute(hip, sh, el, width, height, &o->shoulder);
    (void)kt_joint_angle_compute(sh, el, wr, width, height, &o->elbow);
  }
  *angles_out = r;
  return kt_status_ok;
}
