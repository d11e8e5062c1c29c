/* xnn_kernels.c — the wasm SIMD build: XNNPACK's own microkernel choice
 * (xnn_kernels.h). The relaxed SIMD build links fma/xnn_kernels_fma.c
 * instead. */
#include "runtime/xnnpack/xnn_kernels.h"

void kt_xnn_select_kernels(void) {}

const char* kt_xnn_kernel_set(void) { return "wasmsimd"; }
