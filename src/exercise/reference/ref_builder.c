/* ref_builder.c — a signature from a video's poses (kt_reference_builder
 * in kinetrack.h). The poses go through the same features, confidence
 * floor and body scale as the live matcher, so a reference and the
 * repetitions matched against it are measured alike.
 *
 * Without a span, the clearest repetition is found: the main axis of the
 * movement (the first principal component of the moving features) gives
 * one activity signal; rest is where it stands still in the first second,
 * or else the value it dwells at most, and the
 * activity is the distance from rest; a repetition leaves rest (under 20 %
 * of the activity's range), passes 60 %, and returns, from the turning
 * point before to the one after. Of three or more, the one
 * closest (DTW) to the others is the most typical and is chosen; of one
 * or two, the widest. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "exercise/engine_internal.h"
#include "exercise/reference/ref_signature.h"

struct kt_reference_builder {
  float (*x)[KT_REF_NFEAT];
  double* t;
  size_t n, cap;
  kt_confidence_state conf;
  kt_peak_hold torso;
  double scale;
};

kt_status kt_reference_builder_create(kt_reference_builder** out) {
  if (!out) return kt_fail(kt_status_invalid_argument, "NULL output");
  kt_reference_builder* b = calloc(1, sizeof(*b));
  if (!b) return kt_status_out_of_memory;
  b->scale = NAN;
  *out = b;
  return kt_status_ok;
}

void kt_reference_builder_destroy(kt_reference_builder* b) {
  if (!b) return;
  free(b->x);
  free(b->t);
  free(b);
}

kt_status kt_reference_builder_add(kt_reference_builder* b, const kt_keypoint kps[KT_NUM_KEYPOINTS], int32_t width,
                                   int32_t height, double timestamp_ms) {
  if (!b || !kps || width < 1 || height < 1 || !isfinite(timestamp_ms))
    return kt_fail(kt_status_invalid_argument, "bad reference frame");
  if (b->n && timestamp_ms <= b->t[b->n - 1]) return kt_fail(kt_status_invalid_argument, "timestamps must increase");
  if (b->n == b->cap) { /* grows geometrically: a video's poses, once */
    const size_t cap = b->cap ? 2 * b->cap : 256;
    float(*x)[KT_REF_NFEAT] = realloc(b->x, cap * sizeof(*x));
    if (!x) return kt_status_out_of_memory;
    b->x = x;
    double* t = realloc(b->t, cap * sizeof(*t));
    if (!t) return kt_status_out_of_memory;
    b->t = t;
    b->cap = cap;
  }
  kt_frame f = {.kps = kps, .w = width, .h = height, .ts = timestamp_ms};
  const double floor = kt_ex_confidence_floor(&b->conf, &f, 0.3);
  const double torso = kt_ref_torso_px(kps, width, height, floor);
  if (isfinite(torso)) b->scale = kt_peak_hold_push(&b->torso, timestamp_ms, torso);
  kt_ref_features(kps, width, height, floor, b->scale, b->x[b->n]);
  b->t[b->n++] = timestamp_ms;
  return kt_status_ok;
}

/* The poses at time t: linear between the frames around it (the nearer
 * one for a feature seen in only one). */
static void sample_at(const kt_reference_builder* b, double t, float out[KT_REF_NFEAT]) {
  size_t lo = 0, hi = b->n - 1;
  if (t <= b->t[0]) hi = 0;
  else if (t >= b->t[hi]) lo = hi;
  else {
    while (hi - lo > 1) {
      const size_t mid = (lo + hi) / 2;
      if (b->t[mid] <= t) lo = mid;
      else hi = mid;
    }
  }
  const double span = b->t[hi] - b->t[lo];
  const double a = span > 0 ? (t - b->t[lo]) / span : 0;
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    const float p = b->x[lo][f], q = b->x[hi][f];
    if (isfinite(p) && isfinite(q)) out[f] = (float)(p + (q - p) * a);
    else out[f] = a < 0.5 ? (isfinite(p) ? p : q) : (isfinite(q) ? q : p);
  }
}

/* ------------------------------------------------------------ the span */

static int cmp_float(const void* a, const void* b) {
  const float x = *(const float*)a, y = *(const float*)b;
  return (x > y) - (x < y);
}

static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* Resampled to the signature rate: T samples from b->t[0]. */
typedef struct {
  int T, nf;
  int feat[KT_REF_NFEAT];
  float (*x)[KT_REF_NFEAT];
  double* s;                 /* the activity signal, 0 = rest .. 1 */
  float range[KT_REF_NFEAT]; /* each feature's range over the video (5th to 95th percentile) */
} series;

