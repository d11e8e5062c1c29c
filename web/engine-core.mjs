// engine-core.mjs — the wasm runtime behind the pages, in one object with a
// call(method, args) surface. It runs in a Web Worker (engine-worker.mjs,
// runInWorker=true) or on the main thread (runInWorker=false); engine.mjs
// gives both the same asynchronous interface, so the pages post the same
// messages either way. Every message is built by the C (the loader's
// tracker and messages); this file only moves bytes.
import { KinetrackError, chooseBuild, loadKinetrack, movementNotFound, referenceNotFound } from '../runtime/kinetrack-loader.mjs';
import { MODELS, loadModelFrom, modelsForQuery } from '../runtime/model-manifest.mjs';
import { copyPlanes, planesShowFrame } from './frames.mjs';

const RUNTIME = new URL('../runtime/', import.meta.url);
const MODEL_DIR = new URL('../models/', import.meta.url);
const MOVEMENTS = new URL('../movements/', import.meta.url); // kinetrack serve --movements DIR
const REFERENCES = new URL('../references/', import.meta.url); // kinetrack serve --references DIR
const YUV_MAX_SIDE = 1920; // see framePixels

async function fetchOk(url, what) {
  const r = await fetch(url);
  if (!r.ok) throw Object.assign(new Error(`cannot load ${what}: HTTP ${r.status}`), { code: what === 'the pose model' ? 'model_load_failed' : 'engine_load_failed' });
  return r;
}

function errorInfo(e) {
  return { code: e?.code || 'internal', message: String(e?.message || e), payload: e?.payload || null };
}

// Threads for the engine: the threaded build needs shared memory (a
// cross-origin isolated page). By default (threads=auto) the engine's Web
// Worker runs navigator.hardwareConcurrency - 1 threads, at most 4: one core
// is left to the page's thread, the camera and the compositor, because a
// pool thread that loses its core stalls every operator of the model.
// Measured on 2 cores (README "Threads"): 2 threads 1.7x faster per
// inference than 1 when the machine is quiet, 2-4x slower when other work
// competes; so 2 cores run 1 thread unless the query asks (threads=N). On
// the page's own thread (runInWorker=false) waiting for the pool is a busy
// loop (probed: 0.8-1.3x), so auto keeps the single build there.
export function autoThreads({ inWorker, cores }) {
  return inWorker ? Math.min(4, Math.max(1, (cores || 1) - 1)) : 1;
}

function engineThreads(requested) {
  if (requested) return requested;
  const inWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;
  return autoThreads({ inWorker, cores: navigator.hardwareConcurrency });
}

