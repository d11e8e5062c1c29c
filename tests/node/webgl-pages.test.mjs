// The pages with poseBackend=webgl, in chromium headless on SwiftShader
// (its WebGL2 is a CPU: correctness only): the upload page on a shared
// photo posts the same messages as with poseBackend=wasm (same types in the
// same order, every number within 1e-3, keypoints included), with
// environment reporting webgl, in the worker and on the main thread, for
// MoveNet and BlazePose lite and full; and
// where no WebGL2 context can be made (simulated: getContext('webgl2')
// returns null) the page falls back to wasm with the non-fatal
// backend_fallback_wasm naming the reason, environment wasm, and the same
// results. The upload page takes the photo and a shared clip's frames to
// the GPU as textures (the engine's frameStats: 0 bytes read from wasm
// memory, every frame a texture), the clip with the same frames, counts
// and grades as poseBackend=wasm; a WebGL2 context lost mid-video
// (WEBGL_lose_context), in the worker or on the main thread, posts the
// non-fatal backend_fallback_wasm with the reason and environment wasm,
// and the analysis completes on wasm with the wasm run's count. The camera
// page with poseBackend=webgl (a fake camera) tracks
// on webgl, its frames reaching the GPU as textures; when the WebGL2
// context is lost mid-session (WEBGL_lose_context) the page posts the
// non-fatal backend_fallback_wasm with the reason and tracks on wasm. (tests/node/pages.test.mjs has the fallback with the engine in
// the worker's place on the main thread too.) Needs `make wasm-webgl`; a missing browser fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startServer } from '../../lib/serve.mjs';
import { generateKeyPair, signToken } from '../../lib/tokens/keys.mjs';
import { CHROMIUM, isDone, makeY4m, recordMessages, startMediaServer, waitForMessages } from '../helpers/browser.mjs';
import { MEDIA_DIR, repoRoot } from '../helpers/datasets.mjs';
import { validateAll } from '../helpers/schemas.mjs';
import { WEBGL_ARGS } from '../helpers/webgl-page.mjs';
import { lateReads } from '../helpers/page-scripts.mjs';

const PHOTO_JPEG = path.join(MEDIA_DIR, 'images/messi5.jpg');
const PHOTO_BYTES = 548 * 342 * 4; // the photo's RGBA, where the C reads it from wasm memory
const QUERY = 'source=image&keypoints=true&angles=true&skeleton=false';
const CLIP = path.join(MEDIA_DIR, 'clips/push_up_side_2.mp4'); // 1280x720, 25 fps, 127 frames, 2 push-ups (as pages.test.mjs)
const CLIP_FRAME_BYTES = 1280 * 720 * 4;
const VIDEO_QUERY = 'exercise=push_up&keypoints=true';

// Keeps the engine's WebGL2 contexts where the test can lose them: an init
// script on the page (engine on the main thread), or evaluated in the
// engine's worker as it starts (before the WebGL2 module makes its context,
// at createTracker).
const keepContexts = () => {
  self.__glContexts = [];
  for (const C of [globalThis.OffscreenCanvas, globalThis.HTMLCanvasElement]) {
    if (!C) continue;
    const getContext = C.prototype.getContext;
    C.prototype.getContext = function (type, ...rest) {
      const c = getContext.call(this, type, ...rest);
      if (type === 'webgl2' && c) self.__glContexts.push(c);
      return c;
    };
  }
};
const loseContexts = () => self.__glContexts.map((c) => {
  c.getExtension('WEBGL_lose_context').loseContext();
  return c.isContextLost();
});


const keypointsOf = (ms) => ms.filter((m) => m.type === 'keypoints');
const finalCount = (ms) => ms.find((m) => m.type === 'counter' && m.final)?.current_count;
const summaryOf = (ms) => ms.find((m) => m.type === 'exercise_summary');

