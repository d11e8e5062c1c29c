// live.mjs — the camera page's frame path, kept lean so a 2-core phone
// keeps up with a 30 fps camera:
//
// - capture runs on every presented camera frame (requestVideoFrameCallback)
//   while the previous frame is being inferred; at most one frame waits,
//   the newest (an older waiting frame is closed: dropped);
// - a frame is a VideoFrame handed (transferred) to the engine, which
//   scales it to the size the model needs while the browser converts it
//   to RGBA (engine-core.mjs processFrame), instead of full-size planes
//   copied on this thread;
// - the skeleton is drawn here from the returned keypoints on a 2D canvas
//   (skeleton-canvas.mjs), not rasterized into an RGBA buffer and shipped
//   back.
//
// Browsers without VideoFrame or OffscreenCanvas (older WebViews) take the
// upload page's path: the frame read on this thread (frames.mjs), one at a
// time.
//
// Where the time goes is kept in window.kinetrackStats() (what
// `kinetrack bench --browser` reads): camera frames presented, frames
// processed and dropped, and ms per stage summed over processed frames —
// capture (VideoFrame from the <video>), conversion (scale + RGBA, in the
// engine), inference (the C tracker: preprocessing, model, exercise logic,
// messages built), messages (the engine call's transport plus posting to
// the host) and drawing (the overlay); window.kinetrackMemory() gives the
// runtime's wasm memory, C heap and JS heaps.
import { exposeMemory, post, sizeOverlay } from './common.mjs';
import { createFrameGrabber } from './frames.mjs';
import { drawSkeleton } from './skeleton-canvas.mjs';

const OVERLAY_MAX_SIDE = 1280;
const STAGES = ['capture', 'conversion', 'inference', 'messages', 'drawing'];

function createStats(inWorker, lean) {
  const s = {
    inWorker, lean, startMs: performance.now(), firstPresented: null, lastPresented: null, captured: 0, processed: 0, replaced: 0,
    ms: Object.fromEntries(STAGES.map((k) => [k, 0])),
  };
  const snapshot = () => ({
    inWorker: s.inWorker,
    lean: s.lean,
    elapsedMs: performance.now() - s.startMs,
    presented: s.firstPresented === null ? null : s.lastPresented - s.firstPresented + 1,
    captured: s.captured,
    processed: s.processed,
    replaced: s.replaced,
    msTotal: { ...s.ms },
  });
  // Read-only for the host; a fresh object per call.
  Object.defineProperty(window, 'kinetrackStats', { value: snapshot, configurable: true });
  return s;
}

export function createLivePath({ engine, video, overlay, skeleton, now }) {
  const lean = typeof VideoFrame === 'function' && typeof OffscreenCanvas === 'function';
  const stats = createStats(engine.inWorker, lean);
  // The runtime's memory and the page's JS heap, for long-session checks.
  exposeMemory(engine);
  const ctx = skeleton ? overlay.getContext('2d') : null;

  function draw(keypoints) {
    if (!ctx) return 0;
    const t = performance.now();
    sizeOverlay(overlay, video.videoWidth, video.videoHeight, OVERLAY_MAX_SIDE);
    drawSkeleton(ctx, keypoints);
    return performance.now() - t;
  }

  function account(captureMs, roundTripMs, result, postMs, drawMs) {
    stats.processed++;
    stats.ms.capture += captureMs;
    stats.ms.conversion += result.conversionMs || 0;
    stats.ms.inference += result.inferenceMs || 0;
    stats.ms.messages += Math.max(0, roundTripMs - (result.conversionMs || 0) - (result.inferenceMs || 0)) + postMs;
    stats.ms.drawing += drawMs;
  }

  async function handle(call, captureMs) {
    const t0 = performance.now();
    const result = await call();
    const roundTripMs = performance.now() - t0;
    const t1 = performance.now();
    for (const m of result.messages) post(m);
    const postMs = performance.now() - t1;
    account(captureMs, roundTripMs, result, postMs, draw(result.keypoints));
  }

  // ------------------------------------------------------------ lean
  async function runLean(running) {
    let queued = null; // { frame, timestampMs, captureMs }
    let wake = null;
    const onPresented = (_now, meta) => {
      if (!running()) return;
      if (meta && Number.isFinite(meta.presentedFrames)) {
        if (stats.firstPresented === null) stats.firstPresented = meta.presentedFrames;
        stats.lastPresented = meta.presentedFrames;
      }
      const t = performance.now();
      let frame = null;
      try {
        frame = new VideoFrame(video);
      } catch { /* no picture yet */ }
      if (frame) {
        stats.captured++;
        if (queued) {
          queued.frame.close();
          stats.replaced++;
        }
        queued = { frame, timestampMs: now(), captureMs: performance.now() - t };
        if (wake) {
          wake();
          wake = null;
        }
      }
      video.requestVideoFrameCallback(onPresented);
    };
    video.requestVideoFrameCallback(onPresented);
    while (running()) {
      if (!queued) await new Promise((resolve) => { wake = resolve; });
      if (!running()) break;
      const { frame, timestampMs, captureMs } = queued;
      queued = null;
      await handle(() => engine.call('processFrame', { frame, timestampMs }, [frame]), captureMs);
    }
    if (queued) queued.frame.close();
  }

  // ---------------------------------------------------- older browsers
  async function runCopying(running) {
    const grab = createFrameGrabber();
    while (running()) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (!video.videoWidth || !video.videoHeight) continue;
      const timestampMs = now();
      const t = performance.now();
      const { frame, transfer } = await grab(video);
      stats.captured++;
      const captureMs = performance.now() - t;
      await handle(() => engine.call('process', { ...frame, timestampMs, overlay: null, withKeypoints: true }, transfer), captureMs);
    }
  }

  return {
    stats,
    run: (running) => (lean && typeof video.requestVideoFrameCallback === 'function' ? runLean(running) : runCopying(running)),
  };
}
