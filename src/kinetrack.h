/*
 * kinetrack.h — the one public C header of kinetrack.
 *
 * kinetrack estimates body pose (MoveNet SinglePose Lightning, or
 * MediaPipe's BlazePose lite/full/heavy, run on XNNPACK), and turns frames
 * into the JSON messages of the PoseTracker WebView API. The same C runs natively (tests) and as WebAssembly (Node
 * library, CLI, web pages).
 *
 * Conventions (borrowed from XNNPACK and cJSON):
 *  - Every function returns a kt_status; results are written through
 *    `*_out` parameters, which are left untouched on failure.
 *  - Objects are opaque and created by kt_*_create / kt_*_load, released by
 *    the matching kt_*_destroy (which accepts NULL).
 *  - Ownership is stated per function. Borrowed pointers must outlive the
 *    object that borrows them.
 *  - No function aborts or crashes on bad input: bad input is a status.
 *  - Nothing is allocated per frame: buffers are planned when a model or
 *    tracker is created and reused for every frame.
 */
#ifndef KINETRACK_H
#define KINETRACK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ status */

typedef enum kt_status {
  kt_status_ok = 0,
  kt_status_invalid_argument = 1,   /* NULL pointer, bad size, bad option */
  kt_status_out_of_memory = 2,
  kt_status_model_format = 3,       /* model file malformed or truncated */
  kt_status_unsupported = 4,        /* op, dtype or attribute not supported */
  kt_status_backend_error = 5,      /* the backend (XNNPACK, WebGL2) refused or failed */
  kt_status_invalid_state = 6,      /* call not allowed in the current state */
  kt_status_invalid_query = 7,      /* query string rejected: see message */
} kt_status;

/* A static English name for a status ("ok", "model_format", ...). */
const char* kt_status_name(kt_status status);

/* A human-readable reason for the last failing call on this thread (e.g.
 * "unsupported op 'Einsum' in node 'x'"), or "" when none. Static storage:
 * valid until the next failing call. */
const char* kt_last_error(void);

/* ------------------------------------------------------------ keypoints */

#define KT_NUM_KEYPOINTS 17

/* The 17 COCO keypoints, in COCO order. */
typedef enum kt_keypoint_id {
  kt_nose = 0, kt_left_eye, kt_right_eye, kt_left_ear, kt_right_ear,
  kt_left_shoulder, kt_right_shoulder, kt_left_elbow, kt_right_elbow,
  kt_left_wrist, kt_right_wrist, kt_left_hip, kt_right_hip,
  kt_left_knee, kt_right_knee, kt_left_ankle, kt_right_ankle,
} kt_keypoint_id;

/* x, y normalized to the source frame (0..1, y down); score 0..1. */
typedef struct kt_keypoint {
  float x, y, score;
} kt_keypoint;

/* "nose", "left_eye", ...; NULL for an id out of range. */
const char* kt_keypoint_name(int id);

/* ----------------------------------------------------------------- model */

/* A loaded model: the parsed graph with its weights (dequantized and
 * densified to f32 at load), constant subgraphs folded, memory planned
 * once, and the dense part compiled into one backend runtime. Either file
 * format gives the same kind of object; run it any number of times. */
typedef struct kt_model kt_model;

typedef enum kt_backend {
  kt_backend_xnnpack = 0,   /* default: XNNPACK for the dense part (wasm builds) */
  kt_backend_reference = 1, /* our plain C kernels for every op (tests) */
  kt_backend_webgl = 2,     /* WebGL2 shaders for the dense part (the GL wasm build only) */
} kt_backend;

/* Threads the XNNPACK backend runs a model's dense part on: 1 (the
 * default) runs it on the calling thread with no pool; N > 1 creates a
 * pool of N-1 workers that the calling thread joins, shared by every model
 * loaded afterwards. The pool is fixed while XNNPACK models exist:
 * invalid_state when asked for another count then. invalid_argument
 * outside 1..KT_MAX_THREADS; unsupported for N > 1 in a build without
 * threads (native tests, the single-threaded wasm). Results do not depend
 * on the count beyond float summation order. In WebAssembly the host must
 * have threads-1 workers ready before the call (Emscripten starts a thread
 * only once control returns to the event loop, and pthreadpool waits for
 * its threads synchronously): wasm/exports.c checks that. */
#define KT_MAX_THREADS 16
kt_status kt_set_threads(int threads);

/* The threads models loaded now would run on (what kt_set_threads set). */
int kt_threads(void);

/* Element types of model inputs. */
typedef enum kt_element_type {
  kt_element_f32 = 0, /* BlazePose's detector and landmark models */
  kt_element_i32 = 1, /* MoveNet */
} kt_element_type;

