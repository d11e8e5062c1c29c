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
#include "exercise/rep_track.h"
#include "exercise/signal_filter.h"

#define KT_EX_MAX_METRICS 16
#define KT_EX_MAX_CONDS 8
#define KT_EX_MAX_CUES 16
#define KT_EX_MAX_REQUIRED 12
#define KT_EX_MAX_REQUIREMENTS 4
#define KT_EX_MAX_HISTORY 10000 /* the reference's counter range */
#define KT_EX_MAX_JUMPS 1000
#define KT_EX_NAME 32
#define KT_EX_TEXT 160
#define KT_EX_MAX_SIGNALS 4
#define KT_EX_MAX_TRACKS (2 * KT_EX_MAX_SIGNALS)
#define KT_EX_RING 2048 /* frames of metric values kept for the rep in progress (34 s at 60 fps) */

/* ------------------------------------------------------------ definition */

typedef enum {
  kt_metric_angle, kt_metric_incline, kt_metric_dy, kt_metric_dx, kt_metric_distance, kt_metric_tilt, kt_metric_lift
} kt_metric_type;
typedef enum { kt_sides_best, kt_sides_mean, kt_sides_min, kt_sides_max, kt_sides_left, kt_sides_right } kt_sides;

typedef struct kt_ex_metric {
  char name[KT_EX_NAME];
  kt_metric_type type;
  int npts;          /* 3 for angle, 1 for lift, 2 otherwise */
  int8_t pts[2][3];  /* keypoint ids per side (left, right) */
  int8_t ref[2][2];  /* dy/dx/distance: the segment whose length divides; ref[s][0] < 0: none (the frame's height,
                        width or diagonal) */
  bool sided;        /* generic names ("knee"): one value per side */
  bool ref_max;      /* dy/dx/distance "ref": "max": divided by its own largest value of the last seconds */
  bool absval;
  kt_sides sides;
} kt_ex_metric;

