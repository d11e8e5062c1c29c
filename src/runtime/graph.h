/*
 * graph.h — the runtime's dataflow graph (internal).
 *
 * A model loader (src/loaders/...) fills a kt_graph with tensors and nodes
 * in the model's own op vocabulary, reduced to the kt_op_type set below.
 * kt_graph_prepare() then, once:
 *   1. orders the nodes topologically and drops those that feed no output,
 *   2. infers every shape and dtype, folding nodes whose inputs are all
 *      constant (they run once with the reference kernels, at load),
 *   3. assigns each remaining node a phase: 0 = C before XNNPACK, 1 = the
 *      XNNPACK subgraph, 2 = C after XNNPACK (post-processing),
 *   4. plans one arena for every tensor that lives outside XNNPACK.
 * kt_graph_run() executes phase 0, the backend's runtime, phase 2, with no
 * allocation. With the reference backend every node runs in C (phase 0).
 *
 * Layout conventions every loader converts to (so backends see one):
 * activations NHWC; conv filters OHWI [out, h, w, in]; depthwise filters
 * [1, h, w, in * multiplier] (TFLite's and XNNPACK's own layouts).
 */
#ifndef KT_RUNTIME_GRAPH_H
#define KT_RUNTIME_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kinetrack.h"

#define KT_MAX_DIMS 6
#define KT_MAX_NODE_INPUTS 8
#define KT_MAX_NODE_OUTPUTS 4
#define KT_MAX_GRAPH_IO 8 /* named inputs and outputs of a model */

/* Element types of runtime tensors. Narrower types in model files (f16,
 * u8, sparse) are converted by the loaders at load time. */
typedef enum kt_dtype { kt_dtype_f32 = 0, kt_dtype_i32 = 1, kt_dtype_count_ } kt_dtype;

typedef struct kt_tensor {
  char* name;        /* owned; the model's name, for errors and lookups */
  kt_dtype dtype;
  int rank;
  int32_t dims[KT_MAX_DIMS];
  size_t count;      /* number of elements */
  void* data;        /* constants: owned buffer; others: view into arena */
  bool is_const;
  bool shaped;       /* dims/dtype known (set by inference or the loader) */
  int producer;      /* node index, -1 for constants and graph inputs */
  int phase;         /* phase of the producer; -1 constant, 0 for inputs */
  int last_use;      /* last position in execution order that reads it */
  bool needs_buffer; /* lives outside XNNPACK, so it gets arena memory */
  size_t arena_offset;
  bool was_sparse;   /* a constant the model file stored sparse (densified at load) */
} kt_tensor;

typedef enum kt_op_type {
  kt_op_identity = 0,
  kt_op_cast,
  kt_op_reshape,      /* inputs: x, shape (const) */
  kt_op_expand_dims,  /* inputs: x, axis (const) */
  kt_op_squeeze,      /* attrs.squeeze_mask (0 = all size-1 dims) */
  kt_op_unpack,       /* attrs.axis, outputs = attrs.num */
  kt_op_pack,         /* attrs.axis */
  kt_op_concat,       /* inputs: x0..xn-1, axis (const, last) */
  kt_op_add,
  kt_op_sub,
  kt_op_mul,
  kt_op_div,
  kt_op_floor_div,
  kt_op_squared_difference,
  kt_op_maximum,
  kt_op_minimum,
  kt_op_sqrt,
  kt_op_sigmoid,
  kt_op_relu,
  kt_op_relu6,
  kt_op_argmax,       /* inputs: x, axis (const) */
  kt_op_gather_nd,    /* inputs: params, indices */
  kt_op_conv2d,       /* inputs: x, filter OHWI, [bias] */
  kt_op_depthwise_conv2d, /* inputs: x, filter [1, H, W, C*M], [bias] */
  kt_op_resize_bilinear,  /* inputs: x, size (const) */
  kt_op_pad,          /* inputs: x, paddings (const [rank, 2]); pads with 0 */
  kt_op_max_pool2d,   /* attrs: filter_h/w, stride, padding_same */
  kt_op_depth_to_space, /* attrs.block_size; TF's DCR order */
  kt_op_count_
} kt_op_type;

typedef struct kt_node_attrs {
  int32_t stride_h, stride_w, dilation_h, dilation_w;
  bool padding_same;
  float act_min, act_max;   /* fused activation clamp; +-INFINITY if none */
  int32_t axis;
  int32_t num;
  uint32_t squeeze_mask;    /* bit i set: squeeze dim i */
  bool half_pixel_centers, align_corners;
  kt_dtype dst_type;        /* cast */
  int32_t filter_h, filter_w; /* pooling window */
  int32_t block_size;       /* depth_to_space */
} kt_node_attrs;

