/* Tests of BlazePose's steps (src/pose/blazepose/, pose/filters/
 * landmark_smoothing), each on hand-made inputs with values worked out
 * here, and the pipeline end to end on the reference kernels. The same
 * pipeline is compared with MediaPipe's own in tests/node/blazepose-parity. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kinetrack.h"
#include "kt_test.h"
#include "pose/blazepose/anchors.h"
#include "pose/blazepose/detector.h"
#include "pose/blazepose/landmarks.h"
#include "pose/blazepose/roi.h"
#include "pose/blazepose/warp.h"
#include "pose/filters/landmark_smoothing.h"
#include "pose/pipeline.h"

static const double kPi = 3.14159265358979323846;

static void test_anchors(void) {
  static kt_bp_anchor a[KT_BP_NUM_ANCHORS];
  KT_CHECK(kt_bp_anchors(a) == kt_status_ok);
  /* Stride 8: 28x28 cells, 2 anchors each, row by row. */
  KT_CHECK_NEAR(a[0].cx, 0.5 / 28, 1e-7);
  KT_CHECK_NEAR(a[1].cx, 0.5 / 28, 1e-7);
  KT_CHECK_NEAR(a[2].cx, 1.5 / 28, 1e-7);
  KT_CHECK_NEAR(a[56].cy, 1.5 / 28, 1e-7);
  /* Stride 16 starts at 28*28*2; stride 32 (3 layers, 6 per cell) at +14*14*2. */
  KT_CHECK_NEAR(a[1568].cx, 0.5 / 14, 1e-7);
  KT_CHECK_NEAR(a[1960].cx, 0.5 / 7, 1e-7);
  KT_CHECK_NEAR(a[1965].cx, 0.5 / 7, 1e-7);
  KT_CHECK_NEAR(a[1966].cx, 1.5 / 7, 1e-7);
  KT_CHECK_NEAR(a[KT_BP_NUM_ANCHORS - 1].cx, 6.5 / 7, 1e-7);
  KT_CHECK_NEAR(a[KT_BP_NUM_ANCHORS - 1].cy, 6.5 / 7, 1e-7);
  KT_CHECK(kt_bp_anchors(NULL) == kt_status_invalid_argument);
}

static void test_roi_from_points(void) {
  kt_bp_rect r;
  /* Body pointing up (size point above the centre): no rotation. 100x200
   * frame, centre (50, 100) px, size point 40 px above: side 2*40*1.25. */
  KT_CHECK(kt_bp_roi_from_points(0.5f, 0.5f, 0.5f, 0.3f, 100, 200, &r) == kt_status_ok);
  KT_CHECK_NEAR(r.cx, 50, 1e-4);
  KT_CHECK_NEAR(r.cy, 100, 1e-4);
  KT_CHECK_NEAR(r.w, 100, 1e-4);
  KT_CHECK_NEAR(r.h, 100, 1e-4);
  KT_CHECK_NEAR(r.rotation, 0, 1e-6);
  /* Pointing right: the crop turns by +90 degrees; down: -180 (normalized to [-pi, pi)). */
  KT_CHECK(kt_bp_roi_from_points(0.5f, 0.5f, 0.7f, 0.5f, 100, 100, &r) == kt_status_ok);
  KT_CHECK_NEAR(r.rotation, kPi / 2, 1e-6);
  KT_CHECK(kt_bp_roi_from_points(0.5f, 0.5f, 0.5f, 0.7f, 100, 100, &r) == kt_status_ok);
  KT_CHECK_NEAR(r.rotation, -kPi, 1e-6);
  KT_CHECK_NEAR(kt_bp_normalize_radians(3 * kPi / 2), -kPi / 2, 1e-9);
  KT_CHECK_NEAR(kt_bp_normalize_radians(kPi), -kPi, 1e-9);
  /* Degenerate: both points equal, or not finite. */
  KT_CHECK(kt_bp_roi_from_points(0.5f, 0.5f, 0.5f, 0.5f, 100, 100, &r) == kt_status_invalid_argument);
  KT_CHECK(kt_bp_roi_from_points(NAN, 0.5f, 0.5f, 0.2f, 100, 100, &r) == kt_status_invalid_argument);
}

