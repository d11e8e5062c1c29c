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
 * only the posture's own values do. With settle_ms, a pose passed through
 * on the way to another is not a hold: a hold starts once every value has
 * stayed within `settle` of its span for settle_ms, counted from then. The
 * same grace applies while a hold settles: frames that fail the posture
 * for less than grace_ms (a burst of mislocated keypoints in a dark room,
 * a limb lost for a moment) neither restart the settling nor count as
 * movement; only the frames that meet it are read. A hold's first
 * 2 x settle_ms are provisional: values that move on within them (a pause
 * at the edge of the range on a slow way up) move its start to where they
 * came to rest. Why: with the old rule a clip's hold start hung on whether
 * a burst fell before or after settling, so float-rounding differences
 * between builds moved a 5 s cobra to 2 s (README, relaxed SIMD). A
 * pose held on one side (a condition
 * on "this" side, another on the "other") counts on either side.
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

static void hold_close(kt_exercise* ex) {
  kt_hold_state* h = &ex->hold;
  if (!h->in_segment) return;
  h->in_segment = false;
  h->committed_ms += h->last_good_ms - h->seg_start_ms;
  if (h->seg_score_n > 0) {
    const double score = round(h->seg_score_sum / h->seg_score_n);
    static const char* const kSides[2] = {"left", "right"};
    kt_ex_history_add(ex, &(kt_msg_history){ex->nhistory + 1, score, kt_ex_grade(score), h->seg_start_ms,
                                            h->last_good_ms, NAN, NAN,
                                            ex->def.hold.one_sided ? kSides[h->seg_side] : NULL, false, 0});
  }
}

/* Since when every condition's value has stayed within settle x its span
 * (on one side): the moment the pose was taken, not passed through. The
 * values are smoothed first (an exponential average over a quarter of
 * settle_ms), so the jitter of a held pose does not count as moving; a
 * transition does. When the value starts being read from the other side
 * of the body (a profile view's best-seen side changing), the two sides'
 * difference is not movement either: the average and the anchor restart
 * from the new side's value, keeping the time the pose settled. */
static double steady_since(kt_hold_state* h, const kt_ex_hold_def* d, const kt_frame* f, int side, bool met) {
  double since = -INFINITY;
  for (int i = 0; i < d->ncond; i++) {
    const kt_ex_cond* c = &d->cond[i];
    double v;
    if (!met) {
      /* not read: a frame off the posture is a gap (see grace), not movement */
    } else if (!kt_ex_cond_value(c, f, side, &v)) {
      h->anchored[side][i] = false;
      h->anchor_t[side][i] = f->ts;
    } else if (!h->anchored[side][i]) {
      h->smooth_v[side][i] = h->anchor_v[side][i] = v;
      h->smooth_t[side][i] = h->anchor_t[side][i] = f->ts;
      h->anchored[side][i] = true;
    } else if (c->side < 0 && f->m[c->metric].from != h->from[side][i]) {
      h->smooth_v[side][i] = h->anchor_v[side][i] = v;
      h->smooth_t[side][i] = f->ts;
    } else {
      const double dt = f->ts - h->smooth_t[side][i];
      h->smooth_v[side][i] += (1.0 - exp(-dt / (0.25 * d->settle_ms))) * (v - h->smooth_v[side][i]);
      h->smooth_t[side][i] = f->ts;
      if (fabs(h->smooth_v[side][i] - h->anchor_v[side][i]) > d->settle * c->span) {
        h->anchor_v[side][i] = h->smooth_v[side][i];
        h->anchor_t[side][i] = f->ts;
      }
    }
    if (met) h->from[side][i] = f->m[c->metric].from;
    if (h->anchor_t[side][i] > since) since = h->anchor_t[side][i];
  }
  return since;
}

static kt_status hold_update(kt_exercise* ex, cJSON* list, int want_progression) {
  kt_hold_state* h = &ex->hold;
  const kt_ex_hold_def* d = &ex->def.hold;
  const kt_frame* f = &ex->frame;
  /* A one-sided pose (conditions on "this" side and the "other") is held
   * on whichever side meets more of them, the closer to ideal on a tie. */
  int met = -1, held_side = 0;
  double dev = 0, since = f->ts;
  for (int side = 0; side < (d->one_sided ? 2 : 1); side++) {
    int m = 0;
    double v = 0;
    for (int i = 0; i < d->ncond; i++) {
      if (kt_ex_cond_holds(&d->cond[i], f, side, h->in_segment ? d->release : 0)) m++;
      v += kt_ex_cond_deviation(&d->cond[i], f, side);
    }
    const double st = d->settle_ms > 0 ? steady_since(h, d, f, side, m == d->ncond) : f->ts;
    if (m > met || (m == met && v < dev)) met = m, dev = v, since = st, held_side = side;
  }
  /* A new hold waits until the pose has been in range and settled for
   * settle_ms, and then counts from the moment it was both; a break in the
   * range shorter than grace_ms does not restart the wait. */
  if (met == d->ncond) {
    if (isnan(h->met_since) || f->ts - h->last_met_ms > d->grace_ms) h->met_since = f->ts;
    h->last_met_ms = f->ts;
  }
  if (h->met_since > since) since = h->met_since;
  const bool settled = h->in_segment || d->settle_ms <= 0 || f->ts - since >= d->settle_ms;
  const bool good = met == d->ncond && settled;
  kt_status s = kt_status_ok;
  if (good) {
    if (!h->in_segment) {
      h->in_segment = true;
      h->seg_start_ms = d->settle_ms > 0 ? since : f->ts;
      h->seg_open_ms = f->ts;
      h->seg_score_sum = 0;
      h->seg_score_n = 0;
    } else if (d->settle_ms > 0 && f->ts - h->seg_open_ms < 2 * d->settle_ms && since > h->seg_start_ms) {
      /* A slow pass-through: the pose looked taken, then moved on within
       * the segment's first 2 x settle_ms; the hold starts where it came
       * to rest. */
      h->seg_start_ms = since;
    }
    h->last_good_ms = f->ts;
    h->seg_side = held_side;
    const double score = 100.0 * (1.0 - 0.4 * dev / d->ncond);
    h->seg_score_sum += score;
    h->seg_score_n++;
    h->score_sum += score;
    h->score_n++;
  } else if (h->in_segment && f->ts - h->last_good_ms > d->grace_ms) {
    hold_close(ex);
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
  kt_ex_cues_hold_frame(&ex->def, &ex->cues, f);
  return s;
}

static void hold_result(kt_exercise* ex, kt_ex_result* out) {
  kt_hold_state* h = &ex->hold;
  hold_close(ex);
  out->count = h->count;
  if (h->score_n == 0) return;
  out->avg = round(h->score_sum / h->score_n);
  out->grade = kt_ex_grade(out->avg);
  out->form = (kt_msg_form){out->avg, out->avg, out->grade};
  out->has_form = true;
}

const kt_ex_kind kt_ex_kind_holds = {false, 0, 0, hold_update, NULL, hold_result, NULL, NULL};
