/* exercise_synth3d.h — a 3D stick figure seen by a pinhole camera from any
 * side, for testing that counting does not depend on where the phone
 * stands. The body is posed in metres (x: the person's left, y: up, z: the
 * way they face), the camera circles it (azimuth 0: in front, 90: at the
 * person's left, 180: behind) and looks down by `elevation`; keypoints
 * are the projections, the far side of a profile view scored lower and
 * noisier as MoveNet reports hidden joints. Header-only, test use. */
#ifndef KT_EXERCISE_SYNTH3D_H
#define KT_EXERCISE_SYNTH3D_H

#include <math.h>

#include "exercise_synth.h"

typedef struct syn_v3 { double x, y, z; } syn_v3;

static inline syn_v3 syn_v3_add(syn_v3 a, syn_v3 b) { return (syn_v3){a.x + b.x, a.y + b.y, a.z + b.z}; }
static inline syn_v3 syn_v3_scale(syn_v3 a, double s) { return (syn_v3){a.x * s, a.y * s, a.z * s}; }
static inline double syn_v3_dot(syn_v3 a, syn_v3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static inline syn_v3 syn_v3_cross(syn_v3 a, syn_v3 b) {
  return (syn_v3){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
static inline syn_v3 syn_v3_norm(syn_v3 a) { return syn_v3_scale(a, 1.0 / sqrt(syn_v3_dot(a, a))); }
/* A direction in the sagittal plane: `deg` from straight down toward the
 * front (90: forward, 180: up, -90: backward). */
static inline syn_v3 syn_sag(double deg) { return (syn_v3){0, -cos(SYN_RAD(deg)), sin(SYN_RAD(deg))}; }

/* Body proportions of a 1.75 m adult (metres). */
#define SYN3_SHIN 0.43
#define SYN3_THIGH 0.43
#define SYN3_TORSO 0.50
#define SYN3_UPPER_ARM 0.30
#define SYN3_FOREARM 0.27
#define SYN3_HIP_HALF 0.11
#define SYN3_SHOULDER_HALF 0.18

/* The 17 joints in 3D. */
typedef struct syn_body { syn_v3 j[KT_NUM_KEYPOINTS]; } syn_body;

static inline void syn_body_head(syn_body* b, syn_v3 neck, syn_v3 up, syn_v3 fwd) {
  syn_v3 right = syn_v3_cross(up, fwd); /* the person's left */
  const syn_v3 nose = syn_v3_add(syn_v3_add(neck, syn_v3_scale(up, 0.22)), syn_v3_scale(fwd, 0.09));
  b->j[kt_nose] = nose;
  b->j[kt_left_eye] = syn_v3_add(syn_v3_add(nose, syn_v3_scale(right, 0.03)), syn_v3_scale(up, 0.03));
  b->j[kt_right_eye] = syn_v3_add(syn_v3_add(nose, syn_v3_scale(right, -0.03)), syn_v3_scale(up, 0.03));
  b->j[kt_left_ear] = syn_v3_add(syn_v3_add(nose, syn_v3_scale(right, 0.07)), syn_v3_scale(fwd, -0.09));
  b->j[kt_right_ear] = syn_v3_add(syn_v3_add(nose, syn_v3_scale(right, -0.07)), syn_v3_scale(fwd, -0.09));
}

/* Standing / squatting: feet on the floor at z = 0, thigh `thigh` degrees
 * from vertical (0 standing, 90 parallel), shins leaning forward `shin`,
 * torso leaning forward `lean`, arms raised forward `arms` degrees from
 * hanging (90: straight out in front). */
static inline void syn_body_squat(syn_body* b, double thigh, double shin, double lean, double arms) {
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 ankle = {side * 0.13, 0.08, 0};
    const syn_v3 knee = syn_v3_add(ankle, syn_v3_scale(syn_sag(180 - shin), SYN3_SHIN));
    syn_v3 hip = syn_v3_add(knee, syn_v3_scale(syn_sag(180 + thigh), SYN3_THIGH));
    hip.x = side * SYN3_HIP_HALF;
    b->j[kt_left_ankle + s] = ankle;
    b->j[kt_left_knee + s] = (syn_v3){side * 0.14, knee.y, knee.z};
    b->j[kt_left_hip + s] = hip;
  }
  const syn_v3 pelvis = syn_v3_scale(syn_v3_add(b->j[kt_left_hip], b->j[kt_right_hip]), 0.5);
  const syn_v3 up = syn_sag(180 - lean);
  const syn_v3 neck = syn_v3_add(pelvis, syn_v3_scale(up, SYN3_TORSO));
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 sh = {side * SYN3_SHOULDER_HALF, neck.y, neck.z};
    const syn_v3 el = syn_v3_add(sh, syn_v3_scale(syn_sag(arms), SYN3_UPPER_ARM));
    b->j[kt_left_shoulder + s] = sh;
    b->j[kt_left_elbow + s] = el;
    b->j[kt_left_wrist + s] = syn_v3_add(el, syn_v3_scale(syn_sag(arms), SYN3_FOREARM));
  }
  syn_body_head(b, neck, up, syn_sag(90 - lean));
}

/* A push-up: hands on the floor under the shoulders, elbow angle `elbow`
 * (degrees: the forearm tips back by a seventh of the bend, the upper arm
 * takes the rest; the elbows flare out by `flare` x 15 cm at 90 degrees),
 * the body straight from shoulders to feet but for the hips sagging by
 * `sag` degrees. The head points +z. */
static inline void syn_body_push_up(syn_body* b, double elbow, double sag, double flare) {
  const double bend = 180 - elbow, lean = bend / 7;
  syn_v3 sh[2];
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 wrist = {side * 0.22, 0.02, 0};
    syn_v3 el = syn_v3_add(wrist, syn_v3_scale(syn_sag(lean), -SYN3_FOREARM));
    sh[s] = syn_v3_add(el, syn_v3_scale(syn_sag(lean + elbow), SYN3_UPPER_ARM));
    el.x += side * flare * 0.15 * sin(SYN_RAD(bend));
    sh[s].x = side * SYN3_SHOULDER_HALF;
    b->j[kt_left_wrist + s] = wrist;
    b->j[kt_left_elbow + s] = el;
    b->j[kt_left_shoulder + s] = sh[s];
  }
  /* feet on the floor behind: the body line's slope */
  const double len = SYN3_TORSO + SYN3_THIGH + SYN3_SHIN;
  const double slope = asin((sh[0].y - 0.05) / len);
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 dir = {0, -sin(slope), -cos(slope)};
    const syn_v3 sagdir = {0, -sin(slope - SYN_RAD(sag)), -cos(slope - SYN_RAD(sag))};
    syn_v3 hip = syn_v3_add(sh[s], syn_v3_scale(dir, SYN3_TORSO));
    hip.x = side * SYN3_HIP_HALF;
    const syn_v3 knee = syn_v3_add(hip, syn_v3_scale(sagdir, SYN3_THIGH));
    b->j[kt_left_hip + s] = hip;
    b->j[kt_left_knee + s] = knee;
    b->j[kt_left_ankle + s] = syn_v3_add(knee, syn_v3_scale(dir, SYN3_SHIN));
  }
  const syn_v3 neck = syn_v3_scale(syn_v3_add(sh[0], sh[1]), 0.5);
  syn_body_head(b, neck, (syn_v3){0, sin(slope), cos(slope)}, (syn_v3){0, -1, 0});
}