/* The mean difference of two spans of the video over the moving
 * features (each in units of its range), along their best alignment
 * (DTW, symmetric steps): how alike two repetitions are. */
static double span_dtw(const series* S, int a0, int a1, int b0, int b1) {
  const int n = a1 - a0 + 1, m = b1 - b0 + 1;
  double* prev = malloc(sizeof(double) * (size_t)m);
  double* cur = malloc(sizeof(double) * (size_t)m);
  if (!prev || !cur) {
    free(prev), free(cur);
    return INFINITY;
  }
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < m; j++) {
      double c = 0;
      int nc = 0;
      for (int q = 0; q < S->nf; q++) {
        const int f = S->feat[q];
        const float x = S->x[a0 + i][f], y = S->x[b0 + j][f];
        if (isfinite(x) && isfinite(y)) c += fabs(x - y) / S->range[f], nc++;
      }
      c = nc ? c / nc : 1.0;
      double best = i == 0 && j == 0 ? 2 * c : INFINITY;
      if (i > 0 && j > 0) best = fmin(best, prev[j - 1] + 2 * c);
      if (i > 0) best = fmin(best, prev[j] + c);
      if (j > 0) best = fmin(best, cur[j - 1] + c);
      cur[j] = best;
    }
    memcpy(prev, cur, sizeof(double) * (size_t)m);
  }
  const double d = prev[m - 1] / (n + m);
  free(prev), free(cur);
  return d;
}

/* The activity signal: each moving feature centred and scaled by its
 * range, projected on their first principal component (power iteration),
 * smoothed, scaled to 0..1 with rest at 0. */
