// Tests for lib/media/decode.mjs and lib/media/png.mjs (needs ffmpeg/ffprobe; media from ../shared/media).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';

import { probeMedia, decodeImage, decodeVideoFrames } from '../../lib/media/decode.mjs';
import { encodePng, pngDataUrl, crc32, assemblePng, pngIhdr } from '../../lib/media/png.mjs';
import { MEDIA_DIR, haveMedia, sampleClipFrames, loadLabelledPeople, cropPerson, pckAt } from '../helpers/datasets.mjs';

const CLIP = path.join(MEDIA_DIR, 'clips', 'squat_side_3.mp4');
const SMALL_CLIP = path.join(MEDIA_DIR, 'clips', 'balance_leg_front_hold.mp4');
const noMedia = !haveMedia() && 'shared media not present';

let tmp;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-media-')); });
after(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

function testImage(w, h) {
  const rgba = new Uint8Array(w * h * 4);
  let seed = 12345;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      seed = (seed * 1103515245 + 12345) >>> 0;
      rgba[i] = (x * 7) & 255;
      rgba[i + 1] = (y * 5) & 255;
      rgba[i + 2] = seed >>> 24;
      rgba[i + 3] = (x + y) % 3 === 0 ? 255 : (x * y) & 255;
    }
  }
  return rgba;
}

async function rejectsWithCode(fn, code, re) {
  await assert.rejects(fn, (e) => {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    assert.ok(e instanceof Error);
    assert.ok(e.message.length > 5);
    if (re) assert.match(e.message, re);
    return true;
  });
}

async function drain(iter) {
  let n = 0;
  for await (const f of iter) { assert.ok(f.rgba.length > 0); n++; }
  return n;
}

function ffmpegChildren() {
  // Children of this process whose command is ffmpeg/ffprobe (Linux /proc; empty elsewhere).
  let pids = [];
  try { pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)); } catch { return []; }
  const found = [];
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m && Number(m[2]) === process.pid && /ffmpeg|ffprobe/.test(m[1])) found.push(`${pid} ${m[1]}`);
    } catch { /* exited meanwhile */ }
  }
  return found;
}

