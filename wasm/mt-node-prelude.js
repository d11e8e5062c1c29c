// mt-node-prelude.js — put before the threaded build's ES module
// (--extern-pre-js, wasm/flags.mk). Emscripten 3.1.6 writes its Node code
// for CommonJS: it calls require() (worker_threads, fs, path) and reads
// __dirname, which an ES module lacks. This gives the module its own two,
// in Node only; browsers skip it (no `process`). In a pthread worker Node
// runs kinetrack-mt.worker.js as CommonJS, and the module's own names
// shadow the globals that script sets, with the same meaning.
const ktNodeRequire = typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string'
  ? (await import('node:module')).createRequire(import.meta.url) : undefined;
const require = ktNodeRequire;
const __dirname = ktNodeRequire ? ktNodeRequire('node:path').dirname(ktNodeRequire('node:url').fileURLToPath(import.meta.url)) : undefined;
