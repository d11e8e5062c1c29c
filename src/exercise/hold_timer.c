/* hold_timer.c — holds: `counter` is the whole seconds held, summed over
 * the session, while every hold condition is within its tolerance.
 *
 * Hysteresis in value and in time, so that jitter cannot chop a hold:
 * the conditions are read on filtered values (signal_filter.h); a hold
 * starts when every condition is inside its bounds, and once it runs a
 * condition fails only past its bounds by `release` of its span. A frame
 * where the posture fails (or where tracking lost a keypoint) pauses
 * nothing yet: if the posture comes back within grace_ms the segment
 * simply continues (the brief loss counts as held); after grace_ms the
 * segment closes at its last good frame. Placement does not stop a hold:
 * only the posture's own values do.
 *
 * Hold score (counter.form_score and the summary): per good frame
 * 100 * (1 - 0.4 * mean deviation), the deviation of each condition being
 * |v - ideal| / |threshold - ideal| in 0..1, so a posture exactly at the
 * ideal scores 100 and one at the edge of the tolerance 60; averaged per
 * segment and over the session. progression: the share of conditions met
 * (0..100). */
#include <math.h>

#include "exercise/engine_internal.h"

static double held_ms(const kt_hold_state* h) {
  return h->committed_ms + (h->in_segment ? h->last_good_ms - h->seg_start_ms : 0);
}

void kt_ex_hold_close(kt_exercise* ex) {
  kt_hold_state* h = &ex->hold;
  if (!h->in_segment) return;
  h->in_segment = false;
  h->committed_ms += h->last_good_ms - h->seg_start_ms;
  if (h->seg_score_n > 0) {
    const double score = round(h->seg_score_sum / h->seg_score_n);
    kt_ex_history_add(ex, &(kt_msg_history){ex->nhistory + 1, score, kt_ex_grade(score), h->seg_start_ms,
                                            h->last_good_ms, NAN, NAN, NULL});
  }
}

kt_status kt_ex_hold_update(kt_exercise* ex, cJSON* list, int want_progression) {
  kt_hold_state* h = &ex->hold;
  const kt_ex_hold_def* d = &ex->def.hold;
  const kt_frame* f = &ex->frame;
  int met = 0;
  double dev = 0;
  for (int i = 0; i < d->ncond; i++) {
    if (kt_ex_cond_holds(&d->cond[i], f, h->in_segment ? d->release : 0)) met++;
    dev += kt_ex_cond_deviation(&d->cond[i], f);
  }
  const bool good = met == d->ncond;
  kt_status s = kt_status_ok;
  if (good) {
    if (!h->in_segment) {
      h->in_segment = true;
      h->seg_start_ms = f->ts;
      h->seg_score_sum = 0;
      h->seg_score_n = 0;
    }
    h->last_good_ms = f->ts;
    const double score = 100.0 * (1.0 - 0.4 * dev / d->ncond);
    h->seg_score_sum += score;
    h->seg_score_n++;
    h->score_sum += score;
    h->score_n++;
  } else if (h->in_segment && f->ts - h->last_good_ms > d->grace_ms) {
    kt_ex_hold_close(ex);
  }
  const int seconds = (int)floor(held_ms(h) / 1000.0 + 1e-9);
  if (seconds != h->count) {
    h->count = seconds;
    const double seg = h->seg_score_n ? round(h->seg_score_sum / h->seg_score_n) : 0;
    const double avg = h->score_n ? round(h->score_sum / h->score_n) : 0;
    const kt_msg_form form = {seg, avg, kt_ex_grade(avg)};
    s = kt_msg_counter(list, f->ts, seconds, &form, false);
  }
  if (s == kt_status_ok && want_progression) {
    s = kt_ex_send_progress(&h->last_progress, (int)floor(100.0 * met / d->ncond), f->ts, list);
  }
  return s;
}
