# mk/webgl.mk — the WebGL2 backend's own wasm module (included by the top
# Makefile after WASM_OBJS). The default build stays GL-free; this module
# is the default build's objects plus src/runtime/webgl/, the backend
# registry compiled with KT_HAVE_WEBGL, and the op-by-op test cases
# (tests/wasm/webgl_op_cases.c), linked for WebGL2.
#
#   make wasm-webgl   build/wasm-webgl/kinetrack-webgl.mjs (+ .wasm)
#
# tests/node/webgl.test.mjs loads it in chromium (SwiftShader).

WEBGL_DIR := build/wasm-webgl
WEBGL_SRCS := $(wildcard src/runtime/webgl/*.c) src/runtime/backend_registry.c tests/wasm/webgl_op_cases.c
WEBGL_OBJS := $(patsubst %.c,$(WEBGL_DIR)/obj/%.o,$(WEBGL_SRCS))
WEBGL_JS := $(WEBGL_DIR)/kinetrack-webgl.mjs
WEBGL_EXPORTS := $(KT_WASM_EXPORTS) kt_webgl_test_op kt_webgl_test_family_count
WEBGL_EXPORTS_JSON := [$(subst $(space),$(comma),$(strip $(patsubst %,'_%',$(WEBGL_EXPORTS))))]
WEBGL_LDFLAGS := $(filter-out -sEXPORTED_FUNCTIONS=%,$(KT_WASM_LDFLAGS)) \
  -sEXPORTED_FUNCTIONS="$(WEBGL_EXPORTS_JSON)" -sMAX_WEBGL_VERSION=2 -sMIN_WEBGL_VERSION=2 -lGL

.PHONY: wasm-webgl
wasm-webgl: $(WEBGL_JS)

$(WEBGL_DIR)/obj/%.o: %.c $(THIRD_PARTY_STAMP) wasm/flags.mk mk/webgl.mk
	@mkdir -p $(dir $@)
	$(EMCC) $(KT_WASM_CFLAGS) -DKT_HAVE_WEBGL -MMD -MP -Isrc $(THIRD_PARTY_WASM_INCLUDES) -c $< -o $@

$(WEBGL_JS): $(filter-out $(WASM_DIR)/obj/src/runtime/backend_registry.o,$(WASM_OBJS)) $(WEBGL_OBJS) \
    $(THIRD_PARTY_WASM_LIBS) wasm/flags.mk mk/webgl.mk
	$(EMCC) $(WEBGL_LDFLAGS) $(filter %.o %.a,$^) -o $@

-include $(WEBGL_OBJS:.o=.d)
