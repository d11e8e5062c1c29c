/* ref_score.h — how one repetition compares with the reference (internal).
 * Every score is 0..1 (1: the same). Both shapes PoseTracker documents are
 * filled (reference §10):
 *  - dtwScore: 1 - d / d_rest, the calibrated DTW distance the match was
 *    counted on, against the distance of standing still;
 *  - nccScore: the shape, the mean normalized cross-correlation of the
 *    moving features (the repetition stretched to the reference's length);
 *  - timingScore: 1 - |log2(duration / reference duration)| / 2 (half as
 *    fast or twice as fast: 0.5);
 *  - distScore: stability, how still the features the reference keeps
 *    still stayed (1 - mean deviation / 2 x the moving threshold);
 *  - poseScore: the poses themselves, uncalibrated: 1 - the mean
 *    difference along the best alignment, in units of the reference's
 *    range (moving and still features);
 *  - movementScore: amplitude, min(q, 1/q) of the person's range over the
 *    reference's, averaged over the moving features.
 * overallScore: `default` profile 0.5 pose + 0.2 timing + 0.3 movement
 * (the older shape's three parts); `kali` and `kali-analysis` 0.35 ncc +
 * 0.35 dtw + 0.15 timing + 0.15 dist. The grade is overall x 100 on the V3
 * scale (A >= 90, B >= 80, C >= 70, D >= 60, F); a borderline repetition
 * that only kali-analysis counts is C or D. */
#ifndef KT_EXERCISE_REFERENCE_REF_SCORE_H
#define KT_EXERCISE_REFERENCE_REF_SCORE_H
#include <stdbool.h>

#include "exercise/reference/ref_match.h"

typedef enum { kt_ref_profile_default = 0, kt_ref_profile_kali = 1, kt_ref_profile_kali_analysis = 2 } kt_ref_profile;

typedef struct kt_ref_scores {
  double overall, pose, timing, movement, ncc, dtw, dist;
  char grade;
  bool borderline;           /* counted only by kali-analysis's tolerance */
} kt_ref_scores;

/* Scores a counted repetition; `strict` is the distance a repetition must
 * reach to be more than borderline. */
void kt_ref_score(const kt_ref_matcher* m, const kt_ref_found* r, kt_ref_profile profile, double strict,
                  kt_ref_scores* out);

#endif
