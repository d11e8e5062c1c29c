/* engine_internal.h — the compiled definition and the state of an exercise
 * engine, shared by the files of src/exercise (internal). Fixed sizes
 * everywhere: a frame allocates nothing. */
#ifndef KT_EXERCISE_ENGINE_INTERNAL_H
#define KT_EXERCISE_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cJSON.h"
#include "exercise/engine.h"
#include "messages/exercise_messages.h"

#define KT_EX_MAX_METRICS 16
#define KT_EX_MAX_CONDS 8
#define KT_EX_MAX_CUES 16
#define KT_EX_MAX_REQUIRED 12
#define KT_EX_MAX_REQUIREMENTS 4
#define KT_EX_MAX_HISTORY 10000 /* the reference's counter range */
#define KT_EX_MAX_JUMPS 1000
#define KT_EX_NAME 32
#define KT_EX_TEXT 160
#define KT_EX_MEDIAN 5

/* ------------------------------------------------------------ definition */

typedef enum { kt_metric_angle, kt_metric_incline, kt_metric_dy, kt_metric_dx } kt_metric_type;
typedef enum { kt_sides_best, kt_sides_mean, kt_sides_min, kt_sides_max, kt_sides_left, kt_sides_right } kt_sides;

typedef struct kt_ex_metric {
  char name[KT_EX_NAME];
  kt_metric_type type;
  int npts;          /* 3 for angle, 2 otherwise */
  int8_t pts[2][3];  /* keypoint ids per side (left, right) */
  int8_t ref[2][2];  /* dy/dx: the reference segment whose length divides; ref[s][0] < 0: none (pixels / frame height) */
  bool sided;        /* generic names ("knee"): one value per side */
  bool absval;
  kt_sides sides;
} kt_ex_metric;

typedef struct kt_ex_cond {
  int metric;
  bool has_min, has_max;
  double min, max;
  double ideal;      /* the best value (hold score); defaults to the middle or the bound */
  double span;       /* |threshold - ideal|: the deviation that scores 0 */
} kt_ex_cond;

typedef enum { kt_cue_on_rep, kt_cue_on_half_rep, kt_cue_on_hold } kt_cue_on;
typedef enum { kt_cue_at_bottom, kt_cue_at_top, kt_cue_at_min, kt_cue_at_max, kt_cue_at_mean } kt_cue_at;

typedef struct kt_ex_cue {
  kt_cue_on on;
  int metric;        /* -1 for half_rep */
  kt_cue_at at;
  bool less;         /* op "<" (else ">") */
  double value;
  char text[KT_EX_TEXT];
} kt_ex_cue;

typedef enum { kt_view_any, kt_view_face, kt_view_profile } kt_view;

typedef struct kt_ex_placement {
  int nreq;
  int8_t req[KT_EX_MAX_REQUIRED][2]; /* alternatives ("a||b"); [1] < 0 when none */
  int nrequirements;
  char requirements[KT_EX_MAX_REQUIREMENTS][KT_EX_NAME];
  kt_view view;
  int frames;        /* consecutive good frames before ready */
  double lost_ms;    /* after ready: required keypoints lost this long -> not ready */
} kt_ex_placement;

typedef struct kt_ex_rep_def {
  int metric;
  double rest, target;           /* progress p = (v - rest) / (target - rest) */
  double top_enter, top_exit;    /* hysteresis around the start position (p units) */
  double bottom_enter, bottom_exit;
  double min_rep_ms, max_rep_ms;
  double lost_ms;                /* signal lost this long mid-rep: the rep is abandoned */
  int median;                    /* median filter length, odd, 1..KT_EX_MEDIAN */
  int ngate;
  kt_ex_cond gate[KT_EX_MAX_CONDS];
} kt_ex_rep_def;

typedef struct kt_ex_form_def {
  double w_rom, rom_ideal;
  double w_sym, sym_tol; int sym_metric;
  double w_tempo, tempo_min_ms, tempo_max_ms;
  double w_stab, stab_tol; int stab_metric;
} kt_ex_form_def;

typedef struct kt_ex_hold_def {
  int ncond;
  kt_ex_cond cond[KT_EX_MAX_CONDS];
  double grace_ms;
} kt_ex_hold_def;

typedef enum { kt_jump_calibrated, kt_jump_air_time } kt_jump_mode;

