/* tfjs_topology.c — maps the nodes of a TF.js graph model (TensorFlow op
 * names and attrs, as converted by tensorflowjs_converter) onto kt_graph
 * nodes. Unknown ops and attrs we cannot honour are load errors naming the
 * node: a model never runs with an op silently ignored. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "loaders/tfjs/tfjs_internal.h"

typedef struct {
  const char* tf_name;
  kt_op_type op;
} op_map;

static const op_map kOpMap[] = {
    {"Identity", kt_op_identity},     {"Cast", kt_op_cast},
    {"Reshape", kt_op_reshape},       {"ExpandDims", kt_op_expand_dims},
    {"Squeeze", kt_op_squeeze},       {"Unpack", kt_op_unpack},
    {"Pack", kt_op_pack},             {"ConcatV2", kt_op_concat},
    {"AddV2", kt_op_add},             {"Add", kt_op_add},
    {"Sub", kt_op_sub},               {"Mul", kt_op_mul},
    {"RealDiv", kt_op_div},           {"FloorDiv", kt_op_floor_div},
    {"SquaredDifference", kt_op_squared_difference},
    {"Maximum", kt_op_maximum},       {"Minimum", kt_op_minimum},
    {"Sqrt", kt_op_sqrt},             {"Sigmoid", kt_op_sigmoid},
    {"Relu", kt_op_relu},             {"Relu6", kt_op_relu6},
    {"ArgMax", kt_op_argmax},         {"GatherNd", kt_op_gather_nd},
    {"Conv2D", kt_op_conv2d},         {"_FusedConv2D", kt_op_conv2d},
    {"DepthwiseConv2dNative", kt_op_depthwise_conv2d},
    {"FusedDepthwiseConv2dNative", kt_op_depthwise_conv2d},
    {"ResizeBilinear", kt_op_resize_bilinear},
};

/* ---------------------------------------------------------- attr access */

static const cJSON* attr(const cJSON* node, const char* key) {
  return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(node, "attr"), key);
}

static bool json_int(const cJSON* v, int64_t* out) {
  if (cJSON_IsNumber(v)) {
    *out = (int64_t)v->valuedouble;
    return true;
  }
  if (cJSON_IsString(v)) { /* proto int64 values arrive as strings */
    char* end = NULL;
    long long x = strtoll(v->valuestring, &end, 10);
    if (end == v->valuestring || *end) return false;
    *out = x;
    return true;
  }
  return false;
}

static bool attr_int(const cJSON* node, const char* key, int64_t* out) {
  return json_int(cJSON_GetObjectItemCaseSensitive(attr(node, key), "i"), out);
}

static bool attr_bool(const cJSON* node, const char* key) {
  return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(attr(node, key), "b"));
}

static int attr_ints(const cJSON* node, const char* key, int64_t* out, int max) {
  const cJSON* list = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(attr(node, key), "list"), "i");
  if (!cJSON_IsArray(list)) return 0;
  int n = 0;
  const cJSON* v;
  cJSON_ArrayForEach(v, list) {
    if (n >= max || !json_int(v, &out[n])) return -1;
    n++;
  }
  return n;
}

/* Decodes standard base64 (proto bytes fields) into out; -1 on bad input. */
static int base64_decode(const char* in, char* out, int max) {
  int n = 0, bits = 0;
  uint32_t acc = 0;
  for (const char* p = in; *p && *p != '='; p++) {
    const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char* hit = strchr(table, *p);
    if (!hit) return -1;
    acc = (acc << 6) | (uint32_t)(hit - table);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n >= max - 1) return -1;
      out[n++] = (char)((acc >> bits) & 0xff);
    }
  }
  out[n] = '\0';
  return n;
}

static bool attr_bytes_is(const cJSON* v, const char* expected) {
  char buf[64];
  return cJSON_IsString(v) && base64_decode(v->valuestring, buf, sizeof(buf)) >= 0 && strcmp(buf, expected) == 0;
}

static const char* attr_type(const cJSON* node, const char* key) {
  const cJSON* t = cJSON_GetObjectItemCaseSensitive(attr(node, key), "type");
  return cJSON_IsString(t) ? t->valuestring : NULL;
}

