/* landmark_smoothing.h — MediaPipe's landmark smoothing (internal):
 * LandmarksSmoothingCalculator's One Euro filter (mediapipe/util/filtering/
 * one_euro_filter.cc) and VisibilitySmoothingCalculator's low pass, as the
 * pose_landmark_filtering graph configures them.
 *
 * Unlike TF.js's variant (one_euro.h) the speed is scaled by `value_scale`
 * (1 / the object's size in pixels, so the cutoff does not depend on how
 * large the person is) and there is no asinh damping. Timestamps are in
 * nanoseconds, as absl::Duration; a timestamp not after the last passes the
 * value through unchanged. */
#ifndef KT_POSE_FILTERS_LANDMARK_SMOOTHING_H
#define KT_POSE_FILTERS_LANDMARK_SMOOTHING_H

#include <stdbool.h>
#include <stdint.h>

#include "kinetrack.h"
#include "pose/pose.h"

typedef struct kt_mp_one_euro_config {
  double frequency, min_cutoff, beta, derivate_cutoff;
  bool value_scaling; /* false: disable_value_scaling (world landmarks) */
} kt_mp_one_euro_config;

typedef struct kt_mp_one_euro {
  double frequency;
  int64_t last_ns;
  bool x_init, dx_init;
  double x_raw, x_stored, dx_stored;
} kt_mp_one_euro;

/* pose_landmark_filtering: image landmarks (0.05, 80, 1), world landmarks
 * (0.1, 40, 1, unscaled), auxiliary landmarks (0.01, 10, 1); 30 Hz until
 * two timestamps give the real rate. */
extern const kt_mp_one_euro_config kt_mp_smoothing_landmarks;
extern const kt_mp_one_euro_config kt_mp_smoothing_world;
extern const kt_mp_one_euro_config kt_mp_smoothing_auxiliary;

void kt_mp_one_euro_reset(kt_mp_one_euro* f, const kt_mp_one_euro_config* c);
double kt_mp_one_euro_apply(kt_mp_one_euro* f, const kt_mp_one_euro_config* c, int64_t timestamp_ns,
                            double value_scale, double value);

/* x, y, z of up to KT_MAX_LANDMARKS landmarks, filtered in frame pixels
 * (z scaled by the width, as MediaPipe converts them). */
typedef struct kt_landmarks_smoother {
  const kt_mp_one_euro_config* config;
  int count;
  bool has_visibility; /* also low-pass visibility (alpha 0.1) */
  bool started;
  kt_mp_one_euro x[KT_MAX_LANDMARKS], y[KT_MAX_LANDMARKS], z[KT_MAX_LANDMARKS];
  float visibility[KT_MAX_LANDMARKS];
} kt_landmarks_smoother;

void kt_landmarks_smoother_init(kt_landmarks_smoother* s, const kt_mp_one_euro_config* config, int count,
                                bool smooth_visibility);
void kt_landmarks_smoother_reset(kt_landmarks_smoother* s);

/* Smooths `lm` in place. `pixel_scale_x/y` convert to the filtered units
 * (frame width/height for image landmarks, 1 for world landmarks);
 * `object_scale` is the crop's mean side in pixels (unused without value
 * scaling). A non-positive object scale leaves the landmarks as they are. */
void kt_landmarks_smoother_apply(kt_landmarks_smoother* s, kt_landmark* lm, double timestamp_ms, double pixel_scale_x,
                                 double pixel_scale_y, double object_scale);

#endif
