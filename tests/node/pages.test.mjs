// The pages /pose_tracker/tracking and /pose_tracker/upload_tracking in a
// real browser (Debian's chromium through playwright-core): the server,
// tokens, the transport to every host sink, upload parity with
// `kinetrack analyze`, remote media and CORS, hostile parameters, the fake
// camera, and the skeleton on screen.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startServer } from '../../lib/serve.mjs';
import { generateKeyPair, signToken } from '../../lib/tokens/keys.mjs';
import { decodeImage } from '../../lib/media/decode.mjs';
import { MEDIA_DIR, haveMedia, repoRoot } from '../helpers/datasets.mjs';
import { validateAll } from '../helpers/schemas.mjs';
import {
  GOLD, NAVY, analyzeWithCli, colourNear, haveChromium, hostPage, isDone, launchChromium, makeY4m, messagesOf,
  recordMessages, startMediaServer, toScreen, waitForMessages,
} from '../helpers/browser.mjs';
import { lateReads } from '../helpers/page-scripts.mjs';

const CLIP = path.join(MEDIA_DIR, 'clips/push_up_side_2.mp4'); // 5.1 s, 127 frames: the upload video
const CAMERA_CLIP = path.join(MEDIA_DIR, 'clips/jumping_jack_front_10.mp4');
// messi5.jpg as PNG (made at test time in a temp dir): a lossless format
// decodes to the same pixels in chromium and ffmpeg, where two JPEG
// decoders differ by a few levels (up to 0.017 on a weak elbow).
const PHOTO_JPEG = path.join(MEDIA_DIR, 'images/messi5.jpg');
let PHOTO;
const ARTIFACTS = path.join(repoRoot, 'tests/artifacts');
const built = fs.existsSync(path.join(repoRoot, 'build/wasm/kinetrack.wasm')) && fs.existsSync(path.join(repoRoot, 'models/movenet-lightning.bin'));
// `make test` installs chromium and builds everything, so a missing piece is
// a failure, not a skip; KINETRACK_SKIP_BROWSER=1 opts out explicitly.
const skip = process.env.KINETRACK_SKIP_BROWSER === '1' ? 'KINETRACK_SKIP_BROWSER=1' : false;

test('browser test prerequisites', { skip }, () => {
  assert.ok(haveChromium(), 'chromium is not installed (apt-get install chromium)');
  assert.ok(haveMedia(), '../shared/media is missing');
  assert.ok(built, 'the wasm build or the model is missing (make)');
});

const TOKEN_TEXT = 'Invalid params. Please refer to the documentation and set token=YOUR API_KEY et exercise=A correct exercise. (visit: https://posetracker.gitbook.io/posetracker-api/tracking-endpoint)';
const UPLOAD_TOKEN_TEXT = 'Invalid params. Please refer to our API documentation. Missing token=YOUR API_KEY';

const types = (ms) => ms.map((m) => m.type);

/**
 * Page messages vs the CLI's: same types in the same order, same texts,
 * counts and grades; keypoints within `tolerance` of the CLI's. For videos
 * (`p95`): 95 % of the coordinates within 0.01 and none beyond `max`, since
 * chromium converts this untagged HD clip's YUV with BT.709 and the CLI's
 * ffmpeg with BT.601 (pixels differ by up to 9 levels).
 */
