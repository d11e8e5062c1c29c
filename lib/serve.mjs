// serve.mjs — the HTTP server of the pages (CONTRACT §1 `kinetrack serve`).
//
//   const { url, close } = await startServer({ port: 8080, host: '127.0.0.1', repoRoot });
//
// node:http only. Serves exactly these paths (everything else is 404, no
// directory listing, no file outside the listed folders):
//
//   /pose_tracker/tracking            web/tracking.html
//   /pose_tracker/upload_tracking     web/upload_tracking.html
//   /pose_tracker/app/<file>          web/<file> (the shell's JS and CSS)
//   /pose_tracker/runtime/kinetrack.mjs, kinetrack.wasm   build/wasm/
//   /pose_tracker/runtime/kinetrack-mt.mjs, .wasm, .worker.js  build/wasm/
//                                     (the threaded build; its pthreads'
//                                     workers load the .worker.js)
//   /pose_tracker/runtime/kinetrack-fma.*, kinetrack-mt-fma.*  build/wasm/
//                                     (the same with relaxed SIMD FMA kernels)
//   /pose_tracker/runtime/kinetrack-webgl.mjs, kinetrack-webgl.wasm  build/wasm-webgl/
//                                     (poseBackend=webgl; mk/webgl.mk)
//   /pose_tracker/runtime/kinetrack-loader.mjs, wasm-memory.mjs, media-session.mjs,
//                         model-manifest.mjs              wasm/
//   /pose_tracker/runtime/verify.mjs                      lib/tokens/verify.mjs
//   /pose_tracker/models/<file of wasm/model-manifest.mjs> models/
//   /pose_tracker/runtime/mediabunny.mjs  npm mediabunny's ES module bundle (export=true)
//   /pose_tracker/keys.json           keys/public.jwks.json (public keys only;
//                                     the private key is never served)
//
// Every response carries COOP same-origin + COEP require-corp (so the pages
// are cross-origin isolated and wasm threads can run) and CORP same-origin.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { keyDir, PUBLIC_KEYS_FILE } from './tokens/keys.mjs';
import { MODEL_FILES } from '../wasm/model-manifest.mjs';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

// The pages' policy: scripts only from here (plus wasm compilation), no
// inline script, no plugins; media may come from anywhere (videoSrc /
// imageSrc, checked by the C parser, CORS decided by their servers).
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "media-src 'self' data: blob: http: https:",
  "connect-src 'self' data: blob: http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const COMMON_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

// A path segment we serve: plain file names only (no dot files, no
// separators, no encoded tricks; decoding happened before this check).
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

// A user movement's id ([A-Za-z0-9_-], as the query parser accepts it).
const MOVEMENT = /^\/pose_tracker\/movements\/([A-Za-z0-9_-]{1,63})\.json$/;
// A reference movement's uuid (the same characters).
const REFERENCE = /^\/pose_tracker\/references\/([A-Za-z0-9_-]{1,63})\.json$/;

