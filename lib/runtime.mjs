// runtime.mjs — Node side of the wasm runtime: loads build/wasm/kinetrack
// (or kinetrack-mt for threads > 1; once per thread count and process) and
// the model files from models/ (once per model, backend and thread count). Everything above this (library, CLI, bench, tests) shares it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chooseBuild, loadKinetrack, KinetrackError, MAX_THREADS } from '../wasm/kinetrack-loader.mjs';
import { MODELS, loadModelFrom, modelsForQuery } from '../wasm/model-manifest.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const wasmDir = path.join(repoRoot, 'build', 'wasm');
export const modelDir = path.join(repoRoot, 'models');
export { KinetrackError, MAX_THREADS };

const runtimes = new Map(); // threads -> Promise<runtime>
const models = new Map();

// The thread count a caller asked for, checked: an integer 1..MAX_THREADS.
export function threadCount(threads) {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new KinetrackError('invalid_argument', `threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
  return threads;
}

// The wasm runtime running `threads` threads (Node has shared memory, so
// threads > 1 is the threaded build), loaded once per count and process.
export function loadRuntime({ threads = 1 } = {}) {
  const { build, threads: n } = chooseBuild(threadCount(threads), { sharedMemory: true });
  if (!runtimes.has(n)) {
    runtimes.set(n, (async () => {
      const jsPath = path.join(wasmDir, `${build}.mjs`);
      const wasmPath = path.join(wasmDir, `${build}.wasm`);
      if (!fs.existsSync(jsPath) || !fs.existsSync(wasmPath))
        throw new KinetrackError('runtime_missing', `kinetrack's wasm build is missing (${wasmPath}): run make`);
      const { default: createModule } = await import(pathToFileURL(jsPath).href);
      return loadKinetrack({ createModule, wasmBinary: fs.readFileSync(wasmPath), threads: n });
    })());
    runtimes.get(n).catch(() => runtimes.delete(n)); // a failed load may be retried
  }
  return runtimes.get(n);
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
// 'reference') and thread count (each count is its own wasm instance).
export async function loadNamedModel(name, { backend = 'xnnpack', threads = 1 } = {}) {
  const key = `${name}/${backend}/${threads}`;
  if (!models.has(key)) {
    models.set(key, (async () => {
      const kt = await loadRuntime({ threads });
      const bytes = modelFiles(name).map((f) => new Uint8Array(fs.readFileSync(f)));
      return loadModelFrom(kt, name, bytes, { backend });
    })());
    models.get(key).catch(() => models.delete(key)); // a failed load may be retried
  }
  return models.get(key);
}

export function loadMoveNet({ backend = 'xnnpack', threads = 1 } = {}) {
  return loadNamedModel('movenet-lightning', { backend, threads });
}

// The models a parsed query runs ({ movenet } or { blazeposeDetector, blazeposeLandmarks }).
export async function loadModelsForQuery(params, { backend = 'xnnpack', threads = 1 } = {}) {
  const out = {};
  for (const [role, name] of Object.entries(modelsForQuery(params))) out[role] = await loadNamedModel(name, { backend, threads });
  return out;
}
