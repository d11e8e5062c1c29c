// bench-blazepose.mjs — `kinetrack bench --model blazepose-lite|full|heavy`:
// BlazePose on kinetrack (XNNPACK, 1 thread, in Node) beside
// Google's own runtimes on the same frame in one run (chromium headless,
// where they run): MediaPipe's pose solution (wasm SIMD, CPU inference)
// and the bare models in TFLite's web runtime (tfjs-tflite, XNNPACK,
// 1 thread). Medians of `runs` after warm-up, ms:
//   detection frame: detector + landmarks (a frame after one with nobody)
//   tracking frame:  landmarks only (the region from the last frame)
//   bare models:     detector, landmark model (all five outputs)
// kinetrack is timed in Node and, for the "same browser" ratio, in the same
// chromium page as MediaPipe, on the page's thread with one thread as
// MediaPipe — the build the pages load there (relaxed SIMD FMA where the
// engine has it) and the plain wasm SIMD build; then with `threads` threads (the threaded build) in a Web
// Worker of a cross-origin isolated page, as the pages' engine runs with
// threads=N (and by default on machines with more than N cores). Its frames include
// everything from RGBA to the messages. The sides are measured in
// alternating blocks so machine load hits all of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { decodeImage } from './media/decode.mjs';
import { loadModelsForQuery, loadRuntime, modelDir, repoRoot } from './runtime.mjs';

const SAMPLE = path.resolve(repoRoot, '../shared/media/images/messi5.jpg');
const COMPLEXITY = { lite: 0, full: 1, heavy: 2 };
const mid = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];

function timeRuns(fn, runs, warmup) {
  for (let i = 0; i < warmup; i++) fn();
  const out = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return out;
}

export async function runBlazePoseBench({ variant = 'lite', runs = 30, warmup = 5, blocks = 3, threads = 2 } = {}) {
  if (!COMPLEXITY.hasOwnProperty(variant)) throw new Error(`unknown BlazePose model ${variant} (lite, full, heavy)`);
  if (runs < 30) throw new Error('bench needs at least 30 runs (CONTRACT §8)');
  const { startMediaPipeReference } = await import('./reference/mediapipe-browser.mjs');
  if (!fs.existsSync(SAMPLE)) throw new Error(`the sample photo ${SAMPLE} is missing`);
  const frame = await decodeImage(SAMPLE);
  const blank = new Uint8Array(frame.rgba.length).fill(255);
  const kt = await loadRuntime();
  const params = { blazepose: true, mediapipeModel: variant };
  const models = await loadModelsForQuery(params);
  const query = `blazepose=true&mediapipeModel=${variant}&keypoints=true`;
  // Detection frames: each after a frame with nobody, as MediaPipe's are timed.
  const video = kt.createTracker(models, query, 'developer');
  const tracking = kt.createTracker(models, query, 'developer');
  let ts = 0;
  const ours = { detection: [], tracking: [], detector: [], landmarks: [], landmarksPruned: [] };
  const theirs = { detection: [], tracking: [], detector: [], landmarks: [] };
  const inBrowser = { detection: [], tracking: [] }; // kinetrack's wasm in the same chromium page
  const inBrowserPlain = { detection: [], tracking: [] }; // its plain wasm SIMD build (no relaxed SIMD)
  const kernels = { browser: null, plain: null, worker: null };
  const inWorker = { detection: [], tracking: [] }; // the threaded build in an isolated page's worker
  let workerThreads = null;
  const bare = {
    detector: kt.loadTfliteModel(new Uint8Array(fs.readFileSync(path.join(modelDir, 'pose_detection.tflite')))),
    landmarks: kt.loadTfliteModel(new Uint8Array(fs.readFileSync(path.join(modelDir, `pose_landmark_${variant}.tflite`)))),
  };
  const detIn = new Float32Array(224 * 224 * 3).map((_, i) => ((i * 7919) % 255) / 127.5 - 1);
  const lmIn = new Float32Array(256 * 256 * 3).map((_, i) => ((i * 7919) % 255) / 255);
  const ref = await startMediaPipeReference();
  try {
    for (let b = 0; b < blocks; b++) {
      const n = Math.ceil(runs / blocks);
      // kinetrack
      ours.tracking.push(...timeRuns(() => tracking.process(frame.rgba, frame.width, frame.height, (ts += 33.333)), n, warmup));
      for (let i = 0; i < n + warmup; i++) {
        video.process(blank, frame.width, frame.height, (ts += 33.333));
        const s = process.hrtime.bigint();
        video.process(frame.rgba, frame.width, frame.height, (ts += 33.333));
        if (i >= warmup) ours.detection.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      ours.detector.push(...timeRuns(() => bare.detector.run(detIn), n, warmup));
      ours.landmarks.push(...timeRuns(() => bare.landmarks.run(lmIn), n, warmup));
      ours.landmarksPruned.push(...timeRuns(() => models.blazeposeLandmarks.run(lmIn), n, warmup));
      // MediaPipe's solution and tfjs-tflite
      const kb = await ref.timeKinetrack({ frame, variant, runs: n, warmup });
      inBrowser.tracking.push(...kb.tracking);
      inBrowser.detection.push(...kb.detection);
      kernels.browser = kb.kernels;
      if (kb.kernels !== 'wasmsimd') {
        const kp = await ref.timeKinetrack({ frame, variant, runs: n, warmup, relaxedSimd: false });
        inBrowserPlain.tracking.push(...kp.tracking);
        inBrowserPlain.detection.push(...kp.detection);
        kernels.plain = kp.kernels;
      }
      if (threads > 1) {
        const kw = await ref.timeKinetrackThreaded({ frame, variant, threads, runs: n, warmup });
        inWorker.tracking.push(...kw.tracking);
        inWorker.detection.push(...kw.detection);
        workerThreads = kw.threads;
        kernels.worker = kw.kernels;
      }
      const mp = await ref.timePose({ frame, modelComplexity: COMPLEXITY[variant], runs: n, warmup });
      theirs.tracking.push(...mp.tracking);
      theirs.detection.push(...mp.detection);
      theirs.detector.push(...(await ref.tflite('pose_detection', detIn, { runs: n })).times);
      theirs.landmarks.push(...(await ref.tflite(`pose_landmark_${variant}`, lmIn, { runs: n })).times);
    }
  } finally {
    await ref.close();
    video.dispose();
    tracking.dispose();
    bare.detector.dispose();
    bare.landmarks.dispose();
  }
  const m = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mid(v)]));
  const k = m(ours), t = m(theirs), kb = m(inBrowser);
  const kp = kernels.plain ? m(inBrowserPlain) : null;
  const kw = threads > 1 ? { ...m(inWorker), threads: workerThreads } : null;
  return {
    model: `blazepose-${variant}`,
    machine: `${os.cpus()[0]?.model?.trim() || os.arch()} (${os.cpus().length} cores), Node ${process.version}`,
    browser: ref.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] || ref.userAgent,
    input: `${path.basename(SAMPLE)} ${frame.width}x${frame.height}`,
    runs: ours.tracking.length,
    kinetrack: k,
    kinetrackBrowser: kb,
    kinetrackBrowserPlain: kp,
    kernels: { ...kernels, node: kt.kernels },
    kinetrackWorker: kw,
    mediapipe: { detection: t.detection, tracking: t.tracking },
    tfjsTflite: { detector: t.detector, landmarks: t.landmarks },
    // The target compares the same browser: kinetrack's wasm in chromium / MediaPipe's.
    ratio: { detection: kb.detection / t.detection, tracking: kb.tracking / t.tracking, detector: k.detector / t.detector,
      landmarks: k.landmarks / t.landmarks, nodeDetection: k.detection / t.detection, nodeTracking: k.tracking / t.tracking,
      ...(kw ? { workerDetection: kw.detection / t.detection, workerTracking: kw.tracking / t.tracking } : {}),
      ...(kp ? { plainDetection: kp.detection / t.detection, plainTracking: kp.tracking / t.tracking } : {}) },
    wasmMemoryBytes: kt.memoryBytes(),
  };
}

