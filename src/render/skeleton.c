/*
 * skeleton.c — kt_render_skeleton (kinetrack.h): PoseTracker's
 * DEFAULT_SKELETON drawn onto RGBA in place.
 *
 * Antialiasing is by coverage from a signed distance: a pixel whose center
 * is d pixels outside a shape's edge (negative inside) gets coverage
 * clamp(0.5 - d, 0, 1), which is exact for an edge crossing the pixel
 * straight and close enough at any angle. Shapes are visited row by row
 * over only the pixels their (slightly grown) outline can touch, clipped to
 * the image first, so the work is bounded by the image whatever the
 * coordinates. Everything is on the stack; nothing is allocated.
 */
#include <math.h>
#include <stddef.h>

#include "kinetrack.h"

typedef struct rgb { double r, g, b; } rgb;
static const rgb kNavy = {0x01, 0x0A, 0x73};  /* #010A73: lines, dot fill */
static const rgb kGold = {0xFF, 0xC3, 0x00};  /* #FFC300: dot outline */
static const double kLineWidth = 4, kRadius = 8, kOutlineWidth = 4;
/* How far past the exact outline rows and columns are visited: pixels
 * whose centers are 0.5 px out still get coverage, plus rounding room. */
static const double kGrow = 1.0;

static const unsigned char kEdges[12][2] = {
    {kt_left_shoulder, kt_right_shoulder}, {kt_left_hip, kt_right_hip},
    {kt_left_hip, kt_left_shoulder},       {kt_right_hip, kt_right_shoulder},
    {kt_left_hip, kt_left_knee},           {kt_right_hip, kt_right_knee},
    {kt_left_knee, kt_left_ankle},         {kt_right_knee, kt_right_ankle},
    {kt_left_shoulder, kt_left_elbow},     {kt_right_shoulder, kt_right_elbow},
    {kt_left_elbow, kt_left_wrist},        {kt_right_elbow, kt_right_wrist},
};

typedef struct canvas { uint8_t* px; int32_t w, h; } canvas;

static double clamp01(double v) { return v < 0 ? 0 : (v > 1 ? 1 : v); }

/* Source-over of an opaque color at coverage `cov`; rounds to nearest. */
static void blend(const canvas* cv, int32_t x, int32_t y, rgb c, double cov) {
  if (!(cov > 0)) return;
  uint8_t* p = cv->px + ((size_t)y * (size_t)cv->w + (size_t)x) * 4;
  p[0] = (uint8_t)(p[0] + (c.r - p[0]) * cov + 0.5);
  p[1] = (uint8_t)(p[1] + (c.g - p[1]) * cov + 0.5);
  p[2] = (uint8_t)(p[2] + (c.b - p[2]) * cov + 0.5);
  p[3] = (uint8_t)(p[3] + (255.0 - p[3]) * cov + 0.5);
}

/* Indices of the pixels (0..n-1) whose centers i + 0.5 lie in [lo, hi].
 * Clamps in double before converting, so any finite bounds are safe. */
static int span(double lo, double hi, int32_t n, int32_t* first, int32_t* last) {
  double f = ceil(lo - 0.5), l = floor(hi - 0.5);
  if (!(f <= l) || l < 0 || f > (double)n - 1) return 0;
  *first = f < 0 ? 0 : (int32_t)f;
  *last = l > (double)n - 1 ? n - 1 : (int32_t)l;
  return 1;
}

/* Where the horizontal line at `y` crosses the convex quad (vx, vy). */
static int quad_row(const double vx[4], const double vy[4], double y,
                    double* x_lo, double* x_hi) {
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < 4; i++) {
    const double ax = vx[i], ay = vy[i], bx = vx[(i + 1) % 4], by = vy[(i + 1) % 4];
    if ((ay - y) * (by - y) > 0) continue; /* edge entirely above or below */
    double x0 = ax, x1 = bx;               /* a horizontal edge on the line */
    if (ay != by) x0 = x1 = ax + (y - ay) * (bx - ax) / (by - ay);
    lo = fmin(lo, fmin(x0, x1));
    hi = fmax(hi, fmax(x0, x1));
  }
  *x_lo = lo, *x_hi = hi;
  return lo <= hi;
}

