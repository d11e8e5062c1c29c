// bench-webgl-page.mjs — the page side of `kinetrack bench --browser
// --backend webgl` (lib/bench-webgl.mjs serves it): MoveNet on kinetrack's
// WebGL2 module (backend 'webgl', and 'xnnpack' from the same module for
// context) and on TF.js's WebGL backend (global `tf` from the UMD bundles the
// page loads first), in one page, on one input.
//
//   await window.bench.setup({ input, frame, region, query })  // loads, checks, first runs
//   await window.bench.round(i)                                // one timed run of each, ms
//
// Every timed run ends with its outputs in JS memory and the GPU idle:
// ours reads back with glReadPixels (synchronous) and TF.js with `await
// tensor.data()`, then gl.finish() on each context, so neither clock stops
// with work still queued.
import createModule from '/kt/kinetrack-webgl.mjs';
import { loadKinetrack } from '/wasm/kinetrack-loader.mjs';

const SIZE = 192;
const tf = window.tf;
const S = {};

// Our WebGL2 context lives on this canvas (the module's `webglCanvas`
// override), so the page can ask it for its renderer and finish() it.
const ktCanvas = new OffscreenCanvas(1, 1);

const bytes = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
};

function rendererOf(gl) {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  if (!ext) return { vendor: gl.getParameter(gl.VENDOR), renderer: gl.getParameter(gl.RENDERER), unmasked: false };
  return { vendor: gl.getParameter(ext.UNMASKED_VENDOR_WEBGL), renderer: gl.getParameter(ext.UNMASKED_RENDERER_WEBGL), unmasked: true };
}

// A NaN anywhere is a failed comparison, never a small difference.
const maxDiff = (a, b) => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    if (d > m) m = d;
  }
  return m;
};

async function setup({ input, frame, region, query }) {
  S.input = Int32Array.from(input);
  S.rgba = Uint8Array.from(atob(frame.rgbaBase64), (c) => c.charCodeAt(0));
  S.width = frame.width;
  S.height = frame.height;
  S.image = new ImageData(new Uint8ClampedArray(S.rgba), frame.width, frame.height);
  S.box = [region.yMin, region.xMin, region.yMax, region.xMax];
  S.ts = { gl: 0, wasm: 0 }; // each tracker its own clock, 30 fps

  const [json, weights, wasmBinary] = await Promise.all([bytes('/models/movenet-lightning.json'), bytes('/models/movenet-lightning.bin'),
    bytes('/kt/kinetrack-webgl.wasm')]);
  const api = await loadKinetrack({ createModule: (o) => createModule({ ...o, webglCanvas: ktCanvas }), wasmBinary });
  const text = new TextDecoder().decode(json);
  let t = performance.now();
  S.ktGl = api.loadModel(text, weights, { backend: 'webgl' }); // throws model_load_failed with the reason
  const ktLoadMs = performance.now() - t;
  S.ktWasm = api.loadModel(text, weights, { backend: 'xnnpack' });
  S.gl = ktCanvas.getContext('webgl2');
  if (!S.gl) throw new Error('kinetrack loaded on webgl but its canvas has no WebGL2 context');
  S.trackerGl = api.createTracker(S.ktGl, query, 'developer');
  S.trackerWasm = api.createTracker(S.ktWasm, query, 'developer');

  if (!(await tf.setBackend('webgl')) || tf.getBackend() !== 'webgl') throw new Error('TF.js could not start its webgl backend');
  await tf.ready();
  S.tfGl = tf.backend().gpgpu.gl;
  t = performance.now();
  S.tfModel = await tf.loadGraphModel('/models/movenet-lightning.json');
  const tfLoadMs = performance.now() - t;

  // First runs (not timed as figures): TF.js compiles its shaders here; ours did at load.
  t = performance.now();
  const tfOut = await runTfjs();
  const tfFirstMs = performance.now() - t;
  t = performance.now();
  const glOut = runKtGl();
  const ktFirstMs = performance.now() - t;
  const wasmOut = S.ktWasm.runI32(S.input);
  const frameKeypoints = { kinetrackWebgl: frameKtGl(), kinetrackWasm: frameKtWasm(), tfjsWebgl: await frameTfjs() };

  return {
    outputs: { kinetrackWebgl: Array.from(glOut), tfjsWebgl: Array.from(tfOut), kinetrackWasm: Array.from(wasmOut) },
    maxDiff: { webglVsTfjs: maxDiff(glOut, tfOut), webglVsWasm: maxDiff(glOut, wasmOut), tfjsVsWasm: maxDiff(tfOut, wasmOut) },
    frameKeypoints,
    gpu: { kinetrack: rendererOf(S.gl), tfjs: rendererOf(S.tfGl) },
    tfjs: { version: tf.version_core, webglVersion: tf.version_webgl ?? null, flags: ['WEBGL_VERSION', 'WEBGL_PACK', 'WEBGL_RENDER_FLOAT32_ENABLED', 'WEBGL_USE_SHAPES_UNIFORMS']
      .reduce((o, k) => ({ ...o, [k]: tf.env().get(k) }), {}) },
    coldMs: { kinetrackWebglLoad: ktLoadMs, kinetrackWebglFirstRun: ktFirstMs, tfjsWebglLoad: tfLoadMs, tfjsWebglFirstRun: tfFirstMs },
    userAgent: navigator.userAgent,
  };
}