/* Loads a TF.js graph model. `model_json` is the model.json text;
 * `weights` is the concatenation of its weight shards in manifest order.
 * Both are read during the call only: the model keeps its own copies of
 * what it needs. Errors: invalid_argument, model_format (malformed JSON,
 * weights shorter than the manifest says, inconsistent shapes),
 * unsupported (an op or attribute the runtime does not implement), backend_error. */
kt_status kt_model_load_tfjs(const char* model_json, size_t model_json_len,
                             const uint8_t* weights, size_t weights_len,
                             kt_backend backend, kt_model** model_out);

/* Loads a TFLite flatbuffer (schema v3, one subgraph). `bytes` is read
 * during the call only. Float16 constants behind DEQUANTIZE and sparse
 * (CSR) constants behind DENSIFY are converted at load. Errors:
 * model_format (truncated or inconsistent file: every offset is checked),
 * unsupported (an op, dtype, option or quantization the runtime does not
 * implement; kt_last_error names it), backend_error. */
kt_status kt_model_load_tflite(const uint8_t* bytes, size_t len, kt_backend backend,
                               kt_model** model_out);

/* kt_model_load_tflite keeping only the outputs named in `outputs`
 * (`num_outputs` names, in the order the model will list them): what
 * feeds none of them is never computed (BlazePose's trackers skip the
 * segmentation mask this way). invalid_argument for a name the model does
 * not have. */
kt_status kt_model_load_tflite_outputs(const uint8_t* bytes, size_t len, kt_backend backend,
                                       const char* const* outputs, int num_outputs,
                                       kt_model** model_out);

void kt_model_destroy(kt_model* model);

/* Number of inputs and outputs, in the model file's order. */
int kt_model_num_inputs(const kt_model* model);
int kt_model_num_outputs(const kt_model* model);

/* The shape of the model's first input and first output, NHWC. `dims_out`
 * must hold 4 values; unused leading dims are 1. */
kt_status kt_model_input_dims(const kt_model* model, int32_t dims_out[4]);
kt_status kt_model_output_dims(const kt_model* model, int32_t dims_out[4]);

/* Output `index`: its name (owned by the model; NULL to skip) and its dims
 * as kt_model_output_dims gives them (NULL to skip). */
kt_status kt_model_output_info(const kt_model* model, int index,
                               const char** name_out, int32_t dims_out[4]);

/* Runs a single-input model once on `input_count` values of `type` (f32 or
 * int32, as the model's input is). invalid_argument for another type or
 * count. Outputs are then read with kt_model_output. */
kt_status kt_model_run(kt_model* model, kt_element_type type, const void* input,
                       size_t input_count);

/* The f32 values of output `index` after the last run: owned by the model,
 * valid until the next run or its destruction. */
kt_status kt_model_output(const kt_model* model, int index, const float** data_out,
                          size_t* count_out);

/* Runs the model once on an int32 input (as MoveNet takes it) and copies
 * output 0 (output_count values) to `output`. */
kt_status kt_model_run_i32(kt_model* model, const int32_t* input,
                           size_t input_count, float* output,
                           size_t output_count);

/* ------------------------------------------------------------ video frames */

/* The matrix a YUV frame was encoded with (the stream's color_space /
 * VideoFrame.colorSpace.matrix). Hosts that see an untagged stream pass
 * bt709, as Chromium does, so a browser and the CLI convert alike. */
typedef enum kt_yuv_matrix {
  kt_yuv_bt601 = 0,  /* bt470bg, smpte170m */
  kt_yuv_bt709 = 1,
  kt_yuv_bt2020 = 2, /* bt2020 non-constant luminance */
} kt_yuv_matrix;

/* An 8-bit 4:2:0 frame as decoders hand it over: I420 (three planes,
 * uv_step 1) or NV12 (u = the interleaved plane, v = u + 1, uv_step 2).
 * Chroma planes are ceil(width/2) x ceil(height/2) samples. Borrowed. */
typedef struct kt_yuv420_frame {
  const uint8_t* y;
  const uint8_t* u;
  const uint8_t* v;
  int32_t y_stride, u_stride, v_stride; /* bytes between rows */
  int32_t uv_step;                      /* bytes between chroma samples: 1 or 2 */
  int32_t width, height;
  kt_yuv_matrix matrix;
  int32_t full_range;                   /* 1: 0..255 (JPEG range); 0: 16..235 */
} kt_yuv420_frame;

