// eval.mjs — what `kinetrack eval` does: run every labelled clip of a
// labels file (../shared/media/labels.json's format) through `kinetrack
// analyze` with its exercise, and compare the count (or whole seconds
// held) with the label and its accept range; where the label gives event
// times, match each counted rep (its extreme or its completion) to an
// event within 1 s for per-rep precision and recall.
//
// Clips run in parallel child processes (`jobs`, default one per core),
// each a plain `kinetrack analyze`, so eval measures exactly what a user
// gets. `transform` re-encodes each clip first (mirror, half-fps, 360p)
// to check that counting does not depend on handedness, frame rate or
// resolution. `definition` runs a custom movement's file instead of the
// catalogue's definition.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadRuntime } from './runtime.mjs';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kinetrack.mjs');
export const MATCH_WINDOW_S = 1.0;

// The clause of `events_s` that lists the moments a counter counts: the
// extreme position of each rep. Other clauses (set-up, walking away)
// describe the clip. Plural and singular forms; "arms up" for jacks.
const EVENT_WORDS = ['bottoms', 'tops', 'lows', 'lockouts', 'take-offs', 'arms up', 'bottom', 'top', 'low', 'lockout', 'take-off'];

export const TRANSFORMS = {
  // ffmpeg video filters; timestamps are kept (half-fps drops every other frame).
  mirror: 'hflip',
  'half-fps': "select='not(mod(n\\,2))'",
  '360p': 'scale=-2:360',
};

/**
 * The event times (seconds) in a label's `events_s` text, or null when it
 * lists none. A clause is `<keyword> [at] [~]t1, t2, ..., tn [s]`; numbers
 * may carry `~` and a parenthesised note; `a, b, ..., z` is the arithmetic
 * run from a to z with step b - a. Clauses of one keyword add up; when
 * several keywords qualify, the list whose length is closest to `count`
 * wins (ties: the first).
 */
export function parseEvents(text, count = null) {
  if (typeof text !== 'string') return null;
  const byWord = new Map();
  for (const clause of text.split(';')) {
    const c = clause.trim().toLowerCase();
    const word = EVENT_WORDS.find((w) => new RegExp(`^(?:[a-z ]+ )?${w.replace('-', '\\-')}\\b`).test(c) && c.indexOf(w) < 20);
    if (!word) continue;
    const rest = c.slice(c.indexOf(word) + word.length).replace(/^\s*(at\b)?/, '');
    const items = rest.split(',').map((s) => s.replace(/\([^)]*\)/g, '').trim());
    const nums = [];
    for (const item of items) {
      if (/^\.\.\.|^…/.test(item)) { nums.push('...'); continue; }
      const m = /^~?\s*(\d+(?:\.\d+)?)(?:\s*s)?(?:\s|$)/.exec(item);
      if (!m) break;
      nums.push(Number(m[1]));
      if (item.slice(m[0].length).trim()) break; // "4.6 at the end": the list ends here
    }
    const out = [];
    for (let i = 0; i < nums.length; i++) {
      if (nums[i] !== '...') { out.push(nums[i]); continue; }
      const end = nums[i + 1];
      if (out.length < 2 || typeof end !== 'number') break;
      const step = out[out.length - 1] - out[out.length - 2];
      if (!(step > 0)) break;
      for (let v = out[out.length - 1] + step; v < end - 1e-6; v += step) out.push(Math.round(v * 1000) / 1000);
    }
    if (out.length) byWord.set(word, [...(byWord.get(word) || []), ...out].sort((a, b) => a - b));
  }
  const lists = [...byWord.values()];
  if (!lists.length) return null;
  if (count == null) return lists[0];
  return lists.reduce((best, l) => (Math.abs(l.length - count) < Math.abs(best.length - count) ? l : best));
}

/**
 * Greedy one-to-one matching, nearest pairs first, within `window` seconds.
 * A counted rep is its moments (seconds): its extreme (the bottom of a
 * squat, the top of a curl) and its completion (when the counter counted
 * it: a deadlift's lockout); a labelled event matches the nearer.
 */
