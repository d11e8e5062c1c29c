/* tflite_tensors.c — the file's tensors and buffers as graph tensors (see
 * tflite_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "loaders/tflite/tflite_internal.h"
#include "loaders/tflite/tflite_schema.h"

static const char* type_name(uint8_t t) {
  static const char* const kNames[] = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING",
                                       "BOOL",    "INT16",   "COMPLEX64", "INT8", "FLOAT64"};
  return t < sizeof(kNames) / sizeof(kNames[0]) ? kNames[t] : "unknown";
}

const char* kt_tfl_tensor_name(const kt_tfl_loader* L, uint32_t index, char* buf, size_t cap) {
  kt_fb_table t;
  const char* s = NULL;
  size_t n = 0;
  if (kt_fb_vec_table(&L->tensors, index, &t) && kt_fb_string(&t, kTflTensorName, &s, &n) && n > 0 && n < cap) {
    memcpy(buf, s, n + 1);
    return buf;
  }
  snprintf(buf, cap, "#%u", index);
  return buf;
}

/* The bytes of buffer `index` (NULL, 0 when it holds none). */
static kt_status buffer_bytes(const kt_tfl_loader* L, uint32_t index, const uint8_t** bytes_out, size_t* n_out) {
  *bytes_out = NULL;
  *n_out = 0;
  if (index == 0) return kt_status_ok; /* buffer 0 is the schema's empty sentinel */
  kt_fb_table b;
  kt_fb_vector data;
  uint64_t offset = 0, size = 0;
  if (!kt_fb_vec_table(&L->buffers, index, &b) || !kt_fb_vector_field(&b, kTflBufferData, 1, &data) ||
      !kt_fb_u64(&b, kTflBufferOffset, 0, &offset) || !kt_fb_u64(&b, kTflBufferSize, 0, &size))
    return kt_fail(kt_status_model_format, "tflite: buffer %u is malformed", index);
  if (data.count > 0) {
    *bytes_out = kt_fb_vec_bytes(&data);
    *n_out = data.count;
  } else if (offset > 1) { /* data stored after the flatbuffer (large models) */
    if (offset > L->fb.len || size > L->fb.len - offset)
      return kt_fail(kt_status_model_format, "tflite: buffer %u reaches past the file", index);
    *bytes_out = L->fb.data + offset;
    *n_out = (size_t)size;
  }
  return kt_status_ok;
}

static kt_status read_shape(const kt_fb_table* t, const char* name, int* rank_out, int32_t* dims) {
  kt_fb_vector shape;
  if (!kt_fb_vector_field(t, kTflTensorShape, 4, &shape))
    return kt_fail(kt_status_model_format, "tflite: tensor '%s' has a malformed shape", name);
  if (shape.count > KT_MAX_DIMS) return kt_fail(kt_status_unsupported, "tflite: tensor '%s' of rank %u", name, shape.count);
  for (uint32_t i = 0; i < shape.count; i++) {
    if (!kt_fb_vec_i32(&shape, i, &dims[i])) return kt_fail(kt_status_model_format, "tflite: tensor '%s' shape", name);
    if (dims[i] < 0) return kt_fail(kt_status_unsupported, "tflite: tensor '%s' has a dynamic shape", name);
  }
  *rank_out = (int)shape.count;
  return kt_status_ok;
}

/* Affine quantization (scale / zero point) is refused: the runtime is
 * float. An empty QuantizationParameters table is common and harmless. */
static kt_status check_not_quantized(const kt_fb_table* t, const char* name) {
  kt_fb_table q;
  bool present = false;
  if (!kt_fb_table_field(t, kTflTensorQuantization, &q, &present))
    return kt_fail(kt_status_model_format, "tflite: tensor '%s' quantization", name);
  if (!present) return kt_status_ok;
  kt_fb_vector scale, zero;
  uint8_t details = 0;
  if (!kt_fb_vector_field(&q, kTflQuantScale, 4, &scale) || !kt_fb_vector_field(&q, kTflQuantZeroPoint, 8, &zero) ||
      !kt_fb_u8(&q, kTflQuantDetailsType, 0, &details))
    return kt_fail(kt_status_model_format, "tflite: tensor '%s' quantization", name);
  if (scale.count || zero.count || details)
    return kt_fail(kt_status_unsupported, "tflite: tensor '%s' is quantized (int8/uint8 models are not supported)", name);
  return kt_status_ok;
}

