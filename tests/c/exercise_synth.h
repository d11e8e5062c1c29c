/* exercise_synth.h — synthetic keypoint sequences for the exercise tests:
 * stick figures posed from joint angles (side and front views), driven
 * by a depth trajectory with seeded noise, dropped keypoints and jitter,
 * fed to the engine; the messages are collected. Header-only, test use. */
#ifndef KT_EXERCISE_SYNTH_H
#define KT_EXERCISE_SYNTH_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "exercise/engine.h"
#include "kinetrack.h"

#define SYN_PI 3.14159265358979323846
#define SYN_RAD(d) ((d) * SYN_PI / 180.0)

typedef struct syn_rng { uint64_t s; } syn_rng;
static inline double syn_uniform(syn_rng* r) {
  r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(r->s >> 11) / 9007199254740992.0;
}
static inline double syn_noise(syn_rng* r, double sigma) {
  double u = 0;
  for (int i = 0; i < 4; i++) u += syn_uniform(r) - 0.5;
  return u * sigma * 1.7;
}

static inline void syn_set(kt_keypoint* k, int id, double x, double y) {
  k[id].x = (float)x;
  k[id].y = (float)y;
  k[id].score = 0.9f;
}

/* A point at `len` from (x, y) in the direction `deg` (0 = straight down,
 * 90 = toward +x, 180 = up), in a square frame. */
static inline void syn_step(double x, double y, double deg, double len, double* ox, double* oy) {
  *ox = x + sin(SYN_RAD(deg)) * len;
  *oy = y + cos(SYN_RAD(deg)) * len;
}

/* Head points above a shoulder point. */
static inline void syn_head(kt_keypoint* k, double sx, double sy, double dir_deg) {
  double nx, ny;
  syn_step(sx, sy, dir_deg, 0.08, &nx, &ny);
  syn_set(k, kt_nose, nx, ny);
  syn_set(k, kt_left_eye, nx - 0.01, ny - 0.01);
  syn_set(k, kt_right_eye, nx + 0.01, ny - 0.01);
  syn_set(k, kt_left_ear, nx - 0.02, ny);
  syn_set(k, kt_right_ear, nx + 0.02, ny);
}

/* Side view of a standing / squatting person facing +x. Thigh angle from
 * vertical `thigh` (0 standing, 90 parallel), torso lean `lean` from
 * vertical, arms hanging forward `arm`. Both sides nearly overlap. */
static inline void syn_side_legs(kt_keypoint* k, double ax, double ay, double shin, double thigh, double lean,
                                 double arm, double lift_y) {
  for (int s = 0; s < 2; s++) {
    const double off = s ? 0.004 : -0.004;
    double kx, ky, hx, hy, sx, sy, ex, ey, wx, wy;
    syn_step(ax + off, ay - lift_y, 180 - shin, 0.2, &kx, &ky);
    syn_step(kx, ky, 180 + thigh, 0.2, &hx, &hy);
    syn_step(hx, hy, 180 - lean, 0.25, &sx, &sy);
    syn_step(sx, sy, arm, 0.13, &ex, &ey);
    syn_step(ex, ey, arm, 0.12, &wx, &wy);
    syn_set(k, kt_left_ankle + s, ax + off, ay - lift_y);
    syn_set(k, kt_left_knee + s, kx, ky);
    syn_set(k, kt_left_hip + s, hx, hy);
    syn_set(k, kt_left_shoulder + s, sx, sy);
    syn_set(k, kt_left_elbow + s, ex, ey);
    syn_set(k, kt_left_wrist + s, wx, wy);
    if (s) syn_head(k, sx, sy, 180 - lean);
  }
}

/* Front view: arms raised `arms` degrees from hanging, feet apart `feet`
 * (fraction of frame), one foot raised by `lift_left` / `lift_right`. */
static inline void syn_front(kt_keypoint* k, double arms, double feet, double lift_left, double lift_right,
                             double hip_rise) {
  const double cx = 0.5, hy = 0.55 - hip_rise;
  for (int s = 0; s < 2; s++) {
    const double side = s ? -1.0 : 1.0; /* the person's left is image right */
    const double hx = cx + side * 0.05, sx = cx + side * 0.09, sy = hy - 0.25;
    const double lift = s ? lift_right : lift_left;
    const double ax = cx + side * (0.05 + feet / 2), ay = hy + 0.4 - lift;
    syn_set(k, kt_left_hip + s, hx, hy);
    syn_set(k, kt_left_shoulder + s, sx, sy);
    syn_set(k, kt_left_ankle + s, ax, ay);
    syn_set(k, kt_left_knee + s, (hx + ax) / 2 + side * 0.01 * (lift > 0.05), (hy + ay) / 2 - lift * 0.3);
    double ex, ey, wx, wy;
    syn_step(sx, sy, side * arms, 0.13, &ex, &ey);
    syn_step(ex, ey, side * arms, 0.12, &wx, &wy);
    syn_set(k, kt_left_elbow + s, ex, ey);
    syn_set(k, kt_left_wrist + s, wx, wy);
  }
  syn_head(k, cx, hy - 0.25, 180);
}