function assertParity(pageAll, cliAll, label, { tolerance = 0.01, p95 = false, max = 0.03, eventSlackMs = 0 } = {}) {
  // Progress messages ("processing (N%)") are compared as a sequence of
  // texts, not by position: the page estimates the frame count from the
  // frame interval it observes, the CLI reads it from the container, so a
  // 10 % step can land one frame apart.
  const isProgress = (m) => m.type === 'initialization' && m.step === 'processing';
  assert.deepEqual(pageAll.filter(isProgress).map((m) => m.message), cliAll.filter(isProgress).map((m) => m.message), `${label}: progress messages`);
  let page = pageAll.filter((m) => !isProgress(m));
  let cli = cliAll.filter((m) => !isProgress(m));
  const diffs = [];
  let worstConfident = 0; // joints both runs see with score >= 0.3
  const kpDiff = (a, b) => {
    assert.equal(a.length, 17);
    for (let i = 0; i < 17; i++) {
      assert.equal(a[i].name, b[i].name);
      const d = Math.max(Math.abs(a[i].x - b[i].x), Math.abs(a[i].y - b[i].y));
      diffs.push(d);
      if (a[i].score >= 0.3 && b[i].score >= 0.3) worstConfident = Math.max(worstConfident, d);
    }
  };
  if (eventSlackMs > 0) {
    // Pixels that differ a little (the canvas path) may move an exercise
    // event (a rep completing, a posture change) by a frame: keypoints are
    // paired by frame, the other messages as a sequence of their own,
    // each within eventSlackMs of the CLI's.
    const kp = (list) => list.filter((m) => m.type === 'keypoints');
    const pk = kp(page), ck = kp(cli);
    assert.deepEqual(pk.map((m) => m.frameId), ck.map((m) => m.frameId), `${label}: keypoints frames`);
    pk.forEach((m, i) => kpDiff(m.keypoints, ck[i].keypoints));
    page = page.filter((m) => m.type !== 'keypoints');
    cli = cli.filter((m) => m.type !== 'keypoints');
    page.forEach((m, i) => assert.ok(Math.abs(m.timestampMs - cli[i]?.timestampMs) <= eventSlackMs,
      `${label}: ${m.type} at ${m.timestampMs} ms, CLI's at ${cli[i]?.timestampMs} ms`));
  }
  assert.deepEqual(types(page), types(cli), `${label}: message types and order`);
  for (let i = 0; i < page.length; i++) {
    const p = page[i];
    const c = cli[i];
    if (p.type === 'initialization') assert.deepEqual([p.message, p.ready, p.step], [c.message, c.ready, c.step], `${label}: initialization #${i}`);
    // threads: the page's worker runs the threaded build, the CLI one thread
    // (tests/node/threads.test.mjs checks what each reports).
    if (p.type === 'environment') assert.deepEqual({ ...p, timestampMs: 0, threads: 0 }, { ...c, timestampMs: 0, threads: 0 });
    if (p.type === 'keypoints') {
      assert.equal(p.frameId, c.frameId);
      assert.ok(Math.abs(p.timestampMs - c.timestampMs) < 1, `${label}: frame ${p.frameId} at ${p.timestampMs} ms, CLI ${c.timestampMs} ms`);
      kpDiff(p.keypoints, c.keypoints);
    }
    if (p.type === 'keypoints_batch') {
      assert.equal(p.frames.length, c.frames.length);
      p.frames.forEach((f, j) => kpDiff(f.keypoints, c.frames[j].keypoints));
    }
    if (p.type === 'counter') assert.deepEqual([p.current_count, p.form_score?.grade, p.final], [c.current_count, c.form_score?.grade, c.final]);
    if (p.type === 'form_score') assert.equal(p.grade, c.grade);
    if (p.type === 'exercise_summary') assert.deepEqual([p.counter, p.grade, p.history?.length], [c.counter, c.grade, c.history?.length]);
  }
  diffs.sort((a, b) => a - b);
  const worst = diffs.at(-1) ?? 0;
  const q95 = diffs[Math.floor(diffs.length * 0.95)] ?? 0;
  if (p95) {
    assert.ok(q95 <= tolerance, `${label}: 95th percentile keypoint difference ${q95.toFixed(4)} > ${tolerance}`);
    assert.ok(worst <= max, `${label}: keypoints differ from the CLI's by up to ${worst.toFixed(4)}`);
  } else {
    assert.ok(worst <= tolerance, `${label}: keypoints differ from the CLI's by up to ${worst.toFixed(4)}`);
  }
  return { worst, q95, worstConfident };
}

/** Skeleton colours near the confident joints of `keypoints`, on a screenshot, for media shown in `box`. */
async function assertSkeletonOnScreen(page, file, { box, mediaWidth, mediaHeight, keypoints, fit = 'contain' }) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: file });
  const shot = await decodeImage(file);
  const confident = keypoints.filter((k) => k.score >= 0.5);
  assert.ok(confident.length >= 5, `${path.basename(file)}: only ${confident.length} confident joints`);
  let hits = 0;
  for (const k of confident) {
    const s = toScreen(k, box, mediaWidth, mediaHeight, fit);
    if (colourNear(shot, s.x, s.y, NAVY) && colourNear(shot, s.x, s.y, GOLD, { radius: 20 })) hits++;
  }
  assert.ok(hits >= Math.ceil(confident.length * 0.8), `${path.basename(file)}: skeleton colours at ${hits}/${confident.length} joints`);
}

