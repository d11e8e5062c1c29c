/* reference_kind.c — the reference movement kind (reference=<uuid>):
 * repetitions found by matching the recorded one (ref_match.h), each
 * scored against it (ref_score.h) and counted, graded and kept like a
 * catalogue rep: counter with form_score and reference_score, minGrade,
 * history[].referenceScore, and the averages in exercise_summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise/catalog.h"
#include "exercise/engine_internal.h"
#include "exercise/reference/ref_match.h"
#include "exercise/reference/ref_score.h"

#define KT_REF_MAX_FOUND 4

typedef struct kt_ref_state {
  kt_ref_signature sig;
  kt_ref_matcher match;
  kt_ref_profile profile;
  double strict;             /* the distance a repetition reaches to be more than borderline */
  kt_peak_hold torso;        /* the body's size: the torso's length, its largest of the last seconds */
  double scale;
  int raw_count, count, last_progress;
  double sum[7];             /* overall, pose, timing, movement, ncc, dtw, dist of the counted reps */
  kt_ref_scores last;
} kt_ref_state;

/* Share of d_rest a repetition must reach (ref_match.h): half the
 * movement explained; kali-analysis also counts borderline repetitions,
 * up to 0.65, graded C or D (reference §10). */
static const double kStrict = 0.5, kTolerant = 0.65;
static const double kBorderShape = 0.5, kBorderAmplitude = 0.7;

kt_status kt_ex_reference_setup(kt_exercise* ex, const char* json, int profile, char* err, size_t err_len) {
  kt_ref_state* r = calloc(1, sizeof(*r));
  if (!r) return kt_status_out_of_memory;
  ex->ref = r;
  const kt_status s = kt_ref_signature_parse(json, &r->sig, err, err_len);
  if (s != kt_status_ok) return s;
  r->profile = (kt_ref_profile)profile;
  kt_ref_matcher_init(&r->match, &r->sig, profile == kt_ref_profile_kali_analysis ? kTolerant : kStrict);
  r->strict = kStrict * r->match.d_rest;
  r->last_progress = -1;
  r->scale = NAN;
  /* The definition: what placement and the confidence floor read. The
   * user must show the joints the movement moves, either side (the mirror
   * image is matched too). */
  kt_ex_def* d = &ex->def;
  snprintf(d->id, sizeof(d->id), "%s", r->sig.id);
  d->kind = kt_exercise_kind_reference;
  d->min_score = 0.3;
  d->placement.view = kt_view_any;
  d->placement.frames = 8;
  d->placement.lost_ms = 1500;
  d->placement.nrequirements = 1;
  snprintf(d->placement.requirements[0], KT_EX_NAME, "reference_joints_visible");
  for (int f = 0; f < KT_REF_NFEAT; f++) {
    int j[4];
    const int nj = r->sig.moving[f] ? kt_ref_feature_joints(f, j) : 0;
    for (int i = 0; i < nj; i++) {
      const int left = j[i] % 2 ? j[i] : j[i] - 1; /* COCO: left ids odd, right = left + 1 */
      bool have = false;
      for (int q = 0; q < d->placement.nreq; q++) have |= d->placement.req[q][0] == left;
      if (have || d->placement.nreq >= KT_EX_MAX_REQUIRED) continue;
      d->placement.req[d->placement.nreq][0] = (int8_t)left;
      d->placement.req[d->placement.nreq][1] = (int8_t)(left + 1);
      d->placement.nreq++;
    }
  }
  return kt_status_ok;
}

void kt_ex_reference_free(kt_exercise* ex) {
  free(ex->ref);
  ex->ref = NULL;
}

