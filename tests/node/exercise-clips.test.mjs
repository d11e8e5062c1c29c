// Exercise tracking on real clips: every labelled clip of ../shared/media
// whose exercise kinetrack tracks goes through `kinetrack analyze`; its
// final count (or whole seconds held) must lie inside the label's accept
// range. A table of expected vs counted is printed. Then: the same frames
// give the same messages through the CLI and through createTracker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { createTracker } from '../../lib/index.mjs';
import { decodeVideoFrames } from '../../lib/media/decode.mjs';
import { loadRuntime } from '../../lib/runtime.mjs';
import { runKinetrack } from '../helpers/cli.mjs';
import { MEDIA_DIR } from '../helpers/datasets.mjs';
import { validateAll } from '../helpers/schemas.mjs';

const labels = JSON.parse(fs.readFileSync(path.join(MEDIA_DIR, 'labels.json'), 'utf8'));

function analyze(file, query) {
  const r = runKinetrack(['analyze', file, '--query', query], { timeout: 300000 });
  assert.equal(r.code, 0, r.stderr || r.stdout.slice(-500));
  return r.messages;
}

test('labelled clips: counts and holds inside the accept ranges', async () => {
  const kt = await loadRuntime();
  const rows = [];
  const failures = [];
  for (const clip of labels.clips) {
    let implemented = true;
    try {
      kt.parseQuery(`exercise=${clip.exercise}`);
    } catch (e) {
      assert.equal(e.code, 'invalid_exercise', `${clip.exercise}: ${e.message}`);
      implemented = false;
    }
    if (!implemented) {
      rows.push(`${clip.file.padEnd(38)} ${clip.exercise.padEnd(14)} (not tracked by kinetrack yet)`);
      continue;
    }
    const messages = validateAll(analyze(path.join(MEDIA_DIR, clip.file), `exercise=${clip.exercise}&progression=true&recommendations=true`));
    const final = messages.filter((m) => m.type === 'counter' && m.final);
    assert.equal(final.length, 1, `${clip.file}: one final counter`);
    const summary = messages.find((m) => m.type === 'exercise_summary');
    assert.ok(summary, `${clip.file}: an exercise_summary`);
    assert.equal(summary.counter, final[0].current_count);
    const got = final[0].current_count;
    const [lo, hi] = clip.accept || clip.accept_hold_s;
    const expected = clip.count ?? `${clip.hold_s} s`;
    rows.push(`${clip.file.padEnd(38)} ${clip.exercise.padEnd(14)} expected ${String(expected).padEnd(6)} accept ${lo}-${hi}  counted ${got} ${got >= lo && got <= hi ? 'ok' : 'OUT OF RANGE'}`);
    if (!(got >= lo && got <= hi)) failures.push(`${clip.file}: ${got} not in [${lo}, ${hi}]`);
    // Every counted rep reported as it happened, in order.
    const live = messages.filter((m) => m.type === 'counter' && !m.final).map((m) => m.current_count);
    for (let i = 1; i < live.length; i++) assert.ok(live[i] >= live[i - 1], `${clip.file}: counter went down`);
  }
  console.log(rows.map((r) => `# ${r}`).join('\n'));
  assert.deepEqual(failures, []);
});

test('the same frames give the same messages through the CLI and createTracker', async () => {
  const clip = path.join(MEDIA_DIR, 'clips/squat_front_2_plus_partial.mp4');
  const query = 'exercise=squat&progression=true&recommendations=true&angles=true&keypoints=true&minGrade=C';
  const fromCli = analyze(clip, query).filter((m) => !['initialization', 'environment'].includes(m.type));
  const tracker = await createTracker({ query });
  const fromApi = [];
  try {
    // The CLI's decoding: 4:2:0 planes converted to RGBA by the C.
    const kt = await loadRuntime();
    for await (const f of decodeVideoFrames(clip, { pixels: 'yuv420' })) {
      assert.ok(f.yuv420, 'an H.264 4:2:0 clip comes as planes');
      fromApi.push(...tracker.processFrame(kt.yuv420ToRgba(f.yuv420), f.width, f.height, f.timestampMs));
    }
    fromApi.push(...tracker.finish());
  } finally {
    tracker.dispose();
  }
  assert.equal(fromApi.length, fromCli.length);
  assert.deepEqual(fromApi, fromCli);
});
