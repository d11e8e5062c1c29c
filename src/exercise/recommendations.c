/* recommendations.c — form cues (the definition's `cues`): conditions on
 * a metric, evaluated per rep when it ends, over the frames it spanned
 * (at the bottom, the start, or over the rep)
 * or per frame during a hold, plus the half-rep cue. A `recommendations`
 * message is sent when the set of active cues changes; the summary lists
 * every cue shown in the session. */
#include <math.h>

#include "exercise/engine_internal.h"

#define KT_CUE_DEBOUNCE 10 /* hold cues: frames a condition must persist to switch */

static bool fires(const kt_ex_cue* c, double v) { return c->less ? v < c->value : v > c->value; }

typedef struct cue_span {
  int metric;
  double peak_ms;
  int n;
  double sum, min, max, top, bottom, bottom_dt;
} cue_span;

static void span_frame(const kt_ring_frame* fr, void* ctx) {
  cue_span* a = ctx;
  if (!(fr->ok >> a->metric & 1)) return;
  const double v = fr->v[a->metric];
  if (a->n == 0 || v < a->min) a->min = v;
  if (a->n == 0 || v > a->max) a->max = v;
  if (a->n == 0) a->top = v;
  const double dt = fabs(fr->ts - a->peak_ms);
  if (a->n == 0 || dt < a->bottom_dt) a->bottom = v, a->bottom_dt = dt;
  a->sum += v;
  a->n++;
}

void kt_ex_cues_rep(const kt_ex_def* def, kt_cue_state* st, const kt_ring* ring, const kt_rep_event* e) {
  for (int i = 0; i < def->ncues; i++) {
    const kt_ex_cue* c = &def->cues[i];
    const uint32_t bit = 1u << i;
    if (c->on == kt_cue_on_half_rep) {
      st->active = e->half ? st->active | bit : st->active & ~bit;
      continue;
    }
    if (c->on != kt_cue_on_rep || e->half) continue;
    cue_span a = {c->metric, e->peak_ms, 0, 0, 0, 0, 0, 0, 0};
    kt_ex_ring_span(ring, e->start_ms, e->end_ms, span_frame, &a);
    bool on = false;
    if (a.n > 0) {
      switch (c->at) {
        case kt_cue_at_bottom: on = fires(c, a.bottom); break;
        case kt_cue_at_top: on = fires(c, a.top); break;
        case kt_cue_at_min: on = fires(c, a.min); break;
        case kt_cue_at_max: on = fires(c, a.max); break;
        case kt_cue_at_mean: on = fires(c, a.sum / a.n); break;
      }
    }
    st->active = on ? st->active | bit : st->active & ~bit;
  }
  st->ever |= st->active;
}

void kt_ex_cues_hold_frame(const kt_ex_def* def, kt_cue_state* st, const kt_frame* f) {
  for (int i = 0; i < def->ncues; i++) {
    const kt_ex_cue* c = &def->cues[i];
    if (c->on != kt_cue_on_hold) continue;
    const kt_metric_value* v = &f->m[c->metric];
    if (!v->ok) continue;
    kt_cue_acc* a = &st->acc[i];
    const uint32_t bit = 1u << i;
    if (fires(c, v->v)) {
      a->streak_false = 0;
      if (++a->streak_true >= KT_CUE_DEBOUNCE) st->active |= bit;
    } else {
      a->streak_true = 0;
      if (++a->streak_false >= KT_CUE_DEBOUNCE) st->active &= ~bit;
    }
  }
  st->ever |= st->active;
}

kt_status kt_ex_cues_emit(const kt_ex_def* def, kt_cue_state* st, double ts, cJSON* list) {
  if (st->sent_once && st->active == st->sent) return kt_status_ok;
  if (!st->sent_once && st->active == 0) return kt_status_ok;
  const char* texts[KT_EX_MAX_CUES];
  int n = 0;
  for (int i = 0; i < def->ncues; i++)
    if (st->active & (1u << i)) texts[n++] = def->cues[i].text;
  st->sent = st->active;
  st->sent_once = true;
  return kt_msg_recommendations(list, ts, texts, n);
}

cJSON* kt_ex_cues_summary(const kt_ex_def* def, const kt_cue_state* st) {
  cJSON* a = cJSON_CreateArray();
  if (!a) return NULL;
  for (int i = 0; i < def->ncues; i++) {
    if (!(st->ever & (1u << i))) continue;
    cJSON* s = cJSON_CreateString(def->cues[i].text);
    if (!s || !cJSON_AddItemToArray(a, s)) {
      cJSON_Delete(s);
      cJSON_Delete(a);
      return NULL;
    }
  }
  return a;
}
