/* analysis.c — a physical test's reading of each rep (reference section
 * 11), as a rep subscriber configured by the definition's `analysis`:
 *
 *   peaks          the named metrics at the rep's peak frame
 *   flags          conditions on metrics at the peak (knee_locked, ...)
 *   constants      fixed numbers the method states (ankle_above_sole)
 *   camera         where the phone stood, from a metric read at the rep's
 *                  start: under ground_below "ground", over high_above
 *                  "high", else "mid"; bias = value - neutral
 *   interpretation the first band whose min the interpretation metric at
 *                  the peak reaches: tone, title, text
 *   reading        live: the reading metric now, its best of the rep, the
 *                  score and grade the peak value would give now
 *
 * plus the fixed disclaimer and method texts and `opinion: true`. The
 * counter of each counted rep carries `analysis` and `reading`; the
 * summary repeats `disclaimer`, `method` and `history[].analysis`. */
#include <math.h>
#include <string.h>

#include "exercise/engine_internal.h"

static const char* const kPlacements[] = {"ground", "mid", "high"};

typedef struct span_read {
  const kt_ex_def* def;
  double peak_ms, start_ms;
  const kt_ring_frame* at_peak;
  const kt_ring_frame* at_start;
  double peak_dt;
  double reach_max;
  bool has_reach;
} span_read;

static void read_frame(const kt_ring_frame* fr, void* ctx) {
  span_read* r = ctx;
  const double dt = fabs(fr->ts - r->peak_ms);
  if (!r->at_peak || dt < r->peak_dt) r->at_peak = fr, r->peak_dt = dt;
  if (!r->at_start) r->at_start = fr;
  const int m = r->def->analysis.reading_metric;
  if (m >= 0 && (fr->ok >> m & 1) && (!r->has_reach || fr->v[m] > r->reach_max)) {
    r->reach_max = fr->v[m];
    r->has_reach = true;
  }
}

static bool value_at(const kt_ring_frame* fr, int metric, double* out) {
  if (!fr || metric < 0 || !(fr->ok >> metric & 1)) return false;
  *out = fr->v[metric];
  return true;
}

/* The score 0..100 the form's peak component gives a value. */
static double peak_score(const kt_ex_form_def* form, double v) {
  const double u = (v - form->peak_worst) / (form->peak_best - form->peak_worst);
  return round(100.0 * (u < 0 ? 0 : u > 1 ? 1 : u));
}

void kt_ex_analysis_compute(const kt_exercise* ex, const kt_rep_event* e, kt_ex_analysis_rep* out) {
  const kt_ex_analysis_def* a = &ex->def.analysis;
  memset(out, 0, sizeof(*out));
  span_read r = {&ex->def, e->peak_ms, e->start_ms, NULL, NULL, 0, 0, false};
  kt_ex_ring_span(&ex->ring, e->start_ms, e->end_ms, read_frame, &r);
  for (int i = 0; i < a->npeaks; i++) out->peak_ok[i] = value_at(r.at_peak, a->peak_metric[i], &out->peak[i]);
  for (int i = 0; i < a->nflags; i++) {
    const kt_ex_cond* c = &a->flag[i];
    double v;
    out->flag[i] = value_at(r.at_peak, c->metric, &v) && (!c->has_min || v >= c->min) && (!c->has_max || v <= c->max);
  }
  out->camera = -1;
  if (value_at(r.at_start, a->camera_metric, &out->camera_ratio))
    out->camera = out->camera_ratio < a->camera_ground ? 0 : out->camera_ratio > a->camera_high ? 2 : 1;
  out->band = -1;
  double v;
  if (value_at(r.at_peak, a->interp_metric, &v)) {
    for (int i = 0; i < a->nbands && out->band < 0; i++)
      if (v >= a->band[i].min) out->band = i;
  }
  out->reach_max = r.has_reach ? r.reach_max : NAN;
  out->reach = value_at(r.at_peak, a->reading_metric, &v) ? v : NAN;
  out->score = e->score;
}

/* ------------------------------------------------------------- messages */

