#!/usr/bin/env node
// npm test: every test in one command. First the native C unit tests
// (gcc, AddressSanitizer + UndefinedBehaviorSanitizer) through make, then
// the Node suites (wasm runtime, parity with TF.js, accuracy, CLI) with
// node's test runner, whose summary closes the output.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

const nativeStatus = run('make', ['--no-print-directory', 'native']);
const files = fs.readdirSync(path.join(root, 'tests/node')).filter((f) => f.endsWith('.test.mjs')).sort()
  .map((f) => path.join('tests/node', f));
const nodeStatus = run(process.execPath, ['--test', '--test-concurrency=1', ...files]);
if (nativeStatus !== 0) console.error('native C tests failed');
process.exit(nativeStatus || nodeStatus);
