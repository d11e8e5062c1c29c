/* tflite_densify.c — a sparse constant (TFLite SparsityParameters: per
 * dimension DENSE or SPARSE_CSR, in traversal order) to its dense form.
 * Same walk as TFLite's FormatConverter: dense levels enumerate every
 * index; CSR levels enumerate array_indices[segments[p] .. segments[p+1]).
 * Values are consumed in traversal order. Block sparsity is refused. */
#include <string.h>

#include "core/error.h"
#include "loaders/tflite/tflite_internal.h"
#include "loaders/tflite/tflite_schema.h"

typedef struct {
  uint8_t format;
  int32_t dense_size;
  uint8_t seg_type, idx_type;
  kt_fb_vector seg, idx;
} level;

typedef struct {
  const kt_tfl_pending* p;
  size_t elem;
  uint8_t* dense;
  size_t count, nvalues, next_value;
  int rank;
  int32_t order[KT_MAX_DIMS];
  level lv[KT_MAX_DIMS];
  int32_t pos[KT_MAX_DIMS]; /* the current index in each original dimension */
  const char* name;
} walk;

static bool index_value(const kt_fb_vector* v, uint8_t type, uint32_t i, int64_t* out) {
  if (type == kTflIndexInt32) {
    int32_t x;
    if (!kt_fb_vec_i32(v, i, &x)) return false;
    *out = x;
  } else if (type == kTflIndexUint16) {
    uint16_t x;
    if (!kt_fb_vec_u16(v, i, &x)) return false;
    *out = x;
  } else if (type == kTflIndexUint8) {
    uint8_t x;
    if (!kt_fb_vec_u8(v, i, &x)) return false;
    *out = x;
  } else {
    return false;
  }
  return true;
}

static kt_status visit(walk* w, int l, int64_t prev) {
  if (l == w->rank) {
    size_t at = 0;
    for (int d = 0; d < w->rank; d++) at = at * (size_t)w->p->dims[d] + (size_t)w->pos[d];
    if (w->next_value >= w->nvalues || at >= w->count)
      return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' has fewer values than indices", w->name);
    memcpy(w->dense + at * w->elem, w->p->bytes + w->next_value * w->elem, w->elem);
    w->next_value++;
    return kt_status_ok;
  }
  const level* lv = &w->lv[l];
  const int dim = w->order[l];
  if (lv->format == kTflDimDense) {
    for (int32_t i = 0; i < lv->dense_size; i++) {
      w->pos[dim] = i;
      kt_status s = visit(w, l + 1, prev * lv->dense_size + i);
      if (s != kt_status_ok) return s;
    }
    return kt_status_ok;
  }
  int64_t begin, end;
  if (prev < 0 || prev >= (int64_t)UINT32_MAX - 1 || !index_value(&lv->seg, lv->seg_type, (uint32_t)prev, &begin) ||
      !index_value(&lv->seg, lv->seg_type, (uint32_t)prev + 1, &end) || begin < 0 || end < begin ||
      end > (int64_t)lv->idx.count)
    return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' has bad segments", w->name);
  for (int64_t j = begin; j < end; j++) {
    int64_t i;
    if (!index_value(&lv->idx, lv->idx_type, (uint32_t)j, &i) || i < 0 || i >= w->p->dims[dim])
      return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' has an index out of range", w->name);
    w->pos[dim] = (int32_t)i;
    kt_status s = visit(w, l + 1, j);
    if (s != kt_status_ok) return s;
  }
  return kt_status_ok;
}

kt_status kt_tfl_densify(const kt_tfl_pending* p, size_t elem_bytes, uint8_t* dense, size_t count, const char* name) {
  walk w;
  memset(&w, 0, sizeof(w));
  w.p = p, w.elem = elem_bytes, w.dense = dense, w.count = count, w.rank = p->rank, w.name = name;
  w.nvalues = p->nbytes / elem_bytes;
  kt_fb_vector order, block_map, dims;
  if (!kt_fb_vector_field(&p->sparsity, kTflSparsityTraversalOrder, 4, &order) ||
      !kt_fb_vector_field(&p->sparsity, kTflSparsityBlockMap, 4, &block_map) ||
      !kt_fb_vector_field(&p->sparsity, kTflSparsityDimMetadata, 4, &dims))
    return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' has malformed sparsity", name);
  if (block_map.count) return kt_fail(kt_status_unsupported, "tflite: block-sparse tensor '%s'", name);
  if (order.count != (uint32_t)p->rank || dims.count != (uint32_t)p->rank || p->rank < 1)
    return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s': %u levels for rank %d", name, dims.count, p->rank);
  bool seen[KT_MAX_DIMS] = {false};
  for (int l = 0; l < p->rank; l++) {
    kt_fb_table dm;
    level* lv = &w.lv[l];
    int32_t o = -1;
    bool has_seg = false, has_idx = false;
    kt_fb_table seg_t, idx_t;
    if (!kt_fb_vec_i32(&order, (uint32_t)l, &o) || o < 0 || o >= p->rank || seen[o] ||
        !kt_fb_vec_table(&dims, (uint32_t)l, &dm) || !kt_fb_u8(&dm, kTflDimFormat, 0, &lv->format) ||
        !kt_fb_i32(&dm, kTflDimDenseSize, 0, &lv->dense_size) || !kt_fb_u8(&dm, kTflDimSegmentsType, 0, &lv->seg_type) ||
        !kt_fb_u8(&dm, kTflDimIndicesType, 0, &lv->idx_type) || !kt_fb_table_field(&dm, kTflDimSegments, &seg_t, &has_seg) ||
        !kt_fb_table_field(&dm, kTflDimIndices, &idx_t, &has_idx))
      return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' level %d is malformed", name, l);
    seen[o] = true;
    w.order[l] = o;
    if (lv->format == kTflDimDense) {
      if (lv->dense_size != p->dims[o])
        return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' level %d size", name, l);
      continue;
    }
    if (lv->format != kTflDimSparseCsr || !has_seg || !has_idx)
      return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' level %d format", name, l);
    const uint32_t sb = lv->seg_type == kTflIndexInt32 ? 4 : lv->seg_type == kTflIndexUint16 ? 2 : 1;
    const uint32_t ib = lv->idx_type == kTflIndexInt32 ? 4 : lv->idx_type == kTflIndexUint16 ? 2 : 1;
    if (lv->seg_type < kTflIndexInt32 || lv->seg_type > kTflIndexUint8 || lv->idx_type < kTflIndexInt32 ||
        lv->idx_type > kTflIndexUint8 || !kt_fb_vector_field(&seg_t, 0, sb, &lv->seg) ||
        !kt_fb_vector_field(&idx_t, 0, ib, &lv->idx))
      return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' level %d indices", name, l);
  }
  kt_status s = visit(&w, 0, 0);
  if (s == kt_status_ok && w.next_value != w.nvalues)
    return kt_fail(kt_status_model_format, "tflite: sparse tensor '%s' has %zu values, its indices %zu", name, w.nvalues,
                   w.next_value);
  return s;
}
