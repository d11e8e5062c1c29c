/* blazepose_pipeline.c — BlazePose as MediaPipe's pose landmarker runs it
 * (pose_landmark_cpu), behind the pipeline interface (pose/pipeline.h):
 *
 *   photo, or video without a tracked region:
 *     detector (letterbox 224) -> best weighted-NMS detection -> region
 *   every frame with a region:
 *     rotated 256x256 crop -> landmark model -> pose flag > 0.5 ? -> 39
 *     landmarks refined on the heatmap, projected to the frame, world
 *     landmarks rotated back
 *   video:
 *     auxiliary landmarks 33/34 smoothed -> next frame's region (so the
 *     detector runs again only when the flag drops); image and world
 *     landmarks smoothed with MediaPipe's One Euro settings (smoothing on).
 *
 * A frame where nobody is found gives a pose with `detected` false, and
 * every filter starts over. Buffers are the models' own; nothing is
 * allocated per frame. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "pose/blazepose/anchors.h"
#include "pose/blazepose/detector.h"
#include "pose/blazepose/landmarks.h"
#include "pose/blazepose/roi.h"
#include "pose/filters/landmark_smoothing.h"
#include "pose/pipeline.h"
#include "runtime/model_internal.h"

typedef struct bp_pipeline {
  kt_pose_pipeline base;
  kt_model* detector;
  kt_model* landmarks;
  int out_boxes, out_scores;                      /* detector outputs */
  int out_landmarks, out_flag, out_heatmap, out_world; /* landmark model outputs */
  kt_bp_anchor anchors[KT_BP_NUM_ANCHORS];
  kt_bp_detection detections[KT_BP_NUM_ANCHORS];  /* decoding scratch */
  bool tracking;                                  /* `roi` comes from the last frame */
  int32_t roi_width, roi_height;                  /* the frame size `roi` belongs to */
  kt_bp_rect roi;
  kt_landmarks_smoother image_smoother, world_smoother, aux_smoother;
  char name[32];
} bp_pipeline;

static int find_output(const kt_model* m, const char* name) {
  for (int i = 0; i < kt_model_num_outputs(m); i++) {
    const char* n = NULL;
    if (kt_model_output_info(m, i, &n, NULL) == kt_status_ok && strcmp(n, name) == 0) return i;
  }
  return -1;
}

static size_t output_count(const kt_model* m, int index) {
  const float* d = NULL;
  size_t n = 0;
  return index >= 0 && kt_model_output(m, index, &d, &n) == kt_status_ok ? n : 0;
}

static const float* output(const kt_model* m, int index) {
  const float* d = NULL;
  return kt_model_output(m, index, &d, NULL) == kt_status_ok ? d : NULL;
}

static void reset(kt_pose_pipeline* base) {
  bp_pipeline* p = (bp_pipeline*)base;
  p->tracking = false;
  kt_landmarks_smoother_reset(&p->image_smoother);
  kt_landmarks_smoother_reset(&p->world_smoother);
  kt_landmarks_smoother_reset(&p->aux_smoother);
}

/* A frame held as a GPU texture: its warp sampled into `model`'s input
 * there, and the model run. */
static kt_status run_on_texture(kt_model* model, const kt_image* img, kt_status warp_status, const kt_warp* warp) {
  if (warp_status != kt_status_ok) return warp_status;
  return kt_model_run_texture(model, img->texture, img->width, img->height, warp);
}

/* The detector's letterboxed input (C from RGBA, or the GPU) and its run. */
static kt_status run_detector(bp_pipeline* p, const kt_image* img) {
  kt_warp warp;
  if (!img->rgba) return run_on_texture(p->detector, img, kt_bp_detector_warp(img->width, img->height, &warp), &warp);
  kt_status s = kt_bp_detector_input(img->rgba, img->width, img->height, kt_model_input_buffer(p->detector, kt_element_f32));
  return s == kt_status_ok ? kt_model_run_in_place(p->detector) : s;
}

