// kinetrack-loader.mjs — loads kinetrack.wasm and wraps its C exports in a
// small JS API. Shared by Node (library, CLI, tests) and browsers (page or
// Web Worker): the caller hands in the wasm bytes (Node reads the file, a
// browser fetches it), so no environment-specific loading lives here.
//
//   const { build, threads } = chooseBuild(2, { sharedMemory });  // 'kinetrack-mt[-fma]' or 'kinetrack[-fma]'
//   const kt = await loadKinetrack({ createModule, wasmBinary, threads });  // createModule from build.mjs
//   const model = kt.loadModel(modelJsonText, weightsBytes);
//   const tracker = kt.createTracker(model, 'source=image&angles=true', 'developer');
//   const messages = tracker.process(rgba, width, height, timestampMs);

import { memoryViews } from './wasm-memory.mjs';

// webgl: only build/wasm-webgl's module has it (mk/webgl.mk); elsewhere a
// load with it fails with model_load_failed, "... not in this build".
const BACKENDS = { xnnpack: 0, reference: 1, webgl: 2 };
const KEYPOINT_FLOATS = 17 * 3; // kt_keypoint {x, y, score} x KT_NUM_KEYPOINTS

export class KinetrackError extends Error {
  constructor(code, message, payload) {
    super(message);
    this.code = code;
    if (payload) this.payload = payload;
  }
}

// A photo analyzed without source= is a photo: the query with source=image
// added unless it names a source (the CLI's and the upload page's rule).
// The error a host reports when a query's userExercise has no movement
// definition on its server (Node: a file in the movements folder; pages:
// /pose_tracker/movements/<id>.json), the same words everywhere.
export function movementNotFound(id) {
  return { code: 'invalid_exercise', message: `Movement '${id}' was not found`, details: { userExercise: id } };
}

// The same for a query's reference (reference_movement): the signature file
// is not on the operator's server (Node: the references folder; pages:
// /pose_tracker/references/<uuid>.json). Fatal, as the reference's iframe.
export function referenceNotFound(id) {
  return { code: 'reference_not_found', message: `Reference movement '${id}' was not found`, details: { reference: id } };
}

export function withImageSource(query) {
  const q = String(query).replace(/^\?/, '');
  return new URLSearchParams(q).has('source') ? q : [q, 'source=image'].filter(Boolean).join('&');
}

// The C's matrix for a colour-space name (VideoFrame.colorSpace.matrix,
// ffprobe's color_space). Untagged and unknown streams are BT.709, as
// Chromium decides for them, so pages and CLI pick the same matrix.
const YUV_MATRICES = { bt470bg: 0, smpte170m: 0, bt601: 0, bt709: 1, bt2020nc: 2, bt2020_ncl: 2, 'bt2020-ncl': 2 };
export function yuvMatrix(name) {
  return YUV_MATRICES[String(name || '').toLowerCase()] ?? 1;
}

/**
 * Checks a 4:2:0 frame and resolves its planes. A frame is
 *   { format: 'I420' | 'NV12', width, height, data: Uint8Array | ArrayBuffer,
 *     layout?: [{ offset, stride }, ...]  (VideoFrame.copyTo's result; packed planes when absent),
 *     matrix?: 'bt709' | 'bt470bg' | ..., fullRange?: boolean }
 * Throws KinetrackError('invalid_frame') when a plane would reach past data.
 */