/* A 4x3 frame whose pixel (x, y) has red = 10x + 1, green = 10y + 2. */
static void small_frame(uint8_t rgba[4 * 3 * 4]) {
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 4; x++) {
      uint8_t* p = rgba + (y * 4 + x) * 4;
      p[0] = (uint8_t)(10 * x + 1), p[1] = (uint8_t)(10 * y + 2), p[2] = 7, p[3] = 255;
    }
}

static void test_warp(void) {
  uint8_t rgba[48];
  small_frame(rgba);
  float out[4 * 3 * 3];
  /* The whole frame onto an output of its size: the pixels themselves. */
  const kt_bp_rect same = {2, 1.5f, 4, 3, 0};
  KT_CHECK(kt_bp_warp(rgba, 4, 3, &same, 4, 3, kt_bp_border_zero, 255, 0, out) == kt_status_ok);
  for (int i = 0; i < 12; i++) {
    KT_CHECK_NEAR(out[i * 3], rgba[i * 4], 1e-4);
    KT_CHECK_NEAR(out[i * 3 + 1], rgba[i * 4 + 1], 1e-4);
  }
  /* Turned by pi: the frame upside down. */
  const kt_bp_rect flipped = {2, 1.5f, 4, 3, (float)kPi};
  KT_CHECK(kt_bp_warp(rgba, 4, 3, &flipped, 4, 3, kt_bp_border_zero, 255, 0, out) == kt_status_ok);
  KT_CHECK_NEAR(out[0], rgba[11 * 4], 1e-3);
  KT_CHECK_NEAR(out[1], rgba[11 * 4 + 1], 1e-3);
  /* Half a pixel from the edge inside the frame: the edge pixel, no black
   * bleeding in (the zero border only applies outside). */
  float one[3];
  const kt_bp_rect edge = {0.25f, 0.5f, 0.5f, 1, 0}; /* samples at x = 0.25 px: pixel-centre -0.25 */
  KT_CHECK(kt_bp_warp(rgba, 4, 3, &edge, 1, 1, kt_bp_border_zero, 255, 0, one) == kt_status_ok);
  KT_CHECK_NEAR(one[0], 1, 1e-4);
  /* Outside: zero border gives the offset, replicate the nearest edge
   * pixel of the same row, however far. */
  const kt_bp_rect far = {-1000.5f, 1.5f, 1, 1, 0};
  KT_CHECK(kt_bp_warp(rgba, 4, 3, &far, 1, 1, kt_bp_border_zero, 2, -1, one) == kt_status_ok);
  KT_CHECK(one[0] == -1 && one[1] == -1);
  KT_CHECK(kt_bp_warp(rgba, 4, 3, &far, 1, 1, kt_bp_border_replicate, 255, 0, one) == kt_status_ok);
  KT_CHECK_NEAR(one[0], 1, 1e-4);  /* column 0 */
  KT_CHECK_NEAR(one[1], 12, 1e-4); /* row 1 */
  const kt_bp_rect nan_rect = {NAN, 1, 1, 1, 0};
  KT_CHECK(kt_bp_warp(rgba, 4, 3, &nan_rect, 1, 1, kt_bp_border_zero, 1, 0, one) == kt_status_invalid_argument);
  /* The letterbox of a 200x100 frame: side 200 around the centre. */
  const kt_bp_rect lb = kt_bp_letterbox_rect(200, 100);
  KT_CHECK(lb.cx == 100 && lb.cy == 50 && lb.w == 200 && lb.h == 200 && lb.rotation == 0);
}

