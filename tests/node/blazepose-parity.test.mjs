// BlazePose against Google's own runtimes, in chromium (MediaPipe's
// solution and tfjs-tflite do not run in Node):
//  - models: each of the four .tflite files on identical input, every
//    output against TFLite's runtime (XNNPACK): the wasm SIMD build (the
//    same XNNPACK kernels as TFLite's) max |diff| <= 1e-3; the relaxed SIMD
//    FMA build (a fused multiply-add rounds once where TFLite's kernels
//    round twice, so differences grow with an output's magnitude, e.g.
//    landmark pixels up to 256 and segmentation logits up to ~1500)
//    max |diff| <= 1e-3 of the output's largest magnitude (at least 1);
//  - pipeline: keypoints against MediaPipe's pose solution (CPU inference,
//    smoothing off) on the shared photos and on 20 consecutive frames of a
//    clip with tracking as MediaPipe does it (and, for lite, with its
//    landmark smoothing on): over landmarks MediaPipe sees
//    with visibility >= 0.5, mean distance <= 0.005 of the frame, worst
//    <= 0.02, for lite, full and heavy.
// The figures are printed for the README. A missing browser fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { createTracker } from '../../lib/index.mjs';
import { decodeImage, decodeVideoFrames } from '../../lib/media/decode.mjs';
import { startMediaPipeReference } from '../../lib/reference/mediapipe-browser.mjs';
import { loadRuntime, modelDir } from '../../lib/runtime.mjs';
import { MEDIA_DIR } from '../helpers/datasets.mjs';

const VARIANTS = [['lite', 0], ['full', 1], ['heavy', 2]];
const PHOTOS = ['images/messi5.jpg', 'images/astronaut.png', 'images/basketball1.png',
  ...['coco', 'ochuman'].flatMap((d) => fs.readdirSync(path.join(MEDIA_DIR, 'images', d)).filter((f) => /\.jpg$/.test(f)).map((f) => `images/${d}/${f}`))];
const CLIP = 'clips/jumping_jack_front_10.mp4';

// A deterministic input in the model's range (the detector takes [-1, 1], the landmark models [0, 1]).
function input(count, lo, hi) {
  const x = new Float32Array(count);
  let s = 12345;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = lo + ((s >>> 8) / (1 << 24)) * (hi - lo);
  }
  return x;
}

async function firstFrames(file, n) {
  const frames = [];
  for await (const f of decodeVideoFrames(file)) {
    frames.push({ rgba: f.rgba, width: f.width, height: f.height, timestampMs: f.timestampMs });
    if (frames.length >= n) break;
  }
  return frames;
}

// Distances (frame-normalized) between our data33 and MediaPipe's landmarks
// over those MediaPipe sees with visibility >= 0.5.
function distances(ours, theirs) {
  const d = [];
  for (let i = 0; i < 33; i++) {
    if (!(theirs[i].visibility >= 0.5)) continue;
    d.push(Math.hypot(ours[i].x - theirs[i].x, ours[i].y - theirs[i].y));
  }
  return d;
}

function summary(d) {
  const mean = d.reduce((a, b) => a + b, 0) / Math.max(1, d.length);
  return { mean, worst: Math.max(0, ...d), n: d.length };
}

