/* tflite_ops.c — TFLite builtin operators to graph nodes. One mapping per
 * builtin: its inputs (optional ones are -1 in the file), its options
 * table, its fused activation. Anything else is an `unsupported` error
 * naming the op: a model never runs with an op silently ignored. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "loaders/tflite/tflite_internal.h"
#include "loaders/tflite/tflite_schema.h"

typedef struct {
  int32_t code;
  const char* name;
  kt_op_type op;
} op_map;

static const op_map kOps[] = {
    {kTflAdd, "ADD", kt_op_add},
    {kTflSub, "SUB", kt_op_sub},
    {kTflMul, "MUL", kt_op_mul},
    {kTflDiv, "DIV", kt_op_div},
    {kTflConcatenation, "CONCATENATION", kt_op_concat},
    {kTflConv2d, "CONV_2D", kt_op_conv2d},
    {kTflDepthwiseConv2d, "DEPTHWISE_CONV_2D", kt_op_depthwise_conv2d},
    {kTflDepthToSpace, "DEPTH_TO_SPACE", kt_op_depth_to_space},
    {kTflLogistic, "LOGISTIC", kt_op_sigmoid},
    {kTflMaxPool2d, "MAX_POOL_2D", kt_op_max_pool2d},
    {kTflRelu, "RELU", kt_op_relu},
    {kTflRelu6, "RELU6", kt_op_relu6},
    {kTflReshape, "RESHAPE", kt_op_reshape},
    {kTflResizeBilinear, "RESIZE_BILINEAR", kt_op_resize_bilinear},
    {kTflPad, "PAD", kt_op_pad},
};

kt_status kt_tfl_op_code(const kt_tfl_loader* L, const kt_fb_table* op, int32_t* code_out) {
  uint32_t index = 0;
  kt_fb_table oc;
  uint8_t deprecated = 0;
  int32_t builtin = 0;
  if (!kt_fb_u32(op, kTflOpOpcodeIndex, 0, &index) || !kt_fb_vec_table(&L->opcodes, index, &oc) ||
      !kt_fb_u8(&oc, kTflOpCodeDeprecated, 0, &deprecated) || !kt_fb_i32(&oc, kTflOpCodeBuiltin, 0, &builtin))
    return kt_fail(kt_status_model_format, "tflite: operator with a bad opcode index");
  const int32_t code = (int32_t)(int8_t)deprecated > builtin ? (int32_t)(int8_t)deprecated : builtin;
  if (code == 32) { /* CUSTOM */
    const char* custom = NULL;
    size_t n = 0;
    if (!kt_fb_string(&oc, kTflOpCodeCustom, &custom, &n)) custom = "?";
    return kt_fail(kt_status_unsupported, "tflite: unsupported custom op '%.64s'", custom);
  }
  *code_out = code;
  return kt_status_ok;
}

static kt_status activation(uint8_t act, kt_node* n, const char* op) {
  switch (act) {
    case kTflActNone: return kt_status_ok;
    case kTflActRelu: n->attrs.act_min = 0.0f; return kt_status_ok;
    case kTflActReluN1To1: n->attrs.act_min = -1.0f; n->attrs.act_max = 1.0f; return kt_status_ok;
    case kTflActRelu6: n->attrs.act_min = 0.0f; n->attrs.act_max = 6.0f; return kt_status_ok;
    default: return kt_fail(kt_status_unsupported, "tflite: %s with fused activation %u", op, act);
  }
}

static kt_status padding(uint8_t p, kt_node* n, const char* op) {
  if (p != kTflPaddingSame && p != kTflPaddingValid) return kt_fail(kt_status_unsupported, "tflite: %s padding %u", op, p);
  n->attrs.padding_same = p == kTflPaddingSame;
  return kt_status_ok;
}

/* A constant int32 tensor added to the graph (concat's axis, reshape's shape). */
static kt_status const_ints(kt_graph* g, const char* name, const int32_t* v, int count, int rank, int* index_out) {
  const int32_t dims[1] = {count};
  kt_status s = kt_graph_add_tensor(g, name, kt_dtype_i32, rank, dims, index_out);
  if (s != kt_status_ok) return s;
  kt_tensor* t = &g->tensors[*index_out];
  t->data = malloc((size_t)(count ? count : 1) * sizeof(int32_t));
  if (!t->data) return kt_status_out_of_memory;
  memcpy(t->data, v, sizeof(int32_t) * (size_t)count);
  t->is_const = true;
  t->phase = -1;
  return kt_status_ok;
}

