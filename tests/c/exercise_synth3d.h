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
