/* tflite_internal.h — pieces of the TFLite flatbuffer loader (internal).
 *
 * Loading runs in three steps over one kt_tfl_loader:
 *   tflite_tensors.c  every tensor: f32/i32 activations and constants
 *                     become graph tensors; f16 and sparse constants wait
 *                     as "pending" bytes for the ops that convert them;
 *   tflite_fold.c     DENSIFY and DEQUANTIZE of constants run here, at
 *                     load, and leave f32 graph constants behind;
 *   tflite_ops.c      every other operator becomes a graph node; an op,
 *                     option or dtype we do not run is an error naming it.
 * Pointers into the file (kt_fb) are only read during the load. */
#ifndef KT_LOADERS_TFLITE_INTERNAL_H
#define KT_LOADERS_TFLITE_INTERNAL_H

#include "loaders/tflite/flatbuffer.h"
#include "runtime/graph.h"

/* A constant that is not f32/i32 yet: f16 data, possibly sparse. */
typedef struct kt_tfl_pending {
  bool present;
  uint8_t type;           /* TensorType */
  int rank;
  int32_t dims[KT_MAX_DIMS];
  const uint8_t* bytes;   /* in the file, or `owned` */
  size_t nbytes;
  uint8_t* owned;         /* densified bytes we allocated */
  bool sparse;            /* `sparsity` still describes `bytes` */
  kt_fb_table sparsity;
  bool was_sparse;        /* stored sparse in the file */
} kt_tfl_pending;

typedef struct kt_tfl_loader {
  kt_fb fb;
  kt_fb_vector opcodes, buffers, tensors, operators;
  kt_fb_table subgraph;
  kt_graph* g;
  uint32_t num_tensors;
  int* map;                /* file tensor -> graph tensor, -1 when none */
  kt_tfl_pending* pending; /* per file tensor */
  int32_t* declared;       /* per file tensor: rank then dims, for the final shape check */
  bool* folded_op;         /* per operator: done at load (DENSIFY/DEQUANTIZE) */
} kt_tfl_loader;

/* A name for diagnostics: the tensor's name, or "#index". */
const char* kt_tfl_tensor_name(const kt_tfl_loader* L, uint32_t index, char* buf, size_t cap);

/* The effective builtin code of operator `op`; false on a malformed file
 * (kt_fail set). A custom op is an `unsupported` failure naming it. */
kt_status kt_tfl_op_code(const kt_tfl_loader* L, const kt_fb_table* op, int32_t* code_out);

kt_status kt_tfl_load_tensors(kt_tfl_loader* L);
kt_status kt_tfl_fold_constants(kt_tfl_loader* L);
kt_status kt_tfl_load_ops(kt_tfl_loader* L);

/* Densifies a sparse constant into `dense` (count elements of elem_bytes,
 * zero-filled by the caller) following its SparsityParameters. */
kt_status kt_tfl_densify(const kt_tfl_pending* p, size_t elem_bytes, uint8_t* dense, size_t count,
                         const char* name);

#endif
