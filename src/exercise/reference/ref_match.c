/* ref_match.c — calibrated subsequence DTW over a window of the stream. */
#include "exercise/reference/ref_match.h"

#include <math.h>
#include <string.h>

static const double kScaleLo = 0.5, kScaleHi = 1.5;      /* the person's range, relative to the reference's */
static const double kMinLen = 0.4, kMaxLen = 2.5;       /* a repetition's length, relative to the reference's */
static const double kConfirm = 0.3;                     /* reference lengths without a better overlapping match */
static const double kOverlap = 0.1;                     /* reference lengths a repetition may overlap the last */
static const double kMissing = 1.0;                     /* the cost of a sample that shows too little */

/* The mean difference over the moving features seen in both; kMissing
 * when fewer than half of them are. */
static double cost(const kt_ref_matcher* m, const float* z, const float* r) {
  double sum = 0;
  int n = 0;
  for (int i = 0; i < m->nmoving; i++) {
    const int f = m->moving[i];
    if (!isfinite(z[f]) || !isfinite(r[f])) continue;
    sum += fabs(z[f] - r[f]);
    n++;
  }
  return 2 * n < m->nmoving || n == 0 ? kMissing : sum / n;
}

void kt_ref_matcher_init(kt_ref_matcher* m, const kt_ref_signature* sig, double accept) {
  memset(m, 0, sizeof(*m));
  m->sig = sig;
  m->period = kt_ref_signature_period(sig);
  m->phase = -1;
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    const double r = sig->hi[f] - sig->lo[f], floor = kt_ref_moving_range(kt_ref_feature_kind(f));
    m->range[f] = (float)(r > floor ? r : floor);
    if (sig->moving[f]) m->moving[m->nmoving++] = f;
  }
  for (int k = 0; k < sig->n; k++)
    for (int f = 0; f < KT_REF_NFEAT; f++)
      m->zref[k][f] = sig->moving[f] ? (float)((sig->x[k][f] - sig->lo[f]) / m->range[f]) : NAN;
  /* Standing still: the best constant pose, held through the reference. */
  double best = INFINITY;
  for (int k = 0; k < sig->n; k++) {
    double sum = 0;
    for (int j = 0; j < sig->n; j++) sum += cost(m, m->zref[k], m->zref[j]);
    if (sum / sig->n < best) best = sum / sig->n;
  }
  m->d_rest = best;
  m->accept = accept * best;
}

const float* kt_ref_matcher_sample(const kt_ref_matcher* m, int mirror, int64_t k) {
  if (k < 0 || k >= m->count || k <= m->count - KT_REF_WINDOW) return NULL;
  return m->ring[mirror][k % KT_REF_WINDOW];
}

/* Per feature, the range this person moves it through over the window
 * (a 3-sample median first: one glitch does not widen it). */
static void calibrate(kt_ref_matcher* m, int mirror) {
  kt_ref_calib* c = &m->calib[mirror];
  const int64_t first = m->count > KT_REF_WINDOW ? m->count - KT_REF_WINDOW + 1 : 0;
  for (int i = 0; i < m->nmoving; i++) {
    const int f = m->moving[i];
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t k = first + 1; k + 1 < m->count; k++) {
      float v[3];
      int n = 0;
      for (int d = -1; d <= 1; d++) {
        const float x = m->ring[mirror][(k + d) % KT_REF_WINDOW][f];
        if (isfinite(x)) v[n++] = x;
      }
      if (n < 2) continue;
      float med = v[0];
      if (n == 2) med = (v[0] + v[1]) / 2;
      else med = fmaxf(fminf(v[0], v[1]), fminf(fmaxf(v[0], v[1]), v[2]));
      lo = med < lo ? med : lo;
      hi = med > hi ? med : hi;
    }
    const double r = m->range[f];
    double s = hi - lo;
    if (!(s >= kScaleLo * r)) s = kScaleLo * r; /* also when nothing was seen */
    if (s > kScaleHi * r) s = kScaleHi * r;
    c->lo[f] = isfinite(lo) ? (float)lo : 0;
    c->scale[f] = (float)s;
  }
}

static void zlive(const kt_ref_matcher* m, int mirror, int64_t k, float z[KT_REF_NFEAT]) {
  const float* x = m->ring[mirror][k % KT_REF_WINDOW];
  const kt_ref_calib* c = &m->calib[mirror];
  for (int i = 0; i < m->nmoving; i++) {
    const int f = m->moving[i];
    z[f] = (x[f] - c->lo[f]) / c->scale[f];
  }
}

/* The best alignment of the whole reference ending at the newest sample
 * (symmetric steps: diagonal weighs 2, so every path from (s, 0) to
 * (i, n-1) weighs (i - s + 1) + n and the distance is D / that). */
