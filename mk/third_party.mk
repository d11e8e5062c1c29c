# mk/third_party.mk -- third-party sources and the XNNPACK WebAssembly build.
#
# Included by the top-level Makefile (run make from the repository root).
#
# Targets
#   third-party          fetch + verify + unpack sources (tools/fetch-third-party.sh)
#   xnnpack-wasm         build $(XNNPACK_WASM_LIB) and $(PTHREADPOOL_WASM_LIB)
#   xnnpack-smoke        build and run tests/c/xnnpack_smoke.c under node
#   clean-xnnpack-wasm   remove build/wasm/xnnpack* and build/wasm/pthreadpool*
#
# Variables for consumers
#   XNNPACK_WASM_LIB           static XNNPACK (wasm SIMD, -O2)
#   PTHREADPOOL_WASM_LIB       pthreadpool (single-threaded shim by default)
#   THIRD_PARTY_WASM_LIBS      both, in link order
#   THIRD_PARTY_WASM_MT_LIBS   the same two built with KT_THREADS=1, whatever
#                              KT_THREADS is (the top Makefile links both)
#   XNNPACK_FMA_WASM_LIB       XNNPACK's relaxed SIMD FMA f32 kernels, linked
#   XNNPACK_FMA_WASM_MT_LIB    before the library by the FMA builds
#   THIRD_PARTY_WASM_INCLUDES  -I flags (XNNPACK, pthreadpool, fp16, fxdiv, cJSON)
#   THIRD_PARTY_WASM_CFLAGS    flags every object linked with the libs must share
#                              (-msimd128, and -pthread when KT_THREADS=1)
#   CJSON_SRC                  cJSON source file to compile into the consumer
#                              (has an order-only rule on the fetch stamp)
#   THIRD_PARTY_STAMP          touched after a successful fetch; objects that
#                              include third-party headers should depend on it
#                              (order-only is enough)
#
# Knobs
#   KT_THREADS=1   build pthreadpool's pthreads implementation and XNNPACK with
#                  -pthread into separate directories (build/wasm/*-mt). Every
#                  object and the final link then need -pthread as well.
#   XNNPACK_OPT    optimisation flags for XNNPACK (default -O2)
#
# The XNNPACK source lists are not copied here: they are read at build time
# from the fetched tree (cmake/gen/{wasmsimd,wasm,scalar}_microkernels.cmake
# PROD_* lists and the *_SRCS / OBJECT library lists in CMakeLists.txt).
# Because the sources do not exist before the fetch, the library is built by
# a sub-make of this same file (KT_TP_INNER=1) that runs after the fetch.

EMCC ?= emcc
EMXX ?= em++
EMAR ?= emar
NODE ?= node

# emcc's JS optimizer (acorn, terser) comes from Debian's nodejs packages.
NODE_PATH ?= /usr/share/nodejs
export NODE_PATH

KT_TP_MK := $(lastword $(MAKEFILE_LIST))

TP_SRC_DIR   := third_party/src
XNNPACK_DIR  := $(TP_SRC_DIR)/xnnpack
PTHREADPOOL_DIR := $(TP_SRC_DIR)/pthreadpool
FP16_DIR     := $(TP_SRC_DIR)/fp16
FXDIV_DIR    := $(TP_SRC_DIR)/fxdiv
CJSON_DIR    := $(TP_SRC_DIR)/cjson
CJSON_SRC    := $(CJSON_DIR)/cJSON.c

THIRD_PARTY_STAMP := $(TP_SRC_DIR)/.fetched.stamp

KT_THREADS ?= 0
ifeq ($(KT_THREADS),1)
  TP_MT_SUFFIX := -mt
  TP_THREAD_CFLAGS := -pthread
else
  TP_MT_SUFFIX :=
  TP_THREAD_CFLAGS :=
endif