/* A butt-capped line (canvas's default cap) of width `lw` from a to b. */
static void draw_line(const canvas* cv, double ax, double ay, double bx,
                      double by, double lw, rgb color) {
  const double len = hypot(bx - ax, by - ay), hw = lw / 2;
  if (!(len > 0) || !isfinite(len)) return; /* no direction, nothing drawn */
  const double ux = (bx - ax) / len, uy = (by - ay) / len; /* along */
  const double nx = -uy, ny = ux;                          /* across */
  const double e = kGrow, s = hw + kGrow;
  const double vx[4] = {ax - ux * e + nx * s, bx + ux * e + nx * s,
                        bx + ux * e - nx * s, ax - ux * e - nx * s};
  const double vy[4] = {ay - uy * e + ny * s, by + uy * e + ny * s,
                        by + uy * e - ny * s, ay - uy * e - ny * s};
  int32_t y0, y1, x0, x1;
  const double top = fmin(fmin(vy[0], vy[1]), fmin(vy[2], vy[3]));
  const double bottom = fmax(fmax(vy[0], vy[1]), fmax(vy[2], vy[3]));
  if (!span(top, bottom, cv->h, &y0, &y1)) return;
  for (int32_t y = y0; y <= y1; y++) {
    const double py = y + 0.5;
    double lo, hi;
    if (!quad_row(vx, vy, py, &lo, &hi) || !span(lo, hi, cv->w, &x0, &x1)) continue;
    for (int32_t x = x0; x <= x1; x++) {
      const double dx = x + 0.5 - ax, dy = py - ay;
      /* Distance to the rectangle: t along the line, n across it. */
      const double qt = fabs(dx * ux + dy * uy - len / 2) - len / 2;
      const double qn = fabs(dx * nx + dy * ny) - hw;
      const double d = hypot(fmax(qt, 0), fmax(qn, 0)) + fmin(fmax(qt, qn), 0);
      blend(cv, x, y, color, clamp01(0.5 - d));
    }
  }
}

/* A filled dot of radius r with an outline of width ow centered on its edge
 * (canvas arc: fill(), then stroke()). */
static void draw_dot(const canvas* cv, double cx, double cy, double r, double ow) {
  const double reach = r + ow / 2 + kGrow;
  int32_t y0, y1, x0, x1;
  if (!span(cy - reach, cy + reach, cv->h, &y0, &y1)) return;
  for (int32_t y = y0; y <= y1; y++) {
    const double dy = y + 0.5 - cy;
    const double half = sqrt(fmax(reach * reach - dy * dy, 0));
    if (!span(cx - half, cx + half, cv->w, &x0, &x1)) continue;
    for (int32_t x = x0; x <= x1; x++) {
      const double d = hypot(x + 0.5 - cx, dy) - r; /* to the edge */
      blend(cv, x, y, kNavy, clamp01(0.5 - d));
      blend(cv, x, y, kGold, clamp01(0.5 - (fabs(d) - ow / 2)));
    }
  }
}

kt_status kt_render_skeleton(uint8_t* rgba, int32_t width, int32_t height,
                             const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                             float min_score, float scale) {
  if (rgba == NULL || keypoints == NULL || width <= 0 || height <= 0 ||
      (size_t)width > SIZE_MAX / 4 / (size_t)height || isnan(min_score) ||
      !isfinite(scale) || !(scale > 0)) {
    return kt_status_invalid_argument;
  }
  double px[KT_NUM_KEYPOINTS], py[KT_NUM_KEYPOINTS];
  int shown[KT_NUM_KEYPOINTS];
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) { /* validate before drawing */
    const kt_keypoint* k = &keypoints[i];
    if (!isfinite(k->x) || !isfinite(k->y) || !isfinite(k->score)) {
      return kt_status_invalid_argument;
    }
    px[i] = (double)k->x * width; /* normalized -> canvas pixels */
    py[i] = (double)k->y * height;
    shown[i] = k->score >= min_score;
  }
  const canvas cv = {rgba, width, height};
  for (int e = 0; e < 12; e++) {
    const int a = kEdges[e][0], b = kEdges[e][1];
    if (shown[a] && shown[b]) {
      draw_line(&cv, px[a], py[a], px[b], py[b], kLineWidth * scale, kNavy);
    }
  }
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    if (shown[i]) draw_dot(&cv, px[i], py[i], kRadius * scale, kOutlineWidth * scale);
  }
  return kt_status_ok;
}
