/* yuv420_tables.h — the 4:2:0 conversion's fixed-point terms (internal):
 * kt_yuv420_to_rgba (yuv420.c) converts with them on the CPU, and the
 * WebGL2 backend's frame shader (runtime/webgl/gl_frame.c) runs the same
 * integer arithmetic on the GPU with a copy of them, so both give the same
 * bytes for the same planes. */
#ifndef KT_IMAGE_YUV420_TABLES_H
#define KT_IMAGE_YUV420_TABLES_H

#include <stdint.h>

#include "kinetrack.h"

/* Per pixel, in 16.16 fixed point: Y' = y * y_scale + y_offset, then
 *   R = Y' + rv[v], G = Y' + gu[u] + gv[v], B = Y' + bu[u],
 * each rounded to a byte as (max(x, 0) + 32768) >> 16, at most 255. */
typedef struct kt_yuv_tables {
  int32_t y_scale, y_offset;
  int32_t rv[256]; /* Cr's share of R */
  int32_t gu[256]; /* Cb's share of G (negative) */
  int32_t gv[256]; /* Cr's share of G (negative) */
  int32_t bu[256]; /* Cb's share of B */
} kt_yuv_tables;

/* The terms for a matrix (a valid kt_yuv_matrix) and range (0 limited,
 * 1 full). */
void kt_yuv420_tables(kt_yuv_matrix matrix, int full_range, kt_yuv_tables* out);

#endif