static kt_status dtype_from_tf(const char* tf, kt_dtype* out) {
  if (!tf) return kt_status_model_format;
  if (strcmp(tf, "DT_FLOAT") == 0) *out = kt_dtype_f32;
  else if (strcmp(tf, "DT_INT32") == 0 || strcmp(tf, "DT_INT64") == 0) *out = kt_dtype_i32;
  else return kt_status_unsupported;
  return kt_status_ok;
}

/* ------------------------------------------------------------ node attrs */

static kt_status read_conv_attrs(const cJSON* jn, kt_node* n, const char* name) {
  int64_t v[4];
  if (attr_ints(jn, "strides", v, 4) == 4) {
    n->attrs.stride_h = (int32_t)v[1];
    n->attrs.stride_w = (int32_t)v[2];
  }
  if (attr_ints(jn, "dilations", v, 4) == 4) {
    n->attrs.dilation_h = (int32_t)v[1];
    n->attrs.dilation_w = (int32_t)v[2];
  }
  const cJSON* fmt = cJSON_GetObjectItemCaseSensitive(attr(jn, "data_format"), "s");
  if (fmt && !attr_bytes_is(fmt, "NHWC")) return kt_fail(kt_status_unsupported, "node '%s': data_format not NHWC", name);
  const cJSON* pad = cJSON_GetObjectItemCaseSensitive(attr(jn, "padding"), "s");
  if (attr_bytes_is(pad, "SAME")) n->attrs.padding_same = true;
  else if (!attr_bytes_is(pad, "VALID")) return kt_fail(kt_status_unsupported, "node '%s': padding not SAME/VALID", name);
  const cJSON* fused = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(attr(jn, "fused_ops"), "list"), "s");
  const cJSON* f;
  bool bias = false;
  cJSON_ArrayForEach(f, fused) {
    if (attr_bytes_is(f, "BiasAdd")) bias = true;
    else if (attr_bytes_is(f, "Relu")) n->attrs.act_min = 0.0f;
    else if (attr_bytes_is(f, "Relu6")) { n->attrs.act_min = 0.0f; n->attrs.act_max = 6.0f; }
    else return kt_fail(kt_status_unsupported, "node '%s': fused op not supported", name);
  }
  /* _Fused*: inputs are x, filter, then num_args extra args (the bias). */
  int expected = bias ? 3 : 2;
  if (n->num_inputs != expected) return kt_fail(kt_status_unsupported, "node '%s': %d inputs for its fused ops", name, n->num_inputs);
  return kt_status_ok;
}

static kt_status read_attrs(const cJSON* jn, kt_node* n, const char* name) {
  int64_t v = 0;
  int64_t list[KT_MAX_DIMS];
  switch (n->op) {
    case kt_op_conv2d:
    case kt_op_depthwise_conv2d: return read_conv_attrs(jn, n, name);
    case kt_op_cast: {
      kt_status s = dtype_from_tf(attr_type(jn, "DstT"), &n->attrs.dst_type);
      return s == kt_status_ok ? s : kt_fail(s, "node '%s': cast target type", name);
    }
    case kt_op_unpack: /* num: validated in pass 1, it sized the outputs */
    case kt_op_pack:
      n->attrs.axis = attr_int(jn, "axis", &v) ? (int32_t)v : 0;
      return kt_status_ok;
    case kt_op_squeeze: {
      int cnt = attr_ints(jn, "squeeze_dims", list, KT_MAX_DIMS);
      if (cnt < 0) return kt_fail(kt_status_unsupported, "node '%s': squeeze_dims", name);
      for (int i = 0; i < cnt; i++) {
        if (list[i] < 0 || list[i] >= KT_MAX_DIMS) return kt_fail(kt_status_unsupported, "node '%s': negative squeeze dim", name);
        n->attrs.squeeze_mask |= 1u << list[i];
      }
      return kt_status_ok;
    }
    case kt_op_resize_bilinear:
      n->attrs.half_pixel_centers = attr_bool(jn, "half_pixel_centers");
      n->attrs.align_corners = attr_bool(jn, "align_corners");
      return kt_status_ok;
    default: return kt_status_ok;
  }
}

/* --------------------------------------------------------------- wiring */

/* "name" / "name:k" -> the tensor name we register for output k. */
static void output_name(const char* node, int k, char* out, size_t cap) {
  if (k == 0) snprintf(out, cap, "%s", node);
  else snprintf(out, cap, "%s:%d", node, k);
}

