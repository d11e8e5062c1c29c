// runtime.mjs — Node side of the wasm runtime: loads build/wasm/kinetrack
// (or kinetrack-mt for threads > 1; the -fma builds where relaxed SIMD runs;
// once per build, thread count and process) and the model files from
// models/ (once per model, backend and instance). Everything above this
// (library, CLI, bench, tests) shares it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

import { chooseBuild, loadKinetrack, KinetrackError, MAX_THREADS, relaxedSimdSupported } from '../wasm/kinetrack-loader.mjs';

// Node 20's V8 has relaxed SIMD (the FMA builds' f32x4.relaxed_madd) behind
// a flag; later Node versions have it on. Set before any module compiles,
// and only where the probe says it is missing; where V8 does not know the
// flag, the probe still says no and the plain build runs.
if (!relaxedSimdSupported()) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const RELAXED_SIMD = relaxedSimdSupported();
import { MODELS, loadModelFrom, modelsForQuery } from '../wasm/model-manifest.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const wasmDir = path.join(repoRoot, 'build', 'wasm');
export const modelDir = path.join(repoRoot, 'models');
export { KinetrackError, MAX_THREADS };

const runtimes = new Map(); // runtimeKey -> Promise<runtime>
const models = new Map();

// The thread count a caller asked for, checked: an integer 1..MAX_THREADS.
export function threadCount(threads) {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new KinetrackError('invalid_argument', `threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
  return threads;
}

// The wasm runtime running `threads` threads (Node has shared memory, so
// threads > 1 is the threaded build), loaded once per build, thread count
// and process.
// `relaxedSimd`: false loads the plain wasm SIMD build even where the FMA
// one runs (the bench compares them; KINETRACK_RELAXED_SIMD=0 does the same
// for a whole process).
export function loadRuntime({ threads = 1, relaxedSimd = defaultRelaxedSimd() } = {}) {
  const { build, threads: n, key } = runtimeFor(threads, relaxedSimd);
  if (!runtimes.has(key)) {
    runtimes.set(key, (async () => {
      const jsPath = path.join(wasmDir, `${build}.mjs`);
      const wasmPath = path.join(wasmDir, `${build}.wasm`);
      if (!fs.existsSync(jsPath) || !fs.existsSync(wasmPath))
        throw new KinetrackError('runtime_missing', `kinetrack's wasm build is missing (${wasmPath}): run make`);
      const { default: createModule } = await import(pathToFileURL(jsPath).href);
      return loadKinetrack({ createModule, wasmBinary: fs.readFileSync(wasmPath), threads: n });
    })());
    runtimes.get(key).catch(() => runtimes.delete(key)); // a failed load may be retried
  }
  return runtimes.get(key);
}

// The build and thread count a request runs, and the key of its instance
// (one per build and thread count: the threaded build at 2 and at 4
// threads are two instances).
function runtimeFor(threads, relaxedSimd) {
  const { build, threads: n } = chooseBuild(threadCount(threads), { sharedMemory: true, relaxedSimd: relaxedSimd && RELAXED_SIMD });
  return { build, threads: n, key: `${build}/${n}` };
}

function defaultRelaxedSimd() {
  return process.env.KINETRACK_RELAXED_SIMD !== '0';
}

// Paths of a model's files; model_missing when one is absent.
export function modelFiles(name) {
  const files = MODELS[name].files.map((f) => path.join(modelDir, f));
  const missing = files.find((f) => !fs.existsSync(f));
  if (missing) throw new KinetrackError('model_missing', `model file ${missing} is missing: run make models`);
  return files;
}

export function moveNetFiles() {
  const [json, bin] = modelFiles('movenet-lightning');
  return { json, bin };
}

// Model `name` of the manifest, loaded once per backend ('xnnpack' or
// 'reference') and build (each build and thread count is its own wasm
// instance).
export async function loadNamedModel(name, { backend = 'xnnpack', threads = 1, relaxedSimd = defaultRelaxedSimd() } = {}) {
  const key = `${name}/${backend}/${runtimeFor(threads, relaxedSimd).key}`;
  if (!models.has(key)) {
    models.set(key, (async () => {
      const kt = await loadRuntime({ threads, relaxedSimd });
      const bytes = modelFiles(name).map((f) => new Uint8Array(fs.readFileSync(f)));
      return loadModelFrom(kt, name, bytes, { backend });
    })());
    models.get(key).catch(() => models.delete(key)); // a failed load may be retried
  }
  return models.get(key);
}

export function loadMoveNet({ backend = 'xnnpack', threads = 1, relaxedSimd = defaultRelaxedSimd() } = {}) {
  return loadNamedModel('movenet-lightning', { backend, threads, relaxedSimd });
}

// The models a parsed query runs ({ movenet } or { blazeposeDetector, blazeposeLandmarks }).
export async function loadModelsForQuery(params, { backend = 'xnnpack', threads = 1 } = {}) {
  const out = {};
  for (const [role, name] of Object.entries(modelsForQuery(params))) out[role] = await loadNamedModel(name, { backend, threads });
  return out;
}
