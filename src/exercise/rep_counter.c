/* rep_counter.c — repetitions by hysteresis on the definition's rep metric.
 *
 * The metric (median-filtered over `median` frames) becomes a progress
 * p = (v - rest) / (target - rest): 0 at the start position, 1 at the
 * bottom threshold of the difficulty. Four phases with two thresholds
 * each way, so jitter around one threshold never moves the state:
 *
 *   top --(p > top.exit)--> down --(p >= bottom.enter)--> bottom
 *   bottom --(p < bottom.exit)--> up --(p <= top.enter)--> top: a rep
 *   down --(p <= top.enter)--> top: a half rep (not counted; half_rep cue)
 *   up --(p >= bottom.enter)--> bottom (a bounce, same rep)
 *
 * A rep counts only when it lasted at least min_rep_ms (and at most
 * max_rep_ms). The session starts in `unknown` and needs the start
 * position first, so a person who starts mid-rep is not credited with
 * half a rep. Frames where the metric is missing (low-confidence
 * keypoints) or a gate condition fails are skipped; missing for lost_ms
 * abandons the rep in progress. */
#include <math.h>
#include <string.h>

#include "exercise/engine_internal.h"

void kt_ex_rep_reset(kt_exercise* ex) {
  kt_rep_state* r = &ex->rep;
  r->phase = kt_rep_unknown;
  r->nwin = 0;
  r->wpos = 0;
}

static double median(const double* w, int n) {
  double s[KT_EX_MEDIAN];
  memcpy(s, w, sizeof(double) * (size_t)n);
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
      const double t = s[j];
      s[j] = s[j - 1];
      s[j - 1] = t;
    }
  return s[n / 2];
}

static int progress_percent(const kt_ex_rep_def* d, kt_rep_phase phase, double p) {
  double v;
  switch (phase) {
    case kt_rep_down: v = 50.0 * p / d->bottom_enter; break;
    case kt_rep_bottom: v = 50.0; break;
    case kt_rep_up: v = 50.0 + 50.0 * (d->bottom_enter - p) / (d->bottom_enter - d->top_enter); break;
    default: v = 0; break;
  }
  if (v < 0) v = 0;
  if (v > 100) v = 100;
  return (int)floor(v);
}

/* A completed rep: score it, apply minGrade, send counter + form_score. */
static kt_status complete(kt_exercise* ex, cJSON* list, int want_progression) {
  kt_rep_state* r = &ex->rep;
  const kt_ex_rep_def* d = &ex->def.rep;
  r->stats.end_ms = ex->frame.ts;
  const double dur = r->stats.end_ms - r->stats.start_ms;
  if (dur < d->min_rep_ms || dur > d->max_rep_ms) {
    kt_ex_cues_rep_end(&ex->def, &ex->cues, false);
    return kt_status_ok;
  }
  r->raw_count++;
  kt_status s = kt_status_ok;
  if (want_progression) s = kt_ex_send_progress(&r->last_progress, 100, ex->frame.ts, list);
  const double score = kt_ex_form_score(&ex->def.form, &r->stats);
  const char grade = kt_ex_grade(score);
  kt_ex_cues_rep_end(&ex->def, &ex->cues, false);
  /* minGrade: a rep below the bar is not counted, graded or kept. */
  if (ex->config.min_grade && grade > ex->config.min_grade) return s;
  r->count++;
  r->score_sum += score;
  r->last_score = score;
  kt_ex_history_add(ex, &(kt_msg_history){r->count, score, grade, r->stats.start_ms, r->stats.end_ms, NAN});
  const double avg = r->score_sum / r->count;
  const kt_msg_form form = {score, round(avg * 100) / 100, grade};
  if (s == kt_status_ok) s = kt_msg_counter(list, ex->frame.ts, r->count, &form, false);
  if (s == kt_status_ok) s = kt_msg_form_score(list, ex->frame.ts, &form);
  return s;
}

kt_status kt_ex_rep_update(kt_exercise* ex, cJSON* list, int want_progression) {
  kt_rep_state* r = &ex->rep;
  const kt_ex_rep_def* d = &ex->def.rep;
  kt_frame* f = &ex->frame;
  const kt_metric_value* v = &f->m[d->metric];
  bool valid = v->ok;
  for (int i = 0; valid && i < d->ngate; i++) valid = kt_ex_cond_holds(&d->gate[i], f);
  if (!valid) {
    if (r->phase != kt_rep_unknown && f->ts - r->last_valid_ms > d->lost_ms) kt_ex_rep_reset(ex);
    return kt_status_ok;
  }
  r->last_valid_ms = f->ts;
  r->window[r->wpos] = v->v;
  r->wpos = (r->wpos + 1) % d->median;
  if (r->nwin < d->median) r->nwin++;
  const double mv = median(r->window, r->nwin);
  const double p = (mv - d->rest) / (d->target - d->rest);

  kt_status s = kt_status_ok;
  const kt_rep_phase before = r->phase;
  switch (r->phase) {
    case kt_rep_unknown:
      if (p <= d->top_enter) r->phase = kt_rep_top;
      break;
    case kt_rep_top:
      if (p > d->top_exit) {
        r->phase = kt_rep_down;
        memset(&r->stats, 0, sizeof(r->stats));
        r->stats.start_ms = r->last_top_ms;
        kt_ex_cues_rep_begin(&ex->def, &ex->cues);
      } else {
        r->last_top_ms = f->ts;
      }
      break;
    case kt_rep_down:
      if (p >= d->bottom_enter) {
        r->phase = kt_rep_bottom;
      } else if (p <= d->top_enter) {
        r->phase = kt_rep_top; /* a half rep */
        r->last_top_ms = f->ts;
        kt_ex_cues_rep_end(&ex->def, &ex->cues, true);
      }
      break;
    case kt_rep_bottom:
      if (p < d->bottom_exit) r->phase = kt_rep_up;
      break;
    case kt_rep_up:
      if (p >= d->bottom_enter) {
        r->phase = kt_rep_bottom;
      } else if (p <= d->top_enter) {
        r->phase = kt_rep_top;
        r->last_top_ms = f->ts;
        s = complete(ex, list, want_progression);
      }
      break;
  }
  if (r->phase == kt_rep_down || r->phase == kt_rep_bottom || r->phase == kt_rep_up) {
    if (p > r->stats.pmax) r->stats.pmax = p;
    kt_ex_form_accumulate(&ex->def.form, &r->stats, f);
    kt_ex_cues_rep_frame(&ex->def, &ex->cues, f, p >= r->stats.pmax);
  }
  if (s == kt_status_ok && want_progression && r->phase != kt_rep_unknown &&
      !(before == kt_rep_up && r->phase == kt_rep_top))
    s = kt_ex_send_progress(&r->last_progress, progress_percent(d, r->phase, p), f->ts, list);
  return s;
}
