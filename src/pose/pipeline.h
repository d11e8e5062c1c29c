/* pipeline.h — the boundary between a session and a pose model family
 * (internal). MoveNet (pose/movenet/) and BlazePose (pose/blazepose/) each
 * implement it; the session picks one from the query and only ever calls
 * through these functions.
 *
 * estimate() runs on one frame: RGBA bytes, or a texture on the GPU
 * backend's context (pose/image.h; the models must then run there). `video` frames may use the previous
 * frame (crop tracking, smoothing); photos never do. Everything a pipeline
 * needs per frame is allocated at creation. */
#ifndef KT_POSE_PIPELINE_H
#define KT_POSE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "kinetrack.h"
#include "pose/image.h"
#include "pose/pose.h"

typedef struct kt_pose_pipeline kt_pose_pipeline;

typedef struct kt_pose_pipeline_ops {
  kt_status (*estimate)(kt_pose_pipeline* p, const kt_image* image, double timestamp_ms, bool video,
                        kt_pose* pose_out);
  void (*reset)(kt_pose_pipeline* p); /* forget tracking and smoothing */
  void (*destroy)(kt_pose_pipeline* p);
} kt_pose_pipeline_ops;

struct kt_pose_pipeline {
  const kt_pose_pipeline_ops* ops;
  const char* model_name; /* the `model` of environment and keypoints_batch messages */
  bool smoothing;         /* video smoothing on (default) */
};

static inline kt_status kt_pose_estimate(kt_pose_pipeline* p, const kt_image* image, double timestamp_ms, bool video,
                                         kt_pose* pose_out) {
  return p->ops->estimate(p, image, timestamp_ms, video, pose_out);
}

static inline void kt_pose_pipeline_destroy(kt_pose_pipeline* p) {
  if (p) p->ops->destroy(p);
}

/* MoveNet SinglePose Lightning (a TF.js model with int32 192x192x3 input
 * and a [1,1,17,3] output); borrows the model. */
kt_status kt_movenet_pipeline_create(kt_model* model, kt_pose_pipeline** out);

/* BlazePose: MediaPipe's detector and one landmark model (`variant`
 * "lite" | "full" | "heavy", for the model name); borrows both. */
kt_status kt_blazepose_pipeline_create(kt_model* detector, kt_model* landmarks, const char* variant,
                                       kt_pose_pipeline** out);

#endif
