# mk/webgl.mk — the WebGL2 backend's own wasm modules (included by the top
# Makefile after WASM_OBJS). The default build stays GL-free; these are the
# default build's objects plus src/runtime/webgl/ and the backend registry
# compiled with KT_HAVE_WEBGL, linked for WebGL2:
#
#   make wasm-webgl   build/wasm-webgl/kinetrack-webgl.mjs (+ .wasm): what the
#                     pages load for poseBackend=webgl (the default module's
#                     exports plus the frame texture's, wasm/exports_webgl.c);
#                     build/wasm-webgl/kinetrack-webgl-tests.mjs (+ .wasm): the
#                     same plus the op-by-op cases (tests/wasm/webgl_op_cases.c)
#                     that tests/node/webgl-*.test.mjs run in chromium.

WEBGL_DIR := build/wasm-webgl
WEBGL_SRCS := $(wildcard src/runtime/webgl/*.c) src/runtime/backend_registry.c wasm/exports_webgl.c
WEBGL_OBJS := $(patsubst %.c,$(WEBGL_DIR)/obj/%.o,$(WEBGL_SRCS))
WEBGL_TEST_OBJS := $(WEBGL_DIR)/obj/tests/wasm/webgl_op_cases.o
WEBGL_JS := $(WEBGL_DIR)/kinetrack-webgl.mjs
WEBGL_TEST_JS := $(WEBGL_DIR)/kinetrack-webgl-tests.mjs
WEBGL_GL_FLAGS := -sMAX_WEBGL_VERSION=2 -sMIN_WEBGL_VERSION=2 -lGL
# The frame-texture path's exports (wasm/exports_webgl.c), only here.
WEBGL_EXPORTS := $(KT_WASM_EXPORTS) kt_wasm_gl_frame_texture kt_wasm_gl_frame_texture_destroy kt_wasm_gl_frame_upload \
  kt_wasm_gl_frame_upload_yuv kt_wasm_gl_context_lost
WEBGL_EXPORTS_JSON := [$(subst $(space),$(comma),$(strip $(patsubst %,'_%',$(WEBGL_EXPORTS))))]
WEBGL_TEST_EXPORTS := $(WEBGL_EXPORTS) kt_webgl_test_op kt_webgl_test_family_count kt_webgl_test_model_plan
WEBGL_TEST_EXPORTS_JSON := [$(subst $(space),$(comma),$(strip $(patsubst %,'_%',$(WEBGL_TEST_EXPORTS))))]
WEBGL_BASE_OBJS := $(filter-out $(WASM_DIR)/obj/src/runtime/backend_registry.o,$(WASM_OBJS))

.PHONY: wasm-webgl
wasm-webgl: $(WEBGL_JS) $(WEBGL_TEST_JS)

$(WEBGL_DIR)/obj/%.o: %.c $(THIRD_PARTY_STAMP) wasm/flags.mk mk/webgl.mk
	@mkdir -p $(dir $@)
	$(EMCC) $(KT_WASM_CFLAGS) -DKT_HAVE_WEBGL -MMD -MP -Isrc $(THIRD_PARTY_WASM_INCLUDES) -c $< -o $@

$(WEBGL_JS): $(WEBGL_BASE_OBJS) $(WEBGL_OBJS) $(THIRD_PARTY_WASM_LIBS) wasm/flags.mk mk/webgl.mk
	$(EMCC) $(filter-out -sEXPORTED_FUNCTIONS=%,$(KT_WASM_LDFLAGS)) -sEXPORTED_FUNCTIONS="$(WEBGL_EXPORTS_JSON)" \
	  $(WEBGL_GL_FLAGS) $(filter %.o %.a,$^) -o $@

$(WEBGL_TEST_JS): $(WEBGL_BASE_OBJS) $(WEBGL_OBJS) $(WEBGL_TEST_OBJS) $(THIRD_PARTY_WASM_LIBS) wasm/flags.mk mk/webgl.mk
	$(EMCC) $(filter-out -sEXPORTED_FUNCTIONS=%,$(KT_WASM_LDFLAGS)) -sEXPORTED_FUNCTIONS="$(WEBGL_TEST_EXPORTS_JSON)" \
	  $(WEBGL_GL_FLAGS) $(filter %.o %.a,$^) -o $@

-include $(WEBGL_OBJS:.o=.d) $(WEBGL_TEST_OBJS:.o=.d)