export async function createCore({ threads: requested = null } = {}) {
  const { build, threads } = chooseBuild(engineThreads(requested), { sharedMemory: self.crossOriginIsolated === true });
  const [{ default: createModule }, wasm] = await Promise.all([
    import(new URL(`${build}.mjs`, RUNTIME).href),
    fetchOk(new URL(`${build}.wasm`, RUNTIME), 'the wasm runtime').then((r) => r.arrayBuffer()),
  ]);
  const kt = await loadKinetrack({ createModule, wasmBinary: new Uint8Array(wasm), threads });
  const models = new Map(); // name -> loaded model (kept for the page's life)
  let tracker = null;
  let trackerArgs = null; // createTracker's, for a move to wasm mid-session (webglLost)
  let modelName = 'movenet-lightning';

  // The models the query runs (MoveNet, or BlazePose's detector and
  // landmark model), each fetched and loaded once per runtime and backend.
  async function loadModels(params, runtime, backend) {
    const out = {};
    for (const [role, name] of Object.entries(modelsForQuery(params))) {
      const key = `${backend}/${name}`;
      if (!models.has(key)) {
        const bytes = await Promise.all(MODELS[name].files.map((f) =>
          fetchOk(new URL(f, MODEL_DIR), 'the pose model').then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b))));
        models.set(key, loadModelFrom(runtime, name, bytes, { backend }));
      }
      out[role] = models.get(key);
    }
    return out;
  }

  // poseBackend=webgl, asked explicitly: the same C built with the WebGL2
  // backend (build/wasm-webgl, fetched the first time it is asked for) runs
  // the tracker, its models' dense layers as WebGL2 shaders. Where that
  // module, a WebGL2 context or float render targets are missing, the
  // tracker runs on wasm and `backend` says why (the page's non-fatal
  // backend_fallback_wasm).
  let webglRuntime = null;
  function loadWebglRuntime() {
    if (!webglRuntime) {
      webglRuntime = Promise.all([
        import(new URL('kinetrack-webgl.mjs', RUNTIME).href),
        fetchOk(new URL('kinetrack-webgl.wasm', RUNTIME), 'the wasm runtime').then((r) => r.arrayBuffer()),
      ]).then(([{ default: createWebglModule }, bytes]) => loadKinetrack({ createModule: createWebglModule, wasmBinary: new Uint8Array(bytes) }));
      webglRuntime.catch(() => { webglRuntime = null; });
    }
    return webglRuntime;
  }
  let backend = { requested: 'wasm', using: 'wasm', reason: null };

  async function trackerModels(query, plan) {
    const params = kt.parseQuery(query, plan);
    const requested = new URLSearchParams(query).get('poseBackend') === 'webgl' && params.poseBackend === 'webgl' ? 'webgl' : 'wasm';
    if (requested === 'webgl') {
      try {
        const runtime = await loadWebglRuntime();
        const chosen = await loadModels(params, runtime, 'webgl');
        backend = { requested, using: 'webgl', reason: null };
        return { runtime, chosen };
      } catch (e) {
        backend = { requested, using: 'wasm', reason: String(e?.message || e) };
      }
    } else {
      backend = { requested, using: 'wasm', reason: null };
    }
    return { runtime: kt, chosen: await loadModels(params, kt, 'xnnpack') };
  }

  // What actually runs: the wasm build (SIMD is required to instantiate it),
  // its threads (the WebGL2 module: one), WebGL2 for the model when it runs
  // there, and the tracker's model.
  const environment = () => ({ poseBackend: backend.using, webgl: backend.using === 'webgl', simd: true,
    threads: backend.using === 'webgl' ? 1 : kt.threads, model: modelName });

  const methods = {
    parseQuery: ({ query, plan }) => kt.parseQuery(query, plan),
    initialization: ({ message, ready, step, timestampMs }) => kt.messages.initialization(message, ready, step, timestampMs),
    environment: ({ timestampMs }) => kt.messages.environment(environment(), timestampMs),
    backend: () => backend,
    error: ({ code, message, details, fatal, timestampMs }) => kt.messages.error(code, message, { details, fatal, timestampMs }),
    exportReady: ({ fields, timestampMs }) => kt.messages.exportReady(fields, timestampMs),
    // live: the camera page (placement asks for the 10 % safe zone).
    // userExercise=<id>: the movement's definition comes from the server.
    async createTracker({ query, plan, live = false }) {
      const { runtime, chosen } = await trackerModels(query, plan);
      if (tracker) tracker.dispose();
      tracker = null;
      let parsed = {};
      try {
        parsed = kt.parseQuery(query, plan);
      } catch { /* the tracker refuses the query itself, with its message */ }
      // userExercise=<id> and reference=<uuid>: the definition or the
      // signature comes from the server.
      const fetchText = async (id, base, notFound) => {
        if (!id) return null;
        const r = await fetch(new URL(`${id}.json`, base));
        if (!r.ok) {
          const e = notFound(id);
          throw new KinetrackError(e.code, e.message, kt.messages.error(e.code, e.message, { details: e.details }));
        }
        return r.text();
      };
      const movement = await fetchText(parsed.userExercise, MOVEMENTS, movementNotFound);
      const reference = await fetchText(parsed.reference, REFERENCES, referenceNotFound);
      tracker = runtime.createTracker(chosen, query, plan, { live, movement, reference });
      trackerArgs = { query, plan, live, movement, reference };
      modelName = tracker.model;
      return { isImage: tracker.isImage, skeleton: tracker.skeleton };
    },
    // A frame: messages, plus (when overlay is asked) the skeleton drawn by
    // the C on a transparent RGBA canvas of overlay.width x overlay.height.
    // The frame is { rgba, width, height } or { yuv420 } (frames.mjs).
    // exportFrame: also the frame itself at its own size with the skeleton
    // drawn (export=true's video frame), as the CLI's --overlay draws it.
    // withKeypoints: also the keypoints the camera page draws from.
    process({ rgba, width, height, yuv420, timestampMs, overlay, exportFrame = false, withKeypoints = false }) {
      const messages = yuv420 ? tracker.processYuv420(yuv420, timestampMs)
        : tracker.process(new Uint8Array(rgba), width, height, timestampMs);
      const result = { messages };
      if (overlay) result.overlay = drawOverlay(overlay.width, overlay.height);
      if (withKeypoints) result.keypoints = tracker.lastKeypoints();
      if (exportFrame) result.exportFrame = drawOnFrame(yuv420 ? kt.yuv420ToRgba(yuv420) : new Uint8Array(rgba), yuv420 ? yuv420.width : width, yuv420 ? yuv420.height : height);
      return result;
    },
    // The camera page's lean path: a VideoFrame (transferred to the worker,
    // not copied on the page's thread), read here as its 4:2:0 planes or,
    // above 1080p, scaled to the size the model needs (framePixels), then
    // the tracker. Returns the messages, the keypoints the page draws the
    // skeleton from, and where the time went.
    // On the webgl runtime the frame goes to the GPU as it is (processTexture:
    // uploaded by the browser, cropped, rotated and resized there by a
    // shader), never through wasm memory; the upload counts as inference.
    // A context lost mid-session moves the session to wasm (webglLost).
    async processFrame({ frame, timestampMs }) {
      const t0 = performance.now();
      let lost = [];
      if (backend.using === 'webgl') {
        try {
          const messages = tracker.processTexture(frame, timestampMs);
          frame.close();
          const keypoints = tracker.lastKeypoints();
          return { messages, keypoints, conversionMs: 0, inferenceMs: performance.now() - t0 };
        } catch (e) {
          if (e?.code !== 'webgl_context_lost') {
            frame.close();
            throw e;
          }
          lost = await webglLost(e, timestampMs);
        }
      }
      let pixels;
      try {
        pixels = await framePixels(frame, modelSide(modelName) * 2);
      } finally {
        frame.close();
      }
      const t1 = performance.now();
      const messages = pixels.yuv420 ? tracker.processYuv420(pixels.yuv420, timestampMs)
        : tracker.process(pixels.rgba, pixels.w, pixels.h, timestampMs);
      const keypoints = tracker.lastKeypoints();
      return { messages: [...lost, ...messages], keypoints, conversionMs: t1 - t0, inferenceMs: performance.now() - t1 };
    },
    // The upload page on the webgl runtime: a video's frame (VideoFrame) or
    // the photo (ImageBitmap), transferred here and closed here, goes to the
    // GPU and the pose model's input is sampled there, never through wasm
    // memory. A video frame whose 4:2:0 planes are the picture (the upload
    // page's bytes path's rule, frames.mjs) is copied into a JS buffer as
    // that path copies it and uploaded as textures; the shader converts it
    // with the C's integer arithmetic (processYuv420Texture), so the model
    // sees the bytes poseBackend=wasm and the CLI give it (the browser's
    // own upload converts differently, by a few levels a pixel). Anything
    // else (the photo, RGBA frames) is uploaded by the browser
    // (processTexture). What still reads pixels
    // into wasm memory, and why: exportFrame (export=true: the encoder
    // takes the frame itself with the skeleton drawn by the C, as `process`
    // gives it). `overlay` is drawn on a blank canvas (no frame pixels).
    // A context lost mid-session moves the session to wasm as on the camera
    // page (webglLost); this frame then goes as bytes, as the upload page
    // sends them on wasm, and `backend` in the result tells the page to
    // send the rest as bytes too.
    async processTexture({ frame, timestampMs, overlay, exportFrame = false }) {
      try {
        const planes = await uploadPlanes(frame);
        let messages = null;
        let lost = [];
        if (backend.using === 'webgl') {
          try {
            messages = planes ? tracker.processYuv420Texture(planes, timestampMs) : tracker.processTexture(frame, timestampMs);
          } catch (e) {
            if (e?.code !== 'webgl_context_lost') throw e;
            lost = await webglLost(e, timestampMs);
          }
        }
        let rgba = null;
        if (!messages && planes) messages = tracker.processYuv420(planes, timestampMs);
        if (!messages) {
          rgba = drawnPixels(frame);
          messages = tracker.process(rgba.data, rgba.width, rgba.height, timestampMs);
        }
        const result = { messages: [...lost, ...messages], backend: backend.using };
        if (overlay) result.overlay = drawOverlay(overlay.width, overlay.height);
        if (exportFrame && planes) result.exportFrame = drawOnFrame(kt.yuv420ToRgba(planes), planes.width, planes.height);
        else if (exportFrame) {
          rgba = rgba || drawnPixels(frame);
          result.exportFrame = drawOnFrame(rgba.data, rgba.width, rgba.height);
        }
        return result;
      } finally {
        frame.close();
      }
    },
    // The photo with the skeleton drawn (image_overlay's pixels).
    renderOnto({ rgba, width, height }) {
      const out = tracker.renderOverlay(new Uint8Array(rgba), width, height);
      return out.buffer;
    },
    imageOverlay: ({ dataUrl, width, height, timestampMs }) => tracker.imageOverlayMessage(dataUrl, width, height, timestampMs),
    // The reference builder page: a signature from the `keypoints` messages
    // of a span, by the same C as `kinetrack reference create`, and its
    // reference_signature message.
    buildReference({ keypoints, width, height, startMs, endMs, id, name, model, timestampMs = 0 }) {
      const b = kt.createReferenceBuilder();
      try {
        for (const m of keypoints) b.add(m.keypoints, width, height, m.timestampMs);
        const text = b.finish({ startMs, endMs, id, name, model });
        return { text, message: kt.messages.referenceSignature(text, timestampMs) };
      } finally {
        b.dispose();
      }
    },
    // The runtime's memory (long sessions must not grow): the wasm memory,
    // the C heap in use, and this thread's JS heap where the browser says.
    memory: () => ({
      wasmBytes: kt.memoryBytes(),
      heapInUse: kt.heapInUse(),
      jsHeapBytes: globalThis.performance && performance.memory ? performance.memory.usedJSHeapSize : null,
      // How frames reached the C: RGBA bytes read from wasm memory, frames taken as textures.
      frames: tracker ? tracker.frameStats() : null,
    }),
    finish: () => (tracker ? tracker.finish() : []),
    dispose() {
      if (tracker) tracker.dispose();
      tracker = null;
      return true;
    },
  };

  // The WebGL2 context was lost mid-session (the GPU reset, the browser
  // reclaimed it): the session goes on on wasm with the same query — a new
  // tracker, so counting restarts from this frame — and the page gets the
  // non-fatal backend_fallback_wasm with the reason, then the environment
  // that now runs, ahead of this frame's messages. The dead WebGL models
  // are dropped (their context with them), never used again.
  async function webglLost(e, timestampMs) {
    const reason = String(e?.message || e);
    backend = { requested: 'webgl', using: 'wasm', reason };
    try {
      tracker.dispose();
    } catch { /* its context is gone */ }
    tracker = null;
    for (const [key, m] of models) {
      if (!key.startsWith('webgl/')) continue;
      try { m.dispose(); } catch { /* likewise */ }
      models.delete(key);
    }
    const { query, plan, live, movement, reference } = trackerArgs;
    const chosen = await loadModels(kt.parseQuery(query, plan), kt, 'xnnpack');
    tracker = kt.createTracker(chosen, query, plan, { live, movement, reference });
    modelName = tracker.model;
    return [
      kt.messages.error('backend_fallback_wasm', 'WebGL pose backend was lost: running on WebAssembly',
        { details: { requested: 'webgl', using: 'wasm', reason }, fatal: false, timestampMs }),
      kt.messages.environment(environment(), timestampMs),
    ];
  }

  // The skeleton on a transparent canvas. The blank source is only read, so
  // one per overlay size serves every frame; the result is a fresh buffer
  // (it is transferred to the page).
  let blank = new Uint8Array(0);
  function drawOverlay(width, height) {
    if (blank.length !== width * height * 4) blank = new Uint8Array(width * height * 4);
    try {
      return tracker.renderOverlay(blank, width, height).buffer;
    } catch {
      return new ArrayBuffer(width * height * 4); // no pose yet: nothing to draw
    }
  }

  // A model's crop can be as small as half the frame, so twice its input
  // side keeps that crop at the model's own resolution; more is only
  // conversion work.
  const modelSide = (name) => (name.startsWith('blazepose') ? 256 : 192);
  // A camera frame up to 1080p goes as its 4:2:0 planes, copied here (off
  // the page's thread) and converted by the C (2.1 ms at 720p): measured in
  // chromium on 2 vCPUs, the browser's scale-while-converting to RGBA
  // (drawImage + getImageData) cost 5 ms at 640x360 and 16 ms at 1280x720,
  // against 0.5 and 1.4 ms for the planes' copy. Larger frames (4K) are
  // scaled down by the browser to twice the model's input side first.
  async function framePixels(frame, maxSide) {
    const rect = frame.visibleRect;
    const planar = frame.format === 'I420' || frame.format === 'NV12';
    if (planar && !frame.rotation && !frame.flip && rect && Math.max(rect.width, rect.height) <= YUV_MAX_SIDE) {
      const data = new ArrayBuffer(frame.allocationSize());
      const layout = await frame.copyTo(data);
      const cs = frame.colorSpace || {};
      return { yuv420: { format: frame.format, width: rect.width, height: rect.height, data, layout, matrix: cs.matrix || null, fullRange: !!cs.fullRange } };
    }
    return scaledPixels(frame, maxSide);
  }
  let scaler = null;
  function scaledPixels(frame, maxSide) {
    const fw = frame.displayWidth || frame.width;
    const fh = frame.displayHeight || frame.height;
    const s = Math.min(1, maxSide / Math.max(fw, fh));
    const w = Math.max(1, Math.round(fw * s));
    const h = Math.max(1, Math.round(fh * s));
    if (!scaler || scaler.canvas.width !== w || scaler.canvas.height !== h) {
      const canvas = new OffscreenCanvas(w, h);
      scaler = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    }
    scaler.drawImage(frame, 0, 0, w, h);
    return { rgba: scaler.getImageData(0, 0, w, h).data, w, h };
  }

  // A VideoFrame's 4:2:0 planes copied out where they are the picture as
  // shown at full size (frames.mjs's rule for the upload page's bytes),
  // else null.
  async function uploadPlanes(frame) {
    const isVideoFrame = typeof VideoFrame === 'function' && frame instanceof VideoFrame;
    return isVideoFrame && planesShowFrame(frame, frame.displayWidth, frame.displayHeight) ? (await copyPlanes(frame)).yuv420 : null;
  }
  // Any other frame (the photo's ImageBitmap, an RGBA video frame) as RGBA
  // drawn by the browser at full size, as the upload page draws it on a
  // canvas for its bytes.
  let drawer = null;
  function drawnPixels(frame) {
    const width = frame.displayWidth || frame.width;
    const height = frame.displayHeight || frame.height;
    if (!drawer || drawer.canvas.width !== width || drawer.canvas.height !== height) {
      drawer = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    }
    drawer.clearRect(0, 0, width, height);
    drawer.drawImage(frame, 0, 0, width, height);
    return drawer.getImageData(0, 0, width, height);
  }

  // The frame with the skeleton drawn on it; the frame as it is before the
  // tracker has a pose.
  function drawOnFrame(pixels, width, height) {
    try {
      return tracker.renderOverlay(pixels, width, height).buffer;
    } catch {
      return pixels.buffer.byteLength === pixels.length ? pixels.buffer : pixels.slice().buffer;
    }
  }

  return {
    async call(method, args) {
      const fn = methods[method];
      if (!fn) throw Object.assign(new Error(`unknown engine call ${method}`), { code: 'internal' });
      return fn(args || {});
    },
    errorInfo,
  };
}

export { errorInfo };
