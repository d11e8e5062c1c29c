// Image and video decoding through ffmpeg / ffprobe (Debian packages), for the CLI and tests.
//
// - Processes are started with child_process.spawn and an argument array (never a shell string).
// - Every process is bounded by a timeout and killed on error or when a frame iterator is abandoned.
// - Errors are Error objects with .code: 'media_decode_error' (not decodable, truncated, no frames,
//   too large), 'video_load_error' / 'image_load_error' (missing file, unreachable URL).
// - Rotation: ffmpeg's default autorotate is kept, so width/height are the displayed size.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_TIMEOUT_MS = 30000;
export const DEFAULT_MAX_PIXELS = 50e6;

const IMAGE_EXT = /\.(png|jpe?g|webp|bmp|gif|tiff?|avif|heic|pgm|ppm|pnm)$/i;
const IMAGE_CODECS = new Set(['png', 'mjpeg', 'jpegls', 'webp', 'bmp', 'tiff', 'pgm', 'ppm', 'pbm', 'pam', 'jpeg2000', 'qoi']);
const NETWORK_ERR = /Connection refused|Connection timed out|Failed to resolve|Name or service not known|Network is unreachable|No route to host|Server returned|HTTP error|Connection reset|Host is unreachable|Temporary failure in name resolution|Unable to open resource|certificate|TLS|SSL/i;
// A URL that delivered data that is not decodable media (anything else from a URL is a load error).
const NOT_MEDIA_ERR = /Invalid data found|could not find codec|Unsupported codec|unknown codec|no decoder|Could not find tag|moov atom not found|partial file|Picture size/i;
// Matched against ffmpeg's error-level lines only.
const TRUNCATED_ERR = /\[(error|fatal)\].*(partial file|moov atom not found|truncat|unexpected end|premature end)/i;

function mediaError(code, message, extra) {
  const e = new Error(message);
  e.code = code;
  if (extra) Object.assign(e, extra);
  return e;
}

