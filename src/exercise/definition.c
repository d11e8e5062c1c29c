/* definition.c — compiles an exercise definition (JSON, format in
 * exercises/README.md) into the fixed structures of engine_internal.h,
 * resolving every per-difficulty threshold once. Runs at creation only. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exercise/catalog.h"
#include "exercise/engine_internal.h"

typedef struct parser {
  kt_ex_def* def;
  kt_difficulty difficulty;
  char* err;
  size_t err_len;
  bool failed;
} parser;

static void fail(parser* p, const char* fmt, ...) {
  if (p->failed) return;
  p->failed = true;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err, p->err_len, fmt, ap);
  va_end(ap);
}

/* The index of `name` in table[0..n), or -1. */
static int pick(const char* name, const char* const* table, int n) {
  for (int i = 0; i < n; i++)
    if (strcmp(name, table[i]) == 0) return i;
  return -1;
}

static const char* const kSideless[] = {"shoulder", "elbow", "wrist", "hip", "knee", "ankle", "eye", "ear"};

/* A keypoint name: a COCO name (both sides the same id), or a sideless
 * name ("knee") giving left and right ids. Returns false when unknown. */
static bool keypoint_ids(const char* name, int8_t ids[2], bool* sided) {
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    if (strcmp(kt_keypoint_name(i), name) == 0) {
      ids[0] = ids[1] = (int8_t)i;
      return true;
    }
  }
  for (size_t i = 0; i < sizeof(kSideless) / sizeof(kSideless[0]); i++) {
    if (strcmp(kSideless[i], name) == 0) {
      char full[32];
      snprintf(full, sizeof(full), "left_%s", name);
      for (int k = 0; k < KT_NUM_KEYPOINTS; k++) {
        if (strcmp(kt_keypoint_name(k), full) == 0) {
          ids[0] = (int8_t)k;
          ids[1] = (int8_t)(k + 1); /* COCO: right = left + 1 */
          *sided = true;
          return true;
        }
      }
    }
  }
  return false;
}

/* A number, or {easy, medium, hard} resolved for the difficulty. */
static bool level(parser* p, const cJSON* v, double* out, const char* what) {
  if (cJSON_IsNumber(v)) {
    *out = v->valuedouble;
    return true;
  }
  if (cJSON_IsObject(v)) {
    static const char* const names[3] = {"easy", "medium", "hard"};
    const cJSON* x = cJSON_GetObjectItemCaseSensitive(v, names[p->difficulty]);
    if (cJSON_IsNumber(x)) {
      *out = x->valuedouble;
      return true;
    }
  }
  fail(p, "%s: a number or {easy, medium, hard} expected", what);
  return false;
}

static double opt_number(parser* p, const cJSON* obj, const char* key, double dflt) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v) return dflt;
  double out = dflt;
  level(p, v, &out, key);
  return out;
}

static int metric_index(parser* p, const cJSON* v, const char* what) {
  if (!cJSON_IsString(v)) {
    fail(p, "%s: a metric name expected", what);
    return -1;
  }
  for (int i = 0; i < p->def->nmetrics; i++)
    if (strcmp(p->def->metrics[i].name, v->valuestring) == 0) return i;
  fail(p, "%s: unknown metric '%s'", what, v->valuestring);
  return -1;
}

