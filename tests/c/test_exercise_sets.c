/* test_exercise_sets.c — a set of every exercise of the catalogue that has
 * a definition, done by a 3D stick figure (exercise_synth3d.h) and filmed
 * from the view its definition asks for (profile: the camera at the
 * person's left; face: in front) and, for reps, from an oblique view too.
 *
 * For each exercise:
 *   clean   5 reps at a normal tempo through the textbook range, counted
 *           exactly and graded B or better (score >= 80); a hold of 8 s
 *           counted within a second, scored >= 80;
 *   sloppy  shallower / faster / wobbly reps that medium still counts, or
 *           a hold at the edge of its tolerance: counted, but scored lower
 *           than the clean set (exercise_summary avg_rep_score);
 *   wrong   another movement (squats for curls, standing for a hold, arm
 *           raises for a leg exercise): nothing counted;
 *   sides   one-sided definitions (rep `sides` alternate / either, hold
 *           conditions on "this" / "other" side) work on both sides, and
 *           exercise_summary.history[].side names them.
 *
 * Cases the definitions get wrong today are kept out of the asserted set
 * (kKnown below, with the numbers) and printed; every failure prints the
 * table of measured values on stderr (KT_SETS_VERBOSE=1: always;
 * KT_SETS_ONLY=<id>: one exercise). Deterministic (seeded noise). */
#include <stdio.h>
#include <string.h>

#include "exercise_synth3d.h"
#include "kt_test.h"

/* ----------------------------------------------------------------- poses */

typedef struct set_ctx set_ctx;
/* A pose at progress d: for reps 0 the start position, 1 the textbook end
 * (a rep of depth 0.6 goes to d = 0.6); for holds 0 the neutral position,
 * 1 the pose held. */
typedef void (*body_fn)(syn_body* b, double d, const set_ctx* c);

struct set_ctx {
  syn_camera cam;
  body_fn pose;
  int side;      /* the side moving: 0 left, 1 right, 2 both */
  double fault;  /* 0 clean; 1 the sloppy version of the movement */
};

static void pose_frame(kt_keypoint* k, double d, void* ctx) {
  const set_ctx* c = ctx;
  syn_body b;
  memset(&b, 0, sizeof(b));
  c->pose(&b, d, c);
  syn_project(&b, &c->cam, k);
}

/* The amount a side moves: the moving side(s) follow d, the other stays. */
static double side_d(const set_ctx* c, int s, double d) { return c->side == 2 || c->side == s ? d : 0; }

/* --- reps */

static void rp_side_lunge(syn_body* b, double d, const set_ctx* c) { syn_body_side_lunge(b, d, c->side & 1); }
static void rp_deadlift(syn_body* b, double d, const set_ctx* c) { syn_body_hinge(b, d, 35 + 15 * c->fault); }
static void rp_glute_bridge(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_bridge(b, d);
}
/* up on the toes: 6.5 cm, 0.15 of a shin */
static void rp_calf_raise(syn_body* b, double d, const set_ctx* c) { syn_body_stand(b, 0.065 * d, 12 * c->fault * d); }
static void rp_tricep_dip(syn_body* b, double d, const set_ctx* c) {
  syn_body_dip(b, 172 - 82 * d, 10 + 25 * c->fault * d);
}
static void rp_curl(syn_body* b, double d, const set_ctx* c) {
  syn_body_curl(b, 165 - 125 * side_d(c, 0, d), 165 - 125 * side_d(c, 1, d), 40 * c->fault * d);
}
static void rp_press(syn_body* b, double d, const set_ctx* c) {
  syn_body_press(b, side_d(c, 0, d), side_d(c, 1, d), 15 * c->fault * d);
}
static void rp_lateral_raise(syn_body* b, double d, const set_ctx* c) {
  syn_body_lateral_raise(b, 8 + 84 * side_d(c, 0, d), 8 + 84 * side_d(c, 1, d) * (1 - 0.3 * c->fault),
                         10 * c->fault * d);
}
static void rp_climber(syn_body* b, double d, const set_ctx* c) {
  syn_body_climber(b, side_d(c, 0, d), side_d(c, 1, d), 15 * c->fault * d);
}
static void rp_high_knees(syn_body* b, double d, const set_ctx* c) {
  syn_body_high_knees(b, 90 * side_d(c, 0, d), 90 * side_d(c, 1, d), 15 * c->fault * d);
}
static void rp_leg_raise(syn_body* b, double d, const set_ctx* c) {
  syn_body_leg_raise(b, 90 * d, 178 - 40 * c->fault * d);
}
static void rp_shoulder_roll(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_shrug(b, 0.065 * d);
}
static void rp_deep_breath(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_shrug(b, 0.04 * d);
}

