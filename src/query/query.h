/* query.h — the URL query string of the pages, parsed and validated in C
 * so pages, Node API and CLI agree (internal).
 *
 * Unknown parameters are ignored; a known parameter with a bad value is an
 * error (`invalid_param` with param/value/allowed); a parameter whose
 * feature is not built yet is `feature_not_available`, never a silent
 * no-op. */
#ifndef KT_QUERY_QUERY_H
#define KT_QUERY_QUERY_H

#include <stdbool.h>

#include "kinetrack.h"

typedef enum kt_source { kt_source_video = 0, kt_source_image = 1 } kt_source;

typedef enum kt_plan {
  kt_plan_free = 0,
  kt_plan_developer,
  kt_plan_custom,
  kt_plan_company,
  kt_plan_enterprise,
} kt_plan;

typedef struct kt_query {
  kt_source source;
  bool keypoints; /* keypoints=true */
  bool angles;
  bool skeleton;
  kt_plan plan;
} kt_query;

typedef struct kt_query_error {
  char code[40];      /* invalid_param, feature_not_available, ... */
  char message[160];
  char param[40];
  char value[96];     /* the offending value, truncated */
  char allowed[96];   /* e.g. "video|image"; empty when not a choice */
} kt_query_error;

/* Parses `query` (without '?', may be NULL or empty) for `plan` (a plan
 * name; NULL means "developer"). On kt_status_invalid_query, *error_out
 * says why; on kt_status_invalid_argument the plan name is unknown. */
kt_status kt_query_parse(const char* query, const char* plan, kt_query* query_out,
                         kt_query_error* error_out);

/* Percent-decodes one component ('+' is a space) into `out` (cap bytes,
 * always NUL-terminated, truncated if needed). Returns false on a bad
 * escape. */
bool kt_query_decode(const char* in, size_t len, char* out, size_t cap);

#endif
