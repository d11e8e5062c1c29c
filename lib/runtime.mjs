// runtime.mjs — Node side of the wasm runtime: loads build/wasm/kinetrack
// (once per process) and the MoveNet model files from models/ (once per
// backend). Everything above this (library, CLI, bench, tests) shares it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadKinetrack, KinetrackError } from '../wasm/kinetrack-loader.mjs';

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

export function moveNetFiles() {
  const json = path.join(modelDir, 'movenet-lightning.json');
  const bin = path.join(modelDir, 'movenet-lightning.bin');
  if (!fs.existsSync(json) || !fs.existsSync(bin))
    throw new KinetrackError('model_missing', `MoveNet files are missing in ${modelDir}: run make models`);
  return { json, bin };
}

// The MoveNet model, loaded once per backend ('xnnpack' or 'reference').
export async function loadMoveNet({ backend = 'xnnpack' } = {}) {
  if (!models.has(backend)) {
    models.set(backend, (async () => {
      const kt = await loadRuntime();
      const { json, bin } = moveNetFiles();
      return kt.loadModel(fs.readFileSync(json, 'utf8'), fs.readFileSync(bin), { backend });
    })());
  }
  return models.get(backend);
}