/* A forward lunge with the left leg in front: front knee angle `knee`. */
static inline void syn_body_lunge(syn_body* b, double knee) {
  const double bend = 180 - knee;
  const syn_v3 fa = {0.12, 0.08, 0.45};
  const syn_v3 fk = syn_v3_add(fa, syn_v3_scale(syn_sag(180 - bend * 0.15), SYN3_SHIN));
  syn_v3 hip = syn_v3_add(fk, syn_v3_scale(syn_sag(180 + bend * 0.85), SYN3_THIGH));
  /* back leg: foot 0.5 m behind, knee by two-link IK in the sagittal plane */
  const syn_v3 ba = {-0.12, 0.08, -0.55};
  const double dy = ba.y - hip.y, dz = ba.z - hip.z, dist = fmin(hypot(dy, dz), 0.85);
  const double h = sqrt(fmax(SYN3_THIGH * SYN3_THIGH - dist * dist / 4, 0));
  const syn_v3 bk = {-0.13, hip.y + dy / 2 - (dz / hypot(dy, dz)) * h, hip.z + dz / 2 + (dy / hypot(dy, dz)) * h};
  b->j[kt_left_ankle] = fa;
  b->j[kt_left_knee] = fk;
  b->j[kt_right_ankle] = ba;
  b->j[kt_right_knee] = bk;
  b->j[kt_left_hip] = (syn_v3){SYN3_HIP_HALF, hip.y, hip.z};
  b->j[kt_right_hip] = (syn_v3){-SYN3_HIP_HALF, hip.y, hip.z};
  const syn_v3 neck = {0, hip.y + SYN3_TORSO, hip.z};
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 sh = {side * SYN3_SHOULDER_HALF, neck.y, neck.z};
    b->j[kt_left_shoulder + s] = sh;
    b->j[kt_left_elbow + s] = syn_v3_add(sh, (syn_v3){side * 0.05, -SYN3_UPPER_ARM, 0});
    b->j[kt_left_wrist + s] = syn_v3_add(sh, (syn_v3){side * 0.07, -SYN3_UPPER_ARM - SYN3_FOREARM, 0.03});
  }
  syn_body_head(b, neck, (syn_v3){0, 1, 0}, (syn_v3){0, 0, 1});
}

/* A jumping jack: arms raised sideways `arms` degrees from hanging, feet
 * apart by `feet` metres. */
static inline void syn_body_jack(syn_body* b, double arms, double feet) {
  const double hip_y = SYN3_SHIN + SYN3_THIGH + 0.08 - feet * 0.1;
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 hip = {side * SYN3_HIP_HALF, hip_y, 0};
    const syn_v3 ankle = {side * (0.12 + feet / 2), 0.08, 0};
    b->j[kt_left_hip + s] = hip;
    b->j[kt_left_ankle + s] = ankle;
    b->j[kt_left_knee + s] = syn_v3_scale(syn_v3_add(hip, ankle), 0.5);
    const syn_v3 sh = {side * SYN3_SHOULDER_HALF, hip_y + SYN3_TORSO, 0};
    const syn_v3 dir = {side * sin(SYN_RAD(arms)), -cos(SYN_RAD(arms)), 0};
    b->j[kt_left_shoulder + s] = sh;
    b->j[kt_left_elbow + s] = syn_v3_add(sh, syn_v3_scale(dir, SYN3_UPPER_ARM));
    b->j[kt_left_wrist + s] = syn_v3_add(sh, syn_v3_scale(dir, SYN3_UPPER_ARM + SYN3_FOREARM));
  }
  syn_body_head(b, (syn_v3){0, hip_y + SYN3_TORSO, 0}, (syn_v3){0, 1, 0}, (syn_v3){0, 0, 1});
}

/* ------------------------------------------------------------------------
 * More poses (test_exercise_sets.c): one per movement of the catalogue.
 * Shared helpers first. Every pose keeps the segment lengths SYN3_*. */

static inline syn_v3 syn_v3_sub(syn_v3 a, syn_v3 b) { return (syn_v3){a.x - b.x, a.y - b.y, a.z - b.z}; }
static inline double syn_v3_len(syn_v3 a) { return sqrt(syn_v3_dot(a, a)); }
static inline syn_v3 syn_v3_lerp(syn_v3 a, syn_v3 b, double t) {
  return syn_v3_add(a, syn_v3_scale(syn_v3_sub(b, a), t));
}
static inline double syn_lerp(double a, double b, double t) { return a + (b - a) * t; }
/* A direction in the frontal plane: `deg` from straight down toward the
 * person's side `side` (+1 left, -1 right; 90: straight out, 180: up),
 * tipped forward by `fwd` (a z component before normalizing). */
static inline syn_v3 syn_frontal(double deg, double side, double fwd) {
  return syn_v3_norm((syn_v3){side * sin(SYN_RAD(deg)), -cos(SYN_RAD(deg)), fwd});
}
/* The 3D angle at b (degrees), to check the poses. */
static inline double syn_v3_angle(syn_v3 a, syn_v3 b, syn_v3 c) {
  const syn_v3 u = syn_v3_norm(syn_v3_sub(a, b)), v = syn_v3_norm(syn_v3_sub(c, b));
  double d = syn_v3_dot(u, v);
  d = d > 1 ? 1 : d < -1 ? -1 : d;
  return acos(d) * 180.0 / SYN_PI;
}

/* Two-link inverse kinematics: the joint between `a` and `c` (segments l1
 * from a, l2 to c), bent toward `pole`. Out of reach: straight toward c. */
