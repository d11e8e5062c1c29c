// kinetrack tokens: verification (CONTRACT §6). Isomorphic: this module runs
// unchanged in the pages (browsers, secure contexts) and in Node >= 20. It
// uses only globalThis.crypto.subtle, TextEncoder/TextDecoder and its own
// base64url code; no node: imports.
//
// A token is a compact JWS (JWT) signed with ES256 (ECDSA P-256 + SHA-256,
// signature = raw r||s, 64 bytes). Header {alg:'ES256', typ:'JWT', kid};
// claims {plan, sub, exp, iat, origins?}.

// The reference's text for a missing or invalid token (posetracker-reference
// §4.3), posted by the pages and by the Node API alike.
export const TOKEN_ERROR_TEXT = 'Invalid params. Please refer to the documentation and set token=YOUR API_KEY et exercise=A correct exercise. (visit: https://posetracker.gitbook.io/posetracker-api/tracking-endpoint)';

/** The `error` message fields for a failed verifyToken: { code, details }. */
export function tokenFailure(e) {
  const code = e && e.code === 'missing_token' ? 'missing_token' : 'invalid_token';
  return { code, details: { reason: (e && e.reason) || code } };
}

export const PLANS = Object.freeze(['free', 'developer', 'custom', 'company', 'enterprise']);

/** true for every paid plan (anything but free), false for free and unknown plans. */
export function isDeveloperPlan(plan) {
  return plan !== 'free' && PLANS.includes(plan);
}

export const TOKEN_REASONS = Object.freeze([
  'malformed', 'bad_signature', 'expired', 'not_yet_valid', 'unknown_key', 'wrong_algorithm', 'bad_plan', 'origin_not_allowed',
]);

const REASON_TEXT = {
  malformed: 'the token is not a well-formed ES256 JWT',
  bad_signature: 'the token signature does not verify',
  expired: 'the token has expired',
  not_yet_valid: 'the token is not valid yet',
  unknown_key: 'the token was signed by a key this server does not know',
  wrong_algorithm: 'the token is not signed with ES256',
  bad_plan: 'the token names an unknown plan',
  origin_not_allowed: 'the token does not allow this page to be embedded by this origin',
};

/** Error thrown by verifyToken: .code is 'invalid_token' (or 'missing_token'), .reason one of TOKEN_REASONS. */
export class TokenError extends Error {
  constructor(code, reason, detail) {
    super(code === 'missing_token' ? 'no token was given' : `invalid token: ${REASON_TEXT[reason] ?? reason}${detail ? ` (${detail})` : ''}`);
    this.name = 'TokenError';
    this.code = code;
    this.reason = reason;
  }
}

const invalid = (reason, detail) => new TokenError('invalid_token', reason, detail);

// ---------------------------------------------------------------- base64url

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_VALUE[B64URL.charCodeAt(i)] = i;

/** bytes (Uint8Array / ArrayBuffer) or a string (UTF-8) → unpadded base64url. */
export function base64urlEncode(input) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input)
    : input instanceof Uint8Array ? input : new Uint8Array(input);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63] + B64URL[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63];
  }
  return out;
}

/**
 * Strict unpadded base64url → Uint8Array. Returns null on any character
 * outside the alphabet, on padding, on an impossible length, or on non-zero
 * trailing bits (so every byte string has exactly one accepted encoding).
 */
