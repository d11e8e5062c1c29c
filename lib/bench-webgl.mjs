// bench-webgl.mjs — `kinetrack bench --browser --backend webgl`: MoveNet
// SinglePose Lightning per inference on kinetrack's WebGL2 backend beside
// TF.js's WebGL backend (npm @tensorflow/tfjs-backend-webgl, the version of
// tfjs-core, running the same model files from models/), and kinetrack's
// XNNPACK wasm from the same module for context, in one chromium page, on
// one input: the photo letterboxed to 192x192 by TF.js as lib/bench.mjs does.
// After warm-up, the runtimes are timed alternately, run by run, and the
// medians kept; whole frames (RGBA in) are timed in the same rounds. The
// page side is lib/bench-webgl-page.mjs.
//
// Headless chromium has no GPU of its own here: it runs WebGL2 on
// SwiftShader (a CPU) unless KINETRACK_CHROMIUM_ARGS gives other flags, so
// the result names the renderer, and a SwiftShader ratio is no GPU claim.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { decodeImage } from './media/decode.mjs';
import { repoRoot } from './runtime.mjs';
import { serveStatic } from './static-server.mjs';

const SAMPLE = path.resolve(repoRoot, '../shared/media/images/messi5.jpg');
const CHROMIUM = process.env.KINETRACK_CHROMIUM || '/usr/bin/chromium';
// No --disable-gpu: WebGL2 must exist. SwiftShader is what a GPU-less host has.
const ARGS = process.env.KINETRACK_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? ['--headless', '--no-sandbox', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];
const MODULE = path.join(repoRoot, 'build/wasm-webgl/kinetrack-webgl.mjs');
const nm = (p) => path.join(repoRoot, 'node_modules', p);
const FILES = {
  '/tf-core.js': nm('@tensorflow/tfjs-core/dist/tf-core.min.js'),
  // The webgl backend's UMD bundle takes shared kernels from the cpu backend's.
  '/tf-backend-cpu.js': nm('@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js'),
  '/tf-backend-webgl.js': nm('@tensorflow/tfjs-backend-webgl/dist/tf-backend-webgl.min.js'),
  '/tf-converter.js': nm('@tensorflow/tfjs-converter/dist/tf-converter.min.js'),
  '/bench-page.mjs': path.join(repoRoot, 'lib/bench-webgl-page.mjs'),
};
const ROUTES = { '/kt/': path.dirname(MODULE), '/wasm/': path.join(repoRoot, 'wasm/'), '/models/': path.join(repoRoot, 'models/') };
const PAGE = `<!doctype html><meta charset="utf-8"><body>
${['tf-core', 'tf-backend-cpu', 'tf-backend-webgl', 'tf-converter'].map((s) => `<script src="/${s}.js"></script>`).join('')}
<script type="module">
import('/bench-page.mjs').catch((e) => { window.benchError = String(e && e.stack || e); });
</script>`;
const QUERY = 'angles=true'; // the frame lib/bench.mjs times
const mid = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];