export function matchEvents(counted, events, window = MATCH_WINDOW_S) {
  const pairs = [];
  counted.forEach((moments, i) => events.forEach((e, j) => {
    const d = Math.min(...[].concat(moments).map((t) => Math.abs(t - e)));
    if (d <= window) pairs.push([d, i, j]);
  }));
  pairs.sort((a, b) => a[0] - b[0]);
  const usedC = new Set(), usedE = new Set();
  for (const [, i, j] of pairs) {
    if (usedC.has(i) || usedE.has(j)) continue;
    usedC.add(i);
    usedE.add(j);
  }
  return { matched: usedC.size, precision: counted.length ? usedC.size / counted.length : null, recall: events.length ? usedE.size / events.length : null };
}

function runProcess(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    p.on('error', (e) => resolve({ code: -1, stdout: '', stderr: e.message }));
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: err }));
  });
}

async function transformClip(file, transform, dir) {
  const out = path.join(dir, `${path.basename(file, path.extname(file))}.${transform}.mp4`);
  const r = await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', file, '-an',
    '-vf', TRANSFORMS[transform], '-vsync', 'passthrough', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16',
    '-pix_fmt', 'yuv420p', out]);
  if (r.code !== 0) throw new Error(`ffmpeg ${transform} of ${file} failed: ${r.stderr.trim()}`);
  return out;
}

/** One clip through `kinetrack analyze`: its count and the counted reps' times (seconds). */
async function analyzeClip(file, query, extraArgs) {
  const r = await runProcess(process.execPath, [BIN, 'analyze', file, '--query', query, ...extraArgs]);
  const messages = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  if (r.code !== 0) {
    const err = messages.find((m) => m.type === 'error');
    throw new Error(`analyze ${path.basename(file)}: ${err ? `${err.code}: ${err.message}` : r.stderr.trim()}`);
  }
  const summary = messages.find((m) => m.type === 'exercise_summary');
  const final = messages.find((m) => m.type === 'counter' && m.final);
  if (!summary || !final) throw new Error(`analyze ${path.basename(file)}: no exercise_summary or final counter`);
  const times = summary.history.map((h) => [h.peakMs ?? h.startMs, h.endMs].map((t) => t / 1000));
  return { counted: final.current_count, times, summary, messages };
}