static kt_status read_options(kt_tfl_loader* L, const kt_fb_table* op, const op_map* m, kt_node* n) {
  kt_fb_table o;
  bool has = false;
  if (!kt_fb_table_field(op, kTflOpOptions, &o, &has)) return kt_fail(kt_status_model_format, "tflite: %s options", m->name);
  const bool need = m->op == kt_op_conv2d || m->op == kt_op_depthwise_conv2d || m->op == kt_op_max_pool2d ||
                    m->op == kt_op_depth_to_space;
  if (need && !has) return kt_fail(kt_status_model_format, "tflite: %s without options", m->name);
  kt_node_attrs* a = &n->attrs;
  uint8_t pad = 0, act = 0, align = 0, half = 0;
  bool ok = true;
  kt_status s = kt_status_ok;
  switch (m->op) {
    case kt_op_conv2d:
      ok = kt_fb_u8(&o, kTflConvPadding, 0, &pad) && kt_fb_i32(&o, kTflConvStrideW, 1, &a->stride_w) &&
           kt_fb_i32(&o, kTflConvStrideH, 1, &a->stride_h) && kt_fb_u8(&o, kTflConvAct, 0, &act) &&
           kt_fb_i32(&o, kTflConvDilationW, 1, &a->dilation_w) && kt_fb_i32(&o, kTflConvDilationH, 1, &a->dilation_h);
      if (ok) s = padding(pad, n, m->name);
      break;
    case kt_op_depthwise_conv2d:
      /* depth_multiplier is not read: the filter's shape says it (and
       * some converters wrote it wrong). */
      ok = kt_fb_u8(&o, kTflDwPadding, 0, &pad) && kt_fb_i32(&o, kTflDwStrideW, 1, &a->stride_w) &&
           kt_fb_i32(&o, kTflDwStrideH, 1, &a->stride_h) && kt_fb_u8(&o, kTflDwAct, 0, &act) &&
           kt_fb_i32(&o, kTflDwDilationW, 1, &a->dilation_w) && kt_fb_i32(&o, kTflDwDilationH, 1, &a->dilation_h);
      if (ok) s = padding(pad, n, m->name);
      break;
    case kt_op_max_pool2d:
      ok = kt_fb_u8(&o, kTflPoolPadding, 0, &pad) && kt_fb_i32(&o, kTflPoolStrideW, 1, &a->stride_w) &&
           kt_fb_i32(&o, kTflPoolStrideH, 1, &a->stride_h) && kt_fb_i32(&o, kTflPoolFilterW, 1, &a->filter_w) &&
           kt_fb_i32(&o, kTflPoolFilterH, 1, &a->filter_h) && kt_fb_u8(&o, kTflPoolAct, 0, &act);
      if (ok) s = padding(pad, n, m->name);
      break;
    case kt_op_add:
    case kt_op_sub:
    case kt_op_mul:
    case kt_op_div:
      if (has) ok = kt_fb_u8(&o, kTflBinaryAct, 0, &act);
      break;
    case kt_op_concat: {
      int32_t axis = 0;
      if (has) ok = kt_fb_i32(&o, kTflConcatAxis, 0, &axis) && kt_fb_u8(&o, kTflConcatAct, 0, &act);
      if (ok && act != kTflActNone) return kt_fail(kt_status_unsupported, "tflite: CONCATENATION with an activation");
      if (ok && n->num_inputs >= KT_MAX_NODE_INPUTS) return kt_fail(kt_status_unsupported, "tflite: CONCATENATION of %d inputs", n->num_inputs);
      int ai = -1;
      char name[160];
      snprintf(name, sizeof(name), "%s/axis", n->name);
      if (ok) s = const_ints(L->g, name, &axis, 1, 0, &ai);
      if (ok && s == kt_status_ok) n->inputs[n->num_inputs++] = ai;
      break;
    }
    case kt_op_resize_bilinear:
      if (has) ok = kt_fb_u8(&o, kTflResizeAlignCorners, 0, &align) && kt_fb_u8(&o, kTflResizeHalfPixel, 0, &half);
      a->align_corners = align != 0;
      a->half_pixel_centers = half != 0;
      break;
    case kt_op_depth_to_space: ok = kt_fb_i32(&o, kTflDepthToSpaceBlock, 0, &a->block_size); break;
    case kt_op_reshape:
      if (n->num_inputs < 2) { /* the shape from the options */
        kt_fb_vector shape;
        int32_t v[KT_MAX_DIMS];
        ok = has && kt_fb_vector_field(&o, kTflReshapeNewShape, 4, &shape) && shape.count <= KT_MAX_DIMS;
        for (uint32_t i = 0; ok && i < shape.count; i++) ok = kt_fb_vec_i32(&shape, i, &v[i]);
        int si = -1;
        char name[160];
        snprintf(name, sizeof(name), "%s/shape", n->name);
        if (ok) s = const_ints(L->g, name, v, (int)shape.count, 1, &si);
        if (ok && s == kt_status_ok) n->inputs[n->num_inputs++] = si;
      }
      break;
    default: break;
  }
  if (!ok) return kt_fail(kt_status_model_format, "tflite: %s options are malformed", m->name);
  if (s != kt_status_ok) return s;
  return activation(act, n, m->name);
}