export function formatBlazePoseBench(r) {
  const f = (x) => x.toFixed(1).padStart(8);
  const q = (x) => x.toFixed(3).padStart(7);
  return [
    `kinetrack bench — ${r.model}, ${r.runs} runs per figure (median), ${r.machine}; ${r.browser} for the references`,
    `input: ${r.input}`,
    '',
    '                                         kinetrack   reference   ratio',
    `same browser (chromium), 1 thread, the build the pages load here (XNNPACK kernels: ${r.kernels.browser}):`,
    `frame: detector + landmarks               ${f(r.kinetrackBrowser.detection)}    ${f(r.mediapipe.detection)}  ${q(r.ratio.detection)}   (MediaPipe solution, wasm SIMD, CPU)`,
    `frame: tracking (landmarks only)          ${f(r.kinetrackBrowser.tracking)}    ${f(r.mediapipe.tracking)}  ${q(r.ratio.tracking)}   (MediaPipe solution)`,
    ...(r.kinetrackBrowserPlain ? [
      'the plain wasm SIMD build in the same page (what engines without relaxed SIMD run, e.g. Safari):',
      `frame: detector + landmarks               ${f(r.kinetrackBrowserPlain.detection)}    ${f(r.mediapipe.detection)}  ${q(r.ratio.plainDetection)}`,
      `frame: tracking (landmarks only)          ${f(r.kinetrackBrowserPlain.tracking)}    ${f(r.mediapipe.tracking)}  ${q(r.ratio.plainTracking)}`,
    ] : []),
    ...(r.kinetrackWorker ? [
      `${r.kinetrackWorker.threads} threads in a worker of an isolated page (the pages' engine with threads=${r.kinetrackWorker.threads}; ${r.kernels.worker}), against the same MediaPipe figures:`,
      `frame: detector + landmarks               ${f(r.kinetrackWorker.detection)}    ${f(r.mediapipe.detection)}  ${q(r.ratio.workerDetection)}`,
      `frame: tracking (landmarks only)          ${f(r.kinetrackWorker.tracking)}    ${f(r.mediapipe.tracking)}  ${q(r.ratio.workerTracking)}`,
    ] : []),
    `kinetrack in Node (library, CLI; ${r.kernels.node}) against the same references:`,
    `frame: detector + landmarks               ${f(r.kinetrack.detection)}    ${f(r.mediapipe.detection)}  ${q(r.ratio.nodeDetection)}`,
    `frame: tracking (landmarks only)          ${f(r.kinetrack.tracking)}    ${f(r.mediapipe.tracking)}  ${q(r.ratio.nodeTracking)}`,
    `bare detector                             ${f(r.kinetrack.detector)}    ${f(r.tfjsTflite.detector)}  ${q(r.ratio.detector)}   (tfjs-tflite, XNNPACK, 1 thread)`,
    `bare landmark model (5 outputs)           ${f(r.kinetrack.landmarks)}    ${f(r.tfjsTflite.landmarks)}  ${q(r.ratio.landmarks)}   (tfjs-tflite)`,
    `landmark model without segmentation       ${f(r.kinetrack.landmarksPruned)}`,
    '',
    `kinetrack frames: RGBA in, messages out (crop, inference, decoding, smoothing, JSON). wasm memory: ${(r.wasmMemoryBytes / 1048576).toFixed(0)} MiB`,
  ].join('\n');
}