/* The landmark model's rotated crop of `roi` and its run. */
static kt_status run_landmarks(bp_pipeline* p, const kt_image* img, const kt_bp_rect* roi) {
  kt_warp warp;
  if (!img->rgba)
    return run_on_texture(p->landmarks, img, kt_bp_landmark_warp(img->width, img->height, roi, &warp), &warp);
  kt_status s = kt_bp_landmark_input(img->rgba, img->width, img->height, roi,
                                     kt_model_input_buffer(p->landmarks, kt_element_f32));
  return s == kt_status_ok ? kt_model_run_in_place(p->landmarks) : s;
}

/* Runs the detector on the whole frame: the region of the best detection. */
static kt_status detect(bp_pipeline* p, const kt_image* img, kt_bp_rect* roi, int* found) {
  const int32_t w = img->width, h = img->height;
  kt_status s = run_detector(p, img);
  kt_bp_detection best;
  if (s == kt_status_ok)
    s = kt_bp_detect(output(p->detector, p->out_boxes), output(p->detector, p->out_scores), p->anchors, p->detections,
                     &best, found);
  if (s != kt_status_ok || !*found) return s;
  kt_bp_detection_remove_letterbox(&best, w, h);
  if (kt_bp_roi_from_points(best.kp[0][0], best.kp[0][1], best.kp[1][0], best.kp[1][1], w, h, roi) != kt_status_ok)
    *found = 0; /* a degenerate detection (both points equal): nobody usable */
  return kt_status_ok;
}

static kt_status estimate(kt_pose_pipeline* base, const kt_image* img, double ts, bool video, kt_pose* pose) {
  bp_pipeline* p = (bp_pipeline*)base;
  const int32_t w = img->width, h = img->height;
  kt_pose_clear(pose, &kt_skeleton_blazepose33);
  kt_bp_rect roi;
  kt_status s = kt_status_ok;
  if (video && p->tracking && p->roi_width == w && p->roi_height == h) {
    roi = p->roi;
  } else {
    int found = 0;
    if (video) reset(base);
    s = detect(p, img, &roi, &found);
    if (s != kt_status_ok || !found) return s;
  }
  p->tracking = false; /* until this frame's landmarks say otherwise */
  s = run_landmarks(p, img, &roi);
  if (s != kt_status_ok) return s;
  const float flag = output(p->landmarks, p->out_flag)[0];
  if (!(flag > KT_BP_MIN_POSE_PRESENCE)) { /* lost: the next frame detects again */
    if (video) reset(base);
    return kt_status_ok;
  }
  kt_landmark lm[KT_BP_NUM_MODEL_LANDMARKS], world[KT_BP_NUM_MODEL_LANDMARKS];
  s = kt_bp_decode_landmarks(output(p->landmarks, p->out_landmarks), output(p->landmarks, p->out_heatmap), lm);
  if (s != kt_status_ok) return s;
  kt_bp_project_landmarks(lm, KT_BP_NUM_MODEL_LANDMARKS, &roi, w, h);
  kt_bp_world_landmarks(output(p->landmarks, p->out_world), &roi, lm, world, KT_BP_NUM_MODEL_LANDMARKS);
  if (video) {
    /* The next region follows the (always smoothed) auxiliary landmarks.
     * The filters' object scale is, as in MediaPipe's pose_landmark_filtering,
     * the size of the region the unfiltered auxiliary landmarks span (twice
     * the centre-to-scale-point distance, in pixels; no 1.25 margin). */
    kt_landmark aux[2] = {lm[KT_BP_AUX_CENTER], lm[KT_BP_AUX_SCALE]};
    const double object_scale =
        2 * hypot(((double)aux[1].x - aux[0].x) * w, ((double)aux[1].y - aux[0].y) * h);
    kt_landmarks_smoother_apply(&p->aux_smoother, aux, ts, w, h, object_scale);
    if (kt_bp_roi_from_points(aux[0].x, aux[0].y, aux[1].x, aux[1].y, w, h, &p->roi) == kt_status_ok) {
      p->tracking = true;
      p->roi_width = w;
      p->roi_height = h;
    }
    if (base->smoothing) {
      kt_landmarks_smoother_apply(&p->image_smoother, lm, ts, w, h, object_scale);
      kt_landmarks_smoother_apply(&p->world_smoother, world, ts, 1.0, 1.0, 1.0);
    }
  }
  pose->detected = true;
  memcpy(pose->landmarks, lm, sizeof(kt_landmark) * 33);
  memcpy(pose->world, world, sizeof(kt_landmark) * 33);
  kt_pose_fill_coco(pose);
  return kt_status_ok;
}

