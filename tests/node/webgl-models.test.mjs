// Whole models on the WebGL2 backend against the XNNPACK backend, in
// chromium headless on SwiftShader, on identical input (a shared photo,
// ../shared/media images/coco/000000000785.jpg, stretched to the model's
// input size): MoveNet and BlazePose's detector, lite, full and heavy
// landmark models. Every output the product loads (wasm/model-manifest.mjs)
// must agree within 1e-3 (|gl - xnnpack| / max(1, |xnnpack|)).
// The landmark models' segmentation logits (Identity_2, which the product
// never computes) are ill-conditioned: the reference C kernels differ from
// XNNPACK there by ~3e-3 too, so that output is held to 1e-2 and both
// figures are printed.
// Then the frame as a texture (tracker.processTexture): the same frames
// tracked from GPU textures and from RGBA bytes give the same keypoints
// (within 1e-3 of the frame) for MoveNet and BlazePose lite, and the frames
// never reach wasm memory on the texture path (the tracker read 0 bytes of
// them, and rows of them are not found in wasm memory, where they are
// after the bytes path); a VideoFrame's rotation is honoured (the browser's
// upload turns it); a video's 4:2:0 planes as textures
// (tracker.processYuv420Texture) give exactly processYuv420's keypoints.
// Needs `make wasm-webgl`; a missing browser fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { MODELS } from '../../wasm/model-manifest.mjs';
import { CHROMIUM } from '../helpers/browser.mjs';
import { MEDIA_DIR } from '../helpers/datasets.mjs';
import { trackBothPaths, trackYuvBothPaths } from '../helpers/texture-path.mjs';
import { WEBGL_MODULE, openWebglPage } from '../helpers/webgl-page.mjs';

const PHOTO = 'images/coco/000000000785.jpg';
const TOLERANCE = 1e-3;
const MASK_TOLERANCE = 1e-2;

// Page side: loads `name` on xnnpack, webgl and reference, runs the photo
// through each, returns per output the largest differences to xnnpack.
async function compareInPage({ name, files, format, size, range, photo }) {
  const api = window.api;
  const get = async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer());
  const bytes = await Promise.all(files.map(get));
  const bitmap = await createImageBitmap(await (await fetch(`/media/${photo}`)).blob(), { resizeWidth: size, resizeHeight: size });
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const px = ctx.getImageData(0, 0, size, size).data;
  const rgb = Array.from({ length: size * size * 3 }, (_, i) => px[Math.floor(i / 3) * 4 + (i % 3)]);
  const diff = (a, b) => {
    let abs = 0;
    let rel = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      if (!(d <= abs)) abs = d;
      const r = d / Math.max(1, Math.abs(a[i]));
      if (!(r <= rel)) rel = r;
    }
    return { abs, rel: Number.isNaN(rel) ? Infinity : rel };
  };
  const load = (backend) => (format === 'tfjs'
    ? api.loadModel(new TextDecoder().decode(bytes[0]), bytes[1], { backend })
    : api.loadTfliteModel(bytes[0], { backend }));
  const run = (m) => {
    if (format === 'tfjs') return [m.runI32(Int32Array.from(rgb))];
    return m.run(Float32Array.from(rgb, (v) => (range === 'signed' ? v / 127.5 - 1 : v / 255)));
  };
  const xnn = load('xnnpack');
  const gl = load('webgl');
  const ref = load('reference');
  const M = window.kt;
  const planP = M._kt_wasm_alloc(20);
  const planStatus = M._kt_webgl_test_model_plan(gl.handle, planP);
  const [passes, slots, textures, uploads, readbacks] = Array.from(M.HEAP32.subarray(planP >> 2, (planP >> 2) + 5));
  M._kt_wasm_free(planP);
  const t0 = performance.now();
  const a = run(xnn);
  const t1 = performance.now();
  const b = run(gl);
  const t2 = performance.now();
  const c = run(ref);
  const names = format === 'tfjs' ? ['output'] : xnn.outputs.map((o) => o.name);
  for (const m of [xnn, gl, ref]) m.dispose();
  return {
    ms: { xnnpack: t1 - t0, webgl: t2 - t1 },
    plan: { status: planStatus, passes, slots, textures, uploads, readbacks },
    outputs: names.map((n, i) => ({ name: n, count: a[i].length, gl: diff(a[i], b[i]), reference: diff(a[i], c[i]), nonzero: b[i].some((v) => v !== 0) })),
  };
}

