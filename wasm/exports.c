/* exports.c — the Emscripten boundary: kinetrack's C API reshaped for JS
 * (pointers and numbers in, pointers and numbers out; strings are UTF-8
 * in wasm memory). Everything here is a thin wrapper: the work is in src/.
 * The static result buffers below are safe in the threaded build too: JS
 * calls these exports from one thread (the page's, the worker's, Node's
 * main thread), and the pool's threads only run XNNPACK's kernels. */
#include <emscripten/emscripten.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "exercise/engine.h"
#include "kinetrack.h"
#include "runtime/xnnpack/xnn_kernels.h"

static char* g_error_json; /* last tracker-creation error message, owned */

EMSCRIPTEN_KEEPALIVE void* kt_wasm_alloc(size_t size) { return malloc(size ? size : 1); }
EMSCRIPTEN_KEEPALIVE void kt_wasm_free(void* p) { free(p); }
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_last_error(void) { return kt_last_error(); }

/* 0 when the pool now has `threads` threads, else the kt_status (reason in
 * kt_wasm_last_error). `workers_ready`: the Web Workers the host has
 * loaded for threads (Module.ktWorkers). A pool needing more would wait
 * forever for threads that cannot start (see kt_set_threads). */
EMSCRIPTEN_KEEPALIVE int kt_wasm_set_threads(int threads, int workers_ready) {
  /* A destroyed pool's workers go back to the host only once its event loop
   * runs again: a second pool in the same call would not find them. */
  if (kt_threads() > 1 && threads != kt_threads())
    return (int)kt_fail(kt_status_invalid_state, "threads %d: this instance already runs %d threads", threads,
                        kt_threads());
  if (threads > 1 && threads - 1 > workers_ready)
    return (int)kt_fail(kt_status_invalid_argument, "threads %d need %d workers ready, the host has %d", threads,
                        threads - 1, workers_ready);
  return (int)kt_set_threads(threads);
}
EMSCRIPTEN_KEEPALIVE int kt_wasm_threads(void) { return kt_threads(); }

/* "wasmsimd" or "wasmsimd+fma": XNNPACK's kernels in this build (xnn_kernels.h). */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_kernels(void) { return kt_xnn_kernel_set(); }

/* Bytes malloc has handed out and not taken back: the leak check's number. */
EMSCRIPTEN_KEEPALIVE size_t kt_wasm_heap_in_use(void) { return (size_t)mallinfo().uordblks; }

EMSCRIPTEN_KEEPALIVE kt_model* kt_wasm_model_load(const char* json, size_t json_len, const uint8_t* weights,
                                                  size_t weights_len, int backend) {
  kt_model* m = NULL;
  return kt_model_load_tfjs(json, json_len, weights, weights_len, (kt_backend)backend, &m) == kt_status_ok ? m : NULL;
}

/* `keep`: NULL for every output, else the output names to keep, separated
 * by commas (at most 8). */
EMSCRIPTEN_KEEPALIVE kt_model* kt_wasm_model_load_tflite(const uint8_t* bytes, size_t len, int backend, const char* keep) {
  kt_model* m = NULL;
  if (!keep) return kt_model_load_tflite(bytes, len, (kt_backend)backend, &m) == kt_status_ok ? m : NULL;
  char buf[256];
  const char* names[8];
  int n = 0;
  snprintf(buf, sizeof(buf), "%s", keep);
  for (char* tok = strtok(buf, ","); tok && n < 8; tok = strtok(NULL, ",")) names[n++] = tok;
  return kt_model_load_tflite_outputs(bytes, len, (kt_backend)backend, names, n, &m) == kt_status_ok ? m : NULL;
}

EMSCRIPTEN_KEEPALIVE void kt_wasm_model_destroy(kt_model* m) { kt_model_destroy(m); }

EMSCRIPTEN_KEEPALIVE int kt_wasm_model_num_outputs(kt_model* m) { return kt_model_num_outputs(m); }

