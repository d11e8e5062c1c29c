#!/usr/bin/env node
// Writes the seed corpora of the fuzz harnesses (tests/fuzz/corpus/*):
// a few real-looking queries (byte 0 picks the plan, see fuzz_query.c) and
// tiny hand-built TF.js graph models in the loader harness's format
// (4-byte little-endian model.json length, model.json, weight bytes; see
// fuzz_tfjs_loader.c). The output is committed; rerun after editing.
//   node tests/fuzz/make_seeds.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const write = (dir, name, bytes) => {
  fs.mkdirSync(path.join(here, 'corpus', dir), { recursive: true });
  fs.writeFileSync(path.join(here, 'corpus', dir, name), bytes);
};

// ------------------------------------------------------------------ query
// Plan selector: 0 free, 1 developer, 2 custom, 3 company, 4 enterprise,
// 5 default (NULL), 6 unknown name, 7 empty name.
const queries = {
  developer_all: [1, 'source=image&keypoints=true&angles=true&skeleton=false'],
  free_angles: [0, 'angles=true&keypoints=true'],
  default_flags: [5, '?source=video&keypoints&skeleton=0'],
  custom_encoded: [2, '%73ource=%69mage&angles=%74rue&skeleton=1'],
  company_not_yet: [3, 'exercise=squat&reference=abc&minGrade=3'],
  enterprise_onoff: [4, 'blazepose=false&export=0&progression=true&recommendations=1'],
  unknown_plan: [6, 'source=video'],
  bad_escape: [1, 'source=video+&angles=%zz&keypoints=tru%'],
  repeats: [1, 'source=image&source=video&unknown=1&&=&Source=x&userExercise='],
};
for (const [name, [plan, q]] of Object.entries(queries)) {
  write('query', name, Buffer.concat([Buffer.from([plan]), Buffer.from(q)]));
}

// ------------------------------------------------------------ tfjs_loader
const b64 = (s) => Buffer.from(s).toString('base64');
const dtype = (t) => ({ type: t });
const shapeAttr = (dims) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } });
const placeholder = (name, dims) => ({
  name, op: 'Placeholder', attr: { dtype: dtype('DT_INT32'), shape: shapeAttr(dims) },
});
const konst = (name, t = 'DT_FLOAT') => ({ name, op: 'Const', attr: { dtype: dtype(t) } });
const cast = (name, input) => ({
  name, op: 'Cast', input: [input], attr: { SrcT: dtype('DT_INT32'), DstT: dtype('DT_FLOAT') },
});
const op = (name, o, input, attr = { T: dtype('DT_FLOAT') }) => ({ name, op: o, input, attr });
const convAttr = (padding, fused = []) => ({
  T: dtype('DT_FLOAT'),
  strides: { list: { i: ['1', '1', '1', '1'] } },
  dilations: { list: { i: ['1', '1', '1', '1'] } },
  data_format: { s: b64('NHWC') },
  padding: { s: b64(padding) },
  ...(fused.length ? { fused_ops: { list: { s: fused.map(b64) } }, num_args: { i: '1' } } : {}),
});

const f32 = (values) => Buffer.from(new Float32Array(values).buffer);
const i32 = (values) => Buffer.from(new Int32Array(values).buffer);
const f16 = (values) => {
  // Only values exact in half precision are used here.
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => {
    const f = new Float32Array([v]);
    const u = new Uint32Array(f.buffer)[0];
    const sign = (u >>> 16) & 0x8000;
    const exp = ((u >>> 23) & 0xff) - 127 + 15;
    const mant = (u >>> 13) & 0x3ff;
    out.writeUInt16LE(v === 0 ? sign : sign | (exp << 10) | mant, 2 * i);
  });
  return out;
};

// weights: [{name, shape, dtype, bytes, quantization?}]
const model = (nodes, weights) => {
  const json = {
    format: 'graph-model',
    generatedBy: 'make_seeds.mjs',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{
      paths: ['group1-shard1of1.bin'],
      weights: weights.map(({ bytes, ...w }) => w),
    }],
  };
  const text = Buffer.from(JSON.stringify(json));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(text.length);
  return Buffer.concat([len, text, ...weights.map((w) => w.bytes)]);
};

