// Robustness: odd frames give valid messages, a long session keeps wasm
// memory flat, and broken model files are errors, not crashes.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { createTracker } from '../../lib/index.mjs';
import { loadRuntime, moveNetFiles } from '../../lib/runtime.mjs';
import { validateAll } from '../helpers/schemas.mjs';

function frame(width, height, fill) {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    const v = fill === 'black' ? 0 : (i * 7919) & 255;
    rgba[i] = v; rgba[i + 1] = (v * 3) & 255; rgba[i + 2] = (v * 5) & 255; rgba[i + 3] = 255;
  }
  return rgba;
}

function checkKeypoints(messages) {
  validateAll(messages);
  const kp = messages.find((m) => m.type === 'keypoints');
  assert.ok(kp, 'a keypoints message');
  for (const k of kp.keypoints) for (const f of ['x', 'y', 'score']) assert.ok(Number.isFinite(k[f]), `${k.name}.${f} finite`);
}

describe('odd frames give valid messages', () => {
  const cases = [
    ['1x1', 1, 1, 'noise'],
    ['4000x3000', 4000, 3000, 'noise'],
    ['all black 640x480', 640, 480, 'black'],
    ['portrait 480x854', 480, 854, 'noise'],
    ['landscape 1280x300', 1280, 300, 'noise'],
  ];
  for (const source of ['video', 'image']) {
    test(`source=${source}`, async () => {
      const tracker = await createTracker({ query: `source=${source}&angles=true` });
      try {
        let ts = 0;
        for (const [name, w, h, fill] of cases) {
          const messages = tracker.processFrame(frame(w, h, fill), w, h, (ts += 33));
          assert.deepEqual(messages.map((m) => m.type), source === 'image' ? ['keypoints', 'angles', 'image_overlay'] : ['keypoints', 'angles'], name);
          checkKeypoints(messages);
          if (source === 'image') assert.equal(messages[2].width, w);
        }
      } finally {
        tracker.dispose();
      }
    });
  }

  test('a frame whose byte count does not match its size is rejected, not read past', async () => {
    const tracker = await createTracker({ query: '' });
    try {
      assert.throws(() => tracker.processFrame(new Uint8Array(10), 64, 48, 0), { code: 'invalid_frame' });
      assert.throws(() => tracker.processFrame(new Uint8Array(0), 0, 0, 0), { code: 'invalid_frame' });
      checkKeypoints(tracker.processFrame(frame(64, 48), 64, 48, 0)); // still usable
    } finally {
      tracker.dispose();
    }
  });
});

test('2000 frames in one tracker leave wasm memory flat', async () => {
  const kt = await loadRuntime();
  const tracker = await createTracker({ query: 'angles=true' });
  const w = 320, h = 240;
  const frames = [frame(w, h, 'noise'), frame(w, h, 'black')];
  let heapAfterWarmup = 0, memAfterWarmup = 0;
  try {
    for (let i = 0; i < 2000; i++) {
      const messages = tracker.processFrame(frames[i & 1], w, h, i * 33.3);
      assert.equal(messages[0].frameId, i);
      if (i === 99) {
        heapAfterWarmup = kt.heapInUse();
        memAfterWarmup = kt.memoryBytes();
      }
    }
    const heap = kt.heapInUse(), mem = kt.memoryBytes();
    console.log(`# after 100 frames: heap ${heapAfterWarmup} B, memory ${memAfterWarmup} B; after 2000: heap ${heap} B, memory ${mem} B`);
    assert.equal(heap, heapAfterWarmup, 'malloc heap in use grew');
    assert.equal(mem, memAfterWarmup, 'wasm memory grew');
  } finally {
    tracker.dispose();
  }
});

describe('broken model files are errors, not crashes', () => {
  const { json, bin } = moveNetFiles();
  const modelJson = fs.readFileSync(json, 'utf8');
  const weights = fs.readFileSync(bin);

  test('truncated weights', async () => {
    const kt = await loadRuntime();
    for (const n of [0, 1, 1000, weights.length >> 1, weights.length - 1]) {
      assert.throws(() => kt.loadModel(modelJson, weights.subarray(0, n)), (e) => e.code === 'model_load_failed' && /truncated|bytes/.test(e.message), `length ${n}`);
    }
  });

  test('truncated or corrupt model.json', async () => {
    const kt = await loadRuntime();
    for (const n of [0, 10, modelJson.length >> 1, modelJson.length - 2])
      assert.throws(() => kt.loadModel(modelJson.slice(0, n), weights), { code: 'model_load_failed' }, `json length ${n}`);
    assert.throws(() => kt.loadModel(modelJson.replace('"_FusedConv2D"', '"Einsum"'), weights), /unsupported op 'Einsum'/);
    const stringInput = JSON.parse(modelJson);
    stringInput.modelTopology.node.find((n) => n.op === 'Placeholder').attr.dtype.type = 'DT_STRING';
    assert.throws(() => kt.loadModel(JSON.stringify(stringInput), weights), /input 'input' dtype/);
    // Seeded byte flips: any outcome but a crash.
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 20; i++) {
      const bytes = Buffer.from(modelJson);
      for (let j = 0; j < 5; j++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        kt.loadModel(bytes.toString('latin1'), weights).dispose();
      } catch (e) {
        assert.equal(e.code, 'model_load_failed');
      }
    }
    // The runtime still works afterwards.
    const model = kt.loadModel(modelJson, weights);
    assert.equal(model.runI32(new Int32Array(192 * 192 * 3)).length, 51);
    model.dispose();
  });
});

test('live mode is chosen before the first frame', async () => {
  const kt = await loadRuntime();
  const { loadMoveNet } = await import('../../lib/runtime.mjs');
  const model = await loadMoveNet();
  const live = kt.createTracker(model, 'exercise=squat', 'developer', { live: true });
  const messages = live.process(frame(64, 48, 'black'), 64, 48, 0);
  const posture = messages.find((m) => m.type === 'posture');
  assert.ok(posture && posture.ready === false, 'a live session starts by placing the user');
  live.dispose();
  const plain = kt.createTracker(model, 'exercise=squat', 'developer');
  plain.process(frame(64, 48, 'black'), 64, 48, 0);
  assert.equal(kt.module._kt_wasm_tracker_set_live(0, 1) !== 0, true, 'NULL tracker refused');
  plain.dispose();
});