/* Converts a 4:2:0 frame to RGBA (width*height*4 bytes, alpha 255) with
 * exact integer arithmetic, so every build gives the same bytes; each
 * chroma sample covers its 2x2 block of pixels (as libyuv and swscale's
 * unscaled path do). The pages and `kinetrack analyze` both convert video
 * here, which keeps their keypoints identical for the same file.
 * invalid_argument for NULL planes, bad sizes, strides or enums. */
kt_status kt_yuv420_to_rgba(const kt_yuv420_frame* frame, uint8_t* rgba_out);

/* --------------------------------------------------------------- tracker */

/* A tracker turns frames into messages. It borrows its models. */
typedef struct kt_tracker kt_tracker;

/* The models a tracker may run; the query picks the pipeline: MoveNet by
 * default, BlazePose with blazepose=true (the detector plus the landmark
 * model of the query's mediapipeModel, lite when absent: the host loads
 * the file the query names). Unused members may be NULL. Borrowed. */
typedef struct kt_pose_models {
  kt_model* movenet;             /* models/movenet-lightning.* (TF.js) */
  kt_model* blazepose_detector;  /* models/pose_detection.tflite */
  kt_model* blazepose_landmarks; /* models/pose_landmark_{lite,full,heavy}.tflite; its
                                    Identity_2 (segmentation) output may be left out */
} kt_pose_models;

/* As kt_tracker_create, choosing among `models`. invalid_argument when the
 * query needs a model that is NULL; unsupported when a model is not what
 * its member says (input size, outputs). */
kt_status kt_tracker_create_with_models(const kt_pose_models* models, const char* query,
                                        const char* plan, kt_tracker** tracker_out,
                                        char** error_json_out);

/* Creates a tracker for a validated query string (the URL's query, without
 * '?') running MoveNet `model`. `plan` is the caller's plan ("developer",
 * "free", ...): in Node the caller is trusted. On invalid_query,
 * `*error_json_out` (if not NULL) receives a malloc'd `error` message the
 * caller frees with kt_free. A query with blazepose=true needs
 * kt_tracker_create_with_models. */
kt_status kt_tracker_create(kt_model* model, const char* query,
                            const char* plan, kt_tracker** tracker_out,
                            char** error_json_out);

/* Video smoothing (1, the default: MoveNet's One Euro, MediaPipe's
 * landmark smoothing for BlazePose; 0 turns it off, as MediaPipe's
 * smoothLandmarks: false), before the first frame. BlazePose's region
 * tracking keeps its own smoothing either way, as MediaPipe's does.
 * invalid_state after a frame was processed. */
kt_status kt_tracker_set_smoothing(kt_tracker* tracker, int on);

/* "movenet-lightning", "blazepose-lite", ...: the `model` of the
 * environment and keypoints_batch messages. Static; NULL for NULL. */
const char* kt_tracker_model_name(const kt_tracker* tracker);

void kt_tracker_destroy(kt_tracker* tracker);

/* Live camera mode (1) or media (0, the default), before the first frame:
 * live sessions ask the user to stand inside a 10 % safe zone before
 * exercise tracking starts (reference §4.4); uploads accept them anywhere
 * in the frame. invalid_state after a frame was processed. */
kt_status kt_tracker_set_live(kt_tracker* tracker, int live);

/* A custom movement for a query with userExercise=<id>: its definition
 * (JSON, the format of exercises/definition.schema.json), before the
 * first frame. Compiled here, so a malformed definition is refused with
 * the parser's reason: invalid_query, and `*error_json_out` (if not NULL)
 * receives a malloc'd `error` message (code invalid_exercise) the caller
 * frees with kt_free. invalid_state without userExercise in the query or
 * after the first frame. The text is borrowed for the call. */
kt_status kt_tracker_set_movement(kt_tracker* tracker, const char* definition_json, char** error_json_out);

/* A reference movement for a query with reference=<uuid> (alias
 * reference_movement): its signature (a file made by
 * kt_reference_builder_finish; format in exercises/reference.schema.json),
 * before the first frame. Parsed here: an unreadable, hostile or
 * other-version signature is refused with the parser's reason:
 * invalid_query, and `*error_json_out` (if not NULL) receives a malloc'd
 * `error` message (code invalid_reference) the caller frees with kt_free.
 * invalid_state without reference in the query or after the first frame.
 * The text is borrowed for the call. */
kt_status kt_tracker_set_reference(kt_tracker* tracker, const char* signature_json, char** error_json_out);

/* ------------------------------------------------------------ references */

/* Builds a reference movement's signature from the poses of a video: add
 * every frame's COCO keypoints (source-normalized, as the tracker gives
 * them) in time order, then finish with the repetition's span. The
 * builder computes the features exactly as the live matcher does. */