const CASES = [
  { model: 'movenet-lightning', size: 192, range: 'bytes' },
  { model: 'blazepose-detector', size: 224, range: 'signed' },
  { model: 'blazepose-lite', size: 256, range: 'unit' },
  { model: 'blazepose-full', size: 256, range: 'unit' },
  { model: 'blazepose-heavy', size: 256, range: 'unit' },
];

describe('WebGL2 backend, whole models against XNNPACK on identical input', () => {
  let page;
  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `chromium missing (${CHROMIUM})`);
    assert.ok(fs.existsSync(WEBGL_MODULE), `${WEBGL_MODULE} missing: run make wasm-webgl`);
    assert.ok(fs.existsSync(path.join(MEDIA_DIR, PHOTO)), `${PHOTO} missing in ${MEDIA_DIR}`);
    page = await openWebglPage();
  });
  after(() => page?.close());

  for (const { model, size, range } of CASES) {
    test(`${model}: every output within ${TOLERANCE}`, { timeout: 300000 }, async (t) => {
      const m = MODELS[model];
      const r = await page.evaluate(compareInPage, { name: model, files: m.files, format: m.format, size, range, photo: PHOTO });
      const kept = m.outputs || r.outputs.map((o) => o.name);
      for (const o of r.outputs) {
        const product = kept.includes(o.name) || m.format === 'tfjs';
        t.diagnostic(`${o.name} (${o.count} values${product ? '' : ', not loaded by the product'}): webgl ${o.gl.rel.toExponential(2)} relative `
          + `(abs ${o.gl.abs.toExponential(2)}), reference C kernels ${o.reference.rel.toExponential(2)}`);
        assert.ok(o.nonzero, `${model} ${o.name}: all zeros on webgl`);
        assert.ok(o.gl.rel <= (product ? TOLERANCE : MASK_TOLERANCE), `${model} ${o.name}: ${o.gl.rel} relative to xnnpack`);
      }
      const p = r.plan;
      assert.equal(p.status, 0, 'the model runs on the WebGL2 backend');
      assert.ok(p.passes > 10 && p.textures < p.slots, `textures reused: ${JSON.stringify(p)}`);
      assert.equal(p.uploads, 1, 'the model input is the one upload a run');
      t.diagnostic(`plan: ${p.passes} passes, ${p.slots} tensors in ${p.textures} textures, ${p.uploads} upload and ${p.readbacks} read-backs a run`);
      t.diagnostic(`one run on SwiftShader (a CPU, not a speed figure): webgl ${r.ms.webgl.toFixed(0)} ms, xnnpack ${r.ms.xnnpack.toFixed(0)} ms`);
    });
  }
});

const TEXTURE_CASES = [
  { label: 'MoveNet', models: { movenet: 'movenet-lightning' }, query: 'source=video&keypoints=true', shift: 8, zoom: 1 },
  { label: 'BlazePose lite', models: { blazeposeDetector: 'blazepose-detector', blazeposeLandmarks: 'blazepose-lite' },
    query: 'source=video&keypoints=true&blazepose=true', shift: 12, zoom: 1.2 },
];
const FRAMES = 3;

