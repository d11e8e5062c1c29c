/* definition_kinds.c — the kind-specific parts of a definition: rep,
 * form, hold, jump (format in exercises/README.md). */
#include <math.h>
#include <string.h>

#include "exercise/catalog.h"
#include "exercise/definition_parser.h"

static void parse_signal(kt_def_parser* p, const cJSON* js, kt_ex_signal* out) {
  memset(out, 0, sizeof(*out));
  out->metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(js, "metric"), "rep.signals[].metric");
  kt_def_level(p, cJSON_GetObjectItemCaseSensitive(js, "rest"), &out->rest, "rep.signals[].rest");
  kt_def_level(p, cJSON_GetObjectItemCaseSensitive(js, "target"), &out->target, "rep.signals[].target");
  if (!p->failed && !(fabs(out->target - out->rest) > 1e-9)) kt_def_fail(p, "rep.signals[]: target equals rest");
  const cJSON* views = cJSON_GetObjectItemCaseSensitive(js, "views");
  const cJSON* v;
  static const char* const names[] = {"face", "oblique", "profile"};
  static const kt_view ids[] = {kt_view_face, kt_view_oblique, kt_view_profile};
  if (views && !cJSON_IsArray(views)) kt_def_fail(p, "rep.signals[].views: an array of face, oblique, profile");
  cJSON_ArrayForEach(v, views) {
    const int i = kt_def_pick(cJSON_IsString(v) ? v->valuestring : "", names, 3);
    if (i < 0) kt_def_fail(p, "rep.signals[].views: face, oblique or profile expected");
    else out->views |= KT_VIEW_BIT(ids[i]);
  }
  const cJSON* g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(js, "gate")) {
    if (out->ngate >= KT_EX_MAX_CONDS) {
      kt_def_fail(p, "rep.signals[].gate: at most %d conditions", KT_EX_MAX_CONDS);
      return;
    }
    kt_def_cond(p, g, &out->gate[out->ngate++], "rep.signals[].gate");
  }
}

void kt_def_parse_rep(kt_def_parser* p, const cJSON* r) {
  kt_ex_rep_def* x = &p->def->rep;
  if (!cJSON_IsObject(r)) {
    kt_def_fail(p, "rep: an object expected");
    return;
  }
  const cJSON* signals = cJSON_GetObjectItemCaseSensitive(r, "signals");
  const cJSON* sig;
  cJSON_ArrayForEach(sig, signals) {
    if (x->nsignals >= KT_EX_MAX_SIGNALS) {
      kt_def_fail(p, "rep.signals: at most %d", KT_EX_MAX_SIGNALS);
      return;
    }
    parse_signal(p, sig, &x->signals[x->nsignals++]);
  }
  if (x->nsignals == 0) kt_def_fail(p, "rep.signals: at least one signal");
  const cJSON* sides = cJSON_GetObjectItemCaseSensitive(r, "sides");
  static const char* const side_names[] = {"both", "alternate", "together", "either"}; /* kt_rep_sides */
  const int si = kt_def_pick(cJSON_IsString(sides) ? sides->valuestring : "both", side_names, 4);
  if (si >= 0) x->sides = (kt_rep_sides)si;
  else kt_def_fail(p, "rep.sides must be both, alternate, together or either");
  kt_track_params* t = &x->track;
  /* The defaults and why they are what they are: exercises/README.md. */
  t->min_rom = kt_def_number(p, r, "min_rom", 0.5);
  t->consistency = kt_def_number(p, r, "consistency", 0.5);
  t->return_frac = kt_def_number(p, r, "return", 0.7);
  t->noise = kt_def_number(p, r, "noise", 0.1);
  t->attempt = kt_def_number(p, r, "attempt", t->min_rom / 2);
  t->start_band = kt_def_number(p, r, "start_band", 0.4);
  t->min_ms = kt_def_number(p, r, "min_rep_ms", 400);
  t->max_ms = kt_def_number(p, r, "max_rep_ms", 15000);
  t->lost_ms = kt_def_number(p, r, "lost_ms", 2000);
  if (!(t->min_rom > 0 && t->consistency >= 0 && t->consistency <= 1 && t->return_frac > 0 &&
        t->return_frac < 1 && t->noise > 0 && t->noise < t->min_rom && t->attempt >= 0 && t->min_ms >= 0 &&
        t->max_ms > t->min_ms && t->lost_ms > 0))
    kt_def_fail(p, "rep: need min_rom > noise > 0, consistency in 0..1, return in (0, 1), "
                   "attempt >= 0, 0 <= min_rep_ms < max_rep_ms, lost_ms > 0");
  const cJSON* g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(r, "gate")) {
    if (x->ngate >= KT_EX_MAX_CONDS) {
      kt_def_fail(p, "rep.gate: at most %d conditions", KT_EX_MAX_CONDS);
      return;
    }
    kt_def_cond(p, g, &x->gate[x->ngate++], "rep.gate");
  }
}

