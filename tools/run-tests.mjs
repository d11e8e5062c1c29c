#!/usr/bin/env node
// npm test: every test in one command. First the native C unit tests
// (gcc, AddressSanitizer + UndefinedBehaviorSanitizer) through make, then
// the Node suites (wasm runtime, parity with TF.js, accuracy, CLI) with
// node's test runner, whose summary closes the output.
//
// The shared media (../shared/media: clips, photos, labels) live beside the
// repository, never in it. A test file that reads them imports MEDIA_DIR
// from tests/helpers/datasets.mjs. When the folder is missing, those files
// are skipped with one line naming it (a clone on its own); under CI=true a
// missing folder fails the run instead.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MEDIA_DIR } from '../tests/helpers/datasets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

const haveMedia = fs.existsSync(path.join(MEDIA_DIR, 'labels.json'));
if (!haveMedia && process.env.CI === 'true') {
  console.error(`the shared media folder ${MEDIA_DIR} is missing (CI=true: media tests cannot be skipped)`);
  process.exit(1);
}

const nativeStatus = run('make', ['--no-print-directory', 'native']);
let files = fs.readdirSync(path.join(root, 'tests/node')).filter((f) => f.endsWith('.test.mjs')).sort()
  .map((f) => path.join('tests/node', f));
if (!haveMedia) {
  const needsMedia = (f) => /\bMEDIA_DIR\b/.test(fs.readFileSync(path.join(root, f), 'utf8'));
  const skipped = files.filter(needsMedia);
  files = files.filter((f) => !needsMedia(f));
  console.log(`# media tests skipped (${skipped.length} files): ${MEDIA_DIR} not found`);
}
const nodeStatus = run(process.execPath, ['--test', '--test-concurrency=1', ...files]);
if (nativeStatus !== 0) console.error('native C tests failed');
process.exit(nativeStatus || nodeStatus);
