// BlazePose through the Node API (blazepose=true): message shapes (data33,
// worldLandmarks, z), the query's model choice, accuracy against the COCO
// and OCHuman labels beside MoveNet, exercises fed from BlazePose's COCO
// keypoints, odd frames, 2000 frames with flat memory, heavy within 256 MB
// of wasm memory, and broken .tflite files as errors. Figures are printed
// for the README.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { createTracker } from '../../lib/index.mjs';
import { decodeImage } from '../../lib/media/decode.mjs';
import { loadRuntime, modelDir, repoRoot } from '../../lib/runtime.mjs';
import { cropPerson, loadLabelledPeople, MEDIA_DIR, pckAt, sampleClipFrames } from '../helpers/datasets.mjs';
import { validateAll } from '../helpers/schemas.mjs';

const MESSI = path.join(MEDIA_DIR, 'images/messi5.jpg');
const VARIANTS = ['lite', 'full', 'heavy'];

function noise(width, height, fill = 'noise') {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    const v = fill === 'black' ? 0 : (i * 7919) & 255;
    rgba[i] = v; rgba[i + 1] = (v * 3) & 255; rgba[i + 2] = (v * 5) & 255; rgba[i + 3] = 255;
  }
  return rgba;
}

const keypointsOf = (messages) => messages.find((m) => m.type === 'keypoints');

describe('messages', () => {
  test('a photo: 17 COCO keypoints (score = visibility, z filled), data33 and worldLandmarks; environment names the model', async () => {
    const img = await decodeImage(MESSI);
    for (const variant of VARIANTS) {
      const tracker = await createTracker({ query: `source=image&keypoints=true&angles=true&blazepose=true&mediapipeModel=${variant}` });
      try {
        assert.equal(tracker.model, `blazepose-${variant}`);
        const messages = validateAll(tracker.processFrame(img.rgba, img.width, img.height, 0));
        assert.deepEqual(messages.map((m) => m.type), ['keypoints', 'angles', 'image_overlay']);
        const k = keypointsOf(messages);
        assert.equal(k.data33.length, 33);
        assert.equal(k.worldLandmarks.length, 33);
        // COCO k is BlazePose landmark MAP[k]: same position, its visibility as score.
        const MAP = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28];
        MAP.forEach((b, i) => {
          assert.deepEqual([k.keypoints[i].x, k.keypoints[i].y, k.keypoints[i].z, k.keypoints[i].score],
            [k.data33[b].x, k.data33[b].y, k.data33[b].z, k.data33[b].visibility]);
        });
        assert.ok(k.keypoints.some((p) => p.z !== 0), 'z filled');
        // World landmarks: metres around the hips (a person is about 1-2 m).
        const hips = [k.worldLandmarks[23], k.worldLandmarks[24]];
        assert.ok(Math.abs(hips[0].x + hips[1].x) < 0.05 && Math.abs(hips[0].y + hips[1].y) < 0.05, 'hip centre near the origin');
        const span = Math.hypot(k.worldLandmarks[0].x - k.worldLandmarks[27].x, k.worldLandmarks[0].y - k.worldLandmarks[27].y);
        assert.ok(span > 0.8 && span < 2.2, `nose to ankle ${span} m`);
      } finally {
        tracker.dispose();
      }
    }
  });

  test('a video: keypoints per frame and keypoints_batch with data33 and worldLandmarks; the model is named', async () => {
    const frames = await sampleClipFrames(path.join(MEDIA_DIR, 'clips/squat_side_3.mp4'), 12);
    const tracker = await createTracker({ query: 'keypoints=true&blazepose=true' });
    try {
      frames.forEach((f, i) => {
        const k = keypointsOf(validateAll(tracker.processFrame(f.rgba, f.width, f.height, i * 100)));
        assert.equal(k.frameId, i);
        assert.equal(k.data33.length, 33);
      });
      const tail = validateAll(tracker.finish());
      const batch = tail.find((m) => m.type === 'keypoints_batch');
      assert.equal(batch.model, 'blazepose-lite');
      assert.equal(batch.frames.length, frames.length);
      assert.ok(batch.frames.every((f) => f.data33.length === 33 && f.worldLandmarks.length === 33));
    } finally {
      tracker.dispose();
    }
  });

  test('MoveNet messages keep their shape (no data33)', async () => {
    const img = await decodeImage(MESSI);
    const tracker = await createTracker({ query: 'source=image&keypoints=true' });
    try {
      const k = keypointsOf(validateAll(tracker.processFrame(img.rgba, img.width, img.height, 0)));
      assert.equal(tracker.model, 'movenet-lightning');
      assert.equal(k.data33, undefined);
      assert.ok(k.keypoints.every((p) => p.z === 0));
    } finally {
      tracker.dispose();
    }
  });

  test('free plan: blazepose is a developer feature', async () => {
    await assert.rejects(createTracker({ query: 'blazepose=true', plan: 'free' }), { code: 'developer_features_not_allowed' });
  });
});

