// kinetrack tokens: the operator's signing key (Node only; CONTRACT §6).
//
// <repoRoot>/keys/ (gitignored) holds
//   private.jwk.json   the ES256 private key (mode 0600; never leaves this machine)
//   public.jwks.json   the public keys the pages verify against: the current key
//                      first, then earlier keys kept by rotation so tokens they
//                      signed verify until they expire.
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

import { PLANS, base64urlDecode, base64urlEncode, normalizeOrigin } from './verify.mjs';

export const PRIVATE_KEY_FILE = 'private.jwk.json';
export const PUBLIC_KEYS_FILE = 'public.jwks.json';

const { subtle } = globalThis.crypto;
const EC = { name: 'ECDSA', namedCurve: 'P-256' };

/** Where the keys live: <repoRoot>/keys. */
export function keyDir(repoRoot) {
  return path.join(repoRoot, 'keys');
}

/** kid = base64url of the first 8 bytes of SHA-256(x || y) of the public key. */
export async function computeKid({ x, y }) {
  const xb = base64urlDecode(x);
  const yb = base64urlDecode(y);
  if (!xb || !yb || xb.length !== 32 || yb.length !== 32) throw new Error('not a P-256 public key (x and y must be 32 bytes each)');
  const xy = new Uint8Array(64);
  xy.set(xb, 0);
  xy.set(yb, 32);
  const digest = new Uint8Array(await subtle.digest('SHA-256', xy));
  return base64urlEncode(digest.subarray(0, 8));
}

const publicJwk = ({ x, y }, kid) => ({ kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' });

async function exists(file) {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function readJson(file) {
  return JSON.parse(await fs.readFile(file, 'utf8'));
}

// Write through a temporary file + rename so a crash never leaves half a key.
async function writeFileAtomic(file, text, mode) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(text);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

/**
 * Create a new ES256 key pair in `dir`. Refuses (throws, .code 'key_exists')
 * when a private key is already there, unless `force`. With `force` the
 * earlier public keys stay in public.jwks.json (old tokens keep verifying
 * until they expire) unless `keepOld` is false.
 * @returns {Promise<{dir: string, kid: string, privatePath: string, publicPath: string, jwks: {keys: object[]}}>}
 */
export async function generateKeyPair({ dir, force = false, keepOld = true } = {}) {
  if (!dir) throw new TypeError('generateKeyPair: dir is required');
  const privatePath = path.join(dir, PRIVATE_KEY_FILE);
  const publicPath = path.join(dir, PUBLIC_KEYS_FILE);
  if (!force && (await exists(privatePath))) {
    let kid = '';
    try {
      kid = (await readJson(privatePath)).kid ?? '';
    } catch { /* unreadable: still refuse */ }
    const e = new Error(`a signing key already exists in ${dir}${kid ? ` (kid ${kid})` : ''}; use --force to rotate it`);
    e.code = 'key_exists';
    throw e;
  }

  let earlier = [];
  if (keepOld && (await exists(publicPath))) {
    try {
      const jwks = await readJson(publicPath);
      if (Array.isArray(jwks?.keys)) earlier = jwks.keys.filter((k) => k && k.kty === 'EC' && k.crv === 'P-256' && k.kid);
    } catch (err) {
      throw new Error(`cannot read the existing public keys ${publicPath}: ${err.message}`);
    }
  }

  const pair = await subtle.generateKey(EC, true, ['sign', 'verify']);
  const priv = await subtle.exportKey('jwk', pair.privateKey);
  const kid = await computeKid(priv);
  const pub = publicJwk(priv, kid);
  const jwks = { keys: [pub, ...earlier.filter((k) => k.kid !== kid)] };

  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(privatePath, `${JSON.stringify({ ...pub, d: priv.d }, null, 2)}\n`, 0o600);
  await writeFileAtomic(publicPath, `${JSON.stringify(jwks, null, 2)}\n`, 0o644);
  return { dir, kid, privatePath, publicPath, jwks };
}

function noKeyError(dir) {
  const e = new Error(`no signing key in ${dir}: run \`kinetrack keygen\` first`);
  e.code = 'no_key';
  return e;
}

/** The JWKS ({keys:[...]}) the pages verify against. Throws (.code 'no_key') when keygen was never run. */
export function loadPublicKeys(dir) {
  // Synchronous on purpose: servers read it once at start-up.
  let text;
  try {
    text = readFileSync(path.join(dir, PUBLIC_KEYS_FILE), 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') throw noKeyError(dir);
    throw err;
  }
  let jwks;
  try {
    jwks = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path.join(dir, PUBLIC_KEYS_FILE)} is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw noKeyError(dir);
  return jwks;
}

async function loadPrivateKey(dir) {
  let jwk;
  try {
    jwk = await readJson(path.join(dir, PRIVATE_KEY_FILE));
  } catch (err) {
    if (err.code === 'ENOENT') throw noKeyError(dir);
    throw new Error(`cannot read the private key in ${dir}: ${err.message}`);
  }
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.kid) throw new Error(`${path.join(dir, PRIVATE_KEY_FILE)} is not an ES256 private key`);
  const key = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, EC, false, ['sign']);
  return { key, kid: jwk.kid };
}

/** Validate and normalize a list of origins (array or comma-separated string); throws on a bad one. */
export function parseOrigins(origins) {
  if (origins === null || origins === undefined) return null;
  const list = typeof origins === 'string' ? origins.split(',').map((s) => s.trim()).filter(Boolean) : origins;
  if (!Array.isArray(list)) throw new TypeError('origins must be a list of origins');
  return list.map((o) => {
    const n = normalizeOrigin(typeof o === 'string' ? o.trim() : o);
    if (!n) throw new Error(`not an http(s) origin: ${JSON.stringify(o)} (write it as https://host[:port])`);
    return n;
  });
}

/**
 * Sign a token with the key in `dir`.
 * @param {{dir: string, plan: string, sub?: string, days?: number, origins?: string[]|string|null, now?: number}} options
 * @returns {Promise<string>} compact JWT
 */
export async function signToken({ dir, plan, sub = 'kinetrack-user', days = 30, origins = null, now = Date.now() } = {}) {
  if (!dir) throw new TypeError('signToken: dir is required');
  if (!PLANS.includes(plan)) throw new Error(`unknown plan ${JSON.stringify(plan)} (plans: ${PLANS.join(', ')})`);
  if (typeof sub !== 'string' || sub === '') throw new Error('sub must be a non-empty string');
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) throw new Error(`days must be a positive number, not ${JSON.stringify(days)}`);
  const allowed = parseOrigins(origins);
  const { key, kid } = await loadPrivateKey(dir);

  const iat = Math.floor(now / 1000);
  const exp = Math.max(iat + 1, Math.floor(now / 1000 + days * 86400));
  const header = { alg: 'ES256', typ: 'JWT', kid };
  const claims = { plan, sub, iat, exp, ...(allowed ? { origins: allowed } : {}) };
  const signingInput = `${base64urlEncode(JSON.stringify(header))}.${base64urlEncode(JSON.stringify(claims))}`;
  const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64urlEncode(sig)}`;
}
