// bench.mjs — `kinetrack bench` (CONTRACT §8): MoveNet inference time of
// kinetrack (XNNPACK: wasm SIMD, with relaxed SIMD FMA where the engine
// has it, and the plain wasm SIMD build beside it) on 1 thread and on `threads` threads (the
// threaded build), and of the TF.js wasm backend (SIMD, 1 thread, the same
// model files), in one run, on the same input, as medians over `runs` runs
// after warm-up; plus kinetrack's whole-frame time on 1 and `threads`
// threads (preprocessing, inference, decoding, messages; media decode
// excluded). The runtimes are timed alternately, run by run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { decodeImage } from './media/decode.mjs';
import { createTracker } from './index.mjs';
import { loadMoveNet, loadRuntime, repoRoot } from './runtime.mjs';

const SAMPLE = path.resolve(repoRoot, '../shared/media/images/messi5.jpg');

const time = (fn) => {
  const s = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - s) / 1e6;
};
const mid = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];

// Runtimes timed alternately, run by run, so a change in machine load
// during the bench affects all alike; the median of each.
function interleavedMedians(fns, runs, warmup) {
  for (let i = 0; i < warmup; i++) fns.forEach((f) => f());
  const times = fns.map(() => []);
  for (let i = 0; i < runs; i++) fns.forEach((f, k) => times[k].push(time(f)));
  return times.map(mid);
}

function median(fn, runs, warmup) {
  for (let i = 0; i < warmup; i++) fn();
  return mid(Array.from({ length: runs }, () => time(fn)));
}

async function sampleFrame() {
  if (fs.existsSync(SAMPLE)) return { ...(await decodeImage(SAMPLE)), source: path.basename(SAMPLE) };
  const width = 640, height = 480, rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 31) & 255; // no photo: a fixed pattern
  return { width, height, rgba, source: 'synthetic 640x480 pattern' };
}

export async function runBench({ runs = 30, warmup = 5, threads = 2 } = {}) {
  if (runs < 30) throw new Error('bench needs at least 30 runs (CONTRACT §8)');
  if (!Number.isInteger(threads) || threads < 2) throw new Error('bench compares 1 thread with --threads N, N >= 2');
  let createTfjsMoveNet;
  try {
    ({ createTfjsMoveNet } = await import('./reference/tfjs-movenet.mjs'));
  } catch (e) {
    throw new Error(`the TF.js reference is not installed (npm ci installs the devDependencies): ${e.message}`);
  }
  const frame = await sampleFrame();
  const tfjs = await createTfjsMoveNet({ threads: 1 });
  const input = tfjs.prepareInput(frame.rgba, frame.width, frame.height);
  const kt = await loadRuntime();
  const model = await loadMoveNet({ backend: 'xnnpack' });
  const modelMt = await loadMoveNet({ backend: 'xnnpack', threads });
  // The plain wasm SIMD build (what engines without relaxed SIMD run), when
  // the default one here is the FMA build.
  const plainKt = await loadRuntime({ relaxedSimd: false });
  const modelPlain = plainKt.kernels !== kt.kernels ? await loadMoveNet({ backend: 'xnnpack', relaxedSimd: false }) : null;

  // Same input, same model files: check they agree before timing anything.
  const a = model.runI32(input), b = tfjs.run(input), c = modelMt.runI32(input);
  const p = modelPlain ? modelPlain.runI32(input) : a;
  let maxDiff = 0, maxThreadsDiff = 0, maxPlainDiff = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    maxThreadsDiff = Math.max(maxThreadsDiff, Math.abs(a[i] - c[i]));
    maxPlainDiff = Math.max(maxPlainDiff, Math.abs(p[i] - b[i]));
  }

  const timed = [() => model.runI32(input), () => modelMt.runI32(input), () => tfjs.run(input)];
  if (modelPlain) timed.push(() => modelPlain.runI32(input));
  const [kinetrackMs, kinetrackMtMs, tfjsMs, plainMs = null] = interleavedMedians(timed, runs, warmup);
  const trackers = [await createTracker({ query: 'angles=true' }), await createTracker({ query: 'angles=true', threads })];
  const [frameMs, frameMtMs] = interleavedMedians(
    trackers.map((t) => () => t.processFrame(frame.rgba, frame.width, frame.height, 0)), runs, warmup);
  trackers.forEach((t) => t.dispose());
  const info = tfjs.backendInfo();
  tfjs.dispose();
  return {
    machine: `${os.cpus()[0]?.model?.trim() || os.arch()} (${os.cpus().length} cores), Node ${process.version}`,
    input: `${frame.source} -> 192x192 letterbox`,
    runs,
    load: os.loadavg()[0],
    kinetrack: { backend: `XNNPACK ${kt.kernels}`, threads: 1, msPerInference: kinetrackMs },
    kinetrackThreads: { backend: `XNNPACK ${kt.kernels}, threaded build`, threads, msPerInference: kinetrackMtMs },
    kinetrackPlain: modelPlain ? { backend: `XNNPACK ${plainKt.kernels}`, threads: 1, msPerInference: plainMs, maxOutputDiff: maxPlainDiff } : null,
    tfjs: { backend: `tfjs-backend-wasm ${info.wasmVersion || ''} SIMD`.replace('  ', ' '), threads: info.threads ?? 1, simd: info.simd, msPerInference: tfjsMs },
    ratio: kinetrackMs / tfjsMs,
    ratioPlain: modelPlain ? plainMs / tfjsMs : null,
    ratioThreads: kinetrackMtMs / tfjsMs,
    speedup: kinetrackMs / kinetrackMtMs,
    kinetrackFrameMs: frameMs,
    kinetrackThreadsFrameMs: frameMtMs,
    frameSize: `${frame.width}x${frame.height}`,
    maxOutputDiff: maxDiff,
    maxThreadsOutputDiff: maxThreadsDiff,
    wasmMemoryBytes: kt.memoryBytes(),
  };
}

