/* ref_features.h — the features a reference movement is described by
 * (internal). One pose gives KT_REF_NFEAT numbers: 8 joint angles and the
 * direction of 9 limbs, each limb as (dx, dy) in units of the person's
 * torso length. Angles change little with the camera's distance and
 * position; limb directions see what angles cannot (a raised arm, a torso
 * leaning forward) and, scaled by the body rather than the frame, stay
 * comparable between a near and a far camera.
 *
 * The same movement can look like the reference with left and right
 * swapped, x negated, or both: filmed from the other side (the mirror
 * image), done with the other arm or leg (alternating curls: swapped), or
 * facing the other way in a side view (x negated). Matching tries the four
 * variants (KT_REF_VARIANTS). */
#ifndef KT_EXERCISE_REFERENCE_REF_FEATURES_H
#define KT_EXERCISE_REFERENCE_REF_FEATURES_H
#include <stdbool.h>

#include "kinetrack.h"

#define KT_REF_NANGLES 8
#define KT_REF_NLIMBS 9
#define KT_REF_NFEAT (KT_REF_NANGLES + 2 * KT_REF_NLIMBS)

typedef enum { kt_ref_feat_angle = 0, kt_ref_feat_direction = 1 } kt_ref_feat_kind;

/* A limb longer than this many torso lengths is a failed detection, not a
 * pose: its direction is not measured (and a signature never holds one). */
#define KT_REF_MAX_DIRECTION 20.0

/* The smallest range of a feature that counts as movement, by kind
 * (angles: 15 degrees; directions: a quarter of a torso): more than
 * keypoint jitter. Also the unit ranges are floored at when features are
 * compared, so a still feature's noise is not blown up. */
double kt_ref_moving_range(kt_ref_feat_kind kind);

/* Whether a feature of `kind` whose range over the movement is `range`
 * moves, when the widest range of its kind is `widest`: at least
 * kt_ref_moving_range, and at least 0.3 of the widest (that relative bound
 * keeps a wobbling forearm out of a squat). Used by the builder to pick
 * the activity signal and by signatures to mark their moving features. */
bool kt_ref_feature_moves(kt_ref_feat_kind kind, double range, double widest);

/* The name of feature i ("left_knee_angle", "left_thigh_x", ...); NULL
 * out of range. Signatures name their features, so a file says what it
 * measures. */
const char* kt_ref_feature_name(int i);
kt_ref_feat_kind kt_ref_feature_kind(int i);
/* The feature the mirror image of feature i is (left <-> right), and
 * whether its sign flips (x components). */
int kt_ref_feature_mirror(int i, bool* negate_out);
/* The COCO keypoints feature i is measured from (up to 4: a torso is the
 * midpoint of two pairs); returns how many. */
int kt_ref_feature_joints(int i, int joints_out[4]);

/* Features of one pose. `scale` is the body size in pixels (the torso
 * length, see kt_ref_torso_px); w, h the frame in pixels (keypoints are
 * normalized). A feature is NaN when a keypoint it needs is scored under
 * `floor`. */
void kt_ref_features(const kt_keypoint kps[KT_NUM_KEYPOINTS], double w, double h, double floor, double scale,
                     float out[KT_REF_NFEAT]);
#define KT_REF_VARIANTS 4
/* Variant v of a feature vector: 0 as is, 1 the mirror image (sides
 * swapped and x negated), 2 sides swapped, 3 x negated. */
void kt_ref_features_variant(const float in[KT_REF_NFEAT], int v, float out[KT_REF_NFEAT]);
/* The torso length in pixels (shoulder midpoint to hip midpoint, from the
 * pairs seen above `floor`); NaN when not measurable. */
double kt_ref_torso_px(const kt_keypoint kps[KT_NUM_KEYPOINTS], double w, double h, double floor);

#endif
