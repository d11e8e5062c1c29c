/* definition.c — compiles an exercise definition (JSON, format in
 * exercises/README.md) into the fixed structures of engine_internal.h,
 * resolving every per-difficulty threshold once. Runs at creation only. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exercise/catalog.h"
#include "exercise/definition_parser.h"


void kt_def_fail(kt_def_parser* p, const char* fmt, ...) {
  if (p->failed) return;
  p->failed = true;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err, p->err_len, fmt, ap);
  va_end(ap);
}

int kt_def_pick(const char* name, const char* const* table, int n) {
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

bool kt_def_level(kt_def_parser* p, const cJSON* v, double* out, const char* what) {
  if (cJSON_IsObject(v)) {
    static const char* const names[3] = {"easy", "medium", "hard"};
    v = cJSON_GetObjectItemCaseSensitive(v, names[p->difficulty]);
  }
  /* |x| <= 1e9: no threshold of a pose is larger, and the engine's
   * arithmetic on them stays finite. */
  if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && fabs(v->valuedouble) <= 1e9) {
    *out = v->valuedouble;
    return true;
  }
  kt_def_fail(p, "%s: a number (at most 1e9) or {easy, medium, hard} expected", what);
  return false;
}

int kt_def_int(kt_def_parser* p, const cJSON* obj, const char* key, int dflt, int lo, int hi) {
  const double v = kt_def_number(p, obj, key, dflt);
  if (!(v >= lo && v <= hi && v == floor(v))) {
    kt_def_fail(p, "%s: a whole number in %d..%d expected", key, lo, hi);
    return dflt;
  }
  return (int)v;
}

double kt_def_number(kt_def_parser* p, const cJSON* obj, const char* key, double dflt) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v) return dflt;
  double out = dflt;
  kt_def_level(p, v, &out, key);
  return out;
}

int kt_def_metric(kt_def_parser* p, const cJSON* v, const char* what) {
  if (!cJSON_IsString(v)) {
    kt_def_fail(p, "%s: a metric name expected", what);
    return -1;
  }
  for (int i = 0; i < p->def->nmetrics; i++)
    if (strcmp(p->def->metrics[i].name, v->valuestring) == 0) return i;
  kt_def_fail(p, "%s: unknown metric '%s'", what, v->valuestring);
  return -1;
}