/* The squat used by several tests: side view, depth 0 standing to 1 at
 * the bottom (thigh parallel, shins and torso leaning forward). */
static inline void syn_pose_squat(kt_keypoint* k, double d, void* c) {
  (void)c;
  syn_side_legs(k, 0.5, 0.9, 20 * d, 90 * d, 35 * d, 30, 0);
}

/* Side view push-up: hands under shoulders, elbow angle `elbow`, body line
 * bent by `sag` degrees at the hips. */
static inline void syn_push_up(kt_keypoint* k, double elbow, double sag) {
  for (int s = 0; s < 2; s++) {
    const double off = s ? 0.004 : -0.004;
    const double wx = 0.3 + off, wy = 0.8;
    double ex, ey, sx, sy, hx, hy, kx, ky, ax, ay;
    syn_step(wx, wy, 180, 0.12, &ex, &ey);                 /* forearm vertical */
    syn_step(ex, ey, 180 + (180 - elbow), 0.13, &sx, &sy); /* upper arm */
    syn_step(sx, sy, 90 + 8, 0.28, &hx, &hy);              /* torso, slightly down toward the feet */
    syn_step(hx, hy, 90 + 8 + sag, 0.2, &kx, &ky);
    syn_step(kx, ky, 90 + 8 + sag, 0.2, &ax, &ay);
    syn_set(k, kt_left_wrist + s, wx, wy);
    syn_set(k, kt_left_elbow + s, ex, ey);
    syn_set(k, kt_left_shoulder + s, sx, sy);
    syn_set(k, kt_left_hip + s, hx, hy);
    syn_set(k, kt_left_knee + s, kx, ky);
    syn_set(k, kt_left_ankle + s, ax, ay);
    if (s) syn_head(k, sx, sy, 270);
  }
}

/* Side view lunge: front (left) knee angle `knee`; the back knee bends
 * less. */
static inline void syn_lunge(kt_keypoint* k, double knee) {
  const double bend = 180 - knee; /* 0 standing */
  double hx = 0.5, hy;
  /* front leg: shin vertical, thigh rotating forward */
  const double fax = 0.58, fay = 0.9;
  double fkx, fky;
  syn_step(fax, fay, 180, 0.2, &fkx, &fky);
  syn_step(fkx, fky, 180 + bend, 0.2, &hx, &hy);
  /* back leg: the foot stays on the floor behind; the knee by two-link IK */
  const double bax = 0.30, bay = 0.9;
  const double dx = bax - hx, dy = bay - hy, dist = fmin(hypot(dx, dy), 0.399);
  const double hgt = sqrt(0.04 - dist * dist / 4);
  double bkx = hx + dx / 2 + (dy / hypot(dx, dy)) * hgt, bky = hy + dy / 2 - (dx / hypot(dx, dy)) * hgt;
  syn_set(k, kt_left_ankle, fax, fay);
  syn_set(k, kt_left_knee, fkx, fky);
  syn_set(k, kt_left_hip, hx + 0.003, hy);
  syn_set(k, kt_right_hip, hx - 0.003, hy);
  syn_set(k, kt_right_knee, bkx, bky);
  syn_set(k, kt_right_ankle, bax, bay);
  for (int s = 0; s < 2; s++) {
    double sx, sy, ex, ey, wx, wy;
    syn_step(hx, hy, 180, 0.25, &sx, &sy);
    syn_step(sx, sy, 20, 0.13, &ex, &ey);
    syn_step(ex, ey, 20, 0.12, &wx, &wy);
    syn_set(k, kt_left_shoulder + s, sx + (s ? -0.003 : 0.003), sy);
    syn_set(k, kt_left_elbow + s, ex, ey);
    syn_set(k, kt_left_wrist + s, wx, wy);
    if (s) syn_head(k, sx, sy, 180);
  }
}

/* The session: frames at `fps`, a pose function of a depth 0..1, noise. */
typedef void (*syn_pose_fn)(kt_keypoint* k, double depth, void* ctx);

typedef struct syn_run {
  kt_exercise* ex;
  syn_rng rng;
  double ts, fps, noise, drop_rate;
  int32_t w, h;
  int counters, form_scores, postures, recommendations, progressions;
  int last_count, final_count, summary_count;
  int ready;
  int jump_results, jump_started, jump_discarded, jump_calibrations;
  double last_jump_cm;
  char last_grade;
  cJSON* summary;  /* a copy of the exercise_summary */
} syn_run;