static void parse_metric(parser* p, const cJSON* m) {
  kt_ex_def* d = p->def;
  if (d->nmetrics >= KT_EX_MAX_METRICS) {
    fail(p, "more than %d metrics", KT_EX_MAX_METRICS);
    return;
  }
  kt_ex_metric* x = &d->metrics[d->nmetrics++];
  memset(x, 0, sizeof(*x));
  if (strlen(m->string) >= sizeof(x->name)) {
    fail(p, "metric name '%s' too long", m->string);
    return;
  }
  strcpy(x->name, m->string);
  const cJSON* type = cJSON_GetObjectItemCaseSensitive(m, "type");
  static const char* const types[] = {"angle", "incline", "dy", "dx"}; /* kt_metric_type */
  const int t = pick(cJSON_IsString(type) ? type->valuestring : "", types, 4);
  if (t < 0) {
    fail(p, "metric %s: type must be angle, incline, dy or dx", x->name);
    return;
  }
  x->type = (kt_metric_type)t;
  x->npts = x->type == kt_metric_angle ? 3 : 2;
  const cJSON* pts = cJSON_GetObjectItemCaseSensitive(m, "points");
  if (!cJSON_IsArray(pts) || cJSON_GetArraySize(pts) != x->npts) {
    fail(p, "metric %s: %d points expected", x->name, x->npts);
    return;
  }
  for (int i = 0; i < x->npts; i++) {
    const cJSON* n = cJSON_GetArrayItem(pts, i);
    int8_t ids[2];
    if (!cJSON_IsString(n) || !keypoint_ids(n->valuestring, ids, &x->sided)) {
      fail(p, "metric %s: unknown keypoint", x->name);
      return;
    }
    x->pts[0][i] = ids[0];
    x->pts[1][i] = ids[1];
  }
  x->ref[0][0] = x->ref[1][0] = -1;
  const cJSON* ref = cJSON_GetObjectItemCaseSensitive(m, "ref");
  if (ref) {
    if (!cJSON_IsArray(ref) || cJSON_GetArraySize(ref) != 2) {
      fail(p, "metric %s: ref must be two keypoints", x->name);
      return;
    }
    for (int i = 0; i < 2; i++) {
      const cJSON* n = cJSON_GetArrayItem(ref, i);
      int8_t ids[2];
      bool sided = false;
      if (!cJSON_IsString(n) || !keypoint_ids(n->valuestring, ids, &sided)) {
        fail(p, "metric %s: unknown ref keypoint", x->name);
        return;
      }
      x->ref[0][i] = ids[0];
      x->ref[1][i] = ids[1];
      if (sided) x->sided = true;
    }
  }
  x->absval = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "abs"));
  const cJSON* sides = cJSON_GetObjectItemCaseSensitive(m, "sides");
  const char* s = cJSON_IsString(sides) ? sides->valuestring : "best";
  static const char* const names[] = {"best", "mean", "min", "max", "left", "right"}; /* kt_sides */
  const int si = pick(s, names, 6);
  if (si >= 0) x->sides = (kt_sides)si;
  else fail(p, "metric %s: sides must be best, mean, min, max, left or right", x->name);
  if (!x->sided) x->sides = kt_sides_left; /* fixed keypoints: one value */
}

static void parse_cond(parser* p, const cJSON* c, kt_ex_cond* out, const char* what) {
  memset(out, 0, sizeof(*out));
  out->metric = metric_index(p, cJSON_GetObjectItemCaseSensitive(c, "metric"), what);
  const cJSON* mn = cJSON_GetObjectItemCaseSensitive(c, "min");
  const cJSON* mx = cJSON_GetObjectItemCaseSensitive(c, "max");
  if (mn) out->has_min = level(p, mn, &out->min, what);
  if (mx) out->has_max = level(p, mx, &out->max, what);
  if (!out->has_min && !out->has_max) fail(p, "%s: min or max expected", what);
  double ideal = out->has_min && out->has_max ? (out->min + out->max) / 2 : out->has_min ? out->min : out->max;
  const cJSON* id = cJSON_GetObjectItemCaseSensitive(c, "ideal");
  if (id) level(p, id, &ideal, what);
  out->ideal = ideal;
  double span = 0;
  if (out->has_min) span = fmax(span, fabs(ideal - out->min));
  if (out->has_max) span = fmax(span, fabs(out->max - ideal));
  out->span = span > 1e-9 ? span : 1.0;
}

