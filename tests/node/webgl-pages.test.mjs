// The pages with poseBackend=webgl, in chromium headless on SwiftShader
// (its WebGL2 is a CPU: correctness only): the upload page on a shared
// photo posts the same messages as with poseBackend=wasm (same types in the
// same order, every number within 1e-3, keypoints included), with
// environment reporting webgl, in the worker and on the main thread, for
// MoveNet and BlazePose lite and full; and
// where no WebGL2 context can be made (simulated: getContext('webgl2')
// returns null) the page falls back to wasm with the non-fatal
// backend_fallback_wasm naming the reason, environment wasm, and the same
// results. The camera page with poseBackend=webgl (a fake camera) tracks
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

const PHOTO_JPEG = path.join(MEDIA_DIR, 'images/messi5.jpg');
const QUERY = 'source=image&keypoints=true&angles=true&skeleton=false';

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
    media = await startMediaServer({ files: { 'photo.png': photo }, cors: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGL_ARGS, timeout: 60000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await media?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function run(extra, init = null) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await recordMessages(page);
    if (init) await page.addInitScript(init);
    await page.goto(`${server.url}/pose_tracker/upload_tracking?token=${token}&${QUERY}&${extra}&imageSrc=${encodeURIComponent(`${media.url}/photo.png`)}`);
    const ms = await waitForMessages(page, isDone, { timeoutMs: 180000 });
    await context.close();
    assert.deepEqual(errors, []);
    validateAll(ms);
    return ms;
  }

  let wasm;
  test('poseBackend=wasm: the baseline', { timeout: 240000 }, async () => {
    wasm = await run('poseBackend=wasm');
    assert.ok(wasm.some((m) => m.type === 'image_overlay'));
    assert.ok(wasm.some((m) => m.type === 'keypoints'));
    const env = wasm.find((m) => m.type === 'environment');
    assert.equal(env.poseBackend, 'wasm');
    assert.equal(env.webgl, false);
  });

  for (const [where, extra] of [['in the worker', ''], ['on the main thread', '&runInWorker=false']]) {
    test(`poseBackend=webgl ${where}: environment webgl, the same messages as wasm`, { timeout: 240000 }, async () => {
      assert.ok(wasm, 'the baseline ran');
      const ms = await run(`poseBackend=webgl${extra}`);
      assert.ok(!ms.some((m) => m.type === 'error'), JSON.stringify(ms.filter((m) => m.type === 'error')));
      const env = ms.find((m) => m.type === 'environment');
      assert.equal(env.poseBackend, 'webgl');
      assert.equal(env.webgl, true);
      assertSameMessages(ms, wasm, where);
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
    // Keeps the engine's WebGL2 contexts where the test can lose them.
    const keepContexts = () => {
      window.__glContexts = [];
      for (const C of [globalThis.OffscreenCanvas, globalThis.HTMLCanvasElement]) {
        if (!C) continue;
        const getContext = C.prototype.getContext;
        C.prototype.getContext = function (type, ...rest) {
          const c = getContext.call(this, type, ...rest);
          if (type === 'webgl2' && c) window.__glContexts.push(c);
          return c;
        };
      }
    };
    await camera('&runInWorker=false', async (page, before) => {
      const lost = await page.evaluate(() => window.__glContexts.map((c) => {
        c.getExtension('WEBGL_lose_context').loseContext();
        return c.isContextLost();
      }));
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