export function yuvFrameLayout(frame) {
  const bad = (why) => new KinetrackError('invalid_frame', `invalid 4:2:0 frame: ${why}`);
  const { format, width, height } = frame || {};
  if (format !== 'I420' && format !== 'NV12') throw bad(`format ${format} (I420 or NV12)`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw bad(`size ${width}x${height}`);
  const data = frame.data instanceof ArrayBuffer ? new Uint8Array(frame.data) : frame.data;
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) throw bad('data is not bytes');
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const nv12 = format === 'NV12';
  let layout = frame.layout;
  if (!layout) {
    layout = nv12 ? [{ offset: 0, stride: width }, { offset: width * height, stride: cw * 2 }]
      : [{ offset: 0, stride: width }, { offset: width * height, stride: cw }, { offset: width * height + cw * ch, stride: cw }];
  }
  const rows = [height, ch, ch];
  const rowBytes = nv12 ? [width, cw * 2] : [width, cw, cw];
  for (let i = 0; i < rowBytes.length; i++) {
    const p = layout[i];
    if (!p || !Number.isInteger(p.offset) || !Number.isInteger(p.stride) || p.offset < 0 || p.stride < rowBytes[i]) throw bad(`plane ${i} layout`);
    if (p.offset + p.stride * (rows[i] - 1) + rowBytes[i] > data.length) throw bad(`plane ${i} reaches past the data`);
  }
  const planes = nv12 ? [layout[0], layout[1], { offset: layout[1].offset + 1, stride: layout[1].stride }] : layout.slice(0, 3);
  return { width, height, data, planes, uvStep: nv12 ? 2 : 1, matrix: yuvMatrix(frame.matrix), fullRange: !!frame.fullRange };
}

// The size a frame source arrives at on the GPU: a VideoFrame as displayed
// (chromium's upload applies its rotation and flip), an element at its
// intrinsic size.
export function sourceSize(source) {
  const pick = (...pairs) => pairs.find(([w, h]) => Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0);
  const size = source && pick([source.displayWidth, source.displayHeight], [source.videoWidth, source.videoHeight],
    [source.naturalWidth, source.naturalHeight], [source.width, source.height]);
  if (!size) throw new KinetrackError('invalid_frame', 'the frame source has no size (closed, or not loaded yet)');
  return { width: size[0], height: size[1] };
}

// The most threads a host asks for (the C allows 16; past 4 the pose
// models gain little, and each thread is a Web Worker with its own stack).
export const MAX_THREADS = 8;

// Whether this engine runs relaxed SIMD (f32x4.relaxed_madd): a module of
// one function using it, validated. Chromium's engines (Chrome, Edge,
// Android WebView, 114+) do; Safari's (every iOS WebView) did not when this
// was written; Node 20 does with --experimental-wasm-relaxed-simd
// (lib/runtime.mjs sets it).
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, // local.get 0 1 2
  0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd, end
]);
export function relaxedSimdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_MADD_PROBE);
  } catch {
    return false;
  }
}

// Which wasm build to load for `threads` (an integer, 1 when absent):
// the threaded one (kinetrack-mt) needs shared memory, which Node always
// has and browsers only in a cross-origin isolated context. Where the engine
// has relaxed SIMD, the same build with XNNPACK's FMA kernels (-fma;
// src/runtime/xnnpack/xnn_kernels.h): faster convolutions, outputs within
// float rounding of the plain build's. `relaxedSimd` defaults to the
// engine's answer; false forces the plain build. Returns
// { build: 'kinetrack' | 'kinetrack-mt' | 'kinetrack-fma' | 'kinetrack-mt-fma', threads } —
// what will really run.
export function chooseBuild(threads = 1, { sharedMemory = false, relaxedSimd = relaxedSimdSupported() } = {}) {
  const n = Number.isInteger(threads) ? Math.min(Math.max(threads, 1), MAX_THREADS) : 1;
  const base = n > 1 && sharedMemory ? { build: 'kinetrack-mt', threads: n } : { build: 'kinetrack', threads: 1 };
  return relaxedSimd ? { ...base, build: `${base.build}-fma` } : base;
}

