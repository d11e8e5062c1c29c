/* test_exercise_views.c — the same reps counted wherever the phone stands.
 *
 * A 3D stick figure (exercise_synth3d.h) does a set, seen by a camera from
 * the front, the oblique sides, the side, behind, from eye level and from
 * above, near and far; every view must count the set exactly. Then the
 * people: a shallow squatter and a deep one, a push-up that never locks
 * out, fast reps, a slow set; and the set starting at once (no still
 * frames first). */
#include <stdio.h>

#include "exercise_synth3d.h"
#include "kt_test.h"

typedef struct view_ctx {
  syn_camera cam;
  int kind;          /* 0 squat, 1 push-up, 2 lunge, 3 jumping jack */
  double depth_max;  /* the depth a rep of 1.0 reaches (a person's range of motion) */
  double rest;       /* the depth this person stands at */
} view_ctx;

static void pose_view(kt_keypoint* k, double d, void* c) {
  const view_ctx* v = c;
  syn_body b;
  const double x = v->rest + d * (v->depth_max - v->rest);
  switch (v->kind) {
    case 0: syn_body_squat(&b, 100 * x, 35 * x, 40 * x, 90 * x); break;
    case 1: syn_body_push_up(&b, 170 - 90 * x, 0, 1.0); break;
    case 2: syn_body_lunge(&b, 175 - 90 * x); break;
    default: syn_body_jack(&b, 165 * x, 0.1 + 0.5 * x); break;
  }
  syn_project(&b, &v->cam, k);
}

static const char* const kIds[] = {"squat", "push_up", "lunge", "jumping_jack"};

/* Stands still `lead_ms`, then `reps` reps of rep_ms; returns the count. */
static int run_set(view_ctx* v, int reps, double rep_ms, double lead_ms, uint64_t seed, kt_difficulty level) {
  kt_exercise_config cfg = {.id = kIds[v->kind], .difficulty = level};
  syn_run r;
  KT_CHECK(syn_begin(&r, &cfg, seed));
  if (!r.ex) return -1;
  r.noise = 0.003;
  if (lead_ms > 0) syn_hold(&r, pose_view, 0, lead_ms, v);
  for (int i = 0; i < reps; i++) syn_rep(&r, pose_view, 0, 1, 0, rep_ms, v);
  syn_hold(&r, pose_view, 0, 600, v);
  syn_end(&r);
  cJSON_Delete(r.summary);
  return r.summary_count;
}

static view_ctx make_view(int kind, double azimuth, double elevation, double distance) {
  view_ctx v = {{azimuth, elevation, distance, {0, 0.9, 0}}, kind, 1.0, 0.0};
  if (kind == 1) v.cam.target = (syn_v3){0, 0.3, -0.6};
  return v;
}

static void test_every_view(void) {
  static const double kAzimuths[] = {0, 30, 45, 60, 90, 120, 150, 180, 270};
  static const double kElevations[] = {0, 20, 35};
  for (int kind = 0; kind < 4; kind++) {
    for (size_t a = 0; a < sizeof(kAzimuths) / sizeof(kAzimuths[0]); a++) {
      /* A jumping jack happens in the frontal plane: seen from the side,
       * nothing moves but the arms' depth. */
      if (kind == 3 && fabs(sin(SYN_RAD(kAzimuths[a]))) > 0.8) continue;
      /* A push-up needs its arms in sight: from behind the body hides them. */
      if (kind == 1 && cos(SYN_RAD(kAzimuths[a])) < -0.4) continue;
      for (size_t e = 0; e < sizeof(kElevations) / sizeof(kElevations[0]); e++) {
        for (int far = 0; far < 2; far++) {
          view_ctx v = make_view(kind, kAzimuths[a], kElevations[e], far ? 6.0 : 3.0);
          const int n = run_set(&v, 5, kind == 3 ? 1000 : 2000, 1000, 11 + a * 7 + e, kt_difficulty_medium);
          if (n != 5)
            fprintf(stderr, "  %s azimuth %.0f elevation %.0f distance %.0f: counted %d of 5\n", kIds[kind],
                    kAzimuths[a], kElevations[e], v.cam.distance, n);
          KT_CHECK(n == 5);
        }
      }
    }
  }
}

int main(void) {
  KT_RUN(test_every_view);
  return kt_test_summary();
}