XNNPACK_BUILD_DIR     := build/wasm/xnnpack$(TP_MT_SUFFIX)
PTHREADPOOL_BUILD_DIR := build/wasm/pthreadpool$(TP_MT_SUFFIX)
XNNPACK_WASM_LIB      := $(XNNPACK_BUILD_DIR)/libxnnpack.a
PTHREADPOOL_WASM_LIB  := $(PTHREADPOOL_BUILD_DIR)/libpthreadpool.a
THIRD_PARTY_WASM_LIBS := $(XNNPACK_WASM_LIB) $(PTHREADPOOL_WASM_LIB)
# The relaxed SIMD FMA kernels (see "relaxed SIMD FMA kernels" below).
XNNPACK_FMA_WASM_LIB  := $(XNNPACK_BUILD_DIR)/libxnnpack-fma.a

THIRD_PARTY_WASM_INCLUDES := \
  -I$(XNNPACK_DIR)/include \
  -I$(PTHREADPOOL_DIR)/include \
  -I$(FP16_DIR)/include \
  -I$(FXDIV_DIR)/include \
  -I$(CJSON_DIR)
THIRD_PARTY_WASM_CFLAGS := -msimd128 $(TP_THREAD_CFLAGS)

XNNPACK_OPT ?= -O2

# Defines XNNPACK's CMake would pass for a non-ARM/x86 target, plus
# XNN_ENABLE_CPUINFO=0 (no cpuinfo on the web; hardware-config.c then
# assumes the wasm SIMD feature set it was compiled for). This XNNPACK
# version (2024-11-08) has no JIT, so there is no XNN_ENABLE_JIT switch.
XNNPACK_DEFINES := \
  -DNDEBUG \
  -DXNN_LOG_LEVEL=0 \
  -DXNN_ENABLE_CPUINFO=0 \
  -DXNN_ENABLE_ASSEMBLY=0 \
  -DXNN_ENABLE_MEMOPT=1 \
  -DXNN_ENABLE_SPARSE=1 \
  -DXNN_ENABLE_GEMM_M_SPECIALIZATION=1 \
  -DXNN_ENABLE_DWCONV_MULTIPASS=0 \
  -DXNN_ENABLE_KLEIDIAI=0 \
  -DXNN_ENABLE_HVX=0 \
  -DXNN_ENABLE_RISCV_VECTOR=0 \
  -DXNN_ENABLE_VSX=0 \
  -DXNN_ENABLE_ARM_FP16_SCALAR=0 \
  -DXNN_ENABLE_ARM_FP16_VECTOR=0 \
  -DXNN_ENABLE_ARM_BF16=0 \
  -DXNN_ENABLE_ARM_DOTPROD=0 \
  -DXNN_ENABLE_ARM_I8MM=0 \
  -DXNN_ENABLE_ARM_SME=0 \
  -DXNN_ENABLE_ARM_SME2=0 \
  -DXNN_ENABLE_AVXVNNI=0 \
  -DXNN_ENABLE_AVXVNNIINT8=0 \
  -DXNN_ENABLE_AVX256SKX=0 \
  -DXNN_ENABLE_AVX256VNNI=0 \
  -DXNN_ENABLE_AVX256VNNIGFNI=0 \
  -DXNN_ENABLE_AVX512F=0 \
  -DXNN_ENABLE_AVX512SKX=0 \
  -DXNN_ENABLE_AVX512VBMI=0 \
  -DXNN_ENABLE_AVX512VNNI=0 \
  -DXNN_ENABLE_AVX512VNNIGFNI=0 \
  -DXNN_ENABLE_AVX512AMX=0 \
  -DXNN_ENABLE_AVX512FP16=0

XNNPACK_INCLUDES := \
  -I$(XNNPACK_DIR)/include \
  -I$(XNNPACK_DIR)/src \
  -I$(PTHREADPOOL_DIR)/include \
  -I$(FXDIV_DIR)/include \
  -I$(FP16_DIR)/include

XNNPACK_CFLAGS   := -std=gnu99 $(XNNPACK_OPT) -msimd128 $(TP_THREAD_CFLAGS) \
                    $(XNNPACK_DEFINES) $(XNNPACK_INCLUDES) -w
