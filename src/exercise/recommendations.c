/* recommendations.c — form cues (the definition's `cues`): conditions on
 * a metric, evaluated per rep (at the bottom, the top, or over the rep)
 * or per frame during a hold, plus the half-rep cue. A `recommendations`
 * message is sent when the set of active cues changes; the summary lists
 * every cue shown in the session. */
#include <math.h>

#include "exercise/engine_internal.h"

#define KT_CUE_DEBOUNCE 10 /* hold cues: frames a condition must persist to switch */

void kt_ex_cues_rep_begin(const kt_ex_def* def, kt_cue_state* st) {
  for (int i = 0; i < def->ncues; i++) {
    kt_cue_acc* a = &st->acc[i];
    a->n = 0;
    a->sum = 0;
    a->has_bottom = a->has_top = false;
  }
}

void kt_ex_cues_rep_frame(const kt_ex_def* def, kt_cue_state* st, const kt_frame* f, bool is_bottom) {
  for (int i = 0; i < def->ncues; i++) {
    const kt_ex_cue* c = &def->cues[i];
    if (c->on != kt_cue_on_rep) continue;
    const kt_metric_value* v = &f->m[c->metric];
    if (!v->ok) continue;
    kt_cue_acc* a = &st->acc[i];
    if (a->n == 0 || v->v < a->min) a->min = v->v;
    if (a->n == 0 || v->v > a->max) a->max = v->v;
    a->sum += v->v;
    a->n++;
    if (!a->has_top) a->at_top = v->v, a->has_top = true;
    if (is_bottom) a->at_bottom = v->v, a->has_bottom = true;
  }
}

static bool fires(const kt_ex_cue* c, double v) { return c->less ? v < c->value : v > c->value; }

void kt_ex_cues_rep_end(const kt_ex_def* def, kt_cue_state* st, bool half) {
  for (int i = 0; i < def->ncues; i++) {
    const kt_ex_cue* c = &def->cues[i];
    const uint32_t bit = 1u << i;
    if (c->on == kt_cue_on_half_rep) {
      st->active = half ? st->active | bit : st->active & ~bit;
      continue;
    }
    if (c->on != kt_cue_on_rep || half) continue;
    const kt_cue_acc* a = &st->acc[i];
    bool on = false;
    if (a->n > 0) {
      switch (c->at) {
        case kt_cue_at_bottom: on = a->has_bottom && fires(c, a->at_bottom); break;
        case kt_cue_at_top: on = a->has_top && fires(c, a->at_top); break;
        case kt_cue_at_min: on = fires(c, a->min); break;
        case kt_cue_at_max: on = fires(c, a->max); break;
        case kt_cue_at_mean: on = fires(c, a->sum / a->n); break;
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
