/* skeletons.c — the landmark sets of the models we run (pose.h). */
#include <string.h>

#include "pose/pose.h"

static const char* const kCocoNames[KT_NUM_KEYPOINTS] = {
    "nose",      "left_eye",   "right_eye",   "left_ear",  "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip", "left_knee",  "right_knee",  "left_ankle", "right_ankle"};
static const int kCocoIdentity[KT_NUM_KEYPOINTS] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

const kt_skeleton kt_skeleton_coco17 = {"coco17", KT_NUM_KEYPOINTS, kCocoNames, kCocoIdentity, false, false};

/* BlazePose's 33 (MediaPipe's PoseLandmark order; "left" is the person's). */
static const char* const kBlazeNames[33] = {
    "nose",          "left_eye_inner", "left_eye",        "left_eye_outer",   "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear",     "right_ear",       "mouth_left",       "mouth_right",     "left_shoulder",
    "right_shoulder", "left_elbow",    "right_elbow",     "left_wrist",       "right_wrist",     "left_pinky",
    "right_pinky",   "left_index",     "right_index",     "left_thumb",       "right_thumb",     "left_hip",
    "right_hip",     "left_knee",      "right_knee",      "left_ankle",       "right_ankle",     "left_heel",
    "right_heel",    "left_foot_index", "right_foot_index"};
static const int kBlazeToCoco[KT_NUM_KEYPOINTS] = {0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28};

const kt_skeleton kt_skeleton_blazepose33 = {"blazepose33", 33, kBlazeNames, kBlazeToCoco, true, true};

void kt_pose_fill_coco(kt_pose* pose) {
  for (int k = 0; k < KT_NUM_KEYPOINTS; k++) {
    const kt_landmark* l = &pose->landmarks[pose->skeleton->coco[k]];
    pose->coco[k] = (kt_keypoint){l->x, l->y, l->visibility};
    pose->coco_z[k] = l->z;
  }
}

void kt_pose_clear(kt_pose* pose, const kt_skeleton* skeleton) {
  memset(pose, 0, sizeof(*pose));
  pose->skeleton = skeleton;
}
