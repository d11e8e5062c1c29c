/* Tests for src/render/skeleton.c (kt_render_skeleton). Pixel (x, y) has
 * its center at (x + 0.5, y + 0.5); keypoints are given in pixels / size. */
#include <stdint.h>
#include <string.h>

#include "kinetrack.h"
#include "kt_test.h"

#define W 400
#define H 400
static uint8_t g_img[W * H * 4];
static kt_keypoint g_kp[KT_NUM_KEYPOINTS];

static void clear(int w, int h) { memset(g_img, 255, (size_t)w * h * 4); }

static const uint8_t* px(int w, int x, int y) { return g_img + ((size_t)y * w + x) * 4; }

static int is(int w, int x, int y, int r, int g, int b, int a) {
  const uint8_t* p = px(w, x, y);
  return p[0] == r && p[1] == g && p[2] == b && p[3] == a;
}
static int navy(int w, int x, int y) { return is(w, x, y, 0x01, 0x0A, 0x73, 255); }
static int gold(int w, int x, int y) { return is(w, x, y, 0xFF, 0xC3, 0x00, 255); }
static int white(int w, int x, int y) { return is(w, x, y, 255, 255, 255, 255); }

static void hide_all(void) {
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) g_kp[i] = (kt_keypoint){0.5f, 0.5f, 0.0f};
}
static void put(int id, double x, double y, int w, int h) {
  g_kp[id] = (kt_keypoint){(float)(x / w), (float)(y / h), 0.9f};
}

static void test_line_and_dots(void) {
  /* Shoulders at (40,100) and (160,100) on 200x200: a 4 px line covers
   * rows 98..101 exactly (centers 98.5..101.5 are within 2 px of y=100). */
  clear(200, 200);
  hide_all();
  put(kt_left_shoulder, 40, 100, 200, 200);
  put(kt_right_shoulder, 160, 100, 200, 200);
  KT_CHECK(kt_render_skeleton(g_img, 200, 200, g_kp, 0.3f, 1.0f) == kt_status_ok);
  for (int y = 98; y <= 101; y++) KT_CHECK(navy(200, 100, y));
  KT_CHECK(white(200, 100, 97) && white(200, 100, 102));
  /* Dots: navy fill at the center, gold ring across radius 8 (6..10). */
  KT_CHECK(navy(200, 40, 100) && navy(200, 159, 99));
  KT_CHECK(gold(200, 48, 99) && gold(200, 31, 100) && gold(200, 160, 91));
  KT_CHECK(white(200, 40, 88) && white(200, 160, 111)); /* 11.5 px away */
  KT_CHECK(white(200, 0, 0) && white(200, 199, 199) && white(200, 100, 50));
}

static void test_antialiased_edge(void) {
  /* On 200x201, y = 0.5 is exactly 100.5 px: the line covers 98.5..102.5,
   * so rows 98 and 102 are half covered: 255 + (c - 255) * 0.5, rounded. */
  clear(200, 201);
  hide_all();
  g_kp[kt_left_hip] = (kt_keypoint){0.1f, 0.5f, 0.9f};
  g_kp[kt_right_hip] = (kt_keypoint){0.9f, 0.5f, 0.9f};
  KT_CHECK(kt_render_skeleton(g_img, 200, 201, g_kp, 0.3f, 1.0f) == kt_status_ok);
  KT_CHECK(is(200, 100, 98, 128, 133, 185, 255));
  KT_CHECK(is(200, 100, 102, 128, 133, 185, 255));
  KT_CHECK(navy(200, 100, 99) && navy(200, 100, 101));
  KT_CHECK(white(200, 100, 97) && white(200, 100, 103));
}

static void test_theme_edges(void) {
  static const int pos[KT_NUM_KEYPOINTS][2] = {
      {200, 40},  {190, 30},  {210, 30},  {180, 35},  {220, 35},  /* face */
      {150, 100}, {250, 100}, {100, 180}, {300, 180}, {100, 260}, {300, 260},
      {160, 220}, {240, 220}, {160, 300}, {240, 300}, {160, 380}, {240, 380}};
  static const int mid[12][2] = {{200, 100}, {200, 220}, {155, 160}, {245, 160},
                                 {160, 260}, {240, 260}, {160, 340}, {240, 340},
                                 {125, 140}, {275, 140}, {100, 220}, {300, 220}};
  clear(W, H);
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) put(i, pos[i][0], pos[i][1], W, H);
  KT_CHECK(kt_render_skeleton(g_img, W, H, g_kp, 0.3f, 1.0f) == kt_status_ok);
  for (int e = 0; e < 12; e++) KT_CHECK(navy(W, mid[e][0], mid[e][1]));
  /* Not edges: nose-shoulder, wrist-wrist, hip-opposite knee. */
  KT_CHECK(white(W, 175, 70) && white(W, 200, 260) && white(W, 200, 300));
  /* All 17 dots, face included, drawn over the lines. */
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) KT_CHECK(navy(W, pos[i][0], pos[i][1]));
  KT_CHECK(gold(W, 158, 99)); /* on the shoulder line, under the ring */
}

