// The relaxed SIMD FMA builds (kinetrack-fma, kinetrack-mt-fma) and the
// post-link rewrite that gives them the shipped standard's opcodes
// (wasm/relaxed-simd.mjs):
//  - the rewrite turns clang 14's prototype f32x4.fma / f32x4.fms into
//    relaxed_madd / relaxed_nmadd with the standard's meaning
//    (a * b + c, -(a * b) + c), checked by running a hand-made module;
//  - a module holding any other prototype relaxed opcode, or bytes that do
//    not decode, is refused with an error;
//  - the built FMA modules hold no prototype opcode, the plain ones no
//    relaxed opcode at all, and each says which kernels it runs;
//  - both builds run MoveNet to the same outputs within float rounding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { loadMoveNet, loadRuntime, wasmDir } from '../../lib/runtime.mjs';
import { relaxedSimdSupported } from '../../wasm/kinetrack-loader.mjs';
import { simdOpcodeCounts, standardizeRelaxedSimd } from '../../wasm/relaxed-simd.mjs';

// (func (param v128 v128 v128) (result v128) local.get 0 1 2 <op>) exported as "f".
function oneOpModule(opLeb) {
  const body = [0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, ...opLeb, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = func 0
    0x0a, body.length + 2, 0x01, body.length, ...body,
  ]);
}

// Runs f on lanes through a wrapper module: v128 cannot cross into JS, so
// the wrapper loads a, b, c from memory, calls f and stores the result.
async function runOp(bytes, a, b, c) {
  const f = (await WebAssembly.instantiate(bytes)).instance.exports.f;
  const wrapper = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x0b, 0x02, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, 0x60, 0x00, 0x00, // types: f's, () -> ()
    0x02, 0x07, 0x01, 0x01, 0x6d, 0x01, 0x66, 0x00, 0x00, // import m.f
    0x03, 0x02, 0x01, 0x01,
    0x05, 0x03, 0x01, 0x00, 0x01, // memory 1 page
    0x07, 0x0d, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, // export mem, run
    0x0a, 0x1e, 0x01, 0x1c, 0x00,
    0x41, 0x30, // i32.const 48 (store address)
    0x41, 0x00, 0xfd, 0x00, 0x04, 0x00, // v128.load a @0
    0x41, 0x10, 0xfd, 0x00, 0x04, 0x00, // v128.load b @16
    0x41, 0x20, 0xfd, 0x00, 0x04, 0x00, // v128.load c @32
    0x10, 0x00, // call f
    0xfd, 0x0b, 0x04, 0x00, // v128.store @48
    0x0b,
  ]);
  const { exports } = (await WebAssembly.instantiate(wrapper, { m: { f } })).instance;
  const mem = new Float32Array(exports.mem.buffer, 0, 16);
  mem.set(a, 0); mem.set(b, 4); mem.set(c, 8);
  exports.run();
  return [...mem.slice(12, 16)];
}

test('the rewrite gives prototype fma/fms the standard opcodes and meaning', async (t) => {
  if (!relaxedSimdSupported()) return t.skip('this engine has no relaxed SIMD');
  const a = [1, 2, 3, 4], b = [10, 20, 30, 40], c = [100, 200, 300, 400];
  const fma = oneOpModule([0xaf, 0x01]);
  assert.equal(WebAssembly.validate(fma), false, 'the prototype opcode is not the standard');
  const madd = standardizeRelaxedSimd(fma);
  assert.equal(madd.rewritten, 1);
  assert.deepEqual([...madd.bytes.slice(-4, -1)], [0xfd, 0x85, 0x02]);
  assert.deepEqual(await runOp(madd.bytes, a, b, c), [110, 240, 390, 560]); // a * b + c
  const nmadd = standardizeRelaxedSimd(oneOpModule([0xb0, 0x01]));
  assert.deepEqual(await runOp(nmadd.bytes, a, b, c), [90, 160, 210, 240]); // -(a * b) + c
  assert.equal(fma[fma.length - 3], 0xaf, 'the input is not modified');
});

test('other prototype relaxed opcodes and undecodable modules are refused', () => {
  assert.throws(() => standardizeRelaxedSimd(oneOpModule([0xb4, 0x01])), /prototype relaxed SIMD opcode 0xb4/);
  assert.throws(() => standardizeRelaxedSimd(new Uint8Array([1, 2, 3])), /not a module/);
  // Cut anywhere inside the code section (the last one): an error, never a
  // partial rewrite.
  const good = oneOpModule([0xaf, 0x01]);
  const codeStart = good.length - 15; // 0x0a, size, count, body size, 11 bytes of body
  assert.equal(good[codeStart], 0x0a);
  for (let cut = codeStart + 1; cut < good.length; cut++)
    assert.throws(() => standardizeRelaxedSimd(good.slice(0, cut)), Error, `cut at ${cut}`);
  const bad = oneOpModule([0xaf, 0x01]);
  bad[bad.length - 1] = 0xff; // not an opcode where `end` was
  assert.throws(() => standardizeRelaxedSimd(bad), /unknown opcode|past the end/);
});

test('the built modules: FMA builds standardized, plain builds free of relaxed SIMD', () => {
  for (const build of ['kinetrack', 'kinetrack-mt', 'kinetrack-fma', 'kinetrack-mt-fma']) {
    const counts = simdOpcodeCounts(fs.readFileSync(path.join(wasmDir, `${build}.wasm`))); // decodes every function body
    const prototype = (counts.get(0xaf) || 0) + (counts.get(0xb0) || 0);
    const relaxed = [...counts].filter(([op]) => op >= 0x100).reduce((n, [, c]) => n + c, 0);
    assert.equal(prototype, 0, `${build}: prototype opcodes left`);
    if (build.endsWith('-fma')) {
      assert.ok(counts.get(0x105) > 100, `${build}: ${counts.get(0x105)} relaxed_madd`);
      assert.equal(relaxed, (counts.get(0x105) || 0) + (counts.get(0x106) || 0), `${build}: only madd/nmadd`);
    } else {
      assert.equal(relaxed, 0, `${build}: ${relaxed} relaxed SIMD instructions`);
    }
  }
});

test('FMA and plain builds: the kernels they report, MoveNet outputs within float rounding', async (t) => {
  const plain = await loadRuntime({ relaxedSimd: false });
  assert.equal(plain.kernels, 'wasmsimd');
  if (!relaxedSimdSupported()) return t.skip('this engine has no relaxed SIMD');
  assert.equal((await loadRuntime()).kernels, 'wasmsimd+fma');
  assert.equal((await loadRuntime({ threads: 2 })).kernels, 'wasmsimd+fma');
  // One instance per build and thread count: 3 threads is not the 2-thread instance.
  assert.equal((await loadRuntime({ threads: 3 })).threads, 3);
  assert.equal((await loadRuntime({ threads: 2 })).threads, 2);
  const input = new Int32Array(192 * 192 * 3).map((_, i) => (i * 7919) % 256);
  const a = (await loadMoveNet()).runI32(input);
  const b = (await loadMoveNet({ relaxedSimd: false })).runI32(input);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  assert.ok(d <= 1e-4, `max |fma - plain| ${d}`);
});