export function base64urlDecode(text) {
  if (typeof text !== 'string' || text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64URL_VALUE[c] : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

function decodeJsonPart(part) {
  const bytes = base64urlDecode(part);
  if (!bytes) return undefined;
  let value;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

// ---------------------------------------------------------------- origins

/** "https://App.Example.com:443/" → "https://app.example.com"; null when not an http(s) origin. */
export function normalizeOrigin(origin) {
  if (typeof origin !== 'string' || origin === '' || origin === 'null') return null;
  let url;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return null;
  return url.origin;
}

// ---------------------------------------------------------------- keys

const MAX_TOKEN_LENGTH = 8192;
const importedKeys = new Map(); // "x.y" → Promise<CryptoKey>

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available: pages must be served over https or from localhost');
  return s;
}

function isUsableJwk(k) {
  return k && typeof k === 'object' && k.kty === 'EC' && k.crv === 'P-256'
    && typeof k.x === 'string' && typeof k.y === 'string'
    && (k.alg === undefined || k.alg === 'ES256') && (k.use === undefined || k.use === 'sig');
}

function importPublicKey(jwk) {
  const id = `${jwk.x}.${jwk.y}`;
  let p = importedKeys.get(id);
  if (!p) {
    p = subtle().importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    p.catch(() => importedKeys.delete(id));
    importedKeys.set(id, p);
  }
  return p;
}

// ---------------------------------------------------------------- verify

/**
 * Verify a kinetrack token.
 * @param {string} token compact JWT
 * @param {{keys: {keys: object[]} | object[], now?: number, origin?: string|null}} options
 *   keys: the JWKS (public keys served with the pages); now: ms since epoch;
 *   origin: the origin embedding the page (checked only when the token lists origins).
 * @returns {Promise<{plan: string, sub: string, exp: number, iat: number|null, origins: string[]|null, kid: string}>}
 * @throws {TokenError} code 'missing_token' or 'invalid_token' with .reason
 */
export async function verifyToken(token, { keys, now = Date.now(), origin = null } = {}) {
  if (token === undefined || token === null || token === '') throw new TokenError('missing_token', 'missing');
  if (typeof token !== 'string') throw invalid('malformed', 'not a string');
  if (token.length > MAX_TOKEN_LENGTH) throw invalid('malformed', 'too long');

  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('malformed', `${parts.length} parts instead of 3`);
  const [h64, p64, s64] = parts;
  const header = decodeJsonPart(h64);
  if (!header) throw invalid('malformed', 'header is not base64url JSON');
  const claims = decodeJsonPart(p64);
  if (!claims) throw invalid('malformed', 'payload is not base64url JSON');
  const signature = base64urlDecode(s64);
  if (!signature) throw invalid('malformed', 'signature is not base64url');

  // The algorithm is fixed: whatever the header says, only ES256 is trusted.
  if (header.alg !== 'ES256') throw invalid('wrong_algorithm', `alg ${JSON.stringify(header.alg)}`);
  if (header.typ !== undefined && header.typ !== 'JWT') throw invalid('malformed', `typ ${JSON.stringify(header.typ)}`);
  if (header.crit !== undefined) throw invalid('malformed', 'unsupported critical header parameters');

  const list = Array.isArray(keys) ? keys : keys?.keys;
  if (!Array.isArray(list) || list.length === 0) throw invalid('unknown_key', 'no public keys are configured');
  if (typeof header.kid !== 'string' || header.kid === '') throw invalid('unknown_key', 'the token names no key');
  const jwk = list.find((k) => isUsableJwk(k) && k.kid === header.kid);
  if (!jwk) throw invalid('unknown_key', `kid ${header.kid}`);

  if (signature.length !== 64) throw invalid('bad_signature', `signature is ${signature.length} bytes, ES256 needs 64`);
  let ok = false;
  try {
    const key = await importPublicKey(jwk);
    ok = await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature,
      new TextEncoder().encode(`${h64}.${p64}`));
  } catch {
    ok = false;
  }
  if (!ok) throw invalid('bad_signature');

  // Signed claims: checked only once we know who wrote them.
  const { plan, sub, exp, iat, nbf, origins } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid('malformed', 'exp is missing or not a number');
  if (typeof sub !== 'string') throw invalid('malformed', 'sub is missing or not a string');
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw invalid('malformed', 'iat is not a number');
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) throw invalid('malformed', 'nbf is not a number');
  if (origins !== undefined && origins !== null
    && (!Array.isArray(origins) || !origins.every((o) => typeof o === 'string'))) throw invalid('malformed', 'origins is not a list of strings');
  if (typeof plan !== 'string' || !PLANS.includes(plan)) throw invalid('bad_plan', `plan ${JSON.stringify(plan)}`);
  if (now >= exp * 1000) throw invalid('expired', `expired ${new Date(exp * 1000).toISOString()}`);
  if (nbf !== undefined && now < nbf * 1000) throw invalid('not_yet_valid', `valid from ${new Date(nbf * 1000).toISOString()}`);

  const allowed = Array.isArray(origins) ? origins.map((o) => normalizeOrigin(o) ?? o) : null;
  if (allowed && origin !== null && origin !== undefined) {
    const o = normalizeOrigin(origin);
    if (o === null || !allowed.includes(o)) throw invalid('origin_not_allowed', `origin ${String(origin)}`);
  }
  return { plan, sub, exp, iat: iat ?? null, origins: allowed, kid: header.kid };
}
