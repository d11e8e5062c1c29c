/* ref_score.c — the scores of one repetition against the reference. */
#include "exercise/reference/ref_score.h"

#include <math.h>

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : (isfinite(v) ? v : 0); }

/* Feature f of the repetition at position u in [0, 1] (linear between
 * samples; NaN where not seen). */
static double at(const kt_ref_matcher* m, const kt_ref_found* r, double u, int f) {
  const double pos = r->start + u * (double)(r->end - r->start);
  const int64_t k0 = (int64_t)floor(pos);
  const int64_t k1 = k0 + 1 <= r->end ? k0 + 1 : k0;
  const float* a = kt_ref_matcher_sample(m, r->mirror, k0);
  const float* b = kt_ref_matcher_sample(m, r->mirror, k1);
  if (!a || !b) return NAN;
  const double w = pos - (double)k0;
  if (isfinite(a[f]) && isfinite(b[f])) return a[f] + (b[f] - a[f]) * w;
  return w < 0.5 ? a[f] : b[f];
}

static double ncc_score(const kt_ref_matcher* m, const kt_ref_found* r) {
  const kt_ref_signature* s = m->sig;
  double sum = 0;
  int nf = 0;
  for (int i = 0; i < m->nmoving; i++) {
    const int f = m->moving[i];
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int n = 0;
    for (int k = 0; k < s->n; k++) {
      const double x = at(m, r, (double)k / (s->n - 1), f), y = s->x[k][f];
      if (!isfinite(x) || !isfinite(y)) continue;
      sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, n++;
    }
    if (n < 3) continue;
    const double vx = sxx - sx * sx / n, vy = syy - sy * sy / n, cxy = sxy - sx * sy / n;
    nf++;
    if (vx > 1e-12 && vy > 1e-12) sum += cxy / sqrt(vx * vy); /* a flat feature correlates 0 */
  }
  return nf ? clamp01(sum / nf) : 0;
}

static double movement_score(const kt_ref_matcher* m, const kt_ref_found* r) {
  const kt_ref_signature* s = m->sig;
  double sum = 0;
  int nf = 0;
  for (int i = 0; i < m->nmoving; i++) {
    const int f = m->moving[i];
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t k = r->start; k <= r->end; k++) {
      const float* x = kt_ref_matcher_sample(m, r->mirror, k);
      if (x && isfinite(x[f])) lo = fmin(lo, x[f]), hi = fmax(hi, x[f]);
    }
    const double ref = s->hi[f] - s->lo[f];
    if (!(hi >= lo) || !(ref > 0)) continue;
    const double q = (hi - lo) / ref;
    sum += q > 1 ? 1 / q : q;
    nf++;
  }
  return nf ? clamp01(sum / nf) : 0;
}

static double dist_score(const kt_ref_matcher* m, const kt_ref_found* r) {
  const kt_ref_signature* s = m->sig;
  double sum = 0;
  int nf = 0;
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    if (!s->used[f] || s->moving[f]) continue;
    double dev = 0;
    int n = 0;
    for (int64_t k = r->start; k <= r->end; k++) {
      const float* x = kt_ref_matcher_sample(m, r->mirror, k);
      if (x && isfinite(x[f])) dev += fabs(x[f] - s->mean[f]), n++;
    }
    if (!n) continue;
    sum += clamp01(1 - dev / n / (2 * kt_ref_moving_range(kt_ref_feature_kind(f))));
    nf++;
  }
  return nf ? sum / nf : 1;
}

/* The poses along their best alignment (full DTW, symmetric steps),
 * uncalibrated, over every feature the reference uses. */
static double pose_score(const kt_ref_matcher* m, const kt_ref_found* r) {
  const kt_ref_signature* s = m->sig;
  const int64_t len = r->end - r->start + 1;
  double prev[KT_REF_MAX_SAMPLES], cur[KT_REF_MAX_SAMPLES];
  for (int64_t a = 0; a < len; a++) {
    const float* x = kt_ref_matcher_sample(m, r->mirror, r->start + a);
    for (int j = 0; j < s->n; j++) {
      double sum = 0;
      int n = 0;
      for (int f = 0; x && f < KT_REF_NFEAT; f++) {
        if (!s->used[f] || !isfinite(x[f]) || !isfinite(s->x[j][f])) continue;
        const double range = fmax(s->hi[f] - s->lo[f], kt_ref_moving_range(kt_ref_feature_kind(f)));
        sum += fmin(1.0, fabs(x[f] - s->x[j][f]) / range);
        n++;
      }
      const double c = n ? sum / n : 1.0;
      double best = INFINITY;
      if (a == 0 && j == 0) best = 2 * c;
      if (a > 0 && j > 0) best = fmin(best, prev[j - 1] + 2 * c);
      if (a > 0) best = fmin(best, prev[j] + c);
      if (j > 0) best = fmin(best, cur[j - 1] + c);
      cur[j] = best;
    }
    for (int j = 0; j < s->n; j++) prev[j] = cur[j];
  }
  return clamp01(1 - prev[s->n - 1] / (double)(len + s->n));
}

void kt_ref_score(const kt_ref_matcher* m, const kt_ref_found* r, kt_ref_profile profile, double strict,
                  kt_ref_scores* out) {
  const double n = m->sig->n;
  out->dtw = m->d_rest > 0 ? clamp01(1 - r->d / m->d_rest) : 0;
  out->ncc = ncc_score(m, r);
  out->timing = clamp01(1 - fabs(log2((double)(r->end - r->start + 1) / n)) / 2);
  out->dist = dist_score(m, r);
  out->pose = pose_score(m, r);
  out->movement = movement_score(m, r);
  out->overall = profile == kt_ref_profile_default
                     ? 0.5 * out->pose + 0.2 * out->timing + 0.3 * out->movement
                     : 0.35 * out->ncc + 0.35 * out->dtw + 0.15 * out->timing + 0.15 * out->dist;
  const double pct = out->overall * 100;
  out->grade = pct >= 90 ? 'A' : pct >= 80 ? 'B' : pct >= 70 ? 'C' : pct >= 60 ? 'D' : 'F';
  out->borderline = r->d > strict;
  if (out->borderline) out->grade = pct >= 70 ? 'C' : 'D';
}