/* Output i's name (NULL when out of range); its 4 dims go to dims_out. */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_model_output_info(kt_model* m, int i, int32_t* dims_out) {
  const char* name = NULL;
  return kt_model_output_info(m, i, &name, dims_out) == kt_status_ok ? name : NULL;
}

EMSCRIPTEN_KEEPALIVE int kt_wasm_model_run_f32(kt_model* m, const float* input, size_t count) {
  return (int)kt_model_run(m, kt_element_f32, input, count);
}

/* Output i's values after a run (NULL when absent); its count to count_out. */
EMSCRIPTEN_KEEPALIVE const float* kt_wasm_model_output(kt_model* m, int i, size_t* count_out) {
  const float* data = NULL;
  return kt_model_output(m, i, &data, count_out) == kt_status_ok ? data : NULL;
}

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

EMSCRIPTEN_KEEPALIVE kt_tracker* kt_wasm_tracker_create_with_models(kt_model* movenet, kt_model* detector,
                                                                    kt_model* landmarks, const char* query,
                                                                    const char* plan) {
  kt_tracker* t = NULL;
  const kt_pose_models models = {movenet, detector, landmarks};
  free(g_error_json);
  g_error_json = NULL;
  return kt_tracker_create_with_models(&models, query, plan, &t, &g_error_json) == kt_status_ok ? t : NULL;
}

EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_set_smoothing(kt_tracker* t, int on) { return (int)kt_tracker_set_smoothing(t, on); }
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_model_name(kt_tracker* t) { return kt_tracker_model_name(t); }

/* Compiles a definition (a custom movement's JSON) at every difficulty:
 * NULL when it compiles, else the parser's reason (static, valid until
 * the next call). */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_definition_check(const char* json) {
  static char reason[256];
  static const char* const kLevels[] = {"easy", "medium", "hard"};
  for (int level = 0; level < 3; level++) {
    kt_exercise_config cfg = {.id = "check", .definition_json = json, .difficulty = (kt_difficulty)level,
                              .user_height_cm = 175};
    kt_exercise* ex = NULL;
    if (kt_exercise_create(&cfg, &ex) != kt_status_ok) {
      snprintf(reason, sizeof(reason), "%s (difficulty %s)", kt_last_error(), kLevels[level]);
      return reason;
    }
    kt_exercise_destroy(ex);
  }
  return NULL;
}

/* The `error` message of the last failed kt_wasm_tracker_create(_with_models),
 * kt_wasm_tracker_set_movement or kt_wasm_tracker_set_reference, or NULL. */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_error_json(void) { return g_error_json; }

EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_set_live(kt_tracker* t, int live) { return (int)kt_tracker_set_live(t, live); }

/* userExercise: the movement's definition; on a refused definition the
 * `error` message is kt_wasm_tracker_error_json's. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_set_movement(kt_tracker* t, const char* json) {
  free(g_error_json);
  g_error_json = NULL;
  return (int)kt_tracker_set_movement(t, json, &g_error_json);
}

/* reference: the signature; on a refused signature the `error` message
 * (invalid_reference) is kt_wasm_tracker_error_json's. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_set_reference(kt_tracker* t, const char* json) {
  free(g_error_json);
  g_error_json = NULL;
  return (int)kt_tracker_set_reference(t, json, &g_error_json);
}

/* Reference builder: keypoints as 17 x {x, y, score} floats. */
EMSCRIPTEN_KEEPALIVE kt_reference_builder* kt_wasm_refbuild_create(void) {
  kt_reference_builder* b = NULL;
  return kt_reference_builder_create(&b) == kt_status_ok ? b : NULL;
}
EMSCRIPTEN_KEEPALIVE int kt_wasm_refbuild_add(kt_reference_builder* b, const float* xys, int32_t w, int32_t h,
                                              double ts) {
  kt_keypoint kps[KT_NUM_KEYPOINTS];
  for (int i = 0; i < KT_NUM_KEYPOINTS; i++) kps[i] = (kt_keypoint){xys[3 * i], xys[3 * i + 1], xys[3 * i + 2]};
  return (int)kt_reference_builder_add(b, kps, w, h, ts);
}
/* The signature (valid until the next call), or NULL (kt_wasm_last_error). */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_refbuild_finish(kt_reference_builder* b, double start_ms, double end_ms,
                                                         const char* id, const char* name, const char* model) {
  static char* last;
  kt_free(last);
  last = NULL;
  return kt_reference_builder_finish(b, start_ms, end_ms, id, name, model, &last) == kt_status_ok ? last : NULL;
}
EMSCRIPTEN_KEEPALIVE void kt_wasm_refbuild_destroy(kt_reference_builder* b) { kt_reference_builder_destroy(b); }

