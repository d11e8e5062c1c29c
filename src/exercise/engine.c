/* engine.c — creation, the per-frame dispatch and the end of media. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "exercise/catalog.h"
#include "exercise/engine_internal.h"

static kt_status finish_create(kt_exercise* ex, const kt_exercise_config* config, const char* canonical,
                               kt_exercise** out);

/* A reference movement: the signature makes the definition. */
static kt_status create_reference(const kt_exercise_config* config, kt_exercise** out) {
  if (config->min_grade && (config->min_grade < 'A' || config->min_grade > 'D'))
    return kt_fail(kt_status_invalid_argument, "minGrade must be A, B, C or D");
  if (!(config->placement_padding >= 0 && config->placement_padding < 0.5))
    return kt_fail(kt_status_invalid_argument, "placement padding must be in [0, 0.5)");
  if (config->scoring_profile < 0 || config->scoring_profile > 2)
    return kt_fail(kt_status_invalid_argument, "bad scoring profile %d", config->scoring_profile);
  kt_exercise* ex = calloc(1, sizeof(*ex));
  if (!ex) return kt_status_out_of_memory;
  char err[200];
  const kt_status s = kt_ex_reference_setup(ex, config->reference_json, config->scoring_profile, err, sizeof(err));
  if (s != kt_status_ok) {
    kt_exercise_destroy(ex);
    return s == kt_status_out_of_memory ? s : kt_fail(s, "%s", err);
  }
  ex->kind = &kt_ex_kind_reference;
  return finish_create(ex, config, config->id, out);
}

kt_status kt_exercise_create(const kt_exercise_config* config, kt_exercise** out) {
  if (!config || !out || !config->id) return kt_fail(kt_status_invalid_argument, "NULL config, id or output");
  const char* canonical = config->id;
  const char* json = config->definition_json;
  if (config->reference_json) return create_reference(config, out);
  if (!json) {
    int implemented = 0;
    if (kt_exercise_lookup(config->id, &canonical, &implemented, NULL) != kt_status_ok)
      return kt_fail(kt_status_invalid_argument, "unknown exercise '%s'", config->id);
    if (!implemented) return kt_fail(kt_status_unsupported, "exercise '%s' is not implemented yet", canonical);
    json = kt_exercise_definition_json(canonical);
  }
  if ((unsigned)config->difficulty > kt_difficulty_hard)
    return kt_fail(kt_status_invalid_argument, "bad difficulty %d", (int)config->difficulty);
  if (config->min_grade && (config->min_grade < 'A' || config->min_grade > 'D'))
    return kt_fail(kt_status_invalid_argument, "minGrade must be A, B, C or D");
  if (!(config->placement_padding >= 0 && config->placement_padding < 0.5))
    return kt_fail(kt_status_invalid_argument, "placement padding must be in [0, 0.5)");
  if (!isfinite(config->device_pitch_deg))
    return kt_fail(kt_status_invalid_argument, "devicePitchDeg is not finite");
  kt_exercise* ex = calloc(1, sizeof(*ex));
  if (!ex) return kt_status_out_of_memory;
  char err[160];
  kt_status s = kt_ex_def_parse(json, config->difficulty, &ex->def, err, sizeof(err));
  if (s != kt_status_ok) {
    free(ex);
    /* A custom movement's reason goes to its operator as is. */
    return config->definition_json ? kt_fail(s, "%s", err) : kt_fail(s, "definition of '%s': %s", canonical, err);
  }
  static const kt_ex_kind* const kKinds[] = {&kt_ex_kind_reps, &kt_ex_kind_holds, &kt_ex_kind_jumps};
  ex->kind = kKinds[ex->def.kind]; /* kt_exercise_kind, checked by the parser */
  if (kt_ex_def_needs_height(&ex->def) && !(config->user_height_cm > 0 && config->user_height_cm < 1000)) {
    free(ex);
    return kt_fail(kt_status_invalid_argument, "%s needs userHeightCm > 0", canonical);
  }
  return finish_create(ex, config, canonical, out);
}

static kt_status finish_create(kt_exercise* ex, const kt_exercise_config* config, const char* canonical,
                               kt_exercise** out) {
  ex->history = calloc(KT_EX_MAX_HISTORY, sizeof(*ex->history));
  if (ex->kind->items) ex->jump.items = calloc(ex->kind->items, sizeof(*ex->jump.items));
  if (ex->kind->ring_frames) ex->ring.frames = calloc(ex->kind->ring_frames, sizeof(*ex->ring.frames));
  if (ex->def.analysis.on) ex->analyses = calloc(KT_EX_MAX_ANALYSES, sizeof(*ex->analyses));
  if (!ex->history || (ex->kind->items && !ex->jump.items) || (ex->kind->ring_frames && !ex->ring.frames) ||
      (ex->def.analysis.on && !ex->analyses)) {
    kt_exercise_destroy(ex);
    return kt_status_out_of_memory;
  }
  ex->config = *config;
  ex->config.id = canonical;
  ex->placement.last_msg = -1;
  ex->rep.last_progress = -1;
  ex->rep.reach_max = NAN;
  ex->rep.prev_active = -1;
  ex->hold.last_progress = -1;
  ex->hold.met_since = NAN;
  ex->jump.phase = ex->def.jump.mode == kt_jump_calibrated ? kt_jump_calibrating : kt_jump_idle;
  double pitch = fabs(config->device_pitch_deg); /* finite, checked above */
  if (pitch > 80) pitch = 80;
  ex->jump.pitch_cos = cos(pitch * 3.14159265358979323846 / 180.0);
  *out = ex;
  return kt_status_ok;
}

