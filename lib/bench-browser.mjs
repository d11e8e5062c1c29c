// bench-browser.mjs — `kinetrack bench --browser`: the camera page in
// Debian's chromium (playwright-core, headless) fed by a fake 30 fps camera
// (a y4m made from a clip with ffmpeg), at 640x360 and 1280x720, with the
// runtime in the Web Worker (runInWorker=true, the default) and on the main
// thread. For each run: the camera's presented fps, the page's sustained
// processed fps, the camera frames it dropped, and ms per processed frame
// for each stage of web/live.mjs (capture, conversion, inference, messages,
// drawing), read from the page's window.kinetrackStats() at the end of a
// warm-up and at the end of the measured window. Each placement runs once per
// entry of `threads` (the page's threads=N; 'auto' leaves the page's own
// choice); the threads column is what ran, the page's `environment.threads`
// (1 wherever the page is not cross-origin isolated).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { repoRoot } from './runtime.mjs';
import { startServer } from './serve.mjs';
import { generateKeyPair, signToken } from './tokens/keys.mjs';

export const DEFAULT_CLIP = path.resolve(repoRoot, '../shared/media/clips/jumping_jack_front_10.mp4');
const CHROMIUM = process.env.KINETRACK_CHROMIUM || '/usr/bin/chromium';
const CAMERA_FPS = 30;
const TARGET_FPS = 28;
const STAGES = ['capture', 'conversion', 'inference', 'messages', 'drawing'];

/** The fake camera's input: `seconds` of `clip` at width x height, 30 fps, as y4m. */
export function makeCameraFile(clip, out, { width, height, seconds }) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-t', String(seconds), '-i', clip,
    '-vf', `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,fps=${CAMERA_FPS}`,
    '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg could not make the fake camera file: ${r.stderr || r.error}`);
  return out;
}

export async function launchWithCamera(file) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 60000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--autoplay-policy=no-user-gesture-required', '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`],
  });
}

/** Opens the camera page; resolves once it posts `running`, with its environment message. */
export async function openCameraPage(browser, url, { timeoutMs = 120000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.grantPermissions(['camera'], { origin: new URL(url).origin });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__kt = [];
    window.addEventListener('kinetrack:message', (e) => window.__kt.push(e.detail));
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__kt.some((m) => (m.type === 'initialization' && m.ready) || (m.type === 'error' && m.fatal !== false)),
    null, { timeout: timeoutMs, polling: 200 });
  const messages = await page.evaluate(() => window.__kt);
  const fatal = messages.find((m) => m.type === 'error' && m.fatal !== false);
  if (fatal) throw new Error(`the camera page stopped: ${fatal.code}: ${fatal.message}`);
  return { page, context, environment: messages.find((m) => m.type === 'environment') };
}

export const pageStats = (page) => page.evaluate(() => (typeof window.kinetrackStats === 'function' ? window.kinetrackStats() : null));

/** Per-window figures from two kinetrackStats() snapshots. */
export function windowFigures(a, b) {
  const seconds = (b.elapsedMs - a.elapsedMs) / 1000;
  const processed = b.processed - a.processed;
  const presented = a.presented === null || b.presented === null ? null : b.presented - a.presented;
  const per = (k) => (processed > 0 ? (b.msTotal[k] - a.msTotal[k]) / processed : null);
  return {
    seconds,
    processed,
    fps: processed / seconds,
    cameraFps: presented === null ? null : presented / seconds,
    dropped: presented === null ? null : Math.max(0, presented - processed),
    droppedShare: presented ? Math.max(0, presented - processed) / presented : null,
    msPerFrame: Object.fromEntries(STAGES.map((k) => [k, per(k)])),
    lean: b.lean,
    inWorker: b.inWorker,
  };
}

export async function runBrowserBench({ clip = DEFAULT_CLIP, sizes = [[640, 360], [1280, 720]], modes = ['worker', 'main'],
  threads = ['auto'], warmupS = 4, seconds = 15, query = '', log = () => {} } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
  if (!fs.existsSync(clip)) throw new Error(`the clip ${clip} is missing`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-bench-browser-'));
  const keysDir = path.join(tmp, 'keys');
  await generateKeyPair({ dir: keysDir });
  const token = await signToken({ dir: keysDir, plan: 'developer' });
  const server = await startServer({ port: 0, repoRoot, keysDir });
  const runs = [];
  let browserVersion = '';
  try {
    for (const [width, height] of sizes) {
      // The file loops: 6 s is enough material and keeps 720p's y4m small.
      const file = makeCameraFile(clip, path.join(tmp, `camera-${width}x${height}.y4m`), { width, height, seconds: 6 });
      const browser = await launchWithCamera(file);
      browserVersion = browser.version();
      try {
        for (const [mode, n] of modes.flatMap((m) => threads.map((t) => [m, t]))) {
          const url = `${server.url}/pose_tracker/tracking?token=${token}&runInWorker=${mode === 'worker'}&threads=${n}${query ? `&${query}` : ''}`;
          log(`# ${width}x${height}, ${mode}, threads=${n}: warming up ${warmupS} s, measuring ${seconds} s`);
          const { page, context, environment } = await openCameraPage(browser, url);
          await page.waitForTimeout(warmupS * 1000);
          const a = await pageStats(page);
          await page.waitForTimeout(seconds * 1000);
          const b = await pageStats(page);
          const video = await page.evaluate(() => ({ w: document.getElementById('kt-video').videoWidth, h: document.getElementById('kt-video').videoHeight }));
          await context.close();
          if (!a || !b) throw new Error('the camera page has no kinetrackStats()');
          runs.push({ width, height, camera: `${video.w}x${video.h}`, mode, threadsAsked: n, threads: environment?.threads ?? null, model: environment?.model ?? null, ...windowFigures(a, b) });
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  return {
    machine: { cpu: cpus[0]?.model?.trim() ?? 'unknown', cores: cpus.length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, chromium: browserVersion },
    clip: path.basename(clip), cameraFps: CAMERA_FPS, targetFps: TARGET_FPS, warmupS, seconds, query, runs,
  };
}

