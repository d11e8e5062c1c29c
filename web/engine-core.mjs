// engine-core.mjs — the wasm runtime behind the pages, in one object with a
// call(method, args) surface. It runs in a Web Worker (engine-worker.mjs,
// runInWorker=true) or on the main thread (runInWorker=false); engine.mjs
// gives both the same asynchronous interface, so the pages post the same
// messages either way. Every message is built by the C (the loader's
// tracker and messages); this file only moves bytes.
import { KinetrackError, chooseBuild, loadKinetrack, movementNotFound, referenceNotFound } from '../runtime/kinetrack-loader.mjs';
import { MODELS, loadModelFrom, modelsForQuery } from '../runtime/model-manifest.mjs';

const RUNTIME = new URL('../runtime/', import.meta.url);
const MODEL_DIR = new URL('../models/', import.meta.url);
const MOVEMENTS = new URL('../movements/', import.meta.url); // kinetrack serve --movements DIR
const REFERENCES = new URL('../references/', import.meta.url); // kinetrack serve --references DIR

async function fetchOk(url, what) {
  const r = await fetch(url);
  if (!r.ok) throw Object.assign(new Error(`cannot load ${what}: HTTP ${r.status}`), { code: what === 'the pose model' ? 'model_load_failed' : 'engine_load_failed' });
  return r;
}

function errorInfo(e) {
  return { code: e?.code || 'internal', message: String(e?.message || e), payload: e?.payload || null };
}

// Threads for the engine: the threaded build needs shared memory (a
// cross-origin isolated page) and runs in the engine's Web Worker, with
// navigator.hardwareConcurrency threads, 2 to 4. On the page's own thread
// (runInWorker=false) waiting for the pool is a busy loop (probed: 0.8-1.3x),
// so that keeps the single-threaded build.
function engineThreads() {
  const inWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;
  return inWorker ? Math.min(4, Math.max(2, navigator.hardwareConcurrency || 2)) : 1;
}

export async function createCore() {
  const { build, threads } = chooseBuild(engineThreads(), { sharedMemory: self.crossOriginIsolated === true });
  const [{ default: createModule }, wasm] = await Promise.all([
    import(new URL(`${build}.mjs`, RUNTIME).href),
    fetchOk(new URL(`${build}.wasm`, RUNTIME), 'the wasm runtime').then((r) => r.arrayBuffer()),
  ]);
  const kt = await loadKinetrack({ createModule, wasmBinary: new Uint8Array(wasm), threads });
  const models = new Map(); // name -> loaded model (kept for the page's life)
  let tracker = null;
  let modelName = 'movenet-lightning';

  // The models the query runs (MoveNet, or BlazePose's detector and
  // landmark model), each fetched and loaded once.
  async function loadModels(query, plan) {
    const out = {};
    for (const [role, name] of Object.entries(modelsForQuery(kt.parseQuery(query, plan)))) {
      if (!models.has(name)) {
        const bytes = await Promise.all(MODELS[name].files.map((f) =>
          fetchOk(new URL(f, MODEL_DIR), 'the pose model').then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b))));
        models.set(name, loadModelFrom(kt, name, bytes));
      }
      out[role] = models.get(name);
    }
    return out;
  }

  // What actually runs: the wasm build (SIMD is required to instantiate it),
  // its threads, no WebGL, and the tracker's model.
  const environment = () => ({ poseBackend: 'wasm', webgl: false, simd: true, threads: kt.threads, model: modelName });

  const methods = {
    parseQuery: ({ query, plan }) => kt.parseQuery(query, plan),
    initialization: ({ message, ready, step, timestampMs }) => kt.messages.initialization(message, ready, step, timestampMs),
    environment: ({ timestampMs }) => kt.messages.environment(environment(), timestampMs),
    error: ({ code, message, details, fatal, timestampMs }) => kt.messages.error(code, message, { details, fatal, timestampMs }),
    // live: the camera page (placement asks for the 10 % safe zone).
    // userExercise=<id>: the movement's definition comes from the server.
    async createTracker({ query, plan, live = false }) {
      const chosen = await loadModels(query, plan);
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
      tracker = kt.createTracker(chosen, query, plan, { live, movement, reference });
      modelName = tracker.model;
      return { isImage: tracker.isImage, skeleton: tracker.skeleton };
    },
    // A frame: messages, plus (when overlay is asked) the skeleton drawn by
    // the C on a transparent RGBA canvas of overlay.width x overlay.height.
    // The frame is { rgba, width, height } or { yuv420 } (frames.mjs).
    process({ rgba, width, height, yuv420, timestampMs, overlay }) {
      const messages = yuv420 ? tracker.processYuv420(yuv420, timestampMs)
        : tracker.process(new Uint8Array(rgba), width, height, timestampMs);
      const result = { messages };
      if (overlay) result.overlay = drawOverlay(overlay.width, overlay.height);
      return result;
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
    finish: () => (tracker ? tracker.finish() : []),
    dispose() {
      if (tracker) tracker.dispose();
      tracker = null;
      return true;
    },
  };

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
