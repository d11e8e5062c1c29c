/* rep_counter.c — repetitions: signals, tracks, the view, and the rep's
 * subscribers.
 *
 * A definition gives one or more signals for the rep (a metric with its
 * textbook start and end values, and the camera views it is measured well
 * in): a squat's knee angle reads well from the side, its hip drop from
 * any side. Every signal runs its own track (rep_track.h) on every frame,
 * or one track per body side when the movement is one-sided (curls,
 * side lunges). The reps counted are those of the active signal: the one
 * measured best lately, by keypoint confidence and by how well the camera
 * view suits it (a signal outside its views weighs a quarter), chosen with
 * a margin so it does not flip on near-equal evidence. (Weighing signals
 * by how much they move was tried: it let a wrong movement that moves one
 * signal a lot, a curl fed to a shoulder press, count.)
 *
 * One movement seen twice (the two sides of a movement made together, a
 * far arm whose keypoints follow the near one, the other signal just after
 * the active one changed) counts once: a rep whose peak falls inside the
 * last counted rep, or that contains its peak, only adds its side to it
 * (side "both").
 *
 * A counted rep goes to its subscribers in order (form score, cues), then
 * minGrade decides whether it is sent and kept. Frames where a gate
 * condition fails (a push-up's body far from horizontal) carry no signal.
 * Nothing here waits for placement: counting runs whenever the signal is
 * measurable. */
#include <math.h>
#include <string.h>

#include "exercise/engine_internal.h"

#define KT_QUALITY_TAU_MS 1000.0 /* how fast the evidence for a signal follows the frames */
#define KT_QUALITY_MARGIN 0.15   /* how much better another signal must be to take over */
#define KT_OFF_VIEW_WEIGHT 0.25  /* a signal outside its views still counts when it is all there is */

static bool per_side(const kt_exercise* ex, int sig) {
  return ex->def.rep.sides != kt_rep_sides_both && ex->def.metrics[ex->def.rep.signals[sig].metric].sided;
}

static double view_weight(const kt_ex_signal* s, int view) {
  if (s->views == 0 || view == kt_view_any || (s->views & KT_VIEW_BIT(view))) return 1.0;
  return KT_OFF_VIEW_WEIGHT;
}

/* ------------------------------------------------------------ subscribers */

typedef void (*kt_rep_subscriber)(kt_exercise* ex, kt_rep_event* e);

static void score_rep(kt_exercise* ex, kt_rep_event* e) {
  e->score = e->half ? NAN : kt_ex_form_score(&ex->def.form, &ex->ring, e);
}

static void cue_rep(kt_exercise* ex, kt_rep_event* e) { kt_ex_cues_rep(&ex->def, &ex->cues, &ex->ring, e); }

static const kt_rep_subscriber kSubscribers[] = {score_rep, cue_rep};

static void publish(kt_exercise* ex, kt_rep_event* e) {
  for (size_t i = 0; i < sizeof(kSubscribers) / sizeof(kSubscribers[0]); i++) kSubscribers[i](ex, e);
}

/* ----------------------------------------------------------------- counting */

static cJSON* last_message(cJSON* list) {
  cJSON* last = NULL;
  cJSON* m;
  cJSON_ArrayForEach(m, list) last = m;
  return last;
}

/* A physical test: the counter just sent carries the rep's analysis and
 * reading, and the analysis is kept for the summary. */
static kt_status attach_analysis(kt_exercise* ex, const kt_rep_event* e, cJSON* list) {
  kt_ex_analysis_rep a;
  kt_ex_analysis_compute(ex, e, &a);
  if (ex->nanalyses < KT_EX_MAX_ANALYSES) ex->analyses[ex->nanalyses++] = a;
  cJSON* counter = last_message(list);
  cJSON* analysis = kt_ex_analysis_json(&ex->def, &a);
  cJSON* reading = kt_ex_reading_json(a.reach, a.reach_max, a.score);
  if (!counter || !analysis || !reading) {
    cJSON_Delete(analysis);
    cJSON_Delete(reading);
    return kt_status_out_of_memory;
  }
  cJSON_AddItemToObject(counter, "analysis", analysis);
  cJSON_AddItemToObject(counter, "reading", reading);
  ex->rep.reach_max = NAN;
  return kt_status_ok;
}

static const char* const kSideNames[3] = {"left", "right", "both"};

static bool same_movement(const kt_rep_event* a, const kt_rep_event* b) {
  return (a->peak_ms >= b->start_ms && a->peak_ms <= b->end_ms) ||
         (b->peak_ms >= a->start_ms && b->peak_ms <= a->end_ms);
}

static kt_status count(kt_exercise* ex, kt_rep_event* e, cJSON* list, int want_progression) {
  kt_rep_state* r = &ex->rep;
  if (r->has_last && same_movement(e, &r->last)) {
    if (e->side != r->last.side && r->last.side != 2) {
      r->last.side = 2;
      if (r->last_in_history) ex->history[ex->nhistory - 1].side = kSideNames[2];
    }
    return kt_status_ok;
  }
  if (e->half) {
    publish(ex, e); /* the half-rep cue */
    return kt_status_ok;
  }
  r->raw_count++;
  r->last = *e;
  r->has_last = true;
  r->last_in_history = false;
  kt_status s = kt_status_ok;
  if (want_progression) s = kt_ex_send_progress(&r->last_progress, 100, ex->frame.ts, list);
  publish(ex, e);
  const char grade = kt_ex_grade(e->score);
  /* minGrade: a rep below the bar is not counted, graded or kept. */
  if (ex->config.min_grade && grade > ex->config.min_grade) return s;
  r->count++;
  r->score_sum += e->score;
  r->last_score = e->score;
  r->last_in_history = kt_ex_history_add(
      ex, &(kt_msg_history){r->count, e->score, grade, e->start_ms, e->end_ms, NAN, e->peak_ms, kSideNames[e->side], false, 0});
  const kt_msg_form form = {e->score, round(r->score_sum / r->count * 100) / 100, grade};
  if (s == kt_status_ok) s = kt_msg_counter(list, ex->frame.ts, r->count, &form, false);
  if (s == kt_status_ok && ex->def.analysis.on) s = attach_analysis(ex, e, list);
  if (s == kt_status_ok) s = kt_msg_form_score(list, ex->frame.ts, &form);
  return s;
}

