#!/usr/bin/env node
// kinetrack — command line (CONTRACT §1).
//
//   kinetrack analyze <file-or-url> [--query "<query string>"] [--plan <plan>] [--overlay out.png|out.mp4]
//   kinetrack bench [--model movenet|blazepose-lite|blazepose-full|blazepose-heavy] [--runs N] [--json]
//   kinetrack start
//
// analyze prints one JSON message per line on stdout: exactly the objects
// the pages post, in order. Exit 0 when the analysis completed; 1 after an
// `error` message when it did not; 2 for a usage error.
import { analyzeMedia } from '../lib/analyze.mjs';

const USAGE = `usage:
  kinetrack analyze <file-or-url> [--query "<query string>"] [--plan <plan>] [--overlay <out.png|out.mp4>]
  kinetrack bench [--model movenet|blazepose-lite|blazepose-full|blazepose-heavy] [--runs N] [--json]
  kinetrack keygen [--force] [--if-missing] [--dir D]
  kinetrack token --plan <free|developer|custom|company|enterprise> [--sub <name>] [--days <n>] [--origins a,b]
  kinetrack serve [--port 8080] [--host 127.0.0.1]
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

async function analyze(argv) {
  const args = parseArgs(argv, { query: 'value', plan: 'value', overlay: 'value' });
  if (args._.length !== 1) throw new Error('analyze takes exactly one file or URL');
  try {
    for await (const message of analyzeMedia(args._[0], { query: args.query ?? '', plan: args.plan ?? 'developer', overlay: args.overlay ?? null })) {
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
  const args = parseArgs(argv, { runs: 'value', json: 'flag', model: 'value' });
  const runs = args.runs ? Number(args.runs) : 30;
  const model = args.model ?? 'movenet';
  let result, text;
  if (model === 'movenet' || model === 'movenet-lightning') {
    const { runBench, formatBench } = await import('../lib/bench.mjs');
    result = await runBench({ runs });
    text = formatBench(result);
  } else {
    const m = /^blazepose-(lite|full|heavy)$/.exec(model);
    if (!m) throw new Error(`--model ${model}: movenet, blazepose-lite, blazepose-full or blazepose-heavy`);
    const { runBlazePoseBench, formatBlazePoseBench } = await import('../lib/bench-blazepose.mjs');
    result = await runBlazePoseBench({ variant: m[1], runs });
    text = formatBlazePoseBench(result);
  }
  process.stdout.write((args.json ? JSON.stringify(result, null, 2) : text) + '\n');
  return 0;
}

async function serve(argv) {
  const args = parseArgs(argv, { port: 'value', host: 'value' });
  const { startServer } = await import('../lib/serve.mjs');
  const { repoRoot } = await import('../lib/runtime.mjs');
  const server = await startServer({ port: Number(args.port ?? 8080), host: args.host ?? '127.0.0.1', repoRoot });
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
    if (cmd === 'bench') return await bench(rest);
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
