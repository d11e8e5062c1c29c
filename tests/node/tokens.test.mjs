// Tokens and plans (CONTRACT §6): ES256 keys made by `kinetrack keygen`,
// tokens made by `kinetrack token`, verified with WebCrypto only by the
// isomorphic lib/tokens/verify.mjs. Every key lives in a temp dir.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  PLANS, isDeveloperPlan, verifyToken, base64urlEncode, base64urlDecode, normalizeOrigin,
} from '../../lib/tokens/verify.mjs';
import {
  keyDir, generateKeyPair, signToken, loadPublicKeys, computeKid, PRIVATE_KEY_FILE, PUBLIC_KEYS_FILE,
} from '../../lib/tokens/keys.mjs';
import { keygenCommand, tokenCommand } from '../../lib/tokens/cli.mjs';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-tokens-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => path.join(tmpRoot, `k${++counter}`);

const { subtle } = globalThis.crypto;
const enc = (obj) => base64urlEncode(JSON.stringify(obj));
const partsOf = (token) => token.split('.');
const decodePart = (part) => JSON.parse(new TextDecoder().decode(base64urlDecode(part)));

// Sign arbitrary header/claims with a private JWK from a key dir: the forger's tool.
async function signRaw(dir, header, claims) {
  const jwk = JSON.parse(fs.readFileSync(path.join(dir, PRIVATE_KEY_FILE), 'utf8'));
  const key = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d },
    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const input = `${enc(header)}.${enc(claims)}`;
  const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(input));
  return `${input}.${base64urlEncode(sig)}`;
}

async function rejects(promise, reason, code = 'invalid_token') {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, `code: ${e.message}`);
    if (reason) assert.equal(e.reason, reason, `reason: ${e.message}`);
    return true;
  });
}

function capture() {
  const s = { text: '', write(chunk) { s.text += chunk; return true; } };
  return s;
}

const nowSec = () => Math.floor(Date.now() / 1000);

describe('base64url', () => {
  test('round trip on every length and byte value, strict decoding', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 255);
      const text = base64urlEncode(bytes);
      assert.equal(text, Buffer.from(bytes).toString('base64url'));
      assert.deepEqual(base64urlDecode(text), bytes);
    }
    assert.equal(base64urlDecode('ab+c'), null);
    assert.equal(base64urlDecode('abc='), null);
    assert.equal(base64urlDecode('a'), null);
    assert.equal(base64urlDecode('ab c'), null);
    assert.equal(base64urlDecode('AB'), null, 'non-zero trailing bits');
    assert.deepEqual(base64urlDecode('AA'), new Uint8Array([0]));
  });
});

describe('plans', () => {
  test('the five plans; every one but free is a developer plan', () => {
    assert.deepEqual([...PLANS], ['free', 'developer', 'custom', 'company', 'enterprise']);
    assert.equal(isDeveloperPlan('free'), false);
    for (const p of ['developer', 'custom', 'company', 'enterprise']) assert.equal(isDeveloperPlan(p), true);
    assert.equal(isDeveloperPlan('gold'), false);
    assert.equal(isDeveloperPlan(undefined), false);
  });
});

