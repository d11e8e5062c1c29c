// export=true on the upload page, in chromium: the overlay video encoded in
// the browser (WebCodecs + mediabunny), fetched back from its blob: URL and
// checked with ffprobe/ffmpeg: codec, one frame per analyzed frame, the
// source's duration, the source's audio, and the skeleton's colours at the
// joints of sampled frames. Without a VideoEncoder: a non-fatal
// export_not_supported and the analysis still completes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startServer } from '../../lib/serve.mjs';
import { generateKeyPair, signToken } from '../../lib/tokens/keys.mjs';
import { MEDIA_DIR, repoRoot } from '../helpers/datasets.mjs';
import { validateAll } from '../helpers/schemas.mjs';
import {
  GOLD, NAVY, colourNear, haveChromium, isDone, launchChromium, recordMessages, startMediaServer, waitForMessages,
} from '../helpers/browser.mjs';

const CLIP = path.join(MEDIA_DIR, 'clips/push_up_side_2.mp4'); // 1280x720, 25 fps, 127 frames, AAC audio
const QUERY = 'exercise=push_up&keypoints=true&export=true';
const skip = process.env.KINETRACK_SKIP_BROWSER === '1' ? 'KINETRACK_SKIP_BROWSER=1' : false;

function probe(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries',
    'stream=codec_type,codec_name,width,height,nb_read_frames,duration:format=duration,format_name', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Frame `n` of a video as RGBA, decoded by ffmpeg. */
function decodeFrame(file, n, width, height) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `select=eq(n\\,${n})`, '-vsync', '0',
    '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  assert.equal(r.stdout.length, width * height * 4, `frame ${n} of ${path.basename(file)}`);
  return { rgba: r.stdout, width, height };
}

/** The page's blob: URL fetched in the page, written to `file`. */
async function fetchBlob(page, url, file) {
  const b64 = await page.evaluate(async (u) => {
    const blob = await (await fetch(u)).blob();
    return new Promise((resolve) => {
      const r = new FileReader();
      r.onload = () => { const s = String(r.result); resolve(s.slice(s.indexOf(';base64,') + 8)); };
      r.readAsDataURL(blob);
    });
  }, url);
  fs.writeFileSync(file, Buffer.from(b64, 'base64'));
  return file;
}