/* --- wrong movements for reps */

static void wr_squat(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_squat(b, 95 * d, 30 * d, 35 * d, 0);
}
static void wr_arm_raise(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_lateral_raise(b, 8 + 160 * d, 8 + 160 * d, 0);
}
static void wr_curl(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_curl(b, 165 - 125 * d, 165 - 125 * d, 0);
}
static void wr_hinge(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_hinge(b, d, 0);
}
static void wr_high_knees(syn_body* b, double d, const set_ctx* c) {
  syn_body_high_knees(b, 90 * side_d(c, 0, d), 90 * side_d(c, 1, d), 0);
}
static void wr_push_up(syn_body* b, double d, const set_ctx* c) {
  (void)c;
  syn_body_push_up(b, 170 - 90 * d, 0, 1);
}

/* --- holds: 0 neutral, 1 the pose; the joints blend in between */

#define HOLD_POSE(name, neutral, target)                         \
  static void name(syn_body* b, double d, const set_ctx* c) {   \
    syn_body n, t;                                              \
    neutral(&n, c);                                             \
    target(&t, c);                                              \
    syn_body_blend(b, &n, &t, d);                               \
  }

static void n_stand(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_stand(b, 0, 0);
}
static void n_chair(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_chair(b, 0, 0, -1, 0);
}
static void n_lying(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_bridge(b, 0);
}
static void n_prone(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_prone(b, 3);
}
static void n_fours(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_all_fours(b, 0, 0, 0);
}
static void n_kneel(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_kneel(b, 0, 0, 0);
}
static void n_straddle(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_straddle(b, 40, 0);
}

static void h_forward_fold(syn_body* b, const set_ctx* c) { syn_body_chair(b, c->fault ? 55 : 78, 0, -1, 0); }
static void h_side_stretch(syn_body* b, const set_ctx* c) {
  const double dir = c->side == 1 ? -1.0 : 1.0; /* lean toward the left, the right arm over the head */
  syn_body_chair(b, 0, dir * (c->fault ? 15 : 25), c->side == 1 ? 0 : 1, c->fault ? 145 : 167);
}
static void h_split(syn_body* b, const set_ctx* c) {
  syn_body_split(b, c->fault ? 154 : 176, c->fault ? 160 : 178, c->side == 1 ? 1 : 0);
}
static void h_facial_split(syn_body* b, const set_ctx* c) { syn_body_split(b, c->fault ? 154 : 176, c->fault ? 160 : 178, 2); }
static void h_pancake(syn_body* b, const set_ctx* c) { syn_body_straddle(b, c->fault ? 100 : 120, c->fault ? 58 : 72); }
static void h_closing(syn_body* b, const set_ctx* c) { syn_body_palms(b, c->fault ? 0.1 : 0.02, 0.17, c->fault ? 11 : 0); }
static void h_bridge(syn_body* b, const set_ctx* c) { syn_body_bridge(b, c->fault ? 0.74 : 1.0); }
static void h_cobra(syn_body* b, const set_ctx* c) { syn_body_prone(b, c->fault ? 55 : 64); }
static void h_bow(syn_body* b, const set_ctx* c) {
  if (c->fault) syn_body_bow(b, 22, 10, 65, 1);
  else syn_body_bow(b, 35, 18, 45, 1);
}
static void h_tiger(syn_body* b, const set_ctx* c) {
  const double e = c->fault ? 0.72 : 1.0;
  syn_body_all_fours(b, c->side == 1 ? 0 : e, c->side == 1 ? e : 0, 10);
}
static void h_camel(syn_body* b, const set_ctx* c) {
  if (c->fault) syn_body_kneel(b, 8, 33, 0.3);
  else syn_body_kneel(b, 10, 62, 0.65);
}
static void h_pigeon(syn_body* b, const set_ctx* c) {
  const int front = c->side == 1 ? 1 : 0;
  if (c->fault) syn_body_pigeon(b, front, 115, 60, 105, 30);
  else syn_body_pigeon(b, front, 160, 45, 60, 5);
}
static void h_foot_to_hand(syn_body* b, const set_ctx* c) {
  const int side = c->side == 1 ? 1 : 0;
  if (c->fault) syn_body_one_leg(b, side, 110, 143, 25, 1);
  else syn_body_one_leg(b, side, 108, 172, 14, 1);
}
static void h_i(syn_body* b, const set_ctx* c) { syn_body_overhead(b, c->fault ? 0.37 : 0.2, 1, c->fault ? 5 : 0); }
static void h_needle(syn_body* b, const set_ctx* c) { syn_body_needle(b, c->fault ? 0.36 : 0.6, c->side == 1 ? 1 : 0); }

