// The exercise catalogue and custom movements through the Node API and the
// CLI: every catalogue id (and alias) is tracked; engine=v4; a custom
// movement from a folder counts like the catalogue's; unknown and
// malformed movements are invalid_exercise with their reason; `kinetrack
// exercise validate` names the field at fault; every definition passes
// the JSON Schema; a physical test's messages (analysis, reading) on a
// real fold pass theirs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Ajv from 'ajv';

import { createTracker } from '../../lib/index.mjs';
import { validateDefinition, SCHEMA_PATH } from '../../lib/definitions.mjs';
import { loadRuntime, repoRoot } from '../../lib/runtime.mjs';
import { runKinetrack } from '../helpers/cli.mjs';
import { MEDIA_DIR } from '../helpers/datasets.mjs';
import { validateAll } from '../helpers/schemas.mjs';

const EXERCISES = path.join(repoRoot, 'exercises');
const catalog = JSON.parse(fs.readFileSync(path.join(EXERCISES, 'catalog.json'), 'utf8')).exercises;
const definitionFiles = fs.readdirSync(EXERCISES).filter((f) => f.endsWith('.json') && f !== 'catalog.json' && !f.endsWith('.schema.json'));

describe('the catalogue', () => {
  test('every id and alias of the reference catalogue is tracked', async () => {
    const kt = await loadRuntime();
    assert.equal(catalog.length, 42);
    for (const e of catalog) {
      const q = e.id === 'jump_analysis' ? `exercise=${e.id}&userHeightCm=175` : `exercise=${e.id}`;
      assert.equal(kt.parseQuery(q).exercise, e.id, e.id);
      for (const alias of e.aliases) assert.equal(kt.parseQuery(`exercise=${alias}`).exercise, e.id, alias);
    }
    assert.equal(definitionFiles.length, catalog.length, 'one definition file per catalogue id');
  });

  test('every definition passes the JSON Schema and compiles at every difficulty', async () => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
    const v = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')));
    for (const f of definitionFiles) {
      const text = fs.readFileSync(path.join(EXERCISES, f), 'utf8');
      assert.ok(v(JSON.parse(text)), `${f}: ${ajv.errorsText(v.errors)}`);
      const r = await validateDefinition(text);
      assert.deepEqual(r.errors, [], f);
    }
  });

  test("the guide's worked example validates, and README's table lists every id", async () => {
    const guide = fs.readFileSync(path.join(EXERCISES, 'README.md'), 'utf8');
    const example = /```json\n(\s*\{\s*"id": "band_pull_apart"[\s\S]*?)\n\s*```/.exec(guide);
    assert.ok(example, 'the worked example is in exercises/README.md');
    const r = await validateDefinition(example[1]);
    assert.deepEqual(r.errors, []);
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const e of catalog) assert.match(readme, new RegExp(`^\\| \`${e.id}\``, 'm'), `README's exercise table lists ${e.id}`);
  });

  test('engine=v4 through createTracker: a V4 id runs, another is refused with its text', async () => {
    const t = await createTracker({ query: 'exercise=shoulder_roll&engine=v4' });
    t.dispose();
    await assert.rejects(createTracker({ query: 'exercise=plank&engine=v4' }), (e) => e.code === 'invalid_exercise' &&
      e.payload.message === "Exercise 'plank' is not available in V4 engine");
  });
});

