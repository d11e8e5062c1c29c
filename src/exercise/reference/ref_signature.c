/* ref_signature.c — the signature's statistics, its file and its parser. */
#include "exercise/reference/ref_signature.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const double kSeenShare = 0.6; /* seen in 60 % of the samples to be compared */
static const double kMaxValue = KT_REF_MAX_DIRECTION; /* |value| bound of a sane file (angles are 0..1) */

static kt_status fail(char* err, size_t len, kt_status s, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (err && len) vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return s;
}

double kt_ref_signature_period(const kt_ref_signature* s) { return s->duration_ms / (s->n - 1); }

kt_status kt_ref_signature_derive(kt_ref_signature* s, bool pick_moving, char* err, size_t err_len) {
  double widest[2] = {0, 0};
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    int seen = 0;
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    for (int k = 0; k < s->n; k++) {
      const double v = s->x[k][f];
      if (!isfinite(v)) continue;
      seen++, sum += v;
      lo = v < lo ? v : lo, hi = v > hi ? v : hi;
    }
    s->used[f] = seen >= kSeenShare * s->n && seen >= 2;
    s->lo[f] = s->used[f] ? (float)lo : NAN;
    s->hi[f] = s->used[f] ? (float)hi : NAN;
    s->mean[f] = s->used[f] ? (float)(sum / seen) : NAN;
    if (!s->used[f]) s->moving[f] = false;
    const int kind = kt_ref_feature_kind(f);
    if (s->used[f] && hi - lo > widest[kind]) widest[kind] = hi - lo;
  }
  int nmoving = 0;
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    if (pick_moving) {
      const kt_ref_feat_kind kind = kt_ref_feature_kind(f);
      s->moving[f] = s->used[f] && kt_ref_feature_moves(kind, s->hi[f] - s->lo[f], widest[kind]);
    }
    nmoving += s->moving[f];
  }
  if (nmoving == 0)
    return fail(err, err_len, kt_status_model_format,
                "nothing moves in the span: no joint angle changes by 15 degrees or more");
  return kt_status_ok;
}

/* ------------------------------------------------------------------ file */