// x int32 [1,2,2,1] -> Cast -> Mul(w) -> Identity.
write('tfjs_loader', 'cast_mul', model(
  [placeholder('x', [1, 2, 2, 1]), konst('w'), cast('c', 'x'), op('m', 'Mul', ['c', 'w']),
    op('Identity', 'Identity', ['m'])],
  [{ name: 'w', shape: [1], dtype: 'float32', bytes: f32([0.5]) }],
));

// x int32 [1,4,4,2] -> Cast -> DepthwiseConv2dNative (float16 filter,
// SAME) -> ResizeBilinear to 6x6 -> Relu6 -> Identity.
write('tfjs_loader', 'depthwise_resize', model(
  [placeholder('x', [1, 4, 4, 2]), konst('dw'), konst('size', 'DT_INT32'), cast('c', 'x'),
    op('d', 'DepthwiseConv2dNative', ['c', 'dw'], convAttr('SAME')),
    op('r', 'ResizeBilinear', ['d', 'size'], { T: dtype('DT_FLOAT'), half_pixel_centers: { b: true } }),
    op('a', 'Relu6', ['r']), op('Identity', 'Identity', ['a'])],
  [{ name: 'dw', shape: [3, 3, 2, 1], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' },
    bytes: f16([0.25, 0.5, 0.25, 1, 0.5, -0.5, 0.25, 0.5, 0.25, 1, 0.5, -0.5, 0.25, 0.5, 0.25, 1, 0.5, -0.5]) },
  { name: 'size', shape: [2], dtype: 'int32', bytes: i32([6, 6]) }],
));

// x int32 [1,3,3,1] -> Cast -> _FusedConv2D (uint8 filter, f32 bias,
// BiasAdd+Relu, VALID) -> Sigmoid -> Reshape [1,8] -> Identity.
write('tfjs_loader', 'fused_conv_reshape', model(
  [placeholder('x', [1, 3, 3, 1]), konst('k'), konst('b'), konst('shape', 'DT_INT32'), cast('c', 'x'),
    op('conv', '_FusedConv2D', ['c', 'k', 'b'], convAttr('VALID', ['BiasAdd', 'Relu'])),
    op('s', 'Sigmoid', ['conv']), op('rs', 'Reshape', ['s', 'shape']), op('Identity', 'Identity', ['rs'])],
  [{ name: 'k', shape: [2, 2, 1, 2], dtype: 'float32',
    quantization: { dtype: 'uint8', scale: 0.5, min: -1, original_dtype: 'float32' },
    bytes: Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]) },
  { name: 'b', shape: [2], dtype: 'float32', bytes: f32([0.1, -0.2]) },
  { name: 'shape', shape: [2], dtype: 'int32', bytes: i32([1, 8]) }],
));

// x int32 [1,2,2,2] -> Cast -> Unpack(axis 3) -> Maximum/SquaredDifference
// -> Pack(axis 3) -> ConcatV2 with the cast -> Sqrt -> Identity.
write('tfjs_loader', 'unpack_pack_concat', model(
  [placeholder('x', [1, 2, 2, 2]), konst('axis', 'DT_INT32'), cast('c', 'x'),
    op('u', 'Unpack', ['c'], { T: dtype('DT_FLOAT'), num: { i: '2' }, axis: { i: '3' } }),
    op('mx', 'Maximum', ['u', 'u:1']), op('sd', 'SquaredDifference', ['u:0', 'u:1']),
    op('p', 'Pack', ['mx', 'sd'], { T: dtype('DT_FLOAT'), N: { i: '2' }, axis: { i: '3' } }),
    op('cc', 'ConcatV2', ['p', 'c', 'axis'], { T: dtype('DT_FLOAT'), N: { i: '2' } }),
    op('sq', 'Sqrt', ['cc']), op('Identity', 'Identity', ['sq'])],
  [{ name: 'axis', shape: [], dtype: 'int32', bytes: i32([3]) }],
));

