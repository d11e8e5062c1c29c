/* The op table: name, shape inference, reference kernel. Which ops a
 * backend runs is the backend's own business (backend.h). Keep in the
 * order of kt_op_type. */
#include "runtime/ops/ops.h"

static const kt_op_info kOps[kt_op_count_] = {
    [kt_op_identity] = {"Identity", kt_op_identity_infer, kt_op_copy_run},
    [kt_op_cast] = {"Cast", kt_op_cast_infer, kt_op_cast_run},
    [kt_op_reshape] = {"Reshape", kt_op_reshape_infer, kt_op_copy_run},
    [kt_op_expand_dims] = {"ExpandDims", kt_op_expand_dims_infer, kt_op_copy_run},
    [kt_op_squeeze] = {"Squeeze", kt_op_squeeze_infer, kt_op_copy_run},
    [kt_op_unpack] = {"Unpack", kt_op_unpack_infer, kt_op_unpack_run},
    [kt_op_pack] = {"Pack", kt_op_pack_infer, kt_op_pack_run},
    [kt_op_concat] = {"ConcatV2", kt_op_concat_infer, kt_op_concat_run},
    [kt_op_add] = {"AddV2", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_sub] = {"Sub", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_mul] = {"Mul", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_div] = {"RealDiv", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_floor_div] = {"FloorDiv", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_squared_difference] = {"SquaredDifference", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_maximum] = {"Maximum", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_minimum] = {"Minimum", kt_op_binary_infer, kt_op_binary_run},
    [kt_op_sqrt] = {"Sqrt", kt_op_unary_infer, kt_op_unary_run},
    [kt_op_sigmoid] = {"Sigmoid", kt_op_unary_infer, kt_op_unary_run},
    [kt_op_relu] = {"Relu", kt_op_unary_infer, kt_op_unary_run},
    [kt_op_relu6] = {"Relu6", kt_op_unary_infer, kt_op_unary_run},
    [kt_op_argmax] = {"ArgMax", kt_op_argmax_infer, kt_op_argmax_run},
    [kt_op_gather_nd] = {"GatherNd", kt_op_gather_nd_infer, kt_op_gather_nd_run},
    [kt_op_conv2d] = {"Conv2D", kt_op_conv2d_infer, kt_op_conv2d_run},
    [kt_op_depthwise_conv2d] = {"DepthwiseConv2dNative", kt_op_conv2d_infer, kt_op_conv2d_run},
    [kt_op_resize_bilinear] = {"ResizeBilinear", kt_op_resize_bilinear_infer, kt_op_resize_bilinear_run},
    [kt_op_pad] = {"Pad", kt_op_pad_infer, kt_op_pad_run},
    [kt_op_max_pool2d] = {"MaxPool2D", kt_op_max_pool2d_infer, kt_op_max_pool2d_run},
    [kt_op_depth_to_space] = {"DepthToSpace", kt_op_depth_to_space_infer, kt_op_depth_to_space_run},
};

const kt_op_info* kt_op_get_info(kt_op_type op) {
  if ((int)op < 0 || op >= kt_op_count_) return NULL;
  return &kOps[op];
}
