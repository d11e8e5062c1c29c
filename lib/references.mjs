// references.mjs — reference movements on the operator's side: make a
// signature from one repetition of a video, keep it in a folder as
// <uuid>.json (what `kinetrack serve --references` serves), list, show and
// delete them, and find the one a query names. The signature itself is
// built and read by the C (src/exercise/reference/); this is file handling.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { analyzeMedia } from './analyze.mjs';
import { operatorFile, queryId } from './operator-files.mjs';
import { loadRuntime, KinetrackError } from './runtime.mjs';
import { referenceNotFound } from '../wasm/kinetrack-loader.mjs';

export const DEFAULT_REFERENCES_DIR = 'references';
const ID = /^[A-Za-z0-9_-]{1,63}$/;

// A signature from `keypoints` messages (objects of the tracker's output,
// in time order: { timestampMs, keypoints: [{x, y, score}] }) of a video
// of width x height. startMs/endMs: the repetition's span; omitted (or
// negative): the clearest repetition is found and named in the result.
export async function signatureFromKeypoints(messages, { width, height, startMs = -1, endMs = -1, id = crypto.randomUUID(), name = '', model = '' } = {}) {
  if (!ID.test(id)) throw new KinetrackError('invalid_argument', `a reference id is 1-63 of A-Z a-z 0-9 - _ (got '${id}')`);
  const kt = await loadRuntime();
  const b = kt.createReferenceBuilder();
  try {
    for (const m of messages) if (m.type === 'keypoints') b.add(m.keypoints, width, height, m.timestampMs);
    if (b.frames < 2) throw new KinetrackError('invalid_reference', 'no pose was found in the video');
    const text = b.finish({ startMs, endMs, id, name, model });
    return JSON.parse(text);
  } finally {
    b.dispose();
  }
}

// `kinetrack reference create`: analyzes a video (MoveNet, or BlazePose
// with blazepose: true) and builds the signature of one repetition.
export async function createReference(video, { startMs = -1, endMs = -1, name = '', blazepose = false, id = crypto.randomUUID(), timeoutMs = 120000 } = {}) {
  const messages = [];
  let env = null;
  let size = null;
  const query = `keypoints=true${blazepose ? '&blazepose=true' : ''}`;
  for await (const m of analyzeMedia(video, { query, timeoutMs, frameSize: (w, h) => { size = { width: w, height: h }; } })) {
    if (m.type === 'environment') env = m;
    if (m.type === 'keypoints') messages.push(m);
  }
  if (!size) throw new KinetrackError('media_decode_error', 'no video frame was decoded');
  const signature = await signatureFromKeypoints(messages, { ...size, startMs, endMs, id, name: name || path.basename(video), model: env?.model || '' });
  return { signature, keypoints: messages, ...size };
}

export function saveReference(dir, signature) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${signature.id}.json`);
  fs.writeFileSync(file, JSON.stringify(signature, null, 1) + '\n');
  return file;
}

function fileOf(dir, id) {
  if (!ID.test(id)) throw new KinetrackError('invalid_argument', `not a reference id: '${id}'`);
  return path.join(dir, `${id}.json`);
}

export function listReferences(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const id = f.slice(0, -5);
    try {
      const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      const moving = (s.features || []).filter((x) => x.moving).map((x) => x.name);
      return { id, name: s.name, model: s.model, durationMs: s.durationMs, moving };
    } catch (e) {
      return { id, error: `unreadable: ${e.message}` };
    }
  });
}

export function showReference(dir, id) {
  const file = fileOf(dir, id);
  if (!fs.existsSync(file)) throw new KinetrackError('reference_not_found', referenceNotFound(id).message);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function deleteReference(dir, id) {
  const file = fileOf(dir, id);
  if (!fs.existsSync(file)) throw new KinetrackError('reference_not_found', referenceNotFound(id).message);
  fs.unlinkSync(file);
}

// The signature of a query's reference: `references` is a folder of
// <uuid>.json files or an object { uuid: signature }. Null when the query
// names none; a fatal reference_not_found when it is not there.
export function referenceFor(kt, query, plan, references) {
  return operatorFile(kt, queryId(kt, query, plan, 'reference'), references, referenceNotFound);
}