HOLD_POSE(hp_forward_fold, n_chair, h_forward_fold)
HOLD_POSE(hp_side_stretch, n_chair, h_side_stretch)
HOLD_POSE(hp_split, n_stand, h_split)
HOLD_POSE(hp_facial_split, n_stand, h_facial_split)
HOLD_POSE(hp_pancake, n_straddle, h_pancake)
HOLD_POSE(hp_closing, n_stand, h_closing)
HOLD_POSE(hp_bridge, n_lying, h_bridge)
HOLD_POSE(hp_cobra, n_prone, h_cobra)
HOLD_POSE(hp_bow, n_prone, h_bow)
HOLD_POSE(hp_tiger, n_fours, h_tiger)
HOLD_POSE(hp_camel, n_kneel, h_camel)
HOLD_POSE(hp_pigeon, n_kneel, h_pigeon)
HOLD_POSE(hp_foot_to_hand, n_stand, h_foot_to_hand)
HOLD_POSE(hp_i, n_stand, h_i)
HOLD_POSE(hp_needle, n_fours, h_needle)

/* --- wrong postures for holds (held at d = 1) */

static void w_chair_upright(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_chair(b, 0, 0, -1, 0);
}
static void w_straddle_upright(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_straddle(b, 120, 0);
}
static void w_lunge(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_lunge(b, 90);
}
static void w_wide_stance(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_jack(b, 0, 0.8);
}
static void w_hands_overhead(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_overhead(b, 0.05, 1, 0);
}
static void w_hips_down(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_bridge(b, 0);
}
static void w_plank(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_push_up(b, 175, 0, 0);
}
static void w_flat_grip(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_bow(b, 6, 0, 50, 1);
}
static void w_fours(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_all_fours(b, 0, 0, 0);
}
static void w_kneel(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_kneel(b, 0, 0, 0);
}
static void w_t_pose(syn_body* b, const set_ctx* c) {
  (void)c;
  syn_body_overhead(b, 0.2, 0, 0);
}
static void w_knee_up(syn_body* b, const set_ctx* c) {
  syn_body_one_leg(b, c->side == 1 ? 1 : 0, 90, 90, 0, 0);
}

HOLD_POSE(wp_chair_upright, n_chair, w_chair_upright)
HOLD_POSE(wp_straddle_upright, n_straddle, w_straddle_upright)
HOLD_POSE(wp_lunge, n_stand, w_lunge)
HOLD_POSE(wp_wide_stance, n_stand, w_wide_stance)
HOLD_POSE(wp_hands_overhead, n_stand, w_hands_overhead)
HOLD_POSE(wp_hips_down, n_lying, w_hips_down)
HOLD_POSE(wp_plank, n_prone, w_plank)
HOLD_POSE(wp_flat_grip, n_prone, w_flat_grip)
HOLD_POSE(wp_fours, n_fours, w_fours)
HOLD_POSE(wp_kneel, n_kneel, w_kneel)
HOLD_POSE(wp_t_pose, n_stand, w_t_pose)
HOLD_POSE(wp_knee_up, n_stand, w_knee_up)