static void parse_placement(parser* p, const cJSON* pl) {
  kt_ex_placement* x = &p->def->placement;
  if (!cJSON_IsObject(pl)) {
    fail(p, "placement: an object expected");
    return;
  }
  const cJSON* view = cJSON_GetObjectItemCaseSensitive(pl, "view");
  static const char* const views[] = {"any", "face", "profile"}; /* kt_view */
  const int v = pick(cJSON_IsString(view) ? view->valuestring : "any", views, 3);
  if (v >= 0) x->view = (kt_view)v;
  else fail(p, "placement.view must be any, face or profile");
  const cJSON* req = cJSON_GetObjectItemCaseSensitive(pl, "required");
  const cJSON* r;
  cJSON_ArrayForEach(r, req) {
    if (x->nreq >= KT_EX_MAX_REQUIRED || !cJSON_IsString(r)) {
      fail(p, "placement.required: at most %d keypoint names", KT_EX_MAX_REQUIRED);
      return;
    }
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", r->valuestring);
    char* alt = strstr(buf, "||");
    if (alt) *alt = '\0', alt += 2;
    int8_t ids[2];
    bool sided = false;
    if (!keypoint_ids(buf, ids, &sided) || sided) {
      fail(p, "placement.required: unknown keypoint '%s'", buf);
      return;
    }
    x->req[x->nreq][0] = ids[0];
    x->req[x->nreq][1] = -1;
    if (alt) {
      if (!keypoint_ids(alt, ids, &sided) || sided) {
        fail(p, "placement.required: unknown keypoint '%s'", alt);
        return;
      }
      x->req[x->nreq][1] = ids[0];
    }
    x->nreq++;
  }
  const cJSON* reqs = cJSON_GetObjectItemCaseSensitive(pl, "requirements");
  cJSON_ArrayForEach(r, reqs) {
    if (x->nrequirements >= KT_EX_MAX_REQUIREMENTS || !cJSON_IsString(r) ||
        strlen(r->valuestring) >= KT_EX_NAME) {
      fail(p, "placement.requirements: at most %d short strings", KT_EX_MAX_REQUIREMENTS);
      return;
    }
    strcpy(x->requirements[x->nrequirements++], r->valuestring);
  }
  x->frames = (int)opt_number(p, pl, "frames", 8);
  x->lost_ms = opt_number(p, pl, "lost_ms", 1500);
  if (x->frames < 1) x->frames = 1;
}

static void parse_rep(parser* p, const cJSON* r) {
  kt_ex_rep_def* x = &p->def->rep;
  if (!cJSON_IsObject(r)) {
    fail(p, "rep: an object expected");
    return;
  }
  x->metric = metric_index(p, cJSON_GetObjectItemCaseSensitive(r, "metric"), "rep.metric");
  level(p, cJSON_GetObjectItemCaseSensitive(r, "rest"), &x->rest, "rep.rest");
  level(p, cJSON_GetObjectItemCaseSensitive(r, "target"), &x->target, "rep.target");
  if (fabs(x->target - x->rest) < 1e-9) fail(p, "rep: target equals rest");
  const cJSON* top = cJSON_GetObjectItemCaseSensitive(r, "top");
  const cJSON* bottom = cJSON_GetObjectItemCaseSensitive(r, "bottom");
  x->top_enter = opt_number(p, top, "enter", 0.3);
  x->top_exit = opt_number(p, top, "exit", 0.4);
  x->bottom_enter = opt_number(p, bottom, "enter", 1.0);
  x->bottom_exit = opt_number(p, bottom, "exit", 0.85);
  if (!(x->top_enter < x->top_exit && x->top_exit < x->bottom_exit && x->bottom_exit < x->bottom_enter))
    fail(p, "rep: thresholds must satisfy top.enter < top.exit < bottom.exit < bottom.enter");
  x->min_rep_ms = opt_number(p, r, "min_rep_ms", 500);
  x->max_rep_ms = opt_number(p, r, "max_rep_ms", 15000);
  x->lost_ms = opt_number(p, r, "lost_ms", 2000);
  x->median = (int)opt_number(p, r, "median", 3);
  if (x->median < 1 || x->median > KT_EX_MEDIAN || x->median % 2 == 0) fail(p, "rep.median: 1, 3 or 5");
  const cJSON* g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(r, "gate")) {
    if (x->ngate >= KT_EX_MAX_CONDS) {
      fail(p, "rep.gate: at most %d conditions", KT_EX_MAX_CONDS);
      return;
    }
    parse_cond(p, g, &x->gate[x->ngate++], "rep.gate");
  }
}