export function formatBench(r) {
  const f = (x) => x.toFixed(2).padStart(8);
  const n = r.kinetrackThreads.threads;
  return [
    `kinetrack bench — MoveNet SinglePose Lightning, ${r.runs} runs (median), ${r.machine}, load ${r.load.toFixed(2)}`,
    `input: ${r.input}`,
    '',
    '                                                  ms/inference',
    `kinetrack (${r.kinetrack.backend}, 1 thread)                  ${f(r.kinetrack.msPerInference)}`,
    `kinetrack (${r.kinetrack.backend}, ${n} threads, threaded build) ${f(r.kinetrackThreads.msPerInference)}`,
    `TF.js     (${r.tfjs.backend}, ${r.tfjs.threads} thread)      ${f(r.tfjs.msPerInference)}`,
    ...(r.kinetrackPlain ? [`kinetrack (${r.kinetrackPlain.backend}, 1 thread, engines without relaxed SIMD) ${f(r.kinetrackPlain.msPerInference)}`] : []),
    `ratio kinetrack 1 thread / TF.js                      ${r.ratio.toFixed(3).padStart(8)}`,
    ...(r.kinetrackPlain ? [`ratio kinetrack ${r.kinetrackPlain.backend}, 1 thread / TF.js ${r.ratioPlain.toFixed(3).padStart(8)}`] : []),
    `ratio kinetrack ${n} threads / TF.js                     ${r.ratioThreads.toFixed(3).padStart(8)}`,
    `speedup ${n} threads over 1                             ${r.speedup.toFixed(3).padStart(8)}`,
    '',
    `kinetrack whole frame (${r.frameSize}: preprocess, inference, decode, messages): ${r.kinetrackFrameMs.toFixed(2)} ms on 1 thread, ${r.kinetrackThreadsFrameMs.toFixed(2)} ms on ${n}`,
    `max |kinetrack - TF.js| over the 51 outputs: ${r.maxOutputDiff.toExponential(2)}; 1 vs ${n} threads: ${r.maxThreadsOutputDiff.toExponential(2)}` +
      (r.kinetrackPlain ? `; ${r.kinetrackPlain.backend} - TF.js: ${r.kinetrackPlain.maxOutputDiff.toExponential(2)}` : ''),
    `wasm memory (1-thread build): ${(r.wasmMemoryBytes / 1048576).toFixed(1)} MiB`,
  ].join('\n');
}
