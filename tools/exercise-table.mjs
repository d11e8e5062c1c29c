#!/usr/bin/env node
// exercise-table.mjs — README's exercise table, written from the
// definitions (exercises/*.json) and, for "tested on", the labelled clips
// of ../shared/media/labels.json when it is there.
//
//   node tools/exercise-table.mjs [labels.json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'exercises');
const labelsPath = process.argv[2] ?? path.join(root, '../shared/media/labels.json');
const labels = fs.existsSync(labelsPath) ? JSON.parse(fs.readFileSync(labelsPath, 'utf8')).clips : [];
const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8')).exercises;

const medium = (v) => (typeof v === 'object' && v !== null ? v.medium : v);
const views = (d) => {
  const v = new Set([d.placement?.view && d.placement.view !== 'any' ? `${d.placement.view} preferred` : 'any']);
  return [...v].join(', ');
};
const describeMetric = (d, name) => {
  const m = d.metrics?.[name];
  if (!m) return name;
  const pts = m.points.join('–');
  return `${name} (${m.type} ${pts}${m.ref === 'max' ? ' / own max' : m.ref ? ` / ${m.ref.join('–')}` : ''})`;
};

function measured(d) {
  if (d.kind === 'rep') {
    return d.rep.signals.map((s) => `${describeMetric(d, s.metric)} ${medium(s.rest)}→${medium(s.target)}${s.views ? ` [${s.views.join('/')}]` : ''}`)
      .join('; ') + (d.rep.sides && d.rep.sides !== 'both' ? `; sides ${d.rep.sides}` : '') + (d.analysis ? '; analysis per rep' : '');
  }
  if (d.kind === 'hold') {
    return d.hold.conditions.map((c) => `${c.metric}${c.side ? ` (${c.side} side)` : ''} ${c.min !== undefined ? `≥ ${medium(c.min)}` : ''}${c.min !== undefined && c.max !== undefined ? ', ' : ''}${c.max !== undefined ? `≤ ${medium(c.max)}` : ''}`).join('; ');
  }
  return `jump, ${d.jump.mode}`;
}

const rows = ['| id | kind | view | measured (medium difficulty) | tested on |', '|---|---|---|---|---|'];
for (const e of catalog) {
  const d = JSON.parse(fs.readFileSync(path.join(dir, `${e.id}.json`), 'utf8'));
  const clips = labels.filter((c) => c.exercise === e.id).map((c) => path.basename(c.file, '.mp4') + (c.count === null ? ' (uncounted)' : ''));
  const tested = clips.length ? `real clips: ${clips.join(', ')}; synthetic` : 'synthetic only';
  rows.push(`| \`${e.id}\`${e.engines?.includes('v4') ? ' (v3, v4)' : ''} | ${e.kind} | ${views(d)} | ${measured(d)} | ${tested} |`);
}
process.stdout.write(rows.join('\n') + '\n');
