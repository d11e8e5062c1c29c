/* tfjs_weights.c — turns a TF.js weightsManifest plus the concatenated
 * shard bytes into constant graph tensors, dequantizing float16 / uint8 /
 * uint16 weights to f32 once, at load. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/half.h"
#include "loaders/tfjs/tfjs_internal.h"

static kt_status parse_shape(const cJSON* shape, int* rank_out, int32_t dims[KT_MAX_DIMS]) {
  if (!cJSON_IsArray(shape)) return kt_fail(kt_status_model_format, "weight without shape");
  int rank = cJSON_GetArraySize(shape);
  if (rank > KT_MAX_DIMS) return kt_fail(kt_status_unsupported, "weight rank %d", rank);
  for (int i = 0; i < rank; i++) {
    const cJSON* d = cJSON_GetArrayItem(shape, i);
    if (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble > 1e8)
      return kt_fail(kt_status_model_format, "bad weight dimension");
    dims[i] = (int32_t)d->valuedouble;
  }
  *rank_out = rank;
  return kt_status_ok;
}

/* Decodes one weight's bytes into `out` (count elements of `dtype`). */
static kt_status decode_weight(const cJSON* quant, const char* dtype_name, kt_dtype dtype,
                               const uint8_t* bytes, size_t count, void* out) {
  if (!quant) {
    memcpy(out, bytes, count * 4); /* float32 / int32, little-endian as wasm and x86 */
    return kt_status_ok;
  }
  const char* qtype = kt_json_string(quant, "dtype");
  if (!qtype) return kt_fail(kt_status_model_format, "quantization without dtype");
  if (dtype != kt_dtype_f32) return kt_fail(kt_status_unsupported, "quantized %s weight", dtype_name);
  float* f = out;
  if (strcmp(qtype, "float16") == 0) {
    for (size_t i = 0; i < count; i++) f[i] = kt_half_to_float((uint16_t)(bytes[2 * i] | (bytes[2 * i + 1] << 8)));
    return kt_status_ok;
  }
  const cJSON* scale = cJSON_GetObjectItemCaseSensitive(quant, "scale");
  const cJSON* min = cJSON_GetObjectItemCaseSensitive(quant, "min");
  if (!cJSON_IsNumber(scale) || !cJSON_IsNumber(min))
    return kt_fail(kt_status_model_format, "affine quantization without scale/min");
  if (strcmp(qtype, "uint8") == 0) {
    for (size_t i = 0; i < count; i++) f[i] = (float)(bytes[i] * scale->valuedouble + min->valuedouble);
    return kt_status_ok;
  }
  if (strcmp(qtype, "uint16") == 0) {
    for (size_t i = 0; i < count; i++)
      f[i] = (float)((bytes[2 * i] | (bytes[2 * i + 1] << 8)) * scale->valuedouble + min->valuedouble);
    return kt_status_ok;
  }
  return kt_fail(kt_status_unsupported, "weight quantization '%s'", qtype);
}

static size_t quant_bytes(const cJSON* quant) {
  if (!quant) return 4;
  const char* q = kt_json_string(quant, "dtype");
  if (q && strcmp(q, "uint8") == 0) return 1;
  return 2; /* float16, uint16 */
}

kt_status kt_tfjs_load_weights(kt_graph* g, const cJSON* manifest, const uint8_t* weights,
                               size_t weights_len) {
  if (!cJSON_IsArray(manifest)) return kt_fail(kt_status_model_format, "missing weightsManifest");
  size_t offset = 0;
  const cJSON* group;
  cJSON_ArrayForEach(group, manifest) {
    const cJSON* list = cJSON_GetObjectItemCaseSensitive(group, "weights");
    if (!cJSON_IsArray(list)) return kt_fail(kt_status_model_format, "weights group without list");
    const cJSON* w;
    cJSON_ArrayForEach(w, list) {
      const char* name = kt_json_string(w, "name");
      const char* dtype_name = kt_json_string(w, "dtype");
      if (!name || !dtype_name) return kt_fail(kt_status_model_format, "weight without name or dtype");
      kt_dtype dtype;
      if (strcmp(dtype_name, "float32") == 0)
        dtype = kt_dtype_f32;
      else if (strcmp(dtype_name, "int32") == 0)
        dtype = kt_dtype_i32;
      else
        return kt_fail(kt_status_unsupported, "weight '%s' of dtype %s", name, dtype_name);
      int rank = 0;
      int32_t dims[KT_MAX_DIMS];
      kt_status s = parse_shape(cJSON_GetObjectItemCaseSensitive(w, "shape"), &rank, dims);
      if (s != kt_status_ok) return s;
      const cJSON* quant = cJSON_GetObjectItemCaseSensitive(w, "quantization");
      int index = -1;
      s = kt_graph_add_tensor(g, name, dtype, rank, dims, &index);
      if (s != kt_status_ok) return kt_fail(s, "weight '%s' has an invalid shape", name);
      kt_tensor* t = &g->tensors[index];
      size_t nbytes = t->count * quant_bytes(quant);
      if (nbytes > weights_len - offset || offset > weights_len)
        return kt_fail(kt_status_model_format, "weights truncated at '%s' (%zu of %zu bytes)", name,
                       weights_len, offset + nbytes);
      t->data = malloc(t->count ? t->count * 4 : 1);
      if (!t->data) return kt_status_out_of_memory;
      t->is_const = true;
      t->phase = -1;
      s = decode_weight(quant, dtype_name, dtype, weights + offset, t->count, t->data);
      if (s != kt_status_ok) return s;
      offset += nbytes;
    }
  }
  if (offset != weights_len)
    return kt_fail(kt_status_model_format, "weights have %zu bytes, the manifest describes %zu", weights_len, offset);
  return kt_status_ok;
}
