/* query.h — the URL query string of the pages, parsed and validated in C
 * so pages, Node API and CLI agree (internal).
 *
 * Every parameter and alias of the PoseTracker reference (§2.1–2.6) is
 * read (the table is in query_params.c). Unknown parameters are ignored.
 * A known parameter with a bad value is `invalid_param` (details: param,
 * value, allowed); the reference's own codes and literal texts are used
 * where it names them (invalid_exercise, developer_features_not_allowed,
 * jump_analysis_missing_height, the exercise/reference exclusivity). A
 * parameter whose feature is not built yet is `feature_not_available`,
 * never a silent no-op. Values the pages put in the DOM (labels, classes,
 * styles, media URLs) are sanitized here, so the pages only ever receive
 * safe values. */
#ifndef KT_QUERY_QUERY_H
#define KT_QUERY_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "exercise/engine.h" /* kt_difficulty */
#include "kinetrack.h"

typedef enum kt_source { kt_source_video = 0, kt_source_image = 1 } kt_source;

typedef enum kt_plan {
  kt_plan_free = 0,
  kt_plan_developer,
  kt_plan_custom,
  kt_plan_company,
  kt_plan_enterprise,
} kt_plan;


#define KT_QUERY_TEXT 128
#define KT_QUERY_URL 2048

typedef struct kt_query {
  /* What runs. */
  kt_source source;
  bool keypoints, angles, skeleton, progression, recommendations;
  char exercise[40];       /* canonical exercise id, "" when none */
  char user_exercise[64];  /* userExercise: a custom movement's id ([A-Za-z0-9_-]), "" when none */
  char reference[64];      /* reference (reference_movement): a reference movement's uuid ([A-Za-z0-9_-]), "" when none */
  int scoring_profile;     /* reference scoring: 0 default, 1 kali, 2 kali-analysis (the default with a reference) */
  bool engine_v4;          /* engine=v4 */
  int exercise_kind;       /* see exercise/catalog.h; -1 when none */
  kt_difficulty difficulty;
  char min_grade;          /* 0 = none, else 'A'..'D' */
  double user_height_cm;   /* 0 = unset */
  double device_pitch_deg;
  kt_plan plan;
  bool has_token;          /* a token was given (verified by the host) */
  bool blazepose;          /* BlazePose instead of MoveNet */
  char mediapipe_model[8]; /* BlazePose's landmark model: "lite" (default), "full", "heavy" */
  /* Read by the pages (the DOM shell); already sanitized. */
  bool is_android, is_mobile, show_upload, run_in_worker;
  bool export_video;       /* export=true: the upload page encodes the overlay video */
  char pose_backend[8];    /* "webgl" (default) or "wasm" */
  int threads;             /* threads=1..4 for the page's engine; 0 = auto (README "Threads") */
  int width, height;       /* 0 = auto */
  int container_min_height, container_max_width, container_max_height; /* 0 = none */
  int upload_area_padding;
  char object_fit[16];
  char upload_button_position[16];
  char upload_label[KT_QUERY_TEXT];
  char loading_message[KT_QUERY_TEXT];
  char upload_button_class[KT_QUERY_TEXT];
  char container_class[KT_QUERY_TEXT];
  char upload_button_style[2 * KT_QUERY_TEXT];
  char video_src[KT_QUERY_URL];
  char image_src[KT_QUERY_URL];
} kt_query;

typedef struct kt_query_error {
  char code[40];      /* invalid_param, feature_not_available, ... */
  char message[192];
  char param[40];
  char value[96];     /* the offending value, truncated */
  char allowed[96];   /* e.g. "video|image"; empty when not a choice */
} kt_query_error;

/* Parses `query` (without '?', may be NULL or empty) for `plan` (a plan
 * name; NULL means "developer"). On kt_status_invalid_query, *error_out
 * says why and *query_out is untouched; kt_status_invalid_argument: the
 * plan name is unknown or an output is NULL. */
kt_status kt_query_parse(const char* query, const char* plan, kt_query* query_out,
                         kt_query_error* error_out);

/* Percent-decodes one component ('+' is a space) into `out` (cap bytes,
 * always NUL-terminated, truncated if needed). Returns false on a bad
 * escape, %00 included. */
bool kt_query_decode(const char* in, size_t len, char* out, size_t cap);

/* "free", "developer", ...; NULL out of range. */
const char* kt_plan_name(kt_plan plan);

/* The parsed query as a JSON object text with the canonical parameter
 * names, for the pages (malloc'd; free with kt_free). NULL on OOM. */
char* kt_query_to_json(const kt_query* query);

/* The `error` message (CONTRACT §4) for a rejected query, fatal, as a
 * malloc'd JSON object text (free with kt_free). */
kt_status kt_query_error_json(const kt_query_error* error, double timestamp_ms, char** json_out);

/* ------------------------------------------------------------ internal */

/* Sanitizers (query_sanitize.c). Each writes a NUL-terminated result of at
 * most cap-1 bytes. */
void kt_sanitize_text(const char* in, char* out, size_t cap);   /* drops control chars */
void kt_sanitize_classes(const char* in, char* out, size_t cap); /* keeps valid class names */
void kt_sanitize_style(const char* in, char* out, size_t cap);   /* keeps the safe CSS subset */
bool kt_media_url_allowed(const char* url);                      /* http(s), blob:, data:image|video */

#endif
