// The camera page's live path in chromium with a fake camera: what
// `kinetrack bench --browser` reads (stats per stage, worker and main
// thread) is there and adds up, and a session of about a minute leaves the
// wasm memory where it was. No speed is asserted here: speed is shown by
// `kinetrack bench --browser`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  DEFAULT_CLIP, formatBrowserBench, launchWithCamera, makeCameraFile, openCameraPage, pageStats, runBrowserBench, windowFigures,
} from '../../lib/bench-browser.mjs';
import { startServer } from '../../lib/serve.mjs';
import { generateKeyPair, signToken } from '../../lib/tokens/keys.mjs';
import { MEDIA_DIR, repoRoot } from '../helpers/datasets.mjs';
import { haveChromium } from '../helpers/browser.mjs';

const skip = process.env.KINETRACK_SKIP_BROWSER === '1' ? 'KINETRACK_SKIP_BROWSER=1' : false;
const SESSION_S = Number(process.env.KINETRACK_LIVE_SESSION_S || 20);

test('the bench clip is the shared one', { skip }, () => {
  assert.ok(DEFAULT_CLIP.startsWith(MEDIA_DIR));
  assert.ok(fs.existsSync(DEFAULT_CLIP), DEFAULT_CLIP);
});

describe('the camera page, live', { skip, timeout: Math.max(600000, (SESSION_S + 180) * 1000) }, () => {
  test('kinetrack bench --browser: worker and main thread, every stage timed, drops counted', async () => {
    assert.ok(haveChromium(), 'chromium is not installed');
    const r = await runBrowserBench({ sizes: [[320, 180]], modes: ['worker', 'main'], warmupS: 2, seconds: 3 });
    assert.deepEqual(r.runs.map((x) => [x.mode, x.inWorker, x.camera]), [['worker', true, '320x180'], ['main', false, '320x180']]);
    for (const x of r.runs) {
      assert.equal(x.lean, true, 'chromium has VideoFrame and OffscreenCanvas: the lean path runs');
      // threads=auto: the worker of this isolated page runs cores - 1
      // threads (1..4; web/engine-core.mjs), the main thread 1
      assert.equal(x.threads, x.inWorker ? Math.min(4, Math.max(1, os.cpus().length - 1)) : 1, `${x.mode} threads`);
      assert.ok(x.processed > 0 && x.fps > 0, `${x.mode}: frames processed`);
      assert.ok(x.cameraFps > 0 && x.dropped >= 0, `${x.mode}: camera ${x.cameraFps} fps, ${x.dropped} dropped`);
      for (const [stage, ms] of Object.entries(x.msPerFrame)) assert.ok(Number.isFinite(ms) && ms >= 0, `${x.mode} ${stage}: ${ms}`);
      assert.ok(x.msPerFrame.inference > x.msPerFrame.drawing, `${x.mode}: inference is the heavy stage`);
    }
    const text = formatBrowserBench(r);
    assert.match(text, /camera +runtime +threads +camera fps +page fps +dropped/);
    assert.match(text, new RegExp(`^320x180 +worker +${r.runs[0].threads} `, 'm'));
    assert.match(text, /^320x180 +main +1 /m);
    console.log(text.split('\n').map((l) => `# ${l}`).join('\n'));
  });

  describe(`a ${SESSION_S} s session`, () => {
    let tmp;
    let server;
    let browser;
    let token;
    before(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-live-'));
      const keysDir = path.join(tmp, 'keys');
      await generateKeyPair({ dir: keysDir });
      token = await signToken({ dir: keysDir, plan: 'developer' });
      server = await startServer({ port: 0, repoRoot, keysDir });
      browser = await launchWithCamera(makeCameraFile(DEFAULT_CLIP, path.join(tmp, 'camera.y4m'), { width: 640, height: 360, seconds: 6 }));
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    test('the wasm memory stays flat (exercise=jumping_jack, worker)', async () => {
      const { page, context } = await openCameraPage(browser, `${server.url}/pose_tracker/tracking?token=${token}&exercise=jumping_jack`);
      await page.waitForTimeout(5000);
      const a = await page.evaluate(() => window.kinetrackMemory());
      const sa = await pageStats(page);
      await page.waitForTimeout(SESSION_S * 1000);
      const b = await page.evaluate(() => window.kinetrackMemory());
      const sb = await pageStats(page);
      const w = windowFigures(sa, sb);
      await context.close();
      console.log(`# ${SESSION_S} s camera session: ${w.processed} frames at ${w.fps.toFixed(1)} fps; wasm memory ${a.engine.wasmBytes} -> ${b.engine.wasmBytes} bytes, C heap in use ${a.engine.heapInUse} -> ${b.engine.heapInUse}, worker JS heap ${a.engine.jsHeapBytes} -> ${b.engine.jsHeapBytes}, page JS heap ${a.pageJsHeapBytes} -> ${b.pageJsHeapBytes}`);
      assert.ok(w.processed >= SESSION_S * 3, `only ${w.processed} frames processed in ${SESSION_S} s`);
      assert.equal(b.engine.wasmBytes, a.engine.wasmBytes, 'the wasm memory grew');
      // The exercise keeps a short record per rep (its summary's history):
      // a few hundred bytes a rep, nothing per frame.
      assert.ok(b.engine.heapInUse - a.engine.heapInUse <= 64 * 1024, `the C heap grew by ${b.engine.heapInUse - a.engine.heapInUse} bytes`);
    });
  });
});
