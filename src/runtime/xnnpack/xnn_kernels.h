/* xnn_kernels.h — which XNNPACK microkernels this wasm build runs
 * (internal).
 *
 * Two builds of the same C exist (wasm/flags.mk):
 *  - wasm SIMD (kinetrack.wasm, kinetrack-mt.wasm): XNNPACK's own choice
 *    for wasm SIMD; runs in every engine with SIMD (Safari, older WebViews);
 *  - wasm SIMD + relaxed SIMD FMA (kinetrack-fma.wasm, kinetrack-mt-fma.wasm):
 *    the float convolution kernels XNNPACK writes for relaxed SIMD
 *    (f32x4.relaxed_madd: one fused multiply-add where SIMD needs a
 *    multiply and an add), chosen by the loader where the engine validates
 *    relaxed SIMD (Chrome/Edge 114+, Android WebView 114+, Node with
 *    --experimental-wasm-relaxed-simd).
 * kt_xnn_select_kernels runs once, right after xnn_initialize and before
 * any XNNPACK operator exists. */
#ifndef KT_RUNTIME_XNNPACK_KERNELS_H
#define KT_RUNTIME_XNNPACK_KERNELS_H

void kt_xnn_select_kernels(void);

/* "wasmsimd" or "wasmsimd+fma": the kernels this build runs. */
const char* kt_xnn_kernel_set(void);

#endif
