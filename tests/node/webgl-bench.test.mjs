// `kinetrack bench --browser --backend webgl --runs 2 --json` (lib/bench-webgl.mjs):
// a smoke run, not a speed figure (speed is never judged by a timed test).
// It must produce every row (kinetrack webgl, TF.js webgl, kinetrack wasm;
// per inference and per frame), kinetrack webgl's 51 outputs within 1e-3 of
// TF.js webgl's on the same input, and the JSON shape the README documents.
// Needs chromium, `make wasm-webgl`, npm's devDependencies and the shared
// photo ../shared/media/images/messi5.jpg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { formatWebglBench } from '../../lib/bench-webgl.mjs';
import { MEDIA_DIR } from '../helpers/datasets.mjs';
import { runKinetrack } from '../helpers/cli.mjs';

const TOLERANCE = 1e-3;
const ROWS = ['kinetrackWebgl', 'tfjsWebgl', 'kinetrackWasm'];

test('bench --browser --backend webgl: both WebGL rows, outputs agree, JSON shape', { timeout: 120000 }, (t) => {
  assert.ok(fs.existsSync(path.join(MEDIA_DIR, 'images/messi5.jpg')), `messi5.jpg missing in ${MEDIA_DIR}`);
  const r = runKinetrack(['bench', '--browser', '--backend', 'webgl', '--runs', '2', '--json'], { timeout: 110000 });
  assert.equal(r.code, 0, `bench failed: ${r.stderr}`);
  const b = JSON.parse(r.stdout);

  assert.equal(b.runs, 2);
  assert.ok(b.warmup >= 1);
  for (const k of ROWS) {
    for (const figure of ['msPerInference', 'msPerFrame']) {
      assert.ok(Number.isFinite(b[figure][k]) && b[figure][k] > 0, `${figure}.${k}: ${b[figure][k]}`);
    }
    assert.equal(b.times[k].length, 2, `times.${k}`);
    assert.equal(b.outputs[k].length, 51, `outputs.${k}`);
    assert.equal(b.frameKeypoints[k], 17, `a whole frame on ${k} gives 17 keypoints`);
  }
  assert.ok(Math.abs(b.ratio - b.msPerInference.kinetrackWebgl / b.msPerInference.tfjsWebgl) < 1e-9);
  // Number.isFinite first: JSON turns a NaN or Infinity into null, and null <= 1e-3.
  for (const k of ['webglVsTfjs', 'webglVsWasm']) {
    const d = b.maxOutputDiff[k];
    assert.ok(Number.isFinite(d) && d <= TOLERANCE, `maxOutputDiff.${k}: ${d}`);
  }
  // Recomputed here from the outputs the bench returns, not taken on its word.
  const own = Math.max(...b.outputs.kinetrackWebgl.map((v, i) => Math.abs(v - b.outputs.tfjsWebgl[i])));
  assert.ok(own <= TOLERANCE && Math.abs(own - b.maxOutputDiff.webglVsTfjs) < 1e-12, `recomputed ${own}`);
  // The same model must give the same pose: scores of the 17 keypoints well above chance.
  assert.ok(b.outputs.tfjsWebgl.filter((_, i) => i % 3 === 2).some((s) => s > 0.3), 'TF.js finds the person');
  assert.equal(typeof b.gpu.renderer, 'string');
  assert.ok(b.gpu.renderer.length > 0, 'the renderer string');
  assert.equal(b.tfjs.version, '4.22.0');
  assert.equal(b.tfjs.webglVersion, b.tfjs.version, 'tfjs-backend-webgl pinned to tfjs-core');
  assert.equal(typeof b.machine, 'string');

  const text = formatWebglBench(b);
  for (const row of ['kinetrack  WebGL2 backend', 'TF.js      tfjs-backend-webgl', 'kinetrack  XNNPACK wasm', 'ratio kinetrack webgl / TF.js webgl']) {
    assert.ok(text.includes(row), `table row ${row}`);
  }
  if (b.swiftshader) assert.match(text, /SwiftShader runs WebGL2 on the CPU.*no GPU speed claim/);
  t.diagnostic(`renderer: ${b.gpu.renderer}`);
  t.diagnostic(`ms/inference (2 runs, not a figure): kinetrack webgl ${b.msPerInference.kinetrackWebgl.toFixed(0)}, TF.js webgl ${b.msPerInference.tfjsWebgl.toFixed(0)}, `
    + `kinetrack wasm ${b.msPerInference.kinetrackWasm.toFixed(1)}; max |webgl - TF.js webgl| ${b.maxOutputDiff.webglVsTfjs.toExponential(2)}`);
});

test('bench --backend: only --browser --backend webgl, else a usage error', () => {
  for (const args of [['--backend', 'webgl'], ['--browser', '--backend', 'wasm'], ['--browser', '--backend', 'webgl', '--runs', '0']]) {
    const r = runKinetrack(['bench', ...args], { timeout: 20000 });
    assert.equal(r.code, 2, `bench ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /--backend|--runs/);
  }
});
