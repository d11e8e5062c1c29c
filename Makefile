# kinetrack — build, test, serve.
#
#   make start   install what is missing, build, and start (see README)
#   make test    install what is missing, build, run every test
#
# Other targets: deps, models, wasm, native (C tests under ASan+UBSan),
# fuzz (libFuzzer, FUZZ_SECONDS each), fuzz-replay, xnnpack-smoke, wasm-webgl
# (the WebGL2 backend's module, mk/webgl.mk), clean.

SHELL := /bin/bash
.DEFAULT_GOAL := all
.SECONDARY:
# Use every core unless the caller chose (-j or MAKEFLAGS): XNNPACK alone is
# 640 files.
ifeq ($(MAKELEVEL),0)
ifeq ($(filter -j% --jobs%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
endif

include mk/third_party.mk
include mk/exercises.mk
include wasm/flags.mk

NATIVE_CC ?= gcc
NATIVE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=undefined
NATIVE_INCLUDES := -Isrc -Itests/c -I/usr/include/cjson
NATIVE_LIBS := -lcjson -lm

# Our C, by architecture folder. The XNNPACK backend (src/runtime/xnnpack/)
# only exists in wasm builds; native builds run the reference kernels.
KT_SRCS := $(wildcard src/core/*.c src/loaders/*/*.c src/runtime/*.c src/runtime/ops/*.c \
  src/image/*.c src/pose/*.c src/pose/*/*.c src/session/*.c src/render/*.c src/messages/*.c src/query/*.c) \
  $(EXERCISE_SRCS) $(EXERCISE_GEN_SRC)
KT_WASM_SRCS := $(KT_SRCS) $(wildcard src/runtime/xnnpack/*.c) wasm/exports.c
KT_NATIVE_SRCS := $(KT_SRCS)

NATIVE_DIR := build/native
NATIVE_OBJS := $(patsubst %.c,$(NATIVE_DIR)/%.o,$(KT_NATIVE_SRCS))
NATIVE_TESTS := $(patsubst tests/c/%.c,$(NATIVE_DIR)/tests/%,$(wildcard tests/c/test_*.c))

WASM_DIR := build/wasm
WASM_OBJS := $(patsubst %.c,$(WASM_DIR)/obj/%.o,$(KT_WASM_SRCS)) $(WASM_DIR)/obj/cjson.o
KT_WASM_JS := $(WASM_DIR)/kinetrack.mjs
# The threaded build: the same sources with -pthread, in their own objects.
WASM_MT_OBJS := $(patsubst $(WASM_DIR)/obj/%,$(WASM_DIR)/obj-mt/%,$(WASM_OBJS))
KT_WASM_MT_JS := $(WASM_DIR)/kinetrack-mt.mjs
# The relaxed SIMD FMA builds (src/runtime/xnnpack/xnn_kernels.h): the same
# objects, with the kernel choice of fma/xnn_kernels_fma.c and XNNPACK's FMA
# kernels linked in; the loader picks them where the engine has relaxed SIMD.
KT_KERNELS_OBJ := src/runtime/xnnpack/xnn_kernels.o
KT_KERNELS_FMA_OBJ := src/runtime/xnnpack/fma/xnn_kernels_fma.o
WASM_FMA_OBJS := $(filter-out $(WASM_DIR)/obj/$(KT_KERNELS_OBJ),$(WASM_OBJS)) $(WASM_DIR)/obj/$(KT_KERNELS_FMA_OBJ)
WASM_MT_FMA_OBJS := $(filter-out $(WASM_DIR)/obj-mt/$(KT_KERNELS_OBJ),$(WASM_MT_OBJS)) $(WASM_DIR)/obj-mt/$(KT_KERNELS_FMA_OBJ)
KT_WASM_FMA_JS := $(WASM_DIR)/kinetrack-fma.mjs
KT_WASM_MT_FMA_JS := $(WASM_DIR)/kinetrack-mt-fma.mjs

MODELS := models/movenet-lightning.json models/movenet-lightning.bin \
  models/pose_detection.tflite models/pose_landmark_lite.tflite models/pose_landmark_full.tflite \
  models/pose_landmark_heavy.tflite
MEDIAPIPE_POSE := node_modules/@mediapipe/pose
# The detector is the first 2962288 bytes of MediaPipe's packed assets.
MEDIAPIPE_DETECTOR_BYTES := 2962288

DEPS_STAMP := build/.deps.stamp
APT_PACKAGES := emscripten ffmpeg libcjson-dev gcc make python3 xz-utils ca-certificates clang libclang-rt-14-dev chromium

.PHONY: all deps models wasm native native-build native-check test start clean

all: deps models wasm wasm-webgl native-build

# ------------------------------------------------------------------ deps
# Debian packages (only those missing) and the npm packages of the lock file.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): package.json package-lock.json
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi
	@mkdir -p build && touch $@

# ---------------------------------------------------------------- models
# The model files come from npm packages (CONTRACT §7), checked by sha256.
models: $(MODELS)
# Each file is written under a temporary name and renamed once its sha256
# matches, so a failed copy never leaves a file that looks valid.
define check_model
	@cd models && grep " $(notdir $@)$$" SHA256SUMS | sed 's/ $(notdir $@)$$/ $(notdir $@).tmp/' | \
	  sha256sum --check --quiet - || { rm -f $(notdir $@).tmp; echo "models: sha256 mismatch for $(notdir $@)"; exit 1; }
	@mv $@.tmp $@
endef
models/movenet-lightning.%: $(DEPS_STAMP) models/SHA256SUMS
	@cp node_modules/@vladmandic/human/models/movenet-lightning.$* $@.tmp
	$(check_model)
models/pose_detection.tflite: $(DEPS_STAMP) models/SHA256SUMS
	@head -c $(MEDIAPIPE_DETECTOR_BYTES) $(MEDIAPIPE_POSE)/pose_solution_packed_assets.data > $@.tmp
	$(check_model)
models/pose_landmark_%.tflite: $(DEPS_STAMP) models/SHA256SUMS
	@cp $(MEDIAPIPE_POSE)/pose_landmark_$*.tflite $@.tmp
	$(check_model)

# ------------------------------------------------------------------ wasm
wasm: $(KT_WASM_JS) $(KT_WASM_MT_JS) $(KT_WASM_FMA_JS) $(KT_WASM_MT_FMA_JS)

# Nothing compiles before the toolchain is installed.
$(THIRD_PARTY_STAMP): | $(DEPS_STAMP)

$(WASM_DIR)/obj/%.o: %.c $(THIRD_PARTY_STAMP) wasm/flags.mk
	@mkdir -p $(dir $@)
	$(EMCC) $(KT_WASM_CFLAGS) -MMD -MP -Isrc $(THIRD_PARTY_WASM_INCLUDES) $(KT_EXTRA_INCLUDES) -c $< -o $@

$(WASM_DIR)/obj/cjson.o: $(THIRD_PARTY_STAMP)
	@mkdir -p $(dir $@)
	$(EMCC) -std=c99 $(KT_WASM_OPT) -msimd128 -c $(CJSON_SRC) -o $@

$(KT_WASM_JS): $(WASM_OBJS) $(THIRD_PARTY_WASM_LIBS) wasm/flags.mk
	$(EMCC) $(KT_WASM_LDFLAGS) $(WASM_OBJS) $(THIRD_PARTY_WASM_LIBS) -o $@

# The FMA kernel choice reads XNNPACK's internal configs (its src/ headers),
# which declare the relaxed SIMD kernels only when compiling for relaxed SIMD
# (this file has no SIMD code of its own).
$(WASM_DIR)/obj/$(KT_KERNELS_FMA_OBJ) $(WASM_DIR)/obj-mt/$(KT_KERNELS_FMA_OBJ): KT_EXTRA_INCLUDES := -mrelaxed-simd -isystem $(XNNPACK_DIR)/src

# Linked like kinetrack.wasm, then the prototype FMA opcodes renumbered
# (wasm/relaxed-simd.mjs).
$(KT_WASM_FMA_JS): $(WASM_FMA_OBJS) $(XNNPACK_FMA_WASM_LIB) $(THIRD_PARTY_WASM_LIBS) wasm/flags.mk wasm/relaxed-simd.mjs
	$(EMCC) $(KT_WASM_LDFLAGS) -mrelaxed-simd $(WASM_FMA_OBJS) $(XNNPACK_FMA_WASM_LIB) $(THIRD_PARTY_WASM_LIBS) -o $@
	$(NODE) wasm/relaxed-simd.mjs $(@:.mjs=.wasm) $(@:.mjs=.wasm) || { rm -f $@; exit 1; }

$(KT_WASM_MT_FMA_JS): $(WASM_MT_FMA_OBJS) $(XNNPACK_FMA_WASM_MT_LIB) $(THIRD_PARTY_WASM_MT_LIBS) wasm/flags.mk wasm/mt-node-prelude.js wasm/relaxed-simd.mjs
	$(EMCC) $(KT_WASM_MT_LDFLAGS) -mrelaxed-simd $(WASM_MT_FMA_OBJS) $(XNNPACK_FMA_WASM_MT_LIB) $(THIRD_PARTY_WASM_MT_LIBS) -o $@
	$(NODE) wasm/relaxed-simd.mjs $(@:.mjs=.wasm) $(@:.mjs=.wasm) || { rm -f $@; exit 1; }

$(WASM_DIR)/obj-mt/%.o: %.c $(THIRD_PARTY_STAMP) wasm/flags.mk
	@mkdir -p $(dir $@)
	$(EMCC) $(KT_WASM_MT_CFLAGS) -MMD -MP -Isrc $(THIRD_PARTY_WASM_INCLUDES) $(KT_EXTRA_INCLUDES) -c $< -o $@

$(WASM_DIR)/obj-mt/cjson.o: $(THIRD_PARTY_STAMP)
	@mkdir -p $(dir $@)
	$(EMCC) -std=c99 $(KT_WASM_OPT) -msimd128 -pthread -c $(CJSON_SRC) -o $@

# Node loads the .worker.js as a script (CommonJS): the package.json beside
# it says so, as package.json at the root says "module".
$(KT_WASM_MT_JS): $(WASM_MT_OBJS) $(THIRD_PARTY_WASM_MT_LIBS) wasm/flags.mk wasm/mt-node-prelude.js
	$(EMCC) $(KT_WASM_MT_LDFLAGS) $(WASM_MT_OBJS) $(THIRD_PARTY_WASM_MT_LIBS) -o $@
	@echo '{"type": "commonjs"}' > $(WASM_DIR)/package.json

# ---------------------------------------------------------------- native
# Our C with gcc under AddressSanitizer + UndefinedBehaviorSanitizer:
# `make native` builds every tests/c/test_*.c and runs them.
native: native-check
native-build: $(NATIVE_TESTS)

$(NATIVE_DIR)/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_CFLAGS) -MMD -MP $(NATIVE_INCLUDES) -c $< -o $@

$(NATIVE_DIR)/tests/%: $(NATIVE_DIR)/tests/c/%.o $(NATIVE_OBJS)
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_CFLAGS) $^ $(NATIVE_LIBS) -o $@

native-check: native-build $(MODELS)
	@fail=0; for t in $(NATIVE_TESTS); do echo "# $$t"; $$t || fail=1; done; exit $$fail
	@$(MAKE) --no-print-directory fuzz-replay

# ------------------------------------------------------------ test/start
TEST_FUZZ_SECONDS ?= 40
# The fuzzers run first, bounded (40 s each in the test, two at a time;
# `make fuzz` alone: FUZZ_SECONDS, default 60), so the suites' summary
# closes the output.
test: all
	$(MAKE) --no-print-directory -j2 fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	npm test

start: all
	@node bin/kinetrack.mjs start

clean:
	rm -rf build

include mk/fuzz.mk
include mk/webgl.mk

-include $(WASM_OBJS:.o=.d) $(WASM_MT_OBJS:.o=.d) $(WASM_DIR)/obj/$(KT_KERNELS_FMA_OBJ:.o=.d) $(WASM_DIR)/obj-mt/$(KT_KERNELS_FMA_OBJ:.o=.d) $(NATIVE_OBJS:.o=.d) $(patsubst tests/c/%.c,$(NATIVE_DIR)/tests/c/%.d,$(wildcard tests/c/test_*.c))