static void parse_metric(kt_def_parser* p, const cJSON* m) {
  kt_ex_def* d = p->def;
  if (d->nmetrics >= KT_EX_MAX_METRICS) {
    kt_def_fail(p, "more than %d metrics", KT_EX_MAX_METRICS);
    return;
  }
  kt_ex_metric* x = &d->metrics[d->nmetrics++];
  memset(x, 0, sizeof(*x));
  if (!m->string || !cJSON_IsObject(m)) {
    kt_def_fail(p, "metrics: an object of named metric objects expected");
    return;
  }
  if (strlen(m->string) >= sizeof(x->name)) {
    kt_def_fail(p, "metric name '%s' too long", m->string);
    return;
  }
  strcpy(x->name, m->string);
  const cJSON* type = cJSON_GetObjectItemCaseSensitive(m, "type");
  static const char* const types[] = {"angle", "incline", "dy", "dx", "distance", "tilt", "lift"}; /* kt_metric_type */
  const int t = kt_def_pick(cJSON_IsString(type) ? type->valuestring : "", types, 7);
  if (t < 0) {
    kt_def_fail(p, "metric %s: type must be angle, incline, dy, dx, distance, tilt or lift", x->name);
    return;
  }
  x->type = (kt_metric_type)t;
  x->npts = x->type == kt_metric_angle ? 3 : x->type == kt_metric_lift ? 1 : 2;
  const cJSON* pts = cJSON_GetObjectItemCaseSensitive(m, "points");
  if (!cJSON_IsArray(pts) || cJSON_GetArraySize(pts) != x->npts) {
    kt_def_fail(p, "metric %s: %d points expected", x->name, x->npts);
    return;
  }
  for (int i = 0; i < x->npts; i++) {
    const cJSON* n = cJSON_GetArrayItem(pts, i);
    int8_t ids[2];
    if (!cJSON_IsString(n) || !keypoint_ids(n->valuestring, ids, &x->sided)) {
      kt_def_fail(p, "metric %s: unknown keypoint", x->name);
      return;
    }
    x->pts[0][i] = ids[0];
    x->pts[1][i] = ids[1];
  }
  x->ref[0][0] = x->ref[1][0] = -1;
  const cJSON* ref = cJSON_GetObjectItemCaseSensitive(m, "ref");
  const bool scaled = x->type == kt_metric_dy || x->type == kt_metric_dx || x->type == kt_metric_distance;
  if (cJSON_IsString(ref) && strcmp(ref->valuestring, "max") == 0 && scaled) {
    x->ref_max = true;
  } else if (ref) {
    if (!cJSON_IsArray(ref) || cJSON_GetArraySize(ref) != 2 || !(scaled || x->type == kt_metric_lift)) {
      kt_def_fail(p, "metric %s: ref must be two keypoints (dy, dx, distance, lift) or \"max\" (dy, dx, distance)",
                  x->name);
      return;
    }
    for (int i = 0; i < 2; i++) {
      const cJSON* n = cJSON_GetArrayItem(ref, i);
      int8_t ids[2];
      bool sided = false;
      if (!cJSON_IsString(n) || !keypoint_ids(n->valuestring, ids, &sided)) {
        kt_def_fail(p, "metric %s: unknown ref keypoint", x->name);
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
  const int si = kt_def_pick(s, names, 6);
  if (si >= 0) x->sides = (kt_sides)si;
  else kt_def_fail(p, "metric %s: sides must be best, mean, min, max, left or right", x->name);
  if (!x->sided) x->sides = kt_sides_left; /* fixed keypoints: one value */
}

void kt_def_cond(kt_def_parser* p, const cJSON* c, kt_ex_cond* out, const char* what) {
  memset(out, 0, sizeof(*out));
  out->metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(c, "metric"), what);
  out->side = -1;
  const cJSON* side = cJSON_GetObjectItemCaseSensitive(c, "side");
  if (side) {
    static const char* const sides[] = {"this", "other"};
    out->side = kt_def_pick(cJSON_IsString(side) ? side->valuestring : "", sides, 2);
    if (out->side < 0) kt_def_fail(p, "%s: side must be this or other", what);
    else if (out->metric >= 0 && !p->def->metrics[out->metric].sided)
      kt_def_fail(p, "%s: side needs a metric with one value per side", what);
  }
  const cJSON* mn = cJSON_GetObjectItemCaseSensitive(c, "min");
  const cJSON* mx = cJSON_GetObjectItemCaseSensitive(c, "max");
  if (mn) out->has_min = kt_def_level(p, mn, &out->min, what);
  if (mx) out->has_max = kt_def_level(p, mx, &out->max, what);
  if (!out->has_min && !out->has_max) kt_def_fail(p, "%s: min or max expected", what);
  double ideal = out->has_min && out->has_max ? (out->min + out->max) / 2 : out->has_min ? out->min : out->max;
  const cJSON* id = cJSON_GetObjectItemCaseSensitive(c, "ideal");
  if (id) kt_def_level(p, id, &ideal, what);
  out->ideal = ideal;
  double span = 0;
  if (out->has_min) span = fmax(span, fabs(ideal - out->min));
  if (out->has_max) span = fmax(span, fabs(out->max - ideal));
  out->span = span > 1e-9 ? span : 1.0;
}

static void parse_placement(kt_def_parser* p, const cJSON* pl) {
  kt_ex_placement* x = &p->def->placement;
  if (!cJSON_IsObject(pl)) {
    kt_def_fail(p, "placement: an object expected");
    return;
  }
  const cJSON* view = cJSON_GetObjectItemCaseSensitive(pl, "view");
  static const char* const views[] = {"any", "face", "profile"};
  static const kt_view ids[] = {kt_view_any, kt_view_face, kt_view_profile};
  const int v = kt_def_pick(cJSON_IsString(view) ? view->valuestring : "any", views, 3);
  if (v >= 0) x->view = ids[v];
  else kt_def_fail(p, "placement.view must be any, face or profile");
  const cJSON* req = cJSON_GetObjectItemCaseSensitive(pl, "required");
  const cJSON* r;
  cJSON_ArrayForEach(r, req) {
    if (x->nreq >= KT_EX_MAX_REQUIRED || !cJSON_IsString(r)) {
      kt_def_fail(p, "placement.required: at most %d keypoint names", KT_EX_MAX_REQUIRED);
      return;
    }
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", r->valuestring);
    char* alt = strstr(buf, "||");
    if (alt) *alt = '\0', alt += 2;
    int8_t ids[2];
    bool sided = false;
    if (!keypoint_ids(buf, ids, &sided) || sided) {
      kt_def_fail(p, "placement.required: unknown keypoint '%s'", buf);
      return;
    }
    x->req[x->nreq][0] = ids[0];
    x->req[x->nreq][1] = -1;
    if (alt) {
      if (!keypoint_ids(alt, ids, &sided) || sided) {
        kt_def_fail(p, "placement.required: unknown keypoint '%s'", alt);
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
      kt_def_fail(p, "placement.requirements: at most %d short strings", KT_EX_MAX_REQUIREMENTS);
      return;
    }
    strcpy(x->requirements[x->nrequirements++], r->valuestring);
  }
  x->frames = kt_def_int(p, pl, "frames", 8, 1, 1000);
  x->lost_ms = kt_def_number(p, pl, "lost_ms", 1500);
}

static void parse_cues(kt_def_parser* p, const cJSON* cues) {
  kt_ex_def* d = p->def;
  const cJSON* c;
  cJSON_ArrayForEach(c, cues) {
    if (d->ncues >= KT_EX_MAX_CUES) {
      kt_def_fail(p, "cues: at most %d", KT_EX_MAX_CUES);
      return;
    }
    kt_ex_cue* x = &d->cues[d->ncues++];
    memset(x, 0, sizeof(*x));
    x->metric = -1;
    const cJSON* on = cJSON_GetObjectItemCaseSensitive(c, "on");
    static const char* const ons[] = {"rep", "half_rep", "hold"}; /* kt_cue_on */
    const int o = kt_def_pick(cJSON_IsString(on) ? on->valuestring : "", ons, 3);
    if (o < 0) {
      kt_def_fail(p, "cues[].on must be rep, half_rep or hold");
      return;
    }
    x->on = (kt_cue_on)o;
    const cJSON* text = cJSON_GetObjectItemCaseSensitive(c, "text");
    if (!cJSON_IsString(text) || strlen(text->valuestring) >= KT_EX_TEXT) {
      kt_def_fail(p, "cues[].text: a string shorter than %d bytes", KT_EX_TEXT);
      return;
    }
    strcpy(x->text, text->valuestring);
    if (x->on == kt_cue_on_half_rep) continue;
    x->metric = kt_def_metric(p, cJSON_GetObjectItemCaseSensitive(c, "metric"), "cues[].metric");
    const cJSON* at = cJSON_GetObjectItemCaseSensitive(c, "at");
    const char* a = cJSON_IsString(at) ? at->valuestring : "mean";
    static const char* const ats[] = {"bottom", "top", "min", "max", "mean"}; /* kt_cue_at */
    const int ai = kt_def_pick(a, ats, 5);
    if (ai >= 0) x->at = (kt_cue_at)ai;
    else kt_def_fail(p, "cues[].at must be bottom, top, min, max or mean");
    const cJSON* op = cJSON_GetObjectItemCaseSensitive(c, "op");
    if (!cJSON_IsString(op) || (strcmp(op->valuestring, "<") && strcmp(op->valuestring, ">"))) {
      kt_def_fail(p, "cues[].op must be < or >");
      return;
    }
    x->less = op->valuestring[0] == '<';
    kt_def_level(p, cJSON_GetObjectItemCaseSensitive(c, "value"), &x->value, "cues[].value");
  }
}

kt_status kt_ex_def_parse(const char* json, kt_difficulty difficulty, kt_ex_def* def, char* err, size_t err_len) {
  kt_def_parser p = {def, difficulty, err, err_len, false};
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
  if (!cJSON_IsString(id) || strlen(id->valuestring) >= sizeof(def->id)) kt_def_fail(&p, "id: a short string expected");
  else strcpy(def->id, id->valuestring);
  static const char* const kinds[] = {"rep", "hold", "jump"}; /* kt_exercise_kind */
  const int k = kt_def_pick(cJSON_IsString(kind) ? kind->valuestring : "", kinds, 3);
  if (k >= 0) def->kind = k;
  else kt_def_fail(&p, "kind must be rep, hold or jump");
  def->min_score = kt_def_number(&p, root, "confidence", 0.3);
  /* 150 ms: a median of 5 samples at 30 fps, 9 at 60, 3 at 15 (the
   * minimum): one- and two-frame keypoint glitches go, while the fastest
   * movements of the catalogue (a jumping jack's arm swing, about 0.5 s
   * each way) keep their turning points. */
  def->smooth_ms = kt_def_number(&p, root, "smooth_ms", 150);
  /* 300 ms: a gap that short is a keypoint flicker, not a pose change. */
  def->fill_ms = kt_def_number(&p, root, "fill_ms", 300);
  if (!(def->smooth_ms >= 0 && def->smooth_ms <= 1000 && def->fill_ms >= 0 && def->fill_ms <= 5000))
    kt_def_fail(&p, "smooth_ms must be in 0..1000 and fill_ms in 0..5000");
  const cJSON* m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(root, "metrics")) parse_metric(&p, m);
  parse_placement(&p, cJSON_GetObjectItemCaseSensitive(root, "placement"));
  if (!p.failed) {
    if (def->kind == kt_exercise_kind_rep) {
      kt_def_parse_rep(&p, cJSON_GetObjectItemCaseSensitive(root, "rep"));
      kt_def_parse_form(&p, cJSON_GetObjectItemCaseSensitive(root, "form"));
    } else if (def->kind == kt_exercise_kind_hold) {
      kt_def_parse_hold(&p, cJSON_GetObjectItemCaseSensitive(root, "hold"));
    } else {
      kt_def_parse_jump(&p, cJSON_GetObjectItemCaseSensitive(root, "jump"));
    }
  }
  if (!p.failed) parse_cues(&p, cJSON_GetObjectItemCaseSensitive(root, "cues"));
  if (!p.failed) kt_def_parse_analysis(&p, cJSON_GetObjectItemCaseSensitive(root, "analysis"));
  cJSON_Delete(root);
  return p.failed ? kt_status_model_format : kt_status_ok;
}

bool kt_ex_def_needs_height(const kt_ex_def* def) {
  return def->kind == kt_exercise_kind_jump && def->jump.mode == kt_jump_calibrated;
}