static void parse_form(parser* p, const cJSON* f) {
  kt_ex_form_def* x = &p->def->form;
  x->sym_metric = x->stab_metric = -1;
  x->rom_ideal = 1.2;
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
    x->w_rom = opt_number(p, rom, "weight", 0);
    x->rom_ideal = opt_number(p, rom, "ideal", 1.2);
  }
  if (sym) {
    x->w_sym = opt_number(p, sym, "weight", 0);
    x->sym_tol = opt_number(p, sym, "tolerance", 30);
    x->sym_metric = metric_index(p, cJSON_GetObjectItemCaseSensitive(sym, "metric"), "form.symmetry.metric");
  }
  if (tempo) {
    x->w_tempo = opt_number(p, tempo, "weight", 0);
    x->tempo_min_ms = opt_number(p, tempo, "min_ms", 1000);
    x->tempo_max_ms = opt_number(p, tempo, "max_ms", 6000);
  }
  if (stab) {
    x->w_stab = opt_number(p, stab, "weight", 0);
    x->stab_tol = opt_number(p, stab, "tolerance", 20);
    x->stab_metric = metric_index(p, cJSON_GetObjectItemCaseSensitive(stab, "metric"), "form.stability.metric");
  }
  if (x->rom_ideal <= 0 || x->sym_tol <= 0 || x->stab_tol <= 0 || x->tempo_min_ms <= 0 ||
      x->tempo_max_ms < x->tempo_min_ms)
    fail(p, "form: ideal, tolerances and tempo bounds must be positive");
}

static void parse_hold(parser* p, const cJSON* h) {
  kt_ex_hold_def* x = &p->def->hold;
  if (!cJSON_IsObject(h)) {
    fail(p, "hold: an object expected");
    return;
  }
  const cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(h, "conditions")) {
    if (x->ncond >= KT_EX_MAX_CONDS) {
      fail(p, "hold.conditions: at most %d", KT_EX_MAX_CONDS);
      return;
    }
    parse_cond(p, c, &x->cond[x->ncond++], "hold.conditions");
  }
  if (x->ncond == 0) fail(p, "hold.conditions: at least one condition");
  x->grace_ms = opt_number(p, h, "grace_ms", 1000);
}

static void parse_jump(parser* p, const cJSON* j) {
  kt_ex_jump_def* x = &p->def->jump;
  if (!cJSON_IsObject(j)) {
    fail(p, "jump: an object expected");
    return;
  }
  const cJSON* mode = cJSON_GetObjectItemCaseSensitive(j, "mode");
  static const char* const modes[] = {"calibrated", "air_time"}; /* kt_jump_mode */
  const int m = pick(cJSON_IsString(mode) ? mode->valuestring : "", modes, 2);
  if (m >= 0) x->mode = (kt_jump_mode)m;
  else fail(p, "jump.mode must be calibrated or air_time");
  x->min_score = opt_number(p, j, "min_score", 0.5);
  x->trigger_cm = opt_number(p, j, "trigger_cm", 5);
  x->land_cm = opt_number(p, j, "land_cm", 3);
  x->takeoff_ratio = opt_number(p, j, "takeoff_ratio", 0.12);
  x->stable_ratio = opt_number(p, j, "stable_ratio", 0.03);
  x->landing_frames = (int)opt_number(p, j, "landing_frames", 3);
  x->min_height_cm = opt_number(p, j, "min_height_cm", 10);
  x->cooldown_ms = opt_number(p, j, "cooldown_ms", 200);
  x->timeout_ms = opt_number(p, j, "timeout_ms", 2000);
  x->lost_ms = opt_number(p, j, "lost_ms", 300);
  x->calibration_frames = (int)opt_number(p, j, "calibration_frames", 15);
  x->calibration_tolerance = opt_number(p, j, "calibration_tolerance", 0.02);
  x->moved_ratio = opt_number(p, j, "moved_ratio", 0.2);
  if (x->landing_frames < 1) x->landing_frames = 1;
  if (x->calibration_frames < 1) x->calibration_frames = 1;
}

