/* query.c — parsing and validating a query string against the parameter
 * table (query_params.c), then the rules that span parameters: at most one
 * of exercise/reference/userExercise, the exercise catalogue, the jump
 * height, the plan gate, and features not built yet. */
#include "query/query.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise/catalog.h"
#include "exercise/engine.h"
#include "query/query_params.h"

#define KT_DOCS_URL "https://posetracker.gitbook.io/posetracker-api/tracking-endpoint"
#define KT_DEV_FEATURES_TEXT "You cannot use developer features. (visit: " KT_DOCS_URL ")"
#define KT_COMBINE_TEXT "You cannot combine reference & exercise. Please check the documentation."
#define KT_JUMP_HEIGHT_TEXT "User height (userHeightCm) must be provided for jump_analysis exercise"

bool kt_query_decode(const char* in, size_t len, char* out, size_t cap) {
  size_t o = 0;
  bool ok = true;
  for (size_t i = 0; i < len; i++) {
    char c = in[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 < len && isxdigit((unsigned char)in[i + 1]) && isxdigit((unsigned char)in[i + 2])) {
        char hex[3] = {in[i + 1], in[i + 2], 0};
        c = (char)strtol(hex, NULL, 16);
        i += 2;
        /* %00 would end the C string early ("true%00x" reading as "true"). */
        if (c == '\0') {
          ok = false;
          c = '%';
        }
      } else {
        ok = false;
      }
    }
    if (o + 1 < cap) out[o++] = c;
  }
  if (cap) out[o < cap ? o : cap - 1] = '\0';
  return ok;
}

/* ------------------------------------------------------------ values */

static bool parse_bool(const char* v, bool* out) {
  if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "") == 0) {
    *out = true; /* "?keypoints" alone means true, as URL flags usually do */
    return true;
  }
  if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0) {
    *out = false;
    return true;
  }
  return false;
}

static bool parse_number(const char* v, double lo, double hi, bool integer, double* out) {
  char* end = NULL;
  if (!*v || isspace((unsigned char)*v)) return false;
  double x = strtod(v, &end);
  if (end == v || *end || !isfinite(x) || x < lo || x > hi) return false;
  if (integer && x != floor(x)) return false;
  *out = x;
  return true;
}

static bool ci_equal(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return false;
  return true;
}

/* The choice `v` matches (case-insensitively), canonical spelling in out. */
static bool parse_choice(const char* v, const char* choices, char* out, size_t cap) {
  size_t n = strlen(v);
  for (const char* p = choices; *p;) {
    const char* bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && ci_equal(p, v, n)) {
      snprintf(out, cap, "%.*s", (int)len, p);
      return true;
    }
    if (!bar) break;
    p = bar + 1;
  }
  return false;
}

static bool parse_color(const char* v) {
  size_t n = strlen(v);
  if (v[0] != '#' || !(n == 4 || n == 7 || n == 9)) return false;
  for (size_t i = 1; i < n; i++)
    if (!isxdigit((unsigned char)v[i])) return false;
  return true;
}

static bool parse_id(const char* v) {
  if (!*v) return false;
  for (const char* p = v; *p; p++)
    if (!(isalnum((unsigned char)*p) || strchr("-_.~=", *p))) return false;
  return true;
}

/* ------------------------------------------------------------- errors */

static kt_status fail(kt_query_error* e, const char* code, const char* param, const char* value,
                      const char* allowed, const char* message) {
  memset(e, 0, sizeof(*e));
  snprintf(e->code, sizeof(e->code), "%s", code);
  snprintf(e->param, sizeof(e->param), "%s", param);
  snprintf(e->value, sizeof(e->value), "%s", value);
  snprintf(e->allowed, sizeof(e->allowed), "%s", allowed);
  snprintf(e->message, sizeof(e->message), "%s", message);
  return kt_status_invalid_query;
}

static kt_status invalid(kt_query_error* e, const kt_param_spec* spec, const char* value) {
  char msg[192];
  snprintf(msg, sizeof(msg), "Invalid value for %s: expected %s", spec->name, spec->allowed);
  return fail(e, "invalid_param", spec->name, value, spec->allowed, msg);
}

/* ---------------------------------------------------------- the state */

typedef struct parse_state {
  kt_query q;
  bool has_exercise, has_reference, has_user_exercise;
  char exercise_raw[64];
  const kt_param_spec* not_yet;   /* first parameter whose feature is not built */
  char not_yet_value[96];
  bool blazepose;                 /* a developer feature, for the plan gate */
  bool min_grade_set;
} parse_state;