function defaultLoadCode(fileOrUrl) {
  return IMAGE_EXT.test(String(fileOrUrl).split(/[?#]/)[0]) ? 'image_load_error' : 'video_load_error';
}

/**
 * Turn a path / URL into an ffmpeg input argument. Local paths become absolute (so they can never
 * be read as an option or a protocol); only http(s), data: and file: URLs are accepted.
 */
function resolveInput(fileOrUrl, loadCode) {
  if (fileOrUrl instanceof URL) fileOrUrl = fileOrUrl.href;
  if (typeof fileOrUrl !== 'string' || fileOrUrl.length === 0) {
    throw mediaError(loadCode, 'no media file or URL given');
  }
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(fileOrUrl);
  if (scheme) {
    const s = scheme[1].toLowerCase();
    if (s === 'http' || s === 'https') {
      return { arg: fileOrUrl, isUrl: true, display: fileOrUrl, inputOpts: ['-protocol_whitelist', 'http,https,tcp,tls,crypto'] };
    }
    if (s === 'data') {
      return { arg: fileOrUrl, isUrl: true, display: fileOrUrl.slice(0, 40) + '…', inputOpts: ['-protocol_whitelist', 'data'] };
    }
    if (s === 'file') fileOrUrl = fileURLToPath(fileOrUrl);
    else throw mediaError(loadCode, `unsupported URL scheme "${s}:" (http, https, data and local files only)`);
  }
  const abs = path.resolve(fileOrUrl);
  let st;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw mediaError(loadCode, `file not found: ${abs}`);
    throw mediaError(loadCode, `cannot open ${abs}: ${e.message}`);
  }
  if (!st.isFile()) throw mediaError(loadCode, `not a regular file: ${abs}`);
  try {
    fs.accessSync(abs, fs.constants.R_OK);
  } catch (e) {
    throw mediaError(loadCode, `cannot read ${abs}: ${e.code || e.message}`);
  }
  if (st.size === 0) throw mediaError('media_decode_error', `empty file: ${abs}`);
  return { arg: abs, isUrl: false, display: abs, inputOpts: [] };
}

function urlTimeoutOpts(input, timeoutMs) {
  // rw_timeout (µs) makes ffmpeg give up on a stalled connection by itself.
  return input.isUrl && !input.arg.startsWith('data:') ? ['-rw_timeout', String(Math.max(1, Math.round(timeoutMs * 1000)))] : [];
}

/** Last meaningful stderr line, for messages. */
function lastLines(text, n = 3, input = null) {
  let lines = String(text).split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-n);
  if (input) lines = lines.map((l) => (l.startsWith(input.arg + ': ') ? l.slice(input.arg.length + 2) : l));
  return lines.join(' | ');
}

/** Map a failed ffmpeg/ffprobe run to a coded error. */
function classifyFailure({ stderr, timedOut, spawnError }, input, loadCode, what) {
  if (spawnError) {
    const tool = spawnError.path || 'ffmpeg';
    if (spawnError.code === 'ENOENT') return mediaError('media_decode_error', `${tool} is not installed (Debian package ffmpeg)`);
    return mediaError('media_decode_error', `${tool} failed to start: ${spawnError.message}`);
  }
  const big = /Picture size (\d+)x(\d+) is invalid/.exec(stderr);
  if (big) return mediaError('media_decode_error', `media too large: ${big[1]}x${big[2]} pixels`, { width: +big[1], height: +big[2] });
  if (timedOut) {
    return input.isUrl
      ? mediaError(loadCode, `timed out loading ${input.display}`)
      : mediaError('media_decode_error', `timed out ${what} ${input.display}`);
  }
  if (input.isUrl && (NETWORK_ERR.test(stderr) || !NOT_MEDIA_ERR.test(stderr))) {
    return mediaError(loadCode, `cannot load ${input.display}: ${lastLines(stderr, 1, input) || 'no data'}`);
  }
  if (/No such file or directory|Permission denied/.test(stderr)) return mediaError(loadCode, `cannot load ${input.display}: ${lastLines(stderr, 1, input)}`);
  const detail = lastLines(stderr, 3, input) || 'unknown error';
  return mediaError('media_decode_error', `cannot decode ${input.display}: ${detail}`);
}

/** Run a process to completion, collecting stdout (up to maxStdout bytes) and stderr. */
function runProcess(cmd, args, { timeoutMs, maxStdout = Infinity }) {
  return new Promise((resolve) => {
    let proc;
    const out = [];
    let outLen = 0;
    let stderr = '';
    let timedOut = false;
    let overflow = false;
    let settled = false;
    const finish = (res) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr, timedOut, overflow, ...res });
    };
    try {
      proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ stdout: Buffer.alloc(0), stderr: '', timedOut: false, overflow: false, spawnError: e, code: null });
      return;
    }
    const timer = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, timeoutMs);
    proc.stdout.on('data', (d) => {
      outLen += d.length;
      if (outLen > maxStdout) { overflow = true; proc.kill('SIGKILL'); return; }
      out.push(d);
    });
    proc.stderr.on('data', (d) => {
      stderr += d.toString('utf8');
      if (stderr.length > 65536) stderr = stderr.slice(-32768);
    });
    proc.on('error', (e) => { e.path = e.path || cmd; finish({ spawnError: e, code: null }); });
    proc.on('close', (code, signal) => finish({ code, signal }));
  });
}

function parseRate(r) {
  if (!r || typeof r !== 'string') return null;
  const [n, d] = r.split('/').map(Number);
  const v = d ? n / d : n;
  return Number.isFinite(v) && v > 0 ? v : null;
}

function streamRotation(stream) {
  let deg = null;
  for (const sd of stream.side_data_list || []) {
    if (typeof sd.rotation === 'number') deg = -sd.rotation; // display matrix: counter-clockwise
  }
  if (deg === null && stream.tags && stream.tags.rotate != null) deg = Number(stream.tags.rotate); // clockwise
  if (!Number.isFinite(deg)) return 0;
  deg = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  return deg;
}

/**
 * Probe a media file or URL with ffprobe.
 * @returns {Promise<{kind:'image'|'video', width:number, height:number, fps:number|null,
 *   frameCount:number|null, frameCountExact:boolean, durationMs:number|null, rotation:0|90|180|270,
 *   codedWidth:number, codedHeight:number, codec:string, format:string, pixFmt:string,
 *   colorSpace:string|null, fullRange:boolean}>}
 *   width/height are the displayed size (after rotation), as ffmpeg decodes it.
 *   colorSpace: the stream's matrix tag (bt709, bt470bg, ...), null when untagged.
 */