function runKtGl() {
  const out = S.ktGl.runI32(S.input);
  S.gl.finish();
  return out;
}

// The same int32 tensor a run, uploaded, run, read back, as a TF.js user's
// `await model.execute(x).data()`.
async function runTfjs() {
  const x = tf.tensor4d(S.input, [1, SIZE, SIZE, 3], 'int32');
  const y = S.tfModel.execute(x);
  try {
    const out = await y.data();
    S.tfGl.finish();
    return out;
  } finally {
    tf.dispose([x, y]);
  }
}

// Whole frames: RGBA in. Ours: the tracker (letterbox, inference, decoding,
// angles, messages). TF.js's: what its pose-detection MoveNet does for one
// image — fromPixels (a texture upload), letterboxed cropAndResize to
// 192x192, int32, the model, the 51 values read back (its keypoint
// arithmetic on them is negligible and left out). Each returns the count of
// keypoints it produced, so a frame that finds nobody is visible.
const keypointsOf = (messages) => messages.filter((m) => m.type === 'keypoints').reduce((n, m) => n + (m.keypoints?.length ?? 0), 0);

function frameKtGl() {
  const n = keypointsOf(S.trackerGl.process(S.rgba, S.width, S.height, (S.ts.gl += 33.333)));
  S.gl.finish();
  return n;
}

const frameKtWasm = () => keypointsOf(S.trackerWasm.process(S.rgba, S.width, S.height, (S.ts.wasm += 33.333)));

async function frameTfjs() {
  const y = tf.tidy(() => {
    const img = tf.expandDims(tf.cast(tf.browser.fromPixels(S.image), 'float32'), 0);
    const crop = tf.image.cropAndResize(img, tf.tensor2d([S.box], [1, 4]), tf.tensor1d([0], 'int32'), [SIZE, SIZE], 'bilinear', 0);
    return S.tfModel.execute(tf.cast(crop, 'int32'));
  });
  try {
    const out = await y.data();
    S.tfGl.finish();
    return out.length / 3;
  } finally {
    y.dispose();
  }
}

const FNS = {
  kinetrackWebgl: runKtGl,
  tfjsWebgl: runTfjs,
  kinetrackWasm: () => S.ktWasm.runI32(S.input),
  kinetrackWebglFrame: frameKtGl,
  tfjsWebglFrame: frameTfjs,
  kinetrackWasmFrame: frameKtWasm,
};

// One timed run of each, in an order rotated by `i` so no runtime always
// follows the same one (alternation, as the other benches time).
async function round(i) {
  const names = Object.keys(FNS);
  const ms = {};
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + i) % names.length];
    const t = performance.now();
    await FNS[name]();
    ms[name] = performance.now() - t;
  }
  return ms;
}

window.bench = { setup, round };
window.benchReady = true;