void kt_def_parse_form(kt_def_parser* p, const cJSON* f) {
  kt_ex_form_def* x = &p->def->form;
  x->sym_metric = x->stab_metric = x->peak_metric = -1;
  x->rom_ideal = 1.0;
  x->sym_tol = 30;
  x->stab_tol = 20;
  x->tempo_min_ms = 1000;
  x->tempo_max_ms = 6000;
  if (!f) return;
  const cJSON* rom = cJSON_GetObjectItemCaseSensitive(f, "rom");
  const cJSON* sym = cJSON_GetObjectItemCaseSensitive(f, "symmetry");
  const cJSON* tempo = cJSON_GetObjectItemCaseSensitive(f, "tempo");
  const cJSON* stab = cJSON_GetObjectItemCaseSensitive(f, "stability");
  const cJSON* peak = cJSON_GetObjectItemCaseSensitive(f, "peak");
  if (peak) {
    x->w_peak = kt_def_number(p, peak, "weight", 0);
    x->peak_metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(peak, "metric"), "form.peak.metric");
    kt_def_level(p, cJSON_GetObjectItemCaseSensitive(peak, "worst"), &x->peak_worst, "form.peak.worst");
    kt_def_level(p, cJSON_GetObjectItemCaseSensitive(peak, "best"), &x->peak_best, "form.peak.best");
    if (!p->failed && fabs(x->peak_best - x->peak_worst) < 1e-9) kt_def_fail(p, "form.peak: best equals worst");
  }
  if (rom) {
    x->w_rom = kt_def_number(p, rom, "weight", 0);
    x->rom_ideal = kt_def_number(p, rom, "ideal", 1.0);
  }
  if (sym) {
    x->w_sym = kt_def_number(p, sym, "weight", 0);
    x->sym_tol = kt_def_number(p, sym, "tolerance", 30);
    x->sym_metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(sym, "metric"), "form.symmetry.metric");
  }
  if (tempo) {
    x->w_tempo = kt_def_number(p, tempo, "weight", 0);
    x->tempo_min_ms = kt_def_number(p, tempo, "min_ms", 1000);
    x->tempo_max_ms = kt_def_number(p, tempo, "max_ms", 6000);
  }
  if (stab) {
    x->w_stab = kt_def_number(p, stab, "weight", 0);
    x->stab_tol = kt_def_number(p, stab, "tolerance", 20);
    x->stab_metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(stab, "metric"), "form.stability.metric");
  }
  if (x->rom_ideal <= 0 || x->sym_tol <= 0 || x->stab_tol <= 0 || x->tempo_min_ms <= 0 ||
      x->tempo_max_ms < x->tempo_min_ms)
    kt_def_fail(p, "form: ideal, tolerances and tempo bounds must be positive");
}

