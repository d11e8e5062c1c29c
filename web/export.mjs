// export.mjs — the page's handle on export-worker.mjs (export=true): start
// an export for a video of width x height, hand it each analyzed frame (RGBA
// with the skeleton drawn, transferred, never copied), finish it into a
// Blob. The encoding itself runs in the worker.

export class ExportFailure extends Error {
  constructor(message) {
    super(message);
    this.code = 'export_failed';
  }
}

/**
 * codecs: the encoders allowed ('avc', 'vp9', 'vp8'; all by default), tried
 * in that order.
 * @returns {Promise<{supported: false, tried: string[]} | {supported: true, codec, container,
 *   addFrame(rgba: ArrayBuffer, timestampUs, durationUs): Promise<void>,
 *   finish(onProgress: (encoded, total) => void): Promise<{blob, mimeType, frames, durationMs, audio}>,
 *   cancel(): void}>}
 */
export async function startExport({ width, height, fps, audioUrl = null, codecs = null }) {
  // Without WebCodecs on the page there is none in its workers either
  // (older WebViews): say so without starting one.
  if (typeof VideoEncoder !== 'function' || typeof VideoFrame !== 'function' || typeof Worker !== 'function') {
    return { supported: false, tried: [] };
  }
  const worker = new Worker(new URL('./export-worker.mjs', import.meta.url), { type: 'module', name: 'kinetrack-export' });
  let waiting = null; // { ops, resolve, reject }: the one reply the page awaits
  let onProgress = null;
  const fail = (message) => {
    const w = waiting;
    waiting = null;
    if (w) w.reject(new ExportFailure(message));
  };
  worker.onmessage = (event) => {
    const msg = event.data || {};
    if (msg.op === 'progress') {
      if (onProgress) onProgress(msg.encoded, msg.total);
      return;
    }
    if (msg.op === 'failed') {
      fail(msg.message);
      return;
    }
    if (waiting && waiting.ops.includes(msg.op)) {
      const w = waiting;
      waiting = null;
      w.resolve(msg);
    }
  };
  worker.onerror = (event) => fail(`the export worker failed: ${event.message || 'error'}`);
  const request = (message, ops, transfer = []) => new Promise((resolve, reject) => {
    waiting = { ops, resolve, reject };
    worker.postMessage(message, transfer);
  });

  let reply;
  try {
    reply = await request({ op: 'start', width, height, fps, audioUrl, codecs }, ['started', 'unsupported']);
  } catch (e) {
    worker.terminate();
    throw e;
  }
  if (reply.op === 'unsupported') {
    worker.terminate();
    return { supported: false, tried: reply.tried };
  }
  return {
    supported: true,
    codec: reply.codec,
    container: reply.container,
    addFrame: (rgba, timestampUs, durationUs) => request({ op: 'frame', rgba, timestampUs, durationUs }, ['ack'], [rgba]),
    async finish(progress) {
      onProgress = progress;
      try {
        const done = await request({ op: 'finish' }, ['done']);
        return {
          blob: new Blob([done.bytes], { type: done.mimeType }),
          mimeType: done.mimeType,
          frames: done.frames,
          durationMs: Math.round(done.durationUs) / 1000,
          audio: done.audio,
        };
      } finally {
        worker.terminate();
      }
    },
    cancel: () => {
      fail('export cancelled');
      worker.terminate();
    },
  };
}

const EXPORT_PROGRESS_STEP = 10; // percent between "Exporting the video (N%)" messages

/**
 * export=true on the upload page, around startExport: posts the non-fatal
 * export_not_supported when the browser cannot encode, gives each frame its
 * exact duration (the next frame's timestamp minus its own; the last one the
 * shortest interval seen), posts encoding progress and export_ready, and
 * shows the download link. Returns null when the page must analyze without
 * exporting.
 */
export async function startPageExport({ message, post, width, height, sourceUrl, link }) {
  let exporter;
  try {
    exporter = await startExport({ width, height, fps: 30, audioUrl: sourceUrl });
  } catch (e) {
    exporter = { supported: false, tried: [], reason: String(e && e.message) };
  }
  if (!exporter.supported) {
    post(await message.error('export_not_supported', 'This browser cannot encode video (no WebCodecs VideoEncoder for H.264, VP9 or VP8): the analysis runs without the exported video.',
      { details: { tried: exporter.tried, ...(exporter.reason ? { reason: exporter.reason } : {}) }, fatal: false }));
    return null;
  }
  let pending = null; // { rgba, us }: the frame waiting for its successor's timestamp
  let shortestUs = Infinity;
  let lastMs = 0;
  let broken = false;
  // An encoder that fails mid-way ends the export, not the analysis.
  const failed = async (e) => {
    if (broken) return;
    broken = true;
    exporter.cancel();
    post(await message.error('export_failed', `The video could not be exported: ${e && e.message ? e.message : e}`,
      { details: { codec: exporter.codec }, fatal: false, timestampMs: lastMs }));
  };
  return {
    async frame(rgba, mediaTimeS, timestampMs) {
      if (broken) return;
      const us = Math.round(mediaTimeS * 1e6);
      lastMs = timestampMs;
      try {
        if (pending) {
          const d = us - pending.us;
          shortestUs = Math.min(shortestUs, d);
          await exporter.addFrame(pending.rgba, pending.us, d);
        }
        pending = { rgba, us };
      } catch (e) {
        await failed(e);
      }
    },
    async finish() {
      if (broken) return null;
      try {
        return await this.complete();
      } catch (e) {
        await failed(e);
        return null;
      }
    },
    async complete() {
      if (pending) await exporter.addFrame(pending.rgba, pending.us, Number.isFinite(shortestUs) ? shortestUs : 33333);
      pending = null;
      let shown = -EXPORT_PROGRESS_STEP;
      const progress = async (encoded, total) => {
        const pct = total ? Math.min(100, Math.floor((100 * encoded) / total)) : 100;
        if (pct - shown < EXPORT_PROGRESS_STEP && pct !== 100) return;
        if (pct === shown) return;
        shown = pct;
        post(await message.initialization(`Exporting the video (${pct}%)`, false, 'exporting', lastMs));
      };
      let posted = Promise.resolve(); // progress messages in order, all before export_ready
      const done = await exporter.finish((e, t) => { posted = posted.then(() => progress(e, t)); });
      await posted;
      await progress(1, 1);
      const url = URL.createObjectURL(done.blob);
      if (link) {
        if (link.href && link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
        link.href = url;
        link.download = `kinetrack-export.${exporter.container}`;
        link.hidden = false;
      }
      post(await message.exportReady({ url, mimeType: done.mimeType, durationMs: done.durationMs, width, height, frames: done.frames }, lastMs));
      return done;
    },
    cancel: () => {
      broken = true;
      exporter.cancel();
    },
  };
}
