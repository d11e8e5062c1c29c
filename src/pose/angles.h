/*
 * angles.h — joint angles for the PoseTracker `angles` message.
 *
 * The angle at a middle joint B between segments B->A and B->C, in degrees
 * 0..180 (180 = straight limb), measured in pixels: normalized keypoints
 * are scaled by the frame's width and height first, because a 16:9 frame
 * would otherwise squash every angle. The angle's score is the lowest of
 * its three keypoints' scores.
 */
#ifndef KT_POSE_ANGLES_H
#define KT_POSE_ANGLES_H

#include "kinetrack.h"

typedef struct kt_joint_angle {
  float degrees; /* 0..180; 0 when degenerate */
  float score;   /* min of the three scores; 0 when degenerate */
} kt_joint_angle;

/* Per side: knee (hip-knee-ankle), hip (knee-hip-shoulder), shoulder
 * (hip-shoulder-elbow), elbow (shoulder-elbow-wrist). */
typedef struct kt_side_angles {
  kt_joint_angle knee, hip, shoulder, elbow;
} kt_side_angles;

typedef struct kt_pose_angles {
  kt_side_angles left, right;
} kt_pose_angles;

/* Segments shorter than this many pixels have no direction. */
#define KT_ANGLE_MIN_SEGMENT_PX 1e-6

/* The angle at `b` of a-b-c, keypoints normalized to a width x height
 * frame. A degenerate angle (a segment shorter than
 * KT_ANGLE_MIN_SEGMENT_PX, or a non-finite value) is {0, 0}, never NaN. */
kt_status kt_joint_angle_compute(const kt_keypoint* a, const kt_keypoint* b,
                                 const kt_keypoint* c, int32_t width,
                                 int32_t height, kt_joint_angle* angle_out);

/* All eight angles of a pose. */
kt_status kt_pose_angles_compute(const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                                 int32_t width, int32_t height,
                                 kt_pose_angles* angles_out);

#endif /* KT_POSE_ANGLES_H */