static kt_status activity(series* S, char* err, size_t len) {
  float range[KT_REF_NFEAT], mid[KT_REF_NFEAT], widest[2] = {0, 0};
  float* tmp = malloc(sizeof(float) * (size_t)S->T);
  if (!tmp) return kt_status_out_of_memory;
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    int n = 0;
    for (int k = 0; k < S->T; k++)
      if (isfinite(S->x[k][f])) tmp[n++] = S->x[k][f];
    range[f] = 0, mid[f] = 0;
    if (n < 0.6 * S->T || n < 4) continue;
    qsort(tmp, (size_t)n, sizeof(float), cmp_float);
    range[f] = tmp[(n * 95) / 100] - tmp[(n * 5) / 100];
    mid[f] = tmp[n / 2];
    const int kind = kt_ref_feature_kind(f);
    if (range[f] > widest[kind]) widest[kind] = range[f];
  }
  free(tmp);
  S->nf = 0;
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    const int kind = kt_ref_feature_kind(f);
    if (kt_ref_feature_moves(kind, range[f], widest[kind])) S->feat[S->nf++] = f;
    S->range[f] = range[f];
  }
  if (S->nf == 0) {
    snprintf(err, len, "nothing moves in the video: no joint angle changes by 15 degrees or more");
    return kt_status_model_format;
  }
  double v[KT_REF_NFEAT], w[KT_REF_NFEAT];
  for (int i = 0; i < S->nf; i++) v[i] = 1.0 / sqrt(S->nf);
  for (int it = 0; it < 50; it++) {
    for (int i = 0; i < S->nf; i++) w[i] = 0;
    for (int k = 0; k < S->T; k++) {
      double z[KT_REF_NFEAT], p = 0;
      for (int i = 0; i < S->nf; i++) {
        const int f = S->feat[i];
        z[i] = isfinite(S->x[k][f]) ? (S->x[k][f] - mid[f]) / range[f] : 0;
        p += z[i] * v[i];
      }
      for (int i = 0; i < S->nf; i++) w[i] += p * z[i];
    }
    double norm = 0;
    for (int i = 0; i < S->nf; i++) norm += w[i] * w[i];
    norm = sqrt(norm);
    if (!(norm > 0)) break;
    for (int i = 0; i < S->nf; i++) v[i] = w[i] / norm;
  }
  double* raw = malloc(sizeof(double) * (size_t)S->T);
  if (!raw) return kt_status_out_of_memory;
  for (int k = 0; k < S->T; k++) {
    double p = 0;
    for (int i = 0; i < S->nf; i++) {
      const int f = S->feat[i];
      p += (isfinite(S->x[k][f]) ? (S->x[k][f] - mid[f]) / range[f] : 0) * v[i];
    }
    raw[k] = p;
  }
  /* a 5-sample (250 ms) running median against glitches */
  for (int k = 0; k < S->T; k++) {
    double win[5];
    int n = 0;
    for (int d = -2; d <= 2; d++)
      if (k + d >= 0 && k + d < S->T) win[n++] = raw[k + d];
    for (int i = 1; i < n; i++)
      for (int j = i; j > 0 && win[j - 1] > win[j]; j--) {
        const double t = win[j]; win[j] = win[j - 1]; win[j - 1] = t;
      }
    S->s[k] = win[n / 2];
  }
  free(raw);
  double lo = INFINITY, hi = -INFINITY;
  for (int k = 0; k < S->T; k++) lo = fmin(lo, S->s[k]), hi = fmax(hi, S->s[k]);
  if (!(hi - lo > 1e-9)) {
    snprintf(err, len, "no repetition found: the movement does not change");
    return kt_status_model_format;
  }
  /* Rest is the value the signal dwells at most (a histogram's peak):
   * the top of a squat, or the middle when arms alternate; the activity is
   * the distance from it, scaled to 0..1 by its 98th percentile. */
  enum { kBins = 20 };
  int hist[kBins] = {0};
  for (int k = 0; k < S->T; k++) {
    S->s[k] = (S->s[k] - lo) / (hi - lo);
    int bin = (int)(S->s[k] * kBins);
    hist[bin >= kBins ? kBins - 1 : bin]++;
  }
  int peak = 0;
  double best = -1;
  for (int i = 0; i < kBins; i++) {
    const double h = hist[i] + 0.5 * ((i > 0 ? hist[i - 1] : 0) + (i + 1 < kBins ? hist[i + 1] : 0));
    if (h > best) best = h, peak = i;
  }
  double rest = (peak + 0.5) / kBins;
  /* A video that opens still opens at rest: people stand before they start. */
  const int opening = S->T < (int)KT_REF_HZ ? S->T : (int)KT_REF_HZ;
  double olo = INFINITY, ohi = -INFINITY, osum = 0;
  for (int k = 0; k < opening; k++) olo = fmin(olo, S->s[k]), ohi = fmax(ohi, S->s[k]), osum += S->s[k];
  if (ohi - olo < 0.15) rest = osum / opening;
  double* dev = malloc(sizeof(double) * (size_t)S->T);
  if (!dev) return kt_status_out_of_memory;
  for (int k = 0; k < S->T; k++) dev[k] = fabs(S->s[k] - rest);
  qsort(dev, (size_t)S->T, sizeof(double), cmp_double);
  const double top = dev[(S->T * 98) / 100];
  free(dev);
  if (!(top > 1e-9)) {
    snprintf(err, len, "no repetition found: the movement does not change");
    return kt_status_model_format;
  }
  for (int k = 0; k < S->T; k++) S->s[k] = fmin(1.0, fabs(S->s[k] - rest) / top);
  return kt_status_ok;
}

#define MAX_CANDIDATES 32 /* repetitions considered: a longer video gives its first 32 */