static inline syn_v3 syn_ik(syn_v3 a, syn_v3 c, double l1, double l2, syn_v3 pole) {
  const syn_v3 ac = syn_v3_sub(c, a);
  double d = syn_v3_len(ac);
  const syn_v3 dir = syn_v3_scale(ac, 1.0 / (d > 1e-9 ? d : 1e-9));
  if (d >= l1 + l2 - 1e-9) return syn_v3_add(a, syn_v3_scale(dir, l1));
  if (d < fabs(l1 - l2) + 1e-9) d = fabs(l1 - l2) + 1e-9;
  const double x = (l1 * l1 - l2 * l2 + d * d) / (2 * d), h = sqrt(fmax(l1 * l1 - x * x, 0));
  /* the pole's part perpendicular to a->c */
  syn_v3 p = syn_v3_sub(pole, syn_v3_scale(dir, syn_v3_dot(pole, dir)));
  p = syn_v3_len(p) > 1e-9 ? syn_v3_norm(p) : (syn_v3){0, 1, 0};
  return syn_v3_add(syn_v3_add(a, syn_v3_scale(dir, x)), syn_v3_scale(p, h));
}

/* A hand placed at `target` (out of reach: as far toward it as the arm
 * goes), the elbow bent toward `pole`. */
static inline void syn_body_reach(syn_body* b, int s, syn_v3 target, syn_v3 pole) {
  const syn_v3 sh = b->j[kt_left_shoulder + s];
  const double arm = SYN3_UPPER_ARM + SYN3_FOREARM - 0.005;
  syn_v3 d = syn_v3_sub(target, sh);
  if (syn_v3_len(d) > arm) target = syn_v3_add(sh, syn_v3_scale(syn_v3_norm(d), arm));
  b->j[kt_left_elbow + s] = syn_ik(sh, target, SYN3_UPPER_ARM, SYN3_FOREARM, pole);
  b->j[kt_left_wrist + s] = target;
}

/* An arm from its shoulder: the upper arm along `upper`, the forearm along
 * `fore` (unit vectors). */
static inline void syn_body_arm(syn_body* b, int s, syn_v3 upper, syn_v3 fore) {
  const syn_v3 el = syn_v3_add(b->j[kt_left_shoulder + s], syn_v3_scale(upper, SYN3_UPPER_ARM));
  b->j[kt_left_elbow + s] = el;
  b->j[kt_left_wrist + s] = syn_v3_add(el, syn_v3_scale(fore, SYN3_FOREARM));
}

/* A leg from its hip: the thigh along `thigh`, the shin along `shin`. */
static inline void syn_body_leg(syn_body* b, int s, syn_v3 thigh, syn_v3 shin) {
  const syn_v3 kn = syn_v3_add(b->j[kt_left_hip + s], syn_v3_scale(thigh, SYN3_THIGH));
  b->j[kt_left_knee + s] = kn;
  b->j[kt_left_ankle + s] = syn_v3_add(kn, syn_v3_scale(shin, SYN3_SHIN));
}

/* The hips, shoulders and head from the pelvis (the hips' middle): `up`
 * along the torso toward the head, `fwd` the way the chest faces. */
static inline void syn_body_trunk(syn_body* b, syn_v3 pelvis, syn_v3 up, syn_v3 fwd) {
  up = syn_v3_norm(up);
  fwd = syn_v3_norm(syn_v3_sub(fwd, syn_v3_scale(up, syn_v3_dot(fwd, up))));
  const syn_v3 left = syn_v3_cross(up, fwd);
  const syn_v3 neck = syn_v3_add(pelvis, syn_v3_scale(up, SYN3_TORSO));
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    b->j[kt_left_hip + s] = syn_v3_add(pelvis, syn_v3_scale(left, side * SYN3_HIP_HALF));
    b->j[kt_left_shoulder + s] = syn_v3_add(neck, syn_v3_scale(left, side * SYN3_SHOULDER_HALF));
  }
  syn_body_head(b, neck, up, fwd);
}

/* A side bend happens in the spine: after syn_body_trunk with a tilted
 * `up`, the hips go back level about the pelvis. */
static inline void syn_body_level_hips(syn_body* b, syn_v3 pelvis) {
  b->j[kt_left_hip] = syn_v3_add(pelvis, (syn_v3){SYN3_HIP_HALF, 0, 0});
  b->j[kt_right_hip] = syn_v3_add(pelvis, (syn_v3){-SYN3_HIP_HALF, 0, 0});
}

/* Standing tall on both feet (ankles 8 cm up, heels raised by `rise`
 * metres: up on the toes), knees soft by 3 degrees, trunk leaning forward
 * `lean` degrees, arms hanging. */
static inline void syn_body_stand(syn_body* b, double rise, double lean) {
  const double leg = 2 * SYN3_THIGH * cos(SYN_RAD(1.5));
  const syn_v3 pelvis = {0, 0.08 + rise + leg, 0};
  syn_body_trunk(b, pelvis, syn_sag(180 - lean), syn_sag(90 - lean));
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    syn_body_leg(b, s, syn_v3_norm((syn_v3){side * 0.02, -1, 0.026}), syn_v3_norm((syn_v3){side * 0.02, -1, -0.026}));
    syn_body_arm(b, s, syn_frontal(6, side, 0.03), syn_frontal(6, side, 0.12));
  }
}

/* Biceps / hammer curl: standing, each elbow at `elbow_left` /
 * `elbow_right` degrees (165 hanging, 40 at the top), the upper arms
 * swinging forward by `swing` degrees. */
static inline void syn_body_curl(syn_body* b, double elbow_left, double elbow_right, double swing) {
  syn_body_stand(b, 0, 0);
  for (int s = 0; s < 2; s++) {
    const double e = s ? elbow_right : elbow_left, side = s ? -1.0 : 1.0;
    syn_v3 up = syn_sag(swing), fore = syn_sag(swing + 180 - e);
    up.x = side * 0.06, fore.x = side * 0.03;
    syn_body_arm(b, s, syn_v3_norm(up), syn_v3_norm(fore));
  }
}

/* Shoulder press: each arm from the rack (0: elbows out and low, bent to
 * 65 degrees, the hands at the shoulders) to locked out overhead (1), the arms a
 * little forward of the frontal plane; the trunk leans back `lean`. */
static inline void syn_body_press(syn_body* b, double p_left, double p_right, double lean) {
  syn_body_stand(b, 0, -lean);
  for (int s = 0; s < 2; s++) {
    const double p = s ? p_right : p_left, side = s ? -1.0 : 1.0;
    const double a = syn_lerp(45, 172, p), e = syn_lerp(65, 176, p);
    syn_body_arm(b, s, syn_frontal(a, side, 0.25), syn_frontal(a + 180 - e, side, 0.25));
  }
}

/* Lateral raise: each arm raised sideways `left` / `right` degrees from
 * hanging (90: shoulder height), elbows soft (10 degrees), a little
 * forward of the frontal plane; the trunk leans `lean` degrees. */
static inline void syn_body_lateral_raise(syn_body* b, double left, double right, double lean) {
  syn_body_stand(b, 0, lean);
  for (int s = 0; s < 2; s++) {
    const double a = s ? right : left, side = s ? -1.0 : 1.0;
    syn_body_arm(b, s, syn_frontal(a, side, 0.15), syn_frontal(a + 10, side, 0.3));
  }
}

