/* tflite_fold.c — DENSIFY and DEQUANTIZE of constants, done once at load
 * (as TFLite's XNNPACK delegate does): what remains in the graph are plain
 * f32 constants, marked `was_sparse` when the file stored them sparse. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/half.h"
#include "loaders/tflite/tflite_internal.h"
#include "loaders/tflite/tflite_schema.h"

static kt_status io(const kt_tfl_loader* L, const kt_fb_table* op, uint32_t* in, uint32_t* out) {
  kt_fb_vector ins, outs;
  int32_t a = -1, b = -1;
  if (!kt_fb_vector_field(op, kTflOpInputs, 4, &ins) || !kt_fb_vector_field(op, kTflOpOutputs, 4, &outs) ||
      ins.count != 1 || outs.count != 1 || !kt_fb_vec_i32(&ins, 0, &a) || !kt_fb_vec_i32(&outs, 0, &b) || a < 0 ||
      b < 0 || (uint32_t)a >= L->num_tensors || (uint32_t)b >= L->num_tensors || a == b)
    return kt_fail(kt_status_model_format, "tflite: DENSIFY/DEQUANTIZE with bad inputs or outputs");
  *in = (uint32_t)a;
  *out = (uint32_t)b;
  return kt_status_ok;
}

static size_t count_of(const kt_tfl_pending* p) { return kt_dims_count(p->rank, p->dims); }

static bool same_shape(const kt_tfl_loader* L, uint32_t in, uint32_t out) {
  const int32_t* a = &L->declared[in * (KT_MAX_DIMS + 1)];
  const int32_t* b = &L->declared[out * (KT_MAX_DIMS + 1)];
  return memcmp(a, b, sizeof(int32_t) * (size_t)(a[0] + 1)) == 0;
}

/* Turns graph tensor map[out] into a constant holding `values`. */
static kt_status make_const(kt_tfl_loader* L, uint32_t out, float* values, size_t count, bool was_sparse) {
  const int gi = L->map[out];
  kt_tensor* t = gi >= 0 ? &L->g->tensors[gi] : NULL;
  const int32_t* d = &L->declared[out * (KT_MAX_DIMS + 1)];
  if (!t || t->is_const || t->dtype != kt_dtype_f32) {
    free(values);
    return kt_fail(kt_status_model_format, "tflite: a folded constant's output is not a float activation");
  }
  kt_status s = kt_tensor_set_shape(t, kt_dtype_f32, d[0], d + 1);
  if (s == kt_status_ok && t->count != count) s = kt_status_model_format;
  if (s != kt_status_ok) {
    free(values);
    return kt_fail(s, "tflite: folded constant '%s' has the wrong size", t->name);
  }
  t->data = values;
  t->is_const = true;
  t->phase = -1;
  t->was_sparse = was_sparse;
  return kt_status_ok;
}

static kt_status densify(kt_tfl_loader* L, uint32_t in, uint32_t out, bool* done) {
  kt_tfl_pending* p = &L->pending[in];
  char name[128];
  kt_tfl_tensor_name(L, in, name, sizeof(name));
  if (!p->present || !p->bytes) return kt_status_ok; /* not ready (or never): decided at the end */
  if (!p->sparse) return kt_fail(kt_status_unsupported, "tflite: DENSIFY of dense tensor '%s'", name);
  if (!same_shape(L, in, out)) return kt_fail(kt_status_model_format, "tflite: DENSIFY changes the shape of '%s'", name);
  const size_t count = count_of(p), elem = p->type == kTflFloat16 ? 2 : 4;
  if (count > ((size_t)1 << 24)) return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' too large", name);
  uint8_t* dense = calloc(count ? count : 1, elem);
  if (!dense) return kt_status_out_of_memory;
  kt_status s = kt_tfl_densify(p, elem, dense, count, name);
  if (s != kt_status_ok) {
    free(dense);
    return s;
  }
  *done = true;
  if (p->type == kTflFloat32) return make_const(L, out, (float*)(void*)dense, count, true);
  kt_tfl_pending* q = &L->pending[out];
  if (!q->present || q->bytes || q->type != kTflFloat16) {
    free(dense);
    return kt_fail(kt_status_model_format, "tflite: DENSIFY output of '%s' is not an f16 activation", name);
  }
  q->owned = dense;
  q->bytes = dense;
  q->nbytes = count * elem;
  q->was_sparse = true;
  return kt_status_ok;
}

static kt_status dequantize(kt_tfl_loader* L, uint32_t in, uint32_t out, bool* done) {
  kt_tfl_pending* p = &L->pending[in];
  char name[128];
  kt_tfl_tensor_name(L, in, name, sizeof(name));
  if (!p->present || !p->bytes || p->sparse) {
    if (L->map[in] >= 0) /* an f32/i32 tensor, or an activation: not a constant we fold */
      return kt_fail(kt_status_unsupported, "tflite: DEQUANTIZE of '%s' (only f16 constants)", name);
    return kt_status_ok; /* waits for its DENSIFY */
  }
  if (p->type != kTflFloat16) return kt_fail(kt_status_unsupported, "tflite: DEQUANTIZE of a non-f16 tensor '%s'", name);
  if (!same_shape(L, in, out)) return kt_fail(kt_status_model_format, "tflite: DEQUANTIZE changes the shape of '%s'", name);
  const size_t count = count_of(p);
  if (p->nbytes != count * 2) return kt_fail(kt_status_model_format, "tflite: f16 constant '%s' has %zu bytes for %zu values", name, p->nbytes, count);
  float* values = malloc((count ? count : 1) * sizeof(float));
  if (!values) return kt_status_out_of_memory;
  for (size_t i = 0; i < count; i++) values[i] = kt_half_to_float((uint16_t)(p->bytes[2 * i] | (p->bytes[2 * i + 1] << 8)));
  *done = true;
  return make_const(L, out, values, count, p->was_sparse);
}

kt_status kt_tfl_fold_constants(kt_tfl_loader* L) {
  /* DENSIFY feeds DEQUANTIZE; repeat until a pass changes nothing, so the
   * file's operator order does not matter. */
  for (bool progress = true; progress;) {
    progress = false;
    for (uint32_t i = 0; i < L->operators.count; i++) {
      if (L->folded_op[i]) continue;
      kt_fb_table op;
      int32_t code = -1;
      if (!kt_fb_vec_table(&L->operators, i, &op)) return kt_fail(kt_status_model_format, "tflite: operator %u", i);
      kt_status s = kt_tfl_op_code(L, &op, &code);
      if (s != kt_status_ok) return s;
      if (code != kTflDensify && code != kTflDequantize) continue;
      uint32_t in, out;
      s = io(L, &op, &in, &out);
      bool done = false;
      if (s == kt_status_ok) s = code == kTflDensify ? densify(L, in, out, &done) : dequantize(L, in, out, &done);
      if (s != kt_status_ok) return s;
      if (done) L->folded_op[i] = progress = true;
    }
  }
  for (uint32_t i = 0; i < L->operators.count; i++) {
    kt_fb_table op;
    int32_t code = -1;
    if (L->folded_op[i] || !kt_fb_vec_table(&L->operators, i, &op) || kt_tfl_op_code(L, &op, &code) != kt_status_ok)
      continue;
    if (code == kTflDensify || code == kTflDequantize)
      return kt_fail(kt_status_unsupported, "tflite: operator %u (%s) does not read a constant", i,
                     code == kTflDensify ? "DENSIFY" : "DEQUANTIZE");
  }
  return kt_status_ok;
}
