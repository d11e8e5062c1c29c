// browser.mjs — helpers for the page tests: Debian's chromium through
// playwright-core, a second-origin media/host server (with or without CORS
// headers), a y4m for the fake camera, the CLI's messages, and pixel checks.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { KINETRACK_BIN, parseMessages } from './cli.mjs';

export const CHROMIUM = process.env.KINETRACK_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--autoplay-policy=no-user-gesture-required'];

export function haveChromium() {
  return fs.existsSync(CHROMIUM);
}

/** Launch chromium. camera: a .y4m file fed as the fake camera (permission granted); deny: no camera permission. */
export async function launchChromium({ camera = null, deny = false, noCamera = false } = {}) {
  const { chromium } = await import('playwright-core');
  const args = [...CHROMIUM_ARGS];
  if (camera) args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${camera}`);
  if (deny) args.push('--use-fake-device-for-media-stream', '--deny-permission-prompts');
  if (noCamera) args.push('--use-fake-ui-for-media-stream');
  return chromium.launch({ executablePath: CHROMIUM, args, timeout: 60000 });
}

/** Records every kinetrack message a page sees, from every sink, before any page script runs. */
export async function recordMessages(page) {
  await page.addInitScript(() => {
    window.__kt = { events: [], rn: [], ios: [], callback: [] };
    window.addEventListener('kinetrack:message', (e) => window.__kt.events.push(e.detail));
    window.ReactNativeWebView = { postMessage: (s) => window.__kt.rn.push(s) };
    window.webkit = { messageHandlers: { iosListener: { postMessage: (s) => window.__kt.ios.push(s) } } };
    window.webViewCallback = (s) => window.__kt.callback.push(s);
  });
}

export const messagesOf = (page) => page.evaluate(() => window.__kt.events);

/** Waits until `predicate(messages)` holds (evaluated in node on polled messages). */
export async function waitForMessages(page, predicate, { timeoutMs = 120000, pollMs = 250 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const messages = await messagesOf(page);
    if (predicate(messages)) return messages;
    if (Date.now() > end) throw new Error(`timed out waiting for messages; got ${messages.length}: ${JSON.stringify(messages.slice(-5)).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export const isDone = (ms) => ms.some((m) => m.type === 'error' && m.fatal !== false)
  || ms.some((m) => m.type === 'initialization' && m.ready && m.message === 'Analysis completed')
  || ms.some((m) => m.type === 'image_overlay');

/**
 * A second origin: serves `files` ({name: absolute path}) with byte ranges,
 * with or without CORS headers, and `pages` ({name: html text}).
 */
export async function startMediaServer({ files = {}, pages = {}, cors = true } = {}) {
  const types = { '.mp4': 'video/mp4', '.webm': 'video/webm', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
    const headers = cors ? { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges' } : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...headers, 'Access-Control-Allow-Headers': 'Range' });
      res.end();
      return;
    }
    if (Object.hasOwn(pages, name)) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(pages[name]);
      return;
    }
    if (!Object.hasOwn(files, name)) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const file = files[name];
    const size = fs.statSync(file).size;
    const type = types[path.extname(file).toLowerCase()] || 'application/octet-stream';
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
    if (m) {
      const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
      const end = m[1] !== '' && m[2] !== '' ? Math.min(size - 1, Number(m[2])) : size - 1;
      res.writeHead(206, { ...headers, 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      fs.createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Content-Length': size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return {
    // "localhost" vs the pages' "127.0.0.1": a different origin (and a different site).
    url: `http://localhost:${server.address().port}`,
    close: () => new Promise((r) => { server.close(() => r()); for (const s of sockets) s.destroy(); }),
  };
}

/** A host page framing `src` and recording every message it receives. */
export function hostPage(src) {
  return `<!doctype html><meta charset="utf-8"><body style="margin:0">
<iframe id="kt" allow="camera" style="width:640px;height:480px;border:0" src="${src.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe>
<script>
window.__framed = [];
window.addEventListener('message', (e) => { if (e.source === document.getElementById('kt').contentWindow) window.__framed.push(e.data); });
</script>`;
}

/** The fake camera's input: `src` scaled to `width`, its first frame held `pad` seconds, as y4m. */
export function makeY4m(src, out, { width = 640, fps = 30, pad = 0 } = {}) {
  const filters = [`scale=${width}:-2`, `fps=${fps}`, ...(pad > 0 ? [`tpad=start_duration=${pad}:start_mode=clone`] : [])];
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-i', src,
    '-vf', filters.join(','), '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', out];
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg y4m failed: ${r.stderr}`);
  return out;
}

/** `kinetrack analyze` on a file: its messages (asynchronously, so a browser can run meanwhile). */
export function analyzeWithCli(file, query, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KINETRACK_BIN, 'analyze', file, '--query', query, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stderr: err, messages: parseMessages(out) }));
  });
}

/** RGBA distance from a colour is small somewhere within `radius` px of (x, y). */
export function colourNear(img, x, y, rgb, { radius = 12, tolerance = 60 } = {}) {
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const px = Math.round(x) + dx;
      const py = Math.round(y) + dy;
      if (px < 0 || py < 0 || px >= img.width || py >= img.height) continue;
      const i = (py * img.width + px) * 4;
      if (Math.abs(img.rgba[i] - rgb[0]) + Math.abs(img.rgba[i + 1] - rgb[1]) + Math.abs(img.rgba[i + 2] - rgb[2]) < tolerance) return true;
    }
  }
  return false;
}

export const NAVY = [0x01, 0x0a, 0x73];
export const GOLD = [0xff, 0xc3, 0x00];

/**
 * Where a normalized keypoint lands on screen for media of mw x mh shown
 * with object-fit `fit` in the box {x, y, width, height}.
 */
export function toScreen(k, box, mw, mh, fit = 'contain') {
  let w = box.width;
  let h = box.height;
  if (fit === 'contain' || fit === 'cover') {
    const s = (fit === 'contain' ? Math.min : Math.max)(box.width / mw, box.height / mh);
    w = mw * s;
    h = mh * s;
  }
  return { x: box.x + (box.width - w) / 2 + k.x * w, y: box.y + (box.height - h) / 2 + k.y * h };
}