/* Side lunge: feet 0.9 m apart, the hips sitting over the `side` foot
 * (0 left, 1 right) by `depth` (0 standing, 1 the textbook bottom: that
 * knee at 85 degrees, the thigh near level, the other leg straight; the
 * knee points out 30 degrees, over the toes),
 * sitting back and leaning forward as they go; hands clasped at the chest. */
static inline void syn_body_side_lunge(syn_body* b, double depth, int side) {
  const double sg = side ? -1.0 : 1.0, half = 0.45;
  const double c = sg * 0.30 * depth, zb = -0.12 * depth, lean = 25 * depth;
  /* the straight leg (the other side) sets the hips' height */
  const double reach = 2 * SYN3_THIGH * sin(SYN_RAD(88)), dx = half - SYN3_HIP_HALF + sg * c;
  const double h = sqrt(fmax(reach * reach - dx * dx - zb * zb, 0.01));
  const syn_v3 pelvis = {c, 0.08 + h, zb};
  syn_body_trunk(b, pelvis, syn_sag(180 - lean), syn_sag(90 - lean));
  for (int s = 0; s < 2; s++) {
    const double sd = s ? -1.0 : 1.0;
    const syn_v3 ankle = {sd * half, 0.08, 0};
    const syn_v3 pole = s == side ? syn_v3_norm((syn_v3){sd * 0.5, 0, 0.87}) : (syn_v3){0, 0, 1};
    b->j[kt_left_ankle + s] = ankle;
    b->j[kt_left_knee + s] = syn_ik(b->j[kt_left_hip + s], ankle, SYN3_THIGH, SYN3_SHIN, pole);
    const syn_v3 hands = syn_v3_add(b->j[kt_nose], (syn_v3){sd * 0.03, -0.45, 0.2});
    syn_body_reach(b, s, hands, (syn_v3){sd, -1, 0});
  }
}

/* A triceps dip on parallel bars (hands 1.15 m up): forearms vertical,
 * elbows at `elbow` degrees (170 locked, 90 at the textbook bottom: the
 * upper arms level), the trunk leaning forward `lean` degrees, the knees
 * bent with the feet crossed behind. */
static inline void syn_body_dip(syn_body* b, double elbow, double lean) {
  const double e = SYN_RAD(elbow);
  syn_v3 sh[2];
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 wrist = {side * 0.24, 1.15, 0};
    const syn_v3 el = {side * 0.22, 1.15 + SYN3_FOREARM, -0.02};
    sh[s] = syn_v3_add(el, syn_v3_scale((syn_v3){-side * 0.04 / SYN3_UPPER_ARM, -cos(e), sin(e)}, SYN3_UPPER_ARM));
    b->j[kt_left_wrist + s] = wrist;
    b->j[kt_left_elbow + s] = el;
  }
  const syn_v3 neck = syn_v3_scale(syn_v3_add(sh[0], sh[1]), 0.5);
  const syn_v3 up = syn_sag(180 - lean);
  syn_body_trunk(b, syn_v3_sub(neck, syn_v3_scale(up, SYN3_TORSO)), up, syn_sag(90 - lean));
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    syn_v3 th = syn_sag(25), shin = syn_sag(-65);
    th.x = side * 0.02, shin.x = -side * 0.1;
    syn_body_leg(b, s, syn_v3_norm(th), syn_v3_norm(shin));
  }
}

/* Hip hinge (deadlift): `t` 0 standing tall to 1 at the floor: the hip
 * angle 175 -> 80, the knees bending 30 + `knee_extra` degrees (0: a
 * stiff-legged hinge, knees to 145; 35: a conventional pull, knees to
 * 110, shins forward 18), the arms hanging straight down with the bar. */
static inline void syn_body_hinge(syn_body* b, double t, double knee_extra) {
  const double shin = (8 + knee_extra * 0.3) * t, knee = 175 - (30 + knee_extra) * t;
  const double thigh = (180 - knee) - shin, hip = 175 - 95 * t;
  syn_body_squat(b, thigh, shin, 180 - thigh - hip, 0);
}

/* Lying on the back, knees bent, feet on the floor: the hips lifted by
 * `lift` (0 on the floor, 1 the top of a glute bridge: shoulders, hips and
 * knees in one line, the torso rising about 27 degrees). Head toward -z. */
static inline void syn_body_bridge(syn_body* b, double lift) {
  const double beta = SYN_RAD(27) * lift;
  const syn_v3 sc = {0, 0.1, -SYN3_TORSO};
  const syn_v3 pelvis = syn_v3_add(sc, syn_v3_scale((syn_v3){0, sin(beta), cos(beta)}, SYN3_TORSO));
  syn_body_trunk(b, pelvis, (syn_v3){0, -sin(beta), -cos(beta)}, (syn_v3){0, 1, 0});
  /* the head stays on the floor: the neck bends */
  syn_body_head(b, syn_v3_scale(syn_v3_add(b->j[kt_left_shoulder], b->j[kt_right_shoulder]), 0.5), (syn_v3){0, 0, -1},
                (syn_v3){0, 1, 0});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 ankle = {side * 0.13, 0.08, 0.50};
    b->j[kt_left_ankle + s] = ankle;
    b->j[kt_left_knee + s] = syn_ik(b->j[kt_left_hip + s], ankle, SYN3_THIGH, SYN3_SHIN, (syn_v3){0, 1, 0.3});
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    b->j[kt_left_elbow + s] = (syn_v3){side * 0.22, 0.07, sh.z + SYN3_UPPER_ARM};
    b->j[kt_left_wrist + s] = (syn_v3){side * 0.24, 0.06, sh.z + SYN3_UPPER_ARM + SYN3_FOREARM};
  }
}

/* Lying on the back, legs straight (knees `knee` degrees) raised `raise`
 * degrees from the floor (90: pointing at the ceiling). Head toward -z. */
static inline void syn_body_leg_raise(syn_body* b, double raise, double knee) {
  syn_body_trunk(b, (syn_v3){0, 0.1, 0}, (syn_v3){0, 0, -1}, (syn_v3){0, 1, 0});
  const double bend = 180 - knee;
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const double a = raise + bend / 2;
    const syn_v3 th = syn_v3_norm((syn_v3){side * 0.02, sin(SYN_RAD(a)), cos(SYN_RAD(a))});
    const syn_v3 sh = syn_v3_norm((syn_v3){side * 0.02, sin(SYN_RAD(a - bend)), cos(SYN_RAD(a - bend))});
    syn_body_leg(b, s, th, sh);
    const syn_v3 so = b->j[kt_left_shoulder + s];
    b->j[kt_left_elbow + s] = (syn_v3){side * 0.24, 0.07, so.z + SYN3_UPPER_ARM};
    b->j[kt_left_wrist + s] = (syn_v3){side * 0.26, 0.06, so.z + SYN3_UPPER_ARM + SYN3_FOREARM};
  }
}