// A zero-size weight: x [1,2,2,1] - w [0] broadcasts to an empty [1,2,2,0]
// output (found by the fuzzer; it loads and runs on nothing).
write('tfjs_loader', 'zero_size_weight', model(
  [placeholder('x', [1, 2, 2, 1]), konst('w'), cast('c', 'x'), op('m', 'Sub', ['c', 'w']),
    op('Identity', 'Identity', ['m'])],
  [{ name: 'w', shape: [0], dtype: 'float32', bytes: Buffer.alloc(0) }],
));

// -------------------------------------------------------------- definition
// Every built-in exercise definition (byte 0: difficulty in bits 0-1, frames
// to run in bits 2-7; see fuzz_definition.c), and a few broken ones.
const exercisesDir = path.join(here, '..', '..', 'exercises');
const seedByte = (difficulty, frames) => Buffer.from([(frames << 2) | difficulty]);
for (const f of fs.readdirSync(exercisesDir).filter((n) => n.endsWith('.json') && n !== 'catalog.json' && !n.endsWith('.schema.json')).sort()) {
  const text = JSON.stringify(JSON.parse(fs.readFileSync(path.join(exercisesDir, f), 'utf8')));
  write('definition', f.replace(/\.json$/, ''), Buffer.concat([seedByte(1, 40), Buffer.from(text)]));
}
const broken = {
  not_json: '{"id": "x", "kind": "rep",',
  wrong_types: '{"id": 3, "kind": ["rep"], "metrics": "knee", "placement": 1}',
  unknown_metric: '{"id":"x","kind":"rep","placement":{},"metrics":{"a":{"type":"angle","points":["hip","knee","ankle"]}},"rep":{"signals":[{"metric":"b","rest":0,"target":1}]}}',
  huge_numbers: '{"id":"x","kind":"hold","placement":{"frames":1e308},"metrics":{"a":{"type":"dy","points":["hip","knee"],"ref":"max"}},"hold":{"conditions":[{"metric":"a","min":-1e308,"max":1e308}],"grace_ms":1e308}}',
  side_on_fixed: '{"id":"x","kind":"hold","placement":{},"metrics":{"a":{"type":"angle","points":["left_hip","left_knee","left_ankle"]}},"hold":{"conditions":[{"metric":"a","side":"this","min":1}]}}',
};
for (const [name, text] of Object.entries(broken)) write('definition', name, Buffer.concat([seedByte(0, 8), Buffer.from(text)]));

