/* exports_webgl.c — what only the WebGL2 module (kinetrack-webgl, mk/webgl.mk)
 * exports: the frame texture a host fills from a VideoFrame or
 * ImageBitmap, or from a 4:2:0 frame's planes, for
 * kt_wasm_tracker_process_texture. The texture lives on
 * the context the webgl backend created for the models, so it exists once
 * a model is loaded there. */
#include <emscripten/emscripten.h>

#include "runtime/webgl/gl_frame.h"

/* A new frame texture's GL handle, or 0 (kt_wasm_last_error says why: no
 * model holds a context, or it was lost). */
EMSCRIPTEN_KEEPALIVE uint32_t kt_wasm_gl_frame_texture(void) {
  uint32_t tex = 0;
  return kt_gl_frame_texture_create(&tex) == kt_status_ok ? tex : 0;
}

EMSCRIPTEN_KEEPALIVE void kt_wasm_gl_frame_texture_destroy(uint32_t texture) { kt_gl_frame_texture_destroy(texture); }

/* Uploads Module.ktFrameSource into `texture`: 0, else the kt_status. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_gl_frame_upload(uint32_t texture) { return (int)kt_gl_frame_upload(texture); }

/* Uploads Module.ktFramePlanes (a 4:2:0 frame's planes, kt_gl_frame_upload_yuv)
 * into `texture`'s planes: 0, else the kt_status. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_gl_frame_upload_yuv(uint32_t texture, int32_t width, int32_t height, int32_t uv_step,
                                                     int32_t matrix, int32_t full_range) {
  return (int)kt_gl_frame_upload_yuv(texture, width, height, uv_step, (kt_yuv_matrix)matrix, full_range);
}

/* 1 when the backend's context is lost (the host then falls back to the
 * wasm backend), else 0. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_gl_context_lost(void) { return kt_gl_context_lost() ? 1 : 0; }
