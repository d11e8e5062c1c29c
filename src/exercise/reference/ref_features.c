/* ref_features.c — joint angles and body-scaled limb directions of a pose. */
#include "exercise/reference/ref_features.h"

#include <math.h>
#include <stddef.h>

enum { L_SHO = 5, R_SHO = 6, L_ELB = 7, R_ELB = 8, L_WRI = 9, R_WRI = 10,
       L_HIP = 11, R_HIP = 12, L_KNE = 13, R_KNE = 14, L_ANK = 15, R_ANK = 16 };
#define MID (-1) /* a torso end: the midpoint of the shoulders or the hips */

typedef struct { const char* name; int a, b, c; } angle_def;          /* the angle at b */
typedef struct { const char* name; int from, to; } limb_def;           /* MID: torso */

static const angle_def kAngles[KT_REF_NANGLES] = {
    {"left_elbow_angle", L_SHO, L_ELB, L_WRI},   {"right_elbow_angle", R_SHO, R_ELB, R_WRI},
    {"left_shoulder_angle", L_ELB, L_SHO, L_HIP}, {"right_shoulder_angle", R_ELB, R_SHO, R_HIP},
    {"left_hip_angle", L_SHO, L_HIP, L_KNE},     {"right_hip_angle", R_SHO, R_HIP, R_KNE},
    {"left_knee_angle", L_HIP, L_KNE, L_ANK},    {"right_knee_angle", R_HIP, R_KNE, R_ANK},
};
static const limb_def kLimbs[KT_REF_NLIMBS] = {
    {"left_upper_arm", L_SHO, L_ELB}, {"right_upper_arm", R_SHO, R_ELB}, {"left_forearm", L_ELB, L_WRI},
    {"right_forearm", R_ELB, R_WRI},  {"left_thigh", L_HIP, L_KNE},      {"right_thigh", R_HIP, R_KNE},
    {"left_shin", L_KNE, L_ANK},      {"right_shin", R_KNE, R_ANK},      {"torso", MID, MID},
};
static const char* const kDirNames[2 * KT_REF_NLIMBS] = {
    "left_upper_arm_x", "left_upper_arm_y", "right_upper_arm_x", "right_upper_arm_y", "left_forearm_x",
    "left_forearm_y",   "right_forearm_x",  "right_forearm_y",   "left_thigh_x",      "left_thigh_y",
    "right_thigh_x",    "right_thigh_y",    "left_shin_x",       "left_shin_y",       "right_shin_x",
    "right_shin_y",     "torso_x",          "torso_y"};

const char* kt_ref_feature_name(int i) {
  if (i < 0 || i >= KT_REF_NFEAT) return NULL;
  return i < KT_REF_NANGLES ? kAngles[i].name : kDirNames[i - KT_REF_NANGLES];
}

double kt_ref_moving_range(kt_ref_feat_kind kind) { return kind == kt_ref_feat_angle ? 15.0 / 180.0 : 0.25; }

bool kt_ref_feature_moves(kt_ref_feat_kind kind, double range, double widest) {
  return range >= kt_ref_moving_range(kind) && range >= 0.3 * widest;
}

kt_ref_feat_kind kt_ref_feature_kind(int i) { return i < KT_REF_NANGLES ? kt_ref_feat_angle : kt_ref_feat_direction; }

int kt_ref_feature_mirror(int i, bool* negate_out) {
  *negate_out = false;
  if (i < KT_REF_NANGLES) return i ^ 1; /* left, right alternate */
  const int limb = (i - KT_REF_NANGLES) / 2, axis = (i - KT_REF_NANGLES) % 2;
  *negate_out = axis == 0;
  const int other = limb == KT_REF_NLIMBS - 1 ? limb : limb ^ 1; /* the torso is its own mirror */
  return KT_REF_NANGLES + 2 * other + axis;
}

int kt_ref_feature_joints(int i, int joints_out[4]) {
  if (i < 0 || i >= KT_REF_NFEAT) return 0;
  if (i < KT_REF_NANGLES) {
    joints_out[0] = kAngles[i].a, joints_out[1] = kAngles[i].b, joints_out[2] = kAngles[i].c;
    return 3;
  }
  const limb_def* l = &kLimbs[(i - KT_REF_NANGLES) / 2];
  if (l->from == MID) {
    joints_out[0] = L_SHO, joints_out[1] = R_SHO, joints_out[2] = L_HIP, joints_out[3] = R_HIP;
    return 4;
  }
  joints_out[0] = l->from, joints_out[1] = l->to;
  return 2;
}