static void test_detect_weighted_nms(void) {
  static kt_bp_anchor anchors[KT_BP_NUM_ANCHORS];
  static float boxes[KT_BP_NUM_ANCHORS * 12], scores[KT_BP_NUM_ANCHORS];
  static kt_bp_detection scratch[KT_BP_NUM_ANCHORS];
  for (int i = 0; i < KT_BP_NUM_ANCHORS; i++) {
    anchors[i] = (kt_bp_anchor){0.5f, 0.5f};
    scores[i] = -10; /* far below 0.5 */
  }
  /* Two overlapping boxes (scores 0.8 and 0.6) and one apart (0.7). Boxes
   * in 224-pixel units around the anchor (0.5, 0.5). */
  const float logit8 = logf(0.8f / 0.2f), logit6 = logf(0.6f / 0.4f), logit7 = logf(0.7f / 0.3f);
  float* b0 = boxes + 0 * 12;
  float* b1 = boxes + 1 * 12;
  float* b2 = boxes + 2 * 12;
  b0[2] = b0[3] = 44.8f; /* 0.2 x 0.2 at the centre */
  b1[0] = 4.48f;         /* shifted by 0.02 */
  b1[2] = b1[3] = 44.8f;
  b2[0] = -89.6f; /* 0.4 to the left: no overlap */
  b2[2] = b2[3] = 44.8f;
  b0[4] = 0, b1[4] = 22.4f; /* keypoint 0 x: 0.5 and 0.6 */
  scores[0] = logit8, scores[1] = logit6, scores[2] = logit7;
  kt_bp_detection best;
  int found = 0;
  KT_CHECK(kt_bp_detect(boxes, scores, anchors, scratch, &best, &found) == kt_status_ok && found == 1);
  /* The best keeps its score; box and keypoints are score-weighted means. */
  KT_CHECK_NEAR(best.score, 0.8, 1e-5);
  KT_CHECK_NEAR(best.xmin, (0.4 * 0.8 + 0.42 * 0.6) / 1.4, 1e-5);
  KT_CHECK_NEAR(best.width, 0.2, 1e-5);
  KT_CHECK_NEAR(best.kp[0][0], (0.5 * 0.8 + 0.6 * 0.6) / 1.4, 1e-5);
  /* Nothing above 0.5: nothing found. */
  scores[0] = scores[1] = scores[2] = -1;
  KT_CHECK(kt_bp_detect(boxes, scores, anchors, scratch, &best, &found) == kt_status_ok && found == 0);
  /* Letterbox removal for a 200x100 frame: the square's middle half is the frame's height. */
  kt_bp_detection d = {0.5f, 0.25f, 0.5f, 0.5f, {{0.5f, 0.5f}, {0.5f, 0.75f}, {0, 0}, {0, 0}}, 0.9f};
  kt_bp_detection_remove_letterbox(&d, 200, 100);
  KT_CHECK_NEAR(d.ymin, 0, 1e-6);
  KT_CHECK_NEAR(d.height, 1, 1e-6);
  KT_CHECK_NEAR(d.kp[1][1], 1, 1e-6);
  KT_CHECK_NEAR(d.xmin, 0.5, 1e-6);
}