/* Mountain climber: a plank on straight arms (hands under the shoulders),
 * each knee driven toward the chest by `drive_left` / `drive_right` (0 the
 * leg straight back, the foot on the floor; 1 the hip angle at 80 and the
 * knee folded to 70), the hips rising as the knee passes under them and
 * by `pike` degrees more (the body line from the shoulders flatter by
 * that much). Head toward +z. */
static inline void syn_body_climber(syn_body* b, double drive_left, double drive_right, double pike) {
  const double sh_y = 0.02 + SYN3_UPPER_ARM + SYN3_FOREARM;
  /* the hips rise as a knee comes through under them (else it would
   * scrape the floor): 12 degrees at full drive */
  const double d = fmax(drive_left, drive_right), lift = 12 * (1 - (1 - d) * (1 - d));
  const double slope = asin((sh_y - 0.05) / (SYN3_TORSO + SYN3_THIGH + SYN3_SHIN)) - SYN_RAD(pike + lift);
  const syn_v3 neck = {0, sh_y, 0};
  const syn_v3 line = {0, -sin(slope), -cos(slope)}; /* from the shoulders toward the hips */
  syn_body_trunk(b, syn_v3_add(neck, syn_v3_scale(line, SYN3_TORSO)), syn_v3_scale(line, -1), (syn_v3){0, -1, 0});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0, dr = s ? drive_right : drive_left;
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    b->j[kt_left_wrist + s] = (syn_v3){side * 0.2, 0.02, 0};
    b->j[kt_left_elbow + s] = syn_v3_lerp(sh, b->j[kt_left_wrist + s], SYN3_UPPER_ARM / (SYN3_UPPER_ARM + SYN3_FOREARM));
    const syn_v3 hip = b->j[kt_left_hip + s];
    /* the straight leg: back to the floor */
    const double beta = asin(fmin((hip.y - 0.05) / (SYN3_THIGH + SYN3_SHIN), 1.0));
    /* in the (y, z) plane: the straight leg, and the torso's line behind the hips */
    const double a0 = atan2(-sin(beta), -cos(beta)), at = atan2(line.y, line.z);
    /* the thigh turns to 100 degrees off the torso's line (the hip angle at
     * 80); the heel rises first (the knee folds by 40 % of the drive) */
    const double a = syn_lerp(a0, at + SYN_RAD(100), dr), k = a - SYN_RAD(110 * fmin(1, dr / 0.4));
    syn_body_leg(b, s, (syn_v3){side * 0.01, sin(a), cos(a)}, (syn_v3){0, sin(k), cos(k)});
  }
}

/* High knees: standing, each thigh raised forward `left` / `right`
 * degrees from hanging (90: level with the hip), the shin hanging under
 * the knee; arms bent at the elbows, the trunk leaning `lean`. */
static inline void syn_body_high_knees(syn_body* b, double left, double right, double lean) {
  syn_body_stand(b, 0, lean);
  for (int s = 0; s < 2; s++) {
    const double a = s ? right : left, side = s ? -1.0 : 1.0;
    syn_v3 th = syn_sag(a), sh = syn_sag(a * 0.15);
    th.x = side * 0.02, sh.x = side * 0.02;
    syn_body_leg(b, s, syn_v3_norm(th), syn_v3_norm(sh));
    syn_body_arm(b, s, syn_frontal(8, side, 0.1), syn_v3_norm((syn_v3){0, 0.2, 1}));
  }
}

/* Standing, the shoulders lifted `lift` metres toward the ears and drawn
 * back by half as much (a shrug, a roll, a deep breath); the head stays,
 * its ears 16 cm over the relaxed shoulders. */
static inline void syn_body_shrug(syn_body* b, double lift) {
  syn_body_stand(b, 0, 0);
  const syn_v3 neck = syn_v3_scale(syn_v3_add(b->j[kt_left_shoulder], b->j[kt_right_shoulder]), 0.5);
  syn_body_head(b, syn_v3_add(neck, (syn_v3){0, -0.06, 0}), (syn_v3){0, 1, 0}, (syn_v3){0, 0, 1});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    b->j[kt_left_shoulder + s] = syn_v3_add(b->j[kt_left_shoulder + s], (syn_v3){0, lift, -lift / 2});
    syn_body_arm(b, s, syn_frontal(6, side, 0.03), syn_frontal(6, side, 0.12));
  }
}

/* Sitting on a chair (seat 0.45 m): thighs level, shins down to the floor;
 * the trunk folded forward `fold` degrees from upright and leaning
 * sideways `side_lean` degrees toward the person's left (negative: right);
 * the arms hang toward the floor but for `reach` (0 left arm, 1 right;
 * -1 none), raised over the head toward the lean: `arm` degrees from the
 * trunk (180: along it). */
static inline void syn_body_chair(syn_body* b, double fold, double side_lean, int reach, double arm) {
  const syn_v3 pelvis = {0, 0.50, 0};
  const double f = SYN_RAD(fold), l = SYN_RAD(side_lean);
  const syn_v3 up = syn_v3_norm((syn_v3){sin(l) * cos(f), cos(l) * cos(f), sin(f)});
  syn_body_trunk(b, pelvis, up, (syn_v3){0, -sin(f), cos(f)});
  syn_body_level_hips(b, pelvis);
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    syn_body_leg(b, s, syn_v3_norm((syn_v3){side * 0.05, -0.03, 1}), syn_v3_norm((syn_v3){side * 0.02, -1, -0.05}));
    if (s == reach) {
      /* past the trunk's line toward the lean */
      const double a = side_lean + (side_lean >= 0 ? 1 : -1) * (180 - arm);
      const syn_v3 dir = syn_v3_norm((syn_v3){sin(SYN_RAD(a)), cos(SYN_RAD(a)), 0.05});
      syn_body_arm(b, s, dir, dir);
    } else {
      syn_body_arm(b, s, syn_frontal(8, side, 0.35), syn_frontal(8, side, 0.45));
    }
  }
}

/* Splits with straight legs (knees `knee` degrees), the thighs `spread`
 * degrees apart (180 flat on the floor): `front` 0 / 1 puts the left /
 * right leg forward (a front split), `front` 2 spreads them sideways (a
 * middle split, facing +z). The hips sink as the legs open; trunk upright,
 * hands down by the hips. */
