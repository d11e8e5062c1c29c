/* definition_kinds.c — the kind-specific parts of a definition: rep,
 * form, hold, jump (format in exercises/README.md). */
#include <math.h>
#include <string.h>

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
  x->sym_metric = x->stab_metric = -1;
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