const f1 = (x) => (x === null || x === undefined ? '—' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? '—' : x.toFixed(2));

export function formatBrowserBench(r) {
  const lines = [
    `kinetrack bench --browser: the camera page in chromium ${r.machine.chromium} (headless), fake ${r.cameraFps} fps camera from ${r.clip}, ${r.seconds} s measured after ${r.warmupS} s${r.query ? `, query ${r.query}` : ''}`,
    `machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memGiB} GiB, Node ${r.machine.node}`,
    '',
    'camera     runtime  threads  camera fps  page fps  dropped       | ms per processed frame: capture  conversion  inference  messages  drawing',
  ];
  for (const x of r.runs) {
    const dropped = x.dropped === null ? '—' : `${x.dropped} (${(100 * x.droppedShare).toFixed(1)} %)`;
    lines.push([
      x.camera.padEnd(10), (x.mode === 'worker' ? 'worker' : 'main').padEnd(8), String(x.threads ?? '?').padEnd(8), f1(x.cameraFps).padStart(10),
      f1(x.fps).padStart(9), ` ${dropped.padEnd(13)}`, `|${' '.repeat(24)}${f2(x.msPerFrame.capture).padStart(7)}`,
      f2(x.msPerFrame.conversion).padStart(11), f2(x.msPerFrame.inference).padStart(10), f2(x.msPerFrame.messages).padStart(9), f2(x.msPerFrame.drawing).padStart(8),
    ].join(' '));
  }
  const met = r.runs.filter((x) => x.fps >= r.targetFps).length;
  lines.push('', `target: >= ${r.targetFps} fps sustained at a ${r.cameraFps} fps camera: met in ${met} of ${r.runs.length} runs`);
  if (r.runs.some((x) => !x.lean)) lines.push('note: a run without VideoFrame/OffscreenCanvas took the copying path');
  return lines.join('\n');
}
