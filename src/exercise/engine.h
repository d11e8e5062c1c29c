/* engine.h — the data-driven exercise engine (internal).
 *
 * An exercise is a definition (exercises/<id>.json, embedded at build
 * time; format in exercises/README.md) compiled at creation into fixed
 * structures; a frame of keypoints then runs placement, the repetition
 * counter / hold timer / jump detector, the form score and the
 * recommendation cues, and appends the PoseTracker messages it produces
 * (CONTRACT section 4) to a cJSON array. Nothing is allocated per frame
 * except the cJSON messages themselves (the tracker builds those in its
 * arena). Single-threaded: one kt_exercise per session. */
#ifndef KT_EXERCISE_ENGINE_H
#define KT_EXERCISE_ENGINE_H

#include <stdbool.h>

#include "cJSON.h"
#include "kinetrack.h"

typedef struct kt_exercise kt_exercise;

typedef enum kt_difficulty {
  kt_difficulty_easy = 0,
  kt_difficulty_medium = 1, /* default; the query's `normal` */
  kt_difficulty_hard = 2,   /* the query's `pro` */
} kt_difficulty;

typedef struct kt_exercise_config {
  const char* id;           /* exercise id or alias (exercise=...); with definition_json, the movement's id */
  const char* definition_json; /* a custom movement's definition (userExercise; borrowed for the call);
                                  NULL: the catalogue's definition of `id` */
  kt_difficulty difficulty;
  char min_grade;           /* 0 = none, else 'A'..'D' (reps only; ignored for holds and jumps) */
  double user_height_cm;    /* userHeightCm; 0 = unset (required by calibrated jumps: jump_analysis) */
  double device_pitch_deg;  /* devicePitchDeg; 0 = level camera */
  double placement_padding; /* placement box inset per edge, fraction of the frame: 0.10 for the
                               camera page (reference 4.4); 0 = anywhere inside the frame (uploads) */
  const char* reference_json; /* reference=<uuid>: the signature (borrowed for the call); `id` is the
                                 uuid and definition_json is ignored */
  int scoring_profile;      /* reference movements: 0 default, 1 kali, 2 kali-analysis */
} kt_exercise_config;

/* Creates an engine. Errors (kt_last_error says which):
 *  - invalid_argument: NULL config/out, an unknown id, a bad min_grade, or
 *    jump_analysis without a user_height_cm > 0 (the host reports
 *    `jump_analysis_missing_height`; an unknown id is `invalid_exercise`);
 *  - unsupported: the id is in the catalogue but not implemented yet;
 *  - model_format: the definition is malformed: a build bug for the
 *    catalogue's, the operator's for a custom one (kt_last_error names
 *    the field at fault).
 * The caller destroys it with kt_exercise_destroy. */
kt_status kt_exercise_create(const kt_exercise_config* config, kt_exercise** out);
void kt_exercise_destroy(kt_exercise* ex);

/* Whether an exercise (a canonical id) needs user_height_cm: its
 * definition is a calibrated jump (jump_analysis). False for an unknown or
 * unimplemented id. */
bool kt_exercise_needs_height(const char* canonical);

/* The canonical id and kind (kt_exercise_kind) of an engine. */
const char* kt_exercise_id(const kt_exercise* ex);
int kt_exercise_kind_of(const kt_exercise* ex);

/* One frame. Keypoints are source-normalized (x, y in 0..1, y down);
 * width/height give the aspect (angles are measured in pixels).
 * Appends to `list` the messages this frame produces: posture (until
 * ready and when the state changes), counter, form_score, progression
 * (want_progression), recommendations (want_recommendations), jump_*.
 * Timestamps must not go backwards (invalid_argument). */
kt_status kt_exercise_update(kt_exercise* ex, const kt_keypoint kps[KT_NUM_KEYPOINTS], int32_t width,
                             int32_t height, double timestamp_ms, cJSON* list, int want_progression,
                             int want_recommendations);

/* End of media or session: appends counter{final:true} and
 * exercise_summary. Later updates are invalid_state. */
kt_status kt_exercise_finish(kt_exercise* ex, double timestamp_ms, cJSON* list);

#endif