XNNPACK_CXXFLAGS := -std=c++14 $(XNNPACK_OPT) -msimd128 $(TP_THREAD_CFLAGS) \
                    $(XNNPACK_DEFINES) $(XNNPACK_INCLUDES) -w

PTHREADPOOL_CFLAGS := -std=gnu99 $(XNNPACK_OPT) $(TP_THREAD_CFLAGS) -DNDEBUG \
                      -I$(PTHREADPOOL_DIR)/include -I$(FXDIV_DIR)/include -w

# Sub-make of this file; passes the toolchain through explicitly because
# variables set (but not exported) in the top Makefile are not inherited.
# $(call kt_tp_submake,THREADS) builds the variant KT_THREADS=THREADS.
kt_tp_submake = $(MAKE) --no-print-directory -f $(KT_TP_MK) KT_TP_INNER=1 \
  KT_THREADS=$(1) EMCC="$(EMCC)" EMXX="$(EMXX)" EMAR="$(EMAR)" \
  NODE="$(NODE)" XNNPACK_OPT="$(XNNPACK_OPT)"
KT_TP_SUBMAKE = $(call kt_tp_submake,$(KT_THREADS))

# The threaded variant's archives, for a consumer that links both builds in
# one make (the top Makefile: kinetrack.wasm and kinetrack-mt.wasm).
XNNPACK_WASM_MT_LIB     := build/wasm/xnnpack-mt/libxnnpack.a
PTHREADPOOL_WASM_MT_LIB := build/wasm/pthreadpool-mt/libpthreadpool.a
THIRD_PARTY_WASM_MT_LIBS := $(XNNPACK_WASM_MT_LIB) $(PTHREADPOOL_WASM_MT_LIB)
XNNPACK_FMA_WASM_MT_LIB := build/wasm/xnnpack-mt/libxnnpack-fma.a

.PHONY: third-party xnnpack-wasm xnnpack-smoke clean-xnnpack-wasm kt-tp-force

third-party: $(THIRD_PARTY_STAMP)

$(THIRD_PARTY_STAMP): tools/fetch-third-party.sh third_party/SHA256SUMS
	sh tools/fetch-third-party.sh
	@touch $@

ifneq ($(KT_TP_INNER),1)
# The wrapper always runs the sub-make (a no-op when up to date); make
# re-reads the archive's mtime afterwards, so dependents relink only when
# the archive really changed. The sub-make builds both archives; the
# pthreadpool one just follows the XNNPACK one (no grouped target needed).
$(XNNPACK_WASM_LIB): $(THIRD_PARTY_STAMP) kt-tp-force
	+@$(KT_TP_SUBMAKE) kt-tp-libs
$(PTHREADPOOL_WASM_LIB) $(XNNPACK_FMA_WASM_LIB): $(XNNPACK_WASM_LIB)
	@:
ifneq ($(KT_THREADS),1)
$(XNNPACK_WASM_MT_LIB): $(THIRD_PARTY_STAMP) kt-tp-force
	+@$(call kt_tp_submake,1) kt-tp-libs
$(PTHREADPOOL_WASM_MT_LIB) $(XNNPACK_FMA_WASM_MT_LIB): $(XNNPACK_WASM_MT_LIB)
	@:
endif
endif

kt-tp-force: ;

# Consumers compiling cJSON (or including xnnpack.h) need the fetch first.
$(CJSON_SRC): | $(THIRD_PARTY_STAMP)

xnnpack-wasm: $(XNNPACK_WASM_LIB) $(PTHREADPOOL_WASM_LIB)

clean-xnnpack-wasm:
	rm -rf build/wasm/xnnpack build/wasm/xnnpack-mt build/wasm/pthreadpool \
	  build/wasm/pthreadpool-mt build/wasm/xnnpack-smoke build/wasm/xnnpack-smoke-mt

