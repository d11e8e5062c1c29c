/* form_score.c — the score of one repetition, 0..100.
 *
 * Five components, each 0..100, combined as a weighted mean over the
 * components the definition weights and the rep could measure:
 *
 *   peak      = 100 * clamp((v - peak.worst) / (peak.best - peak.worst), 0, 1)
 *               v: peak.metric at the rep's deepest frame (a physical
 *               test grades the trunk's flexion there)
 *   rom       = 100 * clamp(amplitude / rom.ideal, 0, 1)
 *               amplitude: the rep's excursion in nominal units of the
 *               signal it was counted on (1 = the definition's textbook
 *               range, rest to target; rom.ideal e.g. 1.0)
 *   symmetry  = 100 * clamp(1 - mean|left - right| / symmetry.tolerance, 0, 1)
 *               over the frames where both sides of symmetry.metric are
 *               visible (needs 3 such frames; profile views and one-sided
 *               reps skip it)
 *   tempo     = 100                       if min_ms <= d <= max_ms
 *               100 * d / min_ms          if d < min_ms  (too fast)
 *               100 * max_ms / d          if d > max_ms  (too slow)
 *               d: the rep's duration, leaving the start position to
 *               regaining it
 *   stability = 100 * clamp(1 - sd(stability.metric) / stability.tolerance, 0, 1)
 *               the standard deviation over the rep of a value that should
 *               stay still (torso incline, body line)
 *
 *   score = round( sum(w_i * c_i) / sum(w_i) )
 *
 * Computed when the rep ends, over the frames it spanned (rep_frames.c).
 * The running average is the mean score of the counted reps; grades: A >= 90,
 * B >= 80, C >= 70, D >= 60, F below. */
#include <math.h>

#include "exercise/engine_internal.h"

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

typedef struct rep_stats {
  const kt_ex_form_def* form;
  double peak_ms, peak_dt, peak_value;
  bool has_peak;
  int sym_n; double sym_sum;
  int stab_n; double stab_sum, stab_sumsq;
} rep_stats;

static void accumulate(const kt_ring_frame* fr, void* ctx) {
  rep_stats* s = ctx;
  const int sym = s->form->sym_metric, stab = s->form->stab_metric, pk = s->form->peak_metric;
  const double dt = fabs(fr->ts - s->peak_ms);
  if (pk >= 0 && (fr->ok >> pk & 1) && (!s->has_peak || dt < s->peak_dt)) {
    s->peak_value = fr->v[pk];
    s->peak_dt = dt;
    s->has_peak = true;
  }
  if (sym >= 0 && (fr->side_ok[0] >> sym & 1) && (fr->side_ok[1] >> sym & 1)) {
    s->sym_sum += fabs((double)fr->side[sym][0] - fr->side[sym][1]);
    s->sym_n++;
  }
  if (stab >= 0 && (fr->ok >> stab & 1)) {
    s->stab_sum += fr->v[stab];
    s->stab_sumsq += (double)fr->v[stab] * fr->v[stab];
    s->stab_n++;
  }
}

double kt_ex_form_score(const kt_ex_form_def* form, const kt_ring* ring, const kt_rep_event* e) {
  rep_stats s = {form, e->peak_ms, 0, 0, false, 0, 0, 0, 0, 0};
  kt_ex_ring_span(ring, e->start_ms, e->end_ms, accumulate, &s);
  double wsum = 0, sum = 0;
  if (form->w_peak > 0 && s.has_peak) {
    sum += form->w_peak * 100.0 * clamp01((s.peak_value - form->peak_worst) / (form->peak_best - form->peak_worst));
    wsum += form->w_peak;
  }
  if (form->w_rom > 0) {
    sum += form->w_rom * 100.0 * clamp01(e->amplitude / form->rom_ideal);
    wsum += form->w_rom;
  }
  /* Symmetry compares the two sides of a movement both make: a one-arm
   * rep (side left or right) has nothing to compare. */
  if (form->w_sym > 0 && s.sym_n >= 3 && e->side == 2) {
    sum += form->w_sym * 100.0 * clamp01(1.0 - (s.sym_sum / s.sym_n) / form->sym_tol);
    wsum += form->w_sym;
  }
  if (form->w_tempo > 0) {
    const double d = e->end_ms - e->start_ms;
    double c = 100.0;
    if (d < form->tempo_min_ms) c = 100.0 * d / form->tempo_min_ms;
    else if (d > form->tempo_max_ms) c = 100.0 * form->tempo_max_ms / d;
    sum += form->w_tempo * (c < 0 ? 0 : c);
    wsum += form->w_tempo;
  }
  if (form->w_stab > 0 && s.stab_n >= 3) {
    const double mean = s.stab_sum / s.stab_n;
    const double var = s.stab_sumsq / s.stab_n - mean * mean;
    const double sd = var > 0 ? sqrt(var) : 0;
    sum += form->w_stab * 100.0 * clamp01(1.0 - sd / form->stab_tol);
    wsum += form->w_stab;
  }
  if (wsum <= 0) return 100.0;
  return round(sum / wsum);
}

char kt_ex_grade(double score) {
  if (score >= 90) return 'A';
  if (score >= 80) return 'B';
  if (score >= 70) return 'C';
  if (score >= 60) return 'D';
  return 'F';
}