static int resolve_input(const kt_graph* g, const char* ref) {
  char buf[512];
  size_t len = strlen(ref);
  if (len >= sizeof(buf)) return -1;
  memcpy(buf, ref, len + 1);
  char* colon = strrchr(buf, ':');
  if (colon && strcmp(colon, ":0") == 0) *colon = '\0';
  return kt_graph_find_tensor(g, buf);
}

static kt_status add_placeholder(kt_graph* g, const cJSON* jn, const char* name) {
  kt_dtype dtype;
  if (dtype_from_tf(attr_type(jn, "dtype"), &dtype) != kt_status_ok)
    return kt_fail(kt_status_unsupported, "input '%s' dtype", name);
  const cJSON* dims = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(attr(jn, "shape"), "shape"), "dim");
  int32_t d[KT_MAX_DIMS];
  int rank = 0;
  const cJSON* dim;
  cJSON_ArrayForEach(dim, dims) {
    int64_t size = 0;
    if (rank >= KT_MAX_DIMS || !json_int(cJSON_GetObjectItemCaseSensitive(dim, "size"), &size) || size < 1)
      return kt_fail(kt_status_unsupported, "input '%s' needs a static shape", name);
    d[rank++] = (int32_t)size;
  }
  if (g->num_inputs > 0) return kt_fail(kt_status_unsupported, "models with several inputs");
  int index = -1;
  kt_status s = kt_graph_add_tensor(g, name, dtype, rank, d, &index);
  if (s != kt_status_ok) return kt_fail(s, "input '%s' shape", name);
  return kt_graph_add_input(g, index);
}

/* TF's filter layouts (HWIO, HWCM) to the graph's (OHWI, [1, H, W, C*M]),
 * once, in place: a filter feeds one convolution in converted models (a
 * shared one is refused rather than converted twice). */
static kt_status relayout_filter(kt_graph* g, const kt_node* n) {
  const int fi = n->inputs[1];
  kt_tensor* f = &g->tensors[fi];
  for (int i = 0; i < g->num_nodes; i++)
    for (int k = 0; k < g->nodes[i].num_inputs; k++)
      if (&g->nodes[i] != n && g->nodes[i].inputs[k] == fi)
        return kt_fail(kt_status_unsupported, "node '%s': filter '%s' is shared", n->name, f->name);
  if (!f->is_const || f->rank != 4 || f->dtype != kt_dtype_f32)
    return kt_fail(kt_status_unsupported, "node '%s': filter is not a constant 4-d float tensor", n->name);
  const int32_t H = f->dims[0], W = f->dims[1], I = f->dims[2], O = f->dims[3];
  if (n->op == kt_op_depthwise_conv2d) { /* HWCM is [1, H, W, C*M] in memory already */
    const int32_t dims[4] = {1, H, W, I * O};
    f->dims[0] = dims[0], f->dims[1] = dims[1], f->dims[2] = dims[2], f->dims[3] = dims[3];
    return kt_status_ok;
  }
  float* out = malloc(f->count ? f->count * sizeof(float) : 1);
  if (!out) return kt_status_out_of_memory;
  const float* in = f->data;
  for (int32_t h = 0; h < H; h++)
    for (int32_t w = 0; w < W; w++)
      for (int32_t i = 0; i < I; i++)
        for (int32_t o = 0; o < O; o++)
          out[(((size_t)o * H + h) * W + w) * I + i] = in[(((size_t)h * W + w) * I + i) * O + o];
  free(f->data);
  f->data = out;
  f->dims[0] = O, f->dims[1] = H, f->dims[2] = W, f->dims[3] = I;
  return kt_status_ok;
}