typedef struct kt_ex_jump_def {
  kt_jump_mode mode;
  double min_score;          /* hips (and ankles) must score above this */
  double trigger_cm;         /* calibrated: rise that starts a jump */
  double land_cm;            /* calibrated: back within this of the baseline = landed */
  double takeoff_ratio;      /* air time: ankle rise / leg length that means airborne */
  double stable_ratio;       /* air time: per-frame ankle motion / leg length that means still */
  int landing_frames;
  double min_height_cm, cooldown_ms, timeout_ms, lost_ms;
  int calibration_frames;
  double calibration_tolerance; /* hip motion / body height allowed while calibrating */
  double moved_ratio;        /* body height change that means "moved toward the phone" */
} kt_ex_jump_def;

typedef struct kt_ex_def {
  char id[KT_EX_NAME];
  int kind;                  /* kt_exercise_kind */
  double min_score;          /* keypoint confidence floor */
  int nmetrics;
  kt_ex_metric metrics[KT_EX_MAX_METRICS];
  kt_ex_placement placement;
  kt_ex_rep_def rep;
  kt_ex_form_def form;
  kt_ex_hold_def hold;
  kt_ex_jump_def jump;
  int ncues;
  kt_ex_cue cues[KT_EX_MAX_CUES];
} kt_ex_def;

/* Parses a definition (the JSON text) for a difficulty. On failure writes
 * a reason to `err` and returns kt_status_model_format. */
kt_status kt_ex_def_parse(const char* json, kt_difficulty difficulty, kt_ex_def* def, char* err, size_t err_len);
/* Whether the exercise needs userHeightCm: a calibrated jump. */
bool kt_ex_def_needs_height(const kt_ex_def* def);

/* --------------------------------------------------------------- metrics */

typedef struct kt_metric_value {
  double v;          /* the combined value */
  double side[2];
  bool ok;
  bool side_ok[2];
} kt_metric_value;

typedef struct kt_frame {
  const kt_keypoint* kps;
  double w, h;       /* pixels */
  double ts;
  kt_metric_value m[KT_EX_MAX_METRICS];
} kt_frame;

/* Computes every metric of `def` for a frame; `best_side` (0/1, in/out)
 * keeps "best"-side choices sticky. */
void kt_ex_metrics_compute(const kt_ex_def* def, kt_frame* f, int best_side[KT_EX_MAX_METRICS]);
bool kt_ex_cond_holds(const kt_ex_cond* c, const kt_frame* f);
/* 0 at the ideal value, 1 at the threshold (clamped). */
double kt_ex_cond_deviation(const kt_ex_cond* c, const kt_frame* f);

/* ------------------------------------------------------------- placement */

typedef struct kt_placement_state {
  bool ready;
  int good_frames;
  double last_seen_ms;       /* last frame with the required keypoints (after ready) */
  int last_msg;              /* the posture state last sent; -1 none */
  bool last_ready;
} kt_placement_state;

/* Updates placement; appends a posture message when its state changes.
 * Returns true while the user is placed and tracking may run. */
bool kt_ex_placement_update(const kt_ex_def* def, kt_placement_state* st, const kt_frame* f, double padding,
                            cJSON* list, kt_status* status);

/* ------------------------------------------------------------- form score */

typedef struct kt_rep_stats {
  double start_ms, end_ms;
  double pmax;
  int sym_n; double sym_sum;
  int stab_n; double stab_sum, stab_sumsq;
} kt_rep_stats;

/* The score 0..100 of one rep (the formula is in form_score.c and
 * exercises/README.md). */
double kt_ex_form_score(const kt_ex_form_def* form, const kt_rep_stats* s);
void kt_ex_form_accumulate(const kt_ex_form_def* form, kt_rep_stats* s, const kt_frame* f);
char kt_ex_grade(double score);

/* ------------------------------------------------------- recommendations */

typedef struct kt_cue_acc {
  int n; double sum, min, max, at_bottom, at_top;
  bool has_bottom, has_top;
  int streak_true, streak_false; /* holds: debounce */
} kt_cue_acc;

typedef struct kt_cue_state {
  uint32_t active;           /* cues currently shown */
  uint32_t sent;             /* the set last sent (recommendations) */
  uint32_t ever;             /* every cue shown in the session (summary) */
  bool sent_once;
  kt_cue_acc acc[KT_EX_MAX_CUES];
} kt_cue_state;

