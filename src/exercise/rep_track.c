/* rep_track.c — excursions of one signal (see the header for the rules).
 *
 *   unknown --rises by noise from its lowest--> rising (that low is the start)
 *   unknown --falls by noise from its highest-> falling (began mid-rep: the
 *                                               part we saw earns nothing)
 *   falling --rises by noise from its lowest--> rising
 *   rising  --back by return_frac of (peak - start)--> falling, with an event
 */
#include "exercise/rep_track.h"

#include <math.h>
#include <string.h>

void kt_rep_track_reset(kt_rep_track* t) {
  const int namps = t->namps, pos = t->amp_pos;
  double amps[KT_TRACK_TYPICAL];
  memcpy(amps, t->amps, sizeof(amps));
  memset(t, 0, sizeof(*t));
  /* What was learned about the person survives a tracking loss. */
  memcpy(t->amps, amps, sizeof(amps));
  t->namps = namps;
  t->amp_pos = pos;
}

double kt_rep_track_typical(const kt_rep_track* t, double fallback) {
  if (t->namps == 0) return fallback;
  double s[KT_TRACK_TYPICAL];
  memcpy(s, t->amps, sizeof(double) * (size_t)t->namps);
  for (int i = 1; i < t->namps; i++)
    for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
      const double x = s[j];
      s[j] = s[j - 1];
      s[j - 1] = x;
    }
  const int n = t->namps;
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void begin_rising(kt_rep_track* t, double ts, double q) {
  t->phase = kt_track_rising;
  t->valley = t->lo;
  t->leave_t = t->band_t;
  t->hi = q;
  t->hi_t = ts;
}

static kt_track_event complete(kt_rep_track* t, const kt_track_params* p, double ts) {
  kt_track_event e = {kt_track_none, t->leave_t, t->hi_t, ts, t->valley, t->hi};
  const double amp = t->hi - t->valley;
  const double dur = ts - t->leave_t;
  if (amp < p->attempt) return e;
  const bool deep = t->valley <= p->start_band && amp >= p->min_rom &&
                    amp >= p->consistency * kt_rep_track_typical(t, 0);
  if (!deep) {
    e.kind = kt_track_half;
  } else if (dur >= p->min_ms && dur <= p->max_ms) {
    e.kind = kt_track_rep;
    t->amps[t->amp_pos] = amp;
    t->amp_pos = (t->amp_pos + 1) % KT_TRACK_TYPICAL;
    if (t->namps < KT_TRACK_TYPICAL) t->namps++;
  }
  return e;
}

kt_track_event kt_rep_track_push(kt_rep_track* t, const kt_track_params* p, double ts, bool valid, double q) {
  kt_track_event none = {0};
  if (!valid) {
    if (t->started && ts - t->last_t > p->lost_ms) kt_rep_track_reset(t);
    return none;
  }
  t->last_t = ts;
  t->q = q;
  if (!t->started) {
    t->started = true;
    t->phase = kt_track_unknown;
    t->lo = t->hi = q;
    t->lo_t = t->hi_t = t->band_t = ts;
    return none;
  }
  switch (t->phase) {
    case kt_track_unknown:
      if (q < t->lo) t->lo = q, t->lo_t = ts;
      if (q <= t->lo + p->noise) t->band_t = ts;
      if (q > t->hi) t->hi = q, t->hi_t = ts;
      if (q > t->lo + p->noise) {
        begin_rising(t, ts, q);
      } else if (q < t->hi - p->noise) {
        t->phase = kt_track_falling;
        t->lo = q;
        t->lo_t = t->band_t = ts;
      }
      break;
    case kt_track_falling:
      if (q <= t->lo) t->lo = q, t->lo_t = ts;
      if (q <= t->lo + p->noise) t->band_t = ts;
      else begin_rising(t, ts, q);
      break;
    case kt_track_rising: {
      if (q > t->hi) t->hi = q, t->hi_t = ts;
      const double amp = t->hi - t->valley;
      if (amp > p->noise && q <= t->hi - p->return_frac * amp) {
        const kt_track_event e = complete(t, p, ts);
        t->phase = kt_track_falling;
        t->lo = q;
        t->lo_t = t->band_t = ts;
        return e;
      }
      if (q < t->valley) { /* a wobble under its own start: no excursion */
        t->phase = kt_track_falling;
        t->lo = q;
        t->lo_t = t->band_t = ts;
      }
      break;
    }
  }
  return none;
}

int kt_rep_track_progress(const kt_rep_track* t, const kt_track_params* p, double depth) {
  if (!t->started || t->phase != kt_track_rising) return -1;
  const double amp = t->hi - t->valley;
  if (t->q >= t->hi - p->noise || amp <= 0) {
    /* on the way in */
    const double v = 50.0 * (t->q - t->valley) / (depth > 1e-9 ? depth : 1.0);
    return v < 0 ? 0 : v > 50 ? 50 : (int)floor(v);
  }
  const double v = 50.0 + 50.0 * (t->hi - t->q) / (p->return_frac * amp);
  return v > 99 ? 99 : (int)floor(v);
}
