/* detector.c — see detector.h. */
#include "pose/blazepose/detector.h"

#include <math.h>
#include <stddef.h>

#include "pose/blazepose/warp.h"

kt_status kt_bp_detector_input(const uint8_t* rgba, int32_t width, int32_t height, float* input) {
  const kt_bp_rect r = kt_bp_letterbox_rect(width, height);
  return kt_bp_warp(rgba, width, height, &r, KT_BP_DETECTOR_SIZE, KT_BP_DETECTOR_SIZE, kt_bp_border_zero, 2.0f, -1.0f,
                    input);
}

kt_status kt_bp_detector_warp(int32_t width, int32_t height, kt_warp* warp_out) {
  const kt_bp_rect r = kt_bp_letterbox_rect(width, height);
  return kt_bp_warp_spec(width, height, &r, KT_BP_DETECTOR_SIZE, KT_BP_DETECTOR_SIZE, kt_bp_border_zero, 2.0f, -1.0f,
                         warp_out);
}

static float sigmoid_clamped(float s) {
  if (s < -100.0f) s = -100.0f; /* score_clipping_thresh */
  if (s > 100.0f) s = 100.0f;
  return 1.0f / (1.0f + expf(-s));
}

static float iou(const kt_bp_detection* a, const kt_bp_detection* b) {
  const float x0 = fmaxf(a->xmin, b->xmin), y0 = fmaxf(a->ymin, b->ymin);
  const float x1 = fminf(a->xmin + a->width, b->xmin + b->width), y1 = fminf(a->ymin + a->height, b->ymin + b->height);
  if (!(x1 > x0 && y1 > y0)) return 0.0f;
  const float inter = (x1 - x0) * (y1 - y0);
  const float uni = a->width * a->height + b->width * b->height - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

kt_status kt_bp_detect(const float* boxes, const float* scores, const kt_bp_anchor* anchors, kt_bp_detection* dets,
                       kt_bp_detection* best_out, int* found_out) {
  if (!boxes || !scores || !anchors || !dets || !best_out || !found_out) return kt_status_invalid_argument;
  const float s = (float)KT_BP_DETECTOR_SIZE;
  int n = 0;
  for (int i = 0; i < KT_BP_NUM_ANCHORS; i++) {
    const float score = sigmoid_clamped(scores[i]);
    if (!(score >= KT_BP_MIN_DETECTION_SCORE)) continue;
    const float* r = boxes + (size_t)i * 12;
    /* reverse_output_order: x_center, y_center, w, h, then keypoints x, y. */
    const float cx = r[0] / s + anchors[i].cx, cy = r[1] / s + anchors[i].cy;
    const float w = r[2] / s, h = r[3] / s;
    kt_bp_detection* d = &dets[n];
    d->xmin = cx - w / 2;
    d->ymin = cy - h / 2;
    d->width = w;
    d->height = h;
    for (int k = 0; k < KT_BP_DETECTOR_KEYPOINTS; k++) {
      d->kp[k][0] = r[4 + 2 * k] / s + anchors[i].cx;
      d->kp[k][1] = r[5 + 2 * k] / s + anchors[i].cy;
    }
    d->score = score;
    int finite = isfinite(d->xmin) && isfinite(d->ymin) && isfinite(w) && isfinite(h);
    for (int k = 0; k < KT_BP_DETECTOR_KEYPOINTS; k++) finite = finite && isfinite(d->kp[k][0]) && isfinite(d->kp[k][1]);
    if (finite) n++;
  }
  *found_out = 0;
  if (n == 0) return kt_status_ok;
  /* The best first (ties: the earlier anchor, as a stable sort keeps them). */
  int best = 0;
  for (int i = 1; i < n; i++)
    if (dets[i].score > dets[best].score) best = i;
  /* Weighted NMS keeps clusters in score order; only the first is used, so
   * only it is built: every detection overlapping the best by IoU > 0.3
   * (the best included) contributes, weighted by its score. */
  const kt_bp_detection top = dets[best];
  double total = 0, xmin = 0, ymin = 0, xmax = 0, ymax = 0, kp[KT_BP_DETECTOR_KEYPOINTS][2] = {{0}};
  for (int i = 0; i < n; i++) {
    const kt_bp_detection* d = &dets[i];
    if (!(iou(d, &top) > KT_BP_NMS_IOU)) continue;
    const double w = d->score;
    total += w;
    xmin += d->xmin * w;
    ymin += d->ymin * w;
    xmax += (d->xmin + d->width) * w;
    ymax += (d->ymin + d->height) * w;
    for (int k = 0; k < KT_BP_DETECTOR_KEYPOINTS; k++) {
      kp[k][0] += d->kp[k][0] * w;
      kp[k][1] += d->kp[k][1] * w;
    }
  }
  kt_bp_detection out = top;
  if (total > 0) {
    out.xmin = (float)(xmin / total);
    out.ymin = (float)(ymin / total);
    out.width = (float)((xmax - xmin) / total);
    out.height = (float)((ymax - ymin) / total);
    for (int k = 0; k < KT_BP_DETECTOR_KEYPOINTS; k++) {
      out.kp[k][0] = (float)(kp[k][0] / total);
      out.kp[k][1] = (float)(kp[k][1] / total);
    }
  }
  *best_out = out;
  *found_out = 1;
  return kt_status_ok;
}

void kt_bp_detection_remove_letterbox(kt_bp_detection* d, int32_t width, int32_t height) {
  const double side = width > height ? width : height;
  const double px = (side - width) / 2 / side, py = (side - height) / 2 / side; /* padding per edge */
  const double sx = 1 - 2 * px, sy = 1 - 2 * py;
  d->xmin = (float)((d->xmin - px) / sx);
  d->ymin = (float)((d->ymin - py) / sy);
  d->width = (float)(d->width / sx);
  d->height = (float)(d->height / sy);
  for (int k = 0; k < KT_BP_DETECTOR_KEYPOINTS; k++) {
    d->kp[k][0] = (float)((d->kp[k][0] - px) / sx);
    d->kp[k][1] = (float)((d->kp[k][1] - py) / sy);
  }
}