// Every message but the fallback, with numbers compared within `tol`
// (angles in degrees within 0.1) and image_overlay's picture left out.
function assertSameMessages(got, want, label) {
  const strip = (ms) => ms.filter((m) => !(m.type === 'error' && m.code === 'backend_fallback_wasm'))
    .map((m) => (m.type === 'image_overlay' ? { type: m.type } : m));
  const a = strip(got);
  const b = strip(want);
  assert.deepEqual(a.map((m) => m.type), b.map((m) => m.type), `${label}: message types`);
  const walk = (x, y, where) => {
    if (typeof x === 'number' && typeof y === 'number') {
      const tol = /angle/i.test(where) ? 0.1 : 1e-3;
      assert.ok(Math.abs(x - y) <= tol, `${label}: ${where} ${x} vs ${y}`);
    } else if (x && typeof x === 'object' && y && typeof y === 'object') {
      assert.deepEqual(Object.keys(x).sort(), Object.keys(y).sort(), `${label}: keys of ${where}`);
      for (const k of Object.keys(x)) {
        if (k === 'poseBackend' || k === 'webgl' || k === 'threads') continue; // environment: what runs differs by design (the WebGL2 module has no thread pool)
        walk(x[k], y[k], `${where}.${k}`);
      }
    } else {
      assert.deepEqual(x, y, `${label}: ${where}`);
    }
  };
  for (let i = 0; i < a.length; i++) walk(a[i], b[i], `${a[i].type}[${i}]`);
}

