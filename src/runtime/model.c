/* model.c — the public kt_model_* API: load a TF.js graph model into a
 * prepared kt_graph and run it. */
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "core/error.h"
#include "loaders/tfjs/tfjs_internal.h"
#include "runtime/graph.h"
#include "runtime/model_internal.h"

kt_status kt_model_load_tfjs(const char* model_json, size_t model_json_len, const uint8_t* weights,
                             size_t weights_len, kt_backend backend, kt_model** model_out) {
  kt_clear_error();
  if (!model_json || !model_out || (!weights && weights_len))
    return kt_fail(kt_status_invalid_argument, "NULL model bytes");
  kt_status s = kt_status_ok;
  kt_model* m = calloc(1, sizeof(*m));
  cJSON* json = cJSON_ParseWithLength(model_json, model_json_len);
  if (!m) {
    s = kt_status_out_of_memory;
    goto cleanup;
  }
  kt_graph_init(&m->graph);
  if (!json) {
    s = kt_fail(kt_status_model_format, "model.json is not valid JSON");
    goto cleanup;
  }
  s = kt_tfjs_load_weights(&m->graph, cJSON_GetObjectItemCaseSensitive(json, "weightsManifest"), weights, weights_len);
  if (s == kt_status_ok) s = kt_tfjs_load_topology(&m->graph, json);
  if (s == kt_status_ok) {
    s = kt_graph_prepare(&m->graph, backend);
    if (s != kt_status_ok && kt_last_error()[0] == '\0') kt_fail(s, "graph preparation failed (%s)", kt_status_name(s));
  }
cleanup:
  cJSON_Delete(json);
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

kt_status kt_model_input_dims(const kt_model* model, int32_t dims_out[4]) {
  if (!model || !dims_out) return kt_status_invalid_argument;
  return dims4(&model->graph.tensors[model->graph.input], dims_out);
}

kt_status kt_model_output_dims(const kt_model* model, int32_t dims_out[4]) {
  if (!model || !dims_out) return kt_status_invalid_argument;
  return dims4(&model->graph.tensors[model->graph.output], dims_out);
}

kt_status kt_model_run_i32(kt_model* model, const int32_t* input, size_t input_count, float* output,
                           size_t output_count) {
  if (!model || !input || !output) return kt_status_invalid_argument;
  kt_graph* g = &model->graph;
  kt_tensor* in = &g->tensors[g->input];
  kt_tensor* out = &g->tensors[g->output];
  if (in->dtype != kt_dtype_i32 || out->dtype != kt_dtype_f32) return kt_status_unsupported;
  if (input_count != in->count || output_count != out->count) return kt_status_invalid_argument;
  memcpy(in->data, input, input_count * sizeof(int32_t));
  kt_status s = kt_graph_run(g);
  if (s != kt_status_ok) return s;
  memcpy(output, out->data, output_count * sizeof(float));
  return kt_status_ok;
}

int32_t* kt_model_input_buffer_i32(kt_model* model) {
  kt_tensor* in = &model->graph.tensors[model->graph.input];
  return in->dtype == kt_dtype_i32 ? in->data : NULL;
}

const float* kt_model_output_buffer(const kt_model* model) {
  const kt_tensor* out = &model->graph.tensors[model->graph.output];
  return out->dtype == kt_dtype_f32 ? out->data : NULL;
}

kt_status kt_model_run_in_place(kt_model* model) { return kt_graph_run(&model->graph); }
