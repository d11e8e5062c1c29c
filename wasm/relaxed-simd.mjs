// relaxed-simd.mjs — gives a wasm module built by Debian's clang 14 the
// relaxed SIMD fused multiply-add opcodes that browsers and Node ship.
//
// Why: clang 14 and binaryen 108 know relaxed SIMD only as the 2021
// prototype, whose f32x4.fma / f32x4.fms were encoded 0xfd 0xaf / 0xfd 0xb0.
// The standard that V8 (Chrome 114+, Node 20 behind a flag) ships encodes
// f32x4.relaxed_madd as 0xfd 0x105 and f32x4.relaxed_nmadd as 0xfd 0x106.
// The FMA kernels (src/runtime/xnnpack/fma/) call the prototype builtins
// with the standard's operand order (madd(a, b, c) = a * b + c), so only the
// opcode number changes; both encodings are two LEB bytes, so the module's
// size and every offset stay as they are. No other relaxed operation may
// appear: the rewrite refuses a module holding one.
//
// The code section is decoded instruction by instruction (never a byte
// search, which would also hit immediates), and every function body must end
// exactly at its declared size with `end`, so a decoding slip is an error,
// not a corrupt module.
//
//   node wasm/relaxed-simd.mjs IN.wasm OUT.wasm
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROTOTYPE_TO_STANDARD = new Map([[0xaf, 0x105], [0xb0, 0x106]]);
// The rest of the 2021 prototype's relaxed opcodes (clang 14's numbering):
// swizzle, trunc, laneselect, min/max; refused if seen.
const OTHER_PROTOTYPE = new Set([0xa2, 0xa5, 0xa6, 0xc5, 0xc6, 0xb2, 0xb3, 0xd2, 0xd3, 0xb4, 0xe2, 0xd4, 0xee, 0xcf, 0xd0]);

class Reader {
  constructor(bytes, pos, end) { this.b = bytes; this.pos = pos; this.end = end; }
  byte() {
    if (this.pos >= this.end) throw new Error(`wasm: read past the end at ${this.pos}`);
    return this.b[this.pos++];
  }
  u32() { // unsigned LEB128, up to 5 bytes
    let result = 0; let shift = 0;
    for (let i = 0; i < 5; i++) {
      const x = this.byte();
      result += (x & 0x7f) * 2 ** shift;
      if (!(x & 0x80)) return result;
      shift += 7;
    }
    throw new Error(`wasm: LEB128 too long at ${this.pos}`);
  }
  sleb(maxBytes) { // signed LEB128: only skipped
    for (let i = 0; i < maxBytes; i++) if (!(this.byte() & 0x80)) return;
    throw new Error(`wasm: signed LEB128 too long at ${this.pos}`);
  }
  skip(n) {
    if (this.pos + n > this.end) throw new Error(`wasm: immediate past the end at ${this.pos}`);
    this.pos += n;
  }
  memarg() { this.u32(); this.u32(); }
}

const VALTYPES = new Set([0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);
function blocktype(r) {
  if (VALTYPES.has(r.b[r.pos])) r.skip(1);
  else r.sleb(5); // a type index (s33)
}

// The immediates of one 0xfd (SIMD) instruction; returns the opcode.
function simd(r) {
  const at = r.pos;
  const op = r.u32();
  if (op <= 11 || op === 0x5c || op === 0x5d) r.memarg(); // loads, store, load_zero
  else if (op === 12 || op === 13) r.skip(16); // v128.const, i8x16.shuffle
  else if (op >= 21 && op <= 34) r.skip(1); // extract/replace lane
  else if (op >= 0x54 && op <= 0x5b) { r.memarg(); r.skip(1); } // load/store lane
  return { op, at };
}

// 0xfc: saturating truncation, bulk memory, tables.
function misc(r) {
  const op = r.u32();
  if (op <= 7) return;
  switch (op) {
    case 8: r.u32(); r.skip(1); return; // memory.init
    case 9: case 13: case 15: case 16: case 17: r.u32(); return;
    case 10: r.skip(2); return; // memory.copy
    case 11: r.skip(1); return; // memory.fill
    case 12: case 14: r.u32(); r.u32(); return;
    default: throw new Error(`wasm: unknown 0xfc opcode ${op} at ${r.pos}`);
  }
}

// 0xfe: atomics (the threaded build).
function atomic(r) {
  const op = r.u32();
  if (op === 3) r.skip(1); // atomic.fence
  else if (op <= 2 || (op >= 0x10 && op <= 0x4e)) r.memarg();
  else throw new Error(`wasm: unknown 0xfe opcode ${op} at ${r.pos}`);
}

// Walks one function body; calls onSimd(op, at) for each SIMD instruction.
function walkBody(r, onSimd) {
  for (let n = r.u32(); n > 0; n--) { r.u32(); r.skip(1); } // local declarations
  let depth = 1;
  while (depth > 0) {
    const op = r.byte();
    if (op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06) { blocktype(r); depth++; }
    else if (op === 0x0b) depth--;
    else if (op <= 0x01 || op === 0x05 || op === 0x0f || op === 0x19 || op === 0x1a || op === 0x1b || op === 0xd1) { /* none */ }
    else if (op === 0x07 || op === 0x08 || op === 0x09 || op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || op === 0x18 || op === 0xd2) r.u32();
    else if (op === 0x0e) { for (let n = r.u32(); n >= 0; n--) r.u32(); } // br_table: n targets + default
    else if (op === 0x11 || op === 0x13) { r.u32(); r.u32(); }
    else if (op === 0x1c) { const n = r.u32(); r.skip(n); }
    else if (op >= 0x20 && op <= 0x26) r.u32();
    else if (op >= 0x28 && op <= 0x3e) r.memarg();
    else if (op === 0x3f || op === 0x40) r.u32();
    else if (op === 0x41) r.sleb(5);
    else if (op === 0x42) r.sleb(10);
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op >= 0x45 && op <= 0xc4) { /* numeric: none */ }
    else if (op === 0xd0) r.skip(1);
    else if (op === 0xfc) misc(r);
    else if (op === 0xfd) { const { op: s, at } = simd(r); onSimd(s, at); }
    else if (op === 0xfe) atomic(r);
    else throw new Error(`wasm: unknown opcode 0x${op.toString(16)} at ${r.pos - 1}`);
  }
  if (r.pos !== r.end) throw new Error(`wasm: function body ends at ${r.pos}, declared ${r.end}`);
}