static inline void syn_collect(syn_run* r, cJSON* list) {
  const cJSON* m;
  cJSON_ArrayForEach(m, list) {
    const char* t = cJSON_GetObjectItem(m, "type")->valuestring;
    if (!strcmp(t, "counter")) {
      r->counters++;
      r->last_count = cJSON_GetObjectItem(m, "current_count")->valueint;
      if (cJSON_IsTrue(cJSON_GetObjectItem(m, "final"))) r->final_count = r->last_count;
    } else if (!strcmp(t, "form_score")) {
      r->form_scores++;
      r->last_grade = cJSON_GetObjectItem(m, "grade")->valuestring[0];
    } else if (!strcmp(t, "posture")) {
      r->postures++;
      r->ready = cJSON_IsTrue(cJSON_GetObjectItem(m, "ready"));
    } else if (!strcmp(t, "recommendations")) {
      r->recommendations++;
    } else if (!strcmp(t, "progression")) {
      r->progressions++;
    } else if (!strcmp(t, "jump_result")) {
      r->jump_results++;
      r->last_jump_cm = cJSON_GetObjectItem(m, "jumpHeightCm")->valuedouble;
    } else if (!strcmp(t, "jump_started")) {
      r->jump_started++;
    } else if (!strcmp(t, "jump_discarded")) {
      r->jump_discarded++;
    } else if (!strcmp(t, "jump_calibration")) {
      r->jump_calibrations++;
    } else if (!strcmp(t, "exercise_summary")) {
      r->summary_count = cJSON_GetObjectItem(m, "counter")->valueint;
      cJSON_Delete(r->summary);
      r->summary = cJSON_Duplicate(m, 1);
    }
  }
}

static inline int syn_begin(syn_run* r, const kt_exercise_config* cfg, uint64_t seed) {
  memset(r, 0, sizeof(*r));
  r->rng.s = seed;
  r->fps = 30;
  r->w = r->h = 1000;
  r->noise = 0.002;
  return kt_exercise_create(cfg, &r->ex) == kt_status_ok;
}

/* With KT_SYN_TRACE=file set, every frame's keypoints are appended to the
 * file as `keypoints` messages, for exercise_trace_tool and plots. */
static inline void syn_trace(const syn_run* r, const kt_keypoint* k) {
  const char* path = getenv("KT_SYN_TRACE");
  if (!path) return;
  FILE* f = fopen(path, "a");
  if (!f) return;
  fprintf(f, "{\"type\":\"keypoints\",\"timestampMs\":%.3f,\"keypoints\":[", r->ts);
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++)
    fprintf(f, "%s{\"name\":\"%s\",\"x\":%.6f,\"y\":%.6f,\"score\":%.3f}", i ? "," : "", kt_keypoint_name(i), k[i].x,
            k[i].y, k[i].score);
  fprintf(f, "]}\n");
  fclose(f);
}

/* One frame at the current time with a posed skeleton, then time moves on. */
static inline void syn_frame(syn_run* r, syn_pose_fn pose, double depth, void* ctx) {
  kt_keypoint k[KT_NUM_KEYPOINTS];
  memset(k, 0, sizeof(k));
  pose(k, depth, ctx);
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    k[i].x += (float)syn_noise(&r->rng, r->noise);
    k[i].y += (float)syn_noise(&r->rng, r->noise);
    if (r->drop_rate > 0 && syn_uniform(&r->rng) < r->drop_rate) k[i].score = 0.05f; /* a dropped keypoint */
  }
  syn_trace(r, k);
  cJSON* list = cJSON_CreateArray();
  kt_exercise_update(r->ex, k, r->w, r->h, r->ts, list, 1, 1);
  syn_collect(r, list);
  cJSON_Delete(list);
  r->ts += 1000.0 / r->fps;
}

/* Stays at `depth` for ms. */
static inline void syn_hold(syn_run* r, syn_pose_fn pose, double depth, double ms, void* ctx) {
  const double end = r->ts + ms;
  while (r->ts < end) syn_frame(r, pose, depth, ctx);
}

/* From depth `from` to `peak` and back to `to` over ms (cosine easing). */
static inline void syn_rep(syn_run* r, syn_pose_fn pose, double from, double peak, double to, double ms, void* ctx) {
  const double start = r->ts;
  while (r->ts < start + ms) {
    const double u = (r->ts - start) / ms;
    const double e = (1 - cos(2 * SYN_PI * u)) / 2; /* 0 -> 1 -> 0 */
    const double base = u < 0.5 ? from : to;
    syn_frame(r, pose, base + (peak - base) * e, ctx);
  }
}

static inline void syn_end(syn_run* r) {
  cJSON* list = cJSON_CreateArray();
  kt_exercise_finish(r->ex, r->ts, list);
  syn_collect(r, list);
  cJSON_Delete(list);
  kt_exercise_destroy(r->ex);
  r->ex = NULL;
}

#endif
