/* view.c — how the camera sees the person, from the pose alone: which
 * way they face it, and how sure the model is of them (the confidence
 * floor, at the end).
 *
 * The view.
 *
 * The shoulder width over the torso length (pixels): a person facing the
 * camera shows about 0.65 (measured on the front-view clips: 0.64-0.66),
 * and turning by an angle a about the vertical multiplies the width by
 * cos(a). So face: a < ~40 degrees (ratio > 0.5), profile: a > ~63
 * degrees (ratio < 0.3), oblique between. Lying movements read the same
 * way: a push-up seen head-on foreshortens the torso (a large ratio, face),
 * seen from the side it shows a long torso and a narrow shoulder line.
 *
 * The ratio is smoothed over time (an exponential average with a time
 * constant of 400 ms, frame-rate independent) and the class changes only
 * 0.03 past a boundary, so a pose near one does not flip every frame. */
#include <math.h>

#include "exercise/engine_internal.h"

#define KT_VIEW_TAU_MS 400.0
#define KT_VIEW_FACE 0.5
#define KT_VIEW_PROFILE 0.3
#define KT_VIEW_MARGIN 0.03

static double view_ratio(const kt_frame* f, double floor_score) {
  const kt_keypoint* k = f->kps;
  const int ids[4] = {kt_left_shoulder, kt_right_shoulder, kt_left_hip, kt_right_hip};
  for (int i = 0; i < 4; i++)
    if (!(k[ids[i]].score >= floor_score) || !isfinite(k[ids[i]].x) || !isfinite(k[ids[i]].y)) return -1;
  const double sw = hypot((k[kt_left_shoulder].x - k[kt_right_shoulder].x) * f->w,
                          (k[kt_left_shoulder].y - k[kt_right_shoulder].y) * f->h);
  const double mx = (k[kt_left_shoulder].x + k[kt_right_shoulder].x - k[kt_left_hip].x - k[kt_right_hip].x) / 2;
  const double my = (k[kt_left_shoulder].y + k[kt_right_shoulder].y - k[kt_left_hip].y - k[kt_right_hip].y) / 2;
  const double tl = hypot(mx * f->w, my * f->h);
  return tl > 1e-6 ? sw / tl : -1;
}

void kt_ex_view_update(kt_view_state* st, const kt_frame* f, double floor_score) {
  const double r = view_ratio(f, floor_score);
  if (r < 0) return; /* keep the last view while the torso is not seen */
  if (!st->has) {
    st->ratio = r;
    st->has = true;
  } else {
    const double dt = f->ts - st->t;
    const double a = dt > 0 ? 1.0 - exp(-dt / KT_VIEW_TAU_MS) : 0.0;
    st->ratio += a * (r - st->ratio);
  }
  st->t = f->ts;
  const double m = st->view == kt_view_any ? 0.0 : KT_VIEW_MARGIN;
  const double face = KT_VIEW_FACE + (st->view == kt_view_face ? -m : m);
  const double profile = KT_VIEW_PROFILE + (st->view == kt_view_profile ? m : -m);
  st->view = st->ratio > face ? kt_view_face : st->ratio < profile ? kt_view_profile : kt_view_oblique;
}

/* The confidence floor of a frame. MoveNet's scores drop as a whole in a
 * dim, grainy or blurred video while the joints it finds stay where they
 * are, so a fixed floor would drop the whole body. The floor is the
 * definition's, lowered to half of how sure the model is about this
 * person's well-seen joints (the 75th percentile of the 17 scores,
 * averaged over about two seconds), but never under 0.15: joints that are
 * not in the picture score 0.05-0.1. In daylight the definition's floor
 * stands (the 75th percentile is 0.6-0.9). */
#define KT_CONFIDENCE_TAU_MS 2000.0
#define KT_CONFIDENCE_MIN 0.15

double kt_ex_confidence_floor(kt_confidence_state* st, const kt_frame* f, double def_floor) {
  float s[KT_NUM_KEYPOINTS];
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    const float v = isfinite(f->kps[i].score) ? f->kps[i].score : 0.0f;
    int j = i;
    for (; j > 0 && s[j - 1] > v; j--) s[j] = s[j - 1];
    s[j] = v;
  }
  const double p75 = s[(KT_NUM_KEYPOINTS * 3) / 4];
  if (!st->has) {
    st->level = p75;
    st->has = true;
  } else {
    const double dt = f->ts - st->t;
    st->level += (dt > 0 ? 1.0 - exp(-dt / KT_CONFIDENCE_TAU_MS) : 0.0) * (p75 - st->level);
  }
  st->t = f->ts;
  const double floor = 0.5 * st->level;
  return floor < KT_CONFIDENCE_MIN ? KT_CONFIDENCE_MIN : floor > def_floor ? def_floor : floor;
}