EMSCRIPTEN_KEEPALIVE void kt_wasm_tracker_destroy(kt_tracker* t) { kt_tracker_destroy(t); }

EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_process(kt_tracker* t, const uint8_t* rgba, int32_t w, int32_t h,
                                                         double ts) {
  const char* out = NULL;
  return kt_tracker_process_rgba(t, rgba, w, h, ts, &out) == kt_status_ok ? out : NULL;
}

/* A frame as a texture on the webgl backend's context (kinetrack-webgl's
 * kt_wasm_gl_frame_texture / kt_wasm_gl_frame_upload made and filled it);
 * other modules answer unsupported with the reason. */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_tracker_process_texture(kt_tracker* t, uint32_t texture, int32_t w, int32_t h,
                                                                 double ts) {
  const char* out = NULL;
  return kt_tracker_process_texture(t, texture, w, h, ts, &out) == kt_status_ok ? out : NULL;
}

/* kt_tracker_frame_stats as two doubles (exact below 2^53) at out. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_frame_stats(kt_tracker* t, double* out) {
  int64_t bytes = 0, textures = 0;
  kt_status s = out ? kt_tracker_frame_stats(t, &bytes, &textures) : kt_status_invalid_argument;
  if (s == kt_status_ok) {
    out[0] = (double)bytes;
    out[1] = (double)textures;
  }
  return (int)s;
}

/* A 4:2:0 frame (planes at y/u/v in wasm memory) to RGBA at `rgba`. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_yuv420_to_rgba(const uint8_t* y, const uint8_t* u, const uint8_t* v, int32_t y_stride,
                                                int32_t u_stride, int32_t v_stride, int32_t uv_step, int32_t w,
                                                int32_t h, int matrix, int full_range, uint8_t* rgba) {
  const kt_yuv420_frame f = {y, u, v, y_stride, u_stride, v_stride, uv_step, w, h, (kt_yuv_matrix)matrix, full_range};
  return (int)kt_yuv420_to_rgba(&f, rgba);
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

/* Draws the skeleton of the tracker's last keypoints onto rgba in place. */
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_render_last(kt_tracker* t, uint8_t* rgba, int32_t w, int32_t h,
                                                     float min_score, float scale) {
  kt_keypoint k[KT_NUM_KEYPOINTS];
  kt_status s = kt_tracker_last_keypoints(t, k);
  if (s == kt_status_ok) s = kt_render_skeleton(rgba, w, h, k, min_score, scale);
  return (int)s;
}

/* The last frame's keypoints as 17 x {x, y, score} floats into out (the
 * pages draw the skeleton from them on a canvas). */
EMSCRIPTEN_KEEPALIVE int kt_wasm_tracker_last_keypoints(kt_tracker* t, float* out) {
  if (!out) return (int)kt_status_invalid_argument;
  kt_keypoint k[KT_NUM_KEYPOINTS];
  kt_status s = kt_tracker_last_keypoints(t, k);
  if (s == kt_status_ok) memcpy(out, k, sizeof(k));
  return (int)s;
}

/* ------------------------------------------------- host-side messages
 * Messages about things only the host sees (media loading, the runtime it
 * picked, decode failures) are still built here, by the same C builders,
 * so every message the host posts has one source. Each returns one JSON
 * object, valid until the next call of any of them. */
#include "messages/messages.h"

static char* g_host_message;

static const char* host_message(cJSON* list, kt_status s) {
  free(g_host_message);
  g_host_message = NULL;
  if (s == kt_status_ok) g_host_message = cJSON_PrintUnformatted(cJSON_GetArrayItem(list, 0));
  cJSON_Delete(list);
  return g_host_message;
}