static kt_status add_graph_tensor(kt_tfl_loader* L, uint32_t i, const char* name, kt_dtype dt, int rank,
                                  const int32_t* dims, const uint8_t* bytes, size_t nbytes) {
  int gi = -1;
  /* Activations start unshaped: inference fills them, and the file's
   * declared shape is checked against it after preparation. */
  kt_status s = kt_graph_add_tensor(L->g, name, dt, rank, bytes ? dims : NULL, &gi);
  if (s != kt_status_ok) return kt_fail(s, "tflite: tensor '%s' has an invalid shape", name);
  kt_tensor* t = &L->g->tensors[gi];
  if (bytes) {
    if (nbytes != t->count * kt_dtype_size(dt))
      return kt_fail(kt_status_model_format, "tflite: constant '%s' has %zu bytes for %zu values", name, nbytes, t->count);
    t->data = malloc(nbytes ? nbytes : 1);
    if (!t->data) return kt_status_out_of_memory;
    if (nbytes) memcpy(t->data, bytes, nbytes);
    t->is_const = true;
    t->phase = -1;
  }
  L->map[i] = gi;
  return kt_status_ok;
}

kt_status kt_tfl_load_tensors(kt_tfl_loader* L) {
  for (uint32_t i = 0; i < L->num_tensors; i++) {
    kt_fb_table t;
    char name[128];
    kt_tfl_tensor_name(L, i, name, sizeof(name));
    uint8_t type = 0;
    uint32_t buffer = 0;
    if (!kt_fb_vec_table(&L->tensors, i, &t) || !kt_fb_u8(&t, kTflTensorType, 0, &type) ||
        !kt_fb_u32(&t, kTflTensorBuffer, 0, &buffer))
      return kt_fail(kt_status_model_format, "tflite: tensor %u is malformed", i);
    if (buffer >= L->buffers.count) return kt_fail(kt_status_model_format, "tflite: tensor '%s' names buffer %u", name, buffer);
    int rank = 0;
    int32_t dims[KT_MAX_DIMS];
    kt_status s = read_shape(&t, name, &rank, dims);
    if (s == kt_status_ok) s = check_not_quantized(&t, name);
    const uint8_t* bytes = NULL;
    size_t nbytes = 0;
    if (s == kt_status_ok) s = buffer_bytes(L, buffer, &bytes, &nbytes);
    if (s != kt_status_ok) return s;
    L->declared[i * (KT_MAX_DIMS + 1)] = rank;
    memcpy(&L->declared[i * (KT_MAX_DIMS + 1) + 1], dims, sizeof(int32_t) * (size_t)rank);
    kt_fb_table sparsity;
    bool sparse = false;
    if (!kt_fb_table_field(&t, kTflTensorSparsity, &sparsity, &sparse))
      return kt_fail(kt_status_model_format, "tflite: tensor '%s' sparsity", name);
    if (sparse && !bytes) return kt_fail(kt_status_unsupported, "tflite: sparse activation '%s'", name);
    if (type == kTflFloat16 || sparse) {
      /* Waits for DENSIFY / DEQUANTIZE (tflite_fold.c); an f16 activation
       * (no bytes) is the output of one of those. */
      if (type != kTflFloat16 && type != kTflFloat32)
        return kt_fail(kt_status_unsupported, "tflite: sparse tensor '%s' of type %s", name, type_name(type));
      kt_tfl_pending* p = &L->pending[i];
      p->present = true;
      p->type = type;
      p->rank = rank;
      memcpy(p->dims, dims, sizeof(dims));
      p->bytes = bytes;
      p->nbytes = nbytes;
      p->sparse = sparse;
      p->was_sparse = sparse;
      if (sparse) p->sparsity = sparsity;
      if (type == kTflFloat32 && !sparse) s = add_graph_tensor(L, i, name, kt_dtype_f32, rank, dims, NULL, 0);
      if (s != kt_status_ok) return s;
      continue;
    }
    if (type != kTflFloat32 && type != kTflInt32)
      return kt_fail(kt_status_unsupported, "tflite: tensor '%s' of type %s", name, type_name(type));
    s = add_graph_tensor(L, i, name, type == kTflFloat32 ? kt_dtype_f32 : kt_dtype_i32, rank, dims, bytes, nbytes);
    if (s != kt_status_ok) return s;
  }
  return kt_status_ok;
}
