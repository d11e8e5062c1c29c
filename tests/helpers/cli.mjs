// cli.mjs — run the kinetrack CLI from the tests and read its messages
// (one JSON object per stdout line).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { repoRoot } from './datasets.mjs';

export const KINETRACK_BIN = path.join(repoRoot, 'bin/kinetrack.mjs');

/** The messages in the CLI's stdout: one JSON object per non-empty line. */
export function parseMessages(stdout) {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * `kinetrack ...args`, synchronously: its exit code, stdout, stderr and
 * messages. `messages` is parsed on first use, so a caller can check the
 * exit code (and show stderr) before a malformed line throws.
 * @returns {{code: number|null, messages: object[], stderr: string, stdout: string}}
 */
export function runKinetrack(args, { timeout = 240000 } = {}) {
  const r = spawnSync(process.execPath, [KINETRACK_BIN, ...args], { encoding: 'utf8', timeout, maxBuffer: 1 << 28 });
  let messages;
  return {
    code: r.status,
    stderr: r.stderr,
    stdout: r.stdout,
    get messages() {
      messages ??= parseMessages(r.stdout);
      return messages;
    },
  };
}
