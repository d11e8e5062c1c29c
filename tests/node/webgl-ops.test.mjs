// The WebGL2 backend op by op (ggml's habit: every backend tested op by
// op), in chromium headless on SwiftShader: tests/wasm/webgl_op_cases.c
// builds each case's one-node graph (random shapes from a seed: odd sizes,
// channel counts not divisible by 4, broadcasting, every padding and
// resize mode, 2-6 concatenated inputs) and runs it with the reference C
// kernels (src/runtime/ops) and with the WebGL2 backend on the same input;
// every output must agree within 1e-4 relative (|gl - ref| / max(1, |ref|)).
// Also: the backend's failures are errors with reasons, never a blank
// result (no WebGL2 context, no float render targets, a lost context).
// Needs `make wasm-webgl`; a missing browser or module fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { CHROMIUM } from '../helpers/browser.mjs';
import { WEBGL_MODULE, openWebglPage } from '../helpers/webgl-page.mjs';

const SEEDS = 16; // cases per op family
const TOLERANCE = 1e-4;

describe('WebGL2 backend, op by op against the reference C kernels', () => {
  let page;
  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `chromium missing (${CHROMIUM})`);
    assert.ok(fs.existsSync(WEBGL_MODULE), `${WEBGL_MODULE} missing: run make wasm-webgl`);
    page = await openWebglPage();
  });
  after(() => page?.close());

  test('every op family, random shapes: outputs within 1e-4 relative', async (t) => {
    const families = await page.evaluate(() => window.kt._kt_webgl_test_family_count());
    assert.ok(families >= 13);
    const worst = {};
    for (let f = 0; f < families; f++) {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const r = await page.op(f, seed);
        const what = `${r.family} seed ${seed}: ${r.desc}`;
        assert.equal(r.status, 'ok', `${what}: ${r.error}`);
        assert.ok(r.count > 0, `${what}: no output`);
        assert.ok(r.gl_nodes >= 1, `${what}: nothing ran on the WebGL2 backend`);
        assert.ok(r.max_rel <= TOLERANCE, `${what}: max relative difference ${r.max_rel} (abs ${r.max_abs})`);
        if (!worst[r.family] || r.max_rel > worst[r.family].max_rel) worst[r.family] = r;
      }
    }
    for (const [family, r] of Object.entries(worst))
      t.diagnostic(`${family}: worst of ${SEEDS} cases ${r.max_rel.toExponential(2)} relative (${r.desc})`);
    assert.deepEqual(page.errors.filter((e) => !/favicon|404/.test(e)), []);
  });
});

// Each failure on a fresh page: the shared context is made once a module.
describe('WebGL2 backend failures are errors with reasons', () => {
  let page;
  let model;
  before(async () => {
    assert.ok(fs.existsSync(WEBGL_MODULE), `${WEBGL_MODULE} missing: run make wasm-webgl`);
    page = await openWebglPage();
    model = await page.evaluate(async () => {
      const get = async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer());
      window.movenet = { json: new TextDecoder().decode(await get('movenet-lightning.json')), bin: await get('movenet-lightning.bin') };
      return true;
    });
  });
  after(() => page?.close());

  // Loads MoveNet on the WebGL2 backend with Module.webglCanvas set by `setup` (page-side source).
  const loadWith = (setup) => page.evaluate(async (src) => {
    window.kt.webglCanvas = (0, eval)(src)();
    try {
      const m = window.api.loadModel(window.movenet.json, window.movenet.bin, { backend: 'webgl' });
      m.dispose();
      return { ok: true };
    } catch (e) {
      return { ok: false, code: e.code, message: e.message };
    }
  }, setup.toString());

  test('no WebGL2 context: model_load_failed naming it', async () => {
    assert.ok(model);
    const r = await loadWith(() => ({ getContext: () => null }));
    assert.equal(r.ok, false);
    assert.equal(r.code, 'model_load_failed');
    assert.match(r.message, /webgl: no WebGL2 context/);
  });

  test('no EXT_color_buffer_float: model_load_failed naming the extension', async () => {
    const r = await loadWith(() => {
      const c = new OffscreenCanvas(1, 1);
      const getContext = c.getContext.bind(c);
      c.getContext = (type, attrs) => {
        const gl = getContext(type, attrs);
        if (gl) {
          const getExtension = gl.getExtension.bind(gl);
          gl.getExtension = (name) => (name === 'EXT_color_buffer_float' ? null : getExtension(name));
        }
        return gl;
      };
      return c;
    });
    assert.equal(r.ok, false);
    assert.match(r.message, /EXT_color_buffer_float is missing/);
  });

  test('a lost context: the run fails naming it, the wasm backend still runs', async () => {
    const r = await page.evaluate(() => {
      const canvas = new OffscreenCanvas(1, 1);
      window.kt.webglCanvas = canvas;
      const input = new Int32Array(192 * 192 * 3).fill(128);
      const gl = window.api.loadModel(window.movenet.json, window.movenet.bin, { backend: 'webgl' });
      const before = Array.from(gl.runI32(input));
      canvas.getContext('webgl2').getExtension('WEBGL_lose_context').loseContext();
      let error = null;
      try {
        gl.runI32(input);
      } catch (e) {
        error = window.kt.UTF8ToString(window.kt._kt_wasm_last_error());
      }
      gl.dispose();
      const wasm = window.api.loadModel(window.movenet.json, window.movenet.bin, { backend: 'xnnpack' });
      const after = Array.from(wasm.runI32(input));
      wasm.dispose();
      return { before, error, after };
    });
    assert.equal(r.before.length, 51);
    assert.ok(r.before.some((v) => v !== 0), 'the run before the loss gave a result');
    assert.match(r.error ?? '', /context was lost/);
    for (let i = 0; i < 51; i++) assert.ok(Math.abs(r.after[i] - r.before[i]) <= 1e-3, `keypoint value ${i}`);
  });
});