describe('pages with poseBackend=webgl (SwiftShader)', () => {
  let tmp;
  let server;
  let media;
  let browser;
  let token;

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `chromium missing (${CHROMIUM})`);
    assert.ok(fs.existsSync(path.join(repoRoot, 'build/wasm-webgl/kinetrack-webgl.wasm')), 'run make wasm-webgl');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-webgl-pages-'));
    const photo = path.join(tmp, 'photo.png'); // lossless: the same pixels however decoded
    const png = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', PHOTO_JPEG, '-pix_fmt', 'rgb24', photo], { encoding: 'utf8' });
    assert.equal(png.status, 0, png.stderr);
    const keysDir = path.join(tmp, 'keys');
    await generateKeyPair({ dir: keysDir });
    token = await signToken({ dir: keysDir, plan: 'developer' });
    server = await startServer({ port: 0, repoRoot, keysDir });
    // export=true's run: the clip's first second (25 frames), re-encoded.
    const short = path.join(tmp, 'short.mp4');
    const cut = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', CLIP, '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an', short], { encoding: 'utf8' });
    assert.equal(cut.status, 0, cut.stderr);
    media = await startMediaServer({ files: { 'photo.png': photo, 'clip.mp4': CLIP, 'short.mp4': short }, cors: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGL_ARGS, timeout: 60000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await media?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // The upload page on `query` until it is done: its messages and how the
  // frames reached the C (the engine's frameStats, window.kinetrackMemory).
  // init: an init script; workerInit: evaluated in the engine's worker as it
  // starts; during(page, worker): run meanwhile (may wait for messages).
  async function upload(query, { init = null, workerInit = null, during = null, timeoutMs = 180000 } = {}) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let worker = null;
    const workerReady = workerInit ? new Promise((resolve) => page.on('worker', (w) => {
      if (worker) return;
      worker = w;
      resolve(w.evaluate(workerInit).then(() => w));
    })) : null;
    await recordMessages(page);
    if (init) await page.addInitScript(init);
    await page.goto(`${server.url}/pose_tracker/upload_tracking?token=${token}&${query}`);
    const failed = during ? during(page, workerReady).then(() => null, (e) => e) : null;
    const ms = await waitForMessages(page, isDone, { timeoutMs });
    const e = await failed;
    if (e) throw e;
    const frames = (await page.evaluate(() => window.kinetrackMemory())).engine.frames;
    const late = await page.evaluate(() => window.__kt_late || null);
    await context.close();
    assert.deepEqual(errors, []);
    validateAll(ms);
    return { ms, frames, late };
  }
  const photoQuery = (extra) => `${QUERY}&${extra}&imageSrc=${encodeURIComponent(`${media.url}/photo.png`)}`;
  const videoQuery = (extra) => `${VIDEO_QUERY}&${extra}&videoSrc=${encodeURIComponent(`${media.url}/clip.mp4`)}`;
  async function run(extra, init = null) {
    return (await upload(photoQuery(extra), { init })).ms;
  }

  let wasm;
  test('poseBackend=wasm: the baseline', { timeout: 240000 }, async () => {
    const r = await upload(photoQuery('poseBackend=wasm'));
    wasm = r.ms;
    // The photo's RGBA through wasm memory: what the texture path must not do.
    assert.deepEqual(r.frames, { rgbaBytes: PHOTO_BYTES, textureFrames: 0 });
    assert.ok(wasm.some((m) => m.type === 'image_overlay'));
    assert.ok(wasm.some((m) => m.type === 'keypoints'));
    const env = wasm.find((m) => m.type === 'environment');
    assert.equal(env.poseBackend, 'wasm');
    assert.equal(env.webgl, false);
  });

  for (const [where, extra] of [['in the worker', ''], ['on the main thread', '&runInWorker=false']]) {
    test(`poseBackend=webgl ${where}: environment webgl, the same messages as wasm, the photo as a texture`, { timeout: 240000 }, async () => {
      assert.ok(wasm, 'the baseline ran');
      const { ms, frames } = await upload(photoQuery(`poseBackend=webgl${extra}`));
      // The pose model read the photo from a texture: no byte of it through wasm memory.
      assert.deepEqual(frames, { rgbaBytes: 0, textureFrames: 1 });
      assert.ok(!ms.some((m) => m.type === 'error'), JSON.stringify(ms.filter((m) => m.type === 'error')));
      const env = ms.find((m) => m.type === 'environment');
      assert.equal(env.poseBackend, 'webgl');
      assert.equal(env.webgl, true);
      assertSameMessages(ms, wasm, where);
    });
  }

  // The shared clip, every frame, on wasm: what the webgl runs are held to.
  let wasmVideo;
  test('upload video, poseBackend=wasm: the baseline', { timeout: 240000 }, async () => {
    const r = await upload(videoQuery('poseBackend=wasm'));
    wasmVideo = r.ms;
    const frames = keypointsOf(wasmVideo).length;
    assert.ok(frames >= 120, `${frames} frames`);
    assert.deepEqual(r.frames, { rgbaBytes: frames * CLIP_FRAME_BYTES, textureFrames: 0 });
    assert.equal(finalCount(wasmVideo), 2);
    assert.equal(wasmVideo.find((m) => m.type === 'environment').poseBackend, 'wasm');
  });

  test('upload video, poseBackend=webgl in the worker: every frame as a texture, the same frames, counts and grades as wasm', { timeout: 600000 }, async (t) => {
    assert.ok(wasmVideo, 'the baseline ran');
    const { ms, frames, late } = await upload(videoQuery('poseBackend=webgl'), { init: lateReads, timeoutMs: 540000 });
    assert.ok(!ms.some((m) => m.type === 'error'), JSON.stringify(ms.filter((m) => m.type === 'error')));
    const env = ms.find((m) => m.type === 'environment');
    assert.equal(env.poseBackend, 'webgl');
    assert.equal(env.webgl, true);
    const got = keypointsOf(ms);
    const want = keypointsOf(wasmVideo);
    // Every frame once, the same ones (frames read late were read again after a seek).
    assert.deepEqual(got.map((m) => [m.frameId, m.timestampMs]), want.map((m) => [m.frameId, m.timestampMs]));
    assert.ok(late.reads >= 4, `${late.reads} late reads`);
    assert.equal(late.rereadAfterSeek, late.reads, 'every late read is read again after a seek');
    // Not one byte of a frame through wasm memory: every frame a texture.
    assert.deepEqual(frames, { rgbaBytes: 0, textureFrames: got.length });
    // Counts and grades as on wasm.
    assert.equal(finalCount(ms), finalCount(wasmVideo));
    assert.deepEqual(ms.filter((m) => m.type === 'counter').map((m) => m.current_count), wasmVideo.filter((m) => m.type === 'counter').map((m) => m.current_count));
    const [a, b] = [summaryOf(ms), summaryOf(wasmVideo)];
    assert.deepEqual([a.counter, a.grade, a.history.map((h) => h.grade)], [b.counter, b.grade, b.history.map((h) => h.grade)]);
    // The first frame: the same input bytes (the planes converted on the
    // GPU as the C converts them), so only the backends' arithmetic
    // differs. Later frames track from their own last keypoints, where a
    // difference that small can move a heatmap's peak to the next cell and
    // the crop with it: held to the canvas path's bounds (pages.test.mjs).
    const diff = (x, y) => Math.max(...x.keypoints.map((k, i) => Math.max(Math.abs(k.x - y.keypoints[i].x), Math.abs(k.y - y.keypoints[i].y))));
    const diffs = got.map((m, i) => diff(m, want[i]));
    const sorted = [...diffs].sort((x, y) => x - y);
    const q95 = sorted[Math.floor(sorted.length * 0.95)];
    t.diagnostic(`${got.length} frames: keypoint difference to wasm, frame 0 ${diffs[0].toExponential(2)}, 95th percentile ${q95.toFixed(4)}, max ${sorted.at(-1).toFixed(4)}; `
      + `frameStats ${JSON.stringify(frames)}; ${late.reads} late reads re-read`);
    assert.ok(diffs[0] <= 1e-3, `frame 0: ${diffs[0]}`);
    assert.ok(q95 <= 0.025 && sorted.at(-1) <= 0.05, `95th percentile ${q95}, max ${sorted.at(-1)}`);
  });

  test('upload video, export=true on poseBackend=webgl: the model reads textures, every analyzed frame encoded', { timeout: 240000 }, async (t) => {
    let exported = null;
    const { ms, frames } = await upload(`exercise=push_up&keypoints=true&export=true&poseBackend=webgl&videoSrc=${encodeURIComponent(`${media.url}/short.mp4`)}`, {
      // The encoded file, fetched from the page's blob: URL once it is ready.
      during: async (page) => {
        const done = await waitForMessages(page, (m) => m.some((x) => x.type === 'export_ready' || (x.type === 'error' && x.fatal !== false)), { timeoutMs: 200000 });
        const ready = done.find((x) => x.type === 'export_ready');
        if (!ready) return;
        const b64 = await page.evaluate(async (u) => {
          const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
          let bin = '';
          for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return btoa(bin);
        }, ready.url);
        exported = path.join(tmp, 'export-webgl.mp4');
        fs.writeFileSync(exported, Buffer.from(b64, 'base64'));
      },
    });
    assert.ok(!ms.some((m) => m.type === 'error'), JSON.stringify(ms.filter((m) => m.type === 'error')));
    assert.equal(ms.find((m) => m.type === 'environment').poseBackend, 'webgl');
    const n = keypointsOf(ms).length;
    assert.equal(n, 25);
    // The pose model read every frame from a texture; the encoder's copy of
    // each frame (with the skeleton drawn by the C) is what still reads pixels.
    assert.deepEqual(frames, { rgbaBytes: 0, textureFrames: n });
    const ready = ms.find((m) => m.type === 'export_ready');
    assert.deepEqual([ready.width, ready.height, ready.frames], [1280, 720, n]);
    assert.ok(exported, 'the export was fetched');
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', exported], { encoding: 'utf8' });
    assert.equal(probe.status, 0, probe.stderr);
    assert.equal(Number(probe.stdout.trim()), n, 'one encoded frame per analyzed frame');
    t.diagnostic(`${n} frames as textures, ${ready.frames} encoded (${ready.mimeType})`);
  });

  for (const [where, extra] of [['on the main thread', '&runInWorker=false'], ['in the worker', '']]) {
    test(`upload video, the WebGL2 context lost mid-video ${where}: backend_fallback_wasm with the reason, environment wasm, the analysis completes on wasm with its count`, { timeout: 300000 }, async (t) => {
      assert.ok(wasmVideo, 'the baseline ran');
      const onPage = extra !== '';
      let lostAt = null;
      const { ms, frames } = await upload(videoQuery(`poseBackend=webgl${extra}`), {
        init: onPage ? keepContexts : null,
        workerInit: onPage ? null : keepContexts,
        // Two frames tracked on webgl, then the contexts are lost.
        during: async (page, workerReady) => {
          const scope = onPage ? page : await workerReady;
          await waitForMessages(page, (m) => keypointsOf(m).length >= 2, { timeoutMs: 120000, pollMs: 100 });
          const lost = await scope.evaluate(loseContexts);
          assert.ok(lost.length >= 1 && lost.every(Boolean), `contexts lost: ${lost}`);
          lostAt = keypointsOf(await page.evaluate(() => window.__kt.events)).length;
        },
      });
      const i = ms.findIndex((m) => m.type === 'error');
      assert.ok(i >= 0, 'an error message after the loss');
      assert.equal(ms.filter((m) => m.type === 'error').length, 1, JSON.stringify(ms.filter((m) => m.type === 'error')));
      assert.equal(ms[i].code, 'backend_fallback_wasm', JSON.stringify(ms[i]));
      assert.equal(ms[i].fatal, false);
      assert.match(ms[i].details.reason, /context was lost/);
      assert.deepEqual([ms[i + 1].type, ms[i + 1].poseBackend, ms[i + 1].webgl], ['environment', 'wasm', false]);
      const envs = ms.filter((m) => m.type === 'environment');
      assert.deepEqual(envs.map((m) => m.poseBackend), ['webgl', 'wasm']);
      // Frames before the loss on webgl, every one after it on wasm, each once.
      const before = keypointsOf(ms.slice(0, i));
      const after = keypointsOf(ms.slice(i));
      assert.ok(before.length >= 2, `${before.length} frames on webgl`);
      assert.equal(before.length + after.length, keypointsOf(wasmVideo).length);
      assert.equal(after[0].timestampMs, ms[i].timestampMs, 'the frame the loss was found on is tracked, on wasm');
      // The new tracker read every frame after the loss from wasm memory, as poseBackend=wasm does.
      assert.deepEqual(frames, { rgbaBytes: after.length * CLIP_FRAME_BYTES, textureFrames: 0 });
      assert.ok(ms.some((m) => m.type === 'initialization' && m.message === 'Analysis completed'));
      assert.equal(finalCount(ms), finalCount(wasmVideo));
      assert.equal(summaryOf(ms).counter, summaryOf(wasmVideo).counter);
      t.diagnostic(`lost after ${lostAt} keypoints messages; found at ${ms[i].timestampMs} ms: ${before.length} frames on webgl, ${after.length} on wasm; count ${finalCount(ms)}`);
    });
  }

  test('BlazePose (lite, full) with poseBackend=webgl in the worker: the same messages as wasm', { timeout: 480000 }, async () => {
    for (const model of ['lite', 'full']) {
      const q = `blazepose=true&mediapipeModel=${model}`;
      const base = await run(`${q}&poseBackend=wasm`);
      const ms = await run(`${q}&poseBackend=webgl`);
      assert.ok(!ms.some((m) => m.type === 'error'), JSON.stringify(ms.filter((m) => m.type === 'error')));
      const env = ms.find((m) => m.type === 'environment');
      assert.equal(env.poseBackend, 'webgl');
      assert.match(env.model, new RegExp(model));
      assert.ok(base.some((m) => m.type === 'keypoints'));
      assertSameMessages(ms, base, `blazepose ${model}`);
    }
  });

  // The camera page on a fake camera with poseBackend=webgl`extra`;
  // `during(page, messages)` runs once 3 keypoints came, then the page is
  // closed. `init`: an init script (the main thread's only).
  async function camera(extra, during, init = null) {
    const y4m = path.join(tmp, 'camera.y4m');
    if (!fs.existsSync(y4m)) makeY4m(path.join(MEDIA_DIR, 'clips/jumping_jack_front_10.mp4'), y4m, { width: 320, fps: 10 });
    const { chromium } = await import('playwright-core');
    const cam = await chromium.launch({ executablePath: CHROMIUM, timeout: 60000,
      args: [...WEBGL_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`] });
    try {
      const context = await cam.newContext();
      await context.grantPermissions(['camera'], { origin: server.url });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await recordMessages(page);
      if (init) await page.addInitScript(init);
      await page.goto(`${server.url}/pose_tracker/tracking?token=${token}&poseBackend=webgl${extra}`);
      const ms = await waitForMessages(page, (m) => m.filter((x) => x.type === 'keypoints').length >= 3 || m.some((x) => x.type === 'error'), { timeoutMs: 180000 });
      validateAll(ms);
      assert.deepEqual(errors, []);
      assert.ok(!ms.some((m) => m.type === 'error'), JSON.stringify(ms.filter((m) => m.type === 'error')));
      const env = ms.find((m) => m.type === 'environment');
      assert.equal(env.poseBackend, 'webgl');
      assert.equal(env.webgl, true);
      const kp = ms.filter((m) => m.type === 'keypoints').at(-1).keypoints;
      assert.equal(kp.length, 17);
      assert.ok(kp.filter((k) => k.score >= 0.3).length >= 8, JSON.stringify(kp));
      if (during) await during(page, ms);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await cam.close();
    }
  }

  test('the camera page with poseBackend=webgl: environment webgl, keypoints every frame it runs (frames as textures)', { timeout: 240000 }, async () => {
    await camera('', async (page) => {
      // The frames reached the C as textures only: not one byte of them through wasm memory.
      const { engine } = await page.evaluate(() => window.kinetrackMemory());
      assert.equal(engine.frames.rgbaBytes, 0, JSON.stringify(engine.frames));
      assert.ok(engine.frames.textureFrames >= 3, JSON.stringify(engine.frames));
    });
  });

  test('the WebGL2 context lost mid-session (camera page, main thread): backend_fallback_wasm with the reason, then wasm keeps tracking', { timeout: 240000 }, async () => {
    await camera('&runInWorker=false', async (page, before) => {
      const lost = await page.evaluate(loseContexts);
      assert.ok(lost.length >= 1 && lost.every(Boolean), `contexts lost: ${lost}`);
      const n = before.length;
      const after = (m) => m.slice(n);
      const ms = await waitForMessages(page, (m) => after(m).filter((x) => x.type === 'keypoints').length >= 2
        || after(m).some((x) => x.type === 'error' && x.code !== 'backend_fallback_wasm'), { timeoutMs: 120000 });
      validateAll(ms);
      const tail = after(ms);
      const i = tail.findIndex((m) => m.type === 'error');
      assert.ok(i >= 0, 'an error message after the loss');
      assert.equal(tail[i].code, 'backend_fallback_wasm', JSON.stringify(tail[i]));
      assert.equal(tail[i].fatal, false);
      assert.match(tail[i].details.reason, /context was lost/);
      assert.equal(tail[i + 1].type, 'environment');
      assert.equal(tail[i + 1].poseBackend, 'wasm');
      assert.equal(tail.filter((m) => m.type === 'error').length, 1, JSON.stringify(tail.filter((m) => m.type === 'error')));
      const kp = tail.filter((m) => m.type === 'keypoints').at(-1).keypoints;
      assert.ok(kp.filter((k) => k.score >= 0.3).length >= 8, JSON.stringify(kp));
    }, keepContexts);
  });

  test('no WebGL2 context (simulated): backend_fallback_wasm with the reason, environment wasm, the same results', { timeout: 240000 }, async () => {
    assert.ok(wasm, 'the baseline ran');
    // The engine runs on the main thread here, where an init script reaches it.
    const noWebgl2 = () => {
      for (const C of [globalThis.OffscreenCanvas, globalThis.HTMLCanvasElement]) {
        if (!C) continue;
        const getContext = C.prototype.getContext;
        C.prototype.getContext = function (type, ...rest) { return type === 'webgl2' ? null : getContext.call(this, type, ...rest); };
      }
    };
    const ms = await run('poseBackend=webgl&runInWorker=false', noWebgl2);
    const i = ms.findIndex((m) => m.type === 'error');
    assert.equal(ms[i].code, 'backend_fallback_wasm');
    assert.equal(ms[i].fatal, false);
    assert.match(ms[i].details.reason, /no WebGL2 context/);
    assert.equal(ms[i + 1].type, 'environment');
    assert.equal(ms[i + 1].poseBackend, 'wasm');
    assertSameMessages(ms, wasm, 'fallback');
  });
});
