/* metrics.c — the per-frame values a definition names (angles, inclines,
 * normalized offsets), per side and combined. Keypoints below the
 * definition's confidence floor are ignored: a side with one such point
 * has no value this frame. Each side's value then goes through the time
 * median (signal_filter.h): glitches are dropped, short gaps filled. A
 * metric with no side is missing for the frame. */
#include <math.h>

#include "exercise/engine_internal.h"

static const double kDeg = 57.29577951308232;

static bool usable(const kt_frame* f, int id, double floor_score) {
  const kt_keypoint* k = &f->kps[id];
  return isfinite(k->x) && isfinite(k->y) && isfinite(k->score) && k->score >= floor_score;
}

static bool side_value(const kt_ex_metric* m, const kt_frame* f, int s, double floor_score, double* out,
                       double* score_out, double* ref_out) {
  const int8_t* p = m->pts[s];
  double score = 0;
  for (int i = 0; i < m->npts; i++) {
    if (!usable(f, p[i], floor_score)) return false;
    score += f->kps[p[i]].score;
  }
  const kt_keypoint* k = f->kps;
  const double w = f->w, h = f->h;
  double v;
  switch (m->type) {
    case kt_metric_angle: {
      const double ux = (k[p[0]].x - k[p[1]].x) * w, uy = (k[p[0]].y - k[p[1]].y) * h;
      const double vx = (k[p[2]].x - k[p[1]].x) * w, vy = (k[p[2]].y - k[p[1]].y) * h;
      if (hypot(ux, uy) < 1e-6 || hypot(vx, vy) < 1e-6) return false;
      v = atan2(fabs(ux * vy - uy * vx), ux * vx + uy * vy) * kDeg;
      break;
    }
    case kt_metric_incline: {
      const double dx = (k[p[1]].x - k[p[0]].x) * w, dy = (k[p[1]].y - k[p[0]].y) * h;
      if (hypot(dx, dy) < 1e-6) return false;
      v = atan2(fabs(dy), fabs(dx)) * kDeg;
      break;
    }
    case kt_metric_tilt: {
      /* From straight up: 0 when b is above a, 90 level, 180 below. */
      const double dx = (k[p[1]].x - k[p[0]].x) * w, dy = (k[p[1]].y - k[p[0]].y) * h;
      if (hypot(dx, dy) < 1e-6) return false;
      v = atan2(fabs(dx), -dy) * kDeg;
      break;
    }
    case kt_metric_dy:
    case kt_metric_dx:
    case kt_metric_distance:
    case kt_metric_lift: {
      /* lift: the point's own height in pixels (y down) and the ref's
       * length, each filtered, then the rise above its lowest position
       * over the ref (kt_ex_metrics_compute): dividing first would turn
       * the ref's jitter into motion of the whole height. */
      const int b = m->type == kt_metric_lift ? 0 : 1;
      const double dx = (k[p[b]].x - k[p[0]].x) * w;
      const double dy = m->type == kt_metric_lift ? k[p[0]].y * h : (k[p[1]].y - k[p[0]].y) * h;
      double d = m->type == kt_metric_dx ? dx : m->type == kt_metric_distance ? hypot(dx, dy) : dy;
      double ref = m->type == kt_metric_dx ? w : m->type == kt_metric_distance ? hypot(w, h) : h;
      if (m->ref[s][0] >= 0) {
        const int a = m->ref[s][0], b = m->ref[s][1];
        if (!usable(f, a, floor_score) || !usable(f, b, floor_score)) return false;
        ref = hypot((k[a].x - k[b].x) * w, (k[a].y - k[b].y) * h);
      }
      if (!(ref > 1e-6)) return false;
      if (m->type == kt_metric_lift) *ref_out = ref;
      v = m->type == kt_metric_lift ? d : d / ref;
      break;
    }
    default:
      return false;
  }
  if (m->absval) v = fabs(v);
  if (!isfinite(v)) return false;
  *out = v;
  *score_out = score / m->npts;
  return true;
}

