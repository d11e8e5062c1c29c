/* Tests for src/image/yuv420.c: the exact integer conversion against the
 * matrix equations in double precision, the 2x2 chroma layout for I420
 * and NV12 (odd sizes, padded strides), and refused arguments. */
#include <math.h>
#include <string.h>

#include "kinetrack.h"
#include "kt_test.h"

/* The equations of the header, in double, rounded and clamped. */
static void reference(int y, int u, int v, kt_yuv_matrix m, int full, double rgb_out[3]) {
  static const double kr_kb[3][2] = {{0.299, 0.114}, {0.2126, 0.0722}, {0.2627, 0.0593}};
  const double kr = kr_kb[m][0], kb = kr_kb[m][1], kg = 1 - kr - kb;
  const double Y = full ? y : (y - 16) * 255.0 / 219.0;
  const double cb = full ? u - 128 : (u - 128) * 255.0 / 224.0;
  const double cr = full ? v - 128 : (v - 128) * 255.0 / 224.0;
  rgb_out[0] = Y + 2 * (1 - kr) * cr;
  rgb_out[1] = Y - 2 * kb * (1 - kb) / kg * cb - 2 * kr * (1 - kr) / kg * cr;
  rgb_out[2] = Y + 2 * (1 - kb) * cb;
}

static void convert_one(int y, int u, int v, kt_yuv_matrix m, int full, uint8_t rgba[4]) {
  const uint8_t Y = (uint8_t)y, U = (uint8_t)u, V = (uint8_t)v;
  const kt_yuv420_frame f = {&Y, &U, &V, 1, 1, 1, 1, 1, 1, m, full};
  KT_CHECK(kt_yuv420_to_rgba(&f, rgba) == kt_status_ok);
}

static void test_matches_equations_everywhere(void) {
  long exact = 0, total = 0;
  for (int m = 0; m <= 2; m++)
    for (int full = 0; full <= 1; full++)
      for (int y = 0; y < 256; y += 3)
        for (int u = 0; u < 256; u += 5)
          for (int v = 0; v < 256; v += 7) {
            uint8_t px[4];
            double want[3];
            convert_one(y, u, v, (kt_yuv_matrix)m, full, px);
            reference(y, u, v, (kt_yuv_matrix)m, full, want);
            for (int c = 0; c < 3; c++) {
              const double w = fmin(255, fmax(0, floor(want[c] + 0.5)));
              KT_CHECK(fabs(px[c] - w) <= 1); /* only ties can round apart */
              exact += px[c] == w;
              total++;
            }
            KT_CHECK(px[3] == 255);
          }
  KT_CHECK(exact > total - total / 1000);
}

static void test_known_colours(void) {
  uint8_t px[4];
  convert_one(16, 128, 128, kt_yuv_bt709, 0, px); /* limited black */
  KT_CHECK(px[0] == 0 && px[1] == 0 && px[2] == 0);
  convert_one(235, 128, 128, kt_yuv_bt601, 0, px); /* limited white */
  KT_CHECK(px[0] == 255 && px[1] == 255 && px[2] == 255);
  convert_one(0, 128, 128, kt_yuv_bt709, 0, px); /* below black clamps */
  KT_CHECK(px[0] == 0 && px[1] == 0 && px[2] == 0);
  /* JPEG (BT.601 full range): R = Y + 1.402 Cr, G = Y - 0.714136 Cr. */
  convert_one(100, 128, 200, kt_yuv_bt601, 1, px);
  KT_CHECK(px[0] == 201 && px[1] == 49 && px[2] == 100);
  /* BT.709 limited pure red (R'G'B' = 255, 0, 0 -> Y 63, Cb 102, Cr 240). */
  convert_one(63, 102, 240, kt_yuv_bt709, 0, px);
  KT_CHECK(px[0] >= 253 && px[1] <= 2 && px[2] <= 2);
}

/* A 5x3 frame (odd both ways): chroma is 3x2 and sample (cx, cy) covers
 * pixels (2cx..2cx+1, 2cy..2cy+1). */
