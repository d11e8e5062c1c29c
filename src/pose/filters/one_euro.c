/* one_euro.c — see one_euro.h. Expression order follows the TF.js code so
 * results match it to the last bit or so (asinh may differ in an ulp). */
#include "pose/filters/one_euro.h"

#include <math.h>
#include <stddef.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF /* JS never fuses multiply-adds */
#endif

static const double kPi = 3.14159265358979323846;

static void scalar_reset(kt_one_euro* f, const kt_one_euro_config* c) {
  f->frequency = c->frequency;
  f->last_us = 0;
  f->raw = f->stored = f->d_stored = 0;
  f->initialized = 0;
}

/* Smoothing factor of a low-pass with `cutoff` Hz sampled at f->frequency. */
static double alpha(const kt_one_euro* f, double cutoff) {
  return 1.0 / (1.0 + (f->frequency / (2 * kPi * cutoff)));
}

kt_status kt_one_euro_apply(kt_one_euro* f, const kt_one_euro_config* c,
                            double value, double us, double* value_out) {
  if (f == NULL || c == NULL || value_out == NULL || !isfinite(value) ||
      !isfinite(us)) {
    return kt_status_invalid_argument;
  }
  if (f->last_us >= us) { /* out of order, repeated, or 0: pass through */
    *value_out = value;
    return kt_status_ok;
  }
  if (f->last_us != 0 && us != 0) {
    f->frequency = 1 / ((us - f->last_us) * 1e-6);
  }
  f->last_us = us;
  if (!f->initialized) { /* both low-passes start at their first input */
    f->initialized = 1;
    f->raw = f->stored = value;
    f->d_stored = 0;
    *value_out = value;
    return kt_status_ok;
  }
  /* Speed in units per second, low-passed at the derivative cutoff. */
  const double d = (value - f->raw) * 1.0 * f->frequency;
  f->d_stored = f->d_stored + alpha(f, c->derivate_cutoff) * (d - f->d_stored);
  const double speed = fabs(f->d_stored);
  const double a = alpha(f, c->min_cutoff + c->beta * speed);
  const double step = value - f->stored;
  if (c->use_threshold) {
    /* asinh grows like the step near zero and like its log far away. */
    const double t = c->threshold_cutoff + c->threshold_beta * speed;
    f->stored = f->stored + a * t * asinh(step / t);
  } else {
    f->stored = f->stored + a * step;
  }
  f->raw = value;
  *value_out = f->stored;
  return kt_status_ok;
}

kt_status kt_one_euro_movenet_config(kt_one_euro_config* config_out) {
  if (config_out == NULL) return kt_status_invalid_argument;
  const kt_one_euro_config c = {30.0, 2.5, 300.0, 2.5, 1, 0.5, 5.0};
  *config_out = c;
  return kt_status_ok;
}

static int config_valid(const kt_one_euro_config* c) {
  const int ok = isfinite(c->frequency) && c->frequency > 0 &&
                 isfinite(c->min_cutoff) && c->min_cutoff > 0 &&
                 isfinite(c->beta) && c->beta >= 0 &&
                 isfinite(c->derivate_cutoff) && c->derivate_cutoff > 0;
  /* A positive threshold keeps asinh's division defined. */
  return ok && (!c->use_threshold ||
                (isfinite(c->threshold_cutoff) && c->threshold_cutoff > 0 &&
                 isfinite(c->threshold_beta) && c->threshold_beta >= 0));
}

kt_status kt_keypoints_one_euro_reset(kt_keypoints_one_euro* filter) {
  if (filter == NULL) return kt_status_invalid_argument;
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    scalar_reset(&filter->x[i], &filter->config);
    scalar_reset(&filter->y[i], &filter->config);
  }
  return kt_status_ok;
}

kt_status kt_keypoints_one_euro_init(kt_keypoints_one_euro* filter,
                                     const kt_one_euro_config* config) {
  kt_one_euro_config c;
  if (filter == NULL) return kt_status_invalid_argument;
  if (config == NULL) {
    (void)kt_one_euro_movenet_config(&c);
  } else {
    c = *config;
  }
  if (!config_valid(&c)) return kt_status_invalid_argument;
  filter->config = c;
  return kt_keypoints_one_euro_reset(filter);
}

kt_status kt_keypoints_one_euro_apply(kt_keypoints_one_euro* filter,
                                      kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                                      double timestamp_ms) {
  if (filter == NULL || keypoints == NULL || !isfinite(timestamp_ms)) {
    return kt_status_invalid_argument;
  }
  const double us = trunc(timestamp_ms * 1000);
  if (!isfinite(us)) return kt_status_invalid_argument;
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) { /* validate before mutating */
    if (!isfinite(keypoints[i].x) || !isfinite(keypoints[i].y)) {
      return kt_status_invalid_argument;
    }
  }
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    double x, y;
    (void)kt_one_euro_apply(&filter->x[i], &filter->config, keypoints[i].x, us, &x);
    (void)kt_one_euro_apply(&filter->y[i], &filter->config, keypoints[i].y, us, &y);
    keypoints[i].x = (float)x;
    keypoints[i].y = (float)y;
  }
  return kt_status_ok;
}
