// The threaded wasm build (kinetrack-mt) from Node and from chromium: the
// same keypoints as one thread, environment.threads saying what runs, the
// CLI exiting once done (no pool thread keeps Node alive), explicit errors
// for what cannot run, and the pages choosing the threaded build when they
// are cross-origin isolated. Speed is `kinetrack bench`'s (README), never
// timed here.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { createTracker } from '../../lib/index.mjs';
import { analyzeMedia } from '../../lib/analyze.mjs';
import { decodeVideoFrames } from '../../lib/media/decode.mjs';
import { startServer } from '../../lib/serve.mjs';
import { chooseBuild, loadKinetrack } from '../../wasm/kinetrack-loader.mjs';
import { KINETRACK_BIN } from '../helpers/cli.mjs';
import { MEDIA_DIR, repoRoot } from '../helpers/datasets.mjs';
import { analyzeWithCli, haveChromium, isDone, launchChromium, recordMessages, startMediaServer, waitForMessages } from '../helpers/browser.mjs';

const CLIP = path.join(MEDIA_DIR, 'clips/squat_front_2_plus_partial.mp4');
const PHOTO = path.join(MEDIA_DIR, 'images/messi5.jpg');
const WASM = path.join(repoRoot, 'build/wasm');

async function firstFrames(file, n) {
  const frames = [];
  for await (const f of decodeVideoFrames(file, {})) {
    frames.push(f);
    if (frames.length === n) break;
  }
  return frames;
}

test('threads=2: keypoints equal threads=1 within 1e-5 on a clip\'s first 60 frames', async () => {
  const frames = await firstFrames(CLIP, 60);
  assert.equal(frames.length, 60);
  const run = async (threads) => {
    const tracker = await createTracker({ query: 'keypoints=true', threads });
    assert.equal(tracker.threads, threads);
    const out = frames.map((f) => tracker.processFrame(f.rgba, f.width, f.height, f.timestampMs).filter((m) => m.type === 'keypoints'));
    tracker.dispose();
    return out.flat();
  };
  const one = await run(1);
  const two = await run(2);
  assert.equal(one.length, 60);
  assert.equal(two.length, one.length);
  let worst = 0;
  one.forEach((m, i) => m.keypoints.forEach((k, j) => {
    const o = two[i].keypoints[j];
    worst = Math.max(worst, Math.abs(k.x - o.x), Math.abs(k.y - o.y), Math.abs(k.score - o.score));
  }));
  assert.ok(worst <= 1e-5, `1 vs 2 threads differ by ${worst}`);
});

test('environment.threads reports what runs (analyze, 1 and 2 threads)', async () => {
  for (const threads of [1, 2]) {
    const messages = [];
    for await (const m of analyzeMedia(PHOTO, { threads })) messages.push(m);
    assert.equal(messages.find((m) => m.type === 'environment').threads, threads);
    assert.ok(messages.some((m) => m.type === 'keypoints'));
  }
});

test('threads out of range and the single-threaded build asked for threads are explicit errors', async () => {
  await assert.rejects(createTracker({ threads: 0 }), { code: 'invalid_argument' });
  await assert.rejects(createTracker({ threads: 99 }), { code: 'invalid_argument' });
  assert.deepEqual(chooseBuild(4, { sharedMemory: false, relaxedSimd: false }), { build: 'kinetrack', threads: 1 });
  assert.deepEqual(chooseBuild(4, { sharedMemory: true, relaxedSimd: false }), { build: 'kinetrack-mt', threads: 4 });
  assert.deepEqual(chooseBuild(4, { sharedMemory: false, relaxedSimd: true }), { build: 'kinetrack-fma', threads: 1 });
  assert.deepEqual(chooseBuild(4, { sharedMemory: true, relaxedSimd: true }), { build: 'kinetrack-mt-fma', threads: 4 });
  const { default: createModule } = await import(pathToFileURL(path.join(WASM, 'kinetrack.mjs')).href);
  await assert.rejects(loadKinetrack({ createModule, wasmBinary: fs.readFileSync(path.join(WASM, 'kinetrack.wasm')), threads: 2 }),
    (e) => e.code === 'engine_load_failed' && /no XNNPACK thread pool|has no threads/.test(e.message));
});

