/* Tests for src/pose/angles.c with angles worked out by hand. */
#include <math.h>
#include <string.h>

#include "kt_test.h"
#include "pose/angles.h"

#define TOL 1e-4

static kt_keypoint kp(float x, float y, float s) { return (kt_keypoint){x, y, s}; }

static float angle(kt_keypoint a, kt_keypoint b, kt_keypoint c, int w, int h) {
  kt_joint_angle r = {-1, -1};
  KT_CHECK(kt_joint_angle_compute(&a, &b, &c, w, h, &r) == kt_status_ok);
  return r.degrees;
}

static void test_basic_angles(void) {
  const kt_keypoint b = kp(0.5f, 0.5f, 1);
  KT_CHECK_NEAR(angle(kp(0.7f, 0.5f, 1), b, kp(0.5f, 0.2f, 1), 100, 100), 90.0, TOL);
  KT_CHECK_NEAR(angle(kp(0.7f, 0.5f, 1), b, kp(0.3f, 0.5f, 1), 100, 100), 180.0, TOL);
  KT_CHECK_NEAR(angle(kp(0.7f, 0.5f, 1), b, kp(0.9f, 0.5f, 1), 100, 100), 0.0, TOL);
  KT_CHECK_NEAR(angle(kp(0.7f, 0.5f, 1), b, kp(0.7f, 0.7f, 1), 100, 100), 45.0, TOL);
  KT_CHECK_NEAR(angle(kp(0.7f, 0.5f, 1), b, kp(0.3f, 0.7f, 1), 100, 100), 135.0, TOL);
  /* Order and orientation do not matter: always the inner angle. */
  KT_CHECK_NEAR(angle(kp(0.7f, 0.7f, 1), b, kp(0.7f, 0.5f, 1), 100, 100), 45.0, TOL);
  KT_CHECK_NEAR(angle(kp(0.7f, 0.3f, 1), b, kp(0.7f, 0.5f, 1), 100, 100), 45.0, TOL);
}

static void test_pixel_space_aspect_ratio(void) {
  /* Offsets (0.1, 0) and (0.1, 0.1) look like 45 degrees normalized, but
   * in pixels they are (10,0),(10,20) on 100x200: atan(2) = 63.4349 deg,
   * and (20,0),(20,10) on 200x100: atan(0.5) = 26.5651 deg. */
  const kt_keypoint a = kp(0.6f, 0.5f, 1), b = kp(0.5f, 0.5f, 1), c = kp(0.6f, 0.6f, 1);
  KT_CHECK_NEAR(angle(a, b, c, 100, 200), 63.43494882, TOL);
  KT_CHECK_NEAR(angle(a, b, c, 200, 100), 26.56505118, TOL);
  /* A 3-4-5 triangle on 640x480: B->A is (320, 0) px, B->D is
   * (4/64*640, 3/48*480) = (40, 30) px: atan2(30, 40) = 36.8699 deg. */
  const kt_keypoint d = kp(0.25f + 4.0f / 64, 0.5f + 3.0f / 48, 1);
  KT_CHECK_NEAR(angle(kp(0.75f, 0.5f, 1), kp(0.25f, 0.5f, 1), d, 640, 480),
                36.86989765, TOL);
}

static void test_score_is_min(void) {
  kt_joint_angle r;
  const kt_keypoint a = kp(0.7f, 0.5f, 0.9f), b = kp(0.5f, 0.5f, 0.4f), c = kp(0.5f, 0.2f, 0.6f);
  KT_CHECK(kt_joint_angle_compute(&a, &b, &c, 10, 10, &r) == kt_status_ok);
  KT_CHECK(r.score == 0.4f);
  KT_CHECK_NEAR(r.degrees, 90.0, TOL);
}

static void test_degenerate_is_zero_not_nan(void) {
  kt_joint_angle r = {-1, -1};
  const kt_keypoint b = kp(0.5f, 0.5f, 0.9f), c = kp(0.5f, 0.2f, 0.9f);
  KT_CHECK(kt_joint_angle_compute(&b, &b, &c, 640, 480, &r) == kt_status_ok);
  KT_CHECK(r.degrees == 0.0f && r.score == 0.0f);
  r.degrees = -1;
  KT_CHECK(kt_joint_angle_compute(&c, &b, &b, 640, 480, &r) == kt_status_ok);
  KT_CHECK(r.degrees == 0.0f && r.score == 0.0f);
  const kt_keypoint n = kp(NAN, 0.5f, 0.9f), s = kp(0.1f, 0.1f, NAN);
  r.degrees = -1;
  KT_CHECK(kt_joint_angle_compute(&n, &b, &c, 640, 480, &r) == kt_status_ok);
  KT_CHECK(r.degrees == 0.0f && r.score == 0.0f);
  r.degrees = -1;
  KT_CHECK(kt_joint_angle_compute(&s, &b, &c, 640, 480, &r) == kt_status_ok);
  KT_CHECK(r.degrees == 0.0f && r.score == 0.0f);
  /* Huge but finite coordinates still give a number. */
  const kt_keypoint far = kp(3e38f, 0.5f, 0.9f);
  KT_CHECK(kt_joint_angle_compute(&far, &b, &c, 8000, 8000, &r) == kt_status_ok);
  KT_CHECK_NEAR(r.degrees, 90.0, TOL);
}