# ---- smoke test --------------------------------------------------------
# package.json has "type": "module" while emscripten 3.1.6 emits CommonJS
# (the loader and, with -pthread, xnnpack_smoke.worker.js), so the smoke
# test lives in its own directory with a {"type": "commonjs"} package.json.
XNNPACK_SMOKE_DIR := build/wasm/xnnpack-smoke$(TP_MT_SUFFIX)
XNNPACK_SMOKE_JS := $(XNNPACK_SMOKE_DIR)/xnnpack_smoke.js
XNNPACK_SMOKE_LDFLAGS := -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 -sENVIRONMENT=node
ifeq ($(KT_THREADS),1)
  XNNPACK_SMOKE_LDFLAGS += -sPTHREAD_POOL_SIZE=2
endif

$(XNNPACK_SMOKE_JS): tests/c/xnnpack_smoke.c tests/c/kt_test.h $(XNNPACK_WASM_LIB) $(PTHREADPOOL_WASM_LIB)
	@mkdir -p $(dir $@)
	@echo '{"type": "commonjs"}' > $(XNNPACK_SMOKE_DIR)/package.json
	$(EMCC) -std=gnu11 -O2 $(THIRD_PARTY_WASM_CFLAGS) $(THIRD_PARTY_WASM_INCLUDES) \
	  tests/c/xnnpack_smoke.c $(XNNPACK_WASM_LIB) $(PTHREADPOOL_WASM_LIB) \
	  $(XNNPACK_SMOKE_LDFLAGS) -o $@

xnnpack-smoke: $(XNNPACK_SMOKE_JS)
	$(NODE) --no-experimental-fetch $(XNNPACK_SMOKE_JS)

# ---- inner build (sub-make, after the fetch) ---------------------------
ifeq ($(KT_TP_INNER),1)

# Extract a SET(<name> ...) source list from a CMake file: one "src/..."
# path per line, the last one followed by ")".
# (Parentheses inside sed scripts go through $(kt_lp)/$(kt_rp) so that make's
# own parenthesis matching is not confused.)
kt_lp := (
kt_rp := )
kt_cmake_list = $(shell sed -n '/^SET$(kt_lp)$(1)$$/,/$(kt_rp)/{s/^ *//;s/$(kt_rp)$$//;/^src\//p}' $(2))

XNN_OBJ_DIR := $(XNNPACK_BUILD_DIR)/obj
XNN_GEN := $(XNNPACK_DIR)/cmake/gen
XNN_CMAKELISTS := $(XNNPACK_DIR)/CMakeLists.txt

# Microkernels the wasm SIMD build uses: PROD_{SCALAR,WASM,WASMSIMD}.
XNN_UKERNEL_SRCS := \
  $(call kt_cmake_list,PROD_SCALAR_MICROKERNEL_SRCS,$(XNN_GEN)/scalar_microkernels.cmake) \
  $(call kt_cmake_list,PROD_WASM_MICROKERNEL_SRCS,$(XNN_GEN)/wasm_microkernels.cmake) \
  $(call kt_cmake_list,PROD_WASMSIMD_MICROKERNEL_SRCS,$(XNN_GEN)/wasmsimd_microkernels.cmake)

# Excluded microkernels: none. (Hook kept for kernels that fail to compile
# with emscripten's clang and are unreachable from f32 graphs; note that a
# kernel referenced from src/configs/*.c cannot simply be dropped, the
# config object would then fail to link.)
XNN_UKERNEL_EXCLUDE :=

# Two PROD wasmsimd kernels, f32-qs8-vcvt-wasmsimd-magic-u32.c and
# f32-qu8-vcvt-wasmsimd-magic-u32.c (f32 -> int8/uint8 quantize; referenced
# from unary-elementwise-config.c), `#include <arm_neon.h>` where
# <wasm_simd128.h> is meant (they use no NEON intrinsic). Debian's emscripten
# 3.1.6 ships a broken compat/arm_neon.h ('neon/types.h' file not found), so
# these two files get a stub arm_neon.h, first on the include path, that
# includes <wasm_simd128.h>. No source is excluded.
XNN_NEON_STUB_DIR := $(XNNPACK_BUILD_DIR)/neon-stub
XNN_NEON_STUB_OBJS := \
  $(XNN_OBJ_DIR)/src/f32-qs8-vcvt/gen/f32-qs8-vcvt-wasmsimd-magic-u32.c.o \
  $(XNN_OBJ_DIR)/src/f32-qu8-vcvt/gen/f32-qu8-vcvt-wasmsimd-magic-u32.c.o