static void test_landmarks_decode_refine_project(void) {
  static float raw[KT_BP_NUM_MODEL_LANDMARKS * 5];
  static float heatmap[KT_BP_HEATMAP_SIZE * KT_BP_HEATMAP_SIZE * KT_BP_NUM_MODEL_LANDMARKS];
  for (size_t i = 0; i < sizeof(heatmap) / sizeof(heatmap[0]); i++) heatmap[i] = -20; /* confidence ~0 */
  for (int i = 0; i < KT_BP_NUM_MODEL_LANDMARKS; i++) {
    float* r = raw + i * 5;
    r[0] = 128, r[1] = 64, r[2] = -25.6f, r[3] = 0, r[4] = 2;
  }
  /* Landmark 0 at column 32, row 16 of the heatmap: a confident peak one
   * cell right of it, and a weaker one on it: the mean moves right. */
  const int c = KT_BP_NUM_MODEL_LANDMARKS;
  heatmap[(16 * 64 + 33) * c + 0] = 4;  /* sigmoid ~0.982 */
  heatmap[(16 * 64 + 32) * c + 0] = 0;  /* 0.5 */
  /* Landmark 1's window peaks below 0.5: not refined. */
  heatmap[(16 * 64 + 33) * c + 1] = -0.5f;
  kt_landmark lm[KT_BP_NUM_MODEL_LANDMARKS];
  KT_CHECK(kt_bp_decode_landmarks(raw, heatmap, lm) == kt_status_ok);
  const double s0 = 0.5, s1 = 1 / (1 + exp(-4.0)), eps = 1 / (1 + exp(20.0));
  const double sum = s0 + s1 + 47 * eps;
  double wx = 32 * s0 + 33 * s1, wy = 16 * (s0 + s1);
  for (int r = 13; r <= 19; r++)
    for (int col = 29; col <= 35; col++)
      if (!(r == 16 && (col == 32 || col == 33))) wx += col * eps, wy += r * eps;
  KT_CHECK_NEAR(lm[0].x, wx / 64 / sum, 1e-5);
  KT_CHECK_NEAR(lm[0].y, wy / 64 / sum, 1e-5);
  KT_CHECK_NEAR(lm[1].x, 0.5, 1e-7);
  KT_CHECK_NEAR(lm[1].y, 0.25, 1e-7);
  KT_CHECK_NEAR(lm[1].z, -0.1, 1e-7);
  KT_CHECK_NEAR(lm[1].visibility, 0.5, 1e-7);
  KT_CHECK_NEAR(lm[1].presence, 1 / (1 + exp(-2.0)), 1e-6);
  /* Back to a 400x200 frame through a crop of side 100 at (200, 100)
   * turned by 90 degrees: crop right is frame down. */
  kt_landmark p = {0.75f, 0.5f, 0.1f, 1, 1};
  const kt_bp_rect roi = {200, 100, 100, 100, (float)(kPi / 2)};
  kt_bp_project_landmarks(&p, 1, &roi, 400, 200);
  KT_CHECK_NEAR(p.x, 200.0 / 400, 1e-6);
  KT_CHECK_NEAR(p.y, 125.0 / 200, 1e-6);
  KT_CHECK_NEAR(p.z, 0.1 * 100 / 400, 1e-7);
  /* World landmarks turn the same way; visibility comes from the image landmark. */
  const float w[3] = {1, 0, 0.5f};
  kt_landmark image = {0, 0, 0, 0.3f, 0.4f}, world;
  kt_bp_world_landmarks(w, &roi, &image, &world, 1);
  KT_CHECK_NEAR(world.x, 0, 1e-6);
  KT_CHECK_NEAR(world.y, 1, 1e-6);
  KT_CHECK(world.z == 0.5f && world.visibility == 0.3f && world.presence == 0.4f);
}

static void test_mediapipe_one_euro(void) {
  kt_mp_one_euro f;
  const kt_mp_one_euro_config* c = &kt_mp_smoothing_auxiliary;
  kt_mp_one_euro_reset(&f, c);
  /* A timestamp of 0 (MediaPipe's "none yet") passes through, untouched state. */
  KT_CHECK(kt_mp_one_euro_apply(&f, c, 0, 1, 5) == 5);
  KT_CHECK(kt_mp_one_euro_apply(&f, c, 33000000, 1, 10) == 10); /* first value */
  /* A step: the low-pass moves part of the way (30 Hz, cutoff 0.01 + 10 * speed). */
  const double y = kt_mp_one_euro_apply(&f, c, 66000000, 0.01, 20);
  KT_CHECK(y > 10 && y < 20);
  /* The same timestamp again: passes through. */
  KT_CHECK(kt_mp_one_euro_apply(&f, c, 66000000, 0.01, 99) == 99);
  /* Visibility: alpha 0.1. */
  kt_landmarks_smoother s;
  kt_landmarks_smoother_init(&s, &kt_mp_smoothing_landmarks, 1, true);
  kt_landmark l = {0.5f, 0.5f, 0, 1.0f, 1};
  kt_landmarks_smoother_apply(&s, &l, 10, 100, 100, 50);
  KT_CHECK(l.visibility == 1.0f);
  l.visibility = 0;
  kt_landmarks_smoother_apply(&s, &l, 43, 100, 100, 50);
  KT_CHECK_NEAR(l.visibility, 0.9, 1e-6);
  kt_landmarks_smoother_reset(&s);
  l.visibility = 0.2f;
  kt_landmarks_smoother_apply(&s, &l, 76, 100, 100, 50);
  KT_CHECK_NEAR(l.visibility, 0.2, 1e-7);
}