// `createModule`/`wasmBinary`: the build chooseBuild named; `threads`: its
// thread count (the threaded build starts threads - 1 workers before it
// resolves, as the pool needs them ready).
export async function loadKinetrack({ createModule, wasmBinary, threads = 1 }) {
  const workers = threads > 1 ? threads - 1 : 0;
  const M = await createModule({ wasmBinary, print: () => {}, printErr: () => {}, ktWorkers: workers });
  const mem = memoryViews(M);
  const str = (ptr) => (ptr ? M.UTF8ToString(ptr) : null);
  const lastError = () => str(M._kt_wasm_last_error()) || 'unknown error';
  if (M._kt_wasm_set_threads(threads, workers) !== 0)
    throw new KinetrackError('engine_load_failed', `cannot run ${threads} threads: ${lastError()}`);
  // Node: an idle pool thread must not keep the process alive (its worker
  // waits on shared memory, not on the event loop, so unref is safe once
  // the pool has started). Browsers' workers have no unref.
  for (const w of [...(M.PThread?.unusedWorkers || []), ...(M.PThread?.runningWorkers || [])])
    if (typeof w.unref === 'function') w.unref();

  // Scratch buffers in wasm memory (slot 0: the frame as handed in, slot 1:
  // its RGBA conversion, slot 2: keypoints read back), grown when a bigger frame arrives and reused
  // otherwise, so steady-state frames allocate nothing.
  const scratch = [0, 0, 0];
  const scratchSize = [0, 0, 0];
  function reserve(bytes, slot = 0) {
    if (bytes > scratchSize[slot]) {
      if (scratch[slot]) M._kt_wasm_free(scratch[slot]);
      scratch[slot] = M._kt_wasm_alloc(bytes);
      scratchSize[slot] = scratch[slot] ? bytes : 0;
      if (!scratch[slot]) throw new KinetrackError('out_of_memory', `cannot reserve ${bytes} bytes`);
    }
    return scratch[slot];
  }

  // Converts a 4:2:0 frame (see yuvFrameLayout) in the C, into scratch
  // slot 1; returns the RGBA pointer and size.
  function convertYuv420(frame) {
    const { width, height, data, planes, uvStep, matrix, fullRange } = yuvFrameLayout(frame);
    const src = reserve(data.length, 0);
    mem.write(src, data);
    const rgba = reserve(width * height * 4, 1);
    const [y, u, v] = planes;
    const s = M._kt_wasm_yuv420_to_rgba(src + y.offset, src + u.offset, src + v.offset, y.stride, u.stride, v.stride,
      uvStep, width, height, matrix, fullRange ? 1 : 0, rgba);
    if (s !== 0) throw new KinetrackError('invalid_frame', `YUV conversion failed: ${lastError()}`);
    return { ptr: rgba, width, height, bytes: width * height * 4 };
  }

  // RGBA bytes of a 4:2:0 frame, as the trackers see it.
  function yuv420ToRgba(frame) {
    const { ptr, bytes } = convertYuv420(frame);
    return mem.bytes(ptr, bytes);
  }

  function withString(s, fn) {
    const n = M.lengthBytesUTF8(s) + 1;
    const p = M._kt_wasm_alloc(n);
    try {
      M.stringToUTF8(s, p, n);
      return fn(p);
    } finally {
      M._kt_wasm_free(p);
    }
  }
  function copyIn(bytes) {
    const p = M._kt_wasm_alloc(bytes.length);
    if (!p) throw new KinetrackError('out_of_memory', `cannot copy ${bytes.length} bytes`);
    mem.write(p, bytes);
    return p;
  }

  function loadModel(modelJson, weights, { backend = 'xnnpack' } = {}) {
    const jsonBytes = new TextEncoder().encode(modelJson);
    const j = copyIn(jsonBytes);
    const w = copyIn(weights);
    try {
      const handle = M._kt_wasm_model_load(j, jsonBytes.length, w, weights.length, BACKENDS[backend] ?? -1);
      if (!handle) throw new KinetrackError('model_load_failed', `model load failed: ${lastError()}`);
      return {
        handle,
        backend,
        // Runs the raw model: int32 input (1x192x192x3) -> Float32Array(51).
        runI32(input) {
          const inP = M._kt_wasm_alloc(input.length * 4);
          const outP = M._kt_wasm_alloc(51 * 4);
          try {
            mem.writeInts(inP, input);
            const s = M._kt_wasm_model_run_i32(handle, inP, input.length, outP, 51);
            if (s !== 0) throw new KinetrackError('inference_failed', `run failed (${s})`);
            return mem.floats(outP, 51);
          } finally {
            M._kt_wasm_free(inP);
            M._kt_wasm_free(outP);
          }
        },
        dispose() {
          M._kt_wasm_model_destroy(handle);
        },
      };
    } finally {
      M._kt_wasm_free(j);
      M._kt_wasm_free(w);
    }
  }

  // A TFLite flatbuffer (Uint8Array). The model's outputs are described by
  // name and dims; run(Float32Array) returns a fresh Float32Array per output.
  // `outputs`: the output names to keep (the rest is never computed); all when absent.
  function loadTfliteModel(bytes, { backend = 'xnnpack', outputs: keep = null } = {}) {
    const p = copyIn(bytes);
    let handle = 0;
    try {
      const call = (k) => M._kt_wasm_model_load_tflite(p, bytes.length, BACKENDS[backend] ?? -1, k);
      handle = keep ? withString(keep.join(','), call) : call(0);
    } finally {
      M._kt_wasm_free(p);
    }
    if (!handle) throw new KinetrackError('model_load_failed', `model load failed: ${lastError()}`);
    const dimsP = M._kt_wasm_alloc(16);
    const outputs = [];
    for (let i = 0; i < M._kt_wasm_model_num_outputs(handle); i++) {
      const name = str(M._kt_wasm_model_output_info(handle, i, dimsP));
      outputs.push({ name, dims: Array.from(mem.ints(dimsP, 4)) });
    }
    M._kt_wasm_free(dimsP);
    return {
      handle,
      backend,
      outputs,
      run(input) {
        const inP = M._kt_wasm_alloc(input.length * 4);
        const countP = M._kt_wasm_alloc(4);
        try {
          mem.writeFloats(inP, input);
          const s = M._kt_wasm_model_run_f32(handle, inP, input.length);
          if (s !== 0) throw new KinetrackError('inference_failed', `run failed (${s}): ${lastError()}`);
          return outputs.map((_, i) => {
            const d = M._kt_wasm_model_output(handle, i, countP);
            const n = mem.u32At(countP);
            return mem.floats(d, n);
          });
        } finally {
          M._kt_wasm_free(inP);
          M._kt_wasm_free(countP);
        }
      },
      dispose() {
        M._kt_wasm_model_destroy(handle);
      },
    };
  }

  // The `error` message the C built for a refused query or movement.
  const refusal = (fallbackCode) => {
    const payloadJson = str(M._kt_wasm_tracker_error_json());
    if (payloadJson) {
      const payload = JSON.parse(payloadJson);
      return new KinetrackError(payload.code, payload.message, payload);
    }
    return new KinetrackError(fallbackCode, lastError());
  };

  // `models`: a MoveNet model (loadModel), or { movenet, blazeposeDetector,
  // blazeposeLandmarks } (the query picks which runs). live: a camera
  // session (placement asks for the 10 % safe zone). smoothing: false turns
  // video smoothing off (MediaPipe's smoothLandmarks: false). movement: a
  // userExercise's definition (JSON text or object), which the host found
  // for the query's id (see movementFor in lib/, web/).
  function createTracker(models, query = '', plan = 'developer', { live = false, smoothing = true, movement = null, reference = null } = {}) {
    const m = models && models.handle ? { movenet: models } : (models || {});
    const h = (x) => (x ? x.handle : 0);
    const handle = withString(query, (q) => withString(plan, (p) =>
      M._kt_wasm_tracker_create_with_models(h(m.movenet), h(m.blazeposeDetector), h(m.blazeposeLandmarks), q, p)));
    if (!handle) throw refusal('invalid_argument');
    if ((live && M._kt_wasm_tracker_set_live(handle, 1) !== 0) || (!smoothing && M._kt_wasm_tracker_set_smoothing(handle, 0) !== 0)) {
      const message = lastError();
      M._kt_wasm_tracker_destroy(handle);
      throw new KinetrackError('invalid_argument', message);
    }
    if (movement != null) {
      const text = typeof movement === 'string' ? movement : JSON.stringify(movement);
      if (withString(text, (m) => M._kt_wasm_tracker_set_movement(handle, m)) !== 0) {
        const e = refusal('invalid_exercise');
        M._kt_wasm_tracker_destroy(handle);
        throw e;
      }
    }
    if (reference != null) {
      const text = typeof reference === 'string' ? reference : JSON.stringify(reference);
      if (withString(text, (r) => M._kt_wasm_tracker_set_reference(handle, r)) !== 0) {
        const e = refusal('invalid_reference');
        M._kt_wasm_tracker_destroy(handle);
        throw e;
      }
    }
    const parse = (ptr, what) => {
      if (!ptr) throw new KinetrackError('processing_failed', `${what}: ${lastError()}`);
      return JSON.parse(M.UTF8ToString(ptr));
    };
    let frameTexture = 0; // processTexture's, made on first use on the models' WebGL2 context
    // A frame on the GPU: `upload` fills frameTexture (0 or a kt_status),
    // then the tracker runs from it.
    const onGpu = (width, height, timestampMs, upload) => {
      if (typeof M._kt_wasm_gl_frame_upload !== 'function')
        throw new KinetrackError('unsupported', 'processTexture needs the WebGL2 module (kinetrack-webgl)');
      const fail = (code, what) => {
        const lost = M._kt_wasm_gl_context_lost() === 1;
        return new KinetrackError(lost ? 'webgl_context_lost' : code, `${what}: ${lastError()}`);
      };
      if (!frameTexture) frameTexture = M._kt_wasm_gl_frame_texture();
      if (!frameTexture) throw fail('processing_failed', 'no frame texture');
      if (upload() !== 0) throw fail('invalid_frame', 'frame upload');
      const out = M._kt_wasm_tracker_process_texture(handle, frameTexture, width, height, timestampMs);
      if (!out) throw fail('processing_failed', 'frame');
      return JSON.parse(M.UTF8ToString(out));
    };
    return {
      isImage: M._kt_wasm_tracker_source_is_image(handle) === 1,
      model: str(M._kt_wasm_tracker_model_name(handle)),
      skeleton: M._kt_wasm_tracker_skeleton_enabled(handle) === 1,
      process(rgba, width, height, timestampMs) {
        if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
          throw new KinetrackError('invalid_frame', `invalid frame size ${width}x${height}`);
        if (!rgba || rgba.length !== width * height * 4)
          throw new KinetrackError('invalid_frame', `expected ${width * height * 4} RGBA bytes, got ${rgba?.length}`);
        const p = reserve(rgba.length);
        mem.write(p, rgba);
        return parse(M._kt_wasm_tracker_process(handle, p, width, height, timestampMs), 'frame');
      },
      // A 4:2:0 video frame (yuvFrameLayout), converted to RGBA in the C.
      processYuv420(frame, timestampMs) {
        const { ptr, width, height } = convertYuv420(frame);
        return parse(M._kt_wasm_tracker_process(handle, ptr, width, height, timestampMs), 'frame');
      },
      // A frame that stays on the GPU (kinetrack-webgl with the models on
      // the webgl backend): `source` (VideoFrame, ImageBitmap, ImageData,
      // HTMLVideoElement, HTMLCanvasElement, OffscreenCanvas) is uploaded by
      // the browser into a texture on the models' context, reused frame to
      // frame, and the preprocessing samples it there: its pixels never
      // enter wasm memory. A lost context is a KinetrackError with code
      // 'webgl_context_lost' (the host falls back to wasm).
      processTexture(source, timestampMs) {
        const { width, height } = sourceSize(source);
        return onGpu(width, height, timestampMs, () => {
          M.ktFrameSource = source;
          try {
            return M._kt_wasm_gl_frame_upload(frameTexture);
          } catch (e) {
            throw new KinetrackError('invalid_frame', `the browser cannot upload this frame: ${e?.message || e}`);
          } finally {
            M.ktFrameSource = null;
          }
        });
      },
      // A 4:2:0 frame (yuvFrameLayout's; a VideoFrame's planes copied into
      // a JS buffer) on the GPU: the planes go from that buffer into
      // textures and the preprocessing converts each pixel it reads with
      // the C's integer arithmetic (kt_yuv420_to_rgba's), so the model sees
      // what processYuv420 gives it, while neither the planes nor the RGBA
      // enter wasm memory. Errors as processTexture's.
      processYuv420Texture(frame, timestampMs) {
        const { width, height, data, planes, uvStep, matrix, fullRange } = yuvFrameLayout(frame);
        return onGpu(width, height, timestampMs, () => {
          M.ktFramePlanes = { data, planes };
          try {
            return M._kt_wasm_gl_frame_upload_yuv(frameTexture, width, height, uvStep, matrix, fullRange ? 1 : 0);
          } finally {
            M.ktFramePlanes = null;
          }
        });
      },
      // How frames reached the C: RGBA bytes it read from wasm memory, and
      // frames it took as textures (processTexture, processYuv420Texture).
      frameStats() {
        const p = reserve(16, 2);
        if (M._kt_wasm_tracker_frame_stats(handle, p) !== 0) throw new KinetrackError('invalid_argument', lastError());
        const [rgbaBytes, textureFrames] = new Float64Array(mem.bytes(p, 16).buffer);
        return { rgbaBytes, textureFrames };
      },
      // Draws the last frame's skeleton on a copy of `rgba`; returns the copy.
      renderOverlay(rgba, width, height, { minScore = 0.3, scale = 0 } = {}) {
        const p = reserve(rgba.length);
        mem.write(p, rgba);
        const s = scale || Math.max(0.5, Math.max(width, height) / 640);
        const status = M._kt_wasm_tracker_render_last(handle, p, width, height, minScore, s);
        if (status !== 0) throw new KinetrackError('render_failed', `render failed (${status}): ${lastError()}`);
        return mem.bytes(p, rgba.length);
      },
      // The last frame's 17 keypoints [{x, y, score}] (source-normalized),
      // null before the first frame.
      lastKeypoints() {
        const p = reserve(KEYPOINT_FLOATS * 4, 2);
        if (M._kt_wasm_tracker_last_keypoints(handle, p) !== 0) return null;
        const f = mem.floats(p, KEYPOINT_FLOATS);
        const out = [];
        for (let i = 0; i < KEYPOINT_FLOATS; i += 3) out.push({ x: f[i], y: f[i + 1], score: f[i + 2] });
        return out;
      },
      imageOverlayMessage(dataUrl, width, height, timestampMs) {
        return withString(dataUrl, (d) => parse(M._kt_wasm_tracker_image_overlay(handle, d, width, height, timestampMs), 'overlay'));
      },
      finish() {
        return parse(M._kt_wasm_tracker_finish(handle), 'finish');
      },
      dispose() {
        if (frameTexture) M._kt_wasm_gl_frame_texture_destroy(frameTexture);
        frameTexture = 0;
        M._kt_wasm_tracker_destroy(handle);
      },
    };
  }

  // Messages about the host's side (media loading, runtime, failures),
  // built by the same C as every other message.
  const messages = {
    initialization(message, ready, step, timestampMs = 0) {
      return withString(message, (m) => withString(step, (s) =>
        JSON.parse(str(M._kt_wasm_message_initialization(m, ready ? 1 : 0, s, timestampMs)))));
    },
    // The reference builder page's message: the signature handed to the host.
    referenceSignature(signatureText, timestampMs = 0) {
      return withString(signatureText, (p) => {
        const r = str(M._kt_wasm_message_reference_signature(p, timestampMs));
        if (!r) throw new KinetrackError('invalid_reference', 'not a signature');
        return JSON.parse(r);
      });
    },
    // threads: what this instance runs (the C's pool), unless told otherwise.
    environment({ poseBackend = 'wasm', webgl = false, simd = true, threads = M._kt_wasm_threads(), model = 'movenet-lightning' } = {}, timestampMs = 0) {
      return withString(poseBackend, (b) => withString(model, (md) =>
        JSON.parse(str(M._kt_wasm_message_environment(b, webgl ? 1 : 0, simd ? 1 : 0, threads, md, timestampMs)))));
    },
    error(code, message, { details = null, fatal = true, timestampMs = 0 } = {}) {
      const d = details ? JSON.stringify(details) : null;
      const call = (dp) => withString(code, (c) => withString(message, (m) =>
        JSON.parse(str(M._kt_wasm_message_error(c, m, dp, fatal ? 1 : 0, timestampMs)))));
      return d === null ? call(0) : withString(d, call);
    },
    exportReady({ url, mimeType, durationMs, width, height, frames }, timestampMs = 0) {
      const p = withString(url, (u) => withString(mimeType, (m) =>
        str(M._kt_wasm_message_export_ready(u, m, durationMs, width, height, frames, timestampMs))));
      if (!p) throw new KinetrackError('invalid_argument', `export_ready: ${lastError() || 'invalid fields'}`);
      return JSON.parse(p);
    },
  };

  // The query exactly as the C parser reads it: sanitized params, or a
  // KinetrackError whose payload is the fatal `error` message.
  function parseQuery(query = '', plan = 'developer') {
    const out = withString(query.replace(/^\?/, ''), (q) => withString(plan, (p) => str(M._kt_wasm_query_parse(q, p))));
    if (!out) throw new KinetrackError('invalid_argument', `unknown plan '${plan}'`);
    const parsed = JSON.parse(out);
    if (parsed.ok) return parsed.params;
    throw new KinetrackError(parsed.code, parsed.message, parsed);
  }

  // The int32 192x192x3 input kinetrack's C prepares for a photo.
  function photoInput(rgba, width, height) {
    const p = reserve(rgba.length);
    mem.write(p, rgba);
    const out = M._kt_wasm_alloc(192 * 192 * 3 * 4);
    try {
      const s = M._kt_wasm_movenet_photo_input(p, width, height, out);
      if (s !== 0) throw new KinetrackError('invalid_frame', `preprocessing failed (${s})`);
      return mem.ints(out, 192 * 192 * 3);
    } finally {
      M._kt_wasm_free(out);
    }
  }

  // A custom movement's definition compiled at every difficulty: null when
  // it compiles, else the parser's reason naming the field at fault.
  function checkDefinition(json) {
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    return withString(text, (p) => str(M._kt_wasm_definition_check(p)));
  }

  // A reference movement's signature from a video's poses: add each
  // `keypoints` message's 17 keypoints (the tracker's output) in time
  // order, then finish with the span (negative: find the clearest rep).
  // The C computes the features exactly as the live matcher does.
  function createReferenceBuilder() {
    const handle = M._kt_wasm_refbuild_create();
    if (!handle) throw new KinetrackError('out_of_memory', 'cannot create a reference builder');
    const buf = M._kt_wasm_alloc(17 * 3 * 4);
    let frames = 0;
    return {
      get frames() { return frames; },
      add(keypoints, width, height, timestampMs) {
        if (!Array.isArray(keypoints) || keypoints.length < 17) throw new KinetrackError('invalid_frame', 'expected 17 keypoints');
        const f = new Float32Array(51);
        for (let i = 0; i < 17; i++) {
          const k = keypoints[i];
          f[3 * i] = k.x; f[3 * i + 1] = k.y; f[3 * i + 2] = k.score;
        }
        mem.writeFloats(buf, f);
        if (M._kt_wasm_refbuild_add(handle, buf, width, height, timestampMs) !== 0)
          throw new KinetrackError('invalid_frame', lastError());
        frames++;
      },
      finish({ startMs = -1, endMs = -1, id, name = '', model = '' } = {}) {
        const p = withString(id, (i) => withString(name, (n) => withString(model, (m) =>
          M._kt_wasm_refbuild_finish(handle, startMs, endMs, i, n, m))));
        if (!p) throw new KinetrackError('invalid_reference', lastError());
        return M.UTF8ToString(p);
      },
      dispose() {
        M._kt_wasm_free(buf);
        M._kt_wasm_refbuild_destroy(handle);
      },
    };
  }

  return {
    module: M,
    // Threads XNNPACK runs on in this instance (1: the single-threaded build or no pool).
    threads: M._kt_wasm_threads(),
    // XNNPACK's kernels in this build: 'wasmsimd' or 'wasmsimd+fma' (chooseBuild).
    kernels: str(M._kt_wasm_kernels()),
    checkDefinition,
    createReferenceBuilder,
    loadModel,
    loadTfliteModel,
    photoInput,
    yuv420ToRgba,
    createTracker,
    parseQuery,
    messages,
    heapInUse: () => M._kt_wasm_heap_in_use(),
    memoryBytes: () => mem.size(),
  };
}
