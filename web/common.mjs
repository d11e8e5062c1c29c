// common.mjs — what both pages share: the transport to the host (CONTRACT
// §3), the runtime start, token verification, the query through the C
// parser, and applying the sanitized layout parameters to the DOM.
//
// Rule: only values returned by the C parser (parseQuery) reach the DOM,
// text through textContent, classes through classList, styles through the
// CSSOM one declaration at a time.
import { TOKEN_ERROR_TEXT, tokenFailure, verifyToken } from '../runtime/verify.mjs';
import { startEngine } from './engine.mjs';

export const UPLOAD_TOKEN_TEXT = 'Invalid params. Please refer to our API documentation. Missing token=YOUR API_KEY';

const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------ transport
/** Serialize once, send to every sink that exists (CONTRACT §3). */
export function post(message) {
  const str = JSON.stringify(message);
  const w = window;
  try {
    if (w.ReactNativeWebView && typeof w.ReactNativeWebView.postMessage === 'function') w.ReactNativeWebView.postMessage(str);
  } catch { /* a host's bridge failing must not stop the others */ }
  try {
    const ios = w.webkit && w.webkit.messageHandlers && w.webkit.messageHandlers.iosListener;
    if (ios && typeof ios.postMessage === 'function') ios.postMessage(str);
  } catch { /* ignore */ }
  try {
    const cb = w.webViewCallback;
    if (typeof cb === 'function') cb(str);
    else if (cb && typeof cb.postMessage === 'function') cb.postMessage(str);
  } catch { /* ignore */ }
  try {
    if (w.parent && w.parent !== w) w.parent.postMessage(str, '*');
  } catch { /* ignore */ }
  try {
    w.dispatchEvent(new CustomEvent('kinetrack:message', { detail: JSON.parse(str) }));
  } catch { /* ignore */ }
}

// ------------------------------------------------------------ in-page UI
export function showStatus(text) {
  const el = $('kt-status');
  if (!el) return;
  el.textContent = text;
  el.hidden = !text;
}

export function setLoading(text) {
  const box = $('kt-loading');
  if (!box) return;
  if (text === null) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('kt-loading-text').textContent = text;
}

const CLASS_TOKEN = /^-?[A-Za-z_][A-Za-z0-9_-]*$/;
function addClasses(el, classes) {
  for (const c of String(classes || '').split(/\s+/)) if (CLASS_TOKEN.test(c)) el.classList.add(c);
}

// The properties the C lets through (CONTRACT §5); checked again here.
const STYLE_PROPS = new Set(['color', 'background', 'background-color', 'border', 'border-color', 'border-width', 'border-style',
  'padding', 'margin', 'border-radius', 'font-size', 'font-weight', 'width', 'height']);
