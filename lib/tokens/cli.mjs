// kinetrack tokens: the `keygen` and `token` commands (CONTRACT §1, §6).
// Each returns its exit code: 0 done, 1 failed (message on stderr), 2 usage error.
import path from 'node:path';

import { generateKeyPair, keyDir, parseOrigins, signToken } from './keys.mjs';
import { PLANS } from './verify.mjs';

export const KEYGEN_USAGE = 'usage: kinetrack keygen [--force] [--revoke-old] [--if-missing] [--dir D]';
export const TOKEN_USAGE = `usage: kinetrack token --plan <${PLANS.join('|')}> [--sub <name>] [--days <n>] [--origins <origin,origin>] [--dir D]`;

class UsageError extends Error {}

function parseArgs(argv, spec) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      out.help = true;
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (!(k in spec)) throw new UsageError(`unknown option --${k}`);
      if (spec[k] === 'flag') {
        if (eq >= 0) throw new UsageError(`--${k} takes no value`);
        out[k] = true;
      } else {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`--${k} needs a value`);
        out[k] = v;
      }
    } else {
      out._.push(a);
    }
  }
  if (out._.length) throw new UsageError(`unexpected argument ${JSON.stringify(out._[0])}`);
  return out;
}

const streams = ({ stdout = process.stdout, stderr = process.stderr } = {}) => ({ stdout, stderr });
const resolveDir = (dir, repoRoot) => (dir ? path.resolve(dir) : keyDir(repoRoot ?? process.cwd()));

/** `kinetrack keygen [--force] [--revoke-old] [--if-missing] [--dir D]` → exit code. */
export async function keygenCommand(argv, { repoRoot, stdout, stderr } = {}) {
  const out = streams({ stdout, stderr });
  let args;
  try {
    args = parseArgs(argv, { force: 'flag', 'revoke-old': 'flag', 'if-missing': 'flag', dir: 'value' });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out.stderr.write(`kinetrack keygen: ${e.message}\n${KEYGEN_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    out.stdout.write(`${KEYGEN_USAGE}\n`);
    return 0;
  }
  if (args['revoke-old'] && !args.force) {
    out.stderr.write(`kinetrack keygen: --revoke-old replaces the key, so it needs --force\n${KEYGEN_USAGE}\n`);
    return 2;
  }
  const dir = resolveDir(args.dir, repoRoot);
  try {
    const r = await generateKeyPair({ dir, force: !!args.force, keepOld: !args['revoke-old'] });
    const older = r.jwks.keys.length - 1;
    out.stdout.write(`signing key ${r.kid}\n`
      + `  private key: ${r.privatePath} (keep it secret, never commit it)\n`
      + `  public keys: ${r.publicPath} (served with the pages; ${older ? `${older} earlier key${older > 1 ? 's' : ''} kept so older tokens verify until they expire` : 'one key'})\n`);
    return 0;
  } catch (e) {
    if (e.code === 'key_exists' && args['if-missing']) {
      out.stdout.write(`${e.message.replace(/; use --force.*$/, '')}: kept\n`);
      return 0;
    }
    out.stderr.write(`kinetrack keygen: ${e.message}\n`);
    return 1;
  }
}

/** `kinetrack token --plan <plan> [--sub <name>] [--days <n>] [--origins a,b] [--dir D]` → exit code; the token alone on stdout. */
export async function tokenCommand(argv, { repoRoot, stdout, stderr } = {}) {
  const out = streams({ stdout, stderr });
  const usage = (message) => {
    out.stderr.write(`kinetrack token: ${message}\n${TOKEN_USAGE}\n`);
    return 2;
  };
  let args;
  try {
    args = parseArgs(argv, { plan: 'value', sub: 'value', days: 'value', origins: 'value', dir: 'value' });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usage(e.message);
  }
  if (args.help) {
    out.stdout.write(`${TOKEN_USAGE}\n`);
    return 0;
  }
  if (args.plan === undefined) return usage('--plan is required');
  if (!PLANS.includes(args.plan)) return usage(`unknown plan ${JSON.stringify(args.plan)}`);
  let days = 30;
  if (args.days !== undefined) {
    days = /^\s*\d+(\.\d+)?\s*$/.test(args.days) ? Number(args.days) : NaN;
    if (!(days > 0)) return usage(`--days must be a positive number, not ${JSON.stringify(args.days)}`);
  }
  if (args.sub !== undefined && args.sub === '') return usage('--sub must not be empty');
  let origins = null;
  if (args.origins !== undefined) {
    try {
      origins = parseOrigins(args.origins);
    } catch (e) {
      return usage(`--origins: ${e.message}`);
    }
    if (origins.length === 0) return usage('--origins needs at least one origin');
  }
  const dir = resolveDir(args.dir, repoRoot);
  try {
    const token = await signToken({ dir, plan: args.plan, sub: args.sub ?? 'kinetrack-user', days, origins });
    out.stdout.write(`${token}\n`);
    return 0;
  } catch (e) {
    out.stderr.write(`kinetrack token: ${e.message}\n`);
    return 1;
  }
}
