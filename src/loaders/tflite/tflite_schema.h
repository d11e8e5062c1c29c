/* tflite_schema.h — the parts of TensorFlow Lite's schema (schema.fbs,
 * version 3) the loader reads: field ids of each table (a field's id is its
 * position in the table declaration; a union takes two ids, its type then
 * its value) and the enum values used (internal). */
#ifndef KT_LOADERS_TFLITE_SCHEMA_H
#define KT_LOADERS_TFLITE_SCHEMA_H

/* table Model */
enum { kTflModelVersion = 0, kTflModelOperatorCodes = 1, kTflModelSubgraphs = 2, kTflModelBuffers = 4 };
/* table OperatorCode: deprecated_builtin_code is a byte; the effective code
 * is the larger of it and builtin_code (schema 3a). */
enum { kTflOpCodeDeprecated = 0, kTflOpCodeCustom = 1, kTflOpCodeBuiltin = 3 };
/* table SubGraph */
enum { kTflSubgraphTensors = 0, kTflSubgraphInputs = 1, kTflSubgraphOutputs = 2, kTflSubgraphOperators = 3 };
/* table Tensor */
enum {
  kTflTensorShape = 0, kTflTensorType = 1, kTflTensorBuffer = 2, kTflTensorName = 3,
  kTflTensorQuantization = 4, kTflTensorSparsity = 6,
};
/* table QuantizationParameters: min, max, scale, zero_point, details(union) */
enum { kTflQuantScale = 2, kTflQuantZeroPoint = 3, kTflQuantDetailsType = 4 };
/* table Buffer: data, and (for files over 2 GB) offset/size into the file */
enum { kTflBufferData = 0, kTflBufferOffset = 1, kTflBufferSize = 2 };
/* table Operator */
enum {
  kTflOpOpcodeIndex = 0, kTflOpInputs = 1, kTflOpOutputs = 2, kTflOpOptionsType = 3, kTflOpOptions = 4,
  kTflOpCustomOptions = 5,
};
/* table SparsityParameters and DimensionMetadata; the index vectors are
 * union values (Int32Vector / Uint16Vector / Uint8Vector, each a table
 * with one vector field `values`). */
enum { kTflSparsityTraversalOrder = 0, kTflSparsityBlockMap = 1, kTflSparsityDimMetadata = 2 };
enum {
  kTflDimFormat = 0, kTflDimDenseSize = 1, kTflDimSegmentsType = 2, kTflDimSegments = 3,
  kTflDimIndicesType = 4, kTflDimIndices = 5,
};
enum { kTflDimDense = 0, kTflDimSparseCsr = 1 };
enum { kTflIndexNone = 0, kTflIndexInt32 = 1, kTflIndexUint16 = 2, kTflIndexUint8 = 3 };

/* enum TensorType (the ones we name; the rest are refused by number) */
enum {
  kTflFloat32 = 0, kTflFloat16 = 1, kTflInt32 = 2, kTflUint8 = 3, kTflInt64 = 4, kTflString = 5,
  kTflBool = 6, kTflInt16 = 7, kTflComplex64 = 8, kTflInt8 = 9,
};

/* enum BuiltinOperator: the codes the four BlazePose models use, plus
 * simple neighbours that map onto the same runtime ops. */
enum {
  kTflAdd = 0, kTflConcatenation = 2, kTflConv2d = 3, kTflDepthwiseConv2d = 4, kTflDepthToSpace = 5,
  kTflDequantize = 6, kTflLogistic = 14, kTflMaxPool2d = 17, kTflMul = 18, kTflRelu = 19, kTflRelu6 = 21,
  kTflReshape = 22, kTflResizeBilinear = 23, kTflPad = 34, kTflSub = 41, kTflDiv = 42, kTflDensify = 124,
};

/* Option tables' fields (read by the builtin operator, so the options
 * union's type byte is only checked for presence). */
enum { kTflPaddingSame = 0, kTflPaddingValid = 1 };
enum { kTflActNone = 0, kTflActRelu = 1, kTflActReluN1To1 = 2, kTflActRelu6 = 3 };
enum { kTflConvPadding = 0, kTflConvStrideW = 1, kTflConvStrideH = 2, kTflConvAct = 3, kTflConvDilationW = 4, kTflConvDilationH = 5 };
enum {
  kTflDwPadding = 0, kTflDwStrideW = 1, kTflDwStrideH = 2, kTflDwMultiplier = 3, kTflDwAct = 4,
  kTflDwDilationW = 5, kTflDwDilationH = 6,
};
enum { kTflPoolPadding = 0, kTflPoolStrideW = 1, kTflPoolStrideH = 2, kTflPoolFilterW = 3, kTflPoolFilterH = 4, kTflPoolAct = 5 };
enum { kTflConcatAxis = 0, kTflConcatAct = 1 };
enum { kTflBinaryAct = 0 }; /* AddOptions, MulOptions, SubOptions, DivOptions */
enum { kTflReshapeNewShape = 0 };
enum { kTflResizeAlignCorners = 2, kTflResizeHalfPixel = 3 };
enum { kTflDepthToSpaceBlock = 0 };

#endif
