// Test/evaluation helpers over the shared media (never copied into the repo):
// labelled people from the COCO and OCHuman sample annotations, crops, PCK, clip sampling.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { probeMedia, decodeVideoFrames } from '../../lib/media/decode.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const MEDIA_DIR = path.resolve(repoRoot, '../shared/media');

export const DATASETS = [
  { name: 'coco', annotations: 'images/coco/test_coco.json', imageDir: 'images/coco' },
  { name: 'ochuman', annotations: 'images/ochuman/test_ochuman.json', imageDir: 'images/ochuman' },
];

/** True when the shared media folder is present (tests skip otherwise). */
export function haveMedia() {
  return fs.existsSync(MEDIA_DIR);
}

/**
 * Every annotated person with at least `minKeypoints` labelled keypoints (visibility > 0).
 * @returns {{dataset:string, file:string, imageId:number, annotationId:number, bbox:number[],
 *   keypoints:number[][], labelled:number}[]}  keypoints: 17 × [x, y, v] in image pixels (COCO order)
 */
export function loadLabelledPeople({ minKeypoints = 10 } = {}) {
  const people = [];
  for (const ds of DATASETS) {
    const json = JSON.parse(fs.readFileSync(path.join(MEDIA_DIR, ds.annotations), 'utf8'));
    const images = new Map(json.images.map((im) => [im.id, im]));
    for (const ann of json.annotations) {
      if (ann.iscrowd) continue;
      const kp = ann.keypoints || [];
      if (kp.length !== 51) continue;
      const keypoints = [];
      for (let i = 0; i < 17; i++) keypoints.push([kp[i * 3], kp[i * 3 + 1], kp[i * 3 + 2]]);
      const labelled = keypoints.filter((k) => k[2] > 0).length;
      if (labelled < minKeypoints) continue;
      const im = images.get(ann.image_id);
      if (!im) continue;
      people.push({
        dataset: ds.name,
        file: path.join(MEDIA_DIR, ds.imageDir, im.file_name),
        imageId: ann.image_id,
        annotationId: ann.id,
        bbox: ann.bbox.slice(0, 4).map(Number),
        keypoints,
        labelled,
      });
    }
  }
  return people;
}

/**
 * The RGBA sub-image covered by bbox [x, y, w, h] (rounded outward, clipped to the image).
 * @returns {{width:number, height:number, rgba:Uint8Array, offset:{x:number, y:number}}}
 *   offset: position of the crop's top-left pixel in the image
 */
export function cropPerson(image, bbox) {
  const [bx, by, bw, bh] = bbox;
  const x0 = Math.max(0, Math.floor(bx));
  const y0 = Math.max(0, Math.floor(by));
  const x1 = Math.min(image.width, Math.ceil(bx + bw));
  const y1 = Math.min(image.height, Math.ceil(by + bh));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  if (width === 0 || height === 0) throw new RangeError(`cropPerson: bbox ${bbox} is outside the ${image.width}x${image.height} image`);
  const rgba = new Uint8Array(width * height * 4);
  const srcStride = image.width * 4;
  for (let y = 0; y < height; y++) {
    const s = (y0 + y) * srcStride + x0 * 4;
    rgba.set(image.rgba.subarray(s, s + width * 4), y * width * 4);
  }
  return { width, height, rgba, offset: { x: x0, y: y0 } };
}

/**
 * PCK@alpha for one person: a labelled keypoint is correct when the prediction (crop pixels,
 * shifted by `offset` into image pixels) lies within alpha * max(bbox w, bbox h) of the label.
 * @param {{x:number, y:number}[]} pred 17 predictions in crop pixels (COCO order)
 * @returns {{correct:number, total:number}}
 */
export function pckAt(pred, person, offset = { x: 0, y: 0 }, alpha = 0.2) {
  const thr = alpha * Math.max(person.bbox[2], person.bbox[3]);
  let correct = 0;
  let total = 0;
  for (let i = 0; i < 17; i++) {
    const [gx, gy, v] = person.keypoints[i];
    if (!(v > 0)) continue;
    total++;
    const p = pred[i];
    if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const dx = p.x + offset.x - gx;
    const dy = p.y + offset.y - gy;
    if (Math.hypot(dx, dy) <= thr) correct++;
  }
  return { correct, total };
}

/**
 * n frames evenly spaced through a clip (first and last included), decoded in one pass.
 * @returns {Promise<{index:number, width:number, height:number, rgba:Uint8Array, timestampMs:number}[]>}
 */
export async function sampleClipFrames(clipPath, n, { timeoutMs } = {}) {
  if (!(n >= 1)) return [];
  const info = await probeMedia(clipPath, { timeoutMs, loadErrorCode: 'video_load_error' });
  const total = info.frameCount || 1;
  const wanted = [];
  for (let i = 0; i < n; i++) wanted.push(n === 1 ? 0 : Math.round((i * (total - 1)) / (n - 1)));
  const frames = [];
  let k = 0;
  let last = null;
  for await (const f of decodeVideoFrames(clipPath, { timeoutMs, probe: info })) {
    last = f;
    while (k < wanted.length && wanted[k] === f.index) {
      frames.push({ index: f.index, width: f.width, height: f.height, rgba: f.rgba, timestampMs: f.timestampMs });
      k++;
    }
    if (k >= wanted.length) break;
  }
  // Frame count was an estimate and the clip ended early: repeat the last frame.
  while (last && frames.length < n) {
    frames.push({ index: last.index, width: last.width, height: last.height, rgba: last.rgba, timestampMs: last.timestampMs });
  }
  return frames;
}