EMSCRIPTEN_KEEPALIVE const char* kt_wasm_message_initialization(const char* message, int ready, const char* step,
                                                                double ts) {
  cJSON* list = cJSON_CreateArray();
  return host_message(list, list ? kt_msg_initialization(list, ts, message, ready != 0, step) : kt_status_out_of_memory);
}

EMSCRIPTEN_KEEPALIVE const char* kt_wasm_message_environment(const char* backend, int webgl, int simd, int threads,
                                                             const char* model, double ts) {
  cJSON* list = cJSON_CreateArray();
  return host_message(list, list ? kt_msg_environment(list, ts, backend, webgl != 0, simd != 0, threads, model)
                                 : kt_status_out_of_memory);
}

/* details_json: a JSON object text or NULL. */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_message_error(const char* code, const char* message, const char* details_json,
                                                       int fatal, double ts) {
  cJSON* list = cJSON_CreateArray();
  cJSON* details = details_json ? cJSON_Parse(details_json) : NULL;
  if (details && !cJSON_IsObject(details)) {
    cJSON_Delete(details);
    details = NULL;
  }
  return host_message(list, list ? kt_msg_error(list, ts, code, message, details, fatal != 0) : kt_status_out_of_memory);
}

/* The reference builder page's reference_signature message. */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_message_reference_signature(const char* signature_json, double ts) {
  cJSON* list = cJSON_CreateArray();
  return host_message(list, list ? kt_msg_reference_signature(list, ts, signature_json) : kt_status_out_of_memory);
}

/* The export=true video is ready (the upload page encoded it). */
EMSCRIPTEN_KEEPALIVE const char* kt_wasm_message_export_ready(const char* url, const char* mime_type, double duration_ms,
                                                              int32_t width, int32_t height, double frames, double ts) {
  cJSON* list = cJSON_CreateArray();
  return host_message(list, list ? kt_msg_export_ready(list, ts, url, mime_type, duration_ms, width, height, (int64_t)frames)
                                 : kt_status_out_of_memory);
}

/* ---------------------------------------------------------- the query
 * Parses a page's query string for `plan` (a verified plan name). Returns
 * {"ok":true,"params":{...sanitized...}} or the fatal `error` message. */
#include "query/query.h"

static char* g_query_json;

EMSCRIPTEN_KEEPALIVE const char* kt_wasm_query_parse(const char* query, const char* plan) {
  kt_query q;
  kt_query_error e;
  free(g_query_json);
  g_query_json = NULL;
  kt_status s = kt_query_parse(query, plan, &q, &e);
  if (s == kt_status_invalid_query) {
    kt_query_error_json(&e, 0, &g_query_json);
    return g_query_json;
  }
  if (s != kt_status_ok) return NULL;
  char* params = kt_query_to_json(&q);
  if (!params) return NULL;
  size_t n = strlen(params) + 32;
  g_query_json = malloc(n);
  if (g_query_json) snprintf(g_query_json, n, "{\"ok\":true,\"params\":%s}", params);
  free(params);
  return g_query_json;
}

/* ------------------------------------------------------ MoveNet input
 * The exact int32 input kinetrack feeds MoveNet for a photo (letterbox
 * crop, crop-and-resize): lets tests compare preprocessing with TF.js's. */
#include "pose/movenet/preprocess.h"

EMSCRIPTEN_KEEPALIVE int kt_wasm_movenet_photo_input(const uint8_t* rgba, int32_t w, int32_t h, int32_t* out) {
  kt_crop_region crop;
  kt_status s = kt_movenet_letterbox_crop(w, h, &crop);
  if (s == kt_status_ok)
    s = kt_movenet_crop_and_resize(rgba, w, h, &crop, KT_MOVENET_INPUT_SIZE, KT_MOVENET_INPUT_SIZE, out,
                                   (size_t)KT_MOVENET_INPUT_SIZE * KT_MOVENET_INPUT_SIZE * 3);
  return (int)s;
}