static void test_chroma_layout_i420_and_nv12(void) {
  enum { W = 5, H = 3, CW = 3, CH = 2, YS = 8, CS = 6 };
  uint8_t y[YS * H], u[CS * CH], v[CS * CH], uv[CS * 2 * CH];
  memset(y, 0xEE, sizeof(y)); /* padding must never be read into pixels */
  memset(u, 0xEE, sizeof(u));
  memset(v, 0xEE, sizeof(v));
  memset(uv, 0xEE, sizeof(uv));
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++) y[r * YS + c] = (uint8_t)(60 + 10 * r + c);
  for (int r = 0; r < CH; r++)
    for (int c = 0; c < CW; c++) {
      u[r * CS + c] = uv[r * CS * 2 + 2 * c] = (uint8_t)(90 + 20 * c + 40 * r);
      v[r * CS + c] = uv[r * CS * 2 + 2 * c + 1] = (uint8_t)(200 - 30 * c - 25 * r);
    }
  uint8_t a[W * H * 4], b[W * H * 4];
  const kt_yuv420_frame i420 = {y, u, v, YS, CS, CS, 1, W, H, kt_yuv_bt709, 0};
  const kt_yuv420_frame nv12 = {y, uv, uv + 1, YS, CS * 2, CS * 2, 2, W, H, kt_yuv_bt709, 0};
  KT_CHECK(kt_yuv420_to_rgba(&i420, a) == kt_status_ok);
  KT_CHECK(kt_yuv420_to_rgba(&nv12, b) == kt_status_ok);
  KT_CHECK(memcmp(a, b, sizeof(a)) == 0);
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++) {
      uint8_t px[4];
      convert_one(y[r * YS + c], u[(r / 2) * CS + c / 2], v[(r / 2) * CS + c / 2], kt_yuv_bt709, 0, px);
      KT_CHECK(memcmp(px, a + (r * W + c) * 4, 4) == 0);
    }
}

/* Rows wider than one 256-column block, odd: each pixel still reads its
 * own chroma sample. */
static void test_wide_rows_cross_blocks(void) {
  enum { W = 301, H = 2, CW = 151 };
  static uint8_t y[W * H], u[CW], v[CW], rgba[W * H * 4];
  for (int i = 0; i < W * H; i++) y[i] = (uint8_t)(i * 7 + 3);
  for (int i = 0; i < CW; i++) {
    u[i] = (uint8_t)(i * 13 + 5);
    v[i] = (uint8_t)(250 - i * 3);
  }
  const kt_yuv420_frame f = {y, u, v, W, CW, CW, 1, W, H, kt_yuv_bt2020, 1};
  KT_CHECK(kt_yuv420_to_rgba(&f, rgba) == kt_status_ok);
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++) {
      uint8_t px[4];
      convert_one(y[r * W + c], u[c / 2], v[c / 2], kt_yuv_bt2020, 1, px);
      KT_CHECK(memcmp(px, rgba + (r * W + c) * 4, 4) == 0);
    }
}

static void test_invalid_arguments(void) {
  uint8_t p[16] = {0}, out[16];
  memset(out, 7, sizeof(out));
  const kt_yuv420_frame ok = {p, p, p, 2, 1, 1, 1, 2, 2, kt_yuv_bt601, 0};
  kt_yuv420_frame f;
  KT_CHECK(kt_yuv420_to_rgba(NULL, out) == kt_status_invalid_argument);
  KT_CHECK(kt_yuv420_to_rgba(&ok, NULL) == kt_status_invalid_argument);
  f = ok; f.v = NULL;
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  f = ok; f.width = 0;
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  f = ok; f.width = 1 << 16; f.height = 1 << 16; f.y_stride = 1 << 16; f.u_stride = f.v_stride = 1 << 15;
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  f = ok; f.y_stride = 1;
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  f = ok; f.uv_step = 2; /* one chroma sample a row needs 1 byte: fine */
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_ok);
  memset(out, 7, sizeof(out));
  f = ok; f.width = 4; f.y_stride = 4; f.uv_step = 2; f.u_stride = 2; /* two NV12 samples need 3 bytes */
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  f = ok; f.uv_step = 3;
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  f = ok; f.matrix = (kt_yuv_matrix)3;
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  f = ok; f.full_range = 2;
  KT_CHECK(kt_yuv420_to_rgba(&f, out) == kt_status_invalid_argument);
  KT_CHECK(strlen(kt_last_error()) > 0);
  for (int i = 0; i < 16; i++) KT_CHECK(out[i] == 7); /* failures write nothing */
}

int main(void) {
  KT_RUN(test_matches_equations_everywhere);
  KT_RUN(test_known_colours);
  KT_RUN(test_chroma_layout_i420_and_nv12);
  KT_RUN(test_wide_rows_cross_blocks);
  KT_RUN(test_invalid_arguments);
  return kt_test_summary();
}