/* ----------------------------------------------------------------- cases */

enum { ONE_SIDED_NO = 0, ONE_SIDED_EITHER, ONE_SIDED_ALTERNATE, ONE_SIDED_HOLD };

typedef struct ex_case {
  const char* id;
  int hold;
  body_fn pose, wrong, wrong2;  /* the exercise, the wrong movement(s) */
  double view, other;           /* the placement view's azimuth; a second view for reps (< 0: none) */
  syn_v3 target;                /* where the camera looks */
  double elevation;
  int sided;
  double rep_ms;                /* clean reps */
  double sloppy_depth, sloppy_ms;
} ex_case;

#define STANDING {0, 0.9, 0}
static const ex_case kCases[] = {
    /* reps */
    {"side_lunge", 0, rp_side_lunge, wr_arm_raise, NULL, 0, 45, STANDING, 10, ONE_SIDED_ALTERNATE, 2400, 0.66, 1100},
    {"deadlift", 0, rp_deadlift, wr_curl, NULL, 90, 45, STANDING, 10, ONE_SIDED_NO, 3000, 0.75, 1500},
    {"glute_bridge", 0, rp_glute_bridge, wr_hinge, NULL, 90, 45, {0, 0.3, -0.15}, 15, ONE_SIDED_NO, 2500, 0.66, 1100},
    {"calf_raise", 0, rp_calf_raise, wr_arm_raise, wr_squat, 0, 45, STANDING, 10, ONE_SIDED_NO, 2000, 0.66, 1000},
    {"tricep_dip", 0, rp_tricep_dip, wr_squat, wr_curl, 90, 45, STANDING, 10, ONE_SIDED_NO, 2500, 0.78, 1100},
    {"bicep_curl", 0, rp_curl, wr_squat, NULL, 90, 45, STANDING, 10, ONE_SIDED_EITHER, 2500, 0.66, 1100},
    {"hammer_curl", 0, rp_curl, wr_squat, NULL, 90, 45, STANDING, 10, ONE_SIDED_EITHER, 2500, 0.66, 1100},
    {"shoulder_press", 0, rp_press, wr_squat, wr_arm_raise, 0, 45, STANDING, 10, ONE_SIDED_EITHER, 2500, 0.66, 1100},
    {"lateral_raise", 0, rp_lateral_raise, wr_squat, wr_curl, 0, 45, STANDING, 10, ONE_SIDED_EITHER, 2500, 0.75, 1100},
    {"mountain_climber", 0, rp_climber, wr_high_knees, wr_push_up, 90, 45, {0, 0.3, -0.6}, 10, ONE_SIDED_ALTERNATE, 700,
     0.66, 700},
    {"high_knees", 0, rp_high_knees, wr_arm_raise, wr_squat, 0, 45, STANDING, 10, ONE_SIDED_ALTERNATE, 700, 0.9, 700},
    {"leg_raise", 0, rp_leg_raise, wr_high_knees, NULL, 90, 45, {0, 0.4, 0.05}, 15, ONE_SIDED_NO, 3000, 0.66, 1100},
    {"shoulder_roll", 0, rp_shoulder_roll, wr_arm_raise, NULL, 0, 45, STANDING, 10, ONE_SIDED_NO, 2000, 0.66, 1000},
    {"shoulder_deep_breath", 0, rp_deep_breath, wr_arm_raise, NULL, 0, 45, STANDING, 10, ONE_SIDED_NO, 5000, 0.66, 2600},
    /* holds */
    {"chair_forward_fold", 1, hp_forward_fold, wp_chair_upright, NULL, 90, -1, {0, 0.6, 0.2}, 10, ONE_SIDED_NO, 0, 0, 0},
    {"chair_side_stretch", 1, hp_side_stretch, wp_chair_upright, NULL, 0, -1, {0, 0.7, 0}, 10, ONE_SIDED_NO, 0, 0, 0},
    {"split", 1, hp_split, wp_lunge, NULL, 90, -1, {0, 0.5, 0}, 10, ONE_SIDED_NO, 0, 0, 0},
    {"facial_split", 1, hp_facial_split, wp_wide_stance, NULL, 0, -1, {0, 0.5, 0}, 10, ONE_SIDED_NO, 0, 0, 0},
    {"pancake", 1, hp_pancake, wp_straddle_upright, NULL, 0, -1, {0, 0.3, 0.3}, 5, ONE_SIDED_NO, 0, 0, 0},
    {"closing", 1, hp_closing, wp_hands_overhead, NULL, 0, -1, STANDING, 10, ONE_SIDED_NO, 0, 0, 0},
    {"bridge", 1, hp_bridge, wp_hips_down, NULL, 90, -1, {0, 0.3, -0.15}, 15, ONE_SIDED_NO, 0, 0, 0},
    {"cobra", 1, hp_cobra, wp_plank, NULL, 90, -1, {0, 0.3, 0}, 15, ONE_SIDED_NO, 0, 0, 0},
    {"bow", 1, hp_bow, wp_flat_grip, NULL, 90, -1, {0, 0.3, 0}, 15, ONE_SIDED_NO, 0, 0, 0},
    {"tiger", 1, hp_tiger, wp_fours, NULL, 90, -1, {0, 0.4, -0.1}, 15, ONE_SIDED_HOLD, 0, 0, 0},
    {"camel", 1, hp_camel, wp_kneel, NULL, 90, -1, {0, 0.5, 0}, 10, ONE_SIDED_NO, 0, 0, 0},
    {"king_pigeon", 1, hp_pigeon, wp_kneel, NULL, 90, -1, {0, 0.5, 0}, 10, ONE_SIDED_HOLD, 0, 0, 0},
    {"foot_to_hand", 1, hp_foot_to_hand, wp_knee_up, NULL, 90, -1, STANDING, 10, ONE_SIDED_HOLD, 0, 0, 0},
    {"i", 1, hp_i, wp_t_pose, NULL, 0, -1, {0, 1.0, 0}, 10, ONE_SIDED_NO, 0, 0, 0},
    {"needle", 1, hp_needle, wp_fours, NULL, 90, -1, {0, 0.4, 0}, 15, ONE_SIDED_NO, 0, 0, 0},
};
#define NCASES (sizeof(kCases) / sizeof(kCases[0]))

