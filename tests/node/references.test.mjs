// references.test.mjs — reference movements end to end: `kinetrack
// reference create` on a labelled clip (the clearest repetition found),
// then `analyze --references` counting that clip, another person's clip
// of the same exercise, and other exercises; the scores; the errors a host
// sees (unknown uuid, unreadable signature, exercise + reference); the
// signature file and its schema; list/show/delete; and the builder page
// in chromium giving the signature the CLI gives for the same poses.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createTracker } from '../../lib/index.mjs';
import { startServer } from '../../lib/serve.mjs';
import { generateKeyPair, signToken } from '../../lib/tokens/keys.mjs';
import { analyzeWithCli, haveChromium, launchChromium, messagesOf, recordMessages, waitForMessages } from '../helpers/browser.mjs';
import { runKinetrack } from '../helpers/cli.mjs';
import { MEDIA_DIR, repoRoot } from '../helpers/datasets.mjs';
import { validateAll, validateSignature } from '../helpers/schemas.mjs';

const clip = (name) => path.join(MEDIA_DIR, 'clips', `${name}.mp4`);
const labels = JSON.parse(fs.readFileSync(path.join(MEDIA_DIR, 'labels.json'), 'utf8'));
const label = (name) => labels.clips.find((c) => c.file === `clips/${name}.mp4`);

