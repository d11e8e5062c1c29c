// engine-core.mjs — the wasm runtime behind the pages, in one object with a
// call(method, args) surface. It runs in a Web Worker (engine-worker.mjs,
// runInWorker=true) or on the main thread (runInWorker=false); engine.mjs
// gives both the same asynchronous interface, so the pages post the same
// messages either way. Every message is built by the C (the loader's
// tracker and messages); this file only moves bytes.
import { KinetrackError, loadKinetrack, movementNotFound } from '../runtime/kinetrack-loader.mjs';
import { MODELS, loadModelFrom, modelsForQuery } from '../runtime/model-manifest.mjs';

const RUNTIME = new URL('../runtime/', import.meta.url);
const MODEL_DIR = new URL('../models/', import.meta.url);
const MOVEMENTS = new URL('../movements/', import.meta.url); // kinetrack serve --movements DIR

async function fetchOk(url, what) {
  const r = await fetch(url);
  if (!r.ok) throw Object.assign(new Error(`cannot load ${what}: HTTP ${r.status}`), { code: what === 'the pose model' ? 'model_load_failed' : 'engine_load_failed' });
  return r;
}

function errorInfo(e) {
  return { code: e?.code || 'internal', message: String(e?.message || e), payload: e?.payload || null };
}

export async function createCore() {
  const [{ default: createModule }, wasm] = await Promise.all([
    import(new URL('kinetrack.mjs', RUNTIME).href),
    fetchOk(new URL('kinetrack.wasm', RUNTIME), 'the wasm runtime').then((r) => r.arrayBuffer()),
  ]);
  const kt = await loadKinetrack({ createModule, wasmBinary: new Uint8Array(wasm) });
  const models = new Map(); // name -> loaded model (kept for the page's life)
  let tracker = null;
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
  // one thread, WebGL2 for the model when it runs there, and the tracker's model.
  const environment = () => ({ poseBackend: backend.using, webgl: backend.using === 'webgl', simd: true, threads: 1, model: modelName });

  const methods = {
    parseQuery: ({ query, plan }) => kt.parseQuery(query, plan),
    initialization: ({ message, ready, step, timestampMs }) => kt.messages.initialization(message, ready, step, timestampMs),
    environment: ({ timestampMs }) => kt.messages.environment(environment(), timestampMs),
    backend: () => backend,
    error: ({ code, message, details, fatal, timestampMs }) => kt.messages.error(code, message, { details, fatal, timestampMs }),
    // live: the camera page (placement asks for the 10 % safe zone).
    // userExercise=<id>: the movement's definition comes from the server.
    async createTracker({ query, plan, live = false }) {
      const { runtime, chosen } = await trackerModels(query, plan);
      if (tracker) tracker.dispose();
      tracker = null;
      let movement = null;
      let id = '';
      try {
        id = kt.parseQuery(query, plan).userExercise;
      } catch { /* the tracker refuses the query itself, with its message */ }
      if (id) {
        const r = await fetch(new URL(`${id}.json`, MOVEMENTS));
        if (!r.ok) {
          const e = movementNotFound(id);
          throw new KinetrackError(e.code, e.message, kt.messages.error(e.code, e.message, { details: e.details }));
        }
        movement = await r.text();
      }
      tracker = runtime.createTracker(chosen, query, plan, { live, movement });
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