/* Copies at most cap-1 bytes: values longer than their field were already
 * rejected by type, so this only bounds the copy. */
static void set_text(char* dst, size_t cap, const char* v) {
  size_t n = strlen(v);
  if (n >= cap) n = cap - 1;
  memcpy(dst, v, n);
  dst[n] = '\0';
}

/* Validates `value` for `spec` and stores it. */
static kt_status apply(parse_state* st, const kt_param_spec* spec, const char* value, kt_query_error* e) {
  kt_query* q = &st->q;
  bool b = false;
  double x = 0;
  char choice[32] = "";
  switch (spec->type) { /* 1. the value is well-formed for its type */
    case kt_pt_bool:
      if (!parse_bool(value, &b)) return invalid(e, spec, value);
      break;
    case kt_pt_choice:
      if (!parse_choice(value, spec->allowed, choice, sizeof(choice))) return invalid(e, spec, value);
      break;
    case kt_pt_int:
    case kt_pt_number:
      if (!parse_number(value, spec->min, spec->max, spec->type == kt_pt_int, &x)) return invalid(e, spec, value);
      break;
    case kt_pt_timer:
      if (!parse_bool(value, &b) && !parse_number(value, spec->min, spec->max, true, &x)) return invalid(e, spec, value);
      break;
    case kt_pt_color:
      if (!parse_color(value)) return invalid(e, spec, value);
      break;
    case kt_pt_id:
      if (!parse_id(value)) return invalid(e, spec, value);
      break;
    case kt_pt_url:
      if (strlen(value) >= KT_QUERY_URL || !kt_media_url_allowed(value)) return invalid(e, spec, value);
      break;
    case kt_pt_text:
    case kt_pt_classes:
    case kt_pt_style: break; /* sanitized below, never rejected */
  }
  /* 2. features not built yet (the gate and exclusivity run first) */
  bool non_default = true;
  if (spec->status == kt_ps_not_yet_if_set_to_non_default) {
    if (spec->type == kt_pt_bool) non_default = b != (strcmp(spec->def, "true") == 0);
    else if (spec->type == kt_pt_choice) non_default = strcmp(choice, spec->def) != 0;
  }
  if (strcmp(spec->name, "blazepose") == 0) st->blazepose = b;
  if ((spec->status == kt_ps_not_yet || spec->status == kt_ps_not_yet_if_set_to_non_default) && non_default) {
    if (!st->not_yet) {
      st->not_yet = spec;
      set_text(st->not_yet_value, sizeof(st->not_yet_value), value);
    }
  }
  /* 3. store */
  switch (spec->field) {
    case kt_pf_none: break;
    case kt_pf_token: q->has_token = true; break;
    case kt_pf_is_android: q->is_android = b; break;
    case kt_pf_is_mobile: q->is_mobile = b; break;
    case kt_pf_width: q->width = (int)x; break;
    case kt_pf_height: q->height = (int)x; break;
    case kt_pf_exercise:
      st->has_exercise = true;
      set_text(st->exercise_raw, sizeof(st->exercise_raw), value);
      break;
    case kt_pf_reference:
      /* The uuid names a file on the operator's server, as userExercise. */
      if (strlen(value) >= sizeof(q->reference) || strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(value))
        return invalid(e, spec, value);
      st->has_reference = true;
      set_text(q->reference, sizeof(q->reference), value);
      break;
    case kt_pf_scoring_profile:
      q->scoring_profile = strcmp(choice, "default") == 0 ? 0 : strcmp(choice, "kali") == 0 ? 1 : 2;
      break;
    case kt_pf_user_exercise:
      /* The id names a file on the operator's server: letters, digits, - and _ only. */
      if (strlen(value) >= sizeof(q->user_exercise) || strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(value))
        return invalid(e, spec, value);
      st->has_user_exercise = true;
      set_text(q->user_exercise, sizeof(q->user_exercise), value);
      break;
    case kt_pf_engine: q->engine_v4 = strcmp(value, "v4") == 0; break;
    case kt_pf_skeleton:
      if (parse_bool(value, &b) || strcmp(value, "default") == 0) {
        q->skeleton = strcmp(value, "default") == 0 ? true : b;
      } else if (!st->not_yet) { /* a custom skeleton theme uuid */
        st->not_yet = spec;
        set_text(st->not_yet_value, sizeof(st->not_yet_value), value);
      }
      break;
    case kt_pf_keypoints: q->keypoints = b; break;
    case kt_pf_angles: q->angles = b; break;
    case kt_pf_progression: q->progression = b; break;
    case kt_pf_recommendations: q->recommendations = b; break;
    case kt_pf_min_grade:
      q->min_grade = (char)toupper((unsigned char)choice[0]);
      st->min_grade_set = true;
      break;
    case kt_pf_difficulty:
      q->difficulty = (strcmp(choice, "easy") == 0) ? kt_difficulty_easy
                      : (strcmp(choice, "hard") == 0 || strcmp(choice, "pro") == 0) ? kt_difficulty_hard
                                                                                     : kt_difficulty_medium;
      break;
    case kt_pf_user_height: q->user_height_cm = x; break;
    case kt_pf_device_pitch: q->device_pitch_deg = x; break;
    case kt_pf_pose_backend: set_text(q->pose_backend, sizeof(q->pose_backend), choice); break;
    case kt_pf_run_in_worker: q->run_in_worker = b; break;
    case kt_pf_threads: q->threads = strcmp(choice, "auto") == 0 ? 0 : atoi(choice); break;
    case kt_pf_source: q->source = strcmp(choice, "image") == 0 ? kt_source_image : kt_source_video; break;
    case kt_pf_video_src: set_text(q->video_src, sizeof(q->video_src), value); break;
    case kt_pf_image_src: set_text(q->image_src, sizeof(q->image_src), value); break;
    case kt_pf_show_upload: q->show_upload = b; break;
    case kt_pf_blazepose: q->blazepose = b; break;
    case kt_pf_export: q->export_video = b; break;
    case kt_pf_mediapipe_model: set_text(q->mediapipe_model, sizeof(q->mediapipe_model), choice); break;
    case kt_pf_container_min_height: q->container_min_height = (int)x; break;
    case kt_pf_container_max_width: q->container_max_width = (int)x; break;
    case kt_pf_container_max_height: q->container_max_height = (int)x; break;
    case kt_pf_object_fit: set_text(q->object_fit, sizeof(q->object_fit), choice); break;
    case kt_pf_upload_button_position: set_text(q->upload_button_position, sizeof(q->upload_button_position), choice); break;
    case kt_pf_upload_area_padding: q->upload_area_padding = (int)x; break;
    case kt_pf_upload_label: kt_sanitize_text(value, q->upload_label, sizeof(q->upload_label)); break;
    case kt_pf_loading_message: kt_sanitize_text(value, q->loading_message, sizeof(q->loading_message)); break;
    case kt_pf_upload_button_class: kt_sanitize_classes(value, q->upload_button_class, sizeof(q->upload_button_class)); break;
    case kt_pf_container_class: kt_sanitize_classes(value, q->container_class, sizeof(q->container_class)); break;
    case kt_pf_upload_button_style: kt_sanitize_style(value, q->upload_button_style, sizeof(q->upload_button_style)); break;
  }
  return kt_status_ok;
}