void kt_def_parse_hold(kt_def_parser* p, const cJSON* h) {
  kt_ex_hold_def* x = &p->def->hold;
  if (!cJSON_IsObject(h)) {
    kt_def_fail(p, "hold: an object expected");
    return;
  }
  const cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(h, "conditions")) {
    if (x->ncond >= KT_EX_MAX_CONDS) {
      kt_def_fail(p, "hold.conditions: at most %d", KT_EX_MAX_CONDS);
      return;
    }
    kt_def_cond(p, c, &x->cond[x->ncond], "hold.conditions");
    if (x->cond[x->ncond++].side >= 0) x->one_sided = true;
  }
  if (x->ncond == 0) kt_def_fail(p, "hold.conditions: at least one condition");
  x->grace_ms = kt_def_number(p, h, "grace_ms", 1000);
  x->release = kt_def_number(p, h, "release", 0.1);
  x->settle_ms = kt_def_number(p, h, "settle_ms", 0);
  x->settle = kt_def_number(p, h, "settle", 0.3);
  if (!(x->settle_ms >= 0 && x->settle_ms <= 10000 && x->settle > 0)) kt_def_fail(p, "hold: settle_ms in 0..10000, settle > 0");
  if (!(x->grace_ms >= 0 && x->release >= 0 && x->release <= 1)) kt_def_fail(p, "hold: grace_ms >= 0, release in 0..1");
}

void kt_def_parse_jump(kt_def_parser* p, const cJSON* j) {
  kt_ex_jump_def* x = &p->def->jump;
  if (!cJSON_IsObject(j)) {
    kt_def_fail(p, "jump: an object expected");
    return;
  }
  const cJSON* mode = cJSON_GetObjectItemCaseSensitive(j, "mode");
  static const char* const modes[] = {"calibrated", "air_time"}; /* kt_jump_mode */
  const int m = kt_def_pick(cJSON_IsString(mode) ? mode->valuestring : "", modes, 2);
  if (m >= 0) x->mode = (kt_jump_mode)m;
  else kt_def_fail(p, "jump.mode must be calibrated or air_time");
  x->min_score = kt_def_number(p, j, "min_score", 0.5);
  x->trigger_cm = kt_def_number(p, j, "trigger_cm", 5);
  x->land_cm = kt_def_number(p, j, "land_cm", 3);
  x->takeoff_ratio = kt_def_number(p, j, "takeoff_ratio", 0.12);
  x->stable_ratio = kt_def_number(p, j, "stable_ratio", 0.03);
  x->landing_frames = kt_def_int(p, j, "landing_frames", 3, 1, 1000);
  x->min_height_cm = kt_def_number(p, j, "min_height_cm", 10);
  x->cooldown_ms = kt_def_number(p, j, "cooldown_ms", 200);
  x->timeout_ms = kt_def_number(p, j, "timeout_ms", 2000);
  x->lost_ms = kt_def_number(p, j, "lost_ms", 300);
  x->calibration_frames = kt_def_int(p, j, "calibration_frames", 15, 1, 10000);
  x->calibration_tolerance = kt_def_number(p, j, "calibration_tolerance", 0.02);
  x->moved_ratio = kt_def_number(p, j, "moved_ratio", 0.2);

}


/* ---------------------------------------------------------------- analysis */

static void copy_text(kt_def_parser* p, const cJSON* obj, const char* key, char* out, size_t cap, bool required) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v && !required) return;
  if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap) {
    kt_def_fail(p, "analysis.%s: a string shorter than %zu bytes expected", key, cap);
    return;
  }
  strcpy(out, v->valuestring);
}

static bool copy_name(kt_def_parser* p, const char* name, char* out, const char* what) {
  if (!name || strlen(name) >= KT_EX_NAME) {
    kt_def_fail(p, "%s: a name shorter than %d bytes expected", what, KT_EX_NAME);
    return false;
  }
  strcpy(out, name);
  return true;
}

