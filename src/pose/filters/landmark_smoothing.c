/* landmark_smoothing.c — see landmark_smoothing.h. The order of
 * operations follows MediaPipe's C++ (doubles throughout). */
#include "pose/filters/landmark_smoothing.h"

#include <math.h>
#include <stddef.h>

static const double kPi = 3.14159265358979323846;

const kt_mp_one_euro_config kt_mp_smoothing_landmarks = {30.0, 0.05, 80.0, 1.0, true};
const kt_mp_one_euro_config kt_mp_smoothing_world = {30.0, 0.1, 40.0, 1.0, false};
const kt_mp_one_euro_config kt_mp_smoothing_auxiliary = {30.0, 0.01, 10.0, 1.0, true};

void kt_mp_one_euro_reset(kt_mp_one_euro* f, const kt_mp_one_euro_config* c) {
  f->frequency = c->frequency;
  f->last_ns = 0;
  f->x_init = f->dx_init = false;
  f->x_raw = f->x_stored = f->dx_stored = 0;
}

static double alpha(double frequency, double cutoff) {
  const double te = 1.0 / frequency, tau = 1.0 / (2 * kPi * cutoff);
  return 1.0 / (1.0 + tau / te);
}

/* LowPassFilter::ApplyWithAlpha: the first value passes through. */
static double low_pass(bool* init, double* stored, double value, double a) {
  const double result = *init ? a * value + (1.0 - a) * *stored : value;
  *init = true;
  *stored = result;
  return result;
}

double kt_mp_one_euro_apply(kt_mp_one_euro* f, const kt_mp_one_euro_config* c, int64_t ns, double value_scale,
                            double value) {
  if (f->last_ns >= ns) return value;
  if (f->last_ns != 0 && ns != 0) f->frequency = 1.0 / ((double)(ns - f->last_ns) * 1e-9);
  f->last_ns = ns;
  const double dvalue = f->x_init ? (value - f->x_raw) * value_scale * f->frequency : 0.0;
  const double edvalue = low_pass(&f->dx_init, &f->dx_stored, dvalue, alpha(f->frequency, c->derivate_cutoff));
  const double cutoff = c->min_cutoff + c->beta * fabs(edvalue);
  f->x_raw = value;
  return low_pass(&f->x_init, &f->x_stored, value, alpha(f->frequency, cutoff));
}

void kt_landmarks_smoother_init(kt_landmarks_smoother* s, const kt_mp_one_euro_config* config, int count,
                                bool smooth_visibility) {
  s->config = config;
  s->count = count > KT_MAX_LANDMARKS ? KT_MAX_LANDMARKS : count;
  s->has_visibility = smooth_visibility;
  kt_landmarks_smoother_reset(s);
}

void kt_landmarks_smoother_reset(kt_landmarks_smoother* s) {
  s->started = false;
  for (int i = 0; i < KT_MAX_LANDMARKS; i++) {
    kt_mp_one_euro_reset(&s->x[i], s->config);
    kt_mp_one_euro_reset(&s->y[i], s->config);
    kt_mp_one_euro_reset(&s->z[i], s->config);
    s->visibility[i] = 0;
  }
}

void kt_landmarks_smoother_apply(kt_landmarks_smoother* s, kt_landmark* lm, double timestamp_ms, double px,
                                 double py, double object_scale) {
  if (!isfinite(timestamp_ms)) return;
  const int64_t ns = (int64_t)llround(timestamp_ms * 1e6);
  if (s->has_visibility) { /* VisibilitySmoothingCalculator: alpha 0.1 */
    for (int i = 0; i < s->count; i++) {
      s->visibility[i] = s->started ? 0.1f * lm[i].visibility + 0.9f * s->visibility[i] : lm[i].visibility;
      lm[i].visibility = s->visibility[i];
    }
  }
  s->started = true;
  double value_scale = 1.0;
  if (s->config->value_scaling) {
    if (!(object_scale > 1e-6) || !isfinite(object_scale)) return; /* min_allowed_object_scale */
    value_scale = 1.0 / object_scale;
  }
  for (int i = 0; i < s->count; i++) {
    if (!isfinite(lm[i].x) || !isfinite(lm[i].y) || !isfinite(lm[i].z)) continue;
    lm[i].x = (float)(kt_mp_one_euro_apply(&s->x[i], s->config, ns, value_scale, lm[i].x * px) / px);
    lm[i].y = (float)(kt_mp_one_euro_apply(&s->y[i], s->config, ns, value_scale, lm[i].y * py) / py);
    lm[i].z = (float)(kt_mp_one_euro_apply(&s->z[i], s->config, ns, value_scale, lm[i].z * px) / px);
  }
}