static void test_low_scores_skipped(void) {
  clear(200, 200);
  hide_all();
  put(kt_left_shoulder, 40, 100, 200, 200);
  put(kt_right_shoulder, 160, 100, 200, 200);
  g_kp[kt_right_shoulder].score = 0.29f;
  KT_CHECK(kt_render_skeleton(g_img, 200, 200, g_kp, 0.3f, 1.0f) == kt_status_ok);
  KT_CHECK(navy(200, 40, 100));                            /* kept dot */
  KT_CHECK(white(200, 100, 100) && white(200, 160, 100));  /* no line, no dot */
  g_kp[kt_right_shoulder].score = 0.3f; /* equal to min_score: drawn */
  KT_CHECK(kt_render_skeleton(g_img, 200, 200, g_kp, 0.3f, 1.0f) == kt_status_ok);
  KT_CHECK(navy(200, 100, 100) && navy(200, 160, 100));
}

static void test_scale(void) {
  clear(200, 200);
  hide_all();
  put(kt_left_shoulder, 40, 100, 200, 200);
  put(kt_right_shoulder, 160, 100, 200, 200);
  KT_CHECK(kt_render_skeleton(g_img, 200, 200, g_kp, 0.3f, 2.0f) == kt_status_ok);
  for (int y = 96; y <= 103; y++) KT_CHECK(navy(200, 100, y)); /* 8 px */
  KT_CHECK(white(200, 100, 95) && white(200, 100, 104));
  KT_CHECK(gold(200, 56, 99) && navy(200, 50, 99)); /* ring 12..20 */
}

static void test_tiny_images_and_far_keypoints(void) {
  clear(1, 1);
  hide_all();
  put(kt_nose, 0.5, 0.5, 1, 1);
  KT_CHECK(kt_render_skeleton(g_img, 1, 1, g_kp, 0.3f, 1.0f) == kt_status_ok);
  KT_CHECK(navy(1, 0, 0));
  clear(3, 1);
  KT_CHECK(kt_render_skeleton(g_img, 3, 1, g_kp, 0.3f, 1e30f) == kt_status_ok);
  clear(200, 200);
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    g_kp[i] = (kt_keypoint){(i % 2 ? 1e30f : -3e38f), (i % 3 ? 2e20f : -1e35f), 1.0f};
  }
  KT_CHECK(kt_render_skeleton(g_img, 200, 200, g_kp, 0.3f, 1.0f) == kt_status_ok);
  /* A line between two far-away points that crosses the frame is drawn. */
  clear(200, 200);
  hide_all();
  g_kp[kt_left_hip] = (kt_keypoint){-1e30f, 0.5f, 1.0f};
  g_kp[kt_right_hip] = (kt_keypoint){1e30f, 0.5f, 1.0f};
  KT_CHECK(kt_render_skeleton(g_img, 200, 200, g_kp, 0.3f, 1.0f) == kt_status_ok);
  KT_CHECK(navy(200, 0, 100) && navy(200, 199, 99) && white(200, 100, 97));
  /* A far dot touches nothing. */
  clear(200, 200);
  g_kp[kt_left_hip] = (kt_keypoint){-1e30f, 1e30f, 1.0f};
  g_kp[kt_right_hip].score = 0;
  KT_CHECK(kt_render_skeleton(g_img, 200, 200, g_kp, 0.3f, 1.0f) == kt_status_ok);
  for (int i = 0; i < 200 * 200; i++) KT_CHECK(white(200, i % 200, i / 200));
}

static void test_invalid_arguments(void) {
  clear(10, 10);
  hide_all();
  KT_CHECK(kt_render_skeleton(NULL, 10, 10, g_kp, 0.3f, 1) == kt_status_invalid_argument);
  KT_CHECK(kt_render_skeleton(g_img, 10, 10, NULL, 0.3f, 1) == kt_status_invalid_argument);
  KT_CHECK(kt_render_skeleton(g_img, 0, 10, g_kp, 0.3f, 1) == kt_status_invalid_argument);
  KT_CHECK(kt_render_skeleton(g_img, 10, -1, g_kp, 0.3f, 1) == kt_status_invalid_argument);
  KT_CHECK(kt_render_skeleton(g_img, 10, 10, g_kp, NAN, 1) == kt_status_invalid_argument);
  KT_CHECK(kt_render_skeleton(g_img, 10, 10, g_kp, 0.3f, NAN) == kt_status_invalid_argument);
  KT_CHECK(kt_render_skeleton(g_img, 10, 10, g_kp, 0.3f, INFINITY) == kt_status_invalid_argument);
  KT_CHECK(kt_render_skeleton(g_img, 10, 10, g_kp, 0.3f, 0) == kt_status_invalid_argument);
  put(kt_nose, 5, 5, 10, 10);
  g_kp[kt_left_ankle].y = NAN; /* rejected before anything is drawn */
  KT_CHECK(kt_render_skeleton(g_img, 10, 10, g_kp, 0.3f, 1) == kt_status_invalid_argument);
  for (int i = 0; i < 100; i++) KT_CHECK(white(10, i % 10, i / 10));
}

int main(void) {
  KT_RUN(test_line_and_dots);
  KT_RUN(test_antialiased_edge);
  KT_RUN(test_theme_edges);
  KT_RUN(test_low_scores_skipped);
  KT_RUN(test_scale);
  KT_RUN(test_tiny_images_and_far_keypoints);
  KT_RUN(test_invalid_arguments);
  return kt_test_summary();
}
