/* relaxed_simd_compat.h — the relaxed SIMD intrinsics XNNPACK's f32 FMA
 * kernels call, for Debian's clang 14, whose <wasm_simd128.h> has none.
 * Force-included (-include) into those kernels only (mk/third_party.mk).
 *
 * clang 14 has the relaxed SIMD proposal of 2021 as builtins, encoded with
 * its prototype opcodes. The kernels' madd(a, b, c) = a * b + c and
 * nmadd(a, b, c) = -(a * b) + c are the shipped standard's; they are
 * emitted as the prototype's fma/fms with the operands in the standard's
 * order, and wasm/relaxed-simd.mjs renumbers those two opcodes after the
 * link. The compiler treats both builtins as opaque (no folding), so the
 * operand order it emits is the one written here.
 *
 * relaxed_min/max may return either operand's NaN or zero sign; pmin/pmax
 * (standard SIMD, one x86 instruction) are one of the allowed results. */
#ifndef KT_RELAXED_SIMD_COMPAT_H
#define KT_RELAXED_SIMD_COMPAT_H

#include <wasm_simd128.h>

#if !defined(__wasm_relaxed_simd__)
#error "compile with -mrelaxed-simd"
#endif

static __inline__ v128_t __attribute__((__always_inline__, __nodebug__))
wasm_f32x4_relaxed_madd(v128_t a, v128_t b, v128_t c) {
  return (v128_t)__builtin_wasm_fma_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
}

static __inline__ v128_t __attribute__((__always_inline__, __nodebug__))
wasm_f32x4_relaxed_nmadd(v128_t a, v128_t b, v128_t c) {
  return (v128_t)__builtin_wasm_fms_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
}

static __inline__ v128_t __attribute__((__always_inline__, __nodebug__))
wasm_f32x4_relaxed_min(v128_t a, v128_t b) {
  return wasm_f32x4_pmin(a, b);
}

static __inline__ v128_t __attribute__((__always_inline__, __nodebug__))
wasm_f32x4_relaxed_max(v128_t a, v128_t b) {
  return wasm_f32x4_pmax(a, b);
}

#endif
