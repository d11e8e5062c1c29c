/* query_params.h — the table of every query parameter (internal). */
#ifndef KT_QUERY_PARAMS_H
#define KT_QUERY_PARAMS_H

#include "query/query.h"

typedef enum kt_param_type {
  kt_pt_bool,       /* true|false|1|0, a bare flag is true */
  kt_pt_choice,     /* one of `allowed` ('|'-separated), case-insensitive */
  kt_pt_int,        /* integer in [min, max] */
  kt_pt_number,     /* number in [min, max] */
  kt_pt_text,       /* free text, sanitized */
  kt_pt_classes,    /* class names, sanitized */
  kt_pt_style,      /* CSS declarations, sanitized */
  kt_pt_url,        /* media URL: http(s), blob:, data:image|video */
  kt_pt_color,      /* #rgb, #rrggbb, #rrggbbaa */
  kt_pt_id,         /* an opaque id: token, uuid (URL-safe characters) */
  kt_pt_timer,      /* true | seconds */
} kt_param_type;

typedef enum kt_param_status {
  kt_ps_supported,  /* does what the reference says, here and in the pages */
  kt_ps_page,       /* read by the pages' DOM shell; validated here; no effect headless */
  kt_ps_not_yet,    /* any value: feature_not_available */
  kt_ps_not_yet_if_set_to_non_default, /* feature_not_available unless the default */
} kt_param_status;

/* Which kt_query field a parameter sets. */
typedef enum kt_param_field {
  kt_pf_none = 0, kt_pf_token, kt_pf_is_android, kt_pf_is_mobile, kt_pf_width, kt_pf_height,
  kt_pf_exercise, kt_pf_reference, kt_pf_user_exercise, kt_pf_skeleton, kt_pf_keypoints,
  kt_pf_angles, kt_pf_progression, kt_pf_recommendations, kt_pf_min_grade, kt_pf_difficulty,
  kt_pf_user_height, kt_pf_device_pitch, kt_pf_pose_backend, kt_pf_run_in_worker, kt_pf_source,
  kt_pf_video_src, kt_pf_image_src, kt_pf_show_upload, kt_pf_container_min_height,
  kt_pf_container_max_width, kt_pf_container_max_height, kt_pf_object_fit,
  kt_pf_upload_button_position, kt_pf_upload_area_padding, kt_pf_upload_label,
  kt_pf_upload_button_class, kt_pf_upload_button_style, kt_pf_container_class,
  kt_pf_loading_message, kt_pf_engine, kt_pf_scoring_profile, kt_pf_blazepose, kt_pf_mediapipe_model, kt_pf_export,
  kt_pf_threads,
} kt_param_field;

typedef struct kt_param_spec {
  const char* name;
  const char* alias;     /* NULL when none */
  kt_param_type type;
  kt_param_status status;
  const char* allowed;   /* choices, or a human description for errors */
  double min, max;       /* numbers */
  const char* def;       /* default value text (documentation and not_yet rule) */
  kt_param_field field;
} kt_param_spec;

extern const kt_param_spec kt_query_params[];
extern const size_t kt_query_param_count;

/* The spec for a name or alias; NULL when unknown. */
const kt_param_spec* kt_query_param_find(const char* name);

#endif