$(XNN_NEON_STUB_OBJS): XNN_EXTRA_CFLAGS := -I$(XNN_NEON_STUB_DIR)
$(XNN_NEON_STUB_OBJS): | $(XNN_NEON_STUB_DIR)/arm_neon.h
$(XNN_NEON_STUB_DIR)/arm_neon.h:
	@mkdir -p $(dir $@)
	@printf '%s\n' '/* stub: see mk/third_party.mk (XNN_NEON_STUB_OBJS) */' \
	  '#include <wasm_simd128.h>' > $@

# Library sources: the *_SRCS lists of CMakeLists.txt that make up the
# XNNPACK target, plus its single-file OBJECT libraries
# (hardware-config, indirection, microparams-init, normalization, packing,
# allocator, cache, datatype, memory, microkernel-utils, mutex,
# operator-run, operator-utils).
XNN_CORE_SRCS := \
  $(foreach v,OPERATOR_SRCS REFERENCE_SRCS SUBGRAPH_SRCS LOGGING_SRCS XNNPACK_SRCS TABLE_SRCS, \
    $(call kt_cmake_list,$(v),$(XNN_CMAKELISTS))) \
  $(shell sed -n 's/^ *ADD_LIBRARY$(kt_lp)[a-z-]* OBJECT \(src\/[^ $(kt_rp)]*\)$(kt_rp)$$/\1/p' $(XNN_CMAKELISTS))

XNN_SRCS := $(sort $(filter-out $(XNN_UKERNEL_EXCLUDE),$(XNN_UKERNEL_SRCS)) $(XNN_CORE_SRCS))

ifeq ($(strip $(XNN_UKERNEL_SRCS)),)
  $(error no XNNPACK microkernel sources found under $(XNN_GEN); run 'make third-party')
endif

XNN_OBJS := $(patsubst %,$(XNN_OBJ_DIR)/%.o,$(XNN_SRCS)) $(XNN_OBJ_DIR)/build_identifier.c.o

# Re-unpacking (a new tarball) rebuilds everything: tar keeps the archive's
# old mtimes, so depend on the per-package unpack stamps as well.
$(XNN_OBJS): $(TP_SRC_DIR)/.xnnpack.stamp

# build_identifier.c is generated (as in CMake) from the prod microkernel list.
$(XNNPACK_BUILD_DIR)/prod_microkernel_srcs.txt: $(XNN_GEN)/scalar_microkernels.cmake \
    $(XNN_GEN)/wasm_microkernels.cmake $(XNN_GEN)/wasmsimd_microkernels.cmake
	@mkdir -p $(dir $@)
	@printf '%s\n' $(sort $(filter-out $(XNN_UKERNEL_EXCLUDE),$(XNN_UKERNEL_SRCS))) > $@

$(XNNPACK_BUILD_DIR)/build_identifier.c: $(XNNPACK_BUILD_DIR)/prod_microkernel_srcs.txt
	cd $(XNNPACK_DIR) && python3 scripts/generate-build-identifier.py \
	  --output $(CURDIR)/$@ --input_file_list $(CURDIR)/$<

$(XNN_OBJ_DIR)/build_identifier.c.o: $(XNNPACK_BUILD_DIR)/build_identifier.c
	@mkdir -p $(dir $@)
	$(EMCC) $(XNNPACK_CFLAGS) -c $< -o $@

