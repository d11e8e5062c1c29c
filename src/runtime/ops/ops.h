/* ops.h — declarations of the per-op infer/run functions (internal).
 * One file per op family under src/runtime/ops/; the table that maps
 * kt_op_type to these lives in op_registry.c. */
#ifndef KT_RUNTIME_OPS_H
#define KT_RUNTIME_OPS_H

#include "runtime/graph.h"

kt_status kt_op_copy_run(kt_graph* g, const kt_node* n);
kt_status kt_op_identity_infer(kt_graph* g, kt_node* n);
kt_status kt_op_reshape_infer(kt_graph* g, kt_node* n);
kt_status kt_op_expand_dims_infer(kt_graph* g, kt_node* n);
kt_status kt_op_squeeze_infer(kt_graph* g, kt_node* n);

kt_status kt_op_cast_infer(kt_graph* g, kt_node* n);
kt_status kt_op_cast_run(kt_graph* g, const kt_node* n);

kt_status kt_op_unpack_infer(kt_graph* g, kt_node* n);
kt_status kt_op_unpack_run(kt_graph* g, const kt_node* n);
kt_status kt_op_pack_infer(kt_graph* g, kt_node* n);
kt_status kt_op_pack_run(kt_graph* g, const kt_node* n);
kt_status kt_op_concat_infer(kt_graph* g, kt_node* n);
kt_status kt_op_concat_run(kt_graph* g, const kt_node* n);

kt_status kt_op_binary_infer(kt_graph* g, kt_node* n);
kt_status kt_op_binary_run(kt_graph* g, const kt_node* n);
kt_status kt_op_unary_infer(kt_graph* g, kt_node* n);
kt_status kt_op_unary_run(kt_graph* g, const kt_node* n);

kt_status kt_op_argmax_infer(kt_graph* g, kt_node* n);
kt_status kt_op_argmax_run(kt_graph* g, const kt_node* n);
kt_status kt_op_gather_nd_infer(kt_graph* g, kt_node* n);
kt_status kt_op_gather_nd_run(kt_graph* g, const kt_node* n);

kt_status kt_op_conv2d_infer(kt_graph* g, kt_node* n);
kt_status kt_op_conv2d_run(kt_graph* g, const kt_node* n);
kt_status kt_op_resize_bilinear_infer(kt_graph* g, kt_node* n);
kt_status kt_op_resize_bilinear_run(kt_graph* g, const kt_node* n);

kt_status kt_op_pad_infer(kt_graph* g, kt_node* n);
kt_status kt_op_pad_run(kt_graph* g, const kt_node* n);
kt_status kt_op_max_pool2d_infer(kt_graph* g, kt_node* n);
kt_status kt_op_max_pool2d_run(kt_graph* g, const kt_node* n);
kt_status kt_op_depth_to_space_infer(kt_graph* g, kt_node* n);
kt_status kt_op_depth_to_space_run(kt_graph* g, const kt_node* n);

/* SAME/VALID output size and leading padding, as TensorFlow computes them. */
void kt_conv_output_size(int32_t in, int32_t kernel, int32_t stride,
                         int32_t dilation, bool same, int32_t* out_size,
                         int32_t* pad_before, int32_t* pad_after);

#endif