cJSON* kt_ref_signature_json(const kt_ref_signature* s) {
  cJSON* o = cJSON_CreateObject();
  if (!o) return NULL;
  bool ok = cJSON_AddStringToObject(o, "format", KT_REF_FORMAT) && cJSON_AddNumberToObject(o, "version", KT_REF_VERSION) &&
            cJSON_AddStringToObject(o, "id", s->id) && cJSON_AddStringToObject(o, "name", s->name) &&
            cJSON_AddStringToObject(o, "model", s->model) && cJSON_AddNumberToObject(o, "durationMs", s->duration_ms);
  cJSON* src = ok ? cJSON_AddObjectToObject(o, "source") : NULL;
  ok = src && cJSON_AddNumberToObject(src, "startMs", s->start_ms) && cJSON_AddNumberToObject(src, "endMs", s->end_ms) &&
       cJSON_AddStringToObject(src, "span", s->auto_span ? "found" : "given");
  cJSON* feats = ok ? cJSON_AddArrayToObject(o, "features") : NULL;
  int cols[KT_REF_NFEAT], ncols = 0;
  for (int f = 0; ok && feats && f < KT_REF_NFEAT; f++) {
    if (!s->used[f]) continue;
    cols[ncols++] = f;
    cJSON* d = cJSON_CreateObject();
    ok = d && cJSON_AddItemToArray(feats, d) && cJSON_AddStringToObject(d, "name", kt_ref_feature_name(f)) &&
         cJSON_AddStringToObject(d, "kind", kt_ref_feature_kind(f) == kt_ref_feat_angle ? "angle" : "direction") &&
         cJSON_AddBoolToObject(d, "moving", s->moving[f]) && cJSON_AddNumberToObject(d, "min", s->lo[f]) &&
         cJSON_AddNumberToObject(d, "max", s->hi[f]) && cJSON_AddNumberToObject(d, "mean", s->mean[f]);
  }
  cJSON* rows = ok && feats ? cJSON_AddArrayToObject(o, "samples") : NULL;
  for (int k = 0; rows && ok && k < s->n; k++) {
    cJSON* r = cJSON_CreateArray();
    ok = r && cJSON_AddItemToArray(rows, r);
    for (int c = 0; ok && c < ncols; c++) {
      const float v = s->x[k][cols[c]];
      cJSON* n = isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
      ok = n && cJSON_AddItemToArray(r, n);
    }
  }
  if (!ok || !rows) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

/* ---------------------------------------------------------------- parser */

static bool id_ok(const char* id) {
  const size_t n = strlen(id);
  return n > 0 && n < 64 &&
         strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

static int feature_by_name(const char* name) {
  for (int f = 0; f < KT_REF_NFEAT; f++)
    if (strcmp(kt_ref_feature_name(f), name) == 0) return f;
  return -1;
}

static kt_status parse_root(const cJSON* o, kt_ref_signature* s, char* err, size_t len) {
  const kt_status bad = kt_status_model_format;
  if (!cJSON_IsObject(o)) return fail(err, len, bad, "a signature is a JSON object");
  const cJSON* fmt = cJSON_GetObjectItemCaseSensitive(o, "format");
  if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, KT_REF_FORMAT) != 0)
    return fail(err, len, bad, "format: expected \"%s\"", KT_REF_FORMAT);
  const cJSON* ver = cJSON_GetObjectItemCaseSensitive(o, "version");
  if (!cJSON_IsNumber(ver)) return fail(err, len, bad, "version: a number is required");
  if (ver->valuedouble != KT_REF_VERSION)
    return fail(err, len, kt_status_unsupported, "version: %g is not supported (this build reads version %d)",
                ver->valuedouble, KT_REF_VERSION);
  const cJSON* id = cJSON_GetObjectItemCaseSensitive(o, "id");
  if (!cJSON_IsString(id) || !id_ok(id->valuestring))
    return fail(err, len, bad, "id: 1-63 characters of A-Z a-z 0-9 - _");
  snprintf(s->id, sizeof(s->id), "%s", id->valuestring);
  const cJSON* name = cJSON_GetObjectItemCaseSensitive(o, "name");
  if (name && (!cJSON_IsString(name) || strlen(name->valuestring) >= sizeof(s->name)))
    return fail(err, len, bad, "name: a string of at most %d bytes", (int)sizeof(s->name) - 1);
  snprintf(s->name, sizeof(s->name), "%s", name ? name->valuestring : "");
  const cJSON* model = cJSON_GetObjectItemCaseSensitive(o, "model");
  if (model && (!cJSON_IsString(model) || strlen(model->valuestring) >= sizeof(s->model)))
    return fail(err, len, bad, "model: a string of at most %d bytes", (int)sizeof(s->model) - 1);
  snprintf(s->model, sizeof(s->model), "%s", model ? model->valuestring : "");
  const cJSON* dur = cJSON_GetObjectItemCaseSensitive(o, "durationMs");
  if (!cJSON_IsNumber(dur) || !(dur->valuedouble >= KT_REF_MIN_DURATION_MS && dur->valuedouble <= KT_REF_MAX_DURATION_MS))
    return fail(err, len, bad, "durationMs: a number in [%g, %g]", KT_REF_MIN_DURATION_MS, KT_REF_MAX_DURATION_MS);
  s->duration_ms = dur->valuedouble;
  const cJSON* src = cJSON_GetObjectItemCaseSensitive(o, "source");
  if (src) {
    const cJSON* a = cJSON_GetObjectItemCaseSensitive(src, "startMs");
    const cJSON* b = cJSON_GetObjectItemCaseSensitive(src, "endMs");
    if (!cJSON_IsObject(src) || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) || !isfinite(a->valuedouble) ||
        !isfinite(b->valuedouble))
      return fail(err, len, bad, "source: {startMs, endMs} numbers");
    s->start_ms = a->valuedouble, s->end_ms = b->valuedouble;
    const cJSON* span = cJSON_GetObjectItemCaseSensitive(src, "span");
    s->auto_span = cJSON_IsString(span) && strcmp(span->valuestring, "found") == 0;
  }
  const cJSON* feats = cJSON_GetObjectItemCaseSensitive(o, "features");
  const int ncols = cJSON_GetArraySize(feats);
  if (!cJSON_IsArray(feats) || ncols < 1 || ncols > KT_REF_NFEAT)
    return fail(err, len, bad, "features: an array of 1..%d features", KT_REF_NFEAT);
  int cols[KT_REF_NFEAT];
  bool seen[KT_REF_NFEAT] = {false};
  int c = 0;
  const cJSON* d;
  cJSON_ArrayForEach(d, feats) {
    const cJSON* fname = cJSON_GetObjectItemCaseSensitive(d, "name");
    const int f = cJSON_IsString(fname) ? feature_by_name(fname->valuestring) : -1;
    if (f < 0) return fail(err, len, bad, "features[%d].name: not a feature of version %d", c, KT_REF_VERSION);
    if (seen[f]) return fail(err, len, bad, "features[%d].name: '%s' twice", c, fname->valuestring);
    seen[f] = true;
    const cJSON* mv = cJSON_GetObjectItemCaseSensitive(d, "moving");
    if (!cJSON_IsBool(mv)) return fail(err, len, bad, "features[%d].moving: true or false", c);
    s->moving[f] = cJSON_IsTrue(mv);
    cols[c++] = f;
  }
  const cJSON* rows = cJSON_GetObjectItemCaseSensitive(o, "samples");
  const int n = cJSON_GetArraySize(rows);
  if (!cJSON_IsArray(rows) || n < KT_REF_MIN_SAMPLES || n > KT_REF_MAX_SAMPLES)
    return fail(err, len, bad, "samples: an array of %d..%d rows", KT_REF_MIN_SAMPLES, KT_REF_MAX_SAMPLES);
  s->n = n;
  for (int k = 0; k < n; k++)
    for (int f = 0; f < KT_REF_NFEAT; f++) s->x[k][f] = NAN;
  int k = 0;
  const cJSON* r;
  cJSON_ArrayForEach(r, rows) {
    if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != ncols)
      return fail(err, len, bad, "samples[%d]: an array of %d values (one per feature)", k, ncols);
    int j = 0;
    const cJSON* v;
    cJSON_ArrayForEach(v, r) {
      if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && fabs(v->valuedouble) <= kMaxValue)
        s->x[k][cols[j]] = (float)v->valuedouble;
      else if (!cJSON_IsNull(v))
        return fail(err, len, bad, "samples[%d][%d]: a number in [-%g, %g] or null", k, j, kMaxValue, kMaxValue);
      j++;
    }
    k++;
  }
  char why[160];
  if (kt_ref_signature_derive(s, false, why, sizeof(why)) != kt_status_ok)
    return fail(err, len, bad, "features: no moving feature is seen in enough samples (%s)", why);
  return kt_status_ok;
}

kt_status kt_ref_signature_parse(const char* json, kt_ref_signature* s, char* err, size_t err_len) {
  if (err && err_len) err[0] = '\0';
  if (!json || !s) return fail(err, err_len, kt_status_invalid_argument, "NULL signature");
  size_t n = 0;
  while (n <= KT_REF_MAX_JSON && json[n]) n++; /* bounded: never past the limit */
  if (n > KT_REF_MAX_JSON) return fail(err, err_len, kt_status_model_format, "a signature is at most 1 MiB");
  memset(s, 0, sizeof(*s));
  cJSON* root = cJSON_ParseWithLength(json, n);
  if (!root) return fail(err, err_len, kt_status_model_format, "not JSON");
  const kt_status st = parse_root(root, s, err, err_len);
  cJSON_Delete(root);
  return st;
}