static inline void syn_body_split(syn_body* b, double spread, double knee, int front) {
  const double half = SYN_RAD(spread / 2), bend = SYN_RAD(180 - knee);
  const double leg = 2 * SYN3_THIGH * cos(bend / 2);
  const syn_v3 pelvis = {0, 0.06 + leg * cos(half), 0};
  syn_body_trunk(b, pelvis, syn_sag(175), syn_sag(85));
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    /* the leg's direction and the way its knee bends (up, off the floor) */
    syn_v3 dir, knee_up = {0, 1, 0};
    if (front == 2) dir = (syn_v3){side * sin(half), -cos(half), 0};
    else dir = (syn_v3){side * 0.01, -cos(half), (s == front ? 1 : -1) * sin(half)};
    const syn_v3 hip = b->j[kt_left_hip + s];
    const syn_v3 ankle = syn_v3_add(hip, syn_v3_scale(dir, leg));
    b->j[kt_left_ankle + s] = ankle;
    b->j[kt_left_knee + s] = syn_ik(hip, ankle, SYN3_THIGH, SYN3_SHIN, knee_up);
    syn_body_arm(b, s, syn_frontal(12, side, 0.1), syn_frontal(12, side, 0.1));
  }
}

/* Sitting on the floor in a straddle (the legs `straddle` degrees apart,
 * straight along the floor), the trunk folded forward `fold` degrees from
 * upright, hands walking forward on the floor. */
static inline void syn_body_straddle(syn_body* b, double straddle, double fold) {
  const double f = SYN_RAD(fold), half = SYN_RAD(straddle / 2);
  syn_body_trunk(b, (syn_v3){0, 0.12, 0}, (syn_v3){0, cos(f), sin(f)}, (syn_v3){0, -sin(f), cos(f)});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 dir = syn_v3_norm((syn_v3){side * sin(half), -0.06, cos(half)});
    syn_body_leg(b, s, dir, dir);
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    syn_body_reach(b, s, (syn_v3){side * 0.3, 0.04, sh.z + 0.45}, (syn_v3){side, 0, 0});
  }
}

/* Standing, palms together in front of the chest: the wrists `gap`
 * metres apart, `below` metres under the shoulders, 25 cm in front; the
 * trunk leaning sideways `lean` degrees. */
static inline void syn_body_palms(syn_body* b, double gap, double below, double lean) {
  syn_body_stand(b, 0, 0);
  const double l = SYN_RAD(lean);
  const syn_v3 pelvis = {0, b->j[kt_left_hip].y, 0};
  syn_body_trunk(b, pelvis, (syn_v3){sin(l), cos(l), 0}, (syn_v3){0, 0, 1});
  syn_body_level_hips(b, pelvis);
  const syn_v3 neck = syn_v3_scale(syn_v3_add(b->j[kt_left_shoulder], b->j[kt_right_shoulder]), 0.5);
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 w = syn_v3_add(neck, (syn_v3){side * gap / 2, -below, 0.25});
    syn_body_reach(b, s, w, (syn_v3){side, -1, 0});
  }
}

/* Standing with both arms raised overhead, the wrists `gap` metres apart
 * (arms straight; wide apart they open into a V), the trunk leaning
 * sideways `lean`; `arms` < 1 brings the arms down toward level (0). */
static inline void syn_body_overhead(syn_body* b, double gap, double arms, double lean) {
  syn_body_stand(b, 0, 0);
  const double l = SYN_RAD(lean);
  const syn_v3 pelvis = {0, b->j[kt_left_hip].y, 0};
  syn_body_trunk(b, pelvis, (syn_v3){sin(l), cos(l), 0}, (syn_v3){0, 0, 1});
  syn_body_level_hips(b, pelvis);
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    const double arm = SYN3_UPPER_ARM + SYN3_FOREARM - 0.005;
    /* overhead: the wrist above, `gap` apart; level: straight out */
    const double dx = side * gap / 2 - sh.x;
    const syn_v3 top = {dx, sqrt(fmax(arm * arm - dx * dx, 0)), 0.03};
    const syn_v3 out = {side * arm, 0, 0.03};
    const syn_v3 dir = syn_v3_norm(syn_v3_lerp(out, top, arms));
    syn_body_reach(b, s, syn_v3_add(sh, syn_v3_scale(dir, arm)), (syn_v3){side, 0, -0.3});
  }
}

/* On all fours (hands under the shoulders, knees under the hips, shins on
 * the floor), each leg extended behind by `ext_left` / `ext_right` (0
 * kneeling, 1 straight back along the line of the torso and `up` degrees
 * higher). */
static inline void syn_body_all_fours(syn_body* b, double ext_left, double ext_right, double up) {
  const syn_v3 pelvis = {0, 0.10 + SYN3_THIGH, 0};
  const double sh_y = 0.03 + SYN3_UPPER_ARM + SYN3_FOREARM;
  const double dz = sqrt(SYN3_TORSO * SYN3_TORSO - (sh_y - pelvis.y) * (sh_y - pelvis.y));
  const syn_v3 up_dir = syn_v3_norm((syn_v3){0, sh_y - pelvis.y, dz});
  syn_body_trunk(b, pelvis, up_dir, (syn_v3){0, -1, 0});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0, e = s ? ext_right : ext_left;
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    b->j[kt_left_wrist + s] = (syn_v3){sh.x, 0.03, sh.z + 0.02};
    b->j[kt_left_elbow + s] = syn_v3_lerp(sh, b->j[kt_left_wrist + s], SYN3_UPPER_ARM / (SYN3_UPPER_ARM + SYN3_FOREARM));
    /* the thigh from straight down to the torso line behind (+ up) */
    const double back = atan2(-up_dir.y, -up_dir.z); /* the torso line, extended behind the hips */
    const double a = syn_lerp(-SYN_PI / 2, back - SYN_RAD(up), e);
    const double k = syn_lerp(-SYN_PI, a, e); /* the shin: back along the floor to in line */
    syn_body_leg(b, s, (syn_v3){0, sin(a), cos(a)}, (syn_v3){0, sin(k), cos(k)});
    b->j[kt_left_knee + s].x = b->j[kt_left_ankle + s].x = side * SYN3_HIP_HALF;
  }
}

/* Kneeling upright on the shins, the hips pushed forward (thighs `thigh`
 * degrees past vertical), the trunk bending back `back` degrees from
 * upright, the hands reaching down behind to `reach` torso lengths under
 * the hips (a camel; reach 0 with back 0: kneeling, arms hanging). */
static inline void syn_body_kneel(syn_body* b, double thigh, double back, double reach) {
  const double t = SYN_RAD(thigh), k = SYN_RAD(back);
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    b->j[kt_left_knee + s] = (syn_v3){side * 0.12, 0.10, 0};
    b->j[kt_left_ankle + s] = (syn_v3){side * 0.12, 0.07, -SYN3_SHIN};
  }
  const syn_v3 pelvis = {0, 0.10 + SYN3_THIGH * cos(t), SYN3_THIGH * sin(t)};
  syn_body_trunk(b, pelvis, (syn_v3){0, cos(k), -sin(k)}, (syn_v3){0, sin(k), cos(k)});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    const syn_v3 target = {side * 0.2, pelvis.y - reach * SYN3_TORSO, sh.z - 0.1};
    syn_body_reach(b, s, target, (syn_v3){side, 0, 0.3});
  }
}