/* --------------------------------------------------------------- running */

typedef struct set_result {
  int count;
  double score;    /* exercise_summary avg_rep_score (reps and holds); NaN: null */
  int nhistory;
  char sides[64];  /* history[].side, first letters (l, r, b; - when absent) */
  double hist_ms[8];
} set_result;

static set_result summarize(syn_run* r) {
  set_result o;
  memset(&o, 0, sizeof(o));
  o.count = r->summary_count;
  const cJSON* avg = cJSON_GetObjectItem(r->summary, "avg_rep_score");
  o.score = cJSON_IsNumber(avg) ? avg->valuedouble : NAN;
  const cJSON* h;
  cJSON_ArrayForEach(h, cJSON_GetObjectItem(r->summary, "history")) {
    const cJSON* side = cJSON_GetObjectItem(h, "side");
    if (o.nhistory < 63) o.sides[o.nhistory] = cJSON_IsString(side) ? side->valuestring[0] : '-';
    if (o.nhistory < 8) o.hist_ms[o.nhistory] = cJSON_GetObjectItem(h, "durationMs")->valuedouble;
    o.nhistory++;
  }
  o.sides[o.nhistory < 63 ? o.nhistory : 63] = 0;
  cJSON_Delete(r->summary);
  r->summary = NULL;
  return o;
}

static set_ctx make_ctx(const ex_case* e, double azimuth, body_fn pose) {
  set_ctx c;
  memset(&c, 0, sizeof(c));
  c.cam = (syn_camera){azimuth, e->elevation, 3.5, e->target};
  c.pose = pose;
  c.side = 2;
  return c;
}

/* A rep set: still for 1.5 s, `n` reps (sides[i]: the side of rep i, 2
 * both), still for 1 s. */
