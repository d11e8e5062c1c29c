// runtime.mjs — Node side of the wasm runtime: loads build/wasm/kinetrack
// (once per process) and the model files from models/ (once per model and
// backend). Everything above this (library, CLI, bench, tests) shares it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadKinetrack, KinetrackError } from '../wasm/kinetrack-loader.mjs';
import { MODELS, loadModelFrom, modelsForQuery } from '../wasm/model-manifest.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const wasmDir = path.join(repoRoot, 'build', 'wasm');
export const modelDir = path.join(repoRoot, 'models');
export { KinetrackError };

let runtimePromise = null;
const models = new Map();

export function loadRuntime() {
  if (!runtimePromise) {
    runtimePromise = (async () => {
      const jsPath = path.join(wasmDir, 'kinetrack.mjs');
      const wasmPath = path.join(wasmDir, 'kinetrack.wasm');
      if (!fs.existsSync(jsPath) || !fs.existsSync(wasmPath))
        throw new KinetrackError('runtime_missing', `kinetrack's wasm build is missing (${wasmPath}): run make`);
      const { default: createModule } = await import(pathToFileURL(jsPath).href);
      return loadKinetrack({ createModule, wasmBinary: fs.readFileSync(wasmPath) });
    })();
  }
  return runtimePromise;
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

// Model `name` of the manifest, loaded once per backend ('xnnpack' or 'reference').
export async function loadNamedModel(name, { backend = 'xnnpack' } = {}) {
  const key = `${name}/${backend}`;
  if (!models.has(key)) {
    models.set(key, (async () => {
      const kt = await loadRuntime();
      const bytes = modelFiles(name).map((f) => new Uint8Array(fs.readFileSync(f)));
      return loadModelFrom(kt, name, bytes, { backend });
    })());
    models.get(key).catch(() => models.delete(key)); // a failed load may be retried
  }
  return models.get(key);
}

export function loadMoveNet({ backend = 'xnnpack' } = {}) {
  return loadNamedModel('movenet-lightning', { backend });
}

// The models a parsed query runs ({ movenet } or { blazeposeDetector, blazeposeLandmarks }).
export async function loadModelsForQuery(params, { backend = 'xnnpack' } = {}) {
  const out = {};
  for (const [role, name] of Object.entries(modelsForQuery(params))) out[role] = await loadNamedModel(name, { backend });
  return out;
}