typedef struct { double x, y; bool ok; } pt;

static pt point(const kt_keypoint* kps, int id, double w, double h, double floor) {
  const kt_keypoint* k = &kps[id];
  pt p = {k->x * w, k->y * h, isfinite(k->x) && isfinite(k->y) && k->score >= floor};
  return p;
}

/* A torso end: the midpoint of a left/right pair, or the one side seen
 * (in a side view the far shoulder is often missing; the near one is a
 * fair estimate of where the torso ends). */
static pt torso_end(const kt_keypoint* kps, int left, int right, double w, double h, double floor) {
  const pt a = point(kps, left, w, h, floor), b = point(kps, right, w, h, floor);
  if (a.ok && b.ok) return (pt){(a.x + b.x) / 2, (a.y + b.y) / 2, true};
  return a.ok ? a : b;
}

double kt_ref_torso_px(const kt_keypoint kps[KT_NUM_KEYPOINTS], double w, double h, double floor) {
  const pt s = torso_end(kps, L_SHO, R_SHO, w, h, floor), p = torso_end(kps, L_HIP, R_HIP, w, h, floor);
  return s.ok && p.ok ? hypot(s.x - p.x, s.y - p.y) : NAN;
}

void kt_ref_features(const kt_keypoint kps[KT_NUM_KEYPOINTS], double w, double h, double floor, double scale,
                     float out[KT_REF_NFEAT]) {
  for (int i = 0; i < KT_REF_NANGLES; i++) {
    const angle_def* d = &kAngles[i];
    const pt a = point(kps, d->a, w, h, floor), b = point(kps, d->b, w, h, floor), c = point(kps, d->c, w, h, floor);
    const double ux = a.x - b.x, uy = a.y - b.y, vx = c.x - b.x, vy = c.y - b.y;
    const double nu = hypot(ux, uy), nv = hypot(vx, vy);
    out[i] = NAN;
    if (!a.ok || !b.ok || !c.ok || nu < 1e-6 || nv < 1e-6) continue;
    double cosv = (ux * vx + uy * vy) / (nu * nv);
    cosv = cosv > 1 ? 1 : cosv < -1 ? -1 : cosv;
    out[i] = (float)(acos(cosv) / 3.14159265358979323846); /* 0..1: 1 is a straight joint */
  }
  const bool scaled = isfinite(scale) && scale > 1e-6;
  for (int l = 0; l < KT_REF_NLIMBS; l++) {
    const limb_def* d = &kLimbs[l];
    pt a, b;
    if (d->from == MID) {
      a = torso_end(kps, L_HIP, R_HIP, w, h, floor);
      b = torso_end(kps, L_SHO, R_SHO, w, h, floor);
    } else {
      a = point(kps, d->from, w, h, floor);
      b = point(kps, d->to, w, h, floor);
    }
    float* o = &out[KT_REF_NANGLES + 2 * l];
    o[0] = o[1] = NAN;
    if (!a.ok || !b.ok || !scaled) continue;
    const double dx = (b.x - a.x) / scale, dy = (b.y - a.y) / scale;
    if (!(fabs(dx) <= KT_REF_MAX_DIRECTION && fabs(dy) <= KT_REF_MAX_DIRECTION)) continue; /* NaN too */
    o[0] = (float)dx;
    o[1] = (float)dy;
  }
}

void kt_ref_features_variant(const float in[KT_REF_NFEAT], int v, float out[KT_REF_NFEAT]) {
  const bool swap = v == 1 || v == 2, negate = v == 1 || v == 3;
  for (int i = 0; i < KT_REF_NFEAT; i++) {
    bool neg;
    const int m = swap ? kt_ref_feature_mirror(i, &neg) : i;
    neg = negate && kt_ref_feature_kind(i) == kt_ref_feat_direction && (i - KT_REF_NANGLES) % 2 == 0;
    out[m] = neg ? -in[i] : in[i];
  }
}