static kt_status add_op(kt_tfl_loader* L, uint32_t index, const kt_fb_table* op, int32_t code) {
  const op_map* m = NULL;
  for (size_t i = 0; i < sizeof(kOps) / sizeof(kOps[0]); i++)
    if (kOps[i].code == code) m = &kOps[i];
  if (!m) return kt_fail(kt_status_unsupported, "tflite: unsupported op %d (builtin code) at operator %u", code, index);
  kt_fb_vector ins, outs;
  if (!kt_fb_vector_field(op, kTflOpInputs, 4, &ins) || !kt_fb_vector_field(op, kTflOpOutputs, 4, &outs) || outs.count != 1)
    return kt_fail(kt_status_model_format, "tflite: %s at operator %u has bad inputs or outputs", m->name, index);
  int32_t out = -1;
  if (!kt_fb_vec_i32(&outs, 0, &out) || out < 0 || (uint32_t)out >= L->num_tensors || L->map[out] < 0)
    return kt_fail(kt_status_model_format, "tflite: %s at operator %u writes a bad tensor", m->name, index);
  kt_tensor* y = &L->g->tensors[L->map[out]];
  if (y->is_const || y->producer >= 0)
    return kt_fail(kt_status_model_format, "tflite: %s at operator %u writes '%s' twice", m->name, index, y->name);
  int ni = -1;
  kt_status s = kt_graph_add_node(L->g, m->op, y->name, &ni);
  if (s != kt_status_ok) return s;
  kt_node* n = &L->g->nodes[ni];
  for (uint32_t k = 0; k < ins.count; k++) {
    int32_t t = -1;
    char name[128];
    if (!kt_fb_vec_i32(&ins, k, &t) || t < -1 || t >= (int32_t)L->num_tensors)
      return kt_fail(kt_status_model_format, "tflite: %s at operator %u reads a bad tensor", m->name, index);
    if (t == -1) continue; /* an optional input left out (a conv without bias) */
    if (L->map[t] < 0)
      return kt_fail(kt_status_unsupported, "tflite: %s reads '%s', a tensor of a type the runtime does not run",
                     m->name, kt_tfl_tensor_name(L, (uint32_t)t, name, sizeof(name)));
    if (n->num_inputs >= KT_MAX_NODE_INPUTS - 1)
      return kt_fail(kt_status_unsupported, "tflite: %s with %u inputs", m->name, ins.count);
    n->inputs[n->num_inputs++] = L->map[t];
  }
  if (n->num_inputs == 0) return kt_fail(kt_status_model_format, "tflite: %s at operator %u has no inputs", m->name, index);
  n->outputs[n->num_outputs++] = L->map[out];
  y->producer = ni;
  return read_options(L, op, m, n);
}

kt_status kt_tfl_load_ops(kt_tfl_loader* L) {
  for (uint32_t i = 0; i < L->operators.count; i++) {
    if (L->folded_op[i]) continue;
    kt_fb_table op;
    int32_t code = -1;
    if (!kt_fb_vec_table(&L->operators, i, &op)) return kt_fail(kt_status_model_format, "tflite: operator %u", i);
    kt_status s = kt_tfl_op_code(L, &op, &code);
    if (s == kt_status_ok) s = add_op(L, i, &op, code);
    if (s != kt_status_ok) return s;
  }
  return kt_status_ok;
}