static void destroy(kt_pose_pipeline* base) { free(base); }

static const kt_pose_pipeline_ops kOps = {estimate, reset, destroy};

kt_status kt_blazepose_pipeline_create(kt_model* detector, kt_model* landmarks, const char* variant,
                                       kt_pose_pipeline** out) {
  if (!detector || !landmarks || !variant || !out) return kt_fail(kt_status_invalid_argument, "BlazePose needs two models");
  int32_t din[4], lin[4];
  if (kt_model_input_dims(detector, din) != kt_status_ok || din[1] != KT_BP_DETECTOR_SIZE ||
      din[2] != KT_BP_DETECTOR_SIZE || din[3] != 3 || !kt_model_input_buffer(detector, kt_element_f32))
    return kt_fail(kt_status_unsupported, "the detector is not BlazePose's (f32 1x224x224x3 input)");
  if (kt_model_input_dims(landmarks, lin) != kt_status_ok || lin[1] != KT_BP_LANDMARK_SIZE ||
      lin[2] != KT_BP_LANDMARK_SIZE || lin[3] != 3 || !kt_model_input_buffer(landmarks, kt_element_f32))
    return kt_fail(kt_status_unsupported, "the landmark model is not BlazePose's (f32 1x256x256x3 input)");
  bp_pipeline* p = calloc(1, sizeof(*p));
  if (!p) return kt_status_out_of_memory;
  p->detector = detector;
  p->landmarks = landmarks;
  p->out_boxes = find_output(detector, "Identity");
  p->out_scores = find_output(detector, "Identity_1");
  p->out_landmarks = find_output(landmarks, "Identity");
  p->out_flag = find_output(landmarks, "Identity_1");
  p->out_heatmap = find_output(landmarks, "Identity_3");
  p->out_world = find_output(landmarks, "Identity_4");
  const size_t n = KT_BP_NUM_MODEL_LANDMARKS;
  if (output_count(detector, p->out_boxes) != (size_t)KT_BP_NUM_ANCHORS * 12 ||
      output_count(detector, p->out_scores) != KT_BP_NUM_ANCHORS || output_count(landmarks, p->out_landmarks) != n * 5 ||
      output_count(landmarks, p->out_flag) != 1 ||
      output_count(landmarks, p->out_heatmap) != (size_t)KT_BP_HEATMAP_SIZE * KT_BP_HEATMAP_SIZE * n ||
      output_count(landmarks, p->out_world) != n * 3) {
    free(p);
    return kt_fail(kt_status_unsupported, "the models' outputs are not BlazePose's (Identity ... Identity_4)");
  }
  kt_status s = kt_bp_anchors(p->anchors);
  if (s != kt_status_ok) {
    free(p);
    return s;
  }
  kt_landmarks_smoother_init(&p->image_smoother, &kt_mp_smoothing_landmarks, 33, true);
  kt_landmarks_smoother_init(&p->world_smoother, &kt_mp_smoothing_world, 33, false);
  kt_landmarks_smoother_init(&p->aux_smoother, &kt_mp_smoothing_auxiliary, 2, false);
  snprintf(p->name, sizeof(p->name), "blazepose-%s", variant);
  p->base.ops = &kOps;
  p->base.model_name = p->name;
  p->base.smoothing = true;
  *out = &p->base;
  return kt_status_ok;
}