kt_status kt_tfjs_load_topology(kt_graph* g, const cJSON* model) {
  const cJSON* nodes = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(model, "modelTopology"), "node");
  if (!cJSON_IsArray(nodes)) return kt_fail(kt_status_model_format, "missing modelTopology.node");
  const cJSON* jn;
  /* Pass 1: inputs, and output tensors of every op node. */
  cJSON_ArrayForEach(jn, nodes) {
    const char* name = kt_json_string(jn, "name");
    const char* op = kt_json_string(jn, "op");
    if (!name || !op) return kt_fail(kt_status_model_format, "node without name or op");
    if (strcmp(op, "Const") == 0) {
      if (kt_graph_find_tensor(g, name) < 0) return kt_fail(kt_status_model_format, "constant '%s' has no weight", name);
      continue;
    }
    if (strcmp(op, "Placeholder") == 0) {
      kt_status s = add_placeholder(g, jn, name);
      if (s != kt_status_ok) return s;
      continue;
    }
    size_t m = 0;
    while (m < sizeof(kOpMap) / sizeof(kOpMap[0]) && strcmp(kOpMap[m].tf_name, op) != 0) m++;
    if (m == sizeof(kOpMap) / sizeof(kOpMap[0])) return kt_fail(kt_status_unsupported, "unsupported op '%s' in node '%s'", op, name);
    int ni = -1;
    kt_status s = kt_graph_add_node(g, kOpMap[m].op, name, &ni);
    if (s != kt_status_ok) return s;
    int64_t num = 1;
    if (kOpMap[m].op == kt_op_unpack && (!attr_int(jn, "num", &num) || num < 1 || num > KT_MAX_NODE_OUTPUTS))
      return kt_fail(kt_status_unsupported, "node '%s': Unpack num", name);
    for (int k = 0; k < (int)num; k++) {
      char tname[512];
      output_name(name, k, tname, sizeof(tname));
      int ti = -1;
      s = kt_graph_add_tensor(g, tname, kt_dtype_f32, 0, NULL, &ti);
      if (s != kt_status_ok) return s;
      g->tensors[ti].producer = ni;
      g->nodes[ni].outputs[g->nodes[ni].num_outputs++] = ti;
    }
  }
  /* Pass 2: inputs and attrs. Node i of the graph is the i-th op node. */
  int ni = 0;
  cJSON_ArrayForEach(jn, nodes) {
    const char* op = kt_json_string(jn, "op");
    if (strcmp(op, "Const") == 0 || strcmp(op, "Placeholder") == 0) continue;
    kt_node* n = &g->nodes[ni++];
    const cJSON* in;
    cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(jn, "input")) {
      if (!cJSON_IsString(in)) return kt_fail(kt_status_model_format, "node '%s': bad input", n->name);
      if (in->valuestring[0] == '^') continue; /* control dependency */
      int ti = resolve_input(g, in->valuestring);
      if (ti < 0) return kt_fail(kt_status_model_format, "node '%s': unknown input '%s'", n->name, in->valuestring);
      if (n->num_inputs >= KT_MAX_NODE_INPUTS) return kt_fail(kt_status_unsupported, "node '%s': too many inputs", n->name);
      n->inputs[n->num_inputs++] = ti;
    }
    if (n->num_inputs == 0) return kt_fail(kt_status_model_format, "node '%s' has no inputs", n->name);
    kt_status s = read_attrs(jn, n, n->name);
    if (s != kt_status_ok) return s;
  }
  for (int i = 0; i < g->num_nodes; i++) {
    const kt_node* n = &g->nodes[i];
    if (n->op != kt_op_conv2d && n->op != kt_op_depthwise_conv2d) continue;
    kt_status s = relayout_filter(g, n);
    if (s != kt_status_ok) return s;
  }
  if (g->num_inputs == 0) return kt_fail(kt_status_model_format, "model has no Placeholder input");
  /* The output: the signature's, else the op node that nothing reads. */
  const cJSON* outs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(model, "signature"), "outputs");
  int output = -1;
  if (cJSON_IsObject(outs) && cJSON_GetArraySize(outs) == 1) {
    const char* oname = kt_json_string(outs->child, "name");
    output = oname ? resolve_input(g, oname) : -1;
  } else {
    for (int t = 0; t < g->num_tensors && output < 0; t++) {
      if (g->tensors[t].producer < 0) continue;
      bool read = false;
      for (int i = 0; i < g->num_nodes && !read; i++)
        for (int k = 0; k < g->nodes[i].num_inputs; k++)
          if (g->nodes[i].inputs[k] == t) read = true;
      if (!read) output = t;
    }
  }
  if (output < 0) return kt_fail(kt_status_model_format, "model output not found");
  return kt_graph_add_output(g, output);
}