static void align(kt_ref_matcher* m, int mirror, double* d_out, int64_t* start_out, int* phase_out) {
  const int n = m->sig->n;
  const int64_t now = m->count - 1;
  int64_t first = now - (int64_t)ceil(kMaxLen * n);
  if (first < m->min_start) first = m->min_start;
  if (first <= now - KT_REF_WINDOW) first = now - KT_REF_WINDOW + 1;
  if (first < 0) first = 0;
  double* prev = m->dp[0];
  double* cur = m->dp[1];
  int64_t* pst = m->st[0];
  int64_t* cst = m->st[1];
  float z[KT_REF_NFEAT];
  for (int64_t k = first; k <= now; k++) {
    zlive(m, mirror, k, z);
    for (int j = 0; j < n; j++) {
      const double c = cost(m, z, m->zref[j]);
      double best = INFINITY;
      int64_t s = k;
      if (j == 0) best = 2 * c; /* a fresh start here */
      if (k > first && j > 0 && prev[j - 1] + 2 * c < best) best = prev[j - 1] + 2 * c, s = pst[j - 1];
      if (k > first && prev[j] + c < best) best = prev[j] + c, s = pst[j];
      if (j > 0 && cur[j - 1] + c < best) best = cur[j - 1] + c, s = cst[j - 1];
      cur[j] = best;
      cst[j] = s;
    }
    double* t = prev; prev = cur; cur = t;
    int64_t* u = pst; pst = cst; cst = u;
  }
  /* prev holds the newest row */
  *start_out = pst[n - 1];
  *d_out = prev[n - 1] / (double)((now - pst[n - 1] + 1) + n);
  double bp = INFINITY;
  int phase = -1;
  for (int j = 0; j < n; j++) {
    const double dj = prev[j] / (double)((now - pst[j] + 1) + j + 1);
    if (dj < bp) bp = dj, phase = j;
  }
  *phase_out = phase < 0 ? -1 : (int)lround(100.0 * phase / (n - 1));
}

static int emit(kt_ref_matcher* m, kt_ref_found* found, int max, int nfound) {
  if (nfound < max) found[nfound++] = m->cand;
  m->min_start = m->cand.end - (int64_t)floor(kOverlap * m->sig->n);
  if (m->min_start < m->cand.start + 1) m->min_start = m->cand.start + 1;
  m->has_cand = false;
  return nfound;
}

/* A new sample: align, then keep, replace or confirm the candidate. */
static int step(kt_ref_matcher* m, kt_ref_found* found, int max, int nfound) {
  const int n = m->sig->n;
  const int64_t now = m->count - 1;
  kt_ref_found best = {0, now, 0, 0, INFINITY, 0};
  int phase = -1;
  for (int mirror = 0; mirror < KT_REF_VARIANTS; mirror++) {
    calibrate(m, mirror);
    double d;
    int64_t s;
    int ph;
    align(m, mirror, &d, &s, &ph);
    if (d < best.d) best.d = d, best.start = s, best.mirror = mirror, phase = ph;
  }
  m->phase = phase;
  const double len = (double)(now - best.start + 1);
  best.start_ms = m->t0 + best.start * m->period;
  best.end_ms = m->t0 + now * m->period;
  const bool ok = best.d <= m->accept && len >= kMinLen * n && len <= kMaxLen * n && best.start >= m->min_start;
  if (ok) {
    if (m->has_cand && best.start >= m->cand.end - (int64_t)floor(kOverlap * n)) nfound = emit(m, found, max, nfound);
    if (!m->has_cand || best.d < m->cand.d) m->cand = best, m->has_cand = true;
  }
  if (m->has_cand && now - m->cand.end >= (int64_t)ceil(kConfirm * n)) nfound = emit(m, found, max, nfound);
  return nfound;
}

int kt_ref_matcher_push(kt_ref_matcher* m, const float x[KT_REF_NFEAT], double t, kt_ref_found* found, int max) {
  int nfound = 0;
  if (!m->started) {
    m->started = true;
    m->t0 = t;
  }
  if (m->has_prev && t < m->prev_t) return 0;
  /* Every sample time in (prev_t, t]: interpolated between the two poses
   * (the nearer one where a feature is seen in only one). */
  for (;;) {
    const double ts = m->t0 + (double)m->count * m->period;
    if (ts > t + 1e-6) break;
    float* dst = m->ring[0][m->count % KT_REF_WINDOW];
    const double span = m->has_prev ? t - m->prev_t : 0;
    const double a = span > 1e-9 ? (ts - m->prev_t) / span : 1.0;
    for (int f = 0; f < KT_REF_NFEAT; f++) {
      const float p = m->has_prev ? m->prev[f] : NAN, q = x[f];
      float v;
      if (isfinite(p) && isfinite(q)) v = (float)(p + (q - p) * a);
      else v = a >= 0.5 || !isfinite(p) ? q : p;
      dst[f] = v;
    }
    for (int v = 1; v < KT_REF_VARIANTS; v++) kt_ref_features_variant(dst, v, m->ring[v][m->count % KT_REF_WINDOW]);
    m->count++;
    nfound = step(m, found, max, nfound);
  }
  memcpy(m->prev, x, sizeof(m->prev));
  m->prev_t = t;
  m->has_prev = true;
  return nfound;
}

int kt_ref_matcher_flush(kt_ref_matcher* m, kt_ref_found* found, int max) {
  return m->has_cand ? emit(m, found, max, 0) : 0;
}