export async function probeMedia(fileOrUrl, { timeoutMs = DEFAULT_TIMEOUT_MS, loadErrorCode } = {}) {
  const loadCode = loadErrorCode || defaultLoadCode(fileOrUrl);
  const input = resolveInput(fileOrUrl, loadCode);
  const args = ['-v', 'error', ...input.inputOpts, ...urlTimeoutOpts(input, timeoutMs),
    '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', input.arg];
  const res = await runProcess('ffprobe', args, { timeoutMs, maxStdout: 16 << 20 });
  let json = null;
  try { json = JSON.parse(res.stdout.toString('utf8')); } catch { json = null; }
  const stream = json && json.streams && json.streams[0];
  if (res.spawnError || res.timedOut || res.code !== 0 || !json || !json.format) {
    throw classifyFailure(res, input, loadCode, 'probing');
  }
  if (!stream) throw mediaError('media_decode_error', `no video or image stream in ${input.display}`);
  const codedW = Number(stream.width) || 0;
  const codedH = Number(stream.height) || 0;
  if (!codedW || !codedH) {
    const err = classifyFailure(res, input, loadCode, 'probing');
    if (/too large/.test(err.message)) throw err;
    throw mediaError('media_decode_error', `cannot determine the picture size of ${input.display} (corrupt or too large)${res.stderr ? ': ' + lastLines(res.stderr, 1) : ''}`);
  }
  const rotation = streamRotation(stream);
  const swap = rotation === 90 || rotation === 270;
  const format = String(json.format.format_name || '');
  const codec = String(stream.codec_name || '');
  const nbFrames = parseInt(stream.nb_frames, 10);
  const isImage = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/.test(format) && (IMAGE_CODECS.has(codec) || !(nbFrames > 1));
  const fps = isImage ? null : (parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate));
  const durSec = parseFloat(stream.duration) || parseFloat(json.format.duration) || null;
  let frameCount = null;
  let frameCountExact = false;
  if (isImage) { frameCount = 1; frameCountExact = true; }
  else if (nbFrames > 0) { frameCount = nbFrames; frameCountExact = true; }
  else if (durSec && fps) frameCount = Math.max(1, Math.round(durSec * fps));
  return {
    kind: isImage ? 'image' : 'video',
    width: swap ? codedH : codedW,
    height: swap ? codedW : codedH,
    fps,
    frameCount,
    frameCountExact,
    durationMs: isImage || !durSec ? null : Math.round(durSec * 1e6) / 1e3,
    rotation,
    codedWidth: codedW,
    codedHeight: codedH,
    codec,
    format,
    pixFmt: String(stream.pix_fmt || ''),
    colorSpace: stream.color_space && !/^(unknown|reserved|unspecified)$/.test(stream.color_space) ? String(stream.color_space) : null,
    fullRange: stream.color_range === 'pc' || stream.pix_fmt === 'yuvj420p',
  };
}

// 8-bit 4:2:0 sources are handed over as decoded (no conversion in ffmpeg).
const YUV420_PIX_FMTS = new Set(['yuv420p', 'yuvj420p']);

function checkPixels(info, maxPixels, display) {
  if (info.width * info.height > maxPixels) {
    throw mediaError('media_decode_error',
      `media too large: ${info.width}x${info.height} = ${info.width * info.height} pixels (limit ${maxPixels}) in ${display}`,
      { width: info.width, height: info.height });
  }
}

/**
 * Decode a still image (or the first frame of anything ffmpeg reads) to RGBA.
 * @param {{timeoutMs?:number, maxPixels?:number, probe?:object}} [opts] probe: a probeMedia result to reuse
 * @returns {Promise<{width:number, height:number, rgba:Uint8Array}>}
 */