describe('export=true in chromium', { skip, timeout: 600000 }, () => {
  let tmp;
  let server;
  let media;
  let browser;
  let token;

  before(async () => {
    assert.ok(haveChromium(), 'chromium is not installed');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-export-'));
    const keysDir = path.join(tmp, 'keys');
    await generateKeyPair({ dir: keysDir });
    token = await signToken({ dir: keysDir, plan: 'developer' });
    server = await startServer({ port: 0, repoRoot, keysDir });
    media = await startMediaServer({ files: { 'clip.mp4': CLIP }, cors: true });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await media?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function openUpload(query, init = null) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await recordMessages(page);
    if (init) await page.addInitScript(init);
    await page.goto(`${server.url}/pose_tracker/upload_tracking?token=${token}&${query}&videoSrc=${encodeURIComponent(`${media.url}/clip.mp4`)}`);
    return { page, context, errors };
  }

  test('the muxer is served beside the runtime', async () => {
    const r = await fetch(`${server.url}/pose_tracker/runtime/mediabunny.mjs`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/javascript/);
    assert.equal(r.headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.match(await r.text(), /EncodedVideoPacketSource/);
  });

  test('every analyzed frame encoded with the skeleton; ffprobe: H.264, frame count, duration, audio; skeleton at the joints', async () => {
    const { page, context, errors } = await openUpload(QUERY);
    const ms = await waitForMessages(page, isDone, { timeoutMs: 400000 });
    validateAll(ms);
    assert.deepEqual(errors, []);
    assert.equal(ms.find((m) => m.type === 'error'), undefined, JSON.stringify(ms.find((m) => m.type === 'error')));
    const keypoints = ms.filter((m) => m.type === 'keypoints');
    const ready = ms.filter((m) => m.type === 'export_ready');
    assert.equal(ready.length, 1);
    const exp = ready[0];
    // Progress while encoding, then export_ready, then the end of the analysis.
    const iReady = ms.indexOf(exp);
    const exporting = ms.map((m, i) => [m, i]).filter(([m]) => m.type === 'initialization' && m.step === 'exporting');
    assert.ok(exporting.length >= 1, 'exporting progress');
    assert.ok(exporting.every(([m, i]) => i < iReady && m.ready === false && /^Exporting the video \(\d+%\)$/.test(m.message)));
    assert.equal(exporting.at(-1)[0].message, 'Exporting the video (100%)');
    assert.equal(ms.at(-1).message, 'Analysis completed');
    assert.ok(iReady < ms.length - 1);
    assert.deepEqual([exp.width, exp.height, exp.frames], [1280, 720, keypoints.length]);
    assert.match(exp.mimeType, /^video\/mp4; codecs="avc1\.[0-9a-f]{6}(,\s*mp4a\.40\.2)?"$/);
    // The download link carries the same blob.
    const link = await page.evaluate(() => {
      const a = document.getElementById('kt-export');
      return { hidden: a.hidden, href: a.href, download: a.download };
    });
    assert.deepEqual(link, { hidden: false, href: exp.url, download: 'kinetrack-export.mp4' });

    const file = await fetchBlob(page, exp.url, path.join(process.env.KT_EXPORT_KEEP || tmp, 'export.mp4'));
    const info = probe(file);
    const video = info.streams.find((s) => s.codec_type === 'video');
    const audio = info.streams.find((s) => s.codec_type === 'audio');
    assert.equal(video.codec_name, 'h264');
    assert.deepEqual([video.width, video.height], [1280, 720]);
    assert.equal(Number(video.nb_read_frames), keypoints.length, 'one encoded frame per analyzed frame');
    const source = probe(CLIP);
    const frameS = 1 / 25;
    assert.ok(Math.abs(Number(info.format.duration) - Number(source.format.duration)) <= frameS + 1e-3,
      `duration ${info.format.duration} s vs the source's ${source.format.duration} s`);
    assert.ok(Math.abs(Number(video.duration) - keypoints.length * frameS) <= frameS + 1e-3, `video stream duration ${video.duration} s`);
    assert.ok(Math.abs(exp.durationMs - keypoints.length * frameS * 1000) <= frameS * 1000, `durationMs ${exp.durationMs}`);
    assert.equal(audio?.codec_name, 'aac', 'the source\'s AAC track is copied');
    console.log(`# export: ${exp.frames} frames, ${exp.mimeType}, ${(fs.statSync(file).size / 1e6).toFixed(2)} MB, ffprobe duration ${Number(info.format.duration).toFixed(3)} s (source ${Number(source.format.duration).toFixed(3)} s)`);

    // The skeleton where the keypoints say, and not in the source there.
    let hits = 0;
    let sourceHits = 0;
    let joints = 0;
    for (const n of [10, 60, 120]) {
      const out = decodeFrame(file, n, 1280, 720);
      const src = decodeFrame(CLIP, n, 1280, 720);
      for (const k of keypoints[n].keypoints.filter((j) => j.score >= 0.5)) {
        const x = k.x * 1280;
        const y = k.y * 720;
        joints++;
        if (colourNear(out, x, y, NAVY, { tolerance: 90 }) && colourNear(out, x, y, GOLD, { radius: 24, tolerance: 90 })) hits++;
        if (colourNear(src, x, y, NAVY, { tolerance: 90 }) && colourNear(src, x, y, GOLD, { radius: 24, tolerance: 90 })) sourceHits++;
      }
    }
    assert.ok(joints >= 15, `only ${joints} confident joints in the sampled frames`);
    assert.ok(hits >= Math.ceil(joints * 0.8), `skeleton colours at ${hits}/${joints} joints`);
    assert.ok(sourceHits <= Math.floor(joints * 0.2), `the source itself has those colours at ${sourceHits}/${joints} joints`);
    await context.close();
  });

  test('runInWorker=false: the same export from the main-thread runtime', async () => {
    const { page, context, errors } = await openUpload(`${QUERY}&runInWorker=false`);
    const ms = await waitForMessages(page, isDone, { timeoutMs: 400000 });
    validateAll(ms);
    assert.deepEqual(errors, []);
    const frames = ms.filter((m) => m.type === 'keypoints').length;
    const exp = ms.find((m) => m.type === 'export_ready');
    assert.ok(exp, JSON.stringify(ms.filter((m) => m.type === 'error')));
    assert.equal(exp.frames, frames);
    const info = probe(await fetchBlob(page, exp.url, path.join(tmp, 'export-main.mp4')));
    assert.equal(Number(info.streams.find((s) => s.codec_type === 'video').nb_read_frames), frames);
    await context.close();
  });

  test('VP9 and VP8 (where H.264 is not supported) go into WebM', async () => {
    const { page, context } = await openUpload('export=true&showUpload=false');
    await page.waitForFunction(() => window.__kt.events.some((m) => m.type === 'environment' || m.type === 'error'), null, { timeout: 120000 });
    for (const [codec, name] of [['vp9', 'vp9'], ['vp8', 'vp8']]) {
      const out = await page.evaluate(async (only) => {
        const { startExport } = await import('/pose_tracker/app/export.mjs');
        const x = await startExport({ width: 320, height: 240, fps: 25, codecs: [only] });
        if (!x.supported) return { supported: false };
        for (let i = 0; i < 10; i++) {
          const rgba = new Uint8ClampedArray(320 * 240 * 4).fill(i * 20);
          await x.addFrame(rgba.buffer, i * 40000, 40000);
        }
        const done = await x.finish(() => {});
        return { supported: true, container: x.container, mimeType: done.mimeType, frames: done.frames, durationMs: done.durationMs, url: URL.createObjectURL(done.blob) };
      }, codec);
      assert.equal(out.supported, true, `${codec} is supported by this chromium`);
      assert.equal(out.container, 'webm');
      assert.match(out.mimeType, /^video\/webm/);
      assert.deepEqual([out.frames, out.durationMs], [10, 400]);
      const info = probe(await fetchBlob(page, out.url, path.join(tmp, `export-${codec}.webm`)));
      const v = info.streams.find((s) => s.codec_type === 'video');
      assert.deepEqual([v.codec_name, Number(v.nb_read_frames)], [name, 10]);
      assert.match(info.format.format_name, /webm/);
    }
    await context.close();
  });

  test('no VideoEncoder (older WebViews): non-fatal export_not_supported, the analysis completes', async () => {
    const { page, context, errors } = await openUpload(QUERY, () => { delete window.VideoEncoder; });
    const ms = await waitForMessages(page, isDone, { timeoutMs: 400000 });
    validateAll(ms);
    assert.deepEqual(errors, []);
    const err = ms.filter((m) => m.type === 'error');
    assert.equal(err.length, 1, JSON.stringify(err));
    assert.deepEqual([err[0].code, err[0].fatal], ['export_not_supported', false]);
    assert.equal(ms.some((m) => m.type === 'export_ready'), false);
    assert.equal(ms.at(-1).message, 'Analysis completed');
    assert.ok(ms.some((m) => m.type === 'counter' && m.final));
    assert.equal(await page.evaluate(() => document.getElementById('kt-export').hidden), true);
    await context.close();
  });
});
