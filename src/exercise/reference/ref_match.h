/* ref_match.h — finds repetitions of a reference movement in a stream of
 * poses (internal).
 *
 * The stream is resampled to the signature's sample period. Each new
 * sample, a subsequence dynamic time warping (DTW) over the last 2.5
 * reference lengths finds the best alignment of the whole reference that
 * ends now, its start free. Before the comparison each moving feature is
 * calibrated to this person: scaled by the range they themselves move it
 * through lately, bounded to [0.5, 1.5] x the reference's range (a quarter
 * squat is still not a squat; a deep squatter is not penalized). The
 * distance is normalized by the path length, so it is a mean per-sample
 * difference in units of the reference's range.
 *
 * A repetition counts when that distance falls under a bound that comes
 * from the reference itself, not from a tuned constant: standing still in
 * the reference's best pose scores d_rest (ref_match_rest); a repetition
 * must explain at least half of the movement (d <= 0.5 d_rest). The best
 * match is kept until 0.3 reference lengths have passed with no better
 * overlapping one; once counted, no later repetition may start before its
 * end (less a tenth of the reference), so a repetition never counts twice.
 * The four variants of ref_features.h are matched (the mirror image, the
 * other side's limbs, facing the other way). */
#ifndef KT_EXERCISE_REFERENCE_REF_MATCH_H
#define KT_EXERCISE_REFERENCE_REF_MATCH_H
#include <stdbool.h>
#include <stdint.h>

#include "exercise/reference/ref_signature.h"

#define KT_REF_WINDOW (3 * KT_REF_MAX_SAMPLES + 8)

typedef struct kt_ref_found {
  int64_t start, end;        /* sample indices (inclusive) */
  double start_ms, end_ms;
  double d;                  /* the normalized DTW distance */
  int mirror;                /* the variant matched (kt_ref_features_variant) */
} kt_ref_found;

typedef struct kt_ref_calib {
  float lo[KT_REF_NFEAT], scale[KT_REF_NFEAT]; /* z = (x - lo) / scale */
} kt_ref_calib;

typedef struct kt_ref_matcher {
  const kt_ref_signature* sig;
  double period, t0;
  double accept;             /* the distance a repetition must reach */
  double d_rest;
  float zref[KT_REF_MAX_SAMPLES][KT_REF_NFEAT];
  float range[KT_REF_NFEAT]; /* the reference's range, at least the moving threshold */
  int moving[KT_REF_NFEAT], nmoving;
  /* the stream */
  bool started, has_prev;
  double prev_t;
  float prev[KT_REF_NFEAT];
  int64_t count;             /* samples made so far; sample k is at t0 + k * period */
  float ring[KT_REF_VARIANTS][KT_REF_WINDOW][KT_REF_NFEAT]; /* [variant][k % KT_REF_WINDOW] */
  kt_ref_calib calib[KT_REF_VARIANTS]; /* the calibration of the last step */
  /* decisions */
  int64_t min_start;
  bool has_cand;
  kt_ref_found cand;
  int phase;                 /* 0..100: where in the reference the best alignment ending now is; -1 none */
  /* DP rows, reused every step */
  double dp[2][KT_REF_MAX_SAMPLES];
  int64_t st[2][KT_REF_MAX_SAMPLES];
} kt_ref_matcher;

/* Sets up a matcher; `accept` is the share of d_rest a match must reach
 * (0.5 strict; scoring profiles widen it). The signature is borrowed. */
void kt_ref_matcher_init(kt_ref_matcher* m, const kt_ref_signature* sig, double accept);
/* One pose's features (NaN: not seen) at t ms. Writes up to `max` counted
 * repetitions to `found` and returns how many. */
int kt_ref_matcher_push(kt_ref_matcher* m, const float x[KT_REF_NFEAT], double t, kt_ref_found* found, int max);
/* End of media: the repetition still waiting for confirmation, if any. */
int kt_ref_matcher_flush(kt_ref_matcher* m, kt_ref_found* found, int max);
/* Sample k of the stream (a variant), NULL when it has left the window. */
const float* kt_ref_matcher_sample(const kt_ref_matcher* m, int mirror, int64_t k);

#endif