void kt_def_parse_analysis(kt_def_parser* p, const cJSON* a) {
  kt_ex_analysis_def* x = &p->def->analysis;
  x->camera_metric = x->interp_metric = x->reading_metric = -1;
  if (!a) return;
  if (!cJSON_IsObject(a) || p->def->kind != kt_exercise_kind_rep) {
    kt_def_fail(p, "analysis: an object, for a rep exercise");
    return;
  }
  x->on = true;
  copy_text(p, a, "method", x->method, sizeof(x->method), true);
  copy_text(p, a, "disclaimer", x->disclaimer, sizeof(x->disclaimer), true);
  const cJSON* it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(a, "peaks")) {
    if (x->npeaks >= KT_EX_MAX_PEAKS || !copy_name(p, it->string, x->peak_name[x->npeaks], "analysis.peaks")) {
      kt_def_fail(p, "analysis.peaks: at most %d named metrics", KT_EX_MAX_PEAKS);
      return;
    }
    x->peak_metric[x->npeaks++] = kt_def_metric(p, it, "analysis.peaks");
  }
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(a, "flags")) {
    if (x->nflags >= KT_EX_MAX_FLAGS) {
      kt_def_fail(p, "analysis.flags: at most %d", KT_EX_MAX_FLAGS);
      return;
    }
    const cJSON* name = cJSON_GetObjectItemCaseSensitive(it, "name");
    if (!copy_name(p, cJSON_IsString(name) ? name->valuestring : NULL, x->flag_name[x->nflags], "analysis.flags[].name"))
      return;
    kt_def_cond(p, it, &x->flag[x->nflags++], "analysis.flags[]");
  }
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(a, "constants")) {
    if (x->nconsts >= KT_EX_MAX_CONSTS || !copy_name(p, it->string, x->const_name[x->nconsts], "analysis.constants")) {
      kt_def_fail(p, "analysis.constants: at most %d named numbers", KT_EX_MAX_CONSTS);
      return;
    }
    kt_def_level(p, it, &x->const_value[x->nconsts++], "analysis.constants");
  }
  const cJSON* cam = cJSON_GetObjectItemCaseSensitive(a, "camera");
  if (cam) {
    x->camera_metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(cam, "metric"), "analysis.camera.metric");
    kt_def_level(p, cJSON_GetObjectItemCaseSensitive(cam, "ground_below"), &x->camera_ground, "analysis.camera.ground_below");
    kt_def_level(p, cJSON_GetObjectItemCaseSensitive(cam, "high_above"), &x->camera_high, "analysis.camera.high_above");
    kt_def_level(p, cJSON_GetObjectItemCaseSensitive(cam, "neutral"), &x->camera_neutral, "analysis.camera.neutral");
  }
  const cJSON* in = cJSON_GetObjectItemCaseSensitive(a, "interpretation");
  if (in) {
    x->interp_metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(in, "metric"), "analysis.interpretation.metric");
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(in, "bands")) {
      if (x->nbands >= KT_EX_MAX_BANDS) {
        kt_def_fail(p, "analysis.interpretation.bands: at most %d", KT_EX_MAX_BANDS);
        return;
      }
      kt_ex_band* b = &x->band[x->nbands++];
      b->min = -INFINITY;
      if (cJSON_GetObjectItemCaseSensitive(it, "min")) kt_def_level(p, cJSON_GetObjectItemCaseSensitive(it, "min"), &b->min, "analysis.interpretation.bands[].min");
      copy_text(p, it, "tone", b->tone, sizeof(b->tone), true);
      copy_text(p, it, "title", b->title, sizeof(b->title), true);
      copy_text(p, it, "text", b->text, sizeof(b->text), true);
    }
    if (x->nbands == 0) kt_def_fail(p, "analysis.interpretation.bands: at least one band");
  }
  const cJSON* rd = cJSON_GetObjectItemCaseSensitive(a, "reading");
  if (rd) x->reading_metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(rd, "metric"), "analysis.reading.metric");
}
