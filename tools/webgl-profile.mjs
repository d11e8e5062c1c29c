// webgl-profile.mjs — per-pass times of a model on the WebGL2 backend, for
// finding which shaders dominate (a diagnostic, not a test or a bench).
//
//   node tools/webgl-profile.mjs [movenet-lightning|blazepose-full|...] [--runs 3] [--passes]
//
// Wraps the page's WebGL2 context from outside the module: every
// drawArrays is followed by a 1-texel readPixels of its target (a full
// pipeline sync, so the pass's time is its own), attributed to the program's
// shader family (the first line of the op's body) and output size. The sync
// adds a fixed cost per pass, so totals exceed an unprofiled run; compare
// families, not sums. Needs `make wasm-webgl` and chromium.
import { MODELS } from '../wasm/model-manifest.mjs';
import { repoRoot } from '../lib/runtime.mjs';
import { serveStatic } from '../lib/static-server.mjs';
import { CHROMIUM } from '../tests/helpers/browser.mjs';
import { WEBGL_ARGS } from '../tests/helpers/webgl-page.mjs';
import path from 'node:path';

const args = process.argv.slice(2);
const model = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'movenet-lightning';
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const perPass = args.includes('--passes');

const ROUTES = { '/build/': path.join(repoRoot, 'build/wasm-webgl/'), '/models/': path.join(repoRoot, 'models/'),
  '/wasm/': path.join(repoRoot, 'wasm/') };
const PAGE = `<!doctype html><meta charset="utf-8"><body><script type="module">
import createModule from '/build/kinetrack-webgl.mjs';
import { loadKinetrack } from '/wasm/kinetrack-loader.mjs';
const wasmBinary = await (await fetch('/build/kinetrack-webgl.wasm')).arrayBuffer();
window.api = await loadKinetrack({ createModule, wasmBinary });
window.ktReady = true;
</script>`;

// Runs in the page before any script: records programs' fragment sources
// and, while window.prof.on, times each draw through a readPixels sync.
function instrument() {
  const P = WebGL2RenderingContext.prototype;
  const src = new Map();
  const progFs = new Map();
  const label = new Map();
  let current = null;
  const prof = { on: false, draws: [] };
  window.prof = prof;
  const wrap = (name, fn) => { const orig = P[name]; P[name] = function (...a) { return fn.call(this, orig, a); }; };
  wrap('shaderSource', function (orig, a) { src.set(a[0], a[1]); return orig.apply(this, a); });
  wrap('attachShader', function (orig, a) {
    const s = src.get(a[1]) ?? '';
    if (s.includes('compute(')) {
      const body = s.slice(s.indexOf('vec4 compute(int n, int h, int w, int s);') + 42);
      progFs.set(a[0], body.split('\n').find((l) => l.trim()) ?? '?');
      label.set(a[0], (body.match(/\/\/ kind: (\S+)/) ?? [])[1]);
    }
    return orig.apply(this, a);
  });
  wrap('useProgram', function (orig, a) { current = a[0]; return orig.apply(this, a); });
  let vp = [0, 0];
  wrap('viewport', function (orig, a) { vp = [a[2], a[3]]; return orig.apply(this, a); });
  const px = new Float32Array(4);
  wrap('drawArrays', function (orig, a) {
    if (!prof.on) return orig.apply(this, a);
    const t0 = performance.now();
    orig.apply(this, a);
    this.readPixels(0, 0, 1, 1, this.RGBA, this.FLOAT, px);
    prof.draws.push({ kind: label.get(current) ?? progFs.get(current), rows: vp[1], ms: performance.now() - t0 });
    return undefined;
  });
}

const { chromium } = await import('playwright-core');
const server = await serveStatic({ page: PAGE, routes: ROUTES });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGL_ARGS, timeout: 60000 });
try {
  const page = await browser.newPage();
  await page.addInitScript(instrument);
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.ktReady === true, null, { timeout: 60000 });
  const m = MODELS[model];
  if (!m) throw new Error(`unknown model ${model}: ${Object.keys(MODELS).join(', ')}`);
  const result = await page.evaluate(async ({ files, format, outputs, runs, side }) => {
    const get = async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer());
    const bytes = await Promise.all(files.map(get));
    const api = window.api;
    const h = format === 'tfjs'
      ? api.loadModel(new TextDecoder().decode(bytes[0]), bytes[1], { backend: 'webgl' })
      : api.loadTfliteModel(bytes[0], { backend: 'webgl', outputs });
    const run = () => (format === 'tfjs' ? h.runI32(new Int32Array(side * side * 3).fill(100)) : h.run(new Float32Array(side * side * 3).fill(0.5)));
    run();
    const plain = [];
    for (let i = 0; i < runs; i++) { const t = performance.now(); run(); plain.push(performance.now() - t); }
    window.prof.on = true;
    const profiled = [];
    for (let i = 0; i < runs; i++) { window.prof.draws = []; run(); profiled.push(window.prof.draws); }
    window.prof.on = false;
    h.dispose();
    return { plain, profiled };
  }, { files: m.files, format: m.format, outputs: m.outputs ?? null, runs, side: model === 'movenet-lightning' ? 192 : model === 'blazepose-detector' ? 224 : 256 });
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const passes = result.profiled[0].map((d, i) => ({ ...d, ms: median(result.profiled.map((r) => r[i].ms)) }));
  const byKind = new Map();
  for (const p of passes) {
    const k = byKind.get(p.kind) ?? { passes: 0, ms: 0 };
    k.passes++;
    k.ms += p.ms;
    byKind.set(p.kind, k);
  }
  const total = passes.reduce((s, p) => s + p.ms, 0);
  console.log(`${model}: unprofiled run median ${median(result.plain).toFixed(1)} ms; profiled passes sum ${total.toFixed(1)} ms (${passes.length} passes)`);
  for (const [k, v] of [...byKind].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`${v.ms.toFixed(1).padStart(8)} ms ${(100 * v.ms / total).toFixed(1).padStart(5)}% ${String(v.passes).padStart(4)} passes  ${k}`);
  if (perPass) passes.forEach((p, i) => console.log(`${String(i).padStart(4)} ${p.ms.toFixed(2).padStart(8)} ms rows ${String(p.rows).padStart(4)}  ${p.kind}`));
} finally {
  await browser.close();
  await new Promise((r) => server.close(r));
}