static kt_status find_span(const kt_reference_builder* b, double* start, double* end, char* err, size_t len) {
  const double period = 1000.0 / KT_REF_HZ;
  series S = {0};
  S.T = (int)floor((b->t[b->n - 1] - b->t[0]) / period) + 1;
  if (S.T < KT_REF_MIN_SAMPLES) {
    snprintf(err, len, "the video is too short to hold a repetition");
    return kt_status_model_format;
  }
  S.x = malloc(sizeof(*S.x) * (size_t)S.T);
  S.s = malloc(sizeof(double) * (size_t)S.T);
  kt_status st = S.x && S.s ? kt_status_ok : kt_status_out_of_memory;
  for (int k = 0; st == kt_status_ok && k < S.T; k++) sample_at(b, b->t[0] + k * period, S.x[k]);
  if (st == kt_status_ok) st = activity(&S, err, len);
  int cand[MAX_CANDIDATES][2], nc = 0;
  for (int k = 0; st == kt_status_ok && k < S.T && nc < MAX_CANDIDATES;) {
    int up = k;
    while (up < S.T && S.s[up] < 0.6) up++;
    if (up >= S.T) break;
    int a = up;
    while (a > k && S.s[a] > 0.2) a--;
    while (a > 0 && S.s[a - 1] <= S.s[a] && S.s[a] <= 0.2) a--; /* back to the turning point */
    int e = up;
    while (e < S.T && S.s[e] > 0.2) e++;
    if (e >= S.T) break; /* it never came back */
    while (e + 1 < S.T && S.s[e + 1] <= S.s[e]) e++;
    const double dur = (e - a) * period;
    if (S.s[a] <= 0.2 && dur >= KT_REF_MIN_DURATION_MS && dur <= KT_REF_MAX_DURATION_MS)
      cand[nc][0] = a, cand[nc][1] = e, nc++;
    k = e + 1;
  }
  int best = -1;
  if (st == kt_status_ok && nc >= 3) {
    double bd = INFINITY;
    for (int i = 0; i < nc; i++) {
      double sum = 0;
      for (int j = 0; j < nc; j++)
        if (j != i) sum += span_dtw(&S, cand[i][0], cand[i][1], cand[j][0], cand[j][1]);
      /* a clean repetition also ends where it started */
      const double score = sum / (nc - 1) + span_dtw(&S, cand[i][0], cand[i][0], cand[i][1], cand[i][1]);
      if (score < bd) bd = score, best = i;
    }
  } else if (st == kt_status_ok && nc > 0) {
    double peak = -1;
    for (int i = 0; i < nc; i++) {
      double p = 0;
      for (int k = cand[i][0]; k <= cand[i][1]; k++) p = fmax(p, S.s[k]);
      if (p > peak) peak = p, best = i;
    }
  }
  if (st == kt_status_ok && best < 0) {
    snprintf(err, len, "no clear repetition found: give the span (start and end)");
    st = kt_status_model_format;
  }
  if (st == kt_status_ok) {
    *start = b->t[0] + cand[best][0] * period;
    *end = b->t[0] + cand[best][1] * period;
  }
  free(S.x);
  free(S.s);
  return st;
}

/* ------------------------------------------------------------- finish */

kt_status kt_reference_builder_finish(kt_reference_builder* b, double start_ms, double end_ms, const char* id,
                                      const char* name, const char* model, char** json_out) {
  if (json_out) *json_out = NULL;
  if (!b || !id || !json_out) return kt_fail(kt_status_invalid_argument, "NULL builder, id or output");
  if (b->n < 2) return kt_fail(kt_status_invalid_state, "no frames were added");
  kt_ref_signature* s = calloc(1, sizeof(*s));
  if (!s) return kt_status_out_of_memory;
  char err[160] = "";
  kt_status st = kt_status_ok;
  const bool found = start_ms < 0 || end_ms < 0;
  if (found) st = find_span(b, &start_ms, &end_ms, err, sizeof(err));
  else if (!(start_ms >= b->t[0] - 1 && end_ms <= b->t[b->n - 1] + 1 && end_ms > start_ms))
    snprintf(err, sizeof(err), "the span %.0f..%.0f ms is not inside the video (%.0f..%.0f ms)", start_ms, end_ms,
             b->t[0], b->t[b->n - 1]),
        st = kt_status_invalid_argument;
  const double dur = end_ms - start_ms;
  if (st == kt_status_ok && !(dur >= KT_REF_MIN_DURATION_MS && dur <= KT_REF_MAX_DURATION_MS))
    snprintf(err, sizeof(err), "a repetition lasts %g..%g ms; the span lasts %.0f ms", KT_REF_MIN_DURATION_MS,
             KT_REF_MAX_DURATION_MS, dur),
        st = kt_status_invalid_argument;
  if (st == kt_status_ok) {
    snprintf(s->id, sizeof(s->id), "%s", id);
    snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
    snprintf(s->model, sizeof(s->model), "%s", model ? model : "");
    s->duration_ms = dur, s->start_ms = start_ms, s->end_ms = end_ms, s->auto_span = found;
    int n = (int)lround(dur * KT_REF_HZ / 1000.0) + 1;
    s->n = n < KT_REF_MIN_SAMPLES ? KT_REF_MIN_SAMPLES : n > KT_REF_MAX_SAMPLES ? KT_REF_MAX_SAMPLES : n;
    for (int k = 0; k < s->n; k++) sample_at(b, start_ms + k * dur / (s->n - 1), s->x[k]);
    st = kt_ref_signature_derive(s, true, err, sizeof(err));
  }
  cJSON* o = st == kt_status_ok ? kt_ref_signature_json(s) : NULL;
  if (st == kt_status_ok && !o) st = kt_status_out_of_memory;
  if (o) {
    *json_out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!*json_out) st = kt_status_out_of_memory;
  }
  free(s);
  if (st != kt_status_ok && st != kt_status_out_of_memory) return kt_fail(st, "%s", err);
  return st;
}