/* Thread the needle: kneeling with the hips over the knees, the trunk
 * dipping forward so the shoulders sit `low` torso lengths under the
 * hips; the `side` (0 left, 1 right) shoulder goes lower, its arm sliding
 * under the chest toward the other side, the other hand on the floor. */
static inline void syn_body_needle(syn_body* b, double low, int side) {
  const syn_v3 pelvis = {0, 0.10 + SYN3_THIGH, 0};
  const double drop = asin(fmin(fmax(low, -0.99), 0.99));
  const double twist = side ? 1.0 : -1.0; /* the threading shoulder goes down */
  const syn_v3 up = {0, -sin(drop), cos(drop)};
  const syn_v3 fwd = syn_v3_norm((syn_v3){twist * 0.6 * low, -cos(drop), -sin(drop)});
  syn_body_trunk(b, pelvis, up, fwd);
  for (int s = 0; s < 2; s++) {
    const double sd = s ? -1.0 : 1.0;
    b->j[kt_left_knee + s] = (syn_v3){sd * 0.12, 0.10, 0};
    b->j[kt_left_ankle + s] = (syn_v3){sd * 0.12, 0.07, -SYN3_SHIN};
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    if (s == side) /* under the chest, toward the other side, on the floor */
      syn_body_reach(b, s, (syn_v3){-sd * 0.45, 0.04, sh.z + 0.05}, (syn_v3){0, 1, 0});
    else
      syn_body_reach(b, s, (syn_v3){sh.x, 0.03, sh.z + 0.1}, (syn_v3){sd, 0, -0.5});
  }
}

/* Lying face down (head toward +z): the hips on the floor, the trunk
 * raised `chest` degrees from the floor, the hands on the floor. A cobra
 * presses up on its arms (the hands under the shoulders or a little
 * forward); a plank-like lift it is not. */
static inline void syn_body_prone(syn_body* b, double chest) {
  const double c = SYN_RAD(chest);
  const syn_v3 pelvis = {0, 0.11, 0};
  syn_body_trunk(b, pelvis, (syn_v3){0, sin(c), cos(c)}, (syn_v3){0, -cos(c), sin(c)});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    syn_body_leg(b, s, syn_v3_norm((syn_v3){side * 0.03, -0.04, -1}), syn_v3_norm((syn_v3){side * 0.01, -0.02, -1}));
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    /* the hands on the floor, in front of the shoulders by what the arm
     * does not take up vertically */
    const double arm = SYN3_UPPER_ARM + SYN3_FOREARM - 0.01, dy = sh.y - 0.03;
    const double dz = dy < arm ? sqrt(arm * arm - dy * dy) * 0.7 : 0;
    syn_body_reach(b, s, (syn_v3){side * 0.24, 0.03, sh.z + dz}, (syn_v3){side * 0.3, 0.6, -1});
  }
}

/* The bow: lying face down, the knees bent to `knee` degrees (the feet up
 * behind), the thighs lifted `thigh` degrees and the trunk `chest`
 * degrees from the floor, the hands holding the ankles when `grip`
 * (otherwise along the body). */
static inline void syn_body_bow(syn_body* b, double chest, double thigh, double knee, int grip) {
  const double c = SYN_RAD(chest), t = SYN_RAD(thigh);
  const syn_v3 pelvis = {0, 0.12, 0};
  syn_body_trunk(b, pelvis, (syn_v3){0, sin(c), cos(c)}, (syn_v3){0, -cos(c), sin(c)});
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    const double k = t + SYN_RAD(180 - knee); /* the shin's elevation (behind the knee, rising) */
    syn_body_leg(b, s, (syn_v3){side * 0.02, sin(t), -cos(t)}, (syn_v3){0, sin(k), -cos(k)});
    const syn_v3 sh = b->j[kt_left_shoulder + s];
    if (grip)
      syn_body_reach(b, s, syn_v3_add(b->j[kt_left_ankle + s], (syn_v3){side * 0.03, 0.02, 0.04}), (syn_v3){side, 0.2, 0});
    else
      syn_body_reach(b, s, (syn_v3){side * 0.25, 0.05, sh.z - 0.55}, (syn_v3){side, 0.5, 0});
  }
}

/* One-legged king pigeon: the `front` leg (0 left, 1 right) folded in
 * front of the hips along the floor (knee `front_knee` degrees), the other
 * thigh reaching back along the floor so the thighs are `spread` degrees
 * apart, its knee bent to `back_knee` to lift the foot toward the head;
 * the trunk upright but for `lean` degrees back; hands up to the foot. */
static inline void syn_body_pigeon(syn_body* b, int front, double spread, double front_knee, double back_knee,
                                   double lean) {
  const double half = SYN_RAD(spread / 2);
  /* the front knee on the floor: the hips as high as the thighs hold them */
  const syn_v3 pelvis = {0, fmax(0.16, 0.09 + SYN3_THIGH * cos(half)), 0};
  syn_body_trunk(b, pelvis, syn_sag(180 + lean), syn_sag(90 + lean));
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    if (s == front) {
      /* thigh forward and down to the floor, the shin folded across */
      const double fk = SYN_RAD(180 - front_knee);
      const syn_v3 th = syn_v3_norm((syn_v3){side * 0.1, -cos(half), sin(half)});
      const syn_v3 sh = syn_v3_norm((syn_v3){-side * sin(fk), -0.05, cos(fk) * 0.9});
      syn_body_leg(b, s, th, sh);
    } else {
      /* thigh back along the floor, the shin rising toward the head */
      const double k = SYN_RAD(180 - back_knee);
      const syn_v3 th = syn_v3_norm((syn_v3){side * 0.05, -cos(half), -sin(half)});
      const double e = atan2(th.y, -th.z) + k; /* the shin's elevation behind the knee */
      syn_body_leg(b, s, th, (syn_v3){0, sin(e), -cos(e)});
    }
  }
  const syn_v3 foot = b->j[kt_left_ankle + (1 - front)];
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0;
    syn_body_reach(b, s, syn_v3_add(foot, (syn_v3){side * 0.05, 0.05, 0.03}), (syn_v3){side, 1, 0.2});
  }
}

/* Standing on one leg, the `side` leg (0 left, 1 right) raised forward
 * `raise` degrees from hanging (90 level), its knee at `knee` degrees,
 * the trunk leaning forward `lean`; with `grip` that side's hand holds
 * the foot (the wrist just past the ankle, toward the toes), else it
 * hangs. */