/* The pipeline on the real files, reference kernels: a frame with nobody
 * gives an empty pose; models that are not BlazePose's are refused. */
static void test_pipeline_end_to_end(void) {
  size_t n1 = 0, n2 = 0;
  uint8_t* det_bytes = kt_test_read_file("models/pose_detection.tflite", &n1);
  uint8_t* lm_bytes = kt_test_read_file("models/pose_landmark_lite.tflite", &n2);
  KT_CHECK(det_bytes && lm_bytes);
  kt_model *det = NULL, *lm = NULL;
  static const char* const keep[4] = {"Identity", "Identity_1", "Identity_3", "Identity_4"};
  if (det_bytes && lm_bytes) {
    KT_CHECK(kt_model_load_tflite(det_bytes, n1, kt_backend_reference, &det) == kt_status_ok);
    KT_CHECK(kt_model_load_tflite_outputs(lm_bytes, n2, kt_backend_reference, keep, 4, &lm) == kt_status_ok);
  }
  if (det && lm) {
    KT_CHECK(kt_model_num_outputs(lm) == 4);
    kt_pose_pipeline* p = NULL;
    KT_CHECK(kt_blazepose_pipeline_create(det, lm, "lite", &p) == kt_status_ok);
    kt_pose_pipeline* swapped = NULL; /* the two models the wrong way round */
    KT_CHECK(kt_blazepose_pipeline_create(lm, det, "lite", &swapped) == kt_status_unsupported && swapped == NULL);
    if (p) {
      KT_CHECK(strcmp(p->model_name, "blazepose-lite") == 0);
      uint8_t* grey = malloc(64 * 48 * 4);
      memset(grey, 128, 64 * 48 * 4);
      kt_pose pose;
      const kt_image img = {grey, 0, 64, 48};
      KT_CHECK(kt_pose_estimate(p, &img, 0, true, &pose) == kt_status_ok);
      KT_CHECK(!pose.detected && pose.skeleton->count == 33 && pose.coco[0].score == 0);
      /* A frame as a texture needs a GPU backend: refused with the reason. */
      const kt_image tex = {NULL, 1, 64, 48};
      KT_CHECK(kt_pose_estimate(p, &tex, 0, true, &pose) == kt_status_unsupported);
      KT_CHECK(strstr(kt_last_error(), "cannot read a frame from a GPU texture") != NULL);
      free(grey);
      kt_pose_pipeline_destroy(p);
    }
    const char* bad = "nope";
    kt_model* none = NULL;
    KT_CHECK(kt_model_load_tflite_outputs(lm_bytes, n2, kt_backend_reference, &bad, 1, &none) == kt_status_invalid_argument);
    KT_CHECK(none == NULL);
  }
  kt_model_destroy(det);
  kt_model_destroy(lm);
  free(det_bytes);
  free(lm_bytes);
}

int main(void) {
  KT_RUN(test_anchors);
  KT_RUN(test_roi_from_points);
  KT_RUN(test_warp);
  KT_RUN(test_detect_weighted_nms);
  KT_RUN(test_landmarks_decode_refine_project);
  KT_RUN(test_mediapipe_one_euro);
  KT_RUN(test_pipeline_end_to_end);
  return kt_test_summary();
}
