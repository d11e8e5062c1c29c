// static-server.mjs — the local server behind blank chromium pages (the
// WebGL2 test page, the WebGL bench, the MediaPipe reference): one inline
// HTML page at `/`, more inline pages with their own headers (`pages`, e.g.
// a cross-origin isolated one), URL prefixes mapped onto folders, single
// URLs onto files (served with `headers`); anything else (and any path with
// `..`) is 404. 127.0.0.1, a free port.
//
//   const server = await serveStatic({ page: '<!doctype html>...', routes: { '/models/': dir }, files: { '/tf.js': file } });
//   `http://127.0.0.1:${server.address().port}/` ... server.close()
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html',
  '.json': 'application/json', '.tflite': 'application/octet-stream' };

export function serveStatic({ page, pages = {}, routes = {}, files = {}, headers = {} }) {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const inline = p === '/' || p === '/index.html' ? { html: page } : Object.hasOwn(pages, p) ? pages[p] : null;
    if (inline) {
      res.writeHead(200, { 'Content-Type': 'text/html', ...(inline.headers || {}) });
      res.end(inline.html);
      return;
    }
    let file = Object.hasOwn(files, p) ? files[p] : null;
    for (const [prefix, dir] of Object.entries(routes)) {
      if (!file && p.startsWith(prefix) && !p.includes('..')) file = path.join(dir, p.slice(prefix.length));
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', ...headers });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