void kt_ex_cues_rep_begin(const kt_ex_def* def, kt_cue_state* st);
void kt_ex_cues_rep_frame(const kt_ex_def* def, kt_cue_state* st, const kt_frame* f, bool is_bottom);
/* A rep ended (counted or not): evaluates rep cues; `half` marks a half rep. */
void kt_ex_cues_rep_end(const kt_ex_def* def, kt_cue_state* st, bool half);
void kt_ex_cues_hold_frame(const kt_ex_def* def, kt_cue_state* st, const kt_frame* f);
/* Appends `recommendations` when the active set differs from the last sent. */
kt_status kt_ex_cues_emit(const kt_ex_def* def, kt_cue_state* st, double ts, cJSON* list);
/* The texts of every cue shown in the session, as a new cJSON array. */
cJSON* kt_ex_cues_summary(const kt_ex_def* def, const kt_cue_state* st);

/* ------------------------------------------------------------ rep counter */

typedef enum { kt_rep_unknown, kt_rep_top, kt_rep_down, kt_rep_bottom, kt_rep_up } kt_rep_phase;

typedef struct kt_rep_state {
  kt_rep_phase phase;
  double window[KT_EX_MEDIAN]; int nwin, wpos;
  double last_valid_ms;
  double last_top_ms;
  kt_rep_stats stats;
  int raw_count;             /* reps completed, before minGrade */
  int count;                 /* reps counted (public) */
  double score_sum;
  double last_score;
  int last_progress;         /* -1 none sent */
} kt_rep_state;

/* ------------------------------------------------------------- hold timer */

typedef struct kt_hold_state {
  bool in_segment;
  double seg_start_ms, last_good_ms;
  double committed_ms;
  int count;                 /* whole seconds sent */
  double seg_score_sum; int seg_score_n;
  double score_sum; int score_n;
  int last_progress;
} kt_hold_state;

/* ------------------------------------------------------------------ jumps */

typedef enum { kt_jump_calibrating, kt_jump_idle, kt_jump_in_air, kt_jump_cooldown } kt_jump_phase;

typedef struct kt_jump_state {
  kt_jump_phase phase;
  /* calibration (jump_analysis) */
  int calib_n; double calib_sum, calib_min, calib_max, calib_body_sum;
  bool calibrated;
  double baseline_y, cm_per_px, body_px;
  /* air time: a dynamic ankle baseline */
  double ankle_base, leg_px; int base_n;
  double prev_ankle; bool has_prev;
  double last_ground_ms;
  /* the jump in progress */
  double start_ms, min_y, takeoff_ms, last_valid_ms, cooldown_until;
  int stable_frames; double land_ms;
  bool landing;
  int side_used;             /* 0 left, 1 right, 2 both */
  bool vis[2];
  double last_live_cm;
  double pitch_cos;          /* cos(|devicePitchDeg|, at most 80 degrees); set at creation */
  int njumps;
  kt_msg_jump_item* items;   /* KT_EX_MAX_JUMPS, allocated at creation */
} kt_jump_state;

/* ----------------------------------------------------------------- engine */

struct kt_exercise {
  kt_ex_def def;
  kt_exercise_config config; /* config.id: the canonical id */
  kt_frame frame;
  int best_side[KT_EX_MAX_METRICS];
  kt_placement_state placement;
  kt_rep_state rep;
  kt_hold_state hold;
  kt_jump_state jump;
  kt_cue_state cues;
  kt_msg_history* history;   /* reps, hold segments or jumps; KT_EX_MAX_HISTORY, allocated at creation */
  int nhistory;
  bool started, finished;
  double first_ms, last_ms;
};

kt_status kt_ex_rep_update(kt_exercise* ex, cJSON* list, int want_progression);
kt_status kt_ex_hold_update(kt_exercise* ex, cJSON* list, int want_progression);
void kt_ex_hold_close(kt_exercise* ex);
kt_status kt_ex_jump_update(kt_exercise* ex, cJSON* list);
void kt_ex_rep_reset(kt_exercise* ex);
/* Appends *h to the history unless it is full (KT_EX_MAX_HISTORY). */
void kt_ex_history_add(kt_exercise* ex, const kt_msg_history* h);
/* Sends progression `value` (>= 0) unless it equals *last (-1: none sent yet). */
kt_status kt_ex_send_progress(int* last, int value, double ts, cJSON* list);

#endif