function route(repoRoot, pathname, movementsDir, referencesDir) {
  const web = path.join(repoRoot, 'web');
  const fixed = {
    '/pose_tracker/tracking': path.join(web, 'tracking.html'),
    '/pose_tracker/upload_tracking': path.join(web, 'upload_tracking.html'),
    '/pose_tracker/reference_builder': path.join(web, 'reference_builder.html'),
    // The four wasm builds (plain wasm SIMD and relaxed SIMD FMA, single
    // and threaded); the loader's chooseBuild picks one per engine.
    ...Object.fromEntries(['kinetrack', 'kinetrack-fma', 'kinetrack-mt', 'kinetrack-mt-fma'].flatMap((b) =>
      [`${b}.mjs`, `${b}.wasm`, ...(b.includes('-mt') ? [`${b}.worker.js`] : [])]).map((f) =>
      [`/pose_tracker/runtime/${f}`, path.join(repoRoot, 'build/wasm', f)])),
    '/pose_tracker/runtime/kinetrack-webgl.mjs': path.join(repoRoot, 'build/wasm-webgl/kinetrack-webgl.mjs'),
    '/pose_tracker/runtime/kinetrack-webgl.wasm': path.join(repoRoot, 'build/wasm-webgl/kinetrack-webgl.wasm'),
    '/pose_tracker/runtime/kinetrack-loader.mjs': path.join(repoRoot, 'wasm/kinetrack-loader.mjs'),
    '/pose_tracker/runtime/wasm-memory.mjs': path.join(repoRoot, 'wasm/wasm-memory.mjs'),
    '/pose_tracker/runtime/media-session.mjs': path.join(repoRoot, 'wasm/media-session.mjs'),
    '/pose_tracker/runtime/verify.mjs': path.join(repoRoot, 'lib/tokens/verify.mjs'),
    '/pose_tracker/runtime/model-manifest.mjs': path.join(repoRoot, 'wasm/model-manifest.mjs'),
    ...Object.fromEntries(MODEL_FILES.map((f) => [`/pose_tracker/models/${f}`, path.join(repoRoot, 'models', f)])),
    // export=true's muxer (npm mediabunny, one self-contained ES module)
    '/pose_tracker/runtime/mediabunny.mjs': path.join(repoRoot, 'node_modules/mediabunny/dist/bundles/mediabunny.min.mjs'),
  };
  if (Object.hasOwn(fixed, pathname)) return { file: fixed[pathname] };
  if (pathname === '/pose_tracker/keys.json') return { keys: true };
  const mv = MOVEMENT.exec(pathname);
  if (mv && movementsDir) return { file: path.join(movementsDir, `${mv[1]}.json`) };
  const rf = REFERENCE.exec(pathname);
  if (rf && referencesDir) return { file: path.join(referencesDir, `${rf[1]}.json`) };
  const m = /^\/pose_tracker\/app\/([^/]+)$/.exec(pathname);
  if (m && SAFE_NAME.test(m[1]) && /\.(mjs|js|css|svg|png)$/.test(m[1])) {
    const file = path.join(web, m[1]);
    // Belt and braces: the resolved file must sit directly in web/.
    if (path.dirname(path.resolve(file)) === path.resolve(web)) return { file };
  }
  return null;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function notFound(res, method) {
  const body = 'not found\n';
  res.writeHead(404, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(method === 'HEAD' ? undefined : body);
}

function publicKeys(dir) {
  // Read per request so `kinetrack keygen --force` takes effect without a
  // restart. Only the public JWKS file; only the public members of each key.
  try {
    const jwks = JSON.parse(fs.readFileSync(path.join(dir, PUBLIC_KEYS_FILE), 'utf8'));
    const keys = (Array.isArray(jwks?.keys) ? jwks.keys : [])
      .filter((k) => k && k.kty === 'EC' && k.crv === 'P-256')
      .map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use }));
    return { keys };
  } catch {
    return { keys: [] }; // no key generated: no token verifies
  }
}

function handle(repoRoot, keysDir, movementsDir, referencesDir, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    return;
  }
  let pathname;
  try {
    const raw = new URL(req.url, 'http://localhost').pathname;
    pathname = decodeURIComponent(raw);
  } catch {
    notFound(res, req.method);
    return;
  }
  if (pathname.includes('\0') || pathname.includes('\\') || pathname.split('/').some((s) => s === '..' || s === '.')) {
    notFound(res, req.method);
    return;
  }
  const r = route(repoRoot, pathname, movementsDir, referencesDir);
  if (!r) {
    notFound(res, req.method);
    return;
  }
  if (r.keys) {
    const body = JSON.stringify(publicKeys(keysDir));
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': MIME['.json'], 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  let st;
  try {
    st = fs.statSync(r.file);
  } catch {
    notFound(res, req.method);
    return;
  }
  if (!st.isFile()) {
    notFound(res, req.method);
    return;
  }
  const ext = path.extname(r.file);
  const headers = {
    ...COMMON_HEADERS,
    'Content-Type': MIME[ext] || 'application/octet-stream',
    'Content-Length': st.size,
  };
  if (ext === '.html') headers['Content-Security-Policy'] = PAGE_CSP;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = fs.createReadStream(r.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * Start the pages' server.
 * @param {{port?: number, host?: string, repoRoot: string, keysDir?: string, movementsDir?: string, referencesDir?: string}} options
 *   port 0 picks a free port; keysDir (default <repoRoot>/keys) holds public.jwks.json;
 *   movementsDir: custom movements, served at /pose_tracker/movements/<id>.json for userExercise=<id>
 *   referencesDir: reference movements, served at /pose_tracker/references/<uuid>.json for reference=<uuid>
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer({ port = 8080, host = '127.0.0.1', repoRoot, keysDir = null, movementsDir = null, referencesDir = null } = {}) {
  if (!repoRoot) throw new TypeError('startServer: repoRoot is required');
  const root = path.resolve(repoRoot);
  const keys = path.resolve(keysDir || keyDir(root));
  const movements = movementsDir ? path.resolve(movementsDir) : null;
  const references = referencesDir ? path.resolve(referencesDir) : null;
  const server = http.createServer((req, res) => {
    try {
      handle(root, keys, movements, references, req, res);
    } catch {
      if (!res.headersSent) send(res, 500, 'internal error\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      else res.destroy();
    }
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = server.address().port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actual}`,
    port: actual,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
