#!/usr/bin/env node
// kinetrack — command line (CONTRACT §1).
//
//   kinetrack analyze <file-or-url> [--query "<query string>"] [--plan <plan>] [--overlay out.png|out.mp4] [--movements DIR] [--references DIR] [--threads N]
//   kinetrack reference create <video> [--start S --end S] [--name N] [--blazepose] [--dir DIR] | list | show ID | delete ID
//   kinetrack bench [--model movenet|blazepose-lite|blazepose-full|blazepose-heavy] [--runs N] [--threads N] [--json]
//   kinetrack bench --browser [--seconds S] [--sizes 640x360,1280x720] [--modes worker,main] [--threads 1,2] [--query Q] [--json]
//   kinetrack bench --browser --backend webgl [--runs N] [--json]
//   kinetrack eval <labels.json> [--exercise ID] [--definition FILE] [--query Q] [--transform mirror|half-fps|360p] [--jobs N] [--json]
//   kinetrack exercise validate FILE...
//   kinetrack start
//
// analyze prints one JSON message per line on stdout: exactly the objects
// the pages post, in order. Exit 0 when the analysis completed; 1 after an
// `error` message when it did not; 2 for a usage error.
import fs from 'node:fs';

import { analyzeMedia } from '../lib/analyze.mjs';
import { MAX_THREADS } from '../wasm/kinetrack-loader.mjs';

const USAGE = `usage:
  kinetrack analyze <file-or-url> [--query "<query string>"] [--plan <plan>] [--overlay <out.png|out.mp4>] [--movements DIR] [--references DIR] [--threads N]
  kinetrack reference create <video> [--start S --end S] [--name N] [--blazepose] [--dir DIR]
  kinetrack reference create --keypoints <analyze-output.jsonl> --width W --height H [--start S --end S] [--name N] [--dir DIR]
  kinetrack reference list|show ID|delete ID [--dir DIR]
  kinetrack bench [--model movenet|blazepose-lite|blazepose-full|blazepose-heavy] [--runs N] [--threads N] [--json]
  kinetrack bench --browser [--seconds S] [--sizes 640x360,1280x720] [--modes worker,main] [--threads 1,2] [--query Q] [--json]
  kinetrack bench --browser --backend webgl [--runs N] [--json]   (MoveNet: our WebGL2 backend vs TF.js webgl, chromium)
  kinetrack eval <labels.json> [--exercise ID] [--definition FILE] [--query Q] [--transform mirror|half-fps|360p] [--jobs N] [--json]
  kinetrack exercise validate FILE...
  kinetrack keygen [--force] [--if-missing] [--dir D]
  kinetrack token --plan <free|developer|custom|company|enterprise> [--sub <name>] [--days <n>] [--origins a,b]
  kinetrack serve [--port 8080] [--host 127.0.0.1] [--movements DIR] [--references DIR]
  kinetrack start [--port 8080]`;

function parseArgs(argv, spec) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split(/=(.*)/s);
      if (!(k in spec)) throw new Error(`unknown option --${k}`);
      if (spec[k] === 'flag') out[k] = true;
      else {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new Error(`--${k} needs a value`);
        out[k] = v;
      }
    } else out._.push(a);
  }
  return out;
}

// --threads N: an integer 1..MAX_THREADS (a usage error otherwise).
function threadsOption(value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new Error(`--threads ${value}: an integer from 1 to ${MAX_THREADS}`);
  return n;
}

async function analyze(argv) {
  const args = parseArgs(argv, { query: 'value', plan: 'value', overlay: 'value', movements: 'value', references: 'value', threads: 'value' });
  if (args._.length !== 1) throw new Error('analyze takes exactly one file or URL');
  const threads = threadsOption(args.threads, 1);
  try {
    for await (const message of analyzeMedia(args._[0], { query: args.query ?? '', plan: args.plan ?? 'developer', overlay: args.overlay ?? null, movements: args.movements ?? null, references: args.references ?? null, threads })) {
      process.stdout.write(JSON.stringify(message) + '\n');
    }
    return 0;
  } catch (e) {
    if (e.payload) {
      process.stdout.write(JSON.stringify(e.payload) + '\n');
      return 1;
    }
    throw e;
  }
}

