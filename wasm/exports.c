/* exports.c — the Emscripten boundary: kinetrack's C API reshaped for JS
 * (pointers and numbers in, pointers and numbers out; strings are UTF-8
 * in wasm memory). Everything here is a thin wrapper: the work is in src/. */
#include <emscripten/emscripten.h>
#include <malloc.h>
#include <stdlib.h>

#include "kinetrack.h"

static char* g_error_json; /* last tracker-creation error message, owned */

EMSCRIPTEN_KEEPALIVE void* kt_wasm_alloc(size_t size) { return malloc(size ? size : 1); }
EMSCRIPTEN_KEEPALIVE void kt_wasm_free(void* p) { free(p); }
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_last_error(void) { return kt_last_error(); }

/* Bytes malloc has handed out and not taken back: the leak check's number. */
EMSCRIPTEN_KEEPALIVE size_t kt_wasm_heap_in_use(void) { return (size_t)mallinfo().uordblks; }

EMSCRIPTEN_KEEPALIVE kt_model* kt_wasm_model_load(const char* json, size_t json_len, const uint8_t* weights,
                                                  size_t weights_len, int backend) {
  kt_model* m = NULL;
  return kt_model_load_tfjs(json, json_len, weights, weights_len, (kt_backend)backend, &m) == kt_status_ok ? m : NULL;
}

EMSCRIPTEN_KEEPALIVE void kt_wasm_model_destroy(kt_model* m) { kt_model_destroy(m); }

EMSCRIPTEN_KEEPALIVE int kt_wasm_model_run_i32(kt_model* m, const int32_t* input, size_t input_count, float* output,
                                               size_t output_count) {
  return (int)kt_model_run_i32(m, input, input_count, output, output_count);
}

EMSCRIPTEN_KEEPALIVE kt_tracker* kt_wasm_tracker_create(kt_model* m, const char* query, const char* plan) {
  kt_tracker* t = NULL;
  free(g_error_json);
  g_error_json = NULL;
  return kt_tracker_create(m, query, plan, &t, &g_error_json) == kt_status_ok ? t : NULL;
}

/* The `error` message of the last failed kt_wasm_tracker_create, or NULL. */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_error_json(void) { return g_error_json; }

EMSCRIPTEN_KEEPALIVE void kt_wasm_tracker_destroy(kt_tracker* t) { kt_tracker_destroy(t); }

EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_process(kt_tracker* t, const uint8_t* rgba, int32_t w, int32_t h,
                                                         double ts) {
  const char* out = NULL;
  return kt_tracker_process_rgba(t, rgba, w, h, ts, &out) == kt_status_ok ? out : NULL;
}

EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_finish(kt_tracker* t) {
  const char* out = NULL;
  return kt_tracker_finish(t, &out) == kt_status_ok ? out : NULL;
}

EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_image_overlay(kt_tracker* t, const char* data_url, int32_t w,
                                                               int32_t h, double ts) {
  const char* out = NULL;
  return kt_tracker_image_overlay(t, data_url, w, h, ts, &out) == kt_status_ok ? out : NULL;
}

EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_source_is_image(kt_tracker* t) { return kt_tracker_source_is_image(t); }
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_skeleton_enabled(kt_tracker* t) { return kt_tracker_skeleton_enabled(t); }

/* Writes x, y, score of the 17 keypoints into out[51]. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_last_keypoints(kt_tracker* t, float* out) {
  kt_keypoint k[KT_NUM_KEYPOINTS];
  kt_status s = kt_tracker_last_keypoints(t, k);
  if (s != kt_status_ok) return (int)s;
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) {
    out[3 * i] = k[i].x;
    out[3 * i + 1] = k[i].y;
    out[3 * i + 2] = k[i].score;
  }
  return 0;
}

/* Draws the skeleton of the tracker's last keypoints onto rgba in place. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_render_last(kt_tracker* t, uint8_t* rgba, int32_t w, int32_t h,
                                                     float min_score, float scale) {
  kt_keypoint k[KT_NUM_KEYPOINTS];
  kt_status s = kt_tracker_last_keypoints(t, k);
  if (s == kt_status_ok) s = kt_render_skeleton(rgba, w, h, k, min_score, scale);
  return (int)s;
}