const STYLE_VALUE = /^[A-Za-z0-9#%.,()\s+-]*$/;
function applyStyle(el, declarations) {
  for (const decl of String(declarations || '').split(';')) {
    const i = decl.indexOf(':');
    if (i < 0) continue;
    const prop = decl.slice(0, i).trim().toLowerCase();
    const value = decl.slice(i + 1).trim();
    if (!STYLE_PROPS.has(prop) || !STYLE_VALUE.test(value) || /url\s*\(|expression|var\s*\(/i.test(value)) continue;
    el.style.setProperty(prop, value);
  }
}

const px = (n) => `${Math.round(n)}px`;

/** Container size, fit and classes from the sanitized params. */
export function applyLayout(params) {
  const container = $('kt-container');
  addClasses(container, params.containerClass);
  if (params.width > 0) container.style.width = px(params.width);
  if (params.height > 0) container.style.height = px(params.height);
  if (params.containerMinHeight >= 0) container.style.minHeight = px(params.containerMinHeight);
  if (params.containerMaxWidth > 0) container.style.maxWidth = px(params.containerMaxWidth);
  if (params.containerMaxHeight > 0) container.style.maxHeight = px(params.containerMaxHeight);
  const fit = ['contain', 'cover', 'fill', 'none', 'scale-down'].includes(params.objectFit) ? params.objectFit : 'contain';
  for (const el of document.querySelectorAll('.kt-media')) el.style.objectFit = fit;
  if (params.skeleton === false) $('kt-overlay').hidden = true;
  if (params.loading_message) $('kt-loading-text').textContent = params.loading_message;
  $('kt-watermark').hidden = params.plan !== 'free';
}

/** The upload area from the sanitized params. */
export function applyUploadUi(params, defaultLabel) {
  const area = $('kt-upload');
  const button = $('kt-upload-button');
  const positions = ['center', 'top', 'bottom', 'floating'];
  area.classList.remove('kt-pos-center');
  area.classList.add(`kt-pos-${positions.includes(params.uploadButtonPosition) ? params.uploadButtonPosition : 'center'}`);
  if (params.uploadAreaPadding >= 0) area.style.padding = px(params.uploadAreaPadding);
  button.textContent = params.uploadLabel ? params.uploadLabel : defaultLabel;
  addClasses(button, params.uploadButtonClass);
  applyStyle(button, params.uploadButtonStyle);
  area.hidden = params.showUpload === false;
}

// ------------------------------------------------------------ overlay
/** Size the overlay canvas to the media's aspect (at most 640 px a side). */
export function sizeOverlay(canvas, mediaWidth, mediaHeight, maxSide = 640) {
  const s = Math.min(1, maxSide / Math.max(mediaWidth, mediaHeight));
  const w = Math.max(1, Math.round(mediaWidth * s));
  const h = Math.max(1, Math.round(mediaHeight * s));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return { width: w, height: h };
}

export function paintOverlay(canvas, buffer, width, height) {
  if (!buffer) return;
  const ctx = canvas.getContext('2d');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(buffer), width, height), 0, 0);
}

// ------------------------------------------------------------ boot
function embeddingOrigin() {
  if (window.parent === window) return null;
  try {
    const a = window.location.ancestorOrigins;
    if (a && a.length) return a[0];
  } catch { /* ignore */ }
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

/**
 * Start the runtime, verify the token, parse the query.
 * @returns {Promise<null | {engine, params, plan, query, raw: URLSearchParams, message: Function}>}
 *   null when the page must stop (the error was posted and shown).
 */
export async function boot({ upload = false, beforeToken = null } = {}) {
  const query = window.location.search.replace(/^\?/, '');
  const raw = new URLSearchParams(query);
  let engine;
  try {
    engine = await startEngine({ inWorker: raw.get('runInWorker') !== 'false', threads: raw.get('threads') });
  } catch (e) {
    // Without the runtime no C can build the message: the one JS-built one.
    const text = `the pose runtime could not start: ${e.message}`;
    post({ type: 'error', timestampMs: 0, code: 'engine_load_failed', error: 'engine_load_failed', message: text, details: {}, fatal: true });
    setLoading(null);
    showStatus(text);
    return null;
  }
  const call = engine.call;
  const message = {
    initialization: (msg, ready, step, timestampMs = 0) => call('initialization', { message: msg, ready, step, timestampMs }),
    environment: (timestampMs = 0) => call('environment', { timestampMs }),
    error: (code, msg, { details = null, fatal = true, timestampMs = 0 } = {}) => call('error', { code, message: msg, details, fatal, timestampMs }),
    exportReady: (fields, timestampMs = 0) => call('exportReady', { fields, timestampMs }),
  };
  if (beforeToken) await beforeToken(message);

  const fail = async (payload, text) => {
    post(payload);
    setLoading(null);
    showStatus(text || payload.message);
    return null;
  };

  // Token (CONTRACT §6): verified here with WebCrypto against the served public keys.
  let plan;
  try {
    let keys = { keys: [] };
    try {
      const r = await fetch('/pose_tracker/keys.json', { cache: 'no-store' });
      if (r.ok) keys = await r.json();
    } catch { /* no keys: no token verifies */ }
    plan = (await verifyToken(raw.get('token'), { keys, origin: embeddingOrigin() })).plan;
  } catch (e) {
    const { code, details } = tokenFailure(e);
    const payload = await message.error(code, TOKEN_ERROR_TEXT, { details });
    return fail(payload, upload ? UPLOAD_TOKEN_TEXT : TOKEN_ERROR_TEXT);
  }

  let params;
  try {
    params = await call('parseQuery', { query, plan });
  } catch (e) {
    if (e.payload) return fail(e.payload);
    return fail(await message.error('invalid_param', e.message));
  }
  applyLayout(params);
  return { engine, params, plan, query, raw, message };
}

/**
 * poseBackend=webgl asked explicitly but the tracker runs on wasm (no WebGL2
 * context, no float render targets): the non-fatal fallback with the
 * engine's reason, then environment (what really runs).
 */
export async function environmentMessages(boot, timestampMs = 0) {
  const out = [];
  const backend = await boot.engine.call('backend');
  if (backend.requested === 'webgl' && backend.using !== 'webgl') {
    out.push(await boot.message.error('backend_fallback_wasm', 'WebGL pose backend is not available here: running on WebAssembly',
      { details: { requested: 'webgl', using: 'wasm', reason: backend.reason }, fatal: false, timestampMs }));
  }
  out.push(await boot.message.environment(timestampMs));
  return out;
}

export async function postEnvironment(boot, timestampMs = 0) {
  for (const m of await environmentMessages(boot, timestampMs)) post(m);
}

/**
 * window.kinetrackMemory(): the runtime's wasm memory, C heap and JS heaps,
 * and how frames reached the C (engine `memory`: RGBA bytes read from wasm
 * memory, frames taken as textures) — for long-session checks and the
 * bench. Read-only for the host.
 */
export function exposeMemory(engine) {
  Object.defineProperty(window, 'kinetrackMemory', {
    configurable: true,
    value: async () => ({
      engine: await engine.call('memory'),
      pageJsHeapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
    }),
  });
}