async function bench(argv) {
  const args = parseArgs(argv, { runs: 'value', json: 'flag', model: 'value', threads: 'value' });
  const runs = args.runs ? Number(args.runs) : 30;
  const model = args.model ?? 'movenet';
  let result, text;
  if (model === 'movenet' || model === 'movenet-lightning') {
    // 1 thread against --threads N (2 by default), in the same run.
    const threads = threadsOption(args.threads, 2);
    if (threads < 2) throw new Error('--threads: bench compares 1 thread with N >= 2 threads');
    const { runBench, formatBench } = await import('../lib/bench.mjs');
    result = await runBench({ runs, threads });
    text = formatBench(result);
  } else {
    const m = /^blazepose-(lite|full|heavy)$/.exec(model);
    if (!m) throw new Error(`--model ${model}: movenet, blazepose-lite, blazepose-full or blazepose-heavy`);
    // 1 thread beside MediaPipe's, then --threads N (2 by default; 1 = none) as the pages' worker runs it.
    const threads = threadsOption(args.threads, 2);
    const { runBlazePoseBench, formatBlazePoseBench } = await import('../lib/bench-blazepose.mjs');
    result = await runBlazePoseBench({ variant: m[1], runs, threads });
    text = formatBlazePoseBench(result);
  }
  process.stdout.write((args.json ? JSON.stringify(result, null, 2) : text) + '\n');
  return 0;
}

