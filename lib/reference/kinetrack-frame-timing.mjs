// kinetrack-frame-timing.mjs — the browser side of `kinetrack bench --model
// blazepose-*`: kinetrack's own wasm loaded as the pages load it, and its
// tracker timed on one frame the way mediapipe-browser.mjs times MediaPipe's
// solution (RGBA in, messages out; tracking = the same frame again and
// again, detection = the frame after one with nobody in it). Runs on a
// page's main thread (beside MediaPipe, 1 thread) and in
// kinetrack-bench-worker.mjs (the threaded build, as the pages' engine
// worker runs it). Served at /ref/ by mediapipe-browser.mjs.
import { chooseBuild, loadKinetrack } from '/kt/wasm/kinetrack-loader.mjs';
import { MODELS, loadModelFrom, modelsForQuery } from '/kt/wasm/model-manifest.mjs';

// The build the pages would load here (chooseBuild: threaded or not, FMA
// where the engine has relaxed SIMD); relaxedSimd: false forces the plain one.
export async function loadBenchRuntime({ threads = 1, relaxedSimd } = {}) {
  const { build } = chooseBuild(threads, { sharedMemory: threads > 1, relaxedSimd }); // undefined: chooseBuild's default
  const { default: createModule } = await import(`/kt/build/${build}.mjs`);
  const wasm = new Uint8Array(await (await fetch(`/kt/build/${build}.wasm`)).arrayBuffer());
  return { kt: await loadKinetrack({ createModule, wasmBinary: wasm, threads }), models: {} };
}

export async function timeTrackerFrames({ runtime, variant, rgba, width, height, runs, warmup }) {
  const { kt } = runtime;
  const models = {};
  for (const [role, name] of Object.entries(modelsForQuery({ blazepose: true, mediapipeModel: variant }))) {
    if (!runtime.models[name]) {
      const bytes = await Promise.all(MODELS[name].files.map(async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer())));
      runtime.models[name] = loadModelFrom(kt, name, bytes);
    }
    models[role] = runtime.models[name];
  }
  const blank = new Uint8Array(rgba.length).fill(255);
  const tracker = kt.createTracker(models, `blazepose=true&mediapipeModel=${variant}&keypoints=true`, 'developer');
  let ts = 0;
  const time = (pixels) => {
    const t = performance.now();
    tracker.process(pixels, width, height, (ts += 33.333));
    return performance.now() - t;
  };
  const tracking = [], detection = [];
  try {
    for (let i = 0; i < warmup; i++) time(rgba);
    for (let i = 0; i < runs; i++) tracking.push(time(rgba));
    for (let i = 0; i < warmup + runs; i++) {
      time(blank);
      const t = time(rgba);
      if (i >= warmup) detection.push(t);
    }
  } finally {
    tracker.dispose();
  }
  return { tracking, detection, threads: kt.threads, kernels: kt.kernels, memoryBytes: kt.memoryBytes() };
}
