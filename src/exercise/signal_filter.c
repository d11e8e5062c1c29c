/* signal_filter.c — running median over a time window (see the header). */
#include "exercise/signal_filter.h"

#include <math.h>
#include <string.h>

void kt_filter_reset(kt_median_filter* f) { memset(f, 0, sizeof(*f)); }

bool kt_filter_push(kt_median_filter* f, double t, bool valid, double v, double window_ms, double fill_ms,
                    double* out) {
  if (valid) {
    f->t[f->head] = t;
    f->v[f->head] = v;
    f->head = (f->head + 1) % KT_FILTER_MAX;
    if (f->n < KT_FILTER_MAX) f->n++;
    /* The newest samples, newest first: all inside the window, and at
     * least three (the median of three is the shortest that rejects a
     * one-frame glitch) as long as they are recent enough to fill with. */
    double s[KT_FILTER_MAX];
    int k = 0;
    for (int i = 0; i < f->n; i++) {
      const int j = (f->head - 1 - i + 2 * KT_FILTER_MAX) % KT_FILTER_MAX;
      const double age = t - f->t[j];
      if (age > window_ms && (k >= 3 || age > window_ms + fill_ms)) break;
      s[k++] = f->v[j];
    }
    if (k % 2 == 0 && k > 1) k--; /* an odd count: the middle is a sample, never a mean with an outlier */
    for (int i = 1; i < k; i++)
      for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
        const double x = s[j];
        s[j] = s[j - 1];
        s[j - 1] = x;
      }
    f->out = s[k / 2];
    f->out_t = t;
    f->has_out = true;
  } else if (f->has_out && t - f->out_t > fill_ms) {
    f->has_out = false;
    f->n = 0; /* a long gap: what came before no longer describes the pose */
  }
  if (f->has_out) *out = f->out;
  return f->has_out;
}

double kt_peak_hold_push(kt_peak_hold* p, double t, double v) {
  const long sec = (long)floor(t / 1000.0);
  if (!p->has || sec - p->second >= KT_PEAK_BUCKETS) {
    for (int i = 0; i < KT_PEAK_BUCKETS; i++) p->bucket[i] = v;
    p->second = sec;
    p->has = true;
  }
  for (; p->second < sec; p->second++) p->bucket[((p->second + 1) % KT_PEAK_BUCKETS + KT_PEAK_BUCKETS) % KT_PEAK_BUCKETS] = -INFINITY;
  double* b = &p->bucket[(sec % KT_PEAK_BUCKETS + KT_PEAK_BUCKETS) % KT_PEAK_BUCKETS];
  if (v > *b) *b = v;
  double m = -INFINITY;
  for (int i = 0; i < KT_PEAK_BUCKETS; i++)
    if (p->bucket[i] > m) m = p->bucket[i];
  return m;
}