void kt_ex_metrics_compute(const kt_ex_def* def, kt_frame* f, kt_metric_state* st) {
  for (int i = 0; i < def->nmetrics; i++) {
    const kt_ex_metric* m = &def->metrics[i];
    kt_metric_value* r = &f->m[i];
    double score[2] = {0, 0}, raw[2] = {0, 0}, ref[2] = {0, 0};
    r->ok = false;
    for (int s = 0; s < 2; s++) {
      const bool have = (s == 0 || m->sided) && side_value(m, f, s, f->floor, &raw[s], &score[s], &ref[s]);
      if (!have) score[s] = 0;
      r->side_ok[s] = (s == 0 || m->sided) &&
                      kt_filter_push(&st->filt[i][s], f->ts, have, raw[s], def->smooth_ms, def->fill_ms, &r->side[s]);
      if (r->side_ok[s] && m->ref_max) {
        /* Against this person's own extended pose: 1.0 there, whatever
         * the camera's distance, height and angle. */
        const double peak = kt_peak_hold_push(&st->peak[i][s], f->ts, r->side[s]);
        r->side_ok[s] = peak > 1e-9;
        r->side[s] = r->side_ok[s] ? r->side[s] / peak : 0;
      } else if (r->side_ok[s] && m->type == kt_metric_lift) {
        /* The lowest position (largest y) of the last seconds is the
         * floor it rises from. */
        double len = 0;
        const bool has_len = kt_filter_push(&st->ref_filt[i][s], f->ts, have, ref[s], def->smooth_ms, def->fill_ms, &len);
        r->side_ok[s] = has_len && len > 1e-6;
        r->side[s] = r->side_ok[s] ? (kt_peak_hold_push(&st->peak[i][s], f->ts, r->side[s]) - r->side[s]) / len : 0;
      }
    }
    const bool l = r->side_ok[0], rt = r->side_ok[1];
    r->from = 2;
    switch (m->sides) {
      case kt_sides_left:
        r->ok = l, r->v = r->side[0], r->from = 0;
        break;
      case kt_sides_right:
        r->ok = rt, r->v = r->side[1], r->from = 1;
        break;
      case kt_sides_mean:
      case kt_sides_min:
      case kt_sides_max:
        if (l && rt) {
          r->ok = true;
          r->from = 2;
          r->v = m->sides == kt_sides_mean  ? (r->side[0] + r->side[1]) / 2
                 : m->sides == kt_sides_min ? fmin(r->side[0], r->side[1])
                                            : fmax(r->side[0], r->side[1]);
        } else if (l || rt) {
          r->ok = true;
          r->from = l ? 0 : 1;
          r->v = l ? r->side[0] : r->side[1];
        }
        break;
      case kt_sides_best: {
        /* Profile views: the side the model sees better this frame.
         * Sticky, so the value does not flip between sides on near-equal
         * scores. */
        int s = st->best_side[i];
        if (!r->side_ok[s]) s = 1 - s;
        else if (r->side_ok[1 - s] && score[1 - s] > score[s] + 0.1) s = 1 - s;
        if (r->side_ok[s]) {
          st->best_side[i] = s;
          r->ok = true;
          r->v = r->side[s];
          r->from = s;
        }
        break;
      }
    }
  }
}

bool kt_ex_cond_value(const kt_ex_cond* c, const kt_frame* f, int side, double* out) {
  const kt_metric_value* v = &f->m[c->metric];
  if (c->side < 0) {
    *out = v->v;
    return v->ok;
  }
  const int s = c->side == 0 ? side : 1 - side;
  *out = v->side[s];
  return v->side_ok[s];
}

bool kt_ex_cond_holds(const kt_ex_cond* c, const kt_frame* f, int side, double slack) {
  double v;
  if (!kt_ex_cond_value(c, f, side, &v)) return false;
  const double margin = slack * c->span;
  if (c->has_min && v < c->min - margin) return false;
  if (c->has_max && v > c->max + margin) return false;
  return true;
}

double kt_ex_cond_deviation(const kt_ex_cond* c, const kt_frame* f, int side) {
  double v;
  if (!kt_ex_cond_value(c, f, side, &v)) return 1.0;
  const double d = fabs(v - c->ideal) / c->span;
  return d > 1.0 ? 1.0 : d;
}