static set_result run_reps(const ex_case* e, double azimuth, body_fn pose, double depth, double fault, double rep_ms,
                           int n, const int* sides, uint64_t seed) {
  kt_exercise_config cfg = {.id = e->id, .difficulty = kt_difficulty_medium};
  syn_run r;
  set_result none;
  memset(&none, 0, sizeof(none));
  none.count = -1;
  KT_CHECK(syn_begin(&r, &cfg, seed));
  if (!r.ex) return none;
  set_ctx c = make_ctx(e, azimuth, pose);
  c.fault = fault;
  syn_hold(&r, pose_frame, 0, 1500, &c);
  for (int i = 0; i < n; i++) {
    c.side = sides ? sides[i] : 2;
    syn_rep(&r, pose_frame, 0, depth, 0, rep_ms, &c);
  }
  syn_hold(&r, pose_frame, 0, 1000, &c);
  syn_end(&r);
  return summarize(&r);
}

/* A hold session: neutral 1.5 s, into the pose over 1 s, held `ms`, out
 * over 1 s, neutral 1 s; `nsides` times (sides[i]). */
static set_result run_hold(const ex_case* e, body_fn pose, double fault, double ms, int nsides, const int* sides,
                           uint64_t seed) {
  kt_exercise_config cfg = {.id = e->id, .difficulty = kt_difficulty_medium};
  syn_run r;
  set_result none;
  memset(&none, 0, sizeof(none));
  none.count = -1;
  KT_CHECK(syn_begin(&r, &cfg, seed));
  if (!r.ex) return none;
  set_ctx c = make_ctx(e, e->view, pose);
  c.fault = fault;
  syn_hold(&r, pose_frame, 0, 1500, &c);
  for (int i = 0; i < nsides; i++) {
    c.side = sides ? sides[i] : 2;
    syn_rep(&r, pose_frame, 0, 1, 1, 1000, &c);
    syn_hold(&r, pose_frame, 1, ms, &c);
    syn_rep(&r, pose_frame, 1, 1, 0, 1000, &c);
    syn_hold(&r, pose_frame, 0, 1000, &c);
  }
  syn_end(&r);
  return summarize(&r);
}

/* ------------------------------------------------------ known problems */

/* Cases the definitions get wrong today (exercises/<id>.json, as measured
 * by this test): they run and print, but are not asserted until the
 * definition changes; one that starts passing is reported so it can leave
 * this list. The numbers are in the report of the change that added them. */
typedef struct known {
  const char* id;
  const char* what;
  double view;  /* < 0: every view */
  const char* why;
} known;

static const known kKnown[] = {
    /* At 45 degrees (which the view classifier calls face: shoulder width
     * over torso 0.52-0.60) the knee of a lunge toward the camera points at
     * it: its angle reads 177 -> 161 (q 0.19, a half rep) while the
     * standing height reads 1.0 -> 0.75 (q 0.89); the knee signal, first
     * on equal evidence, stays active. */
    {"side_lunge", "clean", 45, "knee signal blind to a lunge toward an oblique camera"},
    {"side_lunge", "sloppy", 45, "knee signal blind to a lunge toward an oblique camera"},
    {"side_lunge", "sides l/r", 45, "only the right lunges count"},
    /* At 45 degrees (classified face, ratio 0.61: a plank's torso is
     * foreshortened, so the view classifier built on standing bodies
     * reads face) knee_to_chest is active: the textbook drive reads 0.82
     * there against 0.645 in 3D (the leg-back distance runs along the
     * body, foreshortened by the view; the driven one does not), so
     * against the target 0.65 the range is q 0.51, at min_rom 0.5. */
    {"mountain_climber", "clean", 45, "knee_to_chest foreshortened at 45 degrees"},
    {"mountain_climber", "clean grade", 45, "(most reps not counted)"},
    {"mountain_climber", "sloppy", 45, "knee_to_chest foreshortened at 45 degrees"},
    {"mountain_climber", "sloppy grade", 45, "(not counted)"},
    {"mountain_climber", "sides l/r", 45, "(not counted)"},
    /* Squats: both knees' drop below the hips goes 1.0 -> 0.22 (q 0.78),
     * counted as side "both". A gate on the standing knee (at least 150)
     * stops them at 45 degrees, but on the real high-knees clip the
     * standing knee of a run in place reads 136-178 and, gated on every
     * frame, it also hides each leg's rest while the other lifts: 5 of
     * about 18 lifts were left. */
    {"high_knees", "wrong2", -1, "squats count as high knees"},
};

