// tflite_builder.mjs — writes small TFLite flatbuffers (schema v3) for the
// loader's tests and fuzz seeds. Our own minimal FlatBuffers writer: every
// object is laid out after the one that points to it (uoffsets are
// unsigned, so they point forward), each table right after its vtable.
//
//   const bytes = tfliteModel({ tensors, buffers, operators, opcodes, inputs, outputs });
//
// Field values are tagged: u8(v), i32(v), u32(v), table(fields), vecI32([..]),
// vecU16([..]), vecU8(bytes), vecTable([fields, ..]), str(s). A table is an
// array indexed by field id (holes are absent fields).

export const u8 = (v) => ({ t: 'u8', v });
export const i32 = (v) => ({ t: 'i32', v });
export const u32 = (v) => ({ t: 'u32', v });
export const table = (v) => ({ t: 'table', v });
export const vecI32 = (v) => ({ t: 'vecI32', v });
export const vecU16 = (v) => ({ t: 'vecU16', v });
export const vecU8 = (v) => ({ t: 'vecU8', v: Buffer.from(v) });
export const vecTable = (v) => ({ t: 'vecTable', v });
export const str = (v) => ({ t: 'str', v });

class Writer {
  constructor() { this.buf = Buffer.alloc(1 << 16); this.len = 0; }
  reserve(n) {
    while (this.len + n > this.buf.length) {
      const b = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(b);
      this.buf = b;
    }
  }
  align(n) { this.reserve(n); while (this.len % n) this.buf[this.len++] = 0; }
  u8(v) { this.reserve(1); this.buf.writeUInt8(v, this.len); this.len += 1; }
  u16(v) { this.reserve(2); this.buf.writeUInt16LE(v, this.len); this.len += 2; }
  u32(v) { this.reserve(4); this.buf.writeUInt32LE(v >>> 0, this.len); this.len += 4; }
  i32(v) { this.reserve(4); this.buf.writeInt32LE(v, this.len); this.len += 4; }
  bytes(b) { this.reserve(b.length); b.copy(this.buf, this.len); this.len += b.length; }
  patchU32(at, v) { this.buf.writeUInt32LE(v >>> 0, at); }
}

const isRef = (f) => ['table', 'vecI32', 'vecU16', 'vecU8', 'vecTable', 'str'].includes(f.t);

// Writes a table (vtable first) and then everything it points to.
function writeTable(w, fields) {
  w.align(4);
  const n = fields.length;
  const vt = w.len;
  const inlineBytes = 4 + 4 * n; // every field gets a 4-byte slot (u8 included)
  w.u16(4 + 2 * n);
  w.u16(inlineBytes);
  for (let i = 0; i < n; i++) w.u16(fields[i] ? 4 + 4 * i : 0);
  w.align(4);
  const tab = w.len;
  w.i32(tab - vt);
  const refs = [];
  for (let i = 0; i < n; i++) {
    const f = fields[i];
    const at = w.len;
    if (!f) w.u32(0);
    else if (f.t === 'u8') { w.u8(f.v); w.u8(0); w.u16(0); }
    else if (f.t === 'i32') w.i32(f.v);
    else if (f.t === 'u32') w.u32(f.v);
    else if (isRef(f)) { w.u32(0); refs.push([at, f]); }
    else throw new Error(`unknown field type ${f.t}`);
  }
  for (const [at, f] of refs) w.patchU32(at, writeRef(w, f) - at);
  return tab;
}

function writeRef(w, f) {
  if (f.t === 'table') return writeTable(w, f.v);
  w.align(4);
  const start = w.len;
  if (f.t === 'vecI32') { w.u32(f.v.length); for (const x of f.v) w.i32(x); }
  else if (f.t === 'vecU16') { w.u32(f.v.length); for (const x of f.v) w.u16(x); }
  else if (f.t === 'vecU8') { w.u32(f.v.length); w.bytes(f.v); }
  else if (f.t === 'str') { const b = Buffer.from(f.v); w.u32(b.length); w.bytes(b); w.u8(0); }
  else if (f.t === 'vecTable') {
    w.u32(f.v.length);
    const slots = f.v.map(() => { const at = w.len; w.u32(0); return at; });
    f.v.forEach((t, i) => w.patchU32(slots[i], writeTable(w, t) - slots[i]));
  }
  return start;
}

