/* xnn_kernels_fma.c — the relaxed SIMD build's microkernels
 * (xnn_kernels.h): XNNPACK's own f32 FMA kernels for the operators that
 * hold nearly all of a pose model's time — convolution as GEMM/IGEMM,
 * depthwise convolution, sparse 1x1 convolution — chosen exactly as
 * XNNPACK's configs choose them when the whole library is compiled for
 * relaxed SIMD (src/configs/{gemm,dwconv,spmm}-config.c, the
 * XNN_ARCH_WASMRELAXEDSIMD branches).
 *
 * Why only these, set here: Debian's clang 14 lacks the relaxed SIMD
 * integer dot products XNNPACK's quantized kernels need, so the library is
 * compiled for wasm SIMD and these kernels alone for relaxed SIMD
 * (mk/third_party.mk, XNN_FMA_OBJS). The configs below are static objects
 * of XNNPACK (not const objects; their getters hand out const pointers),
 * initialized once by xnn_initialize; this runs right after it, before any
 * operator has read them. Every other config keeps the wasm SIMD kernels. */
#include <string.h>

#include "xnnpack/config.h"
#include "xnnpack/dwconv.h"
#include "xnnpack/gemm.h"
#include "xnnpack/igemm.h"
#include "xnnpack/microparams-init.h"
#include "xnnpack/spmm.h"

#include "runtime/xnnpack/xnn_kernels.h"

/* gemm[i] holds the kernel for i + 1 rows (gemm-config.c's XNN_MR_TO_INDEX). */
#define MR_INDEX(mr) ((mr) - 1)

static void set_gemm(struct gemm_fused_ukernels* k, int mr, xnn_gemm_ukernel_fn g1, xnn_gemm_ukernel_fn gm,
                     xnn_igemm_ukernel_fn i1, xnn_igemm_ukernel_fn im) {
  memset(k, 0, sizeof(*k));
  k->gemm[MR_INDEX(1)] = xnn_init_hmp_gemm_ukernel(g1);
  k->gemm[MR_INDEX(mr)] = xnn_init_hmp_gemm_ukernel(gm);
  k->igemm[MR_INDEX(1)] = xnn_init_hmp_igemm_ukernel(i1);
  k->igemm[MR_INDEX(mr)] = xnn_init_hmp_igemm_ukernel(im);
}

#define GEMM(name) ((xnn_gemm_ukernel_fn)(name))
#define IGEMM(name) ((xnn_igemm_ukernel_fn)(name))

/* x86 engines: 4 rows, weights loaded then splat (XNNPACK's choice there);
 * others (ARM): 6 rows, splat from registers. */
static void select_gemm(bool x86) {
  struct xnn_gemm_config* c = (struct xnn_gemm_config*)xnn_init_f32_gemm_config();
  if (c == NULL) return;
  if (x86) {
    set_gemm(&c->linear, 4, GEMM(xnn_f32_gemm_ukernel_1x8__wasmrelaxedsimd_fma_loadsplat),
             GEMM(xnn_f32_gemm_ukernel_4x8__wasmrelaxedsimd_fma_loadsplat),
             IGEMM(xnn_f32_igemm_ukernel_1x8__wasmrelaxedsimd_fma_loadsplat),
             IGEMM(xnn_f32_igemm_ukernel_4x8__wasmrelaxedsimd_fma_loadsplat));
    set_gemm(&c->minmax, 4, GEMM(xnn_f32_gemm_minmax_ukernel_1x8__wasmrelaxedsimd_fma_loadsplat),
             GEMM(xnn_f32_gemm_minmax_ukernel_4x8__wasmrelaxedsimd_fma_loadsplat),
             IGEMM(xnn_f32_igemm_minmax_ukernel_1x8__wasmrelaxedsimd_fma_loadsplat),
             IGEMM(xnn_f32_igemm_minmax_ukernel_4x8__wasmrelaxedsimd_fma_loadsplat));
    set_gemm(&c->relu, 4, GEMM(xnn_f32_gemm_relu_ukernel_1x8__wasmrelaxedsimd_fma_loadsplat),
             GEMM(xnn_f32_gemm_relu_ukernel_4x8__wasmrelaxedsimd_fma_loadsplat),
             IGEMM(xnn_f32_igemm_relu_ukernel_1x8__wasmrelaxedsimd_fma_loadsplat),
             IGEMM(xnn_f32_igemm_relu_ukernel_4x8__wasmrelaxedsimd_fma_loadsplat));
    c->mr = 4;
  } else {
    set_gemm(&c->linear, 6, GEMM(xnn_f32_gemm_ukernel_1x8__wasmrelaxedsimd_fma_splat),
             GEMM(xnn_f32_gemm_ukernel_6x8__wasmrelaxedsimd_fma_splat),
             IGEMM(xnn_f32_igemm_ukernel_1x8__wasmrelaxedsimd_fma_splat),
             IGEMM(xnn_f32_igemm_ukernel_6x8__wasmrelaxedsimd_fma_splat));
    set_gemm(&c->minmax, 6, GEMM(xnn_f32_gemm_minmax_ukernel_1x8__wasmrelaxedsimd_fma_splat),
             GEMM(xnn_f32_gemm_minmax_ukernel_6x8__wasmrelaxedsimd_fma_splat),
             IGEMM(xnn_f32_igemm_minmax_ukernel_1x8__wasmrelaxedsimd_fma_splat),
             IGEMM(xnn_f32_igemm_minmax_ukernel_6x8__wasmrelaxedsimd_fma_splat));
    set_gemm(&c->relu, 6, GEMM(xnn_f32_gemm_relu_ukernel_1x8__wasmrelaxedsimd_fma_splat),
             GEMM(xnn_f32_gemm_relu_ukernel_6x8__wasmrelaxedsimd_fma_splat),
             IGEMM(xnn_f32_igemm_relu_ukernel_1x8__wasmrelaxedsimd_fma_splat),
             IGEMM(xnn_f32_igemm_relu_ukernel_6x8__wasmrelaxedsimd_fma_splat));
    c->mr = 6;
  }
  /* Weights stay packed 8 columns wide (nr = 8, the wasm SIMD packer). */
  c->nr = 8;
}

