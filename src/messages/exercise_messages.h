/* exercise_messages.h — builders for the exercise messages of CONTRACT
 * section 4 (posture, counter, form_score, progression, recommendations,
 * exercise_summary, jump_*) (internal). Same conventions as messages.h:
 * each appends one object to `list` and returns kt_status_out_of_memory
 * when cJSON cannot allocate; numbers go through kt_msg_round. */
#ifndef KT_MESSAGES_EXERCISE_MESSAGES_H
#define KT_MESSAGES_EXERCISE_MESSAGES_H

#include <stdbool.h>

#include "cJSON.h"
#include "kinetrack.h"

/* {message, placementMessage, direction, postureDirection, ready,
 *  requirements: [..], missingKeypoints: [names]}. */
kt_status kt_msg_posture(cJSON* list, double timestamp_ms, const char* message, const char* direction, bool ready,
                         const char* const* requirements, int nrequirements, const int* missing, int nmissing);

/* A rep's grade object {score, avg_score, grade}. */
typedef struct kt_msg_form {
  double score, avg_score;
  char grade; /* 'A'..'F' */
} kt_msg_form;

/* {current_count, form_score?, final?}: `form` NULL leaves form_score out;
 * `final` adds final:true. */
kt_status kt_msg_counter(cJSON* list, double timestamp_ms, int count, const kt_msg_form* form, bool final);
kt_status kt_msg_form_score(cJSON* list, double timestamp_ms, const kt_msg_form* form);
kt_status kt_msg_progression(cJSON* list, double timestamp_ms, int value);
kt_status kt_msg_recommendations(cJSON* list, double timestamp_ms, const char* const* texts, int ntexts);

typedef struct kt_msg_history {
  int index;
  double score;       /* NaN: null (jumps) */
  char grade;         /* 0: null */
  double start_ms, end_ms;
  double jump_height_cm; /* NaN: left out */
  double peak_ms;        /* reps: the deepest moment (peakMs); NaN: left out */
  const char* side;      /* reps: "left", "right" or "both"; NULL: left out */
  bool has_reference;    /* reference movements: referenceScore (overallScore, 0..1) */
  double reference_score;
} kt_msg_history;

/* {exercise, counter, avg_rep_score, grade, durationMs, history, recommendations}.
 * avg_rep_score NaN and grade 0 are null. `recommendations` (an array) is
 * adopted; NULL gives []. */
kt_status kt_msg_exercise_summary(cJSON* list, double timestamp_ms, const char* exercise, int counter,
                                  double avg_rep_score, char grade, double duration_ms,
                                  const kt_msg_history* history, int nhistory, cJSON* recommendations);

/* Jumps (reference 4.15). visible_hips: {left, right}. */
kt_status kt_msg_jump_calibration(cJSON* list, double timestamp_ms, double cm_per_pixel, double baseline_y,
                                  const bool visible_hips[2]);
kt_status kt_msg_jump_started(cJSON* list, double timestamp_ms);

typedef struct kt_msg_jump {
  int jump_number;          /* jump_result only */
  double height_cm;
  double baseline_y, min_y, delta_pixels; /* NaN: left out */
  double air_time_ms;       /* NaN: left out (airTimeMs and airTimeSeconds) */
  const char* side_used;    /* NULL: left out */
  bool visible_hips[2];
} kt_msg_jump;

/* {jumpHeightCm, baselineY?, minY?, measuring, landed, final?, deltaPixels?,
 *  sideUsed?, airTimeMs?, airTimeSeconds?, visibleHips}. */
kt_status kt_msg_jump_height(cJSON* list, double timestamp_ms, const kt_msg_jump* j, bool measuring, bool landed,
                             bool final);
kt_status kt_msg_jump_discarded(cJSON* list, double timestamp_ms, const char* reason, const char* user_message);
kt_status kt_msg_jump_result(cJSON* list, double timestamp_ms, const kt_msg_jump* j);

typedef struct kt_msg_jump_item {
  double height_cm, air_time_ms; /* air_time_ms NaN: left out */
} kt_msg_jump_item;

/* {totalJumps, avgJumpHeight, maxJumpHeight, minJumpHeight,
 *  avgAirTimeSeconds?, jumps:[{jumpNumber, jumpHeightCm, airTimeMs?, airTimeSeconds?}]}. */
kt_status kt_msg_jump_summary(cJSON* list, double timestamp_ms, const kt_msg_jump_item* jumps, int njumps,
                              bool with_air_time);

#endif
