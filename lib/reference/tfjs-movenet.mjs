// TF.js reference for MoveNet SinglePose Lightning: the model files that kinetrack loads, run by
// @tensorflow/tfjs-backend-wasm (SIMD, 1 thread) in Node. Used by tests and `kinetrack bench` to
// compare kinetrack's own runtime against the stock TF.js pipeline.
//
// Node specifics (tfjs 4.22, Node 20):
//  - tfjs-backend-wasm's Node entry (dist/tf-backend-wasm.node.js) already reports
//    WASM_HAS_MULTITHREAD_SUPPORT=false under IS_NODE; we set it explicitly anyway, plus
//    WASM_HAS_SIMD_SUPPORT=true, so the SIMD single-thread binary is always the one picked.
//  - setWasmPaths() takes a *directory prefix* that must end with '/', as a plain file path
//    (not a file:// URL). Emscripten first tries global fetch() on it (Node 20 has fetch; it fails
//    on a bare path) and then falls back to fs.readFileSync, which works. Do not pass
//    usePlatformFetch=true: Node's fetch cannot read file paths.
//  - setWasmPaths / setThreadsCount must run before the first tf.setBackend('wasm'); the backend
//    is process-wide, so it is initialised once and shared by every instance.
//  - Model files are loaded through a custom IOHandler (no fetch, no tfjs-node file://).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import * as tfconv from '@tensorflow/tfjs-converter';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');

export const INPUT_SIZE = 192;
export const KEYPOINT_NAMES = [
  'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
  'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
  'left_wrist', 'right_wrist', 'left_hip', 'right_hip',
  'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
];

/** Default model: the MoveNet Lightning graph model shipped inside @vladmandic/human. */
export function defaultModelJsonPath() {
  const direct = path.join(repoRoot, 'node_modules', '@vladmandic', 'human', 'models', 'movenet-lightning.json');
  if (fs.existsSync(direct)) return direct;
  // The package's "exports" hides package.json: walk up from its main entry instead.
  let dir = path.dirname(require.resolve('@vladmandic/human'));
  while (dir !== path.dirname(dir) && !fs.existsSync(path.join(dir, 'models', 'movenet-lightning.json'))) {
    dir = path.dirname(dir);
  }
  return path.join(dir, 'models', 'movenet-lightning.json');
}

let backendPromise = null;
let backendThreads = null;

async function initWasmBackend(threads) {
  if (backendPromise) {
    if (backendThreads !== threads) {
      // The wasm backend is process-wide; the first caller fixes the thread count.
      process.emitWarning(`tfjs wasm backend already initialised with ${backendThreads} thread(s); ignoring threads=${threads}`);
    }
    return backendPromise;
  }
  backendThreads = threads;
  backendPromise = (async () => {
    const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    tfwasm.setWasmPaths(distDir + path.sep);
    tfwasm.setThreadsCount(threads);
    const ok = await tf.setBackend('wasm');
    if (!ok || tf.getBackend() !== 'wasm') throw new Error('tfjs: could not initialise the wasm backend');
    await tf.ready();
  })();
  try {
    await backendPromise;
  } catch (e) {
    backendPromise = null;
    throw e;
  }
  return backendPromise;
}

/** IOHandler that reads a TF.js graph model (model.json + weight shards) from the local disk. */
export function fileIOHandler(modelJsonPath) {
  return {
    load: async () => {
      const json = JSON.parse(await fs.promises.readFile(modelJsonPath, 'utf8'));
      const dir = path.dirname(modelJsonPath);
      const weightSpecs = [];
      const buffers = [];
      for (const group of json.weightsManifest || []) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) buffers.push(await fs.promises.readFile(path.join(dir, p)));
      }
      const all = Buffer.concat(buffers);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
      const artifacts = {
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      };
      if (json.signature) artifacts.signature = json.signature;
      if (json.userDefinedMetadata) artifacts.userDefinedMetadata = json.userDefinedMetadata;
      if (json.modelInitializer) artifacts.modelInitializer = json.modelInitializer;
      return artifacts;
    },
  };
}

/**
 * Square crop region (normalized to the frame) that covers the whole frame, centered: what
 * TF.js pose-detection's MoveNet uses for a single image (initCropRegion). Pads the short side.
 */