/* ------------------------------------------------------------------- frame */

static kt_status rep_update(kt_exercise* ex, cJSON* list, int want_progression) {
  kt_rep_state* r = &ex->rep;
  const kt_ex_rep_def* d = &ex->def.rep;
  const kt_frame* f = &ex->frame;
  kt_ex_ring_push(&ex->ring, &ex->def, f);

  /* Exponential averages over time, not frames: the same at any frame rate. */
  const double alpha = r->quality_started ? 1.0 - exp(-(f->ts - r->quality_t) / KT_QUALITY_TAU_MS) : 1.0;
  r->quality_t = f->ts;
  r->quality_started = true;
  kt_rep_event events[KT_EX_MAX_TRACKS];
  int nevents = 0;
  for (int i = 0; i < d->nsignals; i++) {
    const kt_ex_signal* sig = &d->signals[i];
    const kt_metric_value* v = &f->m[sig->metric];
    const double span = sig->target - sig->rest;
    const bool sided = per_side(ex, i);
    bool measured = false;
    for (int s = 0; s < (sided ? 2 : 1); s++) {
      /* Gates read the track's own side ("this") where they name one. */
      bool ok = sided ? v->side_ok[s] : v->ok;
      for (int g = 0; ok && g < d->ngate; g++) ok = kt_ex_cond_holds(&d->gate[g], f, s, 0);
      for (int g = 0; ok && g < sig->ngate; g++) ok = kt_ex_cond_holds(&sig->gate[g], f, s, 0);
      const double q = ((sided ? v->side[s] : v->v) - sig->rest) / span;
      measured |= ok;
      const kt_track_event te = kt_rep_track_push(&r->track[2 * i + s], &d->track, f->ts, ok, q);
      /* A rep belongs to the signal active at its peak: the one active
       * now, or the one it took over from, for the reps it was making. */
      const bool counts = i == r->active || (i == r->prev_active && te.peak_ms <= r->switched_ms);
      if (te.kind == kt_track_none || !counts) continue;
      events[nevents++] = (kt_rep_event){te.kind == kt_track_half, te.start_ms, te.peak_ms, te.end_ms,
                                         te.peak - te.valley, sided ? s : 2, NAN};
    }
    r->quality[i] += alpha * ((measured ? 1.0 : 0.0) * view_weight(sig, ex->view.view) - r->quality[i]);
  }
  /* Events first (they belong to the signal that was active while they
   * happened), then the choice of the signal for the frames to come. */
  kt_status s = kt_status_ok;
  for (int i = 0; i < nevents && s == kt_status_ok; i++) s = count(ex, &events[i], list, want_progression);
  int best = r->active;
  for (int i = 0; i < d->nsignals; i++)
    if (r->quality[i] > r->quality[best]) best = i;
  if (r->quality[best] > r->quality[r->active] + KT_QUALITY_MARGIN) {
    r->prev_active = r->active;
    r->switched_ms = f->ts;
    r->active = best;
  }

  const int rm = ex->def.analysis.reading_metric;
  if (rm >= 0 && f->m[rm].ok && !(f->m[rm].v <= r->reach_max)) r->reach_max = f->m[rm].v;
  if (s == kt_status_ok && want_progression && nevents == 0) {
    int progress = -1;
    const int a = r->active;
    for (int t = 2 * a; t < 2 * a + (per_side(ex, a) ? 2 : 1); t++) {
      const int p = kt_rep_track_progress(&r->track[t], &d->track, kt_rep_track_typical(&r->track[t], 1.0));
      if (p > progress) progress = p;
    }
    const int before = r->last_progress;
    s = kt_ex_send_progress(&r->last_progress, progress < 0 ? 0 : progress, f->ts, list);
    if (s == kt_status_ok && rm >= 0 && r->last_progress != before) {
      /* A physical test's live reading rides on its progression. */
      cJSON* reading = kt_ex_reading_json(f->m[rm].ok ? f->m[rm].v : NAN, r->reach_max, kt_ex_live_score(&ex->def, f));
      cJSON* m = last_message(list);
      if (!reading || !m) {
        cJSON_Delete(reading);
        return kt_status_out_of_memory;
      }
      cJSON_AddItemToObject(m, "reading", reading);
    }
  }
  return s;
}

static void rep_result(kt_exercise* ex, kt_ex_result* out) {
  const kt_rep_state* r = &ex->rep;
  out->count = r->count;
  if (r->count == 0) return;
  out->avg = round(r->score_sum / r->count * 100) / 100;
  out->grade = kt_ex_grade(out->avg);
  out->form = (kt_msg_form){r->last_score, out->avg, kt_ex_grade(r->last_score)};
  out->has_form = true;
}

const kt_ex_kind kt_ex_kind_reps = {false, KT_EX_RING, 0, rep_update, NULL, rep_result, NULL, NULL};
