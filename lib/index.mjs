// kinetrack — Node API (CONTRACT §2).
//
//   import { createTracker } from 'kinetrack';
//   const tracker = await createTracker({ query: 'source=image&angles=true', plan: 'developer' });
//   const messages = tracker.processFrame(rgba, width, height, timestampMs);
//   const tail = tracker.finish();
//   tracker.dispose();
//
// The query is parsed and validated by the same C as the pages; the
// messages are the objects the pages post, built by the C.
import { pngDataUrl } from './media/png.mjs';
import { loadMoveNet, loadRuntime, KinetrackError } from './runtime.mjs';

export { KinetrackError };

export async function createTracker({ query = '', plan = 'developer', backend = 'xnnpack' } = {}) {
  if (typeof query !== 'string') throw new TypeError('query must be a string');
  const kt = await loadRuntime();
  const model = await loadMoveNet({ backend });
  const tracker = kt.createTracker(model, query.replace(/^\?/, ''), plan);
  let disposed = false;
  const live = () => {
    if (disposed) throw new KinetrackError('invalid_state', 'tracker was disposed');
  };
  return {
    processFrame(rgba, width, height, timestampMs = 0) {
      live();
      const messages = tracker.process(rgba, width, height, timestampMs);
      if (tracker.isImage) {
        // The image overlay: C draws the skeleton, the host encodes PNG.
        const pixels = tracker.skeleton ? tracker.renderOverlay(rgba, width, height) : rgba;
        messages.push(...tracker.imageOverlayMessage(pngDataUrl(pixels, width, height), width, height, timestampMs));
      }
      return messages;
    },
    // RGBA copy of `rgba` with the last frame's skeleton drawn (for --overlay).
    renderOverlay(rgba, width, height) {
      live();
      return tracker.renderOverlay(rgba, width, height);
    },
    finish() {
      live();
      return tracker.finish();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tracker.dispose();
    },
  };
}