export async function decodeImage(fileOrUrl, { timeoutMs = DEFAULT_TIMEOUT_MS, maxPixels = DEFAULT_MAX_PIXELS, probe } = {}) {
  const loadCode = 'image_load_error';
  const started = Date.now();
  const info = probe || await probeMedia(fileOrUrl, { timeoutMs, loadErrorCode: loadCode });
  const input = resolveInput(fileOrUrl, loadCode);
  checkPixels(info, maxPixels, input.display);
  const bytes = info.width * info.height * 4;
  const left = Math.max(1000, timeoutMs - (Date.now() - started));
  const args = ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', ...input.inputOpts, ...urlTimeoutOpts(input, left),
    '-i', input.arg, '-map', '0:v:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'];
  const res = await runProcess('ffmpeg', args, { timeoutMs: left, maxStdout: bytes });
  if (res.overflow) throw mediaError('media_decode_error', `decoded image of ${input.display} is larger than the probed ${info.width}x${info.height}`);
  if (res.spawnError || res.timedOut || res.code !== 0) throw classifyFailure(res, input, loadCode, 'decoding');
  if (res.stdout.length === 0) throw mediaError('media_decode_error', `no image decoded from ${input.display}${res.stderr ? ': ' + lastLines(res.stderr, 1) : ''}`);
  if (res.stdout.length !== bytes) {
    throw mediaError('media_decode_error', `decoded ${res.stdout.length} bytes from ${input.display}, expected ${bytes} (${info.width}x${info.height} RGBA); truncated?`);
  }
  const rgba = new Uint8Array(res.stdout.buffer, res.stdout.byteOffset, res.stdout.length);
  return { width: info.width, height: info.height, rgba };
}

/**
 * Decode the frames of a video (or a single image) one at a time, piped from ffmpeg.
 * Never holds more than a frame or two in memory. Break out of the for-await loop (or call the
 * iterator's return()) to stop: ffmpeg is killed in every case.
 *
 * timestampMs: the frame's presentation time (from ffmpeg's showinfo, relative to the first frame);
 * index*1000/fps where the stream carries no timestamps. Equal for constant-frame-rate files.
 * timeoutMs bounds each wait for ffmpeg (the start, every frame, and the exit); time the consumer
 * spends on a frame does not count.
 *
 * pixels: 'rgba' (default) converts every frame to RGBA in ffmpeg; 'yuv420' hands 8-bit 4:2:0
 * streams over as decoded, in frame.yuv420 (the loader's yuvFrameLayout shape: format 'I420',
 * packed planes, the stream's matrix and range), for the C to convert as the pages do; other
 * pixel formats still come as RGBA.
 *
 * @param {{timeoutMs?:number, maxPixels?:number, probe?:object, pixels?:'rgba'|'yuv420'}} [opts]
 *   probe: a probeMedia result to reuse
 * @returns {AsyncGenerator<{index:number, timestampMs:number, width:number, height:number,
 *   rgba?:Uint8Array, yuv420?:object}>}
 */