$(XNN_OBJ_DIR)/%.c.o: $(XNNPACK_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(EMCC) $(XNN_EXTRA_CFLAGS) $(XNNPACK_CFLAGS) -c $< -o $@

$(XNN_OBJ_DIR)/%.cc.o: $(XNNPACK_DIR)/%.cc
	@mkdir -p $(dir $@)
	@echo "  CXX $<"
	@$(EMXX) $(XNNPACK_CXXFLAGS) -c $< -o $@

$(XNNPACK_WASM_LIB): $(XNN_OBJS)
	@rm -f $@
	@echo "  AR  $@ ($(words $(XNN_OBJS)) objects)"
	@$(EMAR) rcs $@ $^

# pthreadpool: shim.c (no threads) by default; pthreads implementation
# (pthreads.c + portable-api.c + memory.c, -pthread) with KT_THREADS=1.
ifeq ($(KT_THREADS),1)
  PTHREADPOOL_SRCS := src/legacy-api.c src/portable-api.c src/memory.c src/pthreads.c
else
  PTHREADPOOL_SRCS := src/legacy-api.c src/shim.c
endif
PTHREADPOOL_OBJS := $(patsubst %,$(PTHREADPOOL_BUILD_DIR)/obj/%.o,$(PTHREADPOOL_SRCS))
$(PTHREADPOOL_OBJS): $(TP_SRC_DIR)/.pthreadpool.stamp

$(PTHREADPOOL_BUILD_DIR)/obj/%.c.o: $(PTHREADPOOL_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(EMCC) $(PTHREADPOOL_CFLAGS) -c $< -o $@

$(PTHREADPOOL_WASM_LIB): $(PTHREADPOOL_OBJS)
	@rm -f $@
	$(EMAR) rcs $@ $^

# ---- relaxed SIMD FMA kernels -------------------------------------------
# The f32 convolution kernels XNNPACK writes for relaxed SIMD (fused
# multiply-add), in their own archive for the FMA builds (kinetrack-fma*,
# src/runtime/xnnpack/fma/xnn_kernels_fma.c selects them at runtime). Only
# these: Debian's clang 14 lacks the relaxed integer dot products that the
# rest of XNNPACK's relaxed SIMD kernels need. They are compiled with
# -mrelaxed-simd and the compat header that maps their intrinsics onto clang
# 14's prototype builtins; wasm/relaxed-simd.mjs renumbers the opcodes after
# the link.
XNN_FMA_COMPAT := src/runtime/xnnpack/fma/relaxed_simd_compat.h
XNN_FMA_SRCS := \
  $(foreach op,gemm igemm,$(foreach v,- -minmax- -relu-, \
    $(foreach t,1x8 4x8,src/f32-$(op)/gen/f32-$(op)-$(t)$(v)wasmrelaxedsimd-fma-loadsplat.c) \
    $(foreach t,1x8 6x8,src/f32-$(op)/gen/f32-$(op)-$(t)$(v)wasmrelaxedsimd-fma-splat.c))) \
  $(foreach t,3p8c 4p8c 9p8c 25p8c,$(foreach v,- -minmax-, \
    src/f32-dwconv/gen/f32-dwconv-$(t)$(v)wasmrelaxedsimd-fma.c)) \
  $(foreach a,x86 arm,src/f32-spmm/gen/f32-spmm-32x1-minmax-wasmrelaxedsimd-$(a).c)
XNN_FMA_OBJ_DIR := $(XNNPACK_BUILD_DIR)/fma-obj
XNN_FMA_OBJS := $(patsubst %,$(XNN_FMA_OBJ_DIR)/%.o,$(XNN_FMA_SRCS))
$(XNN_FMA_OBJS): $(TP_SRC_DIR)/.xnnpack.stamp $(XNN_FMA_COMPAT)

$(XNN_FMA_OBJ_DIR)/%.c.o: $(XNNPACK_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC  $< (relaxed SIMD)"
	@$(EMCC) $(XNNPACK_CFLAGS) -mrelaxed-simd -include $(CURDIR)/$(XNN_FMA_COMPAT) -c $< -o $@

$(XNNPACK_FMA_WASM_LIB): $(XNN_FMA_OBJS)
	@rm -f $@
	@echo "  AR  $@ ($(words $(XNN_FMA_OBJS)) objects)"
	@$(EMAR) rcs $@ $^

.PHONY: kt-tp-libs
kt-tp-libs: $(XNNPACK_WASM_LIB) $(PTHREADPOOL_WASM_LIB) $(XNNPACK_FMA_WASM_LIB)
	@:

endif # KT_TP_INNER