// ----------------------------------------------------------- tflite_loader
// Small TFLite flatbuffers (tflite_builder.mjs). tests/c/test_tflite_loader.c
// loads these same files and checks their outputs against loops of its own,
// so the two must agree on what each model computes.
{
  const { tfliteModel, csrLastDim, u8, i32, vecI32 } = await import('./tflite_builder.mjs');
  const conv = (pad, sw, sh, act) => [u8(pad), i32(sw), i32(sh), u8(act), i32(1), i32(1)];
  const dwOpt = (pad, sw, sh, act) => [u8(pad), i32(sw), i32(sh), i32(1), u8(act), i32(1), i32(1)];
  const pool = (pad, sw, sh, fw, fh) => [u8(pad), i32(sw), i32(sh), i32(fw), i32(fh), u8(0)];
  const SAME = 0, VALID = 1, RELU6 = 3;

  // x [1,3,3,2] -> 1x1 CONV (f16 weights behind DEQUANTIZE, bias, RELU6)
  // -> DEPTHWISE 2x2 VALID -> PAD (H before 1, W after 1) -> MAX_POOL 2x2
  // s1 VALID -> ADD const -> LOGISTIC.
  write('tflite_loader', 'conv_chain', tfliteModel({
    tensors: [
      { name: 'x', shape: [1, 3, 3, 2] },
      { name: 'w1_f16', shape: [2, 1, 1, 2], type: 'f16', data: [1, 2, 3, -1] },
      { name: 'w1', shape: [2, 1, 1, 2] },
      { name: 'b1', shape: [2], data: [0.5, -0.5] },
      { name: 'y1', shape: [1, 3, 3, 2] },
      { name: 'dw', shape: [1, 2, 2, 2], data: [1, 0.5, -1, 2, 0.25, 1, 2, -0.5] },
      { name: 'y2', shape: [1, 2, 2, 2] },
      { name: 'pads', shape: [4, 2], type: 'i32', data: [0, 0, 1, 0, 0, 1, 0, 0] },
      { name: 'y3', shape: [1, 3, 3, 2] },
      { name: 'y4', shape: [1, 2, 2, 2] },
      { name: 'c', shape: [2], data: [-1, 0.5] },
      { name: 'y5', shape: [1, 2, 2, 2] },
      { name: 'out', shape: [1, 2, 2, 2] },
    ],
    ops: [
      { op: 'DEQUANTIZE', inputs: [1], outputs: [2] },
      { op: 'CONV_2D', inputs: [0, 2, 3], outputs: [4], options: conv(VALID, 1, 1, RELU6) },
      { op: 'DEPTHWISE_CONV_2D', inputs: [4, 5, -1], outputs: [6], options: dwOpt(VALID, 1, 1, 0), optionsType: 2 },
      { op: 'PAD', inputs: [6, 7], outputs: [8] },
      { op: 'MAX_POOL_2D', inputs: [8], outputs: [9], options: pool(VALID, 1, 1, 2, 2), optionsType: 5 },
      { op: 'ADD', inputs: [9, 10], outputs: [11], options: [u8(0)], optionsType: 11 },
      { op: 'LOGISTIC', inputs: [11], outputs: [12] },
    ],
    inputs: [0],
    outputs: [12],
  }));

  // x [1,2,2,4] -> 1x1 CONV with a sparse f16 permutation (DENSIFY ->
  // DEQUANTIZE) -> DEPTH_TO_SPACE 2 -> RESIZE_BILINEAR to 2x2 (half pixel)
  // -> RESHAPE [1,4] (options) = out0; the conv output RESHAPE [1,16]
  // (shape tensor) twice through CONCATENATION axis 1 = out1 [1,32].
  const perm = [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]; // out o reads in channel p(o): 2,0,3,1
  const sparse = csrLastDim([4, 1, 1, 4], perm);
  write('tflite_loader', 'sparse_d2s_concat', tfliteModel({
    tensors: [
      { name: 'x', shape: [1, 2, 2, 4] },
      { name: 'w_sparse', shape: [4, 1, 1, 4], type: 'f16', data: sparse.values, sparsity: sparse.sparsity },
      { name: 'w_f16', shape: [4, 1, 1, 4], type: 'f16' },
      { name: 'w', shape: [4, 1, 1, 4] },
      { name: 'y1', shape: [1, 2, 2, 4] },
      { name: 'y2', shape: [1, 4, 4, 1] },
      { name: 'size', shape: [2], type: 'i32', data: [2, 2] },
      { name: 'y3', shape: [1, 2, 2, 1] },
      { name: 'out0', shape: [1, 4] },
      { name: 'shape16', shape: [2], type: 'i32', data: [1, 16] },
      { name: 'r', shape: [1, 16] },
      { name: 'out1', shape: [1, 32] },
    ],
    ops: [
      { op: 'DEQUANTIZE', inputs: [2], outputs: [3] }, // before its DENSIFY: order must not matter
      { op: 'DENSIFY', inputs: [1], outputs: [2] },
      { op: 'CONV_2D', inputs: [0, 3, -1], outputs: [4], options: conv(SAME, 1, 1, 0) },
      { op: 'DEPTH_TO_SPACE', inputs: [4], outputs: [5], options: [i32(2)], optionsType: 94 },
      { op: 'RESIZE_BILINEAR', inputs: [5, 6], outputs: [7], options: [undefined, undefined, u8(0), u8(1)], optionsType: 15 },
      { op: 'RESHAPE', inputs: [7], outputs: [8], options: [vecI32([1, 4])], optionsType: 17 },
      { op: 'RESHAPE', inputs: [4, 9], outputs: [10] },
      { op: 'CONCATENATION', inputs: [10, 10], outputs: [11], options: [i32(1), u8(0)], optionsType: 10 },
    ],
    inputs: [0],
    outputs: [8, 11],
  }));

  // Refused, each with a message naming why.
  const tiny = (op, extra = {}) => tfliteModel({
    tensors: [{ name: 'x', shape: [1, 2] }, { name: 'y', shape: [1, 2] }],
    ops: [{ op, inputs: [0], outputs: [1] }], inputs: [0], outputs: [1], ...extra,
  });
  write('tflite_loader', 'custom_op', tiny('CUSTOM', { customCode: 'Landmarks2TransformMatrix' }));
  write('tflite_loader', 'gather_op', tiny('GATHER'));
  write('tflite_loader', 'int8_tensor', tfliteModel({
    tensors: [{ name: 'x', shape: [1, 2], type: 'i8' }, { name: 'y', shape: [1, 2] }],
    ops: [{ op: 'RELU', inputs: [0], outputs: [1] }], inputs: [0], outputs: [1],
  }));
  write('tflite_loader', 'relu_v2', tiny('RELU', { version: 2 }));
}