test('PCK@0.2 on COCO + OCHuman crops: BlazePose lite, full, heavy beside MoveNet', async () => {
  const people = loadLabelledPeople({ minKeypoints: 10 });
  const images = new Map();
  const results = {};
  for (const model of ['movenet', ...VARIANTS]) {
    const q = model === 'movenet' ? 'source=image&skeleton=false' : `source=image&skeleton=false&blazepose=true&mediapipeModel=${model}`;
    const tracker = await createTracker({ query: q });
    try {
      for (const person of people) {
        if (!images.has(person.file)) images.set(person.file, await decodeImage(person.file));
        const crop = cropPerson(images.get(person.file), person.bbox);
        const kps = keypointsOf(tracker.processFrame(crop.rgba, crop.width, crop.height, 0)).keypoints;
        const r = pckAt(kps.map((k) => ({ x: k.x * crop.width, y: k.y * crop.height })), person, crop.offset, 0.2);
        const s = ((results[person.dataset] ||= {})[model] ||= { correct: 0, total: 0 });
        s.correct += r.correct;
        s.total += r.total;
      }
    } finally {
      tracker.dispose();
    }
  }
  for (const [dataset, byModel] of Object.entries(results)) {
    console.log(`# PCK@0.2 ${dataset}: ${Object.entries(byModel).map(([m, s]) => `${m} ${(100 * s.correct / s.total).toFixed(1)}% (${s.correct}/${s.total})`).join(', ')}`);
    for (const v of VARIANTS) assert.ok(byModel[v].correct / byModel[v].total > 0.5, `${dataset} ${v}: implausibly low`);
  }
});

test('exercises run on BlazePose\'s COCO keypoints (squat_side_3: 3 squats)', async () => {
  // The first 11 s at 10 fps: the exercise engine sees BlazePose's 17 COCO keypoints.
  const frames = await sampleClipFrames(path.join(MEDIA_DIR, 'clips/squat_side_3.mp4'), 108);
  const tracker = await createTracker({ query: 'exercise=squat&blazepose=true' });
  let final;
  try {
    frames.forEach((f) => tracker.processFrame(f.rgba, f.width, f.height, f.timestampMs));
    final = tracker.finish().find((m) => m.type === 'counter' && m.final);
  } finally {
    tracker.dispose();
  }
  console.log(`# squat_side_3 with blazepose=true at 10 fps: ${final?.current_count} (label 3)`);
  assert.ok(final && final.current_count >= 2 && final.current_count <= 4, `counted ${final?.current_count}`);
});

