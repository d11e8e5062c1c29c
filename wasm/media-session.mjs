// media-session.mjs — the messages around one photo or video analysis, in
// the order the host app sees them, shared by `kinetrack analyze`
// (lib/analyze.mjs) and the upload page (web/upload.mjs) so both post the
// same initialization steps, progress and completion. The host reads the
// media and runs the tracker; this module only says what is posted around
// that, and when:
//
//   photo: loading()  → "loading image"
//          ready()    → "initializing pose model", environment, "running"
//          (the tracker's messages)
//   video: loading()  → "loading video"
//          ready()    → environment
//          frame(i, total, t) before each frame → "processing (N%)" every 10 %
//          (the tracker's messages, then its final ones)
//          completed(t) → "Analysis completed"
//
// `messages.initialization(text, ready, step, timestampMs)` and
// `messages.environment()` build the messages (the C builds them in both
// hosts; either may return a promise, the page's engine runs in a worker);
// environment() returns a list, since the page may put a non-fatal
// backend_fallback_wasm before it. `post(message)` hands one to the host.

export const PROGRESS_STEP = 10; // percent between "processing (N%)" messages

/** Progress of frame `index` of `total`: floor(100 * index / total), 0 when the total is unknown. */
export const progressPercent = (index, total) => (total > 0 ? Math.min(100, Math.floor((100 * index) / total)) : 0);

export function createMediaSession({ kind, messages, post }) {
  if (kind !== 'image' && kind !== 'video') throw new TypeError(`media session: kind is 'image' or 'video', got ${kind}`);
  const init = async (text, ready, step, timestampMs = 0) => post(await messages.initialization(text, ready, step, timestampMs));
  let lastPct = -PROGRESS_STEP;
  return {
    kind,
    loading: () => init(kind === 'image' ? 'loading image' : 'loading video', false, 'loading_media'),
    async ready() {
      if (kind === 'image') await init('initializing pose model', false, 'loading_pose_model');
      for (const m of await messages.environment()) post(m);
      if (kind === 'image') await init('running', true, 'ready');
    },
    // Before frame `index` (0-based) of about `total` (0 = unknown).
    async frame(index, total, timestampMs) {
      const pct = progressPercent(index, total);
      if (pct - lastPct < PROGRESS_STEP) return;
      lastPct = pct;
      await init(`Your video is processing, please stay on this page (${pct}%)`, false, 'processing', timestampMs);
    },
    completed: (timestampMs) => init('Analysis completed', true, 'ready', timestampMs),
  };
}