static bool add_num_or_null(cJSON* o, const char* name, bool ok, double v) {
  return ok && isfinite(v) ? cJSON_AddNumberToObject(o, name, round(v * 1000) / 1000) != NULL
                           : cJSON_AddNullToObject(o, name) != NULL;
}

cJSON* kt_ex_analysis_json(const kt_ex_def* def, const kt_ex_analysis_rep* r) {
  const kt_ex_analysis_def* a = &def->analysis;
  cJSON* o = cJSON_CreateObject();
  cJSON* peaks = o ? cJSON_AddObjectToObject(o, "peaks") : NULL;
  bool ok = peaks != NULL;
  for (int i = 0; ok && i < a->npeaks; i++) ok = add_num_or_null(peaks, a->peak_name[i], r->peak_ok[i], r->peak[i]);
  cJSON* cam = ok ? cJSON_AddObjectToObject(o, "camera") : NULL;
  ok = cam && (r->camera >= 0 ? cJSON_AddStringToObject(cam, "placement", kPlacements[r->camera]) != NULL
                              : cJSON_AddNullToObject(cam, "placement") != NULL) &&
       add_num_or_null(cam, "bias", r->camera >= 0, r->camera_ratio - a->camera_neutral) &&
       add_num_or_null(cam, "ratio", r->camera >= 0, r->camera_ratio);
  cJSON* flags = ok ? cJSON_AddObjectToObject(o, "flags") : NULL;
  ok = flags != NULL;
  for (int i = 0; ok && i < a->nflags; i++) ok = cJSON_AddBoolToObject(flags, a->flag_name[i], r->flag[i]) != NULL;
  for (int i = 0; ok && i < a->nconsts; i++) ok = cJSON_AddNumberToObject(o, a->const_name[i], a->const_value[i]) != NULL;
  if (ok && r->band >= 0) {
    const kt_ex_band* b = &a->band[r->band];
    cJSON* in = cJSON_AddObjectToObject(o, "interpretation");
    ok = in && cJSON_AddStringToObject(in, "tone", b->tone) && cJSON_AddStringToObject(in, "title", b->title) &&
         cJSON_AddStringToObject(in, "text", b->text);
  }
  ok = ok && cJSON_AddStringToObject(o, "disclaimer", a->disclaimer) && cJSON_AddStringToObject(o, "method", a->method) &&
       cJSON_AddBoolToObject(o, "opinion", true);
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

double kt_ex_live_score(const kt_ex_def* def, const kt_frame* f) {
  const kt_metric_value* v = def->form.peak_metric >= 0 ? &f->m[def->form.peak_metric] : NULL;
  return v && v->ok ? peak_score(&def->form, v->v) : NAN;
}

cJSON* kt_ex_reading_json(double reach, double reach_max, double score) {
  cJSON* o = cJSON_CreateObject();
  const bool has = isfinite(score);
  char grade[2] = {has ? kt_ex_grade(score) : 0, 0};
  const bool ok = o && add_num_or_null(o, "reach", true, reach) && add_num_or_null(o, "reach_max", true, reach_max) &&
                  add_num_or_null(o, "score", has, score) &&
                  (has ? cJSON_AddStringToObject(o, "grade", grade) != NULL : cJSON_AddNullToObject(o, "grade") != NULL);
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

kt_status kt_ex_analysis_summary(const kt_exercise* ex, cJSON* summary) {
  const kt_ex_analysis_def* a = &ex->def.analysis;
  if (!a->on) return kt_status_ok;
  if (!cJSON_AddStringToObject(summary, "disclaimer", a->disclaimer) ||
      !cJSON_AddStringToObject(summary, "method", a->method))
    return kt_status_out_of_memory;
  cJSON* item;
  int i = 0;
  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(summary, "history")) {
    if (i >= ex->nanalyses) break;
    cJSON* o = kt_ex_analysis_json(&ex->def, &ex->analyses[i++]);
    if (!o) return kt_status_out_of_memory;
    cJSON_AddItemToObject(item, "analysis", o);
  }
  return kt_status_ok;
}
