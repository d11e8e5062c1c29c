// The TF.js wasm reference (lib/reference/tfjs-movenet.mjs) loads and gives sensible poses.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { createTfjsMoveNet, fullFrameCropRegion, KEYPOINT_NAMES } from '../../lib/reference/tfjs-movenet.mjs';
import { decodeImage } from '../../lib/media/decode.mjs';
import { MEDIA_DIR, haveMedia } from '../helpers/datasets.mjs';

describe('tfjs movenet reference', () => {
  let ref;
  before(async () => { ref = await createTfjsMoveNet({ threads: 1 }); });
  after(() => { if (ref) ref.dispose(); });

  test('runs on the wasm backend with SIMD and one thread', () => {
    const info = ref.backendInfo();
    assert.equal(info.backend, 'wasm');
    assert.equal(info.simd, true);
    assert.equal(info.threads, 1);
  });

  test('run on a zero input gives 51 finite numbers', () => {
    const out = ref.run(new Int32Array(192 * 192 * 3));
    assert.ok(out instanceof Float32Array);
    assert.equal(out.length, 51);
    for (const v of out) assert.ok(Number.isFinite(v));
    for (let i = 2; i < 51; i += 3) assert.ok(out[i] >= 0 && out[i] <= 1);
  });

  test('repeated runs do not leak tensors', () => {
    const input = new Int32Array(192 * 192 * 3).fill(128);
    ref.run(input);
    const before = ref.backendInfo().numTensors;
    const rgba = new Uint8Array(64 * 48 * 4).fill(90);
    for (let i = 0; i < 20; i++) { ref.run(input); ref.runPhoto(rgba, 64, 48); }
    assert.equal(ref.backendInfo().numTensors, before);
  });

  test('crop region pads the short side, centered', () => {
    const r = fullFrameCropRegion(400, 200);
    assert.deepEqual([r.xMin, r.xMax, r.width], [0, 1, 1]);
    assert.equal(r.yMin, -0.5);
    assert.equal(r.yMax, 1.5);
    const p = fullFrameCropRegion(100, 300);
    assert.equal(p.xMin, -1);
    assert.equal(p.width, 3);
  });

  test('messi5.jpg: nose above the ankles', { skip: !haveMedia() && 'shared media not present' }, async () => {
    const img = await decodeImage(path.join(MEDIA_DIR, 'images', 'messi5.jpg'));
    const kps = ref.runPhoto(img.rgba, img.width, img.height);
    assert.equal(kps.length, 17);
    assert.deepEqual(kps.map((k) => k.name), KEYPOINT_NAMES);
    for (const k of kps) {
      assert.ok(k.x >= -0.05 && k.x <= 1.05 && k.y >= -0.05 && k.y <= 1.05, `${k.name} ${k.x},${k.y}`);
    }
    const by = Object.fromEntries(kps.map((k) => [k.name, k]));
    assert.ok(by.nose.score > 0.3, `nose score ${by.nose.score}`);
    const ankles = [by.left_ankle, by.right_ankle].filter((k) => k.score > 0.3);
    assert.ok(ankles.length >= 1, 'no confident ankle');
    for (const a of ankles) assert.ok(by.nose.y < a.y - 0.2, `nose ${by.nose.y} vs ${a.name} ${a.y}`);
    assert.ok(by.left_shoulder.y > by.nose.y && by.left_hip.y > by.left_shoulder.y);
    // runPhoto is prepareInput + run + mapping back
    const raw = ref.run(ref.prepareInput(img.rgba, img.width, img.height));
    const r = fullFrameCropRegion(img.width, img.height);
    assert.ok(Math.abs(r.yMin + raw[0] * r.height - by.nose.y) < 1e-6);
  });
});
