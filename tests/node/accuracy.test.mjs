// Pipeline accuracy: PCK@0.2 against the COCO and OCHuman labels, on every
// person with >= 10 labelled keypoints, cropped by their box. kinetrack's
// photo pipeline must score no lower than the TF.js reference pipeline on
// the same crops. The figures are printed for the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createTfjsMoveNet } from '../../lib/reference/tfjs-movenet.mjs';
import { decodeImage } from '../../lib/media/decode.mjs';
import { createTracker } from '../../lib/index.mjs';
import { loadLabelledPeople, cropPerson, pckAt } from '../helpers/datasets.mjs';

test('PCK@0.2 on COCO + OCHuman crops: kinetrack >= TF.js reference', async () => {
  const people = loadLabelledPeople({ minKeypoints: 10 });
  assert.ok(people.length >= 10, `only ${people.length} labelled people`);
  const tfjs = await createTfjsMoveNet({ threads: 1 });
  const tracker = await createTracker({ query: 'source=image&skeleton=false' });
  const images = new Map();
  const score = { kinetrack: {}, tfjs: {} };
  const add = (who, dataset, r) => {
    const s = (score[who][dataset] ||= { correct: 0, total: 0 });
    s.correct += r.correct;
    s.total += r.total;
  };
  try {
    for (const person of people) {
      if (!images.has(person.file)) images.set(person.file, await decodeImage(person.file));
      const crop = cropPerson(images.get(person.file), person.bbox);
      const toPixels = (kps) => kps.map((k) => ({ x: k.x * crop.width, y: k.y * crop.height }));
      const ours = tracker.processFrame(crop.rgba, crop.width, crop.height, 0).find((m) => m.type === 'keypoints').keypoints;
      const theirs = tfjs.runPhoto(crop.rgba, crop.width, crop.height);
      add('kinetrack', person.dataset, pckAt(toPixels(ours), person, crop.offset, 0.2));
      add('tfjs', person.dataset, pckAt(toPixels(theirs), person, crop.offset, 0.2));
    }
  } finally {
    tracker.dispose();
    tfjs.dispose();
  }
  for (const dataset of Object.keys(score.tfjs)) {
    const k = score.kinetrack[dataset], t = score.tfjs[dataset];
    const pk = k.correct / k.total, pt = t.correct / t.total;
    console.log(`# PCK@0.2 ${dataset}: kinetrack ${(100 * pk).toFixed(1)}% (${k.correct}/${k.total}), TF.js ${(100 * pt).toFixed(1)}% (${t.correct}/${t.total})`);
    assert.ok(pk >= pt, `${dataset}: kinetrack ${pk} < TF.js ${pt}`);
    assert.ok(pk > 0.3, `${dataset}: PCK ${pk} is implausibly low for MoveNet`);
  }
});