describe('the pages in chromium', { skip, timeout: 600000 }, () => {
  let tmp;
  let server;
  let cors;
  let noCors;
  let browser;
  const tokens = {};
  let cliVideo;
  let cliPhoto;
  let cliMovement;
  let movementsDir;
  const MOVEMENT_QUERY = 'userExercise=my-push-ups&keypoints=true'; // the catalogue's push-up as an operator's file
  const VIDEO_QUERY = 'exercise=push_up&keypoints=true'; // the clip holds 2 push-ups
  const PHOTO_QUERY = 'source=image&keypoints=true&angles=true';

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-pages-'));
    PHOTO = path.join(tmp, 'messi5.png');
    const png = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', PHOTO_JPEG, '-pix_fmt', 'rgb24', PHOTO], { encoding: 'utf8' });
    assert.equal(png.status, 0, png.stderr);
    const keysDir = path.join(tmp, 'keys');
    await generateKeyPair({ dir: keysDir });
    tokens.developer = await signToken({ dir: keysDir, plan: 'developer' });
    tokens.free = await signToken({ dir: keysDir, plan: 'free' });
    movementsDir = path.join(tmp, 'movements');
    fs.mkdirSync(movementsDir);
    const pushUp = JSON.parse(fs.readFileSync(path.join(repoRoot, 'exercises/push_up.json'), 'utf8'));
    fs.writeFileSync(path.join(movementsDir, 'my-push-ups.json'), JSON.stringify({ ...pushUp, id: 'my_push_ups' }));
    server = await startServer({ port: 0, repoRoot, keysDir, movementsDir });
    cors = await startMediaServer({ files: { 'clip.mp4': CLIP, 'photo.png': PHOTO }, cors: true });
    noCors = await startMediaServer({ files: { 'clip.mp4': CLIP, 'photo.png': PHOTO }, cors: false });
    // The CLI runs while the browser starts.
    [cliVideo, cliPhoto, cliMovement, browser] = await Promise.all([
      analyzeWithCli(CLIP, VIDEO_QUERY),
      analyzeWithCli(PHOTO, PHOTO_QUERY),
      analyzeWithCli(CLIP, MOVEMENT_QUERY, ['--movements', movementsDir]),
      launchChromium(),
    ]);
    assert.equal(cliMovement.code, 0, cliMovement.stderr);
    assert.equal(cliVideo.code, 0, cliVideo.stderr);
    // Counts and grades are compared below: the CLI must have some.
    assert.equal(cliVideo.messages.find((m) => m.type === 'counter' && m.final)?.current_count, 2);
    assert.ok(cliVideo.messages.some((m) => m.type === 'exercise_summary'));
    assert.equal(cliPhoto.code, 0, cliPhoto.stderr);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await cors?.close();
    await noCors?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const pageUrl = (name, query, token = tokens.developer) => `${server.url}/pose_tracker/${name}?${[token ? `token=${token}` : '', query].filter(Boolean).join('&')}`;

  async function openPage(url, { viewport = { width: 1280, height: 720 }, init = null } = {}) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
    await recordMessages(page);
    if (init) await page.addInitScript(init);
    await page.goto(url);
    return { page, context, errors };
  }

  test('serve: pages, MIME types, isolation headers, public keys only, no traversal or listing', async () => {
    const get = (p, init) => fetch(`${server.url}${p}`, init);
    const page = await get('/pose_tracker/tracking');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(page.headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal((await get('/pose_tracker/upload_tracking?token=x')).status, 200);
    const expect = {
      '/pose_tracker/runtime/kinetrack.wasm': 'application/wasm',
      '/pose_tracker/runtime/kinetrack.mjs': 'text/javascript',
      '/pose_tracker/runtime/kinetrack-loader.mjs': 'text/javascript',
      '/pose_tracker/runtime/wasm-memory.mjs': 'text/javascript',
      '/pose_tracker/runtime/media-session.mjs': 'text/javascript',
      '/pose_tracker/runtime/kinetrack-mt.mjs': 'text/javascript',
      '/pose_tracker/runtime/kinetrack-mt.wasm': 'application/wasm',
      '/pose_tracker/runtime/kinetrack-mt.worker.js': 'text/javascript',
      '/pose_tracker/runtime/verify.mjs': 'text/javascript',
      '/pose_tracker/app/upload.mjs': 'text/javascript',
      '/pose_tracker/app/shell.css': 'text/css',
      '/pose_tracker/models/movenet-lightning.json': 'application/json',
      '/pose_tracker/keys.json': 'application/json',
    };
    for (const [p, mime] of Object.entries(expect)) {
      const r = await get(p);
      assert.equal(r.status, 200, p);
      assert.ok(r.headers.get('content-type').startsWith(mime), `${p}: ${r.headers.get('content-type')}`);
      assert.equal(r.headers.get('cross-origin-resource-policy'), 'same-origin', p);
      await r.arrayBuffer();
    }
    const jwks = await (await get('/pose_tracker/keys.json')).json();
    assert.equal(jwks.keys.length, 1);
    assert.ok(!('d' in jwks.keys[0]), 'the private key is never served');
    for (const p of ['/', '/pose_tracker/', '/pose_tracker/app/', '/pose_tracker/app/README.md', '/keys/private.jwk.json',
      '/pose_tracker/app/../../keys/private.jwk.json', '/pose_tracker/app/..%2f..%2fpackage.json', '/pose_tracker/app/%2e%2e/lib/serve.mjs',
      '/pose_tracker/app/..%5c..%5cpackage.json', '/pose_tracker/runtime/', '/pose_tracker/models/SHA256SUMS', '/pose_tracker/app/.hidden.mjs',
      '/pose_tracker/app/x%00.mjs', '/package.json', '/web/upload.mjs']) {
      const r = await get(p);
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(await r.text(), /private|"d"|<a href/, p);
    }
    assert.equal((await get('/pose_tracker/tracking', { method: 'POST' })).status, 405);
  });

  test('tokens: missing → missing_token with the in-page text; forged → invalid_token', async () => {
    for (const [name, text] of [['tracking', TOKEN_TEXT], ['upload_tracking', UPLOAD_TOKEN_TEXT]]) {
      const { page, context } = await openPage(pageUrl(name, '', null));
      const ms = await waitForMessages(page, (m) => m.some((x) => x.type === 'error'));
      validateAll(ms);
      const err = ms.find((m) => m.type === 'error');
      assert.equal(err.code, 'missing_token');
      assert.equal(err.message, TOKEN_TEXT);
      assert.equal(await page.textContent('#kt-status'), text);
      await context.close();
    }
    const forged = `${tokens.developer.split('.').slice(0, 2).join('.')}.${'A'.repeat(86)}`;
    const { page, context } = await openPage(pageUrl('upload_tracking', '', forged));
    const ms = await waitForMessages(page, (m) => m.some((x) => x.type === 'error'));
    assert.equal(ms.find((m) => m.type === 'error').code, 'invalid_token');
    await context.close();
  });

  test('upload: videoSrc with CORS (worker) posts what kinetrack analyze prints; skeleton on screen', async () => {
    const { page, context, errors } = await openPage(pageUrl('upload_tracking', `${VIDEO_QUERY}&videoSrc=${encodeURIComponent(`${cors.url}/clip.mp4`)}`));
    const ms = await waitForMessages(page, isDone, { timeoutMs: 240000 });
    validateAll(ms);
    assert.deepEqual(errors, []);
    const { worst, q95, worstConfident } = assertParity(ms, cliVideo.messages, 'videoSrc');
    console.log(`# upload video: ${ms.filter((m) => m.type === 'keypoints').length} frames; keypoint difference to the CLI: 95th percentile ${q95.toFixed(4)}, max ${worst.toFixed(4)}, max over joints scored >= 0.3 ${worstConfident.toFixed(4)}`);
    const last = ms.filter((m) => m.type === 'keypoints').at(-1);
    const box = await page.locator('#kt-video').boundingBox();
    const { w, h } = await page.evaluate(() => ({ w: document.getElementById('kt-video').videoWidth, h: document.getElementById('kt-video').videoHeight }));
    await assertSkeletonOnScreen(page, path.join(ARTIFACTS, 'upload-video.png'), { box, mediaWidth: w, mediaHeight: h, keypoints: last.keypoints });
    await context.close();
  });

  test('upload: a file chosen through the input, runInWorker=false, frames read late re-read: the same messages', async () => {
    // Every 25th frame read looks as if the player had moved on (its
    // timestamp is off, as on a busy machine): the page seeks back and
    // reads it again, and the messages stay the CLI's.
    const { page, context, errors } = await openPage(pageUrl('upload_tracking', `${VIDEO_QUERY}&runInWorker=false`), { init: lateReads });
    // A user picks a file once the button shows; the page listens from then on.
    await page.waitForSelector('#kt-upload-button', { state: 'visible', timeout: 60000 });
    await page.setInputFiles('#kt-file', CLIP);
    const ms = await waitForMessages(page, isDone, { timeoutMs: 240000 });
    validateAll(ms);
    assert.deepEqual(errors, []);
    assertParity(ms, cliVideo.messages, 'file input');
    const late = await page.evaluate(() => window.__kt_late);
    assert.ok(late.reads >= 4, `${late.reads} late reads`);
    assert.equal(late.rereadAfterSeek, late.reads, 'every late read is read again after a seek');
    await context.close();
  });

  test('upload: without WebCodecs (older WebViews) frames go through a canvas: same messages, keypoints close', async () => {
    // The canvas path reads RGBA converted by the browser, not by the C, so
    // keypoints move by a few thousandths (measured on this clip: 95th
    // percentile 0.006, max 0.019 to 0.027); types, counts and grades stay
    // equal, and a rep may complete one frame (40 ms at 25 fps) apart.
    const { page, context, errors } = await openPage(pageUrl('upload_tracking', `${VIDEO_QUERY}&videoSrc=${encodeURIComponent(`${cors.url}/clip.mp4`)}`),
      { init: () => { delete window.VideoFrame; } });
    const ms = await waitForMessages(page, isDone, { timeoutMs: 240000 });
    validateAll(ms);
    assert.deepEqual(errors, []);
    assert.equal(await page.evaluate(() => typeof window.VideoFrame), 'undefined');
    const { worst, q95 } = assertParity(ms, cliVideo.messages, 'canvas path', { p95: true, max: 0.05, eventSlackMs: 45 });
    console.log(`# upload video through a canvas: keypoint difference to the CLI: 95th percentile ${q95.toFixed(4)}, max ${worst.toFixed(4)}`);
    await context.close();
  });

  test('upload: userExercise loads /pose_tracker/movements/<id>.json and posts what analyze --movements prints; an unknown id is invalid_exercise', async () => {
    const { page, context, errors } = await openPage(pageUrl('upload_tracking', `${MOVEMENT_QUERY}&videoSrc=${encodeURIComponent(`${cors.url}/clip.mp4`)}`));
    const ms = await waitForMessages(page, isDone, { timeoutMs: 240000 });
    validateAll(ms);
    assert.deepEqual(errors, []);
    assertParity(ms, cliMovement.messages, 'userExercise');
    assert.equal(ms.find((m) => m.type === 'exercise_summary').counter, 2);
    await context.close();
    const missing = await openPage(pageUrl('upload_tracking', `userExercise=nobody-made-this&videoSrc=${encodeURIComponent(`${cors.url}/clip.mp4`)}`));
    const ms2 = await waitForMessages(missing.page, (m) => m.some((x) => x.type === 'error'));
    validateAll(ms2);
    const err = ms2.find((m) => m.type === 'error');
    assert.deepEqual([err.code, err.message], ['invalid_exercise', "Movement 'nobody-made-this' was not found"]);
    await missing.context.close();
  });

  test('upload: remote media without CORS → cross_origin_*, a missing file → *_load_error', async () => {
    const cases = [
      [`videoSrc=${encodeURIComponent(`${noCors.url}/clip.mp4`)}`, 'cross_origin_video'],
      [`videoSrc=${encodeURIComponent(`${cors.url}/missing.mp4`)}`, 'video_load_error'],
      [`source=image&imageSrc=${encodeURIComponent(`${noCors.url}/photo.png`)}`, 'cross_origin_image'],
      [`source=image&imageSrc=${encodeURIComponent(`${cors.url}/missing.png`)}`, 'image_load_error'],
    ];
    for (const [q, code] of cases) {
      const { page, context } = await openPage(pageUrl('upload_tracking', q));
      const ms = await waitForMessages(page, (m) => m.some((x) => x.type === 'error'));
      validateAll(ms);
      const err = ms.find((m) => m.type === 'error');
      assert.equal(err.code, code, q);
      assert.equal(err.fatal, true);
      assert.ok((await page.textContent('#kt-status')).length > 0);
      await context.close();
    }
  });

  test('upload: source=image&imageSrc — keypoints, angles, image_overlay as the CLI; skeleton in the overlay and on screen', async () => {
    const { page, context, errors } = await openPage(pageUrl('upload_tracking', `${PHOTO_QUERY}&imageSrc=${encodeURIComponent(`${cors.url}/photo.png`)}`));
    const ms = await waitForMessages(page, isDone);
    validateAll(ms);
    assert.deepEqual(errors, []);
    assertParity(ms, cliPhoto.messages, 'imageSrc');
    const overlay = ms.find((m) => m.type === 'image_overlay');
    assert.match(overlay.data, /^data:image\/png;base64,/);
    const file = path.join(ARTIFACTS, 'image-overlay.png');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(file, Buffer.from(overlay.data.split(',')[1], 'base64'));
    const img = await decodeImage(file);
    const kps = ms.find((m) => m.type === 'keypoints').keypoints;
    assert.deepEqual([img.width, img.height], [overlay.width, overlay.height]);
    for (const k of kps.filter((x) => x.score >= 0.3)) {
      assert.ok(colourNear(img, k.x * img.width, k.y * img.height, NAVY, { tolerance: 30 }) && colourNear(img, k.x * img.width, k.y * img.height, GOLD, { tolerance: 30 }), `overlay: skeleton at ${k.name}`);
    }
    const box = await page.locator('#kt-photo').boundingBox();
    await assertSkeletonOnScreen(page, path.join(ARTIFACTS, 'upload-photo.png'), { box, mediaWidth: img.width, mediaHeight: img.height, keypoints: kps });
    await context.close();
  });

  test('threads=N: environment.threads is what runs (worker 1, main thread 2), keypoints as the CLI; threads=9 is invalid_param', async () => {
    const src = `imageSrc=${encodeURIComponent(`${cors.url}/photo.png`)}`;
    for (const [extra, threads] of [['threads=1', 1], ['threads=2&runInWorker=false', 2]]) {
      const { page, context, errors } = await openPage(pageUrl('upload_tracking', `${PHOTO_QUERY}&${extra}&${src}`));
      const ms = await waitForMessages(page, isDone);
      assert.deepEqual(errors, []);
      assert.equal(ms.find((m) => m.type === 'environment')?.threads, threads, extra);
      assertParity(ms, cliPhoto.messages, extra);
      await context.close();
    }
    const { page, context } = await openPage(pageUrl('upload_tracking', `${PHOTO_QUERY}&threads=9&${src}`));
    const ms = await waitForMessages(page, (m) => m.some((x) => x.type === 'error'));
    const e = ms.find((m) => m.type === 'error');
    assert.equal(e.code, 'invalid_param');
    assert.equal(e.details.param, 'threads');
    await context.close();
  });

  test('upload: blazepose=true photo — environment names BlazePose lite, data33 and keypoints as the CLI', async () => {
    const q = 'source=image&keypoints=true&blazepose=true';
    const cli = await analyzeWithCli(PHOTO, q);
    assert.equal(cli.code, 0, cli.stderr);
    const { page, context, errors } = await openPage(pageUrl('upload_tracking', `${q}&imageSrc=${encodeURIComponent(`${cors.url}/photo.png`)}`));
    const ms = await waitForMessages(page, isDone);
    validateAll(ms);
    assert.deepEqual(errors, []);
    assert.equal(ms.find((m) => m.type === 'environment').model, 'blazepose-lite');
    assertParity(ms, cli.messages, 'blazepose photo');
    const k = ms.find((m) => m.type === 'keypoints');
    const c = cli.messages.find((m) => m.type === 'keypoints');
    assert.equal(k.data33.length, 33);
    for (let i = 0; i < 33; i++) assert.ok(Math.abs(k.data33[i].x - c.data33[i].x) <= 0.01 && Math.abs(k.data33[i].y - c.data33[i].y) <= 0.01, k.data33[i].name);
    await context.close();
  });

  test('transport: a framing host and injected ReactNativeWebView / iosListener / webViewCallback get the same strings', async () => {
    for (const name of ['upload_tracking', 'tracking']) {
      const src = pageUrl(name, name === 'upload_tracking' ? `source=image&imageSrc=${encodeURIComponent(`${cors.url}/photo.png`)}` : '');
      // The host: another origin framing the page, recording message events.
      const host = await startMediaServer({ pages: { 'host.html': hostPage(src) } });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${host.url}/host.html`);
      const framed = async () => page.evaluate(() => window.__framed);
      const end = Date.now() + 120000;
      // tracking without a camera flag: stops at camera_not_found or permission; upload: at image_overlay.
      while (Date.now() < end) {
        const f = (await framed()).map((s) => JSON.parse(s));
        if (f.some((m) => m.type === 'image_overlay' || m.type === 'error')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const strings = await framed();
      assert.ok(strings.length >= 2, `${name}: framed host got ${strings.length} messages`);
      assert.ok(strings.every((s) => typeof s === 'string'), 'parent.postMessage sends strings');
      validateAll(strings.map((s) => JSON.parse(s)));
      await context.close();
      await host.close();

      // Same page, not framed, with the native bridges injected.
      const { page: p2, context: c2 } = await openPage(src);
      await waitForMessages(p2, (m) => m.length >= strings.length && (m.some((x) => x.type === 'image_overlay' || x.type === 'error')));
      const sinks = await p2.evaluate(() => window.__kt);
      assert.deepEqual(sinks.rn, sinks.ios);
      assert.deepEqual(sinks.rn, sinks.callback);
      assert.deepEqual(sinks.rn.map((s) => JSON.parse(s)), sinks.events);
      // environment.threads: framed by a host without COOP/COEP the page is
      // not cross-origin isolated, so it runs the single-threaded build.
      const strip = (s) => {
        const m = JSON.parse(s);
        delete m.timestampMs;
        if (m.type === 'error') delete m.details;
        if (m.type === 'environment') delete m.threads;
        return JSON.stringify(m);
      };
      assert.deepEqual(sinks.rn.map(strip), strings.map(strip), `${name}: framed and native hosts get the same messages`);
      await c2.close();
    }
  });

  test('hostile parameters run no script and leave no unsafe style', async () => {
    const q = new URLSearchParams({
      uploadLabel: '<img src=x onerror="window.__pwned=1;alert(1)">',
      uploadButtonStyle: 'background:url(javascript:window.__pwned=2);color:red;width:expression(alert(3))',
      containerClass: 'x onclick=window.__pwned=3 "><script>window.__pwned=4</script>',
      uploadButtonClass: 'btn" onmouseover="window.__pwned=5',
    }).toString();
    const { page, context, errors } = await openPage(pageUrl('upload_tracking', q));
    await page.waitForFunction(() => !document.getElementById('kt-upload').hidden, null, { timeout: 60000 });
    await page.hover('#kt-upload-button');
    await page.click('#kt-container', { position: { x: 5, y: 5 } });
    const dom = await page.evaluate(() => {
      const b = document.getElementById('kt-upload-button');
      const c = document.getElementById('kt-container');
      return {
        pwned: window.__pwned,
        label: b.textContent,
        buttonChildren: b.children.length,
        imgs: document.querySelectorAll('img').length,
        scripts: [...document.scripts].map((s) => s.src),
        style: b.getAttribute('style') || '',
        containerAttrs: [...c.attributes].map((a) => a.name),
        classes: [...c.classList, ...b.classList],
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name)),
      };
    });
    assert.equal(dom.pwned, undefined);
    assert.deepEqual(errors, []);
    assert.equal(dom.label, '<img src=x onerror="window.__pwned=1;alert(1)">', 'uploadLabel is text');
    assert.equal(dom.buttonChildren, 0);
    assert.equal(dom.imgs, 0);
    assert.deepEqual(dom.handlers, []);
    assert.doesNotMatch(dom.style, /url|javascript|expression/i);
    assert.match(dom.style, /color: red/);
    assert.ok(dom.classes.every((c) => /^-?[A-Za-z_][A-Za-z0-9_-]*$/.test(c)), JSON.stringify(dom.classes));
    assert.ok(!dom.containerAttrs.some((a) => a.startsWith('on')));
    assert.ok(dom.scripts.every((s) => s.startsWith(server.url)), JSON.stringify(dom.scripts));
    await context.close();
  });

  test('poseBackend=webgl without WebGL2: non-fatal backend_fallback_wasm then environment wasm; skeleton=false hides the overlay; free plan watermark and gate', async () => {
    // No WebGL2 here (getContext('webgl2') gives null; the engine on the main
    // thread, where the init script reaches it). tests/node/webgl-pages.test.mjs
    // has poseBackend=webgl running.
    const noWebgl2 = () => {
      for (const C of [globalThis.OffscreenCanvas, globalThis.HTMLCanvasElement]) {
        const getContext = C.prototype.getContext;
        C.prototype.getContext = function (type, ...rest) { return type === 'webgl2' ? null : getContext.call(this, type, ...rest); };
      }
    };
    const { page, context } = await openPage(pageUrl('upload_tracking', `source=image&poseBackend=webgl&runInWorker=false&skeleton=false&imageSrc=${encodeURIComponent(`${cors.url}/photo.png`)}`), { init: noWebgl2 });
    const ms = await waitForMessages(page, isDone);
    validateAll(ms);
    const i = ms.findIndex((m) => m.type === 'error');
    assert.equal(ms[i].code, 'backend_fallback_wasm');
    assert.equal(ms[i].fatal, false);
    assert.equal(ms[i + 1].type, 'environment');
    assert.equal(ms[i + 1].poseBackend, 'wasm');
    assert.ok(ms.some((m) => m.type === 'image_overlay'), 'analysis went on');
    assert.equal(await page.evaluate(() => document.getElementById('kt-overlay').hidden), true);
    assert.equal(await page.evaluate(() => document.getElementById('kt-watermark').hidden), true, 'no watermark on a paid plan');
    await context.close();

    const free = await openPage(pageUrl('upload_tracking', '', tokens.free));
    await free.page.waitForFunction(() => !document.getElementById('kt-watermark').hidden, null, { timeout: 60000 });
    await free.context.close();
    const gated = await openPage(pageUrl('upload_tracking', 'angles=true', tokens.free));
    const g = await waitForMessages(gated.page, (m) => m.some((x) => x.type === 'error'));
    assert.equal(g.find((m) => m.type === 'error').code, 'developer_features_not_allowed');
    assert.equal(await gated.page.textContent('#kt-status'), 'You cannot use developer features. (visit: https://posetracker.gitbook.io/posetracker-api/tracking-endpoint)');
    await gated.context.close();
  });

  describe('tracking with a fake camera', () => {
    let camBrowser;
    let y4m;
    const PAD_S = 2; // the first frame held 2 s: the clip's motion starts once the tracker runs
    before(async () => {
      y4m = makeY4m(CAMERA_CLIP, path.join(tmp, 'jumping_jack.y4m'), { width: 480, pad: PAD_S });
      camBrowser = await launchChromium({ camera: y4m });
    });
    after(async () => {
      await camBrowser?.close();
    });

    async function openCamera(query) {
      const context = await camBrowser.newContext({ viewport: { width: 960, height: 540 } });
      await context.grantPermissions(['camera'], { origin: server.url });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await recordMessages(page);
      await page.goto(pageUrl('tracking', query));
      return { page, context, errors };
    }

    test('pose only: the initialization sequence, keypoints, the skeleton over the video', async () => {
      const { page, context, errors } = await openCamera('');
      const ms = await waitForMessages(page, (m) => m.filter((x) => x.type === 'keypoints').length >= 15 || m.some((x) => x.type === 'error'));
      validateAll(ms);
      assert.deepEqual(errors, []);
      assert.deepEqual(ms.filter((m) => m.type === 'initialization').map((m) => [m.message, m.ready]),
        [['checking you plan and access', false], ['accessing webcam', false], ['loading pose model', false], ['running', true]]);
      assert.deepEqual(types(ms).slice(0, 5), ['initialization', 'initialization', 'initialization', 'environment', 'initialization']);
      // Freeze the picture on the last processed frame, then look at it.
      await page.evaluate(() => document.getElementById('kt-video').pause());
      await new Promise((r) => setTimeout(r, 400));
      const last = (await messagesOf(page)).filter((m) => m.type === 'keypoints').at(-1);
      const box = await page.locator('#kt-video').boundingBox();
      const { w, h } = await page.evaluate(() => ({ w: document.getElementById('kt-video').videoWidth, h: document.getElementById('kt-video').videoHeight }));
      await assertSkeletonOnScreen(page, path.join(ARTIFACTS, 'tracking.png'), { box, mediaWidth: w, mediaHeight: h, keypoints: last.keypoints });
      await context.close();
    });

    test('exercise=jumping_jack: jumping jacks counted inside the label\'s range', async () => {
      const labels = JSON.parse(fs.readFileSync(path.join(MEDIA_DIR, 'labels.json'), 'utf8'));
      const label = labels.clips.find((c) => c.file === 'clips/jumping_jack_front_10.mp4');
      const { page, context } = await openCamera('exercise=jumping_jack');
      const endMs = (PAD_S + 10.1 + 0.5) * 1000;
      const ms = await waitForMessages(page, (m) => m.some((x) => x.type === 'error' && x.fatal) || m.some((x) => x.timestampMs > endMs && x.type !== 'initialization'), { timeoutMs: 90000 });
      validateAll(ms);
      const fatal = ms.find((m) => m.type === 'error' && m.fatal);
      assert.equal(fatal, undefined, `the tracking page refused exercise=jumping_jack: ${JSON.stringify(fatal)}`);
      const counts = ms.filter((m) => m.type === 'counter' && m.timestampMs <= endMs).map((m) => m.current_count);
      const count = counts.length ? Math.max(...counts) : 0;
      assert.ok(count >= label.accept[0] && count <= label.accept[1], `counted ${count}, label accepts ${label.accept.join('..')}`);
      await context.close();
    });
  });

  test('tracking: camera permission denied → camera_permission_denied with an in-page text', async () => {
    const denied = await launchChromium({ deny: true });
    try {
      const page = await denied.newPage();
      await recordMessages(page);
      await page.goto(pageUrl('tracking', ''));
      const ms = await waitForMessages(page, (m) => m.some((x) => x.type === 'error'));
      validateAll(ms);
      const err = ms.find((m) => m.type === 'error');
      assert.equal(err.code, 'camera_permission_denied');
      assert.equal(err.fatal, true);
      assert.match(await page.textContent('#kt-status'), /Camera access was denied/);
    } finally {
      await denied.close();
    }
  });
});