void kt_exercise_destroy(kt_exercise* ex) {
  if (!ex) return;
  free(ex->history);
  free(ex->jump.items);
  free(ex->ring.frames);
  free(ex->analyses);
  kt_ex_reference_free(ex);
  free(ex);
}

bool kt_exercise_needs_height(const char* canonical) {
  kt_ex_def* def = malloc(sizeof(*def));
  char err[8];
  const bool needs = def &&
                     kt_ex_def_parse(kt_exercise_definition_json(canonical), kt_difficulty_medium, def, err,
                                     sizeof(err)) == kt_status_ok &&
                     kt_ex_def_needs_height(def);
  free(def);
  return needs;
}

const char* kt_exercise_id(const kt_exercise* ex) { return ex ? ex->config.id : NULL; }
int kt_exercise_kind_of(const kt_exercise* ex) { return ex ? ex->def.kind : -1; }

bool kt_ex_history_add(kt_exercise* ex, const kt_msg_history* h) {
  if (ex->nhistory >= KT_EX_MAX_HISTORY) return false;
  ex->history[ex->nhistory++] = *h;
  return true;
}

kt_status kt_ex_send_progress(int* last, int value, double ts, cJSON* list) {
  if (value == *last) return kt_status_ok;
  *last = value;
  return kt_msg_progression(list, ts, value);
}

kt_status kt_exercise_update(kt_exercise* ex, const kt_keypoint kps[KT_NUM_KEYPOINTS], int32_t width,
                             int32_t height, double timestamp_ms, cJSON* list, int want_progression,
                             int want_recommendations) {
  if (!ex || !kps || !list || width < 1 || height < 1 || !isfinite(timestamp_ms))
    return kt_fail(kt_status_invalid_argument, "bad exercise frame");
  if (ex->finished) return kt_fail(kt_status_invalid_state, "exercise already finished");
  if (ex->started && timestamp_ms < ex->last_ms)
    return kt_fail(kt_status_invalid_argument, "timestamps go backwards");
  if (!ex->started) ex->first_ms = timestamp_ms, ex->started = true;
  ex->last_ms = timestamp_ms;
  kt_frame* f = &ex->frame;
  f->kps = kps;
  f->w = width;
  f->h = height;
  f->ts = timestamp_ms;
  f->floor = kt_ex_confidence_floor(&ex->confidence, f, ex->def.min_score);
  kt_ex_metrics_compute(&ex->def, f, &ex->metrics);
  kt_ex_view_update(&ex->view, f, f->floor);
  kt_status s;
  const bool was_ready = ex->placement.ready;
  const bool placed =
      kt_ex_placement_update(&ex->def, &ex->placement, f, ex->view.view, ex->config.placement_padding, list, &s);
  if (s != kt_status_ok) return s;
  if (placed || !ex->kind->needs_placement) s = ex->kind->update(ex, list, want_progression);
  else if (was_ready && ex->kind->interrupt) ex->kind->interrupt(ex); /* back to placement: abandon what ran */
  if (s == kt_status_ok && want_recommendations)
    s = kt_ex_cues_emit(&ex->def, &ex->cues, timestamp_ms, list);
  return s;
}

kt_status kt_exercise_finish(kt_exercise* ex, double timestamp_ms, cJSON* list) {
  if (!ex || !list || !isfinite(timestamp_ms)) return kt_fail(kt_status_invalid_argument, "bad finish");
  if (ex->finished) return kt_fail(kt_status_invalid_state, "exercise already finished");
  ex->finished = true;
  const double end = timestamp_ms > ex->last_ms ? timestamp_ms : ex->last_ms;
  if (ex->kind->flush) {
    const kt_status fs = ex->kind->flush(ex, end, list);
    if (fs != kt_status_ok) return fs;
  }
  kt_ex_result r = {0, NAN, 0, false, {0, 0, 0}};
  ex->kind->result(ex, &r);
  const double duration = ex->started ? end - ex->first_ms : 0;
  kt_status s = kt_msg_counter(list, end, r.count, r.has_form ? &r.form : NULL, true);
  if (s != kt_status_ok) return s;
  cJSON* recs = kt_ex_cues_summary(&ex->def, &ex->cues);
  if (!recs) return kt_status_out_of_memory;
  s = kt_msg_exercise_summary(list, end, ex->config.id, r.count, r.avg, r.grade, duration, ex->history, ex->nhistory,
                              recs);
  if (s != kt_status_ok) return s;
  cJSON* summary = NULL;
  cJSON* m;
  cJSON_ArrayForEach(m, list) summary = m; /* the one just appended */
  s = kt_ex_analysis_summary(ex, summary);
  if (s == kt_status_ok && ex->kind->summary) s = ex->kind->summary(ex, summary);
  return s;
}
