/* query.c — see query.h. The table below lists every parameter this build
 * reads; issue-by-issue, entries move from "not yet" to handled. */
#include "query/query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { param_bool, param_choice, param_not_yet, param_not_yet_if_true } param_kind;

typedef struct {
  const char* name;
  param_kind kind;
  const char* allowed; /* choices, '|'-separated */
} param_spec;

static const param_spec kParams[] = {
    {"source", param_choice, "video|image"},
    {"keypoints", param_bool, "true|false"},
    {"angles", param_bool, "true|false"},
    {"skeleton", param_bool, "true|false"},
    /* Features not built yet: present means an explicit error. */
    {"exercise", param_not_yet, ""},
    {"reference", param_not_yet, ""},
    {"reference_movement", param_not_yet, ""},
    {"userExercise", param_not_yet, ""},
    {"minGrade", param_not_yet, ""},
    {"blazepose", param_not_yet_if_true, "true|false"},
    {"export", param_not_yet_if_true, "true|false"},
    {"progression", param_not_yet_if_true, "true|false"},
    {"recommendations", param_not_yet_if_true, "true|false"},
};

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

static kt_status fail(kt_query_error* e, const char* code, const char* param, const char* value,
                      const char* allowed, const char* message) {
  snprintf(e->code, sizeof(e->code), "%s", code);
  snprintf(e->param, sizeof(e->param), "%s", param);
  snprintf(e->value, sizeof(e->value), "%s", value);
  snprintf(e->allowed, sizeof(e->allowed), "%s", allowed);
  snprintf(e->message, sizeof(e->message), "%s", message);
  return kt_status_invalid_query;
}

static bool in_choices(const char* v, const char* choices) {
  size_t n = strlen(v);
  for (const char* p = choices; *p;) {
    const char* bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, v, n) == 0) return true;
    if (!bar) break;
    p = bar + 1;
  }
  return false;
}

static kt_status apply(kt_query* q, const param_spec* spec, const char* value, kt_query_error* e) {
  bool b = false;
  char msg[160];
  switch (spec->kind) {
    case param_bool:
      if (!parse_bool(value, &b)) {
        snprintf(msg, sizeof(msg), "Invalid value for %s: expected true or false", spec->name);
        return fail(e, "invalid_param", spec->name, value, spec->allowed, msg);
      }
      if (strcmp(spec->name, "keypoints") == 0) q->keypoints = b;
      if (strcmp(spec->name, "angles") == 0) q->angles = b;
      if (strcmp(spec->name, "skeleton") == 0) q->skeleton = b;
      return kt_status_ok;
    case param_choice:
      if (!in_choices(value, spec->allowed)) {
        snprintf(msg, sizeof(msg), "Invalid value for %s: expected one of %s", spec->name, spec->allowed);
        return fail(e, "invalid_param", spec->name, value, spec->allowed, msg);
      }
      if (strcmp(spec->name, "source") == 0) q->source = strcmp(value, "image") == 0 ? kt_source_image : kt_source_video;
      return kt_status_ok;
    case param_not_yet_if_true:
      if (!parse_bool(value, &b)) {
        snprintf(msg, sizeof(msg), "Invalid value for %s: expected true or false", spec->name);
        return fail(e, "invalid_param", spec->name, value, spec->allowed, msg);
      }
      if (!b) return kt_status_ok;
      /* fallthrough */
    case param_not_yet:
      snprintf(msg, sizeof(msg), "The parameter %s is not available in this kinetrack build yet", spec->name);
      return fail(e, "feature_not_available", spec->name, value, "", msg);
  }
  return kt_status_ok;
}

static bool parse_plan(const char* name, kt_plan* out) {
  static const char* const kPlans[] = {"free", "developer", "custom", "company", "enterprise"};
  if (!name) name = "developer";
  for (int i = 0; i < 5; i++)
    if (strcmp(name, kPlans[i]) == 0) {
      *out = (kt_plan)i;
      return true;
    }
  return false;
}

kt_status kt_query_parse(const char* query, const char* plan, kt_query* query_out, kt_query_error* error_out) {
  kt_query q = {.source = kt_source_video, .keypoints = false, .angles = false, .skeleton = true};
  kt_query_error e;
  memset(&e, 0, sizeof(e));
  if (!query_out || !error_out) return kt_status_invalid_argument;
  if (!parse_plan(plan, &q.plan)) return kt_status_invalid_argument;
  const char* p = query ? query : "";
  if (*p == '?') p++;
  while (*p) {
    const char* amp = strchr(p, '&');
    size_t len = amp ? (size_t)(amp - p) : strlen(p);
    const char* eq = memchr(p, '=', len);
    size_t klen = eq ? (size_t)(eq - p) : len;
    char key[64], value[512];
    bool ok = kt_query_decode(p, klen, key, sizeof(key));
    ok = kt_query_decode(eq ? eq + 1 : p + len, eq ? len - klen - 1 : 0, value, sizeof(value)) && ok;
    for (size_t i = 0; ok && i < sizeof(kParams) / sizeof(kParams[0]); i++) {
      if (strcmp(kParams[i].name, key) != 0) continue;
      kt_status s = apply(&q, &kParams[i], value, &e);
      if (s != kt_status_ok) {
        *error_out = e;
        return s;
      }
    }
    if (!ok && key[0]) {
      *error_out = e;
      return fail(error_out, "invalid_param", key, value, "", "Malformed percent-encoding in the query string");
    }
    p += len;
    if (*p == '&') p++;
  }
  /* Plan gate (CONTRACT §6): angles are a developer feature. Keypoints
   * without an exercise stream on every plan. */
  if (q.plan == kt_plan_free && q.angles) {
    fail(&e, "developer_features_not_allowed", "angles", "true", "",
         "You cannot use developer features. (visit: https://posetracker.gitbook.io/posetracker-api/tracking-endpoint)");
    *error_out = e;
    return kt_status_invalid_query;
  }
  *query_out = q;
  return kt_status_ok;
}