async function pool(items, jobs, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

/**
 * Runs the labelled clips. Options: exercise (only clips of this id), query
 * (appended to `exercise=<id>`), transform (a TRANSFORMS key), jobs,
 * keepMessages (each row keeps every message), filter (clip, mediaDir) ->
 * whether to run a clip.
 * @returns {Promise<{rows: object[], summary: object}>} rows: {file, exercise, status:
 *   'counted'|'uncounted'|'untracked', label, accept, counted, inRange, events, precision, recall, error}
 */
export async function runEval(labelsPath, { exercise = null, definition = null, query = '', transform = null, jobs = os.availableParallelism?.() ?? os.cpus().length, keepMessages = false, analyzeArgs = [], filter = null } = {}) {
  const labels = JSON.parse(fs.readFileSync(labelsPath, 'utf8'));
  const mediaDir = path.dirname(path.resolve(labelsPath));
  if (transform && !TRANSFORMS[transform]) throw new Error(`unknown transform '${transform}' (${Object.keys(TRANSFORMS).join(', ')})`);
  const kt = await loadRuntime();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinetrack-eval-'));
  // --definition FILE: a custom movement, run as userExercise over the
  // clips labelled with --exercise (default: the definition's own id).
  let movement = null;
  if (definition) {
    const text = fs.readFileSync(definition, 'utf8');
    const reason = kt.checkDefinition(text);
    if (reason) throw new Error(`${definition}: ${reason}`);
    exercise ??= JSON.parse(text).id;
    fs.mkdirSync(path.join(tmp, 'movements'));
    fs.writeFileSync(path.join(tmp, 'movements', 'eval-definition.json'), text);
    movement = { id: 'eval-definition', dir: path.join(tmp, 'movements') };
  }
  const clips = (labels.clips || []).filter((c) => (!exercise || c.exercise === exercise) && (!filter || filter(c, mediaDir)));
  try {
    const rows = await pool(clips, jobs, async (clip) => {
      const row = { file: clip.file, exercise: clip.exercise, label: clip.count ?? clip.hold_s ?? null,
        accept: clip.accept ?? clip.accept_hold_s ?? null, hold: clip.hold_s != null };
      const what = movement ? `userExercise=${movement.id}` : `exercise=${clip.exercise}`;
      const q = [what, query.replace(/^[?&]/, '')].filter(Boolean).join('&');
      try {
        kt.parseQuery(q);
      } catch (e) {
        if (e.code !== 'invalid_exercise') throw e;
        return { ...row, status: 'untracked' };
      }
      row.status = row.label == null ? 'uncounted' : 'counted';
      try {
        let file = path.join(mediaDir, clip.file);
        if (transform) file = await transformClip(file, transform, tmp);
        const r = await analyzeClip(file, q, movement ? [...analyzeArgs, '--movements', movement.dir] : analyzeArgs);
        row.counted = r.counted;
        row.times = r.times;
        row.history = r.summary.history;
        if (keepMessages) row.messages = r.messages;
        if (row.accept) row.inRange = r.counted >= row.accept[0] && r.counted <= row.accept[1];
        const events = row.hold ? null : parseEvents(clip.events_s, clip.count);
        if (events) Object.assign(row, { events }, matchEvents(r.times, events));
      } catch (e) {
        row.error = e.message;
        row.inRange = false;
      }
      return row;
    });
    return { rows, summary: summarize(rows) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function summarize(rows) {
  const judged = rows.filter((r) => r.status === 'counted');
  const withEvents = rows.filter((r) => r.events);
  const sum = (f) => withEvents.reduce((a, r) => a + f(r), 0);
  const matched = sum((r) => r.matched), counted = sum((r) => r.times.length), events = sum((r) => r.events.length);
  return {
    clips: rows.length,
    judged: judged.length,
    inRange: judged.filter((r) => r.inRange).length,
    uncounted: rows.filter((r) => r.status === 'uncounted').length,
    untracked: rows.filter((r) => r.status === 'untracked').length,
    errors: rows.filter((r) => r.error).length,
    eventClips: withEvents.length,
    events,
    precision: counted ? matched / counted : null,
    recall: events ? matched / events : null,
  };
}

const fmt = (v) => (v == null ? '—' : v.toFixed(2));

/** The table `kinetrack eval` prints. */
export function formatEval({ rows, summary }, { transform = null } = {}) {
  const head = ['clip', 'exercise', 'label', 'accept', 'counted', '', 'rep P', 'rep R', 'events'];
  const body = rows.map((r) => {
    const label = r.label == null ? '—' : `${r.label}${r.hold ? ' s' : ''}`;
    const accept = r.accept ? `${r.accept[0]}–${r.accept[1]}` : '—';
    const counted = r.status === 'untracked' ? 'not tracked' : r.error ? 'error' : `${r.counted}${r.hold ? ' s' : ''}`;
    const verdict = r.status !== 'counted' ? '' : r.inRange ? 'ok' : 'OUT';
    return [path.basename(r.file), r.exercise, label, accept, counted, verdict,
      r.events ? fmt(r.precision) : '—', r.events ? fmt(r.recall) : '—', r.events ? String(r.events.length) : '—'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(head), ...body.map(line)];
  for (const r of rows) if (r.error) out.push(`error ${path.basename(r.file)}: ${r.error}`);
  const s = summary;
  out.push(`${transform ? `[${transform}] ` : ''}${s.inRange}/${s.judged} counted clips inside their accept range` +
    (s.events ? `; per-rep precision ${fmt(s.precision)}, recall ${fmt(s.recall)} over ${s.events} labelled events in ${s.eventClips} clips` : '') +
    (s.uncounted ? `; ${s.uncounted} clip${s.uncounted > 1 ? 's' : ''} without a count label (shown, not judged)` : '') +
    (s.untracked ? `; ${s.untracked} clip${s.untracked > 1 ? 's' : ''} of exercises not tracked` : '') +
    (s.errors ? `; ${s.errors} error${s.errors > 1 ? 's' : ''}` : ''));
  return out.join('\n');
}

// Used by the tests to check that the transforms exist on this ffmpeg.
export function ffmpegAvailable() {
  return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
}