export async function* decodeVideoFrames(fileOrUrl, { timeoutMs = DEFAULT_TIMEOUT_MS, maxPixels = DEFAULT_MAX_PIXELS, probe, pixels = 'rgba' } = {}) {
  const loadCode = 'video_load_error';
  const info = probe || await probeMedia(fileOrUrl, { timeoutMs, loadErrorCode: loadCode });
  const input = resolveInput(fileOrUrl, loadCode);
  checkPixels(info, maxPixels, input.display);
  const { width, height } = info;
  const yuv = pixels === 'yuv420' && YUV420_PIX_FMTS.has(info.pixFmt);
  const chromaBytes = Math.ceil(width / 2) * Math.ceil(height / 2);
  const frameBytes = yuv ? width * height + 2 * chromaBytes : width * height * 4;
  const fps = info.fps || 30;
  const wrap = yuv
    ? (data) => ({ yuv420: { format: 'I420', width, height, data, matrix: info.colorSpace, fullRange: info.fullRange } })
    : (data) => ({ rgba: data });

  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
    ...input.inputOpts, ...urlTimeoutOpts(input, timeoutMs),
    '-i', input.arg, '-map', '0:v:0', '-an', '-sn', '-dn', '-vsync', 'passthrough',
    '-vf', yuv ? 'showinfo=checksum=0' : `showinfo=checksum=0,scale=${width}:${height},format=rgba`,
    '-f', 'rawvideo', '-pix_fmt', yuv ? info.pixFmt : 'rgba', 'pipe:1'];

  let proc;
  try {
    proc = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw classifyFailure({ spawnError: e }, input, loadCode, 'decoding');
  }

  // --- process state -------------------------------------------------------------------------
  let exited = false;
  let exitCode = null;
  let spawnError = null;
  let timedOut = false;
  let stderrEnded = false;
  const problems = []; // last warning/error lines
  const pts = new Map(); // frame index -> pts_time (seconds, NaN when absent)
  let wake = null; // resolver for whoever waits on stderr progress
  const notify = () => { if (wake) { const w = wake; wake = null; w(); } };
  const exitPromise = new Promise((resolve) => {
    proc.on('error', (e) => { e.path = e.path || 'ffmpeg'; spawnError = e; exited = true; notify(); resolve(); });
    proc.on('close', (code) => { exited = true; exitCode = code; notify(); resolve(); });
  });

  let partial = '';
  const SHOWINFO = /\[Parsed_showinfo_\d+ @ [^\]]+\] \[info\] n:\s*(\d+) pts:\s*(\S+)\s+pts_time:(\S+)/;
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (text) => {
    const lines = (partial + text).split(/\r?\n/);
    partial = lines.pop();
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) {
        pts.set(Number(m[1]), parseFloat(m[3]));
      } else if (/\[(error|fatal|panic|warning)\]/.test(line)) {
        problems.push(line.replace(/\[[^\]]* @ 0x[0-9a-f]+\] /g, ''));
        if (problems.length > 30) problems.shift();
      }
    }
    notify();
  });
  proc.stderr.on('end', () => { stderrEnded = true; notify(); });

  const kill = () => { if (!exited) { try { proc.kill('SIGKILL'); } catch { /* gone */ } } };

  // Await a promise, killing ffmpeg if it takes longer than timeoutMs.
  async function bounded(promise) {
    let timer;
    const t = new Promise((_, reject) => {
      timer = setTimeout(() => { timedOut = true; kill(); reject(new Error('timeout')); }, timeoutMs);
    });
    try { return await Promise.race([promise, t]); } finally { clearTimeout(timer); }
  }

  const failure = () => {
    const stderr = problems.join('\n');
    return classifyFailure({ stderr, timedOut, spawnError }, input, loadCode, 'decoding');
  };

  let firstPts = null;
  async function timestampFor(index) {
    // showinfo logs a frame before ffmpeg writes it, but the two pipes are read independently.
    while (!pts.has(index) && !stderrEnded && !exited) {
      await bounded(new Promise((r) => { wake = r; }));
    }
    const t = pts.get(index);
    pts.delete(index);
    if (Number.isFinite(t)) {
      if (firstPts === null) firstPts = t;
      return Math.round((t - firstPts) * 1e6) / 1e3;
    }
    return Math.round((index * 1000 / fps) * 1e3) / 1e3;
  }

  // --- frame loop ------------------------------------------------------------------------------
  const it = proc.stdout[Symbol.asyncIterator]();
  let index = 0;
  let cur = null;
  let curLen = 0;
  try {
    for (;;) {
      let r;
      try {
        r = await bounded(it.next());
      } catch (e) {
        if (timedOut || spawnError) throw failure();
        throw e;
      }
      if (r.done) break;
      const chunk = r.value;
      let off = 0;
      const ready = [];
      while (off < chunk.length) {
        if (!cur) { cur = new Uint8Array(frameBytes); curLen = 0; }
        const n = Math.min(frameBytes - curLen, chunk.length - off);
        cur.set(chunk.subarray(off, off + n), curLen);
        curLen += n;
        off += n;
        if (curLen === frameBytes) { ready.push(cur); cur = null; curLen = 0; }
      }
      for (const data of ready) {
        let timestampMs;
        try { timestampMs = await timestampFor(index); } catch (e) { if (timedOut) throw failure(); throw e; }
        yield { index, timestampMs, width, height, ...wrap(data) };
        index++;
      }
    }
    try { await bounded(exitPromise); } catch { throw failure(); }
    if (spawnError || exitCode !== 0) throw failure();
    const stderr = problems.join('\n');
    if (index === 0) {
      throw mediaError('media_decode_error', `no frames decoded from ${input.display}${stderr ? ': ' + lastLines(stderr, 2) : ''}`);
    }
    if (curLen > 0) {
      throw mediaError('media_decode_error', `ffmpeg output ended inside a frame of ${input.display} (truncated output)`);
    }
    if (TRUNCATED_ERR.test(stderr)) {
      throw mediaError('media_decode_error', `${input.display} is truncated or corrupt after ${index} frame(s): ${lastLines(stderr, 2)}`,
        { framesDecoded: index });
    }
  } finally {
    kill();
    proc.stdout.destroy();
    proc.stderr.destroy();
  }
}