typedef struct kt_reference_builder kt_reference_builder;

kt_status kt_reference_builder_create(kt_reference_builder** builder_out);
/* invalid_argument for a bad frame or a timestamp not after the last. */
kt_status kt_reference_builder_add(kt_reference_builder* builder, const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                                   int32_t width, int32_t height, double timestamp_ms);
/* The signature of the span [start_ms, end_ms] of what was added, or,
 * with a negative start or end, of the clearest repetition found (the
 * file's source.startMs/endMs say which span; source.span is "found").
 * `id` ([A-Za-z0-9_-], at most 63) names the file; `name` and `model` are
 * recorded. `*json_out` receives a malloc'd JSON text the caller frees
 * with kt_free. Errors with a reason (kt_last_error): invalid_argument
 * (a span outside the video or shorter than 300 ms / longer than 30 s),
 * model_format (nothing moves, or no clear repetition to find),
 * invalid_state (no frames). */
kt_status kt_reference_builder_finish(kt_reference_builder* builder, double start_ms, double end_ms, const char* id,
                                      const char* name, const char* model, char** json_out);
void kt_reference_builder_destroy(kt_reference_builder* builder);

/* Processes one RGBA frame (width*height*4 bytes, rows top to bottom).
 * `*messages_json_out` receives a JSON array of the messages this frame
 * produced; the string is owned by the tracker and valid until the next
 * call on it. */
kt_status kt_tracker_process_rgba(kt_tracker* tracker, const uint8_t* rgba,
                                  int32_t width, int32_t height,
                                  double timestamp_ms,
                                  const char** messages_json_out);

/* Processes one frame held as a GPU texture: `texture` is a GL texture
 * name (an Emscripten GL handle) on the WebGL2 context the webgl backend
 * created for the tracker's models, RGBA8, width x height, row 0 the top.
 * The pipeline's crop, rotation and resize run there as a shader into the
 * model's input, so the frame's pixels never enter wasm memory; results
 * match kt_tracker_process_rgba on the same pixels (up to float rounding
 * on GPUs that fuse multiply-adds). Errors: unsupported when the models
 * run on another backend, backend_error (a lost context, with the reason
 * in kt_last_error), invalid_argument. Messages as kt_tracker_process_rgba. */
kt_status kt_tracker_process_texture(kt_tracker* tracker, uint32_t texture,
                                     int32_t width, int32_t height,
                                     double timestamp_ms,
                                     const char** messages_json_out);

/* How frames reached the tracker so far: bytes of RGBA pixels it read
 * from memory (kt_tracker_process_rgba) and frames it took as textures. */
kt_status kt_tracker_frame_stats(const kt_tracker* tracker, int64_t* rgba_bytes_out,
                                 int64_t* texture_frames_out);

/* Ends the media: returns the end-of-media messages (JSON array), owned by
 * the tracker as above. */
kt_status kt_tracker_finish(kt_tracker* tracker, const char** messages_json_out);

/* The keypoints of the last processed frame (source-normalized), or
 * invalid_state when no frame has been processed yet. */
kt_status kt_tracker_last_keypoints(const kt_tracker* tracker,
                                    kt_keypoint keypoints_out[KT_NUM_KEYPOINTS]);

/* For source=image: builds the `image_overlay` message around a PNG data
 * URL the host encoded from the rendered overlay (PNG encoding lives in
 * the host: Node's zlib, a browser's canvas). The JSON array string is
 * owned by the tracker, valid until the next call of this function. */
kt_status kt_tracker_image_overlay(kt_tracker* tracker, const char* data_url,
                                   int32_t width, int32_t height,
                                   double timestamp_ms,
                                   const char** messages_json_out);

/* What the query asked for, so hosts can decide what to render: 1 or 0. */
int kt_tracker_source_is_image(const kt_tracker* tracker);
int kt_tracker_skeleton_enabled(const kt_tracker* tracker);

/* ---------------------------------------------------------------- render */

/* Draws the default skeleton theme (PoseTracker's DEFAULT_SKELETON: 12
 * body edges, 17 circles) onto an RGBA image in place, antialiased.
 * Keypoints below `min_score` and edges touching them are not drawn.
 * `scale` multiplies line widths and radii (1.0 = the theme's pixels). */
kt_status kt_render_skeleton(uint8_t* rgba, int32_t width, int32_t height,
                             const kt_keypoint keypoints[KT_NUM_KEYPOINTS],
                             float min_score, float scale);

/* Frees memory returned by kinetrack with ownership passed to the caller. */
void kt_free(void* ptr);

#ifdef __cplusplus
}
#endif
#endif /* KINETRACK_H */