describe('robustness', () => {
  test('no person, odd sizes: valid messages, zero visibility when nobody is found', async () => {
    for (const source of ['video', 'image']) {
      const tracker = await createTracker({ query: `source=${source}&keypoints=true&blazepose=true` });
      try {
        let ts = 0;
        for (const [w, h, fill] of [[1, 1, 'noise'], [2, 3, 'black'], [4000, 3000, 'noise'], [640, 480, 'black'], [1280, 300, 'noise']]) {
          const k = keypointsOf(validateAll(tracker.processFrame(noise(w, h, fill), w, h, (ts += 33))));
          for (const p of [...k.keypoints, ...k.data33]) for (const f of ['x', 'y', 'z']) assert.ok(Number.isFinite(p[f]));
          if (fill === 'black') assert.ok(k.data33.every((p) => p.visibility === 0 && p.presence === 0), `${w}x${h}: nobody`);
        }
      } finally {
        tracker.dispose();
      }
    }
  });

  test('two or more people: one pose, the detector\'s best', async () => {
    const file = path.join(MEDIA_DIR, 'images/ochuman/003799.jpg');
    const img = await decodeImage(file);
    const tracker = await createTracker({ query: 'source=image&keypoints=true&blazepose=true' });
    try {
      const k = keypointsOf(validateAll(tracker.processFrame(img.rgba, img.width, img.height, 0)));
      assert.ok(k.data33.filter((p) => p.visibility > 0.5).length >= 10);
    } finally {
      tracker.dispose();
    }
  });

  test('2000 frames with tracking leave wasm memory flat', async () => {
    const kt = await loadRuntime();
    const img = await decodeImage(MESSI);
    const black = noise(img.width, img.height, 'black');
    const tracker = await createTracker({ query: 'angles=true&blazepose=true' });
    let heap0 = 0, mem0 = 0;
    try {
      for (let i = 0; i < 2000; i++) {
        // Mostly tracked frames; every 500th frame nobody, so re-detection runs too.
        const rgba = i % 500 === 250 ? black : img.rgba;
        tracker.processFrame(rgba, img.width, img.height, i * 33.3);
        if (i === 99) {
          heap0 = kt.heapInUse();
          mem0 = kt.memoryBytes();
        }
      }
      console.log(`# blazepose-lite: after 100 frames heap ${heap0} B, memory ${mem0} B; after 2000: heap ${kt.heapInUse()} B, memory ${kt.memoryBytes()} B`);
      assert.equal(kt.heapInUse(), heap0, 'malloc heap in use grew');
      assert.equal(kt.memoryBytes(), mem0, 'wasm memory grew');
    } finally {
      tracker.dispose();
    }
  });

  test('heavy fits in 256 MB of wasm memory', () => {
    // A fresh process, so only what a heavy session loads counts.
    const script = `
      import { createTracker } from './lib/index.mjs';
      import { loadRuntime } from './lib/runtime.mjs';
      import { decodeImage } from './lib/media/decode.mjs';
      const img = await decodeImage(${JSON.stringify(MESSI)});
      const t = await createTracker({ query: 'blazepose=true&mediapipeModel=heavy' });
      for (let i = 0; i < 5; i++) t.processFrame(img.rgba, img.width, img.height, i * 33);
      const kt = await loadRuntime();
      process.stdout.write(String(kt.memoryBytes()));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const bytes = Number(r.stdout);
    console.log(`# wasm memory of a BlazePose heavy session (detector + heavy, 5 frames): ${(bytes / 1048576).toFixed(0)} MiB`);
    assert.ok(bytes > 0 && bytes <= 256 * 1048576, `${bytes} bytes`);
  });

  test('truncated and corrupt .tflite files are errors, not crashes', async () => {
    const kt = await loadRuntime();
    const bytes = new Uint8Array(fs.readFileSync(path.join(modelDir, 'pose_detection.tflite')));
    for (const n of [0, 7, 8, 100, 4096, bytes.length >> 1, bytes.length - 1])
      assert.throws(() => kt.loadTfliteModel(bytes.subarray(0, n)), { code: 'model_load_failed' }, `length ${n}`);
    let seed = 4242;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let loaded = 0;
    for (let i = 0; i < 20; i++) {
      const c = bytes.slice(0, 64 * 1024 + Math.floor(rand() * 4096)); // the tables and some weights, cut
      const full = bytes.slice();
      for (let j = 0; j < 8; j++) full[Math.floor(rand() * 200000)] = Math.floor(rand() * 256); // the flatbuffer's front
      for (const b of [c, full]) {
        try {
          kt.loadTfliteModel(b).dispose();
          loaded++;
        } catch (e) {
          assert.equal(e.code, 'model_load_failed');
        }
      }
    }
    console.log(`# corrupt detector files: ${40 - loaded} refused, ${loaded} loaded`);
    const ok = kt.loadTfliteModel(bytes);
    assert.equal(ok.run(new Float32Array(224 * 224 * 3)).length, 2);
    ok.dispose();
  });
});
