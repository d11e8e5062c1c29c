/* yuv420.c — 8-bit 4:2:0 video frames (I420, NV12) to RGBA.
 *
 * Browsers and ffmpeg decode a video to the same YUV samples (H.264, VP9
 * and AV1 decoding is bit-exact) but turn them into RGB differently:
 * Chromium through libyuv or Skia, ffmpeg through swscale, each with its
 * own rounding and matrix defaults. A few levels per pixel were enough to
 * move keypoints by up to 0.02. So both hosts hand the YUV planes to this
 * one conversion and the model sees the same bytes everywhere.
 *
 * The math is exact integer arithmetic in 16.16 fixed point, coefficients
 * and chroma tables built per call from the matrix (BT.601 / 709 / 2020 luma weights Kr, Kb):
 *   R = Y' + 2(1-Kr) Cr
 *   G = Y' - 2Kb(1-Kb)/Kg Cb - 2Kr(1-Kr)/Kg Cr
 *   B = Y' + 2(1-Kb) Cb
 * with Y' = (y-16)*255/219, C = (c-128)*255/224 for limited range and
 * Y' = y, C = c-128 for full range. Chroma is not interpolated: each
 * sample covers its 2x2 block, as libyuv and swscale's unscaled path do.
 * The WebGL2 backend runs the same integer arithmetic in its frame shader
 * with these tables (yuv420_tables.h, runtime/webgl/gl_frame.c), so planes
 * sent to the GPU give the model the same bytes too. */
#include <math.h>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "core/error.h"
#include "image/yuv420_tables.h"
#include "kinetrack.h"

/* Frames above this are refused (a 16K frame is 132 Mpx). */
#define KT_YUV_MAX_PIXELS ((int64_t)1 << 28)

/* Columns converted per block: the chroma terms of a block live on the
 * stack (3 KiB), so any width works without a heap buffer. */
#define KT_YUV_BLOCK 256

static int32_t fixed(double v) { return (int32_t)lround(v * 65536.0); }

void kt_yuv420_tables(kt_yuv_matrix matrix, int full_range, kt_yuv_tables* t) {
  static const double kr_kb[3][2] = {{0.299, 0.114}, {0.2126, 0.0722}, {0.2627, 0.0593}};
  const double kr = kr_kb[matrix][0], kb = kr_kb[matrix][1], kg = 1.0 - kr - kb;
  const double cs = full_range ? 1.0 : 255.0 / 224.0;
  t->y_scale = fixed(full_range ? 1.0 : 255.0 / 219.0);
  t->y_offset = full_range ? 0 : -16 * t->y_scale;
  for (int i = 0; i < 256; i++) {
    const double c = (i - 128) * cs;
    t->rv[i] = fixed(2.0 * (1.0 - kr) * c);
    t->gu[i] = fixed(-2.0 * kb * (1.0 - kb) / kg * c);
    t->gv[i] = fixed(-2.0 * kr * (1.0 - kr) / kg * c);
    t->bu[i] = fixed(2.0 * (1.0 - kb) * c);
  }
}

/* Rounds a 16.16 value to 0..255: max, shift, min (the SIMD loop's steps). */
static inline uint8_t to_u8(int32_t v) {
  v = v < 0 ? 0 : v;
  v = (v + 32768) >> 16; /* non-negative here: no implementation-defined shift */
  return (uint8_t)(v > 255 ? 255 : v);
}

/* One block of a row: chroma terms first (table lookups, one per chroma
 * sample), then element-wise arithmetic per pixel (SIMD in wasm builds). */