const finalCount = (ms) => ms.find((m) => m.type === 'counter' && m.final)?.current_count;
const repScores = (ms) => ms.filter((m) => m.type === 'counter' && m.reference_score).map((m) => m.reference_score.overallScore);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('reference movements', () => {
  let tmp;
  let dir;
  let squatId;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-references-'));
    dir = path.join(tmp, 'references');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('create: the clearest repetition of a clip, written as <uuid>.json, valid against the schema', () => {
    const r = runKinetrack(['reference', 'create', clip('squat_side_3'), '--name', 'side squat', '--dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    squatId = r.stdout.trim();
    assert.match(squatId, /^[0-9a-f-]{36}$/);
    assert.match(r.stderr, /span \d+\.\d+-\d+\.\d+ s \(the clearest repetition found\)/);
    const sig = validateSignature(JSON.parse(fs.readFileSync(path.join(dir, `${squatId}.json`), 'utf8')));
    assert.equal(sig.version, 1);
    assert.equal(sig.name, 'side squat');
    assert.equal(sig.model, 'movenet-lightning');
    assert.equal(sig.source.span, 'found');
    // one squat: at least a second, at most the clip's longest rep
    assert.ok(sig.durationMs >= 1000 && sig.durationMs <= 5000, `${sig.durationMs} ms`);
    const moving = sig.features.filter((f) => f.moving).map((f) => f.name);
    assert.ok(moving.includes('left_knee_angle') || moving.includes('right_knee_angle'), moving.join());
    const list = runKinetrack(['reference', 'list', '--dir', dir]);
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`${squatId}  side squat  movenet-lightning`));
  });

  test('counting: the clip itself, another person\'s squats, not other exercises; same-movement reps score higher', async () => {
    const q = `reference=${squatId}`;
    const [self, other, jacks, plank, deadlift] = await Promise.all([
      analyzeWithCli(clip('squat_side_3'), q, ['--references', dir]),
      analyzeWithCli(clip('squat_side_fast_8'), q, ['--references', dir]),
      analyzeWithCli(clip('jumping_jack_front_10'), q, ['--references', dir]),
      analyzeWithCli(clip('plank_side_hold'), q, ['--references', dir]),
      analyzeWithCli(clip('deadlift_behind_5'), q, ['--references', dir]),
    ]);
    for (const r of [self, other, jacks, plank, deadlift]) {
      assert.equal(r.code, 0, r.stderr);
      validateAll(r.messages);
    }
    const inRange = (name, n) => {
      const [lo, hi] = label(name).accept;
      assert.ok(n >= lo && n <= hi, `${name}: ${n} reps, accept ${lo}-${hi}`);
    };
    inRange('squat_side_3', finalCount(self.messages));
    inRange('squat_side_fast_8', finalCount(other.messages));
    assert.ok(finalCount(jacks.messages) <= 1, `jumping jacks counted ${finalCount(jacks.messages)}`);
    assert.ok(finalCount(plank.messages) <= 1, `plank counted ${finalCount(plank.messages)}`);
    assert.ok(finalCount(deadlift.messages) <= 1, `deadlifts counted ${finalCount(deadlift.messages)}`);
    // Every counted rep carries both score shapes; form_score mirrors overallScore.
    for (const m of self.messages.filter((x) => x.type === 'counter' && !x.final)) {
      assert.ok(m.reference_score, 'reference_score on every counted rep');
      assert.ok(Math.abs(m.form_score.score - m.reference_score.overallScore * 100) < 0.1);
    }
    const summary = self.messages.find((m) => m.type === 'exercise_summary');
    assert.equal(summary.exercise, squatId);
    assert.equal(summary.reference.id, squatId);
    assert.ok(summary.history.every((h) => typeof h.referenceScore === 'number'));
    assert.ok(Math.abs(summary.avg_similarity - mean(repScores(self.messages))) < 0.002);
    // The same person's reps against another exercise's near-misses.
    const near = [...repScores(jacks.messages), ...repScores(plank.messages), ...repScores(deadlift.messages)];
    if (near.length) assert.ok(Math.min(...repScores(self.messages)) > Math.max(...near), `self ${repScores(self.messages)} vs others ${near}`);
    assert.ok(mean(repScores(self.messages)) > 0.8, `self scores ${repScores(self.messages)}`);
  });

  test('errors: unknown uuid (fatal), unreadable signature, exercise + reference', async () => {
    await assert.rejects(createTracker({ query: 'reference=no-such-ref', references: dir }), (e) => {
      assert.equal(e.code, 'reference_not_found');
      assert.equal(e.payload.type, 'error');
      assert.equal(e.payload.fatal, true);
      assert.equal(e.payload.message, "Reference movement 'no-such-ref' was not found");
      return true;
    });
    fs.writeFileSync(path.join(dir, 'broken.json'), JSON.stringify({ format: 'kinetrack-reference-signature', version: 2 }));
    await assert.rejects(createTracker({ query: 'reference=broken', references: dir }), (e) => {
      assert.equal(e.code, 'invalid_reference');
      assert.equal(e.payload.code, 'invalid_reference');
      assert.match(e.payload.message, /version: 2 is not supported/);
      return true;
    });
    fs.writeFileSync(path.join(dir, 'garbage.json'), '{"format": [');
    await assert.rejects(createTracker({ query: 'reference=garbage', references: dir }), (e) => e.code === 'invalid_reference');
    await assert.rejects(createTracker({ query: `exercise=squat&reference=${squatId}`, references: dir }), (e) => {
      assert.equal(e.payload.message, 'You cannot combine reference & exercise. Please check the documentation.');
      return true;
    });
    // show / delete
    const show = runKinetrack(['reference', 'show', squatId, '--dir', dir]);
    assert.equal(show.code, 0);
    assert.equal(JSON.parse(show.stdout).id, squatId);
    assert.equal(runKinetrack(['reference', 'delete', 'garbage', '--dir', dir]).code, 0);
    assert.ok(!fs.existsSync(path.join(dir, 'garbage.json')));
    assert.equal(runKinetrack(['reference', 'delete', 'garbage', '--dir', dir]).code, 1);
    const traversal = runKinetrack(['reference', 'show', '../etc', '--dir', dir]);
    assert.equal(traversal.code, 1);
    assert.match(traversal.stderr, /not a reference id/);
  });

  test('builder page: the span\'s signature equals the CLI\'s for the same poses; the upload page counts with it', { skip: !haveChromium() && 'no chromium' }, async () => {
    const keysDir = path.join(tmp, 'keys');
    await generateKeyPair({ dir: keysDir });
    const token = await signToken({ dir: keysDir, plan: 'developer' });
    const server = await startServer({ port: 0, repoRoot, keysDir, referencesDir: dir });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await recordMessages(page);
      await page.goto(`${server.url}/pose_tracker/reference_builder?token=${token}&keypoints=true`);
      await page.waitForSelector('#kt-builder-panel:not([hidden])');
      await page.setInputFiles('#kt-file', clip('squat_side_3'));
      await waitForMessages(page, (ms) => ms.some((m) => m.type === 'initialization' && m.ready && /video loaded/.test(m.message)), { timeoutMs: 30000 });
      await page.fill('#kt-start', '4.0');
      await page.fill('#kt-end', '6.9');
      await page.click('#kt-build');
      const ms = await waitForMessages(page, (x) => x.some((m) => m.type === 'reference_signature' || (m.type === 'error')), { timeoutMs: 180000 });
      assert.deepEqual(errors, []);
      const built = ms.find((m) => m.type === 'reference_signature');
      assert.ok(built, JSON.stringify(ms.filter((m) => m.type === 'error')));
      validateAll(ms);
      validateSignature(built.signature);
      assert.equal(built.startMs, 4000);
      assert.equal(built.endMs, 6900);
      assert.equal(await page.locator('#kt-download').getAttribute('download'), `${built.id}.json`);
      // The CLI from the poses the page posted: the same C, the same signature.
      const kps = ms.filter((m) => m.type === 'keypoints');
      assert.equal(kps.length, Math.floor(2.9 * 30 + 1e-9) + 1);
      const file = path.join(tmp, 'page-keypoints.jsonl');
      fs.writeFileSync(file, kps.map((m) => JSON.stringify(m)).join('\n') + '\n');
      const cli = runKinetrack(['reference', 'create', '--keypoints', file, '--width', '960', '--height', '544', '--start', '4', '--end', '6.9', '--dir', path.join(tmp, 'cli'), '--id', built.id, '--name', built.name]);
      assert.equal(cli.code, 0, cli.stderr);
      const fromCli = JSON.parse(fs.readFileSync(path.join(tmp, 'cli', `${built.id}.json`), 'utf8'));
      assert.deepEqual(fromCli.features.map((f) => [f.name, f.moving]), built.signature.features.map((f) => [f.name, f.moving]));
      assert.equal(fromCli.samples.length, built.signature.samples.length);
      let worst = 0;
      fromCli.samples.forEach((row, k) => row.forEach((v, j) => {
        const w = built.signature.samples[k][j];
        assert.equal(v === null, w === null);
        if (v !== null) worst = Math.max(worst, Math.abs(v - w));
      }));
      assert.ok(worst <= 1e-6, `features differ by ${worst}`);
      // The upload page with reference=<uuid>, the signature from the server.
      const up = await context.newPage();
      await recordMessages(up);
      await up.goto(`${server.url}/pose_tracker/upload_tracking?token=${token}&reference=${squatId}`);
      await up.waitForSelector('#kt-upload-button', { state: 'visible', timeout: 60000 });
      await up.setInputFiles('#kt-file', clip('squat_side_3'));
      const upMs = await waitForMessages(up, (x) => x.some((m) => m.type === 'exercise_summary' || (m.type === 'error' && m.fatal)), { timeoutMs: 180000 });
      validateAll(upMs);
      const [lo, hi] = label('squat_side_3').accept;
      const n = finalCount(upMs);
      assert.ok(n >= lo && n <= hi, `upload page counted ${n}`);
      // An unknown uuid on a page: the fatal error, as in Node.
      const bad = await context.newPage();
      await recordMessages(bad);
      await bad.goto(`${server.url}/pose_tracker/upload_tracking?token=${token}&reference=nope`);
      await bad.waitForSelector('#kt-upload-button', { state: 'visible', timeout: 60000 });
      await bad.setInputFiles('#kt-file', clip('squat_side_3'));
      const badMs = await waitForMessages(bad, (x) => x.some((m) => m.type === 'error'), { timeoutMs: 60000 });
      const err = badMs.find((m) => m.type === 'error');
      assert.equal(err.code, 'reference_not_found');
      assert.equal(err.fatal, true);
      await context.close();
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
