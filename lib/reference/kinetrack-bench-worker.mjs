// kinetrack-bench-worker.mjs — kinetrack's threaded build in a Web Worker of
// a cross-origin isolated page, as the pages' engine runs it by default
// (web/engine-core.mjs), timed by kinetrack-frame-timing.mjs. One message
// in: { threads, variant, rgba (transferred), width, height, runs, warmup };
// one out: { ok, result | error }.
import { loadBenchRuntime, timeTrackerFrames } from './kinetrack-frame-timing.mjs';

let runtime = null;
self.onmessage = async ({ data }) => {
  try {
    runtime ||= await loadBenchRuntime({ threads: data.threads });
    self.postMessage({ ok: true, result: await timeTrackerFrames({ runtime, ...data, rgba: new Uint8Array(data.rgba) }) });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e?.stack || e) });
  }
};