describe('WebGL2 backend, the frame as a texture against the frame as bytes', () => {
  let page;
  before(async () => {
    assert.ok(fs.existsSync(WEBGL_MODULE), `${WEBGL_MODULE} missing: run make wasm-webgl`);
    page = await openWebglPage();
  });
  after(() => page?.close());

  for (const { label, models, query, shift, zoom } of TEXTURE_CASES) {
    test(`${label}: the same keypoints, and no frame pixels through wasm memory`, { timeout: 180000 }, async (t) => {
      // 480x320 frames of a shared photo shifted `shift` px a frame (the
      // crop tracking moves), each case at its own zoom (no shared pixel
      // runs between cases); frame 0 a VideoFrame, the others ImageBitmaps.
      const r = await page.evaluate(trackBothPaths, { photo: 'images/messi5.jpg', query, models, frames: FRAMES, shift, zoom, width: 480, height: 320 });
      let worst = 0;
      for (let f = 0; f < FRAMES; f++) {
        const a = r.texture.keypoints[f];
        const b = r.bytes.keypoints[f];
        assert.ok(a && b, `frame ${f}: keypoints on both paths`);
        assert.equal(a.length, b.length);
        for (let k = 0; k < a.length; k++)
          worst = Math.max(worst, Math.abs(a[k].x - b[k].x), Math.abs(a[k].y - b[k].y), Math.abs(a[k].score - b[k].score));
      }
      assert.ok(worst <= 1e-3, `keypoints differ by ${worst} of the frame`);
      assert.ok(r.bytes.keypoints[0].filter((k) => k.score >= 0.5).length >= 8, 'a person is found');
      assert.deepEqual(r.texture.stats, { rgbaBytes: 0, textureFrames: FRAMES });
      assert.deepEqual(r.bytes.stats, { rgbaBytes: FRAMES * 480 * 320 * 4, textureFrames: 0 });
      assert.equal(r.texture.foundInHeap, 0, 'rows of the frames in wasm memory after the texture path');
      assert.equal(r.bytes.foundInHeap, r.needles, 'the search finds the rows once the bytes path copied them in');
      t.diagnostic(`${FRAMES} frames: largest keypoint difference ${worst.toExponential(2)} of the frame (x, y, score); `
        + `${r.needles} row samples in wasm memory: ${r.texture.foundInHeap} after the texture path, ${r.bytes.foundInHeap} after the bytes path; `
        + `SwiftShader ms a frame (a CPU, not a speed figure): texture ${r.texture.ms.toFixed(0)}, bytes ${r.bytes.ms.toFixed(0)}`);
    });
  }

  // A video's 4:2:0 planes as textures (the upload page on poseBackend=webgl):
  // converted on the GPU with the C's integer arithmetic, so the model input
  // is the bytes path's exactly. Odd sizes (a last chroma sample covering one
  // column and one row), padded strides, NV12's interleaved plane, each
  // matrix and both ranges; MoveNet, and BlazePose lite (MediaPipe's edge
  // rules read the frame's edges).
  const YUV_CASES = [
    { label: 'MoveNet, I420 packed 481x321, bt709 limited', models: TEXTURE_CASES[0].models, query: TEXTURE_CASES[0].query,
      layout: 'i420', matrix: 'bt709', fullRange: false, zoom: 1.1 },
    { label: 'MoveNet, I420 padded strides 480x320, bt470bg full', models: TEXTURE_CASES[0].models, query: TEXTURE_CASES[0].query,
      layout: 'i420-padded', matrix: 'bt470bg', fullRange: true, zoom: 1.3 },
    { label: 'MoveNet, NV12 padded 481x321, bt2020-ncl limited', models: TEXTURE_CASES[0].models, query: TEXTURE_CASES[0].query,
      layout: 'nv12-padded', matrix: 'bt2020-ncl', fullRange: false, zoom: 1.4 },
    { label: 'BlazePose lite, NV12 padded 481x321, bt709 limited', models: TEXTURE_CASES[1].models, query: TEXTURE_CASES[1].query,
      layout: 'nv12-padded', matrix: 'bt709', fullRange: false, zoom: 1.5 },
  ];
  for (const { label, models, query, layout, matrix, fullRange, zoom } of YUV_CASES) {
    test(`4:2:0 planes as textures, ${label}: the bytes path's keypoints exactly, no frame bytes in wasm memory`, { timeout: 180000 }, async (t) => {
      const [width, height] = layout === 'i420-padded' ? [480, 320] : [481, 321];
      const r = await page.evaluate(trackYuvBothPaths, { photo: 'images/messi5.jpg', query, models, frames: FRAMES, shift: 8, zoom, width, height, layout, matrix, fullRange });
      for (let f = 0; f < FRAMES; f++) {
        assert.ok(r.texture.keypoints[f] && r.bytes.keypoints[f], `frame ${f}: keypoints on both paths`);
        assert.deepEqual(r.texture.keypoints[f], r.bytes.keypoints[f], `frame ${f}: keypoints`);
      }
      assert.ok(r.bytes.keypoints[0].filter((k) => k.score >= 0.5).length >= 8, 'a person is found');
      assert.deepEqual(r.texture.stats, { rgbaBytes: 0, textureFrames: FRAMES });
      assert.deepEqual(r.bytes.stats, { rgbaBytes: FRAMES * width * height * 4, textureFrames: 0 });
      assert.equal(r.texture.foundInHeap, 0, 'runs of the Y planes in wasm memory after the texture path');
      assert.equal(r.bytes.foundInHeap, r.lastNeedles, 'the search finds the last frame\'s once the bytes path copied its planes in');
      t.diagnostic(`${FRAMES} frames ${width}x${height}: keypoints identical (x, y, score); Y-row samples in wasm memory: `
        + `${r.texture.foundInHeap} of ${r.needles} after the texture path, ${r.bytes.foundInHeap} of the last frame's ${r.lastNeedles} after the bytes path`);
    });
  }

  test('a VideoFrame with rotation 90 arrives as displayed: the same keypoints as the upright bytes', { timeout: 120000 }, async (t) => {
    const r = await page.evaluate(async () => {
      const api = window.api;
      const get = async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer());
      const model = api.loadModel(new TextDecoder().decode(await get('movenet-lightning.json')), await get('movenet-lightning.bin'), { backend: 'webgl' });
      const bitmap = await createImageBitmap(await (await fetch('/media/images/messi5.jpg')).blob(), { resizeWidth: 480, resizeHeight: 320 });
      const upright = new OffscreenCanvas(480, 320); // as displayed
      const ctx = upright.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0);
      const stored = new OffscreenCanvas(320, 480); // as a sensor mounted sideways stores it: turned counter-clockwise
      const sctx = stored.getContext('2d');
      sctx.translate(0, 480);
      sctx.rotate(-Math.PI / 2);
      sctx.drawImage(upright, 0, 0);
      const frame = new VideoFrame(stored, { timestamp: 0, rotation: 90 }); // displayed turned back clockwise: upright
      const tex = api.createTracker(model, 'source=image&keypoints=true');
      const cpu = api.createTracker(model, 'source=image&keypoints=true');
      try {
        const size = [frame.displayWidth, frame.displayHeight];
        const a = tex.processTexture(frame, 0).find((m) => m.type === 'keypoints').keypoints;
        const b = cpu.process(ctx.getImageData(0, 0, 480, 320).data, 480, 320, 0).find((m) => m.type === 'keypoints').keypoints;
        return { size, rotation: frame.rotation, a, b };
      } finally {
        frame.close();
        tex.dispose();
        cpu.dispose();
        model.dispose();
      }
    });
    assert.deepEqual(r.size, [480, 320]);
    let worst = 0;
    for (let k = 0; k < r.a.length; k++)
      worst = Math.max(worst, Math.abs(r.a[k].x - r.b[k].x), Math.abs(r.a[k].y - r.b[k].y), Math.abs(r.a[k].score - r.b[k].score));
    assert.ok(r.b.filter((k) => k.score >= 0.5).length >= 8, 'a person is found');
    assert.ok(worst <= 1e-3, `keypoints differ by ${worst} of the frame`);
    t.diagnostic(`rotation ${r.rotation}: a ${r.size.join('x')} texture; largest keypoint difference ${worst.toExponential(2)} of the frame`);
  });

  test('a tracker on the xnnpack backend refuses a texture, with the reason', { timeout: 60000 }, async () => {
    const r = await page.evaluate(async () => {
      const api = window.api;
      const get = async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer());
      const json = new TextDecoder().decode(await get('movenet-lightning.json'));
      const bin = await get('movenet-lightning.bin');
      const gl = api.loadModel(json, bin, { backend: 'webgl' }); // holds the context the texture lives on
      const xnn = api.loadModel(json, bin, { backend: 'xnnpack' });
      const tracker = api.createTracker(xnn, 'source=video');
      try {
        tracker.processTexture(new ImageData(64, 48), 0);
        return { ok: true };
      } catch (e) {
        return { ok: false, code: e.code, message: e.message };
      } finally {
        tracker.dispose();
        xnn.dispose();
        gl.dispose();
      }
    });
    assert.equal(r.ok, false);
    assert.equal(r.code, 'processing_failed');
    assert.match(r.message, /xnnpack backend cannot read a frame from a GPU texture/);
  });
});