// --------------------------------------------------------------- signature
// A real signature (squat_signature.json: one rep of a side-view squat,
// made by `kinetrack reference create`) at each scoring profile, broken
// copies, and builder-mode inputs (byte 0 bit 7: poses as 17 x 3 floats).
{
  const text = fs.readFileSync(path.join(here, 'squat_signature.json'), 'utf8');
  const sig = JSON.parse(text);
  const mode = (profile, frames4) => Buffer.from([((frames4 & 31) << 2) | profile]);
  for (const p of [0, 1, 2]) write('signature', `squat_profile${p}`, Buffer.concat([mode(p, 20), Buffer.from(text)]));
  const variants = {
    version2: { ...sig, version: 2 },
    no_samples: { ...sig, samples: [] },
    nothing_moves: { ...sig, features: sig.features.map((f) => ({ ...f, moving: false })) },
    string_value: { ...sig, samples: sig.samples.map((r, i) => (i === 3 ? r.map(() => 'x') : r)) },
    short_row: { ...sig, samples: sig.samples.map((r, i) => (i === 2 ? r.slice(1) : r)) },
    unknown_feature: { ...sig, features: [{ name: 'left_toe_angle', moving: true }, ...sig.features.slice(1)] },
    all_null: { ...sig, samples: sig.samples.map((r) => r.map(() => null)) },
    huge: { ...sig, durationMs: 1e308, samples: sig.samples.map((r) => r.map(() => 1e308)) },
  };
  for (const [name, v] of Object.entries(variants)) write('signature', name, Buffer.concat([mode(2, 8), Buffer.from(JSON.stringify(v))]));
  write('signature', 'truncated', Buffer.concat([mode(1, 4), Buffer.from(text.slice(0, 400))]));
  // Builder mode: a knee bending and straightening three times (a squat's
  // outline), then the same with NaN scores in every other frame.
  const frames = (nan) => {
    const out = [];
    for (let f = 0; f < 150; f++) {
      const d = (1 - Math.cos((2 * Math.PI * f) / 50)) / 2;
      const k = new Float32Array(51);
      for (let i = 0; i < 17; i++) {
        const side = i % 2 ? 0.48 : 0.52;
        const y = i < 5 ? 0.1 : i < 11 ? 0.3 + 0.1 * (i >> 1) * 0.2 + 0.2 * d : 0.6 + 0.1 * ((i - 11) >> 1) + (i >= 13 && i < 15 ? -0.1 * d : 0);
        k[3 * i] = side + (i >= 13 && i < 15 ? 0.1 * d : 0);
        k[3 * i + 1] = y;
        k[3 * i + 2] = nan && f % 2 ? NaN : 0.9;
      }
      out.push(Buffer.from(k.buffer));
    }
    return Buffer.concat([Buffer.from([0x80]), ...out]);
  };
  write('signature', 'builder_knee', frames(false));
  write('signature', 'builder_nan', frames(true));
}
