// The kinetrack CLI: analyze photos and videos (messages on stdout, one
// per line, schema-valid; overlays written), errors as `error` messages
// with a non-zero exit, and bench's table.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

import { decodeImage, probeMedia } from '../../lib/media/decode.mjs';
import { assemblePng, pngIhdr } from '../../lib/media/png.mjs';
import { repoRoot } from '../../lib/runtime.mjs';
import { GOLD, NAVY, colourNear } from '../helpers/browser.mjs';
import { runKinetrack } from '../helpers/cli.mjs';
import { MEDIA_DIR } from '../helpers/datasets.mjs';
import { validateAll } from '../helpers/schemas.mjs';

// A valid PNG header for a w x h 1-bit grayscale image, with tiny IDAT
// data (the decoder must refuse it by size before decoding).
function hugePng(w, h) {
  return assemblePng(pngIhdr(w, h, 1, 0), zlib.deflateSync(Buffer.alloc(1000)));
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-cli-'));

const kinetrack = (...args) => runKinetrack(args, { timeout: 240000 });

describe('kinetrack analyze: photo', () => {
  test('keypoints, angles and the overlay PNG with the skeleton drawn', async () => {
    const photo = path.join(MEDIA_DIR, 'images/messi5.jpg');
    const out = path.join(tmp, 'messi.png');
    const r = kinetrack('analyze', photo, '--query', 'source=image&keypoints=true&angles=true', '--overlay', out);
    assert.equal(r.code, 0, r.stderr);
    validateAll(r.messages);
    assert.deepEqual(r.messages.map((m) => m.type), ['initialization', 'initialization', 'environment', 'initialization', 'keypoints', 'angles', 'image_overlay']);
    assert.deepEqual(r.messages.filter((m) => m.type === 'initialization').map((m) => m.message), ['loading image', 'initializing pose model', 'running']);
    const src = await decodeImage(photo);
    const overlay = await decodeImage(out);
    assert.equal(overlay.width, src.width);
    assert.equal(overlay.height, src.height);
    // The data URL in image_overlay is the same picture as the file.
    const fromMessage = path.join(tmp, 'from-message.png');
    fs.writeFileSync(fromMessage, Buffer.from(r.messages[6].data.split(',')[1], 'base64'));
    assert.deepEqual((await decodeImage(fromMessage)).rgba, overlay.rgba);
    // Skeleton colours (#010A73 navy, #FFC300 gold) near every confident joint.
    const near = (x, y, rgb) => colourNear(overlay, x, y, rgb, { radius: 12, tolerance: 30 });
    const confident = r.messages[4].keypoints.filter((k) => k.score >= 0.3);
    assert.ok(confident.length >= 10, 'most joints found on messi5.jpg');
    for (const k of confident) {
      const x = k.x * src.width, y = k.y * src.height;
      assert.ok(near(x, y, GOLD) && near(x, y, NAVY), `skeleton drawn at ${k.name}`);
    }
  });

  test('a photo without source= is analyzed as a photo', () => {
    const r = kinetrack('analyze', path.join(MEDIA_DIR, 'images/astronaut.png'));
    assert.equal(r.code, 0, r.stderr);
    validateAll(r.messages);
    assert.ok(r.messages.some((m) => m.type === 'image_overlay'));
  });
});

describe('kinetrack analyze: video', () => {
  test('one keypoints message per frame, progress, completion, overlay mp4', async () => {
    const clip = path.join(MEDIA_DIR, 'clips/push_up_side_2.mp4');
    const out = path.join(tmp, 'pushup.mp4');
    const r = kinetrack('analyze', clip, '--query', 'angles=true&keypoints=true', '--overlay', out);
    assert.equal(r.code, 0, r.stderr);
    validateAll(r.messages);
    const info = await probeMedia(clip);
    const kps = r.messages.filter((m) => m.type === 'keypoints');
    assert.equal(kps.length, info.frameCount);
    assert.equal(r.messages.filter((m) => m.type === 'angles').length, info.frameCount);
    kps.forEach((m, i) => assert.equal(m.frameId, i));
    for (let i = 1; i < kps.length; i++) assert.ok(kps[i].timestampMs > kps[i - 1].timestampMs);
    const init = r.messages.filter((m) => m.type === 'initialization');
    assert.equal(init[0].message, 'loading video');
    assert.match(init[1].message, /^Your video is processing, please stay on this page \(\d+%\)$/);
    assert.deepEqual([init.at(-1).message, init.at(-1).ready], ['Analysis completed', true]);
    assert.equal(r.messages.at(-1).type, 'initialization');
    // keypoints=true on an upload: every frame again at the end, in one message.
    const batch = r.messages.find((m) => m.type === 'keypoints_batch');
    assert.equal(batch.frames.length, info.frameCount);
    assert.deepEqual(batch.frames.map((f) => f.frameId), kps.map((m) => m.frameId));
    assert.deepEqual(batch.frames[5].keypoints, kps[5].keypoints);
    assert.deepEqual([batch.width, batch.height], [info.width, info.height]);
    const video = await probeMedia(out);
    assert.equal(video.kind, 'video');
    assert.equal(video.width, info.width);
    assert.ok(Math.abs(video.frameCount - info.frameCount) <= 1);
  });
});

describe('kinetrack analyze: failures are error messages and a non-zero exit', () => {
  const cases = [
    ['a missing file', [path.join(tmp, 'nope.mp4')], 'video_load_error'],
    ['a text file', [path.join(repoRoot, 'package.json')], 'media_decode_error'],
    ['a bad source value', [path.join(MEDIA_DIR, 'images/messi5.jpg'), '--query', 'source=gif'], 'invalid_param'],
    ['a feature not built yet', [path.join(MEDIA_DIR, 'clips/squat_side_3.mp4'), '--query', 'placementCountdownSeconds=3'], 'feature_not_available'],
    ['a reference movement the operator does not have', [path.join(MEDIA_DIR, 'clips/squat_side_3.mp4'), '--query', 'reference=abc-123'], 'reference_not_found'],
    ['angles on the free plan', [path.join(MEDIA_DIR, 'images/messi5.jpg'), '--query', 'angles=true', '--plan', 'free'], 'developer_features_not_allowed'],
    ['an unreachable URL', ['http://127.0.0.1:9/clip.mp4'], 'video_load_error'],
    ['a truncated video', ['@truncated.mp4'], 'media_decode_error'],
    ['a zero-frame video', ['@empty.mp4'], 'media_decode_error'],
    ['a 20000x20000 PNG', ['@huge.png'], 'media_decode_error'],
    ['a token that does not verify', [path.join(MEDIA_DIR, 'images/messi5.jpg'), '--query', 'token=eyJhbGciOiJub25lIn0.e30.'], 'invalid_token'],
  ];
  // Broken media made here, from a real clip or by hand.
  const fixtures = {
    'truncated.mp4': () => fs.readFileSync(path.join(MEDIA_DIR, 'clips/push_up_side_2.mp4')).subarray(0, 20000),
    'empty.mp4': () => {
      const f = path.join(tmp, 'empty-src.mp4');
      spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=64x48:d=1', '-frames:v', '0', '-c:v', 'libx264', f]);
      return fs.existsSync(f) ? fs.readFileSync(f) : Buffer.alloc(0);
    },
    'huge.png': () => hugePng(20000, 20000),
  };
  for (const [name, args, code] of cases) {
    test(name, () => {
      const files = args.map((a) => {
        if (!a.startsWith('@')) return a;
        const file = path.join(tmp, a.slice(1));
        fs.writeFileSync(file, fixtures[a.slice(1)]());
        return file;
      });
      const r = kinetrack('analyze', ...files);
      assert.equal(r.code, 1, r.stderr);
      validateAll(r.messages);
      const last = r.messages.at(-1);
      assert.equal(last.type, 'error');
      assert.equal(last.code, code);
      assert.equal(last.fatal, true);
      assert.equal(r.stderr, '', 'no stack trace');
    });
  }

  test('usage errors exit 2', () => {
    assert.equal(kinetrack('analyze').code, 2);
    assert.equal(kinetrack('frobnicate').code, 2);
    assert.equal(kinetrack('serve', '--bogus').code, 2);
  });
});

test('kinetrack bench: both runtimes, 1 and 2 threads, same input, medians, ratios', () => {
  const r = runKinetrack(['bench', '--json'], { timeout: 240000 });
  assert.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout);
  assert.ok(b.runs >= 30);
  assert.ok(b.kinetrack.msPerInference > 0 && b.tfjs.msPerInference > 0);
  assert.equal(b.tfjs.threads, 1);
  assert.equal(b.tfjs.simd, true);
  assert.ok(Math.abs(b.ratio - b.kinetrack.msPerInference / b.tfjs.msPerInference) < 1e-9);
  assert.ok(b.maxOutputDiff <= 1e-3, 'same outputs on the same input');
  assert.equal(b.kinetrackThreads.threads, 2);
  assert.ok(b.kinetrackThreads.msPerInference > 0 && b.kinetrackThreadsFrameMs > 0);
  assert.ok(Math.abs(b.speedup - b.kinetrack.msPerInference / b.kinetrackThreads.msPerInference) < 1e-9);
  assert.ok(Math.abs(b.ratioThreads - b.kinetrackThreads.msPerInference / b.tfjs.msPerInference) < 1e-9);
  assert.ok(b.maxThreadsOutputDiff <= 1e-5, '1 and 2 threads give the same outputs');
  console.log(`# bench: kinetrack ${b.kinetrack.msPerInference.toFixed(2)} ms, 2 threads ${b.kinetrackThreads.msPerInference.toFixed(2)} ms (x${b.speedup.toFixed(2)}), TF.js ${b.tfjs.msPerInference.toFixed(2)} ms, ratio ${b.ratio.toFixed(3)}, whole frame ${b.kinetrackFrameMs.toFixed(2)} ms`);
});
