/* pose.h — one estimated pose, whatever the model, and the skeleton that
 * describes its landmarks (internal).
 *
 * A pipeline fills a kt_pose: its own landmarks (17 for MoveNet, 33 for
 * BlazePose) described by `skeleton`, world landmarks when the model has
 * them, and always the 17 COCO keypoints everything downstream reads
 * (angles, exercises, the skeleton overlay, the `keypoints` message), so a
 * second model family adds a skeleton, not branches. */
#ifndef KT_POSE_POSE_H
#define KT_POSE_POSE_H

#include <stdbool.h>

#include "kinetrack.h"

#define KT_MAX_LANDMARKS 33

/* A landmark: x, y normalized to the source frame (0..1, y down), z in the
 * same scale as x (0 when the model has no depth); visibility and presence
 * 0..1. World landmarks: metres around the hips. */
typedef struct kt_landmark {
  float x, y, z, visibility, presence;
} kt_landmark;

typedef struct kt_skeleton {
  const char* name;              /* "coco17", "blazepose33" */
  int count;                     /* landmarks */
  const char* const* names;      /* count names, in model order */
  const int* coco;               /* KT_NUM_KEYPOINTS indices into the landmarks: COCO keypoint k */
  bool has_z, has_world;
} kt_skeleton;

extern const kt_skeleton kt_skeleton_coco17;
extern const kt_skeleton kt_skeleton_blazepose33;

typedef struct kt_pose {
  const kt_skeleton* skeleton;
  bool detected;                          /* false: nobody found; everything is 0 */
  kt_landmark landmarks[KT_MAX_LANDMARKS];
  kt_landmark world[KT_MAX_LANDMARKS];    /* when skeleton->has_world */
  kt_keypoint coco[KT_NUM_KEYPOINTS];     /* score = the landmark's visibility */
  float coco_z[KT_NUM_KEYPOINTS];
} kt_pose;

/* Fills pose->coco and coco_z from the landmarks through the skeleton's
 * COCO map (score = visibility). */
void kt_pose_fill_coco(kt_pose* pose);

/* Sets `pose` to "nobody found" for `skeleton`. */
void kt_pose_clear(kt_pose* pose, const kt_skeleton* skeleton);

#endif