static const known* find_known(const char* id, const char* what, double view) {
  for (size_t i = 0; i < sizeof(kKnown) / sizeof(kKnown[0]); i++) {
    const known* k = &kKnown[i];
    if (!strcmp(k->id, id) && !strcmp(k->what, what) && (k->view < 0 || k->view == view)) return k;
  }
  return NULL;
}

/* ------------------------------------------------------------- the table */

static int g_verbose;

typedef struct row {
  const char* id;
  const char* what;
  double view;
  set_result r;
  char mark;       /* ' ' passed, '!' failed, 'k' a known problem, 'F' a known problem that passes now */
  char expect[32];
} row;

#define MAX_ROWS 400
static row g_rows[MAX_ROWS];
static int g_nrows, g_failed_rows;

/* One expectation: asserted unless it is a known problem. */
static void expect(const ex_case* e, const char* what, double view, set_result r, int ok, const char* text) {
  const known* k = find_known(e->id, what, view);
  const char mark = k ? (ok ? 'F' : 'k') : ok ? ' ' : '!';
  if (g_nrows < MAX_ROWS) {
    row* w = &g_rows[g_nrows++];
    *w = (row){e->id, what, view, r, mark, ""};
    snprintf(w->expect, sizeof(w->expect), "%s", text);
  }
  if (k && ok) fprintf(stderr, "  known problem no longer fails: %s %s view %.0f (%s)\n", e->id, what, view, k->why);
  if (!k) {
    if (!ok) g_failed_rows++;
    KT_CHECK(ok);
  }
}

static void print_table(void) {
  fprintf(stderr, "  %-22s %-14s %5s %6s %6s %-12s %s\n", "exercise", "case", "view", "count", "score", "sides/held",
          "expected (k: known problem, !: failed)");
  for (int i = 0; i < g_nrows; i++) {
    const row* w = &g_rows[i];
    char sides[40];
    if (w->r.nhistory > 0 && w->r.sides[0] == '-') {
      if (w->r.nhistory > 1)
        snprintf(sides, sizeof(sides), "%.1f+%.1f s", w->r.hist_ms[0] / 1000, w->r.hist_ms[1] / 1000);
      else
        snprintf(sides, sizeof(sides), "%.1f s", w->r.hist_ms[0] / 1000);
    } else {
      snprintf(sides, sizeof(sides), "%s", w->r.sides);
    }
    fprintf(stderr, "%c %-22s %-14s %5.0f %6d %6.1f %-12s %s\n", w->mark, w->id, w->what, w->view, w->r.count,
            w->r.score, sides, w->expect);
  }
}

/* --------------------------------------------------------------- the tests */

static const int kAlt[10] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
static const int kLeft[5] = {0, 0, 0, 0, 0};
static const int kRight[5] = {1, 1, 1, 1, 1};