test('kinetrack analyze --threads 2 exits with 0 right after its last message', async () => {
  const p = spawn(process.execPath, [KINETRACK_BIN, 'analyze', PHOTO, '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let lastOutput = 0;
  p.stdout.on('data', (d) => { out += d; lastOutput = Date.now(); });
  p.stderr.on('data', (d) => { err += d; });
  const killer = setTimeout(() => p.kill('SIGKILL'), 120000);
  const [code] = await new Promise((resolve) => p.on('exit', (...a) => resolve(a)));
  clearTimeout(killer);
  const lingered = Date.now() - lastOutput;
  assert.equal(code, 0, err);
  assert.equal(JSON.parse(out.trim().split('\n').find((l) => l.includes('"environment"'))).threads, 2);
  assert.ok(lingered < 5000, `the process lived ${lingered} ms after its last message`);
  const bad = spawn(process.execPath, [KINETRACK_BIN, 'analyze', PHOTO, '--threads', '0'], { stdio: 'ignore' });
  assert.equal(await new Promise((resolve) => bad.on('exit', resolve)), 2);
});

// Chromium: the pages are served cross-origin isolated (COOP + COEP), so
// the engine's worker runs the threaded build; on the page's own thread
// (runInWorker=false) the single build. Counts and keypoints as the CLI's.
const skip = process.env.KINETRACK_SKIP_BROWSER === '1' ? 'KINETRACK_SKIP_BROWSER=1' : false;
describe('the pages with threads in chromium', { skip, timeout: 600000 }, () => {
  const VIDEO = path.join(MEDIA_DIR, 'clips/push_up_side_2.mp4'); // 127 frames, 2 push-ups
  const QUERY = 'exercise=push_up&keypoints=true';
  let server, media, browser, cli, token, keysDir;

  before(async () => {
    assert.ok(haveChromium(), 'chromium is not installed');
    const { generateKeyPair, signToken } = await import('../../lib/tokens/keys.mjs');
    keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-threads-'));
    await generateKeyPair({ dir: keysDir });
    token = await signToken({ dir: keysDir, plan: 'developer' });
    server = await startServer({ port: 0, repoRoot, keysDir });
    media = await startMediaServer({ files: { 'clip.mp4': VIDEO }, cors: true });
    [cli, browser] = await Promise.all([analyzeWithCli(VIDEO, QUERY), launchChromium()]);
    assert.equal(cli.code, 0, cli.stderr);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await media?.close();
    if (keysDir) fs.rmSync(keysDir, { recursive: true, force: true });
  });

  const finalCount = (ms) => ms.find((m) => m.type === 'counter' && m.final)?.current_count;

  // threads=2 in the worker (auto gives cores - 1: 1 on a 2-core machine);
  // the main thread's default, 1.
  for (const [inWorker, extra, expected] of [[true, '&threads=2', 2], [false, '', 1]]) {
    test(`upload, runInWorker=${inWorker}${extra}: environment.threads ${expected}, the CLI's count and keypoints`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await recordMessages(page);
      const src = encodeURIComponent(`${media.url}/clip.mp4`);
      await page.goto(`${server.url}/pose_tracker/upload_tracking?token=${token}&${QUERY}&videoSrc=${src}&runInWorker=${inWorker}${extra}`);
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
      const ms = await waitForMessages(page, isDone, { timeoutMs: 240000 });
      assert.deepEqual(errors, []);
      const env = ms.find((m) => m.type === 'environment');
      assert.equal(env.threads, expected);
      assert.equal(finalCount(ms), finalCount(cli.messages));
      assert.equal(finalCount(ms), 2);
      const kp = ms.filter((m) => m.type === 'keypoints');
      const ckp = cli.messages.filter((m) => m.type === 'keypoints');
      assert.equal(kp.length, ckp.length);
      console.log(`# page runInWorker=${inWorker}: environment.threads ${env.threads}, ${kp.length} frames, count ${finalCount(ms)}`);
      await context.close();
    });
  }
});