function checkInstalled() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium is missing (${CHROMIUM}; KINETRACK_CHROMIUM names another)`);
  if (!fs.existsSync(MODULE)) throw new Error(`${MODULE} is missing: run make wasm-webgl`);
  for (const f of Object.values(FILES)) if (!fs.existsSync(f)) throw new Error(`${f} is missing (npm ci installs the devDependencies)`);
  for (const f of ['movenet-lightning.json', 'movenet-lightning.bin']) {
    if (!fs.existsSync(path.join(repoRoot, 'models', f))) throw new Error(`models/${f} is missing: run make models`);
  }
  if (!fs.existsSync(SAMPLE)) throw new Error(`the sample photo ${SAMPLE} is missing`);
}

export async function runWebglBench({ runs = 30, warmup = runs >= 10 ? 3 : 1, log = () => {} } = {}) {
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: a positive integer');
  checkInstalled();
  const { createTfjsMoveNet, fullFrameCropRegion } = await import('./reference/tfjs-movenet.mjs');
  const frame = await decodeImage(SAMPLE);
  // The input lib/bench.mjs feeds both runtimes, made once here in Node.
  const prep = await createTfjsMoveNet({ threads: 1 });
  const input = prep.prepareInput(frame.rgba, frame.width, frame.height);
  prep.dispose();

  const { chromium } = await import('playwright-core');
  const server = await serveStatic({ page: PAGE, routes: ROUTES, files: FILES });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60000 });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.benchReady === true || window.benchError, null, { timeout: 60000 });
    const loadError = await page.evaluate(() => window.benchError);
    if (loadError) throw new Error(`the bench page did not load: ${loadError}`);
    log('bench: loading MoveNet on kinetrack webgl, kinetrack wasm and TF.js webgl');
    const setup = await page.evaluate((a) => window.bench.setup(a), {
      input: Array.from(input),
      frame: { width: frame.width, height: frame.height, rgbaBase64: Buffer.from(frame.rgba.buffer, frame.rgba.byteOffset, frame.rgba.byteLength).toString('base64') },
      region: fullFrameCropRegion(frame.width, frame.height),
      query: QUERY,
    });
    // A runtime that gives no pose is a failure, not a figure.
    for (const [k, out] of Object.entries(setup.outputs)) {
      if (out.length !== 51 || !out.every(Number.isFinite)) throw new Error(`${k} gave ${out.length} outputs, not 51 finite values: ${out.slice(0, 6).join(', ')}...`);
    }
    const times = {};
    for (let i = 0; i < warmup + runs; i++) {
      const ms = await page.evaluate((k) => window.bench.round(k), i);
      log(`bench: ${i < warmup ? 'warm-up' : 'run'} ${i < warmup ? i + 1 : i - warmup + 1}/${i < warmup ? warmup : runs}: `
        + Object.entries(ms).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '));
      if (i >= warmup) for (const [k, v] of Object.entries(ms)) (times[k] ||= []).push(v);
    }
    if (errors.length) throw new Error(`the bench page threw: ${errors.join('; ')}`);
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, mid(v)]));
    const gpu = setup.gpu.kinetrack;
    return {
      model: 'movenet-lightning',
      machine: `${os.cpus()[0]?.model?.trim() || os.arch()} (${os.cpus().length} cores), ${os.platform()} ${os.release()}`,
      browser: `${setup.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] || setup.userAgent}, flags ${ARGS.filter((a) => /angle|swiftshader|gpu/.test(a)).join(' ')}`,
      gpu,
      tfjsGpu: setup.gpu.tfjs,
      swiftshader: /swiftshader/i.test(`${gpu.renderer} ${gpu.vendor}`),
      input: `${path.basename(SAMPLE)} ${frame.width}x${frame.height} -> 192x192 letterbox (int32)`,
      runs,
      warmup,
      load: os.loadavg()[0],
      msPerInference: { kinetrackWebgl: m.kinetrackWebgl, tfjsWebgl: m.tfjsWebgl, kinetrackWasm: m.kinetrackWasm },
      msPerFrame: { kinetrackWebgl: m.kinetrackWebglFrame, tfjsWebgl: m.tfjsWebglFrame, kinetrackWasm: m.kinetrackWasmFrame },
      ratio: m.kinetrackWebgl / m.tfjsWebgl,
      frameRatio: m.kinetrackWebglFrame / m.tfjsWebglFrame,
      maxOutputDiff: setup.maxDiff,
      outputs: setup.outputs,
      frameKeypoints: setup.frameKeypoints,
      coldMs: setup.coldMs,
      tfjs: setup.tfjs,
      times,
    };
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}

export function formatWebglBench(r) {
  const W = 56;
  const row = (label, a, b) => `${label.padEnd(W)}${a.toFixed(1).padStart(12)}  ${b.toFixed(1).padStart(9)}`;
  const i = r.msPerInference, fr = r.msPerFrame;
  return [
    `kinetrack bench --browser --backend webgl — MoveNet SinglePose Lightning, ${r.runs} runs (median) after ${r.warmup} warm-up, alternated`,
    `machine: ${r.machine}, load ${r.load.toFixed(2)}; ${r.browser}`,
    `GPU (WEBGL_debug_renderer_info): ${r.gpu.renderer} (${r.gpu.vendor})${r.tfjsGpu.renderer === r.gpu.renderer ? '' : `; TF.js's context: ${r.tfjsGpu.renderer}`}`,
    `input: ${r.input}`,
    ...(r.swiftshader ? ['NOTE: SwiftShader runs WebGL2 on the CPU: these figures, the ratio included, compare two shader pipelines on a CPU and are no GPU speed claim.'] : []),
    ...(r.runs < 30 ? [`NOTE: ${r.runs} runs: a smoke run; figures want 30 or more (CONTRACT §8).`] : []),
    '',
    `${''.padEnd(W)}ms/inference   ms/frame`,
    row('kinetrack  WebGL2 backend', i.kinetrackWebgl, fr.kinetrackWebgl),
    row(`TF.js      tfjs-backend-webgl ${r.tfjs.webglVersion ?? ''} (WebGL ${r.tfjs.flags.WEBGL_VERSION})`, i.tfjsWebgl, fr.tfjsWebgl),
    row('kinetrack  XNNPACK wasm SIMD, 1 thread (same page)', i.kinetrackWasm, fr.kinetrackWasm),
    `${'ratio kinetrack webgl / TF.js webgl'.padEnd(W)}${r.ratio.toFixed(3).padStart(12)}  ${r.frameRatio.toFixed(3).padStart(9)}`,
    '',
    `max |kinetrack webgl - TF.js webgl| over the 51 outputs: ${r.maxOutputDiff.webglVsTfjs.toExponential(2)}`
      + ` (kinetrack webgl - wasm: ${r.maxOutputDiff.webglVsWasm.toExponential(2)}, TF.js webgl - kinetrack wasm: ${r.maxOutputDiff.tfjsVsWasm.toExponential(2)})`,
    'inference: the int32 input tensor in, the 51 outputs read back into JS (ours: glReadPixels; TF.js: await tensor.data()), then gl.finish() on the context.',
    `frame: RGBA ${r.input.split(' ')[1]} in. kinetrack: its tracker (letterbox, inference, decoding, angles, messages);`
      + ' TF.js: fromPixels, letterbox cropAndResize, the model, read-back (pose-detection\'s path without its keypoint arithmetic).',
    `cold (not in the medians): kinetrack webgl load ${r.coldMs.kinetrackWebglLoad.toFixed(0)} ms (shaders compiled at load), first run ${r.coldMs.kinetrackWebglFirstRun.toFixed(0)} ms;`
      + ` TF.js webgl load ${r.coldMs.tfjsWebglLoad.toFixed(0)} ms, first run ${r.coldMs.tfjsWebglFirstRun.toFixed(0)} ms (shaders compiled then)`,
  ].join('\n');
}