// Calls onSimd(op, at) for every SIMD instruction of every function body
// of `bytes` (a wasm module): its opcode and the offset of the opcode's LEB.
function forEachSimd(bytes, onSimd) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('wasm: not a module');
  const top = new Reader(bytes, 8, bytes.length);
  while (top.pos < top.end) {
    const id = top.byte();
    const size = top.u32();
    const start = top.pos;
    if (start + size > bytes.length) throw new Error(`wasm: section ${id} runs past the end`);
    if (id === 10) {
      const r = new Reader(bytes, start, start + size);
      for (let n = r.u32(); n > 0; n--) {
        const bodySize = r.u32();
        if (r.pos + bodySize > r.end) throw new Error('wasm: function body runs past its section');
        walkBody(new Reader(bytes, r.pos, r.pos + bodySize), onSimd);
        r.pos += bodySize;
      }
      if (r.pos !== start + size) throw new Error('wasm: code section size mismatch');
    }
    top.pos = start + size;
  }
}

/** Map of SIMD opcode -> how many times the module's code uses it. */
export function simdOpcodeCounts(input) {
  const counts = new Map();
  forEachSimd(new Uint8Array(input), (op) => counts.set(op, (counts.get(op) || 0) + 1));
  return counts;
}

/**
 * Returns { bytes, rewritten }: a copy of `input` (a wasm module) with every
 * prototype f32x4.fma / f32x4.fms rewritten to the standard relaxed_madd /
 * relaxed_nmadd, and how many were. Throws on a module it cannot decode or
 * one holding another prototype relaxed opcode.
 */
export function standardizeRelaxedSimd(input) {
  const bytes = new Uint8Array(input);
  let rewritten = 0;
  forEachSimd(bytes, (op, at) => {
    const standard = PROTOTYPE_TO_STANDARD.get(op);
    if (standard !== undefined) {
      // Both are two-byte LEBs: 0xaf 0x01 -> 0x85 0x02.
      if (bytes[at + 1] !== 0x01) throw new Error(`wasm: unexpected encoding of opcode ${op} at ${at}`);
      bytes[at] = (standard & 0x7f) | 0x80;
      bytes[at + 1] = standard >> 7;
      rewritten++;
    } else if (OTHER_PROTOTYPE.has(op)) {
      throw new Error(`wasm: prototype relaxed SIMD opcode 0x${op.toString(16)} at ${at} has no rewrite`);
    }
  });
  return { bytes, rewritten };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: node wasm/relaxed-simd.mjs IN.wasm OUT.wasm');
    process.exit(2);
  }
  const { bytes, rewritten } = standardizeRelaxedSimd(readFileSync(input));
  if (rewritten === 0) {
    console.error(`${input}: no prototype fma/fms found (were the FMA kernels linked?)`);
    process.exit(1);
  }
  writeFileSync(output, bytes);
  console.log(`${output}: ${rewritten} f32x4 fma/fms opcodes standardized`);
}