describe('png', () => {
  test('crc32 matches the PNG spec value for IEND', () => {
    assert.equal(crc32(Buffer.from('IEND', 'latin1')), 0xae426082);
  });

  test('encodePng writes a valid signature, IHDR and zlib stream', () => {
    const png = encodePng(testImage(5, 3), 5, 3);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.equal(png.readUInt32BE(16), 5);
    assert.equal(png.readUInt32BE(20), 3);
    // walk the chunks and verify every CRC
    let off = 8;
    const types = [];
    while (off < png.length) {
      const len = png.readUInt32BE(off);
      const type = png.toString('latin1', off + 4, off + 8);
      assert.equal(png.readUInt32BE(off + 8 + len), crc32(png.subarray(off + 4, off + 8 + len)), `crc of ${type}`);
      types.push(type);
      off += 12 + len;
    }
    assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
  });

  test('round trip: encodePng → decodeImage gives identical pixels', async () => {
    for (const [w, h] of [[1, 1], [37, 23], [64, 48]]) {
      const rgba = testImage(w, h);
      const file = path.join(tmp, `rt-${w}x${h}.png`);
      fs.writeFileSync(file, encodePng(rgba, w, h));
      const img = await decodeImage(file);
      assert.equal(img.width, w);
      assert.equal(img.height, h);
      assert.ok(img.rgba instanceof Uint8Array);
      assert.ok(Buffer.from(img.rgba).equals(Buffer.from(rgba)), `pixels differ for ${w}x${h}`);
      const info = await probeMedia(file);
      assert.equal(info.kind, 'image');
    }
  });

  test('pngDataUrl decodes back to the same pixels (data: URL through ffmpeg)', async () => {
    const rgba = testImage(9, 7);
    const url = pngDataUrl(rgba, 9, 7);
    assert.match(url, /^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    const img = await decodeImage(url);
    assert.ok(Buffer.from(img.rgba).equals(Buffer.from(rgba)));
  });
});

describe('decode: errors', () => {
  test('missing file', async () => {
    const f = path.join(tmp, 'does-not-exist.mp4');
    await rejectsWithCode(() => probeMedia(f), 'video_load_error', /not found/);
    await rejectsWithCode(() => decodeImage(path.join(tmp, 'nope.png')), 'image_load_error', /not found/);
    await rejectsWithCode(() => drain(decodeVideoFrames(f)), 'video_load_error', /not found/);
  });

  test('text file is not decodable', async () => {
    const f = path.join(tmp, 'notes.txt');
    fs.writeFileSync(f, 'this is not a video\n'.repeat(20));
    await rejectsWithCode(() => probeMedia(f), 'media_decode_error');
    await rejectsWithCode(() => decodeImage(f), 'media_decode_error');
    await rejectsWithCode(() => drain(decodeVideoFrames(f)), 'media_decode_error');
  });

  test('empty file', async () => {
    const f = path.join(tmp, 'empty.mp4');
    fs.writeFileSync(f, '');
    await rejectsWithCode(() => drain(decodeVideoFrames(f)), 'media_decode_error', /empty/);
  });

  test('truncated mp4 (first 20 KB of a real clip)', { skip: noMedia }, async () => {
    const f = path.join(tmp, 'truncated.mp4');
    const fd = fs.openSync(CLIP, 'r');
    const buf = Buffer.alloc(20 * 1024);
    fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    fs.writeFileSync(f, buf);
    await rejectsWithCode(() => drain(decodeVideoFrames(f)), 'media_decode_error', /truncated|corrupt|no frames|cannot decode/);
  });

  test('20000x20000 PNG is refused as too large', async () => {
    // 1-bit grayscale keeps the file small (~50 KB); ffmpeg itself refuses this size.
    const W = 20000, H = 20000;
    const idat = zlib.deflateSync(Buffer.alloc((W / 8 + 1) * H), { level: 9 });
    const f = path.join(tmp, 'big.png');
    fs.writeFileSync(f, assemblePng(pngIhdr(W, H, 1, 0), idat));
    await rejectsWithCode(() => decodeImage(f), 'media_decode_error', /too large/);
    await rejectsWithCode(() => drain(decodeVideoFrames(f)), 'media_decode_error', /too large/);
  });

  test('maxPixels is enforced before decoding', async () => {
    const f = path.join(tmp, 'small.png');
    fs.writeFileSync(f, encodePng(testImage(20, 20), 20, 20));
    await rejectsWithCode(() => decodeImage(f, { maxPixels: 100 }), 'media_decode_error', /too large/);
  });

  test('unreachable URL', async () => {
    const url = 'http://127.0.0.1:9/x.mp4';
    await rejectsWithCode(() => probeMedia(url), 'video_load_error');
    await rejectsWithCode(() => drain(decodeVideoFrames(url)), 'video_load_error');
    await rejectsWithCode(() => decodeImage('http://127.0.0.1:9/x.png'), 'image_load_error');
  });

  test('unsupported URL scheme', async () => {
    await rejectsWithCode(() => probeMedia('concat:/etc/passwd|/etc/hosts'), 'video_load_error', /scheme/);
  });

  test('a server that never answers hits the timeout', async () => {
    const sockets = [];
    const server = net.createServer((s) => { sockets.push(s); });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/slow.mp4`;
    try {
      const t0 = Date.now();
      await rejectsWithCode(() => probeMedia(url, { timeoutMs: 1500 }), 'video_load_error');
      assert.ok(Date.now() - t0 < 10000);
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });
});

describe('decode: real media', { skip: noMedia }, () => {
  test('probe a clip', async () => {
    const info = await probeMedia(CLIP);
    assert.equal(info.kind, 'video');
    assert.equal(info.width, 960);
    assert.equal(info.height, 544);
    assert.ok(info.fps > 29 && info.fps < 31);
    assert.ok(info.frameCount > 300);
    assert.ok(info.durationMs > 10000 && info.durationMs < 11000);
    assert.equal(info.rotation, 0);
  });

  test('probe images', async () => {
    for (const f of ['images/messi5.jpg', 'images/astronaut.png']) {
      const info = await probeMedia(path.join(MEDIA_DIR, f));
      assert.equal(info.kind, 'image', f);
      assert.ok(info.width > 0 && info.height > 0);
      assert.equal(info.frameCount, 1);
    }
  });

  test('decodeImage on a JPEG', async () => {
    const img = await decodeImage(path.join(MEDIA_DIR, 'images', 'messi5.jpg'));
    assert.equal(img.width, 548);
    assert.equal(img.height, 342);
    assert.equal(img.rgba.length, 548 * 342 * 4);
    for (let i = 3; i < img.rgba.length; i += 4 * 997) assert.equal(img.rgba[i], 255);
  });

  test('first frames of a clip have the probed size; stopping early kills ffmpeg', async () => {
    const info = await probeMedia(CLIP);
    const frames = [];
    for await (const f of decodeVideoFrames(CLIP)) {
      frames.push(f);
      if (frames.length === 5) break;
    }
    assert.equal(frames.length, 5);
    frames.forEach((f, i) => {
      assert.equal(f.index, i);
      assert.equal(f.width, info.width);
      assert.equal(f.height, info.height);
      assert.equal(f.rgba.length, info.width * info.height * 4);
      assert.ok(Math.abs(f.timestampMs - (i * 1000) / info.fps) < 2, `timestamp ${f.timestampMs}`);
    });
    assert.notDeepEqual(frames[0].rgba.subarray(0, 4096), new Uint8Array(4096));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(ffmpegChildren(), []);
  });

  test('a whole clip decodes to its frame count with increasing timestamps', async () => {
    const info = await probeMedia(SMALL_CLIP);
    let n = 0;
    let prev = -1;
    for await (const f of decodeVideoFrames(SMALL_CLIP, { probe: info })) {
      assert.ok(f.timestampMs > prev);
      prev = f.timestampMs;
      n++;
    }
    assert.equal(n, info.frameCount);
    assert.ok(Math.abs(prev - ((n - 1) * 1000) / info.fps) < 2);
  });

  test('rotation metadata: frames come out rotated, sizes swapped', async (t) => {
    const f = path.join(tmp, 'rot.mp4');
    try {
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', SMALL_CLIP, '-c', 'copy', '-metadata:s:v', 'rotate=90', f]);
    } catch {
      t.skip('this ffmpeg cannot write rotation metadata');
      return;
    }
    const info = await probeMedia(f);
    if (info.rotation === 0) { t.skip('this ffmpeg ignores -metadata rotate'); return; }
    assert.equal(info.width, info.codedHeight);
    assert.equal(info.height, info.codedWidth);
    for await (const fr of decodeVideoFrames(f)) {
      assert.equal(fr.width, info.width);
      assert.equal(fr.height, info.height);
      break;
    }
  });

  test('sampleClipFrames returns n evenly spaced frames', async () => {
    const info = await probeMedia(SMALL_CLIP);
    const frames = await sampleClipFrames(SMALL_CLIP, 4);
    assert.equal(frames.length, 4);
    assert.deepEqual(frames.map((f) => f.index), [0, 24, 47, 71].map((i) => Math.round((i * (info.frameCount - 1)) / 71)));
    for (const f of frames) assert.equal(f.rgba.length, f.width * f.height * 4);
  });

  test('labelled people, crops and PCK', async () => {
    const people = loadLabelledPeople();
    assert.ok(people.some((p) => p.dataset === 'coco'));
    assert.ok(people.some((p) => p.dataset === 'ochuman'));
    for (const p of people) {
      assert.ok(path.isAbsolute(p.file) && fs.existsSync(p.file), p.file);
      assert.equal(p.keypoints.length, 17);
      assert.ok(p.keypoints.filter((k) => k[2] > 0).length >= 10);
    }
    const person = people[0];
    const img = await decodeImage(person.file);
    const crop = cropPerson(img, person.bbox);
    assert.equal(crop.rgba.length, crop.width * crop.height * 4);
    assert.ok(crop.offset.x <= person.bbox[0] && crop.offset.y <= person.bbox[1]);
    const i0 = (crop.offset.y * img.width + crop.offset.x) * 4;
    assert.deepEqual([...crop.rgba.subarray(0, 4)], [...img.rgba.subarray(i0, i0 + 4)]);
    // ground truth scores 100 %, a far-off guess scores 0
    const truth = person.keypoints.map(([x, y]) => ({ x: x - crop.offset.x, y: y - crop.offset.y }));
    assert.deepEqual(pckAt(truth, person, crop.offset), { correct: person.labelled, total: person.labelled });
    const off = truth.map((k) => ({ x: k.x + 10000, y: k.y }));
    assert.deepEqual(pckAt(off, person, crop.offset), { correct: 0, total: person.labelled });
  });
});

describe('4:2:0 frames: decoded as planes, converted by the C', { skip: noMedia }, () => {
  let kt;
  before(async () => {
    const { loadRuntime } = await import('../../lib/runtime.mjs');
    kt = await loadRuntime();
  });

  test('ffmpeg hands 4:2:0 planes over with the stream\'s matrix; the C conversion stays close to swscale', async () => {
    const info = await probeMedia(SMALL_CLIP);
    assert.equal(info.pixFmt, 'yuv420p');
    assert.equal(info.colorSpace, 'bt470bg');
    assert.equal(info.fullRange, false);
    const planes = decodeVideoFrames(SMALL_CLIP, { probe: info, pixels: 'yuv420' });
    const rgbas = decodeVideoFrames(SMALL_CLIP, { probe: info });
    let n = 0;
    try {
      for (; n < 3; n++) {
        const [a, b] = await Promise.all([planes.next(), rgbas.next()]);
        const { yuv420, rgba, width, height, timestampMs } = a.value;
        assert.equal(rgba, undefined);
        assert.equal(timestampMs, b.value.timestampMs);
        assert.deepEqual([yuv420.format, yuv420.width, yuv420.height, yuv420.matrix, yuv420.fullRange], ['I420', width, height, 'bt470bg', false]);
        assert.equal(yuv420.data.length, width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2));
        const mine = kt.yuv420ToRgba(yuv420);
        let sum = 0;
        let worst = 0;
        for (let i = 0; i < mine.length; i++) {
          if ((i & 3) === 3) { assert.equal(mine[i], 255); continue; }
          const d = Math.abs(mine[i] - b.value.rgba[i]);
          sum += d;
          worst = Math.max(worst, d);
        }
        // swscale rounds differently (measured: mean 0.22, max 3 levels).
        assert.ok(sum / (mine.length * 0.75) < 0.5, `mean difference ${sum / (mine.length * 0.75)}`);
        assert.ok(worst <= 4, `max difference ${worst}`);
      }
    } finally {
      await planes.return();
      await rgbas.return();
    }
    assert.equal(n, 3);
  });

  test('untagged streams are BT.709 (as Chromium decides); names map to the C\'s matrices', async () => {
    const { yuvMatrix } = await import('../../wasm/kinetrack-loader.mjs');
    assert.deepEqual([null, undefined, 'unknown', 'bt709', 'bt470bg', 'smpte170m', 'BT2020NC'].map(yuvMatrix), [1, 1, 1, 1, 0, 0, 2]);
    const info = await probeMedia(path.join(MEDIA_DIR, 'clips', 'push_up_side_2.mp4'));
    assert.equal(info.colorSpace, null);
  });

  test('I420 and NV12 layouts give the same pixels; planes that do not fit are refused', () => {
    const w = 5;
    const h = 3;
    const y = Uint8Array.from({ length: w * h }, (_, i) => 40 + 11 * i);
    const u = Uint8Array.from([90, 110, 130, 70, 100, 160]);
    const v = Uint8Array.from([200, 170, 140, 180, 120, 60]);
    const i420 = new Uint8Array([...y, ...u, ...v]);
    const nv12 = new Uint8Array([...y, ...[...u].flatMap((c, i) => [c, v[i]])]);
    const a = kt.yuv420ToRgba({ format: 'I420', width: w, height: h, data: i420, matrix: 'bt709' });
    const b = kt.yuv420ToRgba({ format: 'NV12', width: w, height: h, data: nv12.buffer, matrix: 'bt709' });
    assert.equal(a.length, w * h * 4);
    assert.deepEqual(a, b);
    // A padded layout (VideoFrame.copyTo style) reads the same samples.
    const padded = new Uint8Array(8 * 3 + 4 * 2 * 2);
    for (let r = 0; r < h; r++) padded.set(y.subarray(r * w, r * w + w), r * 8);
    for (let r = 0; r < 2; r++) {
      padded.set(u.subarray(r * 3, r * 3 + 3), 24 + r * 4);
      padded.set(v.subarray(r * 3, r * 3 + 3), 32 + r * 4);
    }
    const layout = [{ offset: 0, stride: 8 }, { offset: 24, stride: 4 }, { offset: 32, stride: 4 }];
    assert.deepEqual(kt.yuv420ToRgba({ format: 'I420', width: w, height: h, data: padded, layout, matrix: 'bt709' }), a);
    const bad = [
      { format: 'I444', width: w, height: h, data: i420 },
      { format: 'I420', width: w, height: h, data: i420.subarray(0, i420.length - 1) },
      { format: 'I420', width: 0, height: h, data: i420 },
      { format: 'I420', width: w, height: h, data: [1, 2, 3] },
      { format: 'I420', width: w, height: h, data: padded, layout: [{ offset: 0, stride: 4 }, layout[1], layout[2]] },
      { format: 'I420', width: w, height: h, data: padded, layout: [layout[0], layout[1]] },
    ];
    for (const frame of bad) assert.throws(() => kt.yuv420ToRgba(frame), (e) => e.code === 'invalid_frame', JSON.stringify(frame.format));
  });
});

test('the wasm (SIMD) conversion gives the bytes of the C\'s scalar integer formula', async () => {
  const { loadRuntime } = await import('../../lib/runtime.mjs');
  const kt = await loadRuntime();
  // src/image/yuv420.c's arithmetic, transcribed: 16.16 fixed point, lround.
  const lround = (x) => (x < 0 ? -Math.round(-x) : Math.round(x));
  const fixed = (v) => lround(v * 65536);
  const clamp = (v) => Math.min(255, (Math.max(0, v) + 32768) >> 16);
  function reference(y, u, v, w, h, matrix, full) {
    const [kr, kb] = [[0.299, 0.114], [0.2126, 0.0722], [0.2627, 0.0593]][matrix];
    const kg = 1 - kr - kb;
    const cs = full ? 1 : 255 / 224;
    const ys = fixed(full ? 1 : 255 / 219);
    const yo = full ? 0 : -16 * ys;
    const c = (i) => (i - 128) * cs;
    const out = new Uint8Array(w * h * 4);
    for (let r = 0; r < h; r++) {
      for (let x = 0; x < w; x++) {
        const ci = (r >> 1) * Math.ceil(w / 2) + (x >> 1);
        const yv = y[r * w + x] * ys + yo;
        const o = (r * w + x) * 4;
        out[o] = clamp(yv + fixed(2 * (1 - kr) * c(v[ci])));
        out[o + 1] = clamp(yv + (fixed(-2 * kb * (1 - kb) / kg * c(u[ci])) + fixed(-2 * kr * (1 - kr) / kg * c(v[ci]))));
        out[o + 2] = clamp(yv + fixed(2 * (1 - kb) * c(u[ci])));
        out[o + 3] = 255;
      }
    }
    return out;
  }
  let seed = 12345;
  const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; };
  const w = 263; // odd, past one 256-column block, with a SIMD tail
  const h = 7;
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const y = Uint8Array.from({ length: w * h }, rand);
  const u = Uint8Array.from({ length: cw * ch }, rand);
  const v = Uint8Array.from({ length: cw * ch }, rand);
  const data = new Uint8Array([...y, ...u, ...v]);
  for (const [name, matrix] of [['bt470bg', 0], ['bt709', 1], ['bt2020nc', 2]]) {
    for (const fullRange of [false, true]) {
      const got = kt.yuv420ToRgba({ format: 'I420', width: w, height: h, data, matrix: name, fullRange });
      assert.deepEqual(got, reference(y, u, v, w, h, matrix, fullRange), `${name} full=${fullRange}`);
    }
  }
});