// The camera page in chromium with a fake camera (lib/bench-browser.mjs).
async function benchBrowser(argv) {
  const args = parseArgs(argv, { browser: 'flag', seconds: 'value', sizes: 'value', modes: 'value', threads: 'value', query: 'value', json: 'flag' });
  const sizes = (args.sizes ?? '640x360,1280x720').split(',').map((s) => {
    const m = /^(\d{2,4})x(\d{2,4})$/.exec(s.trim());
    if (!m) throw new Error(`--sizes: WIDTHxHEIGHT[,WIDTHxHEIGHT...], got ${s}`);
    return [Number(m[1]), Number(m[2])];
  });
  const modes = (args.modes ?? 'worker,main').split(',').map((s) => s.trim());
  if (modes.some((m) => m !== 'worker' && m !== 'main')) throw new Error('--modes: worker and/or main');
  // The page's threads=N for each placement: 1 and 2 by default.
  const threads = (args.threads ?? '1,2').split(',').map((s) => s.trim());
  if (threads.some((t) => !/^(auto|[1-4])$/.test(t))) throw new Error('--threads: a list of auto, 1, 2, 3, 4 (the page\'s threads parameter)');
  const seconds = args.seconds ? Number(args.seconds) : 15;
  if (!(seconds > 0)) throw new Error('--seconds must be positive');
  const { runBrowserBench, formatBrowserBench } = await import('../lib/bench-browser.mjs');
  const result = await runBrowserBench({ sizes, modes, threads, seconds, query: args.query ?? '', log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write((args.json ? JSON.stringify(result, null, 2) : formatBrowserBench(result)) + '\n');
  return 0;
}

// MoveNet on our WebGL2 backend beside TF.js's WebGL backend in chromium
// (lib/bench-webgl.mjs).
async function benchWebgl(argv) {
  const args = parseArgs(argv, { browser: 'flag', backend: 'value', runs: 'value', json: 'flag' });
  if (!args.browser || args.backend !== 'webgl') throw new Error('--backend: only `--browser --backend webgl` (the wasm backend: kinetrack bench)');
  const runs = args.runs === undefined ? 30 : Number(args.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${args.runs}: a positive integer`);
  const { runWebglBench, formatWebglBench } = await import('../lib/bench-webgl.mjs');
  const result = await runWebglBench({ runs, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write((args.json ? JSON.stringify(result, null, 2) : formatWebglBench(result)) + '\n');
  return 0;
}

// Exit 0 when every judged clip is inside its accept range, 1 otherwise.
async function evaluate(argv) {
  const args = parseArgs(argv, { exercise: 'value', definition: 'value', query: 'value', transform: 'value', jobs: 'value', json: 'flag' });
  if (args._.length !== 1) throw new Error('eval takes exactly one labels file (../shared/media/labels.json)');
  const { runEval, formatEval } = await import('../lib/eval.mjs');
  const jobs = args.jobs ? Number(args.jobs) : undefined;
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs > 0)) throw new Error('--jobs must be a positive integer');
  const result = await runEval(args._[0], { exercise: args.exercise ?? null, definition: args.definition ?? null, query: args.query ?? '', transform: args.transform ?? null, jobs });
  process.stdout.write((args.json ? JSON.stringify(result, null, 2) : formatEval(result, { transform: args.transform })) + '\n');
  return result.summary.inRange === result.summary.judged && result.summary.errors === 0 ? 0 : 1;
}

// kinetrack exercise validate FILE...: exit 0 when every file compiles.
async function exercise(argv) {
  const [sub, ...files] = argv;
  if (sub !== 'validate' || files.length === 0) throw new Error('usage: kinetrack exercise validate FILE...');
  const { validateDefinition } = await import('../lib/definitions.mjs');
  let bad = 0;
  for (const file of files) {
    const r = await validateDefinition(fs.readFileSync(file, 'utf8'));
    if (r.ok) {
      const d = r.definition;
      process.stdout.write(`${file}: ok (${d.kind}, ${Object.keys(d.metrics ?? {}).length} metrics${d.rep ? `, ${d.rep.signals.length} signals` : ''})\n`);
    } else {
      bad++;
      for (const e of r.errors) process.stdout.write(`${file}: ${e.field}: ${e.message}\n`);
    }
  }
  return bad ? 1 : 0;
}

// kinetrack reference create|list|show|delete: reference movements kept
// as <dir>/<uuid>.json (default references/).
async function reference(argv) {
  const [sub, ...rest] = argv;
  const refs = await import('../lib/references.mjs');
  const args = parseArgs(rest, { start: 'value', end: 'value', name: 'value', blazepose: 'flag', dir: 'value', keypoints: 'value', width: 'value', height: 'value', id: 'value' });
  const dir = args.dir ?? refs.DEFAULT_REFERENCES_DIR;
  const seconds = (v, what) => {
    if (v === undefined) return -1;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`--${what} takes seconds >= 0`);
    return x * 1000;
  };
  if (sub === 'create') {
    const startMs = seconds(args.start, 'start'), endMs = seconds(args.end, 'end');
    if ((startMs < 0) !== (endMs < 0)) throw new Error('give both --start and --end, or neither (the clearest repetition is found)');
    const opts = { startMs, endMs, name: args.name ?? '', ...(args.id ? { id: args.id } : {}) };
    let signature;
    try {
      if (args.keypoints) {
        const lines = fs.readFileSync(args.keypoints, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
        const env = lines.find((m) => m.type === 'environment');
        signature = await refs.signatureFromKeypoints(lines, { ...opts, width: Number(args.width), height: Number(args.height), model: env?.model ?? '' });
      } else {
        if (args._.length !== 1) throw new Error('reference create takes one video (or --keypoints FILE)');
        ({ signature } = await refs.createReference(args._[0], { ...opts, blazepose: !!args.blazepose }));
      }
    } catch (e) {
      if (e.code === undefined || /^[A-Z_]+$/.test(String(e.code))) throw e;
      process.stderr.write(`kinetrack reference create: ${e.message}\n`);
      return 1;
    }
    const file = refs.saveReference(dir, signature);
    const moving = signature.features.filter((f) => f.moving).map((f) => f.name);
    process.stderr.write(`span ${(signature.source.startMs / 1000).toFixed(2)}-${(signature.source.endMs / 1000).toFixed(2)} s (${signature.source.span === 'found' ? 'the clearest repetition found' : 'as given'}), ${signature.durationMs} ms, model ${signature.model}\nmoving: ${moving.join(', ')}\nwritten ${file}\n`);
    process.stdout.write(`${signature.id}\n`);
    return 0;
  }
  if (sub === 'list') {
    for (const r of refs.listReferences(dir))
      process.stdout.write(r.error ? `${r.id}  ${r.error}\n` : `${r.id}  ${r.name || '-'}  ${r.model || '-'}  ${r.durationMs} ms  moving: ${r.moving.join(', ')}\n`);
    return 0;
  }
  if ((sub === 'show' || sub === 'delete') && args._.length === 1) {
    try {
      if (sub === 'show') process.stdout.write(JSON.stringify(refs.showReference(dir, args._[0]), null, 1) + '\n');
      else refs.deleteReference(dir, args._[0]);
    } catch (e) {
      process.stderr.write(`kinetrack reference ${sub}: ${e.message}\n`);
      return 1;
    }
    return 0;
  }
  throw new Error('usage: kinetrack reference create <video> [--start S --end S] [--name N] [--blazepose] [--dir DIR] | list | show ID | delete ID');
}

async function serve(argv) {
  const args = parseArgs(argv, { port: 'value', host: 'value', movements: 'value', references: 'value' });
  const { startServer } = await import('../lib/serve.mjs');
  const { repoRoot } = await import('../lib/runtime.mjs');
  const server = await startServer({ port: Number(args.port ?? 8080), host: args.host ?? '127.0.0.1', repoRoot, movementsDir: args.movements ?? null, referencesDir: args.references ?? null });
  process.stdout.write(`kinetrack serving ${server.url}/pose_tracker/tracking and ${server.url}/pose_tracker/upload_tracking\n`);
  return new Promise(() => {}); // serve until interrupted
}

async function start(argv) {
  const args = parseArgs(argv, { port: 'value', host: 'value' });
  const { start: startPages } = await import('../lib/start.mjs');
  const { repoRoot } = await import('../lib/runtime.mjs');
  await startPages({ repoRoot, port: Number(args.port ?? 8080), host: args.host ?? '127.0.0.1' });
  return new Promise(() => {}); // serve until interrupted
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  try {
    if (cmd === 'analyze') return await analyze(rest);
    if (cmd === 'bench' && rest.some((a) => a === '--backend' || a.startsWith('--backend='))) return await benchWebgl(rest);
    if (cmd === 'bench' && rest.includes('--browser')) return await benchBrowser(rest);
    if (cmd === 'bench') return await bench(rest);
    if (cmd === 'eval') return await evaluate(rest);
    if (cmd === 'exercise') return await exercise(rest);
    if (cmd === 'reference') return await reference(rest);
    if (cmd === 'start') return await start(rest);
    if (cmd === 'serve') return await serve(rest);
    if (cmd === 'keygen' || cmd === 'token') {
      const { keygenCommand, tokenCommand } = await import('../lib/tokens/cli.mjs');
      const { repoRoot } = await import('../lib/runtime.mjs');
      return await (cmd === 'keygen' ? keygenCommand : tokenCommand)(rest, { repoRoot, stdout: process.stdout, stderr: process.stderr });
    }
    process.stderr.write(`${cmd && cmd !== 'help' && cmd !== '--help' ? `unknown command: ${cmd}\n` : ''}${USAGE}\n`);
    return cmd && cmd !== 'help' && cmd !== '--help' ? 2 : 0;
  } catch (e) {
    process.stderr.write(`kinetrack ${cmd}: ${e.message}\n`);
    return e.code === undefined || /^[A-Z_]+$/.test(String(e.code)) ? 2 : 1;
  }
}

process.exitCode = await main();
