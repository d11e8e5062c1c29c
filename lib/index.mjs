// kinetrack — Node API (CONTRACT §2).
//
//   import { createTracker } from 'kinetrack';
//   const tracker = await createTracker({ query: 'source=image&angles=true', plan: 'developer' });
//   // userExercise=<id>: its definition from a folder of <id>.json (or an object { id: definition })
//   const custom = await createTracker({ query: 'userExercise=my-move', movements: './movements' });
//   // reference=<uuid>: its signature from a folder of <uuid>.json (or an object { uuid: signature })
//   const ref = await createTracker({ query: 'reference=1b2c...', references: './references' });
//   const messages = tracker.processFrame(rgba, width, height, timestampMs);
//   const tail = tracker.finish();
//   tracker.dispose();
//
// The query is parsed and validated by the same C as the pages; the
// messages are the objects the pages post, built by the C.

import { pngDataUrl } from './media/png.mjs';
import { loadModelsForQuery, loadRuntime, KinetrackError, repoRoot } from './runtime.mjs';
import { TOKEN_ERROR_TEXT, tokenFailure, verifyToken } from './tokens/verify.mjs';
import { keyDir, loadPublicKeys } from './tokens/keys.mjs';
import { movementNotFound } from '../wasm/kinetrack-loader.mjs';
import { referenceFor } from './references.mjs';
import { operatorFile, queryId } from './operator-files.mjs';

export { KinetrackError };
// Reference movements on the operator's side (lib/references.mjs):
//   const { signature } = await createReference('coach.mp4', { startMs: 4000, endMs: 6900, name: 'squat' });
//   saveReference('references', signature);   // then createTracker({ query: `reference=${signature.id}`, references: 'references' })
export { createReference, signatureFromKeypoints, saveReference, listReferences, showReference, deleteReference } from './references.mjs';

async function verifiedPlan(kt, token) {
  try {
    let keys;
    try {
      keys = loadPublicKeys(keyDir(repoRoot));
    } catch {
      keys = { keys: [] }; // no key generated here: no token can verify
    }
    return (await verifyToken(token, { keys })).plan;
  } catch (e) {
    const { code, details } = tokenFailure(e);
    throw new KinetrackError(code, TOKEN_ERROR_TEXT, kt.messages.error(code, TOKEN_ERROR_TEXT, { details }));
  }
}

// The definition of a query's userExercise: `movements` is a folder of
// <id>.json files (what `kinetrack serve --movements` serves) or an object
// { id: definition }. Null when the query names none.
function movementFor(kt, query, plan, movements) {
  return operatorFile(kt, queryId(kt, query, plan, 'userExercise'), movements, movementNotFound);
}

// smoothing: false turns video smoothing off (MediaPipe's smoothLandmarks: false).
// threads: XNNPACK's threads for the pose models (1..8; > 1 runs the
// threaded wasm build); environment.threads in messages reports it.
export async function createTracker({ query = '', plan = 'developer', backend = 'xnnpack', smoothing = true, movements = null, references = null, threads = 1 } = {}) {
  if (typeof query !== 'string') throw new TypeError('query must be a string');
  const kt = await loadRuntime({ threads });
  const clean = query.replace(/^\?/, '');
  // The caller is trusted (`plan`), but a token in the query is verified as
  // the pages verify it, against this installation's public keys, and its
  // plan is the one that counts.
  const token = new URLSearchParams(clean).get('token');
  if (token !== null) plan = await verifiedPlan(kt, token);
  const movement = movementFor(kt, clean, plan, movements);
  const reference = referenceFor(kt, clean, plan, references);
  // The query (parsed by the C, errors and all) says which models to load.
  const models = await loadModelsForQuery(kt.parseQuery(clean, plan), { backend, threads });
  const tracker = kt.createTracker(models, clean, plan, { smoothing, movement, reference });
  let disposed = false;
  const live = () => {
    if (disposed) throw new KinetrackError('invalid_state', 'tracker was disposed');
  };
  return {
    // source=image as the C parser read the query.
    isImage: tracker.isImage,
    // "movenet-lightning", "blazepose-lite", ...
    model: tracker.model,
    // Threads the pose models run on (what environment.threads reports).
    threads: kt.threads,
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
    // A video's 4:2:0 frame ({ format: 'I420' | 'NV12', width, height, data,
    // layout?, matrix?, fullRange? }), converted to RGBA by the C as the
    // pages do. Photos take processFrame (their overlay needs the RGBA).
    processYuv420(frame, timestampMs = 0) {
      live();
      if (tracker.isImage) throw new KinetrackError('invalid_state', 'processYuv420 is for video; photos take processFrame');
      return tracker.processYuv420(frame, timestampMs);
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