static inline void syn_body_one_leg(syn_body* b, int side, double raise, double knee, double lean, int grip) {
  syn_body_stand(b, 0, lean);
  const double sg = side ? -1.0 : 1.0;
  syn_v3 th = syn_sag(raise), sh = syn_sag(raise - (180 - knee));
  th.x = sg * 0.02, sh.x = sg * 0.02;
  syn_body_leg(b, side, syn_v3_norm(th), syn_v3_norm(sh));
  if (grip) {
    const syn_v3 toes = syn_v3_add(b->j[kt_left_ankle + side], syn_v3_scale(syn_v3_norm(sh), 0.05));
    syn_body_reach(b, side, syn_v3_add(toes, (syn_v3){0, 0.08, 0}), (syn_v3){sg, -0.3, 0});
  }
}

/* A direction turned from `a` toward `b` by the share t of the angle
 * between them (about their common perpendicular; opposite directions
 * turn through the front, or the side). */
static inline syn_v3 syn_v3_turn(syn_v3 a, syn_v3 b, double t) {
  a = syn_v3_norm(a), b = syn_v3_norm(b);
  double c = syn_v3_dot(a, b);
  c = c > 1 ? 1 : c < -1 ? -1 : c;
  const double th = acos(c) * t;
  if (th < 1e-9) return a;
  syn_v3 k = syn_v3_cross(a, b);
  if (syn_v3_len(k) < 1e-6) k = syn_v3_cross(a, (syn_v3){0, 0, 1});
  if (syn_v3_len(k) < 1e-6) k = syn_v3_cross(a, (syn_v3){1, 0, 0});
  k = syn_v3_norm(k);
  /* Rodrigues: a cos + (k x a) sin (k . a = 0) */
  return syn_v3_add(syn_v3_scale(a, cos(th)), syn_v3_scale(syn_v3_cross(k, a), sin(th)));
}

/* Between two poses (t 0: `a`, 1: `z`): the pelvis moves straight, every
 * segment turns from one pose's direction to the other's, keeping its
 * length, so a moving body never folds through itself. */
static inline void syn_body_blend(syn_body* out, const syn_body* a, const syn_body* z, double t) {
  static const int8_t kParent[KT_NUM_KEYPOINTS] = {
      -2, -2, -2, -2, -2,                             /* head: from the neck */
      kt_left_hip, kt_right_hip,                      /* shoulders from the hips */
      kt_left_shoulder, kt_right_shoulder, kt_left_elbow, kt_right_elbow,
      -1, -1,                                         /* hips from the pelvis */
      kt_left_hip, kt_right_hip, kt_left_knee, kt_right_knee};
  static const int8_t kOrder[KT_NUM_KEYPOINTS] = {kt_left_hip,      kt_right_hip,    kt_left_knee,      kt_right_knee,
                                                  kt_left_ankle,    kt_right_ankle,  kt_left_shoulder,  kt_right_shoulder,
                                                  kt_left_elbow,    kt_right_elbow,  kt_left_wrist,     kt_right_wrist,
                                                  kt_nose,          kt_left_eye,     kt_right_eye,      kt_left_ear,
                                                  kt_right_ear};
  const syn_v3 pa = syn_v3_scale(syn_v3_add(a->j[kt_left_hip], a->j[kt_right_hip]), 0.5);
  const syn_v3 pz = syn_v3_scale(syn_v3_add(z->j[kt_left_hip], z->j[kt_right_hip]), 0.5);
  const syn_v3 pelvis = syn_v3_lerp(pa, pz, t);
  syn_v3 na = {0, 0, 0}, nz = {0, 0, 0}, neck = {0, 0, 0};
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    const int j = kOrder[i], p = kParent[j];
    if (j == kt_nose) {
      na = syn_v3_scale(syn_v3_add(a->j[kt_left_shoulder], a->j[kt_right_shoulder]), 0.5);
      nz = syn_v3_scale(syn_v3_add(z->j[kt_left_shoulder], z->j[kt_right_shoulder]), 0.5);
      neck = syn_v3_scale(syn_v3_add(out->j[kt_left_shoulder], out->j[kt_right_shoulder]), 0.5);
    }
    const syn_v3 fa = p == -1 ? pa : p == -2 ? na : a->j[p];
    const syn_v3 fz = p == -1 ? pz : p == -2 ? nz : z->j[p];
    const syn_v3 from = p == -1 ? pelvis : p == -2 ? neck : out->j[p];
    const syn_v3 da = syn_v3_sub(a->j[j], fa), dz = syn_v3_sub(z->j[j], fz);
    const double len = syn_lerp(syn_v3_len(da), syn_v3_len(dz), t);
    out->j[j] = syn_v3_add(from, syn_v3_scale(syn_v3_turn(da, dz, t), len));
  }
}

/* The camera: circles the person at `distance` metres around `target`,
 * `azimuth` degrees (0 in front), looking down by `elevation` degrees. */
typedef struct syn_camera {
  double azimuth, elevation, distance;
  syn_v3 target;
} syn_camera;

/* Projects the body into a square frame (keypoints normalized 0..1), the
 * focal length set so that 2.2 m at the target distance fill the frame. */
static inline void syn_project(const syn_body* b, const syn_camera* c, kt_keypoint* k) {
  const double az = SYN_RAD(c->azimuth), el = SYN_RAD(c->elevation);
  const syn_v3 pos = syn_v3_add(c->target, (syn_v3){c->distance * sin(az) * cos(el), c->distance * sin(el),
                                                    c->distance * cos(az) * cos(el)});
  const syn_v3 fwd = syn_v3_norm(syn_v3_add(c->target, syn_v3_scale(pos, -1)));
  const syn_v3 right = syn_v3_norm(syn_v3_cross(fwd, (syn_v3){0, 1, 0}));
  const syn_v3 up = syn_v3_cross(right, fwd);
  const double focal = c->distance / 2.2;
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    const syn_v3 d = syn_v3_add(b->j[i], syn_v3_scale(pos, -1));
    const double z = syn_v3_dot(d, fwd);
    k[i].x = (float)(0.5 + focal * syn_v3_dot(d, right) / z);
    k[i].y = (float)(0.5 - focal * syn_v3_dot(d, up) / z);
    k[i].score = 0.85f;
  }
  /* In a profile view the far side is hidden: MoveNet still places it,
   * less sure and less precisely. */
  const double facing_left = sin(az); /* > 0: the camera sees the person's left */
  if (fabs(facing_left) > 0.8) {
    const int far = facing_left > 0 ? 1 : 0;
    for (int i = kt_left_shoulder + far; i <= kt_right_ankle; i += 2) k[i].score = 0.4f;
  }
}

#endif