static void test_pose_angles(void) {
  /* A 100x100 frame. Left side: straight leg (180 at the knee), hip 180
   * (shoulder above hip above knee), arm straight out sideways (90 at the
   * shoulder) with the forearm pointing up (90 at the elbow). Right side:
   * knee bent to 90, arm hanging down (0 at the shoulder), ankle missing. */
  kt_keypoint k[KT_NUM_KEYPOINTS];
  memset(k, 0, sizeof k);
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) k[i].score = 0.9f;
  k[kt_left_shoulder] = kp(0.4f, 0.3f, 0.8f);
  k[kt_left_elbow] = kp(0.2f, 0.3f, 0.7f);
  k[kt_left_wrist] = kp(0.2f, 0.1f, 0.6f);
  k[kt_left_hip] = kp(0.4f, 0.6f, 0.9f);
  k[kt_left_knee] = kp(0.4f, 0.8f, 0.9f);
  k[kt_left_ankle] = kp(0.4f, 1.0f, 0.5f);
  k[kt_right_shoulder] = kp(0.6f, 0.3f, 0.9f);
  k[kt_right_elbow] = kp(0.6f, 0.45f, 0.9f);
  k[kt_right_wrist] = kp(0.6f, 0.6f, 0.9f);
  k[kt_right_hip] = kp(0.6f, 0.6f, 0.9f);
  k[kt_right_knee] = kp(0.6f, 0.8f, 0.3f);
  k[kt_right_ankle] = kp(0.6f, 0.8f, 0.1f); /* on the knee: degenerate */
  kt_pose_angles a;
  KT_CHECK(kt_pose_angles_compute(k, 100, 100, &a) == kt_status_ok);
  KT_CHECK_NEAR(a.left.knee.degrees, 180, TOL);
  KT_CHECK(a.left.knee.score == 0.5f);
  KT_CHECK_NEAR(a.left.hip.degrees, 180, TOL);
  KT_CHECK(a.left.hip.score == 0.8f);
  KT_CHECK_NEAR(a.left.shoulder.degrees, 90, TOL);
  KT_CHECK(a.left.shoulder.score == 0.7f);
  KT_CHECK_NEAR(a.left.elbow.degrees, 90, TOL);
  KT_CHECK(a.left.elbow.score == 0.6f);
  KT_CHECK(a.right.knee.degrees == 0.0f && a.right.knee.score == 0.0f);
  KT_CHECK_NEAR(a.right.hip.degrees, 180, TOL);
  KT_CHECK(a.right.hip.score == 0.3f);
  KT_CHECK_NEAR(a.right.shoulder.degrees, 0, TOL);
  KT_CHECK_NEAR(a.right.elbow.degrees, 180, TOL);
  /* Bend the right knee: ankle straight behind (to the right). */
  k[kt_right_ankle] = kp(0.8f, 0.8f, 0.9f);
  KT_CHECK(kt_pose_angles_compute(k, 100, 100, &a) == kt_status_ok);
  KT_CHECK_NEAR(a.right.knee.degrees, 90, TOL);
  KT_CHECK(a.right.knee.score == 0.3f);
}

static void test_invalid_arguments(void) {
  kt_keypoint k[KT_NUM_KEYPOINTS];
  kt_pose_angles a;
  kt_joint_angle r = {5, 5};
  memset(k, 0, sizeof k);
  KT_CHECK(kt_pose_angles_compute(NULL, 10, 10, &a) == kt_status_invalid_argument);
  KT_CHECK(kt_pose_angles_compute(k, 0, 10, &a) == kt_status_invalid_argument);
  KT_CHECK(kt_pose_angles_compute(k, 10, -3, &a) == kt_status_invalid_argument);
  KT_CHECK(kt_pose_angles_compute(k, 10, 10, NULL) == kt_status_invalid_argument);
  KT_CHECK(kt_joint_angle_compute(k, NULL, k, 10, 10, &r) == kt_status_invalid_argument);
  KT_CHECK(r.degrees == 5.0f);
  /* All keypoints at one spot: every angle degenerate, none NaN. */
  KT_CHECK(kt_pose_angles_compute(k, 10, 10, &a) == kt_status_ok);
  KT_CHECK(a.left.elbow.degrees == 0.0f && a.right.hip.score == 0.0f);
}

int main(void) {
  KT_RUN(test_basic_angles);
  KT_RUN(test_pixel_space_aspect_ratio);
  KT_RUN(test_score_is_min);
  KT_RUN(test_degenerate_is_zero_not_nan);
  KT_RUN(test_pose_angles);
  KT_RUN(test_invalid_arguments);
  return kt_test_summary();
}
