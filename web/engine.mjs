// engine.mjs — the pages' handle on the runtime: in a Web Worker
// (runInWorker=true, the default) or on the main thread (false), with the
// same asynchronous call(method, args, transfer) either way.
export class EngineError extends Error {
  constructor({ code, message, payload }) {
    super(message);
    this.code = code;
    this.payload = payload || null;
  }
}

// `threads`: the query's raw `threads` (1..4, or auto when absent or
// anything else; the C parser then refuses a bad value with invalid_param).
// It must be known before the runtime loads (it picks the build), so it
// travels in the worker's URL.
export async function startEngine({ inWorker = true, threads = null } = {}) {
  const wanted = /^[1-4]$/.test(String(threads)) ? Number(threads) : null;
  if (inWorker && typeof Worker === 'function') {
    const url = new URL('./engine-worker.mjs', import.meta.url);
    if (wanted) url.searchParams.set('threads', String(wanted));
    const worker = new Worker(url, { type: 'module', name: 'kinetrack' });
    const pending = new Map();
    let next = 1;
    let broken = null;
    worker.onmessage = (event) => {
      const { id, ok, result, error } = event.data;
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      if (ok) p.resolve(result);
      else p.reject(new EngineError(error));
    };
    worker.onerror = (event) => {
      broken = new EngineError({ code: 'engine_load_failed', message: `the pose worker failed: ${event.message || 'error'}` });
      for (const p of pending.values()) p.reject(broken);
      pending.clear();
    };
    const call = (method, args = {}, transfer = []) => {
      if (broken) return Promise.reject(broken);
      return new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, method, args }, transfer);
      });
    };
    // The first call resolves once the runtime has loaded in the worker.
    await call('environment', { timestampMs: 0 });
    return { call, inWorker: true, terminate: () => worker.terminate() };
  }
  const { createCore, errorInfo } = await import('./engine-core.mjs');
  const core = await createCore({ threads: wanted });
  const call = async (method, args = {}) => {
    try {
      return await core.call(method, args);
    } catch (e) {
      throw new EngineError(errorInfo(e));
    }
  };
  return { call, inWorker: false, terminate: () => {} };
}