// A whole file: root uoffset, "TFL3", then the Model table.
export function flatbuffer(rootFields) {
  const w = new Writer();
  w.u32(0);
  w.bytes(Buffer.from('TFL3'));
  w.patchU32(0, writeTable(w, rootFields));
  return Buffer.from(w.buf.subarray(0, w.len));
}

export const T = { f32: 0, f16: 1, i32: 2, u8: 3, i64: 4, i8: 9 };
export const OP = { ADD: 0, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEPTH_TO_SPACE: 5, DEQUANTIZE: 6,
  LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RELU: 19, RELU6: 21, RESHAPE: 22, RESIZE_BILINEAR: 23, PAD: 34,
  SUB: 41, DIV: 42, GATHER: 36, CUSTOM: 32, DENSIFY: 124 };

const f32Bytes = (a) => { const b = Buffer.alloc(a.length * 4); a.forEach((x, i) => b.writeFloatLE(x, i * 4)); return b; };
const i32Bytes = (a) => { const b = Buffer.alloc(a.length * 4); a.forEach((x, i) => b.writeInt32LE(x, i * 4)); return b; };
// float -> IEEE half (round to nearest even; test values are exact).
export function toHalf(x) {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000, exp = ((u >>> 23) & 0xff) - 127 + 15, mant = u & 0x7fffff;
  if (x === 0) return sign;
  if (exp <= 0 || exp >= 31) throw new Error(`${x} is not a normal half`);
  return sign | (exp << 10) | (mant >>> 13);
}
const f16Bytes = (a) => { const b = Buffer.alloc(a.length * 2); a.forEach((x, i) => b.writeUInt16LE(toHalf(x), i * 2)); return b; };

// A model from a compact description:
//   tensors: [{ name, shape, type: 'f32'|'f16'|'i32'|..., data?: number[], sparsity?: fields }]
//   ops: [{ op: 'CONV_2D', inputs: [..], outputs: [..], options?: fields, optionsType?: n }]
export function tfliteModel({ tensors, ops, inputs, outputs, version = 3, customCode = null }) {
  const buffers = [[]]; // buffer 0: the empty sentinel
  const tensorTables = tensors.map((t) => {
    let buffer = 0;
    if (t.data) {
      const bytes = t.raw ? Buffer.from(t.data) : t.type === 'f16' ? f16Bytes(t.data) : t.type === 'i32' ? i32Bytes(t.data) : f32Bytes(t.data);
      buffer = buffers.length;
      buffers.push([vecU8(bytes)]);
    }
    const fields = [vecI32(t.shape), u8(T[t.type ?? 'f32']), u32(buffer), str(t.name)];
    if (t.sparsity) fields[6] = table(t.sparsity);
    return fields;
  });
  const codes = [...new Set(ops.map((o) => o.op))];
  const opcodeTables = codes.map((c) => {
    const code = OP[c] ?? c;
    const f = [u8(Math.min(code, 127)), undefined, i32(1), i32(code)];
    if (code === OP.CUSTOM) f[1] = str(customCode ?? 'MyCustomOp');
    return f;
  });
  const opTables = ops.map((o) => {
    const f = [u32(codes.indexOf(o.op)), vecI32(o.inputs), vecI32(o.outputs)];
    if (o.options) { f[3] = u8(o.optionsType ?? 1); f[4] = table(o.options); }
    return f;
  });
  const subgraph = [vecTable(tensorTables), vecI32(inputs), vecI32(outputs), vecTable(opTables), str('main')];
  return flatbuffer([u32(version), vecTable(opcodeTables), vecTable([subgraph]), str('kinetrack test model'), vecTable(buffers)]);
}

// SparsityParameters for a tensor whose dims 0..rank-2 are dense and the
// last is CSR, from its dense values (zeros dropped); returns
// { sparsity, values } with values in traversal order.
export function csrLastDim(shape, dense) {
  const inner = shape[shape.length - 1];
  const outer = dense.length / inner;
  const segments = [0], indices = [], values = [];
  for (let r = 0; r < outer; r++) {
    for (let c = 0; c < inner; c++) {
      const v = dense[r * inner + c];
      if (v !== 0) { indices.push(c); values.push(v); }
    }
    segments.push(indices.length);
  }
  const dims = shape.map((d, i) => (i < shape.length - 1 ? [u8(0), i32(d)]
    : [u8(1), i32(0), u8(2), table([vecU16(segments)]), u8(3), table([vecU8(indices)])]));
  return { sparsity: [vecI32(shape.map((_, i) => i)), undefined, vecTable(dims)], values };
}