static cJSON* scores_json(const kt_ref_scores* s) {
  cJSON* o = cJSON_CreateObject();
  const char g[2] = {s->grade, 0};
  const struct { const char* k; double v; } kv[] = {
      {"overallScore", s->overall}, {"poseScore", s->pose}, {"timingScore", s->timing},
      {"movementScore", s->movement}, {"nccScore", s->ncc}, {"dtwScore", s->dtw}, {"distScore", s->dist}};
  bool ok = o != NULL;
  for (size_t i = 0; ok && i < sizeof(kv) / sizeof(kv[0]); i++)
    ok = cJSON_AddNumberToObject(o, kv[i].k, round(kv[i].v * 1000) / 1000) != NULL;
  ok = ok && cJSON_AddStringToObject(o, "grade", g);
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

static kt_status count(kt_exercise* ex, const kt_ref_found* found, double ts, cJSON* list) {
  kt_ref_state* r = ex->ref;
  kt_ref_scores sc;
  kt_ref_score(&r->match, found, r->profile, r->strict, &sc);
  /* A borderline match (only kali-analysis counts those) must still be the
   * movement seen differently, not a part of it: its shape correlates
   * (nccScore >= 0.5) and it moves at least 70 % as far as the reference. */
  if (sc.borderline && (sc.ncc < kBorderShape || sc.movement < kBorderAmplitude)) return kt_status_ok;
  r->raw_count++;
  /* minGrade: a repetition below the bar is not counted, graded or kept. */
  if (ex->config.min_grade && sc.grade > ex->config.min_grade) return kt_status_ok;
  r->count++;
  r->last = sc;
  const double v[7] = {sc.overall, sc.pose, sc.timing, sc.movement, sc.ncc, sc.dtw, sc.dist};
  for (int i = 0; i < 7; i++) r->sum[i] += v[i];
  const double score = round(sc.overall * 10000) / 100;
  kt_msg_history h = {r->count, score, sc.grade, found->start_ms, found->end_ms, NAN, NAN, NULL, true,
                      round(sc.overall * 1000) / 1000};
  kt_ex_history_add(ex, &h);
  const kt_msg_form form = {score, round(r->sum[0] / r->count * 10000) / 100, sc.grade};
  kt_status s = kt_msg_counter(list, ts, r->count, &form, false);
  if (s != kt_status_ok) return s;
  cJSON* counter = NULL;
  cJSON* m;
  cJSON_ArrayForEach(m, list) counter = m;
  cJSON* rs = scores_json(&sc);
  if (!rs) return kt_status_out_of_memory;
  cJSON_AddItemToObject(counter, "reference_score", rs);
  return kt_msg_form_score(list, ts, &form);
}

static kt_status ref_update(kt_exercise* ex, cJSON* list, int want_progression) {
  kt_ref_state* r = ex->ref;
  const kt_frame* f = &ex->frame;
  const double torso = kt_ref_torso_px(f->kps, f->w, f->h, f->floor);
  if (isfinite(torso)) r->scale = kt_peak_hold_push(&r->torso, f->ts, torso);
  float x[KT_REF_NFEAT];
  kt_ref_features(f->kps, f->w, f->h, f->floor, r->scale, x);
  kt_ref_found found[KT_REF_MAX_FOUND];
  const int n = kt_ref_matcher_push(&r->match, x, f->ts, found, KT_REF_MAX_FOUND);
  kt_status s = kt_status_ok;
  for (int i = 0; s == kt_status_ok && i < n; i++) s = count(ex, &found[i], f->ts, list);
  if (s == kt_status_ok && want_progression && r->match.phase >= 0)
    s = kt_ex_send_progress(&r->last_progress, r->match.phase, f->ts, list);
  return s;
}

static kt_status ref_flush(kt_exercise* ex, double ts, cJSON* list) {
  kt_ref_found found[KT_REF_MAX_FOUND];
  const int n = kt_ref_matcher_flush(&ex->ref->match, found, KT_REF_MAX_FOUND);
  kt_status s = kt_status_ok;
  for (int i = 0; s == kt_status_ok && i < n; i++) s = count(ex, &found[i], ts, list);
  return s;
}

static void ref_result(kt_exercise* ex, kt_ex_result* out) {
  const kt_ref_state* r = ex->ref;
  out->count = r->count;
  if (r->count == 0) return;
  out->avg = round(r->sum[0] / r->count * 10000) / 100;
  out->grade = kt_ex_grade(out->avg);
  out->form = (kt_msg_form){round(r->last.overall * 10000) / 100, out->avg, r->last.grade};
  out->has_form = true;
}

/* exercise_summary: avg_similarity (the mean overallScore), the mean of
 * every score, and which reference it was. */
static kt_status ref_summary(const kt_exercise* ex, cJSON* summary) {
  const kt_ref_state* r = ex->ref;
  cJSON* ref = cJSON_AddObjectToObject(summary, "reference");
  if (!ref || !cJSON_AddStringToObject(ref, "id", r->sig.id) || !cJSON_AddStringToObject(ref, "name", r->sig.name) ||
      !cJSON_AddNumberToObject(ref, "durationMs", r->sig.duration_ms) ||
      !cJSON_AddNumberToObject(ref, "matched", r->raw_count))
    return kt_status_out_of_memory;
  if (r->count == 0) return cJSON_AddNullToObject(summary, "avg_similarity") ? kt_status_ok : kt_status_out_of_memory;
  kt_ref_scores avg = {0};
  double* const dst[7] = {&avg.overall, &avg.pose, &avg.timing, &avg.movement, &avg.ncc, &avg.dtw, &avg.dist};
  for (int i = 0; i < 7; i++) *dst[i] = r->sum[i] / r->count;
  avg.grade = kt_ex_grade(avg.overall * 100);
  cJSON* rs = scores_json(&avg);
  if (!rs) return kt_status_out_of_memory;
  cJSON_AddItemToObject(summary, "reference_score", rs);
  return cJSON_AddNumberToObject(summary, "avg_similarity", round(avg.overall * 1000) / 1000) ? kt_status_ok
                                                                                             : kt_status_out_of_memory;
}

const kt_ex_kind kt_ex_kind_reference = {false, 0, 0, ref_update, NULL, ref_result, ref_flush, ref_summary};
