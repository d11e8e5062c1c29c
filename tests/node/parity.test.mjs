// Model parity: kinetrack's MoveNet (C + XNNPACK, and our reference C
// kernels) against TF.js's wasm backend, fed the identical 192x192 input,
// on every photo of ../shared/media/images and frames sampled from every
// clip. Every one of the 51 output values must agree within 1e-3.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { createTfjsMoveNet } from '../../lib/reference/tfjs-movenet.mjs';
import { decodeImage } from '../../lib/media/decode.mjs';
import { loadMoveNet, loadRuntime } from '../../lib/runtime.mjs';
import { createTracker } from '../../lib/index.mjs';
import { MEDIA_DIR, sampleClipFrames } from '../helpers/datasets.mjs';

const TOLERANCE = 1e-3;
const FRAMES_PER_CLIP = 3;

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function photos() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(jpe?g|png)$/i.test(e.name)) out.push(p);
    }
  };
  walk(path.join(MEDIA_DIR, 'images'));
  return out.sort();
}

describe('model parity with TF.js (wasm backend, same model files)', () => {
  let tfjs, xnn, ref;
  const inputs = [];
  before(async () => {
    tfjs = await createTfjsMoveNet({ threads: 1 });
    xnn = await loadMoveNet({ backend: 'xnnpack' });
    ref = await loadMoveNet({ backend: 'reference' });
    for (const file of photos()) {
      const img = await decodeImage(file);
      inputs.push({ name: path.relative(MEDIA_DIR, file), img });
    }
    const clips = fs.readdirSync(path.join(MEDIA_DIR, 'clips')).filter((f) => f.endsWith('.mp4')).sort();
    for (const clip of clips) {
      const frames = await sampleClipFrames(path.join(MEDIA_DIR, 'clips', clip), FRAMES_PER_CLIP);
      frames.forEach((f, i) => inputs.push({ name: `clips/${clip}#${i}`, img: f }));
    }
  });
  after(() => tfjs?.dispose());

  test('the media set is there (8+ photos, 10 clips)', () => {
    assert.ok(inputs.length >= 8 + 10 * FRAMES_PER_CLIP, `only ${inputs.length} inputs`);
  });

  test('XNNPACK backend: every output within 1e-3 of TF.js on every input', () => {
    let worst = 0;
    for (const { name, img } of inputs) {
      const input = tfjs.prepareInput(img.rgba, img.width, img.height);
      const d = maxAbsDiff(xnn.runI32(input), tfjs.run(input));
      assert.ok(d <= TOLERANCE, `${name}: max diff ${d}`);
      worst = Math.max(worst, d);
    }
    console.log(`# parity xnnpack: ${inputs.length} inputs, worst max|diff| ${worst.toExponential(2)}`);
  });

  test('reference C kernels: within 1e-3 of TF.js (a subset: they are slow)', () => {
    let worst = 0;
    for (const { name, img } of inputs.filter((_, i) => i % 8 === 0)) {
      const input = tfjs.prepareInput(img.rgba, img.width, img.height);
      const d = maxAbsDiff(ref.runI32(input), tfjs.run(input));
      assert.ok(d <= TOLERANCE, `${name}: max diff ${d}`);
      worst = Math.max(worst, d);
    }
    console.log(`# parity reference kernels: worst max|diff| ${worst.toExponential(2)}`);
  });

  test('C preprocessing gives TF.js pose-detection\'s exact model input', async () => {
    const kt = await loadRuntime();
    for (const { name, img } of inputs) {
      const ours = kt.photoInput(img.rgba, img.width, img.height);
      const theirs = tfjs.prepareInput(img.rgba, img.width, img.height);
      let differ = 0;
      for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) differ++;
      assert.equal(differ, 0, `${name}: ${differ} input values differ`);
    }
  });

  test('whole photo pipeline (C letterbox crop + resize + decode) matches TF.js pose-detection within 1e-3', async () => {
    const tracker = await createTracker({ query: 'source=image&skeleton=false' });
    try {
      let worst = 0;
      for (const { name, img } of inputs.filter((x) => !x.name.startsWith('clips/'))) {
        const msgs = tracker.processFrame(img.rgba, img.width, img.height, 0);
        const ours = msgs.find((m) => m.type === 'keypoints').keypoints;
        const theirs = tfjs.runPhoto(img.rgba, img.width, img.height);
        for (let k = 0; k < 17; k++) {
          for (const f of ['x', 'y', 'score']) {
            const d = Math.abs(ours[k][f] - theirs[k][f]);
            worst = Math.max(worst, d);
            assert.ok(d <= TOLERANCE, `${name} ${ours[k].name}.${f}: ${ours[k][f]} vs ${theirs[k][f]}`);
          }
        }
      }
      console.log(`# photo pipeline vs TF.js: worst |diff| ${worst.toExponential(2)}`);
    } finally {
      tracker.dispose();
    }
  });
});