static const char* const kPlanNames[] = {"free", "developer", "custom", "company", "enterprise"};

const char* kt_plan_name(kt_plan plan) {
  return ((int)plan >= 0 && (int)plan < 5) ? kPlanNames[plan] : NULL;
}

static bool parse_plan(const char* name, kt_plan* out) {
  if (!name) name = "developer";
  for (int i = 0; i < 5; i++)
    if (strcmp(name, kPlanNames[i]) == 0) {
      *out = (kt_plan)i;
      return true;
    }
  return false;
}

static void defaults(kt_query* q) {
  memset(q, 0, sizeof(*q));
  q->source = kt_source_video;
  q->skeleton = true;
  q->exercise_kind = -1;
  q->difficulty = kt_difficulty_medium;
  q->show_upload = true;
  q->run_in_worker = true;
  q->container_min_height = 200;
  q->upload_area_padding = 12;
  snprintf(q->pose_backend, sizeof(q->pose_backend), "webgl");
  snprintf(q->mediapipe_model, sizeof(q->mediapipe_model), "lite");
  q->scoring_profile = 2; /* kali-analysis (reference §2.3) */
  snprintf(q->object_fit, sizeof(q->object_fit), "contain");
  snprintf(q->upload_button_position, sizeof(q->upload_button_position), "center");
}