describe('custom movements (userExercise)', () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-movements-'));
    const squat = JSON.parse(fs.readFileSync(path.join(EXERCISES, 'squat.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'my-squat.json'), JSON.stringify({ ...squat, id: 'my_squat', name: 'My squat' }));
    fs.writeFileSync(path.join(dir, 'broken.json'), JSON.stringify({ ...squat, id: 'broken', metrics: { knee: squat.metrics.knee } }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a movement from a folder counts the clip as the catalogue definition does', () => {
    const clip = path.join(MEDIA_DIR, 'clips/squat_side_3.mp4');
    const mine = runKinetrack(['analyze', clip, '--query', 'userExercise=my-squat&progression=true', '--movements', dir]);
    assert.equal(mine.code, 0, mine.stderr);
    const theirs = runKinetrack(['analyze', clip, '--query', 'exercise=squat&progression=true']);
    const summary = (r) => r.messages.find((m) => m.type === 'exercise_summary');
    validateAll(mine.messages);
    assert.equal(summary(mine).exercise, 'my-squat');
    assert.equal(summary(mine).counter, summary(theirs).counter);
    assert.deepEqual(summary(mine).history.map((h) => h.peakMs), summary(theirs).history.map((h) => h.peakMs));
  });

  test('an unknown id and a malformed definition are invalid_exercise with their reason', async () => {
    await assert.rejects(createTracker({ query: 'userExercise=nope', movements: dir }), (e) =>
      e.code === 'invalid_exercise' && e.payload.message === "Movement 'nope' was not found");
    await assert.rejects(createTracker({ query: 'userExercise=broken', movements: dir }), (e) =>
      e.code === 'invalid_exercise' && /Movement 'broken' is not a valid definition: .*unknown metric 'height'/.test(e.payload.message));
    // an object of definitions works as a folder does
    const t = await createTracker({ query: 'userExercise=inline', movements: { inline: fs.readFileSync(path.join(dir, 'my-squat.json'), 'utf8') } });
    t.dispose();
    const r = runKinetrack(['analyze', path.join(MEDIA_DIR, 'clips/squat_side_3.mp4'), '--query', 'userExercise=broken', '--movements', dir]);
    assert.equal(r.code, 1);
    validateAll(r.messages);
    assert.equal(r.messages.at(-1).code, 'invalid_exercise');
  });

  test('kinetrack exercise validate names the field at fault', () => {
    const bad = path.join(dir, 'typo.json');
    fs.writeFileSync(bad, JSON.stringify({ id: 'x', kind: 'rep', placement: {}, metrics: { k: { type: 'angle', points: ['hip', 'knee', 'ankle'] } },
      rep: { signals: [{ metric: 'k', rest: 170, target: 90 }], min_rep: 3 } }));
    let r = runKinetrack(['exercise', 'validate', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /rep: unknown key 'min_rep'/);
    fs.writeFileSync(bad, JSON.stringify({ id: 'x', kind: 'rep', placement: {}, metrics: { k: { type: 'angle', points: ['hip', 'knee', 'ankle'] } },
      rep: { signals: [{ metric: 'knees', rest: 170, target: 90 }] } }));
    r = runKinetrack(['exercise', 'validate', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /rep\.signals\[\]\.metric: unknown metric 'knees'/);
    r = runKinetrack(['exercise', 'validate', path.join(dir, 'my-squat.json'), path.join(EXERCISES, 'bow.json')]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /my-squat\.json: ok \(rep, 4 metrics, 3 signals\)/);
  });
});

test('a physical test on a real fold: analysis and reading on the counters, repeated by the summary', () => {
  // A deadlift from behind is a hip hinge: the test reads each fold.
  const r = runKinetrack(['analyze', path.join(MEDIA_DIR, 'clips/deadlift_behind_5.mp4'), '--query', 'exercise=back_flexibility_test&progression=true']);
  assert.equal(r.code, 0, r.stderr);
  validateAll(r.messages);
  const counters = r.messages.filter((m) => m.type === 'counter' && !m.final);
  assert.ok(counters.length >= 3, `${counters.length} folds`);
  for (const c of counters) {
    assert.ok(c.analysis.peaks.trunk_angle_deg > 20, JSON.stringify(c.analysis.peaks));
    assert.equal(c.analysis.ankle_above_sole, 0.08);
    assert.ok(['strong', 'partial', 'limited'].includes(c.analysis.interpretation.tone));
    assert.equal(c.reading.grade, c.form_score.grade);
  }
  assert.ok(r.messages.some((m) => m.type === 'progression' && m.reading), 'a live reading');
  const summary = r.messages.find((m) => m.type === 'exercise_summary');
  assert.ok(summary.disclaimer && summary.method);
  assert.equal(summary.history.length, counters.length);
  assert.deepEqual(summary.history.map((h) => h.analysis.peaks), counters.map((c) => c.analysis.peaks));
});