/* The reps of one exercise at one view. */
static void rep_cases(const ex_case* e, double view, uint64_t seed) {
  const int alt = e->sided == ONE_SIDED_ALTERNATE;
  const int n = alt ? 10 : 5;
  const int* sides = alt ? kAlt : NULL;
  char buf[32];
  snprintf(buf, sizeof(buf), "%d", n);
  /* clean: every rep counted, graded B or better */
  const set_result clean = run_reps(e, view, e->pose, 1.0, 0, e->rep_ms, n, sides, seed);
  expect(e, "clean", view, clean, clean.count == n, buf);
  expect(e, "clean grade", view, clean, clean.score >= 80, ">= 80");
  /* sloppy: still counted on medium, graded lower */
  const set_result sloppy = run_reps(e, view, e->pose, e->sloppy_depth, 1, e->sloppy_ms, n, sides, seed + 1);
  expect(e, "sloppy", view, sloppy, sloppy.count == n, buf);
  snprintf(buf, sizeof(buf), "< %.1f", clean.score);
  expect(e, "sloppy grade", view, sloppy, sloppy.score < clean.score, buf);
  /* wrong movements: nothing */
  const body_fn wrong[2] = {e->wrong, e->wrong2};
  for (int w = 0; w < 2; w++) {
    if (!wrong[w]) continue;
    const set_result r = run_reps(e, view, wrong[w], 1.0, 0, e->rep_ms, n, sides, seed + 2 + w);
    expect(e, w ? "wrong2" : "wrong", view, r, r.count == 0, "0");
  }
  /* sides */
  if (alt) {
    expect(e, "sides l/r", view, clean, strcmp(clean.sides, "lrlrlrlrlr") == 0, "lrlrlrlrlr");
  } else if (e->sided == ONE_SIDED_EITHER) {
    expect(e, "sides both", view, clean, strcmp(clean.sides, "bbbbb") == 0, "bbbbb");
    const set_result l = run_reps(e, view, e->pose, 1.0, 0, e->rep_ms, 5, kLeft, seed + 5);
    expect(e, "left arm", view, l, l.count == 5 && strcmp(l.sides, "lllll") == 0, "5 lllll");
    const set_result r = run_reps(e, view, e->pose, 1.0, 0, e->rep_ms, 5, kRight, seed + 6);
    expect(e, "right arm", view, r, r.count == 5 && strcmp(r.sides, "rrrrr") == 0, "5 rrrrr");
    const set_result a = run_reps(e, view, e->pose, 1.0, 0, e->rep_ms, 10, kAlt, seed + 7);
    expect(e, "alternating", view, a, a.count == 10 && strcmp(a.sides, "lrlrlrlrlr") == 0, "10 lrlrlrlrlr");
  }
}

/* The holds of one exercise: 8 s at the pose, at the edge of its
 * tolerance, a wrong posture; one-sided ones on the left then the right. */
static void hold_cases(const ex_case* e, uint64_t seed) {
  char buf[32];
  static const int kLR[2] = {0, 1};
  const set_result clean = run_hold(e, e->pose, 0, 8000, 1, NULL, seed);
  expect(e, "clean 8 s", e->view, clean, clean.count >= 7 && clean.count <= 9, "7..9");
  expect(e, "clean grade", e->view, clean, clean.score >= 80, ">= 80");
  const set_result edge = run_hold(e, e->pose, 1, 8000, 1, NULL, seed + 1);
  expect(e, "edge 8 s", e->view, edge, edge.count >= 7 && edge.count <= 9, "7..9");
  snprintf(buf, sizeof(buf), "< %.0f", clean.score);
  expect(e, "edge grade", e->view, edge, edge.score < clean.score, buf);
  const set_result wrong = run_hold(e, e->wrong, 0, 8000, 1, NULL, seed + 2);
  expect(e, "wrong", e->view, wrong, wrong.count == 0, "0");
  if (e->sided == ONE_SIDED_HOLD) {
    const set_result lr = run_hold(e, e->pose, 0, 8000, 2, kLR, seed + 3);
    const int ok = lr.count >= 14 && lr.count <= 18 && lr.nhistory == 2 && fabs(lr.hist_ms[0] - 8000) <= 1500 &&
                   fabs(lr.hist_ms[1] - 8000) <= 1500;
    expect(e, "left, right", e->view, lr, ok, "14..18 s, 2 holds");
    expect(e, "hold sides", e->view, lr, strcmp(lr.sides, "lr") == 0, "lr");
  }
}

static void test_every_exercise(void) {
  const char* only = getenv("KT_SETS_ONLY"); /* one exercise, while tuning */
  for (size_t i = 0; i < NCASES; i++) {
    const ex_case* e = &kCases[i];
    if (only && strcmp(only, e->id) != 0) continue;
    if (e->hold) {
      hold_cases(e, 100 + i * 10);
    } else {
      rep_cases(e, e->view, 100 + i * 10);
      if (e->other >= 0) rep_cases(e, e->other, 500 + i * 10);
    }
  }
}

int main(void) {
  g_verbose = getenv("KT_SETS_VERBOSE") != NULL;
  KT_RUN(test_every_exercise);
  if (g_failed_rows || g_verbose) print_table();
  return kt_test_summary();
}
