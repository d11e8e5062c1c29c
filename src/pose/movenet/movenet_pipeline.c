/* movenet_pipeline.c — MoveNet SinglePose Lightning as TF.js
 * pose-detection runs it, behind the pipeline interface (pose/pipeline.h):
 * the letterbox crop for photos and first frames, then for video the crop
 * region tracked from the previous frame's keypoints (low-passed), and One
 * Euro smoothing of the keypoints. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "pose/filters/one_euro.h"
#include "pose/movenet/crop_region.h"
#include "pose/movenet/preprocess.h"
#include "pose/pipeline.h"
#include "runtime/model_internal.h"

typedef struct movenet_pipeline {
  kt_pose_pipeline base;
  kt_model* model;
  bool has_crop; /* video: a crop tracked from the last frame */
  int32_t crop_width, crop_height;
  kt_crop_region crop;
  kt_crop_filter crop_filter;
  kt_keypoints_one_euro smoother;
} movenet_pipeline;

static void reset(kt_pose_pipeline* base) {
  movenet_pipeline* p = (movenet_pipeline*)base;
  p->has_crop = false;
  kt_crop_filter_reset(&p->crop_filter);
  kt_keypoints_one_euro_reset(&p->smoother);
}

/* The crop resized into the model's input and the model run: written by C
 * from RGBA bytes, or sampled on the GPU from a frame texture. */
static kt_status run_model(movenet_pipeline* p, const kt_image* img, const kt_crop_region* crop) {
  const int32_t size = KT_MOVENET_INPUT_SIZE;
  if (!img->rgba) {
    kt_warp warp;
    kt_status s = kt_movenet_crop_warp(img->width, img->height, crop, size, size, &warp);
    return s == kt_status_ok ? kt_model_run_texture(p->model, img->texture, img->width, img->height, &warp) : s;
  }
  int32_t* input = kt_model_input_buffer(p->model, kt_element_i32);
  kt_status s = kt_movenet_crop_and_resize(img->rgba, img->width, img->height, crop, size, size, input,
                                           (size_t)size * size * 3);
  return s == kt_status_ok ? kt_model_run_in_place(p->model) : s;
}

static kt_status estimate(kt_pose_pipeline* base, const kt_image* img, double ts, bool video, kt_pose* pose) {
  movenet_pipeline* p = (movenet_pipeline*)base;
  const int32_t w = img->width, h = img->height;
  kt_pose_clear(pose, &kt_skeleton_coco17);
  kt_crop_region crop;
  kt_status s;
  if (video && p->has_crop && p->crop_width == w && p->crop_height == h) {
    crop = p->crop;
  } else {
    s = kt_movenet_letterbox_crop(w, h, &crop);
    if (s != kt_status_ok) return s;
    kt_crop_filter_reset(&p->crop_filter);
    kt_keypoints_one_euro_reset(&p->smoother);
  }
  const float* output = NULL;
  kt_keypoint* kps = pose->coco;
  s = run_model(p, img, &crop);
  if (s == kt_status_ok) s = kt_model_output(p->model, 0, &output, NULL);
  if (s == kt_status_ok) s = kt_movenet_decode(output, &crop, kps);
  if (s != kt_status_ok) return s;
  pose->detected = true;
  if (video) {
    /* Smoothing and the next crop; a failure here (non-finite values from
     * a broken frame) only restarts tracking. */
    if (base->smoothing && kt_keypoints_one_euro_apply(&p->smoother, kps, ts) != kt_status_ok)
      kt_keypoints_one_euro_reset(&p->smoother);
    kt_crop_region next;
    if (kt_crop_region_next(&crop, kps, w, h, &next) == kt_status_ok &&
        kt_crop_filter_apply(&p->crop_filter, &next, &p->crop) == kt_status_ok) {
      p->has_crop = true;
      p->crop_width = w;
      p->crop_height = h;
    } else {
      p->has_crop = false;
    }
  }
  for (int k = 0; k < KT_NUM_KEYPOINTS; k++)
    pose->landmarks[k] = (kt_landmark){kps[k].x, kps[k].y, 0.0f, kps[k].score, kps[k].score};
  return kt_status_ok;
}

static void destroy(kt_pose_pipeline* base) { free(base); }

static const kt_pose_pipeline_ops kOps = {estimate, reset, destroy};

kt_status kt_movenet_pipeline_create(kt_model* model, kt_pose_pipeline** out) {
  int32_t in[4], o[4];
  if (!model || !out) return kt_fail(kt_status_invalid_argument, "NULL model or output");
  if (kt_model_input_dims(model, in) != kt_status_ok || kt_model_output_dims(model, o) != kt_status_ok ||
      in[1] != KT_MOVENET_INPUT_SIZE || in[2] != KT_MOVENET_INPUT_SIZE || in[3] != 3 || o[2] != KT_NUM_KEYPOINTS ||
      o[3] != 3 || !kt_model_input_buffer(model, kt_element_i32))
    return kt_fail(kt_status_unsupported, "the model is not a MoveNet SinglePose model");
  movenet_pipeline* p = calloc(1, sizeof(*p));
  if (!p) return kt_status_out_of_memory;
  p->model = model;
  kt_keypoints_one_euro_init(&p->smoother, NULL);
  kt_crop_filter_reset(&p->crop_filter);
  p->base.ops = &kOps;
  p->base.model_name = "movenet-lightning";
  p->base.smoothing = true;
  *out = &p->base;
  return kt_status_ok;
}
