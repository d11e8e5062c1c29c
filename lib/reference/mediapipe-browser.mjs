// mediapipe-browser.mjs — Google's own BlazePose runtimes as references, in
// Debian's chromium (headless, through playwright-core): MediaPipe's pose
// solution (npm @mediapipe/pose: its wasm, its graph, the same model files)
// and the bare models in TFLite's web runtime (npm @tensorflow/tfjs-tflite,
// XNNPACK, 1 thread). Neither runs in Node ("solutions can only be loaded
// on a web page"), so both run on a blank page served from here.
//
//   const ref = await startMediaPipeReference();
//   const outs = await ref.tflite('pose_landmark_lite', float32Input);  // [{name, dims, data}]
//   const res = await ref.pose({ frames: [{ rgba, width, height }], modelComplexity: 0, video: false });
//   const ms = await ref.timePose({ frame, modelComplexity: 0, runs: 30 });   // { tracking: [...], detection: [...] }
//   await ref.close();
import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../runtime.mjs';
import { serveStatic } from '../static-server.mjs';

const CHROMIUM = process.env.KINETRACK_CHROMIUM || '/usr/bin/chromium';
// MediaPipe's image pre-processing needs a GL context even on its CPU
// inference path: SwiftShader provides one headless.
const ARGS = ['--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

const nm = (p) => path.join(repoRoot, 'node_modules', p);
const ROUTES = {
  '/kt/build/': path.join(repoRoot, 'build/wasm/'),
  '/kt/wasm/': path.join(repoRoot, 'wasm/'),
  '/ref/': path.join(repoRoot, 'lib/reference/'),
  '/mp/': nm('@mediapipe/pose/'),
  '/tflite/': nm('@tensorflow/tfjs-tflite/'),
  '/models/': path.join(repoRoot, 'models/'),
};
const FILES = {
  '/tf-core.js': nm('@tensorflow/tfjs-core/dist/tf-core.min.js'),
  '/tf-backend-cpu.js': nm('@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js'),
};

const PAGE = `<!doctype html><meta charset="utf-8"><body>
<script src="/tf-core.js"></script><script src="/tf-backend-cpu.js"></script>
<script src="/tflite/dist/tf-tflite.min.js"></script>
<script src="/mp/pose.js"></script>
<canvas id="c"></canvas>`;

// /iso.html is cross-origin isolated (COOP + COEP), so the threaded build
// can share its memory there; the references' page '/' is not, as MediaPipe
// and tfjs-tflite are served on the web. Every other response carries the
// isolation headers too: the isolated page's worker scripts need COEP.
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const serve = () => serveStatic({
  page: PAGE,
  pages: { '/iso.html': { html: '<!doctype html><meta charset="utf-8"><body>', headers: ISOLATION } },
  routes: ROUTES,
  files: FILES,
  headers: ISOLATION,
});

export function haveReference() {
  return fs.existsSync(CHROMIUM) && fs.existsSync(nm('@mediapipe/pose/pose.js')) && fs.existsSync(nm('@tensorflow/tfjs-tflite/dist/tf-tflite.min.js'));
}

export async function startMediaPipeReference() {
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60000 });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.evaluate(async () => {
    tflite.setWasmPath('/tflite/wasm/');
    await tf.setBackend('cpu');
    window.__models = {};
  });

  // The bare model in TFLite's runtime on one f32 input: every output.
  async function tflite(name, input, { runs = 0 } = {}) {
    return page.evaluate(async ({ name, input, runs }) => {
      if (!window.__models[name]) window.__models[name] = await tflite.loadTFLiteModel(`/models/${name}.tflite`, { numThreads: 1 });
      const m = window.__models[name];
      const shape = m.inputs[0].shape;
      const x = tf.tensor(new Float32Array(input), shape, 'float32');
      const run = () => m.predict(x);
      let out = run();
      const times = [];
      for (let i = 0; i < runs; i++) {
        tf.dispose(out);
        const t = performance.now();
        out = run();
        times.push(performance.now() - t);
      }
      const list = m.outputs.map((o) => ({ name: o.name, dims: o.shape, data: Array.from((out[o.name] || out).dataSync()) }));
      tf.dispose([x, out]);
      return { outputs: list, times };
    }, { name, input: Array.from(input), runs });
  }

  async function createPose(modelComplexity, smoothLandmarks) {
    await page.evaluate(async ({ modelComplexity, smoothLandmarks }) => {
      if (window.__pose) await window.__pose.close();
      const p = new Pose({ locateFile: (f) => `/mp/${f}` });
      p.setOptions({ modelComplexity, smoothLandmarks, enableSegmentation: false, selfieMode: false, useCpuInference: true,
        minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 });
      p.onResults((r) => { window.__last = r; });
      await p.initialize();
      window.__pose = p;
    }, { modelComplexity, smoothLandmarks });
  }

  // Puts an RGBA frame on the page's canvas (slot 'a' or 'b').
  async function putFrame(f, slot) {
    const b64 = Buffer.from(f.rgba.buffer, f.rgba.byteOffset, f.rgba.byteLength).toString('base64');
    await page.evaluate(({ b64, width, height, slot }) => {
      const bytes = Uint8ClampedArray.from(atob(b64), (c) => c.charCodeAt(0));
      window.__canvases ||= {};
      const c = (window.__canvases[slot] ||= document.createElement('canvas'));
      c.width = width;
      c.height = height;
      c.getContext('2d').putImageData(new ImageData(bytes, width, height), 0, 0);
    }, { b64, width: f.width, height: f.height, slot });
  }

  // MediaPipe's pose solution on frames (RGBA, as our tracker gets them).
  // video=false: every frame is a photo (the solution is reset before it,
  // so it detects then finds landmarks); video=true: frames in order with
  // MediaPipe's own tracking.
  async function pose({ frames, modelComplexity = 0, video = false, smoothLandmarks = false }) {
    await createPose(modelComplexity, smoothLandmarks);
    const out = [];
    for (const f of frames) {
      await putFrame(f, 'a');
      out.push(await page.evaluate(async ({ reset, timestampMs }) => {
        const p = window.__pose;
        if (reset) p.reset();
        window.__last = null;
        await p.send({ image: window.__canvases.a }, timestampMs);
        const r = window.__last;
        return {
          landmarks: r && r.poseLandmarks ? r.poseLandmarks.map((l) => ({ x: l.x, y: l.y, z: l.z, visibility: l.visibility })) : null,
          world: r && r.poseWorldLandmarks ? r.poseWorldLandmarks.map((l) => ({ x: l.x, y: l.y, z: l.z })) : null,
        };
      }, { reset: !video, timestampMs: f.timestampMs ?? out.length * 33.333 }));
    }
    return out;
  }

  // Times MediaPipe's solution on `frame` (ms per send, `runs` each):
  // tracking = the same frame again and again (landmarks only);
  // detection = the frame after a frame with nobody in it, so the detector
  // runs again and then the landmarks (the empty frame is not timed).
  async function timePose({ frame, modelComplexity = 0, runs = 30, warmup = 5 }) {
    await createPose(modelComplexity, false);
    await putFrame(frame, 'a');
    await putFrame({ rgba: new Uint8Array(frame.width * frame.height * 4).fill(255), width: frame.width, height: frame.height }, 'b');
    return page.evaluate(async ({ runs, warmup }) => {
      const p = window.__pose;
      let ts = 0;
      const send = async (slot) => {
        const t = performance.now();
        await p.send({ image: window.__canvases[slot] }, (ts += 33.333));
        return performance.now() - t;
      };
      const tracking = [], detection = [];
      for (let i = 0; i < warmup; i++) await send('a');
      for (let i = 0; i < runs; i++) tracking.push(await send('a'));
      for (let i = 0; i < warmup + runs; i++) {
        await send('b');
        const t = await send('a');
        if (i >= warmup) detection.push(t);
      }
      return { tracking, detection };
    }, { runs, warmup });
  }

  // kinetrack's own wasm in this same page (the runtime the pages use, on
  // the page's thread as MediaPipe runs), timed like timePose:
  // { tracking: [...], detection: [...], kernels } ms per frame (RGBA in,
  // messages out). relaxedSimd: false times the plain wasm SIMD build
  // (what engines without relaxed SIMD run) instead of the pages' choice.
  async function timeKinetrack({ frame, variant = 'lite', runs = 30, warmup = 5, relaxedSimd }) {
    await putFrame(frame, 'a');
    return page.evaluate(async ({ variant, runs, warmup, relaxedSimd }) => {
      const { loadBenchRuntime, timeTrackerFrames } = await import('/ref/kinetrack-frame-timing.mjs');
      const key = String(relaxedSimd);
      window.__ktRuntimes ||= {};
      window.__ktRuntimes[key] ||= await loadBenchRuntime({ threads: 1, relaxedSimd: relaxedSimd ?? undefined });
      const c = window.__canvases.a;
      const rgba = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return timeTrackerFrames({ runtime: window.__ktRuntimes[key], variant, rgba, width: c.width, height: c.height, runs, warmup });
    }, { variant, runs, warmup, relaxedSimd: relaxedSimd ?? null });
  }

  // The same with `threads` threads: the threaded build in a Web Worker of a
  // cross-origin isolated page, as the pages' engine runs it (runInWorker=true,
  // kinetrack serve's COOP/COEP headers, threads=N or cores - 1).
  let isoPage = null;
  async function timeKinetrackThreaded({ frame, variant = 'lite', threads = 2, runs = 30, warmup = 5 }) {
    if (!isoPage) {
      isoPage = await browser.newPage();
      isoPage.on('pageerror', (e) => errors.push(String(e)));
      await isoPage.goto(`http://127.0.0.1:${server.address().port}/iso.html`);
      if (!(await isoPage.evaluate(() => self.crossOriginIsolated))) throw new Error('the bench page is not cross-origin isolated: no threads');
    }
    const b64 = Buffer.from(frame.rgba.buffer, frame.rgba.byteOffset, frame.rgba.byteLength).toString('base64');
    return isoPage.evaluate(({ b64, width, height, variant, threads, runs, warmup }) => {
      const rgba = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
      window.__ktWorker ||= new Worker('/ref/kinetrack-bench-worker.mjs', { type: 'module' });
      return new Promise((resolve, reject) => {
        window.__ktWorker.onmessage = ({ data }) => (data.ok ? resolve(data.result) : reject(new Error(data.error)));
        window.__ktWorker.onerror = (e) => reject(new Error(`the bench worker failed: ${e.message}`));
        window.__ktWorker.postMessage({ threads, variant, rgba, width, height, runs, warmup }, [rgba]);
      });
    }, { b64, width: frame.width, height: frame.height, variant, threads, runs, warmup });
  }

  return {
    tflite,
    pose,
    timePose,
    timeKinetrack,
    timeKinetrackThreaded,
    errors,
    userAgent: await page.evaluate(() => navigator.userAgent),
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}
