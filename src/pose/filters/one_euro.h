/*
 * one_euro.h — the One Euro keypoint smoothing of TF.js pose-detection's
 * MoveNet (shared/filters/keypoints_one_euro_filter.ts, one_euro_filter.ts,
 * low_pass_filter.ts; config KEYPOINT_FILTER_CONFIG in movenet/constants.ts).
 *
 * Each x and y is filtered on its own: a low-pass filter whose cutoff rises
 * with the (low-passed) speed of the value, so still keypoints stay steady
 * and moving ones do not lag. TF.js's variant also bends the step through
 * asinh past a speed-dependent threshold, to damp single-frame jumps.
 *
 * Timestamps as TF.js uses them: milliseconds * 1000, truncated to whole
 * microseconds. A sample whose timestamp is not after the previous one is
 * returned unfiltered and leaves the state alone; so does any sample at 0
 * us (the "no timestamp yet" marker), so start clocks above zero. The
 * sampling frequency comes from the last two timestamps (the configured
 * one is used until there are two). State is all in double (JS numbers).
 */
#ifndef KT_POSE_FILTERS_ONE_EURO_H
#define KT_POSE_FILTERS_ONE_EURO_H

#include "kinetrack.h"

typedef struct kt_one_euro_config {
  double frequency;        /* Hz, until two timestamps give the real one */
  double min_cutoff;       /* Hz, the cutoff at rest */
  double beta;             /* cutoff added per unit/second of speed */
  double derivate_cutoff;  /* Hz, for the speed's own low-pass */
  int use_threshold;       /* TF.js thresholdCutOff set: asinh damping */
  double threshold_cutoff; /* threshold at rest */
  double threshold_beta;   /* threshold added per unit/second of speed */
} kt_one_euro_config;

/* One filtered scalar. */
typedef struct kt_one_euro {
  double frequency;
  double last_us;      /* last accepted timestamp; 0 = none */
  double raw, stored;  /* the value low-pass: last input, last output */
  double d_stored;     /* the speed low-pass's last output */
  int initialized;     /* both low-passes have seen a value */
} kt_one_euro;

/* x and y of the 17 keypoints. */
typedef struct kt_keypoints_one_euro {
  kt_one_euro_config config;
  kt_one_euro x[KT_NUM_KEYPOINTS], y[KT_NUM_KEYPOINTS];
} kt_keypoints_one_euro;

/* MoveNet's KEYPOINT_FILTER_CONFIG: frequency 30, minCutOff 2.5, beta 300,
 * derivateCutOff 2.5, thresholdCutOff 0.5, thresholdBeta 5 (value scaling
 * disabled). */
kt_status kt_one_euro_movenet_config(kt_one_euro_config* config_out);

/* Sets `filter` up with `config` (NULL = MoveNet's) and resets it. Rejects
 * non-positive or non-finite frequency and cutoffs. */
kt_status kt_keypoints_one_euro_init(kt_keypoints_one_euro* filter,
                                     const kt_one_euro_config* config);

/* Forgets all history, like TF.js's reset() (e.g. when the person is lost). */
kt_status kt_keypoints_one_euro_reset(kt_keypoints_one_euro* filter);

/* Smooths x and y of `keypoints` in place (scores untouched) for a frame at
 * `timestamp_ms`. Non-finite coordinates or timestamp: invalid_argument,
 * nothing changed. */
kt_status kt_keypoints_one_euro_apply(kt_keypoints_one_euro* filter,
                                      kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                                      double timestamp_ms);

/* One scalar step (exposed for tests): `micro_seconds` already truncated. */
kt_status kt_one_euro_apply(kt_one_euro* filter, const kt_one_euro_config* config,
                            double value, double micro_seconds, double* value_out);

#endif /* KT_POSE_FILTERS_ONE_EURO_H */