typedef struct kt_ex_cond {
  int metric;
  int side;          /* -1: the metric's combined value; 0: the side the pose is held on; 1: the other side */
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

/* Camera views. In a definition kt_view_any means "no preference"; as an
 * observation (kt_view_state) it means "not seen yet". */
typedef enum { kt_view_any = 0, kt_view_face, kt_view_oblique, kt_view_profile } kt_view;
#define KT_VIEW_BIT(v) (1u << (v))

typedef struct kt_ex_placement {
  int nreq;
  int8_t req[KT_EX_MAX_REQUIRED][2]; /* alternatives ("a||b"); [1] < 0 when none */
  int nrequirements;
  char requirements[KT_EX_MAX_REQUIREMENTS][KT_EX_NAME];
  kt_view view;
  int frames;        /* consecutive good frames before ready */
  double lost_ms;    /* after ready: required keypoints lost this long -> not ready */
} kt_ex_placement;

/* One way of measuring the rep: a metric, its textbook start (`rest`) and
 * end (`target`) values, and the views it is measured well in. */
typedef struct kt_ex_signal {
  int metric;
  double rest, target;           /* nominal progress q = (v - rest) / (target - rest) */
  unsigned views;                /* KT_VIEW_BIT per view; 0: every view */
  int ngate;                     /* conditions for this signal's frames, beside the rep's own */
  kt_ex_cond gate[KT_EX_MAX_CONDS];
} kt_ex_signal;

/* both: one track on the metric's combined value; the others: a track per
 * side (sided metrics), a rep of either side counts, the two sides' views
 * of one movement count once (side "both"). */
typedef enum { kt_rep_sides_both, kt_rep_sides_alternate, kt_rep_sides_together, kt_rep_sides_either } kt_rep_sides;

typedef struct kt_ex_rep_def {
  int nsignals;
  kt_ex_signal signals[KT_EX_MAX_SIGNALS];
  kt_rep_sides sides;
  kt_track_params track;         /* min_rom per difficulty, the rest shared (rep_track.h) */
  int ngate;
  kt_ex_cond gate[KT_EX_MAX_CONDS];
} kt_ex_rep_def;

typedef struct kt_ex_form_def {
  double w_peak, peak_worst, peak_best; int peak_metric; /* a value at the rep's peak, worst..best */
  double w_rom, rom_ideal;
  double w_sym, sym_tol; int sym_metric;
  double w_tempo, tempo_min_ms, tempo_max_ms;
  double w_stab, stab_tol; int stab_metric;
} kt_ex_form_def;

typedef struct kt_ex_hold_def {
  int ncond;
  kt_ex_cond cond[KT_EX_MAX_CONDS];
  double grace_ms;           /* a break shorter than this is part of the hold */
  double release;            /* a hold in progress ends only past its bounds by this share of their span */
  bool one_sided;            /* a condition names a side ("this", "other"): try both sides */
  double settle_ms;          /* a hold starts once the pose stayed this long within settle x each span (0: at once) */
  double settle;
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

/* A physical test's analysis of each rep (reference section 11): values
 * at the rep's peak, flags, the camera's height, an interpretation by
 * bands of one value, and a live reading. Data; analysis.c computes it. */
#define KT_EX_MAX_PEAKS 8
#define KT_EX_MAX_FLAGS 8
#define KT_EX_MAX_CONSTS 4
#define KT_EX_MAX_BANDS 4
#define KT_EX_LONG_TEXT 400

typedef struct kt_ex_band {
  double min;                /* the band holds values >= min (bands in decreasing order; the last: any) */
  char tone[16], title[64], text[KT_EX_LONG_TEXT];
} kt_ex_band;

typedef struct kt_ex_analysis_def {
  bool on;
  char method[KT_EX_LONG_TEXT], disclaimer[KT_EX_LONG_TEXT];
  int npeaks;
  char peak_name[KT_EX_MAX_PEAKS][KT_EX_NAME];
  int peak_metric[KT_EX_MAX_PEAKS];
  int nflags;
  char flag_name[KT_EX_MAX_FLAGS][KT_EX_NAME];
  kt_ex_cond flag[KT_EX_MAX_FLAGS];
  int nconsts;
  char const_name[KT_EX_MAX_CONSTS][KT_EX_NAME];
  double const_value[KT_EX_MAX_CONSTS];
  int camera_metric;         /* read at the rep's start; -1: no camera estimate */
  double camera_ground, camera_high, camera_neutral;
  int interp_metric;         /* read at the peak */
  int nbands;
  kt_ex_band band[KT_EX_MAX_BANDS];
  int reading_metric;        /* the live reach; -1: none */
} kt_ex_analysis_def;

typedef struct kt_ex_def {
  char id[KT_EX_NAME];
  int kind;                  /* kt_exercise_kind */
  double min_score;          /* keypoint confidence floor */
  double smooth_ms, fill_ms; /* every metric: median window, gaps filled (signal_filter.h) */
  int nmetrics;
  kt_ex_metric metrics[KT_EX_MAX_METRICS];
  kt_ex_placement placement;
  kt_ex_rep_def rep;
  kt_ex_form_def form;
  kt_ex_hold_def hold;
  kt_ex_jump_def jump;
  int ncues;
  kt_ex_cue cues[KT_EX_MAX_CUES];
  kt_ex_analysis_def analysis;
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
  int from;          /* the side v was read from (0 left, 1 right), 2 when it combines both */
  bool ok;
  bool side_ok[2];
} kt_metric_value;

typedef struct kt_frame {
  const kt_keypoint* kps;
  double w, h;       /* pixels */
  double ts;
  double floor;      /* keypoints scored under this are not used (kt_ex_confidence_floor) */
  kt_metric_value m[KT_EX_MAX_METRICS]; /* filtered (signal_filter.h) */
} kt_frame;

typedef struct kt_metric_state {
  int best_side[KT_EX_MAX_METRICS];          /* "best": the side chosen last (sticky) */
  kt_median_filter filt[KT_EX_MAX_METRICS][2];
  kt_peak_hold peak[KT_EX_MAX_METRICS][2];   /* "ref": "max"; lift: the lowest position */
  kt_median_filter ref_filt[KT_EX_MAX_METRICS][2]; /* lift: its ref's length */
} kt_metric_state;

/* Computes every metric of `def` for a frame: raw values per side, each
 * side filtered over time, then combined. */
void kt_ex_metrics_compute(const kt_ex_def* def, kt_frame* f, kt_metric_state* st);
/* The value a condition reads (the combined value, or a side's); false
 * when it is missing this frame. */
bool kt_ex_cond_value(const kt_ex_cond* c, const kt_frame* f, int side, double* out);
/* Whether the condition holds, its bounds widened by slack x its span
 * (0: exactly; holds in progress use their release margin). `side` is the
 * side a one-sided pose is held on (0 left, 1 right): a condition with a
 * relative side reads that side's value or the other's. */
bool kt_ex_cond_holds(const kt_ex_cond* c, const kt_frame* f, int side, double slack);
/* 0 at the ideal value, 1 at the threshold (clamped). */
double kt_ex_cond_deviation(const kt_ex_cond* c, const kt_frame* f, int side);

/* ------------------------------------------------------------- placement */

typedef struct kt_view_state {
  double ratio, t;           /* smoothed shoulder width / torso length, and when */
  bool has;
  int view;                  /* kt_view; kt_view_any until seen */
} kt_view_state;

/* Classifies the camera view of a frame (view.c). */
void kt_ex_view_update(kt_view_state* st, const kt_frame* f, double floor_score);

typedef struct kt_confidence_state {
  double level, t;           /* the smoothed 75th percentile of the scores, and when */
  bool has;
} kt_confidence_state;

/* The keypoint confidence floor for a frame: the definition's, lowered in
 * a dim video (view.c). */
double kt_ex_confidence_floor(kt_confidence_state* st, const kt_frame* f, double def_floor);

typedef struct kt_placement_state {
  bool ready;
  int good_frames;
  double last_seen_ms;       /* last frame with the required keypoints (after ready) */
  int last_msg;              /* the posture state last sent; -1 none */
} kt_placement_state;

/* Updates placement; appends a posture message when its state changes.
 * Guidance only: returns whether the user is placed (ready), which jumps
 * wait for; reps and holds count whenever their values are measurable.
 * A view that is not the definition's preferred one is a hint in the
 * ready message, never a block. */
bool kt_ex_placement_update(const kt_ex_def* def, kt_placement_state* st, const kt_frame* f, int view,
                            double padding, cJSON* list, kt_status* status);

/* --------------------------------------------------- the rep in progress */

/* The metric values of one frame, kept in a ring so that a rep, known only
 * when it ends, can be scored over the frames it spanned. */
typedef struct kt_ring_frame {
  double ts;
  float v[KT_EX_MAX_METRICS];
  float side[KT_EX_MAX_METRICS][2];
  uint16_t ok, side_ok[2];   /* bit per metric */
} kt_ring_frame;

typedef struct kt_ring {
  kt_ring_frame* frames;     /* KT_EX_RING, allocated at creation (rep kinds) */
  int n, head;
} kt_ring;

void kt_ex_ring_push(kt_ring* r, const kt_ex_def* def, const kt_frame* f);
/* The frames with start_ms <= ts <= end_ms, oldest first: calls fn for each. */
void kt_ex_ring_span(const kt_ring* r, double start_ms, double end_ms,
                     void (*fn)(const kt_ring_frame* fr, void* ctx), void* ctx);

/* A finished excursion, as the rep's subscribers see it. */
typedef struct kt_rep_event {
  bool half;                 /* an attempt too shallow to count */
  double start_ms, peak_ms, end_ms;
  double amplitude;          /* nominal units of its signal */
  int side;                  /* 0 left, 1 right, 2 both */
  double score;              /* written by the form-score subscriber */
} kt_rep_event;

/* --------------------------------------------------------------- analysis */

#define KT_EX_MAX_ANALYSES 200 /* counted reps of a physical test kept for the summary */

typedef struct kt_ex_analysis_rep {
  double peak[KT_EX_MAX_PEAKS];
  bool peak_ok[KT_EX_MAX_PEAKS];
  bool flag[KT_EX_MAX_FLAGS];
  int camera;                /* 0 ground, 1 mid, 2 high; -1 unknown */
  double camera_ratio;
  int band;                  /* the interpretation band; -1 none */
  double reach, reach_max, score;
} kt_ex_analysis_rep;

/* The analysis of a rep over its frames (analysis.c). */
void kt_ex_analysis_compute(const kt_exercise* ex, const kt_rep_event* e, kt_ex_analysis_rep* out);
/* The counter's `analysis` object, a new cJSON (NULL on OOM). */
cJSON* kt_ex_analysis_json(const kt_ex_def* def, const kt_ex_analysis_rep* r);
/* The `reading` object {reach, reach_max, score, grade} (NaN: null). */
cJSON* kt_ex_reading_json(double reach, double reach_max, double score);
/* The score the form's peak component gives this frame's value (NaN: none). */
double kt_ex_live_score(const kt_ex_def* def, const kt_frame* f);
/* Adds disclaimer, method and history[].analysis to an exercise_summary. */
kt_status kt_ex_analysis_summary(const kt_exercise* ex, cJSON* summary);

/* ------------------------------------------------------------- form score */

/* The score 0..100 of one rep over its frames (the formula is in
 * form_score.c and exercises/README.md). */
double kt_ex_form_score(const kt_ex_form_def* form, const kt_ring* ring, const kt_rep_event* e);
char kt_ex_grade(double score);

/* ------------------------------------------------------- recommendations */

typedef struct kt_cue_acc {
  int streak_true, streak_false; /* holds: debounce */
} kt_cue_acc;

typedef struct kt_cue_state {
  uint32_t active;           /* cues currently shown */
  uint32_t sent;             /* the set last sent (recommendations) */
  uint32_t ever;             /* every cue shown in the session (summary) */
  bool sent_once;
  kt_cue_acc acc[KT_EX_MAX_CUES];
} kt_cue_state;

/* A rep ended (counted or half): evaluates the rep cues over its frames. */
void kt_ex_cues_rep(const kt_ex_def* def, kt_cue_state* st, const kt_ring* ring, const kt_rep_event* e);
void kt_ex_cues_hold_frame(const kt_ex_def* def, kt_cue_state* st, const kt_frame* f);
/* Appends `recommendations` when the active set differs from the last sent. */
kt_status kt_ex_cues_emit(const kt_ex_def* def, kt_cue_state* st, double ts, cJSON* list);
/* The texts of every cue shown in the session, as a new cJSON array. */
cJSON* kt_ex_cues_summary(const kt_ex_def* def, const kt_cue_state* st);

/* ------------------------------------------------------------ rep counter */

typedef struct kt_rep_state {
  kt_rep_track track[KT_EX_MAX_TRACKS]; /* signal i: track 2i (its combined value or left side), 2i+1 (right) */
  double quality[KT_EX_MAX_SIGNALS];    /* how well each signal is measured lately (0..1) */
  double quality_t;
  bool quality_started;
  int active;                /* the signal reps are counted from */
  int prev_active;           /* the one before it, and when it handed over */
  double switched_ms;
  kt_rep_event last;         /* the last counted rep (merging the other side of one movement) */
  bool has_last, last_in_history;
  int raw_count;             /* reps completed, before minGrade */
  int count;                 /* reps counted (public) */
  double score_sum;
  double last_score;
  int last_progress;         /* -1 none sent */
  double reach_max;          /* analysis: the reading metric's best since the last rep; NaN none */
} kt_rep_state;

/* ------------------------------------------------------------- hold timer */

typedef struct kt_hold_state {
  bool in_segment;
  double seg_start_ms, last_good_ms;
  double seg_open_ms;        /* the frame the segment opened on (seg_start_ms may be earlier) */
  double committed_ms;
  int count;                 /* whole seconds sent */
  double seg_score_sum; int seg_score_n;
  double score_sum; int score_n;
  int last_progress;
  /* settling: per side and condition, the smoothed value and the value it
   * has stayed near since anchor_t */
  double smooth_v[2][KT_EX_MAX_CONDS], smooth_t[2][KT_EX_MAX_CONDS];
  int from[2][KT_EX_MAX_CONDS];  /* the side each condition's value was last read from */
  double anchor_v[2][KT_EX_MAX_CONDS], anchor_t[2][KT_EX_MAX_CONDS];
  bool anchored[2][KT_EX_MAX_CONDS];
  double met_since;          /* the start of the current run of frames meeting every condition,
                              * gaps up to grace_ms included; NaN: none */
  double last_met_ms;        /* the last frame meeting every condition */
  int seg_side;              /* one-sided holds: the side the segment is held on (0 left, 1 right) */
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

typedef struct kt_ex_kind kt_ex_kind; /* below */

struct kt_exercise {
  kt_ex_def def;
  const kt_ex_kind* kind;    /* the interface of def.kind */
  kt_exercise_config config; /* config.id: the canonical id */
  kt_frame frame;
  kt_metric_state metrics;
  kt_view_state view;
  kt_confidence_state confidence;
  kt_placement_state placement;
  kt_rep_state rep;
  kt_ring ring;
  kt_hold_state hold;
  kt_jump_state jump;
  kt_cue_state cues;
  kt_msg_history* history;   /* reps, hold segments or jumps; KT_EX_MAX_HISTORY, allocated at creation */
  int nhistory;
  kt_ex_analysis_rep* analyses; /* a physical test's counted reps; KT_EX_MAX_ANALYSES, allocated at creation */
  struct kt_ref_state* ref;  /* a reference movement (reference_kind.c); allocated at creation */
  int nanalyses;
  bool started, finished;
  double first_ms, last_ms;
};

/* ------------------------------------------------------- exercise kinds */

/* What a kind reports when the media ends. */
typedef struct kt_ex_result {
  int count;                 /* reps, whole seconds held, jumps */
  double avg;                /* avg_rep_score; NaN: null */
  char grade;                /* 0: null */
  bool has_form;             /* the final counter carries `form` */
  kt_msg_form form;
} kt_ex_result;

/* One interface per exercise kind (rep_counter.c, hold_timer.c, jump.c):
 * the engine runs placement and metrics, then hands every frame to its
 * kind. A new kind is a new table, not branches in the engine. */
struct kt_ex_kind {
  bool needs_placement;      /* frames go to update only while the user is placed */
  size_t ring_frames;        /* frames of metric values kept (rep_frames.c); 0: none */
  size_t items;              /* jump items allocated at creation; 0: none */
  kt_status (*update)(kt_exercise* ex, cJSON* list, int want_progression);
  void (*interrupt)(kt_exercise* ex);          /* the user left the placement box (needs_placement) */
  void (*result)(kt_exercise* ex, kt_ex_result* out); /* closes what is open; the final figures */
  /* Optional: end of media, before result: what was still waiting to be
   * counted is counted, with its messages. */
  kt_status (*flush)(kt_exercise* ex, double ts, cJSON* list);
  /* Optional: adds the kind's own fields to exercise_summary. */
  kt_status (*summary)(const kt_exercise* ex, cJSON* summary);
};

extern const kt_ex_kind kt_ex_kind_reps, kt_ex_kind_holds, kt_ex_kind_jumps, kt_ex_kind_reference;

/* A reference movement (reference_kind.c): parses the signature, fills
 * the definition (placement on the joints the signature moves) and the
 * kind's state. kt_status_model_format / unsupported with the reason in
 * `err` for a signature that cannot be read. */
kt_status kt_ex_reference_setup(kt_exercise* ex, const char* signature_json, int scoring_profile, char* err,
                                size_t err_len);
void kt_ex_reference_free(kt_exercise* ex);
/* Appends *h to the history unless it is full (KT_EX_MAX_HISTORY); says
 * whether it did. */
bool kt_ex_history_add(kt_exercise* ex, const kt_msg_history* h);
/* Sends progression `value` (>= 0) unless it equals *last (-1: none sent yet). */
kt_status kt_ex_send_progress(int* last, int value, double ts, cJSON* list);

#endif
