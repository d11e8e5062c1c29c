/* tflite_model.c — kt_model_load_tflite: checks the file's frame (schema
 * version 3, one subgraph), runs the three loading steps of
 * tflite_internal.h, names the graph's inputs and outputs, and hands the
 * graph to the runtime's common preparation (model.c). */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "loaders/tflite/tflite_internal.h"
#include "loaders/tflite/tflite_schema.h"
#include "runtime/model_internal.h"

static kt_status open_file(kt_tfl_loader* L) {
  kt_fb_table model;
  uint32_t version = 0;
  kt_fb_vector subgraphs;
  if (!kt_fb_root(&L->fb, "TFL3", &model)) return kt_fail(kt_status_model_format, "tflite: not a TFLite flatbuffer (no TFL3 root)");
  if (!kt_fb_u32(&model, kTflModelVersion, 0, &version) || !kt_fb_vector_field(&model, kTflModelOperatorCodes, 4, &L->opcodes) ||
      !kt_fb_vector_field(&model, kTflModelSubgraphs, 4, &subgraphs) ||
      !kt_fb_vector_field(&model, kTflModelBuffers, 4, &L->buffers))
    return kt_fail(kt_status_model_format, "tflite: malformed Model table");
  if (version != 3) return kt_fail(kt_status_unsupported, "tflite: schema version %u (3 expected)", version);
  if (subgraphs.count != 1) return kt_fail(kt_status_unsupported, "tflite: %u subgraphs (one expected)", subgraphs.count);
  if (!kt_fb_vec_table(&subgraphs, 0, &L->subgraph) ||
      !kt_fb_vector_field(&L->subgraph, kTflSubgraphTensors, 4, &L->tensors) ||
      !kt_fb_vector_field(&L->subgraph, kTflSubgraphOperators, 4, &L->operators))
    return kt_fail(kt_status_model_format, "tflite: malformed SubGraph table");
  if (L->tensors.count > 100000 || L->operators.count > 100000)
    return kt_fail(kt_status_unsupported, "tflite: %u tensors, %u operators", L->tensors.count, L->operators.count);
  L->num_tensors = L->tensors.count;
  const size_t nt = (size_t)L->num_tensors + 1;
  L->map = malloc(nt * sizeof(int));
  L->pending = calloc(nt, sizeof(kt_tfl_pending));
  L->declared = calloc(nt * (KT_MAX_DIMS + 1), sizeof(int32_t));
  L->folded_op = calloc((size_t)L->operators.count + 1, sizeof(bool));
  if (!L->map || !L->pending || !L->declared || !L->folded_op) return kt_status_out_of_memory;
  for (size_t i = 0; i < nt; i++) L->map[i] = -1;
  return kt_status_ok;
}

static kt_status add_io(kt_tfl_loader* L, int field, bool input) {
  kt_fb_vector v;
  if (!kt_fb_vector_field(&L->subgraph, field, 4, &v) || v.count == 0)
    return kt_fail(kt_status_model_format, "tflite: the subgraph has no %s", input ? "inputs" : "outputs");
  for (uint32_t i = 0; i < v.count; i++) {
    int32_t t = -1;
    if (!kt_fb_vec_i32(&v, i, &t) || t < 0 || (uint32_t)t >= L->num_tensors || L->map[t] < 0)
      return kt_fail(kt_status_model_format, "tflite: bad subgraph %s %u", input ? "input" : "output", i);
    const kt_tensor* g = &L->g->tensors[L->map[t]];
    if (input && (g->is_const || g->producer >= 0)) return kt_fail(kt_status_model_format, "tflite: input '%s' is computed", g->name);
    if (input && !g->shaped) {
      const int32_t* d = &L->declared[(size_t)t * (KT_MAX_DIMS + 1)];
      kt_status s = kt_tensor_set_shape(&L->g->tensors[L->map[t]], g->dtype, d[0], d + 1);
      if (s != kt_status_ok) return kt_fail(s, "tflite: input '%s' shape", g->name);
    }
    kt_status s = input ? kt_graph_add_input(L->g, L->map[t]) : kt_graph_add_output(L->g, L->map[t]);
    if (s != kt_status_ok) return kt_fail(s, "tflite: subgraph %s %u", input ? "input" : "output", i);
  }
  return kt_status_ok;
}

/* After preparation: every inferred shape must be the one the file
 * declares (catches a lowering that reads an option wrong). */
static kt_status check_shapes(const kt_tfl_loader* L, const kt_graph* g) {
  for (uint32_t i = 0; i < L->num_tensors; i++) {
    const int gi = L->map[i];
    if (gi < 0 || !g->tensors[gi].shaped) continue;
    const kt_tensor* t = &g->tensors[gi];
    const int32_t* d = &L->declared[(size_t)i * (KT_MAX_DIMS + 1)];
    bool same = t->rank == d[0];
    for (int k = 0; same && k < t->rank; k++) same = t->dims[k] == d[1 + k];
    if (!same) return kt_fail(kt_status_model_format, "tflite: tensor '%s' computes to another shape than declared", t->name);
  }
  return kt_status_ok;
}

static void release(kt_tfl_loader* L) {
  for (uint32_t i = 0; L->pending && i < L->num_tensors; i++) free(L->pending[i].owned);
  free(L->map);
  free(L->pending);
  free(L->declared);
  free(L->folded_op);
}

kt_status kt_model_load_tflite_outputs(const uint8_t* bytes, size_t len, kt_backend backend, const char* const* keep,
                                       int num_keep, kt_model** model_out) {
  kt_clear_error();
  if (!bytes || !model_out) return kt_fail(kt_status_invalid_argument, "NULL model bytes");
  kt_model* m = NULL;
  kt_status s = kt_model_new(&m);
  if (s != kt_status_ok) return s;
  kt_tfl_loader L;
  memset(&L, 0, sizeof(L));
  L.fb = (kt_fb){bytes, len};
  L.g = &m->graph;
  s = open_file(&L);
  if (s == kt_status_ok) s = kt_tfl_load_tensors(&L);
  if (s == kt_status_ok) s = kt_tfl_fold_constants(&L);
  if (s == kt_status_ok) s = kt_tfl_load_ops(&L);
  if (s == kt_status_ok) s = add_io(&L, kTflSubgraphInputs, true);
  if (s == kt_status_ok) s = add_io(&L, kTflSubgraphOutputs, false);
  kt_model* out = NULL;
  s = kt_model_finish_load(m, s, backend, keep, num_keep, &out);
  if (s == kt_status_ok) s = check_shapes(&L, &out->graph);
  release(&L);
  if (s != kt_status_ok) {
    kt_model_destroy(out);
    return s;
  }
  *model_out = out;
  return kt_status_ok;
}

kt_status kt_model_load_tflite(const uint8_t* bytes, size_t len, kt_backend backend, kt_model** model_out) {
  return kt_model_load_tflite_outputs(bytes, len, backend, NULL, 0, model_out);
}