describe('BlazePose parity with MediaPipe (chromium)', () => {
  let ref;
  before(async () => {
    ref = await startMediaPipeReference();
  });
  after(async () => {
    if (ref) await ref.close();
  });

  // Each build on the same inputs; TFLite's outputs are fetched once per model.
  test('models: every output of the four models against TFLite, same input (wasm SIMD and FMA builds)', async () => {
    const builds = [[await loadRuntime({ relaxedSimd: false }), 'absolute']];
    const fma = await loadRuntime();
    if (fma.kernels !== builds[0][0].kernels) builds.push([fma, 'relative']);
    else console.log('# this engine has no relaxed SIMD: the FMA build is not checked here');
    for (const name of ['pose_detection', 'pose_landmark_lite', 'pose_landmark_full', 'pose_landmark_heavy']) {
      const side = name === 'pose_detection' ? 224 : 256;
      const x = name === 'pose_detection' ? input(side * side * 3, -1, 1) : input(side * side * 3, 0, 1);
      const theirs = (await ref.tflite(name, x)).outputs;
      for (const [kt, rule] of builds) {
        const model = kt.loadTfliteModel(new Uint8Array(fs.readFileSync(path.join(modelDir, `${name}.tflite`))));
        try {
          const ours = model.run(x);
          assert.equal(theirs.length, model.outputs.length, name);
          const diffs = [];
          for (const o of theirs) {
            const i = model.outputs.findIndex((m) => m.name === o.name);
            assert.ok(i >= 0, `${name}: no output ${o.name}`);
            assert.equal(ours[i].length, o.data.length, `${name} ${o.name}`);
            let d = 0, scale = 1;
            for (let k = 0; k < o.data.length; k++) {
              d = Math.max(d, Math.abs(ours[i][k] - o.data[k]));
              scale = Math.max(scale, Math.abs(o.data[k]));
            }
            const limit = rule === 'absolute' ? 1e-3 : 1e-3 * scale;
            diffs.push(`${o.name} ${d.toExponential(1)}${rule === 'relative' ? ` (${(d / scale).toExponential(1)} of ${scale.toFixed(0)})` : ''}`);
            assert.ok(d <= limit, `${kt.kernels} ${name} ${o.name}: max |diff| ${d} > ${limit}`);
          }
          console.log(`# model parity ${kt.kernels} ${name}: ${diffs.join(', ')}`);
        } finally {
          model.dispose();
        }
      }
    }
  });

  for (const [variant, complexity] of VARIANTS) {
    test(`${variant}: the shared photos`, async () => {
      const tracker = await createTracker({ query: `source=image&keypoints=true&skeleton=false&blazepose=true&mediapipeModel=${variant}` });
      const all = [];
      try {
        for (const file of PHOTOS) {
          const img = await decodeImage(path.join(MEDIA_DIR, file));
          const [mp] = await ref.pose({ frames: [img], modelComplexity: complexity, video: false });
          const ours = tracker.processFrame(img.rgba, img.width, img.height, 0).find((m) => m.type === 'keypoints');
          const found = ours.data33.some((l) => l.visibility > 0);
          assert.equal(found, !!mp.landmarks, `${file}: a person found by one and not the other`);
          if (!mp.landmarks) continue;
          const s = summary(distances(ours.data33, mp.landmarks));
          all.push(...distances(ours.data33, mp.landmarks));
          assert.ok(s.worst <= 0.02, `${file}: worst ${s.worst}`);
        }
      } finally {
        tracker.dispose();
      }
      const s = summary(all);
      console.log(`# pipeline parity ${variant} photos (${PHOTOS.length}): mean ${s.mean.toFixed(6)}, worst ${s.worst.toFixed(6)} over ${s.n} landmarks`);
      assert.ok(s.n > 0 && s.mean <= 0.005, `mean ${s.mean}`);
    });

    // Smoothing off for every model; on (MediaPipe's default) for lite.
    for (const smoothing of variant === 'lite' ? [false, true] : [false])
    test(`${variant}: 20 clip frames with tracking, smoothing ${smoothing ? 'on' : 'off'}`, async () => {
      const frames = await firstFrames(path.join(MEDIA_DIR, CLIP), 20);
      const mp = await ref.pose({ frames, modelComplexity: complexity, video: true, smoothLandmarks: smoothing });
      const tracker = await createTracker({ query: `keypoints=true&skeleton=false&blazepose=true&mediapipeModel=${variant}`, smoothing });
      const all = [];
      try {
        frames.forEach((f, i) => {
          const ours = tracker.processFrame(f.rgba, f.width, f.height, f.timestampMs).find((m) => m.type === 'keypoints');
          const found = ours.data33.some((l) => l.visibility > 0);
          assert.equal(found, !!mp[i].landmarks, `frame ${i}: a person found by one and not the other`);
          if (mp[i].landmarks) all.push(...distances(ours.data33, mp[i].landmarks));
        });
      } finally {
        tracker.dispose();
      }
      const s = summary(all);
      console.log(`# pipeline parity ${variant} ${CLIP} 20 frames, smoothing ${smoothing ? 'on' : 'off'}: mean ${s.mean.toFixed(6)}, worst ${s.worst.toFixed(6)} over ${s.n} landmarks`);
      assert.ok(s.n > 0 && s.mean <= 0.005 && s.worst <= 0.02, `mean ${s.mean}, worst ${s.worst}`);
    });
  }
});