static void parse_cues(parser* p, const cJSON* cues) {
  kt_ex_def* d = p->def;
  const cJSON* c;
  cJSON_ArrayForEach(c, cues) {
    if (d->ncues >= KT_EX_MAX_CUES) {
      fail(p, "cues: at most %d", KT_EX_MAX_CUES);
      return;
    }
    kt_ex_cue* x = &d->cues[d->ncues++];
    memset(x, 0, sizeof(*x));
    x->metric = -1;
    const cJSON* on = cJSON_GetObjectItemCaseSensitive(c, "on");
    static const char* const ons[] = {"rep", "half_rep", "hold"}; /* kt_cue_on */
    const int o = pick(cJSON_IsString(on) ? on->valuestring : "", ons, 3);
    if (o < 0) {
      fail(p, "cues[].on must be rep, half_rep or hold");
      return;
    }
    x->on = (kt_cue_on)o;
    const cJSON* text = cJSON_GetObjectItemCaseSensitive(c, "text");
    if (!cJSON_IsString(text) || strlen(text->valuestring) >= KT_EX_TEXT) {
      fail(p, "cues[].text: a string shorter than %d bytes", KT_EX_TEXT);
      return;
    }
    strcpy(x->text, text->valuestring);
    if (x->on == kt_cue_on_half_rep) continue;
    x->metric = metric_index(p, cJSON_GetObjectItemCaseSensitive(c, "metric"), "cues[].metric");
    const cJSON* at = cJSON_GetObjectItemCaseSensitive(c, "at");
    const char* a = cJSON_IsString(at) ? at->valuestring : "mean";
    static const char* const ats[] = {"bottom", "top", "min", "max", "mean"}; /* kt_cue_at */
    const int ai = pick(a, ats, 5);
    if (ai >= 0) x->at = (kt_cue_at)ai;
    else fail(p, "cues[].at must be bottom, top, min, max or mean");
    const cJSON* op = cJSON_GetObjectItemCaseSensitive(c, "op");
    if (!cJSON_IsString(op) || (strcmp(op->valuestring, "<") && strcmp(op->valuestring, ">"))) {
      fail(p, "cues[].op must be < or >");
      return;
    }
    x->less = op->valuestring[0] == '<';
    level(p, cJSON_GetObjectItemCaseSensitive(c, "value"), &x->value, "cues[].value");
  }
}

kt_status kt_ex_def_parse(const char* json, kt_difficulty difficulty, kt_ex_def* def, char* err, size_t err_len) {
  parser p = {def, difficulty, err, err_len, false};
  memset(def, 0, sizeof(*def));
  if (err_len) err[0] = '\0';
  cJSON* root = cJSON_Parse(json);
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    snprintf(err, err_len, "definition is not a JSON object");
    return kt_status_model_format;
  }
  const cJSON* id = cJSON_GetObjectItemCaseSensitive(root, "id");
  const cJSON* kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
  if (!cJSON_IsString(id) || strlen(id->valuestring) >= sizeof(def->id)) fail(&p, "id: a short string expected");
  else strcpy(def->id, id->valuestring);
  static const char* const kinds[] = {"rep", "hold", "jump"}; /* kt_exercise_kind */
  const int k = pick(cJSON_IsString(kind) ? kind->valuestring : "", kinds, 3);
  if (k >= 0) def->kind = k;
  else fail(&p, "kind must be rep, hold or jump");
  def->min_score = opt_number(&p, root, "confidence", 0.3);
  const cJSON* m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(root, "metrics")) parse_metric(&p, m);
  parse_placement(&p, cJSON_GetObjectItemCaseSensitive(root, "placement"));
  if (!p.failed) {
    if (def->kind == kt_exercise_kind_rep) {
      parse_rep(&p, cJSON_GetObjectItemCaseSensitive(root, "rep"));
      parse_form(&p, cJSON_GetObjectItemCaseSensitive(root, "form"));
    } else if (def->kind == kt_exercise_kind_hold) {
      parse_hold(&p, cJSON_GetObjectItemCaseSensitive(root, "hold"));
    } else {
      parse_jump(&p, cJSON_GetObjectItemCaseSensitive(root, "jump"));
    }
  }
  if (!p.failed) parse_cues(&p, cJSON_GetObjectItemCaseSensitive(root, "cues"));
  cJSON_Delete(root);
  return p.failed ? kt_status_model_format : kt_status_ok;
}

bool kt_ex_def_needs_height(const kt_ex_def* def) {
  return def->kind == kt_exercise_kind_jump && def->jump.mode == kt_jump_calibrated;
}