describe('keys', () => {
  test('keyDir is <repoRoot>/keys', () => {
    assert.equal(keyDir('/srv/kinetrack'), path.join('/srv/kinetrack', 'keys'));
  });

  test('keygen writes a 0600 private key and a one-key JWKS whose kid is derived from x||y', async () => {
    const dir = freshDir();
    const r = await generateKeyPair({ dir });
    const mode = fs.statSync(path.join(dir, PRIVATE_KEY_FILE)).mode & 0o777;
    assert.equal(mode, 0o600, `private key mode ${mode.toString(8)}`);
    const jwks = loadPublicKeys(dir);
    assert.equal(jwks.keys.length, 1);
    const [k] = jwks.keys;
    assert.deepEqual(Object.keys(k).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.equal(k.kty, 'EC'); assert.equal(k.crv, 'P-256'); assert.equal(k.alg, 'ES256'); assert.equal(k.use, 'sig');
    assert.equal(k.d, undefined, 'no private part in the public keys');
    assert.equal(k.kid, r.kid);
    assert.match(k.kid, /^[A-Za-z0-9_-]{11}$/);
    const { createHash } = await import('node:crypto');
    const xy = Buffer.concat([Buffer.from(k.x, 'base64url'), Buffer.from(k.y, 'base64url')]);
    assert.equal(k.kid, createHash('sha256').update(xy).digest().subarray(0, 8).toString('base64url'));
    assert.equal(await computeKid(k), k.kid);
    const priv = JSON.parse(fs.readFileSync(path.join(dir, PRIVATE_KEY_FILE), 'utf8'));
    assert.equal(priv.kid, k.kid);
    assert.ok(priv.d);
  });

  test('keygen refuses to overwrite an existing key without force', async () => {
    const dir = freshDir();
    const first = await generateKeyPair({ dir });
    const before = fs.readFileSync(path.join(dir, PRIVATE_KEY_FILE), 'utf8');
    await assert.rejects(generateKeyPair({ dir }), (e) => e.code === 'key_exists' && /--force/.test(e.message));
    assert.equal(fs.readFileSync(path.join(dir, PRIVATE_KEY_FILE), 'utf8'), before);
    assert.deepEqual(loadPublicKeys(dir).keys.map((k) => k.kid), [first.kid]);
  });

  test('loadPublicKeys and signToken say to run keygen when there is no key', async () => {
    const dir = freshDir();
    assert.throws(() => loadPublicKeys(dir), (e) => e.code === 'no_key' && /kinetrack keygen/.test(e.message));
    await assert.rejects(signToken({ dir, plan: 'free' }), (e) => e.code === 'no_key' && /kinetrack keygen/.test(e.message));
  });

  test('signToken rejects unknown plans, days <= 0 and bad origins', async () => {
    const dir = freshDir();
    await generateKeyPair({ dir });
    await assert.rejects(signToken({ dir, plan: 'gold' }), /unknown plan/);
    await assert.rejects(signToken({ dir, plan: 'free', days: 0 }), /days/);
    await assert.rejects(signToken({ dir, plan: 'free', days: -3 }), /days/);
    await assert.rejects(signToken({ dir, plan: 'free', days: NaN }), /days/);
    await assert.rejects(signToken({ dir, plan: 'free', origins: ['ftp://x.example'] }), /origin/);
    await assert.rejects(signToken({ dir, plan: 'free', origins: ['https://x.example/path'] }), /origin/);
  });
});

describe('verifyToken', () => {
  const dir = freshDir();
  const otherDir = freshDir();
  let jwks;
  let kid;
  test('setup: two unrelated key pairs', async () => {
    kid = (await generateKeyPair({ dir })).kid;
    await generateKeyPair({ dir: otherDir });
    jwks = loadPublicKeys(dir);
  });

  test('round trip for every plan', async () => {
    for (const plan of PLANS) {
      const token = await signToken({ dir, plan, sub: `user-${plan}`, days: 7 });
      const [h, p] = partsOf(token).map((s, i) => (i < 2 ? decodePart(s) : s));
      assert.deepEqual(h, { alg: 'ES256', typ: 'JWT', kid });
      assert.equal(p.exp - p.iat, 7 * 86400);
      const r = await verifyToken(token, { keys: jwks });
      assert.equal(r.plan, plan);
      assert.equal(r.sub, `user-${plan}`);
      assert.equal(r.exp, p.exp);
      assert.equal(r.origins, null);
      assert.equal(partsOf(token)[2].length, 86, '64-byte raw r||s signature');
    }
  });

  test('defaults: sub kinetrack-user, 30 days', async () => {
    const now = Date.UTC(2030, 0, 1);
    const r = await verifyToken(await signToken({ dir, plan: 'free', now }), { keys: jwks, now: now + 1000 });
    assert.equal(r.sub, 'kinetrack-user');
    assert.equal(r.exp, now / 1000 + 30 * 86400);
    assert.equal(r.iat, now / 1000);
  });

  test('payload changed from free to developer under the original signature → bad_signature', async () => {
    const token = await signToken({ dir, plan: 'free' });
    const [h, p, s] = partsOf(token);
    const claims = decodePart(p);
    assert.equal(claims.plan, 'free');
    const forged = `${h}.${enc({ ...claims, plan: 'developer' })}.${s}`;
    await rejects(verifyToken(forged, { keys: jwks }), 'bad_signature');
  });

  test('one signature byte changed → bad_signature; wrong signature length → bad_signature', async () => {
    const token = await signToken({ dir, plan: 'developer' });
    const [h, p, s] = partsOf(token);
    const sig = base64urlDecode(s);
    for (const i of [0, 31, 32, 63]) {
      const bad = sig.slice();
      bad[i] ^= 0x01;
      await rejects(verifyToken(`${h}.${p}.${base64urlEncode(bad)}`, { keys: jwks }), 'bad_signature');
    }
    await rejects(verifyToken(`${h}.${p}.${base64urlEncode(sig.subarray(0, 63))}`, { keys: jwks }), 'bad_signature');
    await rejects(verifyToken(`${h}.${p}.`, { keys: jwks }), 'bad_signature');
    // A DER-encoded signature is not what JWS ES256 carries.
    await rejects(verifyToken(`${h}.${p}.${base64urlEncode(new Uint8Array(72))}`, { keys: jwks }), 'bad_signature');
  });

  test('expired → expired; exactly at exp is expired too; before exp is fine', async () => {
    const now = Date.UTC(2030, 5, 1);
    const token = await signToken({ dir, plan: 'developer', days: 1, now });
    await verifyToken(token, { keys: jwks, now: now + 86400e3 - 1 });
    await rejects(verifyToken(token, { keys: jwks, now: now + 86400e3 }), 'expired');
    const old = await signRaw(dir, { alg: 'ES256', typ: 'JWT', kid }, { plan: 'free', sub: 'x', iat: nowSec() - 100, exp: nowSec() - 10 });
    await rejects(verifyToken(old, { keys: jwks }), 'expired');
  });

  test('signed by another key pair → unknown_key; with the kid forged to match → bad_signature', async () => {
    const foreign = await signToken({ dir: otherDir, plan: 'enterprise' });
    await rejects(verifyToken(foreign, { keys: jwks }), 'unknown_key');
    const forged = await signRaw(otherDir, { alg: 'ES256', typ: 'JWT', kid }, { plan: 'enterprise', sub: 'mallory', exp: nowSec() + 3600 });
    await rejects(verifyToken(forged, { keys: jwks }), 'bad_signature');
    // No kid at all, or no keys configured: unknown_key, never "trust the only key".
    const noKid = await signRaw(dir, { alg: 'ES256', typ: 'JWT' }, { plan: 'free', sub: 'x', exp: nowSec() + 3600 });
    await rejects(verifyToken(noKid, { keys: jwks }), 'unknown_key');
    const fine = await signToken({ dir, plan: 'free' });
    await rejects(verifyToken(fine, { keys: { keys: [] } }), 'unknown_key');
    await rejects(verifyToken(fine, { keys: undefined }), 'unknown_key');
  });

  test("alg 'none', 'HS256' and others → wrong_algorithm, never trusted", async () => {
    const claims = { plan: 'enterprise', sub: 'mallory', iat: nowSec(), exp: nowSec() + 3600 };
    for (const alg of ['none', 'None', 'NONE']) {
      await rejects(verifyToken(`${enc({ alg, typ: 'JWT', kid })}.${enc(claims)}.`, { keys: jwks }), 'wrong_algorithm');
    }
    // HS256 keyed with the public key (the classic algorithm-confusion forgery).
    const input = `${enc({ alg: 'HS256', typ: 'JWT', kid })}.${enc(claims)}`;
    const hkey = await subtle.importKey('raw', new TextEncoder().encode(JSON.stringify(jwks.keys[0])), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = await subtle.sign('HMAC', hkey, new TextEncoder().encode(input));
    await rejects(verifyToken(`${input}.${base64urlEncode(mac)}`, { keys: jwks }), 'wrong_algorithm');
    // A genuine ES256 signature under a header that claims another alg is still refused.
    for (const alg of ['ES384', 'RS256', 'es256', undefined]) {
      const t = await signRaw(dir, { alg, typ: 'JWT', kid }, claims);
      await rejects(verifyToken(t, { keys: jwks }), 'wrong_algorithm');
    }
  });

  test('malformed strings → malformed; empty → missing_token', async () => {
    const good = await signToken({ dir, plan: 'free' });
    const [h, p, s] = partsOf(good);
    const cases = [
      `${h}.${p}`, // 2 parts
      `${h}.${p}.${s}.${s}`, // 4 parts
      'abc',
      `${h}!.${p}.${s}`, // bad base64
      `${h}.${p}=.${s}`, // padding
      `${h}.${p}.${s}+`, // bad base64 in the signature
      `${base64urlEncode('not json')}.${p}.${s}`,
      `${h}.${base64urlEncode('{"plan":')}.${s}`,
      `${base64urlEncode('[1,2]')}.${p}.${s}`, // JSON, not an object
      `${h}.${base64urlEncode('null')}.${s}`,
      `${base64urlEncode(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]))}.${p}.${s}`, // not UTF-8
      '..',
      'x'.repeat(9000),
    ];
    for (const t of cases) await rejects(verifyToken(t, { keys: jwks }), 'malformed');
    await rejects(verifyToken(42, { keys: jwks }), 'malformed');
    for (const t of ['', undefined, null]) await rejects(verifyToken(t, { keys: jwks }), undefined, 'missing_token');
  });

  test('signed but incomplete or wrong claims: missing exp → malformed, unknown plan → bad_plan', async () => {
    const header = { alg: 'ES256', typ: 'JWT', kid };
    const exp = nowSec() + 3600;
    await rejects(verifyToken(await signRaw(dir, header, { plan: 'free', sub: 'x' }), { keys: jwks }), 'malformed');
    await rejects(verifyToken(await signRaw(dir, header, { plan: 'free', sub: 'x', exp: '9999999999' }), { keys: jwks }), 'malformed');
    await rejects(verifyToken(await signRaw(dir, header, { plan: 'free', exp }), { keys: jwks }), 'malformed');
    await rejects(verifyToken(await signRaw(dir, header, { plan: 'free', sub: 'x', exp, origins: 'https://a.example' }), { keys: jwks }), 'malformed');
    await rejects(verifyToken(await signRaw(dir, { ...header, typ: 'JOSE+JSON' }, { plan: 'free', sub: 'x', exp }), { keys: jwks }), 'malformed');
    await rejects(verifyToken(await signRaw(dir, { ...header, crit: ['b64'], b64: false }, { plan: 'free', sub: 'x', exp }), { keys: jwks }), 'malformed');
    for (const plan of ['gold', 'Free', '', undefined, 7]) {
      await rejects(verifyToken(await signRaw(dir, header, { plan, sub: 'x', exp }), { keys: jwks }), 'bad_plan');
    }
    await rejects(verifyToken(await signRaw(dir, header, { plan: 'free', sub: 'x', exp, nbf: exp - 60 }), { keys: jwks }), 'not_yet_valid');
    // typ may be left out.
    const r = await verifyToken(await signRaw(dir, { alg: 'ES256', kid }, { plan: 'custom', sub: 'x', exp }), { keys: jwks });
    assert.equal(r.plan, 'custom');
  });

  test('origins list enforced when the page knows its embedding origin', async () => {
    const token = await signToken({ dir, plan: 'developer', origins: ['https://App.Example.com/', 'http://localhost:8080'] });
    const r = await verifyToken(token, { keys: jwks });
    assert.deepEqual(r.origins, ['https://app.example.com', 'http://localhost:8080']);
    assert.equal((await verifyToken(token, { keys: jwks, origin: 'https://app.example.com' })).plan, 'developer');
    assert.equal((await verifyToken(token, { keys: jwks, origin: 'https://APP.example.com:443' })).plan, 'developer');
    assert.equal((await verifyToken(token, { keys: jwks, origin: 'http://localhost:8080' })).plan, 'developer');
    for (const origin of ['https://evil.example.com', 'http://app.example.com', 'https://app.example.com:8443',
      'http://localhost:8081', 'https://app.example.com.evil.com', 'null', '', 'not a url']) {
      await rejects(verifyToken(token, { keys: jwks, origin }), 'origin_not_allowed');
    }
    // Without an origins claim any embedding origin is fine.
    const open = await signToken({ dir, plan: 'developer' });
    assert.equal((await verifyToken(open, { keys: jwks, origin: 'https://anyone.example' })).plan, 'developer');
    assert.equal(normalizeOrigin('https://a.example/'), 'https://a.example');
    assert.equal(normalizeOrigin('javascript:alert(1)'), null);
  });

  test('accepts a bare array of JWKs as keys, and tokens from the same signer across calls', async () => {
    const token = await signToken({ dir, plan: 'company' });
    assert.equal((await verifyToken(token, { keys: jwks.keys })).plan, 'company');
  });
});

describe('key rotation', () => {
  test('force-rotating keeps old public keys so old tokens verify; --revoke-old drops them', async () => {
    const dir = freshDir();
    const first = await generateKeyPair({ dir });
    const oldToken = await signToken({ dir, plan: 'developer' });
    const second = await generateKeyPair({ dir, force: true });
    assert.notEqual(first.kid, second.kid);
    const jwks = loadPublicKeys(dir);
    assert.deepEqual(jwks.keys.map((k) => k.kid), [second.kid, first.kid], 'current key first');
    const newToken = await signToken({ dir, plan: 'free' });
    assert.equal(decodePart(partsOf(newToken)[0]).kid, second.kid);
    assert.equal((await verifyToken(oldToken, { keys: jwks })).plan, 'developer');
    assert.equal((await verifyToken(newToken, { keys: jwks })).plan, 'free');
    assert.equal(fs.statSync(path.join(dir, PRIVATE_KEY_FILE)).mode & 0o777, 0o600, 'still 0600 after rotation');

    const third = await generateKeyPair({ dir, force: true });
    assert.deepEqual(loadPublicKeys(dir).keys.map((k) => k.kid), [third.kid, second.kid, first.kid]);

    const fourth = await generateKeyPair({ dir, force: true, keepOld: false });
    const only = loadPublicKeys(dir);
    assert.deepEqual(only.keys.map((k) => k.kid), [fourth.kid]);
    await rejects(verifyToken(oldToken, { keys: only }), 'unknown_key');
    assert.deepEqual(fs.readdirSync(dir).sort(), [PRIVATE_KEY_FILE, PUBLIC_KEYS_FILE].sort(), 'no temp files left');
  });
});

describe('CLI: keygen and token', () => {
  test('keygen prints the paths and kid; refuses a second run without --force (exit 1)', async () => {
    const repoRoot = freshDir();
    fs.mkdirSync(repoRoot);
    const out = capture(); const err = capture();
    assert.equal(await keygenCommand([], { repoRoot, stdout: out, stderr: err }), 0, err.text);
    const { kid } = loadPublicKeys(keyDir(repoRoot)).keys[0];
    assert.match(out.text, new RegExp(`signing key ${kid}`));
    assert.ok(out.text.includes(path.join(repoRoot, 'keys', PRIVATE_KEY_FILE)));
    assert.ok(out.text.includes(path.join(repoRoot, 'keys', PUBLIC_KEYS_FILE)));
    assert.equal(fs.statSync(path.join(repoRoot, 'keys', PRIVATE_KEY_FILE)).mode & 0o777, 0o600);

    const out2 = capture(); const err2 = capture();
    assert.equal(await keygenCommand([], { repoRoot, stdout: out2, stderr: err2 }), 1);
    assert.equal(out2.text, '');
    assert.match(err2.text, /already exists.*--force/);

    const out3 = capture();
    assert.equal(await keygenCommand(['--if-missing'], { repoRoot, stdout: out3, stderr: capture() }), 0);
    assert.match(out3.text, new RegExp(kid));
    assert.equal(loadPublicKeys(keyDir(repoRoot)).keys.length, 1);

    const out4 = capture();
    assert.equal(await keygenCommand(['--force'], { repoRoot, stdout: out4, stderr: capture() }), 0);
    assert.match(out4.text, /1 earlier key kept/);
    assert.equal(loadPublicKeys(keyDir(repoRoot)).keys.length, 2);
  });

  test('keygen usage errors exit 2', async () => {
    for (const argv of [['--bogus'], ['--dir'], ['extra'], ['--revoke-old'], ['--force=yes']]) {
      const out = capture(); const err = capture();
      assert.equal(await keygenCommand(argv, { repoRoot: freshDir(), stdout: out, stderr: err }), 2, argv.join(' '));
      assert.match(err.text, /usage: kinetrack keygen/);
      assert.equal(out.text, '');
    }
  });

  test('token prints one line, a token that verifies with the chosen plan, sub, days and origins', async () => {
    const dir = freshDir();
    assert.equal(await keygenCommand(['--dir', dir], { repoRoot: '/nonexistent', stdout: capture(), stderr: capture() }), 0);
    const jwks = loadPublicKeys(dir);
    for (const plan of PLANS) {
      const out = capture(); const err = capture();
      const code = await tokenCommand(['--plan', plan, '--sub', 'alice', '--days', '2', '--origins', 'https://a.example,http://localhost:3000', '--dir', dir],
        { repoRoot: '/nonexistent', stdout: out, stderr: err });
      assert.equal(code, 0, err.text);
      assert.equal(err.text, '');
      assert.match(out.text, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
      const r = await verifyToken(out.text.trim(), { keys: jwks, origin: 'https://a.example' });
      assert.equal(r.plan, plan);
      assert.equal(r.sub, 'alice');
      assert.ok(Math.abs(r.exp - (nowSec() + 2 * 86400)) <= 5);
      assert.deepEqual(r.origins, ['https://a.example', 'http://localhost:3000']);
    }
    const out = capture();
    assert.equal(await tokenCommand([`--plan=free`, `--dir=${dir}`], { stdout: out, stderr: capture() }), 0);
    const r = await verifyToken(out.text.trim(), { keys: jwks, origin: 'https://whoever.example' });
    assert.equal(r.sub, 'kinetrack-user');
    assert.equal(r.origins, null);
    assert.ok(Math.abs(r.exp - (nowSec() + 30 * 86400)) <= 5);
  });

  test('token usage errors exit 2 with the message on stderr; no key exits 1', async () => {
    const dir = freshDir();
    await generateKeyPair({ dir });
    const bad = [
      [], ['--plan'], ['--plan', 'gold'], ['--plan', 'free', '--days', '0'], ['--plan', 'free', '--days', '-1'],
      ['--plan', 'free', '--days', 'soon'], ['--plan', 'free', '--origins', 'ftp://x'], ['--plan', 'free', '--origins', ','],
      ['--plan', 'free', '--sub', ''], ['--plan', 'free', '--bogus', '1'], ['--plan', 'free', 'extra'],
    ];
    for (const argv of bad) {
      const out = capture(); const err = capture();
      assert.equal(await tokenCommand([...argv, '--dir', dir], { stdout: out, stderr: err }), 2, argv.join(' '));
      assert.equal(out.text, '', argv.join(' '));
      assert.match(err.text, /kinetrack token: .*\nusage: kinetrack token/, argv.join(' '));
    }
    const out = capture(); const err = capture();
    assert.equal(await tokenCommand(['--plan', 'free', '--dir', freshDir()], { stdout: out, stderr: err }), 1);
    assert.equal(out.text, '');
    assert.match(err.text, /run `kinetrack keygen` first/);
    const help = capture();
    assert.equal(await tokenCommand(['--help'], { stdout: help, stderr: capture() }), 0);
    assert.match(help.text, /usage: kinetrack token --plan/);
  });
});