export function fullFrameCropRegion(width, height) {
  if (width > height) {
    const boxHeight = width / height;
    const yMin = (height / 2 - width / 2) / height;
    return { yMin, xMin: 0, yMax: yMin + boxHeight, xMax: 1, height: boxHeight, width: 1 };
  }
  const boxWidth = height / width;
  const xMin = (width / 2 - height / 2) / width;
  return { yMin: 0, xMin, yMax: 1, xMax: xMin + boxWidth, height: 1, width: boxWidth };
}

function rgbaToRgbFloat(rgba, width, height) {
  const n = width * height;
  if (!rgba || rgba.length < n * 4) throw new Error(`rgba must hold ${n * 4} bytes (${width}x${height})`);
  const rgb = new Float32Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const k = i * 4;
    rgb[j] = rgba[k];
    rgb[j + 1] = rgba[k + 1];
    rgb[j + 2] = rgba[k + 2];
  }
  return rgb;
}

/**
 * @param {{modelJsonPath?: string, threads?: number}} [opts]
 */
export async function createTfjsMoveNet({ modelJsonPath = defaultModelJsonPath(), threads = 1 } = {}) {
  await initWasmBackend(threads);
  const model = await tfconv.loadGraphModel(fileIOHandler(modelJsonPath));
  const inputName = model.inputs[0].name;
  let disposed = false;

  function check() {
    if (disposed) throw new Error('tfjs movenet: disposed');
  }

  function execute(inputTensor) {
    const out = model.execute({ [inputName]: inputTensor });
    const t = Array.isArray(out) ? out[0] : out;
    const data = t.dataSync();
    if (Array.isArray(out)) out.forEach((o) => o.dispose()); else out.dispose();
    return Float32Array.from(data);
  }

  /** Raw model call: int32 (or uint8) 192*192*3 HWC RGB → Float32Array(51) [y, x, score] * 17. */
  function run(input) {
    check();
    const n = INPUT_SIZE * INPUT_SIZE * 3;
    if (!input || input.length !== n) throw new Error(`run: input must have ${n} values`);
    const data = input instanceof Int32Array ? input : Int32Array.from(input);
    return tf.tidy(() => {
      const x = tf.tensor4d(data, [1, INPUT_SIZE, INPUT_SIZE, 3], 'int32');
      return execute(x);
    });
  }

  /** Build the model input from an RGBA frame exactly as TF.js pose-detection does for one image. */
  function preprocess(rgba, width, height) {
    const rgb = rgbaToRgbFloat(rgba, width, height);
    const r = fullFrameCropRegion(width, height);
    return {
      region: r,
      tensor: tf.tidy(() => {
        const img = tf.tensor4d(rgb, [1, height, width, 3], 'float32');
        const crop = tf.image.cropAndResize(img, tf.tensor2d([[r.yMin, r.xMin, r.yMax, r.xMax]], [1, 4]),
          tf.tensor1d([0], 'int32'), [INPUT_SIZE, INPUT_SIZE], 'bilinear', 0);
        return tf.cast(crop, 'int32');
      }),
    };
  }

  /** Model input (Int32Array 192*192*3) for an RGBA frame: lets a caller feed kinetrack the same bytes. */
  function prepareInput(rgba, width, height) {
    check();
    const { tensor } = preprocess(rgba, width, height);
    try { return Int32Array.from(tensor.dataSync()); } finally { tensor.dispose(); }
  }

  /** Single image → 17 keypoints {name, x, y, score}, x/y normalized to the source frame. */
  function runPhoto(rgba, width, height) {
    check();
    const { tensor, region } = preprocess(rgba, width, height);
    let out;
    try { out = tf.tidy(() => execute(tensor)); } finally { tensor.dispose(); }
    return KEYPOINT_NAMES.map((name, i) => ({
      name,
      x: region.xMin + out[i * 3 + 1] * region.width,
      y: region.yMin + out[i * 3] * region.height,
      score: out[i * 3 + 2],
    }));
  }

  function backendInfo() {
    let threadsCount = null;
    try { threadsCount = tfwasm.getThreadsCount(); } catch { /* not initialised */ }
    return {
      backend: tf.getBackend(),
      simd: Boolean(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')),
      multithread: Boolean(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')),
      threads: threadsCount,
      tfjsVersion: tf.version_core,
      wasmVersion: tfwasm.version_wasm,
      modelJsonPath,
      numTensors: tf.memory().numTensors,
    };
  }

  function dispose() {
    if (disposed) return;
    disposed = true;
    model.dispose();
  }

  return { run, runPhoto, prepareInput, backendInfo, dispose, keypointNames: KEYPOINT_NAMES };
}
