/* model.c — the public kt_model_* API over a prepared kt_graph. Both
 * loaders (src/loaders/tfjs, src/loaders/tflite) only fill a graph; the
 * planner, arena and backend code here and in graph.c are the same for
 * either format. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "runtime/graph.h"
#include "runtime/model_internal.h"

kt_status kt_model_new(kt_model** model_out) {
  kt_model* m = calloc(1, sizeof(*m));
  if (!m) return kt_status_out_of_memory;
  kt_graph_init(&m->graph);
  *model_out = m;
  return kt_status_ok;
}

/* Keeps only the outputs named in `keep` (NULL: all): nodes that feed none
 * of them are then dropped by kt_graph_prepare. */
static kt_status select_outputs(kt_graph* g, const char* const* keep, int num_keep) {
  if (!keep) return kt_status_ok;
  int kept[KT_MAX_GRAPH_IO], n = 0;
  for (int k = 0; k < num_keep; k++) {
    int found = -1;
    for (int i = 0; i < g->num_outputs; i++)
      if (keep[k] && strcmp(g->tensors[g->outputs[i]].name, keep[k]) == 0) found = g->outputs[i];
    if (found < 0) return kt_fail(kt_status_invalid_argument, "the model has no output '%s'", keep[k] ? keep[k] : "");
    kept[n++] = found;
  }
  if (n == 0) return kt_fail(kt_status_invalid_argument, "no output selected");
  memcpy(g->outputs, kept, sizeof(int) * (size_t)n);
  g->num_outputs = n;
  return kt_status_ok;
}

kt_status kt_model_finish_load(kt_model* m, kt_status load_status, kt_backend backend, const char* const* keep,
                               int num_keep, kt_model** model_out) {
  kt_status s = load_status;
  if (s == kt_status_ok) s = select_outputs(&m->graph, keep, num_keep);
  if (s == kt_status_ok) {
    s = kt_graph_prepare(&m->graph, backend);
    if (s != kt_status_ok && kt_last_error()[0] == '\0') kt_fail(s, "graph preparation failed (%s)", kt_status_name(s));
  }
  if (s != kt_status_ok) {
    kt_model_destroy(m);
    return s;
  }
  *model_out = m;
  return kt_status_ok;
}

void kt_model_destroy(kt_model* model) {
  if (!model) return;
  kt_graph_release(&model->graph);
  free(model);
}

static kt_status dims4(const kt_tensor* t, int32_t out[4]) {
  if (t->rank > 4) return kt_status_unsupported;
  for (int i = 0; i < 4; i++) out[i] = 1;
  for (int i = 0; i < t->rank; i++) out[4 - t->rank + i] = t->dims[i];
  return kt_status_ok;
}

int kt_model_num_inputs(const kt_model* model) { return model ? model->graph.num_inputs : 0; }
int kt_model_num_outputs(const kt_model* model) { return model ? model->graph.num_outputs : 0; }

kt_status kt_model_input_dims(const kt_model* model, int32_t dims_out[4]) {
  if (!model || !dims_out) return kt_status_invalid_argument;
  return dims4(&model->graph.tensors[model->graph.inputs[0]], dims_out);
}

kt_status kt_model_output_dims(const kt_model* model, int32_t dims_out[4]) {
  if (!dims_out) return kt_status_invalid_argument;
  return kt_model_output_info(model, 0, NULL, dims_out);
}

kt_status kt_model_output_info(const kt_model* model, int index, const char** name_out, int32_t dims_out[4]) {
  if (!model || index < 0 || index >= model->graph.num_outputs) return kt_status_invalid_argument;
  const kt_tensor* t = &model->graph.tensors[model->graph.outputs[index]];
  if (dims_out) {
    kt_status s = dims4(t, dims_out);
    if (s != kt_status_ok) return s;
  }
  if (name_out) *name_out = t->name;
  return kt_status_ok;
}

kt_status kt_model_run(kt_model* model, kt_element_type type, const void* input, size_t input_count) {
  if (!model || !input) return kt_status_invalid_argument;
  kt_graph* g = &model->graph;
  kt_tensor* in = &g->tensors[g->inputs[0]];
  const kt_dtype want = type == kt_element_f32 ? kt_dtype_f32 : type == kt_element_i32 ? kt_dtype_i32 : kt_dtype_count_;
  if (g->num_inputs != 1) return kt_fail(kt_status_unsupported, "models with %d inputs", g->num_inputs);
  if (in->dtype != want) return kt_fail(kt_status_invalid_argument, "the model's input is not of that element type");
  if (input_count != in->count) return kt_fail(kt_status_invalid_argument, "input has %zu values, the model takes %zu", input_count, in->count);
  memcpy(in->data, input, input_count * kt_dtype_size(in->dtype));
  return kt_graph_run(g);
}

kt_status kt_model_output(const kt_model* model, int index, const float** data_out, size_t* count_out) {
  if (!model || !data_out || index < 0 || index >= model->graph.num_outputs) return kt_status_invalid_argument;
  const kt_tensor* t = &model->graph.tensors[model->graph.outputs[index]];
  if (t->dtype != kt_dtype_f32) return kt_status_unsupported;
  *data_out = t->data;
  if (count_out) *count_out = t->count;
  return kt_status_ok;
}

kt_status kt_model_run_i32(kt_model* model, const int32_t* input, size_t input_count, float* output,
                           size_t output_count) {
  if (!model || !input || !output) return kt_status_invalid_argument;
  const float* out = NULL;
  size_t n = 0;
  kt_status s = kt_model_output(model, 0, &out, &n);
  if (s != kt_status_ok) return s;
  if (output_count != n) return kt_status_invalid_argument;
  s = kt_model_run(model, kt_element_i32, input, input_count);
  if (s != kt_status_ok) return s;
  memcpy(output, out, output_count * sizeof(float));
  return kt_status_ok;
}

void* kt_model_input_buffer(kt_model* model, kt_element_type type) {
  kt_tensor* in = &model->graph.tensors[model->graph.inputs[0]];
  const kt_dtype want = type == kt_element_f32 ? kt_dtype_f32 : kt_dtype_i32;
  return in->dtype == want ? in->data : NULL;
}

kt_status kt_model_run_in_place(kt_model* model) { return kt_graph_run(&model->graph); }
