// webgl-page.mjs — the WebGL2 backend's test module (build/wasm-webgl, `make
// wasm-webgl`) on a blank page in Debian's chromium, headless, with
// SwiftShader as the GPU (a CPU: correctness, not speed). Serves the
// module, wasm/ (the loader) and models/; the page keeps the loader's API
// in window.api and the Emscripten module in window.kt.
//
//   const page = await openWebglPage();
//   const r = await page.op(family, seed);      // tests/wasm/webgl_op_cases.c's JSON
//   const r = await page.evaluate(fn, arg);     // anything else, with window.kt
//   await page.close();
import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../../lib/runtime.mjs';
import { serveStatic } from '../../lib/static-server.mjs';
import { CHROMIUM } from './browser.mjs';
import { MEDIA_DIR } from './datasets.mjs';

export const WEBGL_MODULE = path.join(repoRoot, 'build/wasm-webgl/kinetrack-webgl-tests.mjs');
// No --disable-gpu: SwiftShader (ANGLE over Vulkan on the CPU) is the GPU.
export const WEBGL_ARGS = ['--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist'];

const ROUTES = { '/build/': path.join(repoRoot, 'build/wasm-webgl/'), '/models/': path.join(repoRoot, 'models/'),
  '/wasm/': path.join(repoRoot, 'wasm/'), '/media/': MEDIA_DIR };
const PAGE = `<!doctype html><meta charset="utf-8"><body><script type="module">
import createModule from '/build/kinetrack-webgl-tests.mjs';
import { loadKinetrack } from '/wasm/kinetrack-loader.mjs';
const wasmBinary = await (await fetch('/build/kinetrack-webgl-tests.wasm')).arrayBuffer();
window.api = await loadKinetrack({ createModule, wasmBinary });
window.kt = window.api.module;
window.ktReady = true;
</script>`;

export function haveWebglModule() {
  return fs.existsSync(CHROMIUM) && fs.existsSync(WEBGL_MODULE);
}

export async function openWebglPage() {
  const { chromium } = await import('playwright-core');
  const server = await serveStatic({ page: PAGE, routes: ROUTES });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGL_ARGS, timeout: 60000 });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.ktReady === true, null, { timeout: 60000 });
  return {
    errors,
    op: (family, seed) => page.evaluate(([f, s]) => JSON.parse(window.kt.UTF8ToString(window.kt._kt_webgl_test_op(f, s >>> 0))), [family, seed]),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}