static void set_dwconv(struct xnn_dwconv_config* c, xnn_dwconv_unipass_ukernel_fn minmax,
                       xnn_dwconv_unipass_ukernel_fn linear, uint8_t taps) {
  memset(&c->minmax, 0, sizeof(c->minmax));
  memset(&c->linear, 0, sizeof(c->linear));
  c->minmax.unipass = minmax;
  c->linear.unipass = linear;
  c->init.f32 = xnn_init_f32_minmax_scalar_params;
  c->channel_tile = 8;
  c->channel_subtile = 8;
  c->channel_round = 1;
  c->primary_tile = taps;
  c->middle_tile = 0;
  c->last_tile = 0;
}

#define DW(name) ((xnn_dwconv_unipass_ukernel_fn)(name))

/* 3, 4, 9 and 25 taps, 8 channels a tile, on every engine. */
static void select_dwconv(void) {
  struct xnn_dwconv_config* c = (struct xnn_dwconv_config*)xnn_init_f32_dwconv_config();
  if (c == NULL) return;
  set_dwconv(&c[0], DW(xnn_f32_dwconv_minmax_ukernel_3p8c__wasmrelaxedsimd_fma),
             DW(xnn_f32_dwconv_ukernel_3p8c__wasmrelaxedsimd_fma), 3);
  set_dwconv(&c[1], DW(xnn_f32_dwconv_minmax_ukernel_4p8c__wasmrelaxedsimd_fma),
             DW(xnn_f32_dwconv_ukernel_4p8c__wasmrelaxedsimd_fma), 4);
  set_dwconv(&c[2], DW(xnn_f32_dwconv_minmax_ukernel_9p8c__wasmrelaxedsimd_fma),
             DW(xnn_f32_dwconv_ukernel_9p8c__wasmrelaxedsimd_fma), 9);
  set_dwconv(&c[3], DW(xnn_f32_dwconv_minmax_ukernel_25p8c__wasmrelaxedsimd_fma),
             DW(xnn_f32_dwconv_ukernel_25p8c__wasmrelaxedsimd_fma), 25);
}

static void select_spmm(bool x86) {
  struct xnn_spmm_config* c = (struct xnn_spmm_config*)xnn_init_f32_spmm_config();
  if (c == NULL) return;
  c->ukernel = (xnn_spmm_ukernel_fn)(x86 ? xnn_f32_spmm_minmax_ukernel_32x1__wasmrelaxedsimd_x86
                                         : xnn_f32_spmm_minmax_ukernel_32x1__wasmrelaxedsimd_arm);
}

void kt_xnn_select_kernels(void) {
  const struct xnn_hardware_config* hw = xnn_init_hardware_config();
  bool x86 = hw != NULL && hw->is_x86;
  select_gemm(x86);
  select_dwconv();
  select_spmm(x86);
}

const char* kt_xnn_kernel_set(void) { return "wasmsimd+fma"; }