typedef struct kt_node {
  kt_op_type op;
  char* name; /* owned */
  int num_inputs, num_outputs;
  int inputs[KT_MAX_NODE_INPUTS];
  int outputs[KT_MAX_NODE_OUTPUTS];
  kt_node_attrs attrs;
  int phase;
  bool folded; /* computed at load, not executed any more */
  bool dead;   /* feeds no model output: never inferred nor run */
} kt_node;

struct kt_backend_impl; /* backend.h */

typedef struct kt_graph {
  kt_tensor* tensors;
  int num_tensors, cap_tensors;
  kt_node* nodes;
  int num_nodes, cap_nodes;
  int* order;      /* execution order: node indices, folded ones excluded */
  int num_order;
  /* The model's inputs and outputs (tensor indices), in the model's order. */
  int inputs[KT_MAX_GRAPH_IO], num_inputs;
  int outputs[KT_MAX_GRAPH_IO], num_outputs;
  kt_backend backend;
  uint8_t* arena;
  size_t arena_size;
  const struct kt_backend_impl* impl; /* NULL: the reference kernels only */
  void* impl_state;                   /* the backend's own, opaque */
} kt_graph;

/* ------------------------------------------------------------ building */

kt_status kt_graph_init(kt_graph* graph);
void kt_graph_release(kt_graph* graph);

/* Adds a tensor named `name` (copied); returns its index in *index_out.
 * dims may be NULL when not known yet. */
kt_status kt_graph_add_tensor(kt_graph* graph, const char* name, kt_dtype dtype,
                              int rank, const int32_t* dims, int* index_out);

/* Adds a node; returns its index. Outputs are wired by the caller. */
kt_status kt_graph_add_node(kt_graph* graph, kt_op_type op, const char* name,
                            int* index_out);

/* Finds a tensor by name; -1 when absent. Linear: load time only. */
int kt_graph_find_tensor(const kt_graph* graph, const char* name);

/* Declares tensor `index` a model input / output (in call order). */
kt_status kt_graph_add_input(kt_graph* graph, int index);
kt_status kt_graph_add_output(kt_graph* graph, int index);

/* Whether `index` is one of the graph's inputs. */
bool kt_graph_is_input(const kt_graph* graph, int index);

/* ----------------------------------------------------- prepare and run */

kt_status kt_graph_prepare(kt_graph* graph, kt_backend backend);
kt_status kt_graph_run(kt_graph* graph);

/* ---------------------------------------------------------------- ops */

/* Per-op functions (src/runtime/ops/op_*.c). `infer` sets the outputs'
 * dtype/rank/dims from the inputs (constant inputs have data); `run`
 * computes outputs from inputs whose data pointers are valid. */
typedef kt_status (*kt_op_infer_fn)(kt_graph* graph, kt_node* node);
typedef kt_status (*kt_op_run_fn)(kt_graph* graph, const kt_node* node);

typedef struct kt_op_info {
  const char* name;
  kt_op_infer_fn infer;
  kt_op_run_fn run;
} kt_op_info;

const kt_op_info* kt_op_get_info(kt_op_type op);

/* Helpers shared by the op files. */
/* Bytes per element of each dtype. */
static inline size_t kt_dtype_size(kt_dtype t) {
  static const size_t kSizes[kt_dtype_count_] = {[kt_dtype_f32] = 4, [kt_dtype_i32] = 4};
  return (unsigned)t < kt_dtype_count_ ? kSizes[t] : 0;
}
/* Input k of a node is a shape operand (reshape's shape, resize's size,
 * pad's paddings, concat's trailing axis): a constant read at build time,
 * not data. */
static inline bool kt_is_shape_operand(const kt_node* n, int k) {
  switch (n->op) {
    case kt_op_reshape:
    case kt_op_resize_bilinear:
    case kt_op_pad: return k == 1;
    case kt_op_concat: return k == n->num_inputs - 1;
    default: return false;
  }
}
size_t kt_dims_count(int rank, const int32_t* dims);
kt_status kt_tensor_set_shape(kt_tensor* t, kt_dtype dtype, int rank,
                              const int32_t* dims);
static inline kt_tensor* kt_in(kt_graph* g, const kt_node* n, int i) {
  return &g->tensors[n->inputs[i]];
}
static inline kt_tensor* kt_out(kt_graph* g, const kt_node* n, int i) {
  return &g->tensors[n->outputs[i]];
}
/* Reads a small constant int tensor (axis, shape, size) into `values`. */
kt_status kt_const_ints(const kt_tensor* t, int32_t* values, int max_values,
                        int* count_out);
/* Reads a constant scalar axis for a tensor of rank `rank`: negative counts
 * from the end; kt_status_model_format unless one value in [-rank, rank). */
kt_status kt_const_axis(const kt_tensor* t, int rank, int* axis_out);

#endif /* KT_RUNTIME_GRAPH_H */