static void convert_block(const kt_yuv_tables* t, const uint8_t* y, const uint8_t* u, const uint8_t* v,
                          int32_t step, int32_t n, uint8_t* out) {
  int32_t cr[KT_YUV_BLOCK], cg[KT_YUV_BLOCK], cb[KT_YUV_BLOCK];
  for (int32_t i = 0; i < n; i += 2) {
    const uint8_t us = u[(i >> 1) * step], vs = v[(i >> 1) * step];
    cr[i] = cr[i + 1] = t->rv[vs];
    cg[i] = cg[i + 1] = t->gu[us] + t->gv[vs];
    cb[i] = cb[i + 1] = t->bu[us];
  }
  const int32_t ys = t->y_scale, yo = t->y_offset;
  int32_t i = 0;
#if defined(__wasm_simd128__)
  /* The same integer operations as the scalar loop, four pixels at once. */
  const v128_t vys = wasm_i32x4_splat(ys), vyo = wasm_i32x4_splat(yo), zero = wasm_i32x4_splat(0);
  const v128_t half = wasm_i32x4_splat(32768), top = wasm_i32x4_splat(255);
  const v128_t alpha = wasm_i32x4_splat((int32_t)0xFF000000u);
#define KT_CLAMP_U8(x) wasm_i32x4_min(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_max((x), zero), half), 16), top)
  for (; i + 4 <= n; i += 4) {
    const v128_t y4 = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(y + i)));
    const v128_t yv = wasm_i32x4_add(wasm_i32x4_mul(y4, vys), vyo);
    const v128_t r = KT_CLAMP_U8(wasm_i32x4_add(yv, wasm_v128_load(cr + i)));
    const v128_t g = KT_CLAMP_U8(wasm_i32x4_add(yv, wasm_v128_load(cg + i)));
    const v128_t b = KT_CLAMP_U8(wasm_i32x4_add(yv, wasm_v128_load(cb + i)));
    const v128_t px = wasm_v128_or(wasm_v128_or(r, wasm_i32x4_shl(g, 8)), wasm_v128_or(wasm_i32x4_shl(b, 16), alpha));
    wasm_v128_store(out + 4 * (size_t)i, px); /* little-endian: bytes R, G, B, A */
  }
#undef KT_CLAMP_U8
#endif
  for (; i < n; i++) {
    const int32_t yv = y[i] * ys + yo;
    uint8_t* px = out + 4 * (size_t)i;
    px[0] = to_u8(yv + cr[i]);
    px[1] = to_u8(yv + cg[i]);
    px[2] = to_u8(yv + cb[i]);
    px[3] = 255;
  }
}

static kt_status check_frame(const kt_yuv420_frame* f) {
  if (!f->y || !f->u || !f->v) return kt_fail(kt_status_invalid_argument, "NULL plane");
  if (f->width < 1 || f->height < 1 || (int64_t)f->width * f->height > KT_YUV_MAX_PIXELS)
    return kt_fail(kt_status_invalid_argument, "frame size %dx%d", (int)f->width, (int)f->height);
  if (f->uv_step != 1 && f->uv_step != 2) return kt_fail(kt_status_invalid_argument, "uv_step %d (1 or 2)", (int)f->uv_step);
  if ((unsigned)f->matrix > (unsigned)kt_yuv_bt2020) return kt_fail(kt_status_invalid_argument, "unknown matrix %d", (int)f->matrix);
  if (f->full_range != 0 && f->full_range != 1) return kt_fail(kt_status_invalid_argument, "full_range must be 0 or 1");
  const int64_t chroma_row = (int64_t)((f->width + 1) / 2 - 1) * f->uv_step + 1;
  if (f->y_stride < f->width || f->u_stride < chroma_row || f->v_stride < chroma_row)
    return kt_fail(kt_status_invalid_argument, "stride shorter than a row");
  return kt_status_ok;
}

kt_status kt_yuv420_to_rgba(const kt_yuv420_frame* f, uint8_t* rgba_out) {
  kt_clear_error();
  if (!f || !rgba_out) return kt_fail(kt_status_invalid_argument, "NULL argument");
  kt_status s = check_frame(f);
  if (s != kt_status_ok) return s;
  kt_yuv_tables t;
  kt_yuv420_tables(f->matrix, f->full_range, &t);
  for (int32_t row = 0; row < f->height; row++) {
    const uint8_t* yr = f->y + (size_t)row * (size_t)f->y_stride;
    const uint8_t* ur = f->u + (size_t)(row >> 1) * (size_t)f->u_stride;
    const uint8_t* vr = f->v + (size_t)(row >> 1) * (size_t)f->v_stride;
    uint8_t* out = rgba_out + (size_t)row * (size_t)f->width * 4;
    /* Blocks start on even columns, so a block's chroma starts at col/2. */
    for (int32_t col = 0; col < f->width; col += KT_YUV_BLOCK) {
      const int32_t n = f->width - col < KT_YUV_BLOCK ? f->width - col : KT_YUV_BLOCK;
      const size_t c = (size_t)(col >> 1) * (size_t)f->uv_step;
      convert_block(&t, yr + col, ur + c, vr + c, f->uv_step, n, out + (size_t)col * 4);
    }
  }
  return kt_status_ok;
}
