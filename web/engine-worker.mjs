// engine-worker.mjs — the Web Worker side of engine.mjs (runInWorker=true):
// the wasm runtime lives here; frames arrive as transferred ArrayBuffers and
// pixel results go back transferred, never copied.
import { createCore, errorInfo } from './engine-core.mjs';

// engine.mjs puts the query's threads=N in this worker's URL.
const threads = Number(new URL(import.meta.url).searchParams.get('threads')) || null;
const ready = createCore({ threads });
ready.catch(() => {});

function transferables(result) {
  if (result instanceof ArrayBuffer) return [result];
  if (!result) return [];
  return [result.overlay, result.exportFrame].filter((b) => b instanceof ArrayBuffer);
}

self.onmessage = async (event) => {
  const { id, method, args } = event.data || {};
  try {
    const core = await ready;
    const result = await core.call(method, args);
    self.postMessage({ id, ok: true, result }, transferables(result));
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorInfo(e) });
  }
};