/* The rules that span parameters, in the order a user should hear them. */
static kt_status check_rules(parse_state* st, kt_query_error* e) {
  kt_query* q = &st->q;
  if ((int)st->has_exercise + (int)st->has_reference + (int)st->has_user_exercise > 1)
    return fail(e, "invalid_param", st->has_reference ? "reference" : "userExercise", "", "", KT_COMBINE_TEXT);
  if (st->has_exercise) {
    const char* canonical = NULL;
    int implemented = 0, kind = -1;
    char msg[192];
    if (kt_exercise_lookup(st->exercise_raw, &canonical, &implemented, &kind) != kt_status_ok) {
      snprintf(msg, sizeof(msg), "Exercise '%s' is not available in V3 engine", st->exercise_raw);
      return fail(e, "invalid_exercise", "exercise", st->exercise_raw, "", msg);
    }
    if (!implemented) {
      snprintf(msg, sizeof(msg), "Exercise '%s' is not available in this kinetrack build yet", canonical);
      return fail(e, "invalid_exercise", "exercise", st->exercise_raw, "", msg);
    }
    if (q->engine_v4 && !kt_exercise_in_v4(canonical)) {
      snprintf(msg, sizeof(msg), "Exercise '%s' is not available in V4 engine", st->exercise_raw);
      return fail(e, "invalid_exercise", "exercise", st->exercise_raw, "", msg);
    }
    snprintf(q->exercise, sizeof(q->exercise), "%s", canonical);
    q->exercise_kind = kind;
    if (q->user_height_cm <= 0 && kt_exercise_needs_height(canonical))
      return fail(e, "jump_analysis_missing_height", "userHeightCm", "", "", KT_JUMP_HEIGHT_TEXT);
  }
  if (q->plan == kt_plan_free) {
    /* Developer features (reference §12); keypoints stream on every plan
     * when no exercise runs. */
    char features[40] = "";
    const struct { bool on; const char* name; } gated[] = {
        {q->keypoints && st->has_exercise, "keypoints"}, {q->angles, "angles"}, {st->blazepose, "blazepose"},
        {q->recommendations, "recommendations"}, {q->progression, "progression"}, {q->export_video, "export"},
    };
    for (size_t i = 0; i < sizeof(gated) / sizeof(gated[0]); i++) {
      if (!gated[i].on) continue;
      size_t used = strlen(features);
      snprintf(features + used, sizeof(features) - used, "%s%s", used ? "," : "", gated[i].name);
    }
    if (features[0]) return fail(e, "developer_features_not_allowed", features, "true", "", KT_DEV_FEATURES_TEXT);
  }
  if (st->not_yet) {
    char msg[192];
    snprintf(msg, sizeof(msg), "The parameter %s is not available in this kinetrack build yet", st->not_yet->name);
    return fail(e, "feature_not_available", st->not_yet->name, st->not_yet_value, "", msg);
  }
  return kt_status_ok;
}

kt_status kt_query_parse(const char* query, const char* plan, kt_query* query_out, kt_query_error* error_out) {
  if (!query_out || !error_out) return kt_status_invalid_argument;
  parse_state st; /* ~5 KB */
  memset(&st, 0, sizeof(st));
  defaults(&st.q);
  if (!parse_plan(plan, &st.q.plan)) return kt_status_invalid_argument;
  const char* p = query ? query : "";
  if (*p == '?') p++;
  char value[KT_QUERY_URL + 64];
  while (*p) {
    const char* amp = strchr(p, '&');
    size_t len = amp ? (size_t)(amp - p) : strlen(p);
    const char* eq = memchr(p, '=', len);
    size_t klen = eq ? (size_t)(eq - p) : len;
    char key[64];
    bool ok = kt_query_decode(p, klen, key, sizeof(key));
    size_t vlen = eq ? len - klen - 1 : 0;
    ok = kt_query_decode(eq ? eq + 1 : p + len, vlen, value, sizeof(value)) && ok;
    const kt_param_spec* spec = key[0] ? kt_query_param_find(key) : NULL;
    if (!ok && key[0]) { /* strict for every key: a broken URL is a broken URL */
      kt_query_error e;
      fail(&e, "invalid_param", spec ? spec->name : key, value, spec ? spec->allowed : "",
           "Malformed percent-encoding in the query string");
      *error_out = e;
      return kt_status_invalid_query;
    }
    if (spec) {
      kt_query_error e;
      if (vlen >= sizeof(value) - 1) { /* too long to be any valid value */
        invalid(&e, spec, "(too long)");
        *error_out = e;
        return kt_status_invalid_query;
      }
      if (apply(&st, spec, value, &e) != kt_status_ok) {
        *error_out = e;
        return kt_status_invalid_query;
      }
    }
    p += len;
    if (*p == '&') p++;
  }
  kt_query_error e;
  if (check_rules(&st, &e) != kt_status_ok) {
    *error_out = e;
    return kt_status_invalid_query;
  }
  *query_out = st.q;
  return kt_status_ok;
}
